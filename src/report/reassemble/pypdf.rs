//! Line cuts for pypdf's plain `page.extract_text()` dumps.
//!
//! pypdf writes text in content-stream order, as `pdftotext -raw` does, but breaks a line
//! only where the text moves down by about a line: pieces a writer draws without such a
//! move stay on one line. Where `-raw` gives a card number, a box heading, a metric
//! cell's note or a policy mark a line of its own, pypdf glues them to their neighbours:
//!
//! - a card number glued to the card's title (`１西北地域…事業 事業費 4,789 千円`) or to
//!   its box heading (`０【 事業概要 】 【 事業実績 】`, the number's second digit; pypdfium2
//!   prints the same order with a space, `０ 【 事業概要 】`, and is read as pypdf);
//! - the lines of a metric cell joined with spaces on the row's line
//!   (`申込者数 1,000名 (8月～10月) 255名 (8月～10月)`), and a money unit cut inside
//!   (`500千 円`);
//! - in a chapter shared by two basic policies, the policy marks glued after the row's
//!   page (`… 地域企業支援課 99○ ○`).
//!
//! Each is cut back into `-raw`'s lines, which the rest of the text path reads.
//!
//! pypdf's layout mode (`extraction_mode="layout"`) sets text by position as
//! `pdftotext -layout` does and is read the same way, once three of its own shapes are
//! undone ([`layout_lines`]): a 新規 ○ glued to its row's cost (`72,439○`) or a row's
//! page to its department (`食ブランド・流通推100`), two money
//! cells of a metrics row glued (`162,335千円165,551千円`), and a card number set at the
//! end of the title's first line (`…プロジェクト事   １４`, the cost on the next line) or
//! its last digit at the end of the box headings' line (`【 事業実績 】   ０`).
//!
//! Like the rest of [`super`], only line breaks and the spaces at them change, never
//! the text.

use regex::Regex;
use std::sync::LazyLock;

/// A card number glued to the line after it: a title with its cost, or a box heading.
static GLUED_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,3})([^\s0-9,.].*)$").expect("static regex"));
/// A card number's last digit set before the box headings with a space (pypdfium2:
/// `０ 【 事業概要 】 【 事業実績 】`); without the space it is [`GLUED_NUMBER`]'s.
static NUMBER_BEFORE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,3})\s+(【.*)$").expect("static regex"));
/// A card head's cost on its line (`… 事業費 4,789 千円`).
static HEAD_COST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s事業費\s*[▲△-]?[0-9][0-9,.]*\s*(千円|百万円|億円|円)").expect("static regex")
});
/// Lines a card's title wraps over before its cost line at most.
const TITLE_LINES: usize = 3;
/// A summary row's line ending in its page with the policy marks glued after it.
static MARKS_AFTER_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,3}\s.*\s[0-9]{1,3})((?:\s*[○〇◯])+)\s*$").expect("static regex"));
/// A summary row's (last) line with the policy marks before its page, after the
/// department (pypdfium2: `… 県産品販売・輸出促進課 ○ ○ 99`).
static MARKS_BEFORE_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*[^\s○〇◯])((?:\s+[○〇◯])+)\s+([0-9]{1,3})\s*$").expect("static regex"));
/// A card number at the end of a title's first line (`①青森県信用保証協会補助 ３`, the
/// title's second line and the cost after it).
static NUMBER_AFTER_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\S.*[^\s0-9０-９,.])\s+([0-9０-９]{1,3})\s*$").expect("static regex"));
/// A money unit cut by a space inside a metric cell (`500千 円`).
static CUT_UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]\s*(?:千|百万|億)) 円").expect("static regex"));
/// A metric cell at the end of a line: a quantity (or a dash) and the note printed under
/// it in parentheses (`1,000名 (8月～10月)`), the note optional.
static CELL_AT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\s((?:延べ\s*)?[0-9][0-9,]*(?:\.[0-9]+)?\s*[^\s0-9()（）]{0,4}|[-‐‑‒–—―−－])(?:\s(\([^()]*\)))?\s*$",
    )
    .expect("static regex")
});

/// A 新規 ○ glued to the cost before it, and the space after it (if any).
static GLUED_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9])([○〇◯]) ?").expect("static regex"));
/// A summary row's line: its policy marks, if any, and its No.
static ROW_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[○〇◯]\s*)*[0-9]{1,3}\s").expect("static regex"));
/// A page number glued to the text before it at the end of a row's line.
static GLUED_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([^\s0-9,.])([0-9]{1,3})\s*$").expect("static regex"));
/// Two cells glued: a figure in 千 or 千円 right before the next figure, or a quantity
/// right before the next one's 延べ (the qualifier the metrics grammar reads before a
/// value: `延べ 1,307回延べ 1,203回`).
static GLUED_CELLS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]\s*千円?)([0-9])").expect("static regex"));
static GLUED_QUALIFIER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9][^\s0-9()（）・、]{1,2})(延べ)").expect("static regex"));
/// A card number set at the end of a title's line, after a layout gap.
static NUMBER_AT_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*\S)(\s{3,})([0-9]{1,3})\s*$").expect("static regex"));

/// The pypdf layout-mode steps (before `-layout`'s reading). Each inserted space takes
/// the place of one after it where there is one, so the columns keep their positions.
pub(super) fn layout_lines(ls: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(ls.len());
    let (mut in_summary, mut in_metrics) = (false, false);
    for (i, l) in ls.iter().enumerate() {
        let t = l.trim();
        if t.starts_with("【基本方針事業一覧】") {
            in_summary = true;
        } else if t.starts_with("小計") {
            in_summary = false;
        }
        if t.starts_with("項目名") {
            in_metrics = true;
        } else if super::ends_box(t) || super::heading_kind(t) != (false, false) {
            in_metrics = false;
        }
        if in_summary {
            let marked = GLUED_MARK.replace_all(l, "$1 $2");
            // A row's page glued to the department's last line before it.
            let row = ROW_START.is_match(&marked);
            out.push(if row {
                GLUED_PAGE.replace(&marked, "$1 $2").into_owned()
            } else {
                marked.into_owned()
            });
            continue;
        }
        if in_metrics {
            let cells = GLUED_CELLS.replace_all(l, "$1 $2");
            out.push(GLUED_QUALIFIER.replace_all(&cells, "$1 $2").into_owned());
            continue;
        }
        // A card number's last digit set at the end of the box headings' line (a number
        // printed one digit a line beside the head): on a line of its own before it.
        if super::heading_kind(l) == (true, true) {
            if let Some((head, gap, n)) =
                NUMBER_AT_END.captures(l).and_then(|c| Some((c.get(1)?, c.get(2)?, c.get(3)?)))
            {
                let column = head.as_str().chars().count() + gap.as_str().chars().count();
                out.push(format!("{}{}", " ".repeat(column), n.as_str()));
                out.push(head.as_str().to_string());
                continue;
            }
        }
        // The title's tail and the cost come on the next line that is not blank.
        let cost_next = ls.iter().skip(i + 1).find(|n| !n.trim().is_empty()).is_some_and(|n| {
            HEAD_COST.is_match(&format!(" {}", n.trim())) && super::heading_kind(n) == (false, false)
        });
        match NUMBER_AT_END.captures(l).filter(|_| cost_next && !HEAD_COST.is_match(l)) {
            Some(c) => {
                let (Some(title), Some(gap), Some(n)) = (c.get(1), c.get(2), c.get(3)) else {
                    out.push(l.clone());
                    continue;
                };
                // The number on a line of its own at its column, as `pdftotext -layout`
                // prints it.
                let column = title.as_str().chars().count() + gap.as_str().chars().count();
                out.push(title.as_str().to_string());
                out.push(format!("{}{}", " ".repeat(column), n.as_str()));
            }
            None => out.push(l.clone()),
        }
    }
    out
}

/// The pypdf steps, in the order the lines need them.
pub(super) fn lines(ls: Vec<String>) -> Vec<String> {
    metric_cells(marks_after_page(glued_numbers(ls)))
}

/// A card number glued to its title line or to its box heading goes on a line of its
/// own before it. Glued to a title, only where the number is the next card's (the
/// previous number plus one, or 1 for a chapter's first): a title may itself start with
/// a figure, and the card grammar compares the title with its summary row anyway.
fn glued_numbers(ls: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(ls.len());
    let mut last: Option<u32> = None;
    for (i, l) in ls.iter().enumerate() {
        let t = l.trim();
        // A number after the cost (`事業費 4,789 千円 １`) is read as it is, and counts.
        if HEAD_COST.is_match(&format!(" {t}")) {
            if let Some(n) = NUMBER_AFTER_TITLE.captures(t).and_then(|c| c.get(2)) {
                last = ascii_number(n.as_str()).or(last);
            }
        }
        if let Some((title, n, number)) = number_after_title(&ls, i, t, last) {
            last = Some(number);
            out.push(n.to_string());
            out.push(title.to_string());
            continue;
        }
        let Some((n, rest)) = GLUED_NUMBER
            .captures(t)
            .or_else(|| NUMBER_BEFORE_HEADING.captures(t))
            .and_then(|c| Some((c.get(1)?, c.get(2)?)))
        else {
            out.push(l.clone());
            continue;
        };
        let heading = super::heading_kind(rest.as_str()) != (false, false) && rest.as_str().starts_with('【');
        let number: Option<u32> = n.as_str().parse().ok();
        let next = number.is_some_and(|n| n == 1 || last.is_some_and(|p| n == p + 1));
        // The cost on the title's line, or on a line of the head after a wrapped title.
        let head_cost = || {
            HEAD_COST.is_match(rest.as_str())
                || ls
                    .iter()
                    .skip(i + 1)
                    .take(TITLE_LINES)
                    .take_while(|n| super::heading_kind(n) == (false, false))
                    .any(|n| HEAD_COST.is_match(&format!(" {}", n.trim())))
        };
        let title = next && head_cost();
        if heading || title {
            if title {
                last = number;
            }
            out.push(n.as_str().to_string());
            out.push(rest.as_str().to_string());
        } else {
            out.push(l.clone());
        }
    }
    out
}

/// A card number's value, its digits ASCII or full-width as printed (`３`).
fn ascii_number(n: &str) -> Option<u32> {
    let ascii: String = n
        .chars()
        .map(|c| char::from_u32(u32::from(c).wrapping_sub(0xFEE0)).filter(char::is_ascii_digit).unwrap_or(c))
        .collect();
    ascii.parse().ok()
}

/// A title's first line ending in the next card's number, the cost on one of the next
/// lines of the head (not on this one: a number after the cost is read as it is).
fn number_after_title<'a>(
    ls: &[String],
    i: usize,
    t: &'a str,
    last: Option<u32>,
) -> Option<(&'a str, &'a str, u32)> {
    if HEAD_COST.is_match(&format!(" {t}")) || super::heading_kind(t) != (false, false) {
        return None;
    }
    let c = NUMBER_AFTER_TITLE.captures(t)?;
    let (title, n) = (c.get(1)?.as_str(), c.get(2)?.as_str());
    let number = ascii_number(n)?;
    let next = number == 1 || last.is_some_and(|p| number == p + 1);
    let cost_below = ls
        .iter()
        .skip(i + 1)
        .take(TITLE_LINES)
        .take_while(|n| super::heading_kind(n) == (false, false))
        .any(|n| HEAD_COST.is_match(&format!(" {}", n.trim())));
    (next && cost_below).then_some((title, n, number))
}

/// `1 取引推進事業 9,236 地域企業支援課 99○ ○` → the row, then its marks on the next
/// line (where `-raw` prints them), inside summary tables only.
fn marks_after_page(ls: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(ls.len());
    let mut in_table = false;
    for l in ls {
        let t = l.trim();
        if t.starts_with("【基本方針事業一覧】") {
            in_table = true;
        } else if t.starts_with("小計") {
            in_table = false;
        }
        match MARKS_AFTER_PAGE.captures(t).filter(|_| in_table) {
            Some(c) => {
                let (Some(row), Some(marks)) = (c.get(1), c.get(2)) else {
                    out.push(l);
                    continue;
                };
                out.push(row.as_str().to_string());
                out.push(marks.as_str().trim().to_string());
            }
            None => match MARKS_BEFORE_PAGE.captures(t).filter(|_| in_table) {
                // The page back at the row's end, the marks after it (as `-raw` prints).
                Some(c) => {
                    let (Some(row), Some(marks), Some(page)) = (c.get(1), c.get(2), c.get(3)) else {
                        out.push(l);
                        continue;
                    };
                    out.push(format!("{} {}", row.as_str(), page.as_str()));
                    out.push(marks.as_str().split_whitespace().collect::<Vec<_>>().join(" "));
                }
                None => out.push(l),
            },
        }
    }
    out
}

/// In a metrics table, a money unit cut inside (`500千 円`) is one word again, and a row
/// line whose cells carry their notes (`item 1,000名 (8月～10月) 255名 (8月～10月)`) is
/// cut into the item and one line per value and per note, as `-raw` prints a row of
/// cells over several lines. A line without notes is left as it is.
fn metric_cells(ls: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(ls.len());
    let mut in_table = false;
    for l in ls {
        let t = l.trim();
        if t.starts_with("項目名") {
            in_table = true;
            out.push(l);
            continue;
        } else if super::ends_box(t) || super::heading_kind(t) != (false, false) {
            in_table = false;
        }
        if !in_table {
            out.push(l);
            continue;
        }
        let joined = CUT_UNIT.replace_all(t, "$1円").into_owned();
        let mut rest = joined.as_str();
        let mut cells: Vec<(String, Option<String>)> = Vec::new();
        while let Some(c) = CELL_AT_END.captures(rest) {
            let (Some(all), Some(value)) = (c.get(0), c.get(1)) else { break };
            cells.push((value.as_str().trim().to_string(), c.get(2).map(|m| m.as_str().to_string())));
            rest = rest.get(..all.start()).unwrap_or("");
        }
        if rest.trim().is_empty() || !cells.iter().any(|(_, note)| note.is_some()) {
            out.push(joined);
            continue;
        }
        out.push(rest.trim_end().to_string());
        for (value, note) in cells.into_iter().rev() {
            out.push(value);
            out.extend(note);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn number_glued_to_title_or_heading() {
        let got = glued_numbers(v(&[
            "1西北地域の事業 事業費 4,789 千円",
            "【 事業概要 】 【 事業実績 】",
            "2青森の事業 事業費 590 千円 ",
            "5G活用事業 事業費 10 千円",
            "中南地域の事業 事業費 2,586千円 1",
            "0【 事業概要 】 【 事業実績 】",
            "中南地域の事業 事業費 1,444千円 2",
            "1 【 事業概要 】 【 事業実績 】",
        ]));
        assert_eq!(
            got,
            v(&[
                "1",
                "西北地域の事業 事業費 4,789 千円",
                "【 事業概要 】 【 事業実績 】",
                "2",
                "青森の事業 事業費 590 千円",
                // 5 does not follow 2: the title's own figure.
                "5G活用事業 事業費 10 千円",
                "中南地域の事業 事業費 2,586千円 1",
                "0",
                "【 事業概要 】 【 事業実績 】",
                // pypdfium2: the digit apart from the heading by a space.
                "中南地域の事業 事業費 1,444千円 2",
                "1",
                "【 事業概要 】 【 事業実績 】",
            ])
        );
        // A title wrapped before its cost line.
        assert_eq!(
            glued_numbers(v(&["1①保証協会補助", "②対策事業費補助", "事業費 20,393 千円"])),
            v(&["1", "①保証協会補助", "②対策事業費補助", "事業費 20,393 千円"])
        );
        // pypdfium2: the number at the end of a title's first line, the cost below.
        assert_eq!(
            glued_numbers(v(&[
                "1前の事業 事業費 1 千円",
                "①保証協会補助 ２",
                "②対策事業費補助",
                "事業費 20,393 千円"
            ])),
            v(&[
                "1",
                "前の事業 事業費 1 千円",
                "２",
                "①保証協会補助",
                "②対策事業費補助",
                "事業費 20,393 千円"
            ])
        );
        // The number before it printed after its cost.
        assert_eq!(
            glued_numbers(v(&["前の事業 事業費 1 千円 ２", "①保証協会補助 ３", "事業費 20,393 千円"])),
            v(&["前の事業 事業費 1 千円 ２", "３", "①保証協会補助", "事業費 20,393 千円"])
        );
        // Not the next number, or no cost below: left as it is.
        assert_eq!(
            glued_numbers(v(&["①保証協会補助 ７", "②対策事業費補助", "事業費 20,393 千円"])),
            v(&["①保証協会補助 ７", "②対策事業費補助", "事業費 20,393 千円"])
        );
        assert_eq!(glued_numbers(v(&["定員 1", "本文"])), v(&["定員 1", "本文"]));
        // Text that is not a head stays whole.
        assert_eq!(glued_numbers(v(&["2学年生徒を対象に"])), v(&["2学年生徒を対象に"]));
    }

    #[test]
    fn layout_shapes() {
        let got = layout_lines(v(&[
            "【基本方針事業一覧】",
            "27 労働力確保体制強化事業      72,439○   若者定着還流促進課   43",
            "   ○       ○      3     サポート事業       3,430       食ブランド・流通推100",
            "                                   進課",
            "小計 100",
            "持続可能なプロジェクト事       14",
            "業           事業費 58,607千円",
            "項目名     4年度   5年度",
            "交付決定額     162,335千円165,551千円",
            "回数     延べ 1,307回延べ 1,203回",
            "時期     R5年3月",
            "融資額     6,897,486千6,548,579千",
            "（担当課：地域交通・連携課）",
            "研修事業       3",
            "   【 事業概要 】    【 事業実績 】   0",
        ]));
        assert_eq!(
            got,
            v(&[
                "【基本方針事業一覧】",
                "27 労働力確保体制強化事業      72,439 ○  若者定着還流促進課   43",
                "   ○       ○      3     サポート事業       3,430       食ブランド・流通推 100",
                "                                   進課",
                "小計 100",
                "持続可能なプロジェクト事",
                "                   14",
                "業           事業費 58,607千円",
                "項目名     4年度   5年度",
                "交付決定額     162,335千円 165,551千円",
                "回数     延べ 1,307回 延べ 1,203回",
                "時期     R5年3月",
                "融資額     6,897,486千 6,548,579千",
                "（担当課：地域交通・連携課）",
                // No cost after it: not a card's head.
                "研修事業       3",
                "                          0",
                "   【 事業概要 】    【 事業実績 】",
            ])
        );
    }

    #[test]
    fn marks_glued_to_page() {
        let got = marks_after_page(v(&[
            "【基本方針事業一覧】",
            "2 販路拡大事業 19,621 県産品販売・輸出促進課 99○ ○",
            "11 連携事業 18,646 ○ 県産品販売・輸出促進課 115",
            "小計 183,866",
            "2 販路拡大事業 19,621 県産品販売・輸出促進課 99○",
            "【基本方針事業一覧】",
            "販路拡大事業 19,621 県産品販売・輸出促進課 ○ ○ 99",
            "小計 19,621",
        ]));
        assert_eq!(
            got,
            v(&[
                "【基本方針事業一覧】",
                "2 販路拡大事業 19,621 県産品販売・輸出促進課 99",
                "○ ○",
                "11 連携事業 18,646 ○ 県産品販売・輸出促進課 115",
                "小計 183,866",
                "2 販路拡大事業 19,621 県産品販売・輸出促進課 99○",
                "【基本方針事業一覧】",
                "販路拡大事業 19,621 県産品販売・輸出促進課 99",
                "○ ○",
                "小計 19,621",
            ])
        );
    }

    #[test]
    fn cells_with_notes_cut_into_lines() {
        let got = metric_cells(v(&[
            "項目名 4年度 5年度",
            "申込者数 1,000名 (8月～10月) 255名 (8月～10月)",
            "交付額 2件・500千 円 0件",
            "利用件数 76件 99件",
            "（担当課：若者定着還流促進課）",
            "申込者数 1,000名 (8月～10月)",
        ]));
        assert_eq!(
            got,
            v(&[
                "項目名 4年度 5年度",
                "申込者数",
                "1,000名",
                "(8月～10月)",
                "255名",
                "(8月～10月)",
                "交付額 2件・500千円 0件",
                "利用件数 76件 99件",
                "（担当課：若者定着還流促進課）",
                "申込者数 1,000名 (8月～10月)",
            ])
        );
    }
}
