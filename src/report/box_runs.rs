//! A card's box whose right column `pdftotext` (default mode) prints after the metrics
//! table's 項目名, put back before it.
//!
//! Some writers' blocks make `pdftotext` read a card as: title, 【事業概要】, 【事業実績】,
//! the left column, `項目名`, then the card's cost line and number, the right column's
//! sentences, and only then the table's column labels, items and cells. The grammar reads
//! a box up to 項目名, so the right column would be lost to the table. Here the lines
//! between 項目名 and the table's first column label are told by their shape: the cost
//! line and a lone card number go back to the card's head (before its first box heading),
//! blocks of sentences (a line ending a sentence, `。`) go back before 項目名. A block
//! that is neither ends the move: it is the table's (an item printed before the labels).

use regex::Regex;
use std::sync::LazyLock;

static ITEM_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^項\s*目\s*名\s*$").expect("static regex"));
static YEAR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(令和|平成|R|H)?\s*([0-9]+|元)\s*年度$").expect("static regex"));
/// The cost line, with the card number printed after it or not (`事業費 6,745 千円 34`).
static COST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^事\s*業\s*費\s*[▲△-]?\s*[0-9][0-9,.]*\s*(千\s*円|百\s*万\s*円|億\s*円|円)\s*([0-9]{1,3})?$")
        .expect("static regex")
});
static BOX_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"【\s*事\s*業\s*(概\s*要|実\s*績)\s*】").expect("static regex"));

/// How far back (lines) from 項目名 the card's first box heading is looked for: a box
/// column holds a few dozen lines at most.
const BOX_REACH: usize = 60;
/// A card number has at most this many digits (a report has a few hundred cards).
const CARD_NUMBER_DIGITS: usize = 3;

/// A normalized, trimmed line.
fn norm(l: &str) -> String {
    crate::normalize::text(l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}')).trim().to_string()
}

fn is_card_number(t: &str) -> bool {
    !t.is_empty() && t.chars().count() <= CARD_NUMBER_DIGITS && t.chars().all(|c| c.is_ascii_digit())
}

/// What follows a 項目名 line (from `start`, lines as read) up to the table: the
/// lines to lift to the card's head, the lines to put before 項目名, and where the
/// table goes on. `None` when nothing is to move.
fn interleaved(ls: &[String], start: usize) -> Option<(Vec<String>, Vec<String>, usize)> {
    let (mut head, mut prose) = (Vec::new(), Vec::new());
    let mut k = start;
    let mut block: Vec<String> = Vec::new();
    loop {
        let line = ls.get(k);
        let t = line.map(|l| norm(l)).unwrap_or_default();
        let ends_block = t.is_empty() || YEAR_LABEL.is_match(&t.replace(' ', "")) || line.is_none();
        if !ends_block {
            block.push(ls.get(k).cloned().unwrap_or_default());
            k += 1;
            continue;
        }
        // A block: the head's lines, or sentences, or the table's own (stop).
        let normed: Vec<String> = block.iter().map(|l| norm(l)).collect();
        // The cost line may carry its breakdown on the next line.
        let mut is_head: Vec<bool> =
            normed.iter().map(|t| COST_LINE.is_match(t) || is_card_number(t)).collect();
        for (j, t) in normed.iter().enumerate() {
            if COST_LINE.is_match(t) {
                let n = super::card::breakdown_lines(normed.get(j + 1..).unwrap_or(&[]));
                is_head.iter_mut().skip(j + 1).take(n).for_each(|h| *h = true);
            }
        }
        let all_head = is_head.iter().all(|h| *h);
        let sentences = normed.iter().any(|t| t.ends_with('。'));
        if !block.is_empty() && all_head {
            head.append(&mut block);
        } else if !block.is_empty() && sentences {
            prose.append(&mut block);
        } else if !block.is_empty() {
            // The table's: what was read before it moves, the rest stays.
            return (!head.is_empty() || !prose.is_empty()).then_some((head, prose, k - block.len()));
        }
        if line.is_none() || !t.is_empty() {
            return (!head.is_empty() || !prose.is_empty()).then_some((head, prose, k));
        }
        k += 1;
    }
}

/// Put back every box column printed after its card's 項目名 (lines as read, blank lines
/// and form feeds kept).
pub fn rebuild(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    let mut i = 0;
    while i < ls.len() {
        let line = &ls[i];
        i += 1;
        if !ITEM_HEADING.is_match(&norm(line)) || line.starts_with('\u{c}') {
            out.push(line.clone());
            continue;
        }
        let Some((head, prose, next)) = interleaved(&ls, i) else {
            out.push(line.clone());
            continue;
        };
        // The card's head ends before its first box heading (the nearest run of them).
        let boxed =
            (out.len().saturating_sub(BOX_REACH)..out.len()).rev().find(|&k| BOX_HEADING.is_match(&out[k]));
        let first = boxed.map(|b| {
            let mut f = b;
            while f > 0 && (BOX_HEADING.is_match(&out[f - 1]) || out[f - 1].trim().is_empty()) {
                f -= 1;
            }
            f
        });
        match first {
            Some(f) if !head.is_empty() => {
                let tail = out.split_off(f);
                out.extend(head);
                out.extend(tail);
            }
            _ => out.extend(head),
        }
        out.extend(prose);
        // 項目名 stays a block of its own (the table's blocks are read apart).
        out.push(line.clone());
        out.push(String::new());
        i = next;
    }
    out
}

/// A box's end: the metrics table's 項目名 or the department line.
fn ends_box(t: &str) -> bool {
    let q: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    q.starts_with("項目名") || q.starts_with("（担当課") || q.starts_with("(担当課")
}

/// A block's last line ends a sentence or a parenthesised note.
fn ends_sentence(block: &[String]) -> bool {
    block.last().is_some_and(|l| norm(l).ends_with(['。', '．', '）', ')', '」']))
}

/// The blocks of a box (from its first heading up to `end`), the other lines (headings,
/// the card number, the cost line) apart.
fn box_blocks(ls: &[String]) -> (Vec<String>, Vec<Vec<String>>) {
    let (mut other, mut blocks) = (Vec::new(), Vec::new());
    let mut cur: Vec<String> = Vec::new();
    for l in ls {
        let t = norm(l);
        let apart = BOX_HEADING.is_match(&t) || is_card_number(&t) || COST_LINE.is_match(&t);
        if t.is_empty() || apart {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
            if apart {
                other.push(l.clone());
            }
        } else {
            cur.push(l.clone());
        }
    }
    if !cur.is_empty() {
        blocks.push(cur);
    }
    (other, blocks)
}

/// A box whose two columns come as alternating blocks (left, right, left, right: the
/// writer's text blocks cut each column): the first block, cut inside a sentence, says
/// so. The left column's blocks are put first, then the right's, after the box's
/// other lines (headings, number, cost), blank lines apart.
fn alternating(ls: &[String]) -> Option<Vec<String>> {
    let (other, blocks) = box_blocks(ls);
    // The left column's first block is the one cut (the right column's come after it).
    let cut = blocks.first().is_some_and(|b| !ends_sentence(b));
    // Alternating means left, right and left again at least.
    if !cut || blocks.len() < 3 {
        return None;
    }
    let mut out = other;
    for parity in [0, 1] {
        for b in blocks.iter().skip(parity).step_by(2) {
            out.push(String::new());
            out.extend(b.iter().cloned());
        }
    }
    out.push(String::new());
    Some(out)
}

/// Put every box printed as alternating column blocks back in column order (lines as
/// read, blank lines kept).
pub fn columns(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    let mut i = 0;
    while i < ls.len() {
        let starts = BOX_HEADING.is_match(&norm(&ls[i])) && !ls[i].starts_with('\u{c}');
        let end = (i..ls.len().min(i + BOX_REACH))
            .find(|&k| ends_box(&norm(&ls[k])) || k > i && ls[k].starts_with('\u{c}'));
        match end.filter(|_| starts) {
            // The whole box at once (from its first heading), reordered or as read.
            Some(e) => {
                match ls.get(i..e).and_then(alternating) {
                    Some(b) => out.extend(b),
                    None => out.extend(ls.get(i..e).unwrap_or_default().iter().cloned()),
                }
                i = e;
            }
            None => {
                out.push(ls[i].clone());
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn right_column_after_the_item_heading_goes_back() {
        let got = rebuild(v(&[
            "題名の事業",
            "【 事業概要 】",
            "",
            "【 事業実績 】",
            "",
            "計画する。",
            "項目名",
            "",
            "事業費 18,658 千円",
            "",
            "３",
            "",
            "実施した。",
            "",
            "４年度",
            "",
            "項目の数",
        ]));
        assert_eq!(
            got,
            v(&[
                "題名の事業",
                "事業費 18,658 千円",
                "３",
                "【 事業概要 】",
                "",
                "【 事業実績 】",
                "",
                "計画する。",
                "実施した。",
                "項目名",
                "",
                "４年度",
                "",
                "項目の数",
            ])
        );
    }

    #[test]
    fn a_cost_block_with_its_breakdown_goes_back_to_the_head() {
        let got = rebuild(v(&[
            "題名の事業",
            "【 事業概要 】",
            "",
            "３",
            "",
            "【 事業実績 】",
            "",
            "補助する。",
            "項目名",
            "",
            "事業費 20,393 千円",
            "(①9,391 千円、②11,002 千円)",
            "",
            "実施した。",
            "",
            "４年度",
        ]));
        // Back before the nearest box heading (the lines between the two headings are
        // the head's, for the text reader).
        let head = got.iter().position(|l| l.starts_with("事業費"));
        let first_box = got.iter().position(|l| l.contains("【 事業実績 】"));
        assert!(head.zip(first_box).is_some_and(|(h, b)| h < b), "{got:#?}");
        assert_eq!(
            head.and_then(|h| got.get(h + 1)).map(String::as_str),
            Some("(①9,391 千円、②11,002 千円)")
        );
        let item = got.iter().position(|l| l == "項目名");
        let prose = got.iter().position(|l| l == "実施した。");
        assert!(prose.zip(item).is_some_and(|(p, i)| p < i), "{got:#?}");
    }

    #[test]
    fn a_table_read_in_order_is_left_alone() {
        let input =
            v(&["【 事業実績 】", "実施した。", "項目名", "", "項目の数", "", "４年度", "", "５年度"]);
        assert_eq!(rebuild(input.clone()), input);
    }

    #[test]
    fn alternating_column_blocks_are_put_in_column_order() {
        let got = columns(v(&[
            "【 事業概要 】",
            "技術革新に伴い、公",
            "",
            "１",
            "７",
            "",
            "【 事業実績 】",
            "研修に派遣した。",
            "",
            "共職業能力開発校の指導員を派遣する。",
            "",
            "項目名",
        ]));
        assert_eq!(
            got,
            v(&[
                "【 事業概要 】",
                "１",
                "７",
                "【 事業実績 】",
                "",
                "技術革新に伴い、公",
                "",
                "共職業能力開発校の指導員を派遣する。",
                "",
                "研修に派遣した。",
                "",
                "項目名",
            ])
        );
        // Blocks that each end a sentence are paragraphs of one column: left as read.
        let whole = v(&[
            "【 事業概要 】",
            "計画する。",
            "",
            "【 事業実績 】",
            "実施した。",
            "",
            "また、行った。",
            "",
            "項目名",
        ]);
        assert_eq!(columns(whole.clone()), whole);
    }
}
