//! Segmentation: the report's line stream → title, chapters (overview, summary table,
//! cards, case studies), appendix.
//!
//! The grammar is a small state machine keyed on the report's fixed markers
//! (【取組の概要】, 【基本方針事業一覧】, 小計, 【 事業概要 】, （担当課：…）, 事例紹介);
//! it never depends on a particular project's name or number.
//!
//! Damage is read through, not around: a chapter whose heading was lost starts at the
//! first of its parts that is found (`chapter.no_heading`); a card is a card wherever it
//! is (case studies, the appendix, an overview cut short); what follows the appendix is
//! still scanned for chapters; and a second title page or a basic-policy number read
//! twice says that reports were concatenated (`report.repeated`).

use regex::Regex;
use std::sync::LazyLock;

use super::lines::{is_page_number, SrcLine};
use crate::model::{Code, Diagnostic};

// The space after the circled number is optional: writers set it as a space, a
// full-width space, a gap or nothing at all.
static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([①-⑳])\s*(\S.*)$").expect("static regex"));
static TABLE_HEADING_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(No\.?|事業名|(R|H|令和|平成)?[0-9]*(年度)?事業費|[（(]千円[)）]|(R|H|令和|平成)[0-9]+(年度)?|新規|担当課等?|掲載頁|基本方針|[①-⑳])$")
        .expect("static regex")
});
static COST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"事\s*業\s*費\s*[▲△-]?\s*[0-9][0-9,.]*\s*(千\s*円|百\s*万\s*円|億\s*円|円)")
        .expect("static regex")
});

/// A chapter's lines, split by part.
#[derive(Debug, Clone, Default)]
pub struct ChapterLines {
    pub numbers: Vec<u8>,
    pub titles: Vec<String>,
    pub first: Option<SrcLine>,
    pub overview: Vec<SrcLine>,
    pub summary: Vec<SrcLine>,
    pub cards: Vec<CardLines>,
    pub case_studies: Vec<SrcLine>,
}

/// One project card: lines before the box (title, cost, number), the box and metrics,
/// and the （担当課：…） lines.
#[derive(Debug, Clone, Default)]
pub struct CardLines {
    pub head: Vec<SrcLine>,
    pub body: Vec<SrcLine>,
    pub department: Vec<SrcLine>,
}

#[derive(Debug, Clone, Default)]
pub struct Segmented {
    pub title: Option<SrcLine>,
    pub chapters: Vec<ChapterLines>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Preamble,
    Headings,
    Overview,
    Summary,
    BetweenCards,
    CardBody,
    Department,
    CaseStudies,
    Appendix,
}

/// The text without any whitespace: the report's fixed markers are compared this way,
/// since a writer may or may not put spaces inside them (`【 事業概要 】`, `小 計`).
pub fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `s`, spaces ignored, starts with `marker`.
pub fn starts_with_marker(s: &str, marker: &str) -> bool {
    compact(s).starts_with(marker)
}

pub fn is_box_header(s: &str) -> bool {
    let t = compact(s);
    t.contains("【事業概要】") || t.contains("【事業実績】")
}

pub fn is_cost_line(s: &str) -> bool {
    COST_LINE.is_match(s)
}

fn is_department_start(s: &str) -> bool {
    let t = compact(s);
    (t.starts_with('（') || t.starts_with('(')) && t.contains("担当課")
}

fn parens_balanced(s: &str) -> bool {
    let open = s.chars().filter(|c| matches!(c, '（' | '(')).count();
    let close = s.chars().filter(|c| matches!(c, '）' | ')')).count();
    close >= open
}

/// A line made only of the summary table's heading words (No. 事業名 R5事業費 …).
pub fn is_table_heading(s: &str) -> bool {
    let mut toks = s.split_whitespace().peekable();
    toks.peek().is_some() && toks.all(|t| TABLE_HEADING_WORD.is_match(t))
}

fn is_case_study_intro(s: &str) -> bool {
    let t = compact(s);
    t.contains("事例紹介") && t.contains("活用した")
}

/// A short line naming an ordinance or its rules (条例/要綱): the appendix starts there.
fn is_appendix_heading(s: &str) -> bool {
    let t = compact(s);
    t.chars().count() <= 40 && (t.ends_with("条例") || t.ends_with("要綱") || t.ends_with("規則"))
}

/// A card's title wraps onto at most this many lines before its cost line; when a card's
/// head has to be taken back from text it was read into, no more are taken.
const MAX_TITLE_LINES: usize = 3;
/// Lines between a cost line and the box (card number, cost breakdown): a cost line
/// further back than this from a box header is not that card's.
const MAX_LINES_AFTER_COST: usize = 3;
/// A title page's text: the title and a few lines (date, office) before the first
/// chapter heading. A title-like line followed by a chapter within this many lines is a
/// report's title page.
const TITLE_PAGE_LINES: usize = 12;
/// A report title is one short line (R5's has 30 characters); prose that mentions an
/// 実施状況 is longer or ends a sentence.
const MAX_TITLE_CHARS: usize = 60;

fn is_title_like(s: &str) -> bool {
    let t = s.trim();
    t.contains("年度") && t.contains("実施状況") && t.chars().count() <= MAX_TITLE_CHARS && !t.ends_with('。')
}

/// Whether line `i` is a second report's title: like the first one's, or title-like and
/// followed by a chapter heading (a title page).
fn is_repeated_title(lines: &[SrcLine], i: usize, first: &SrcLine) -> bool {
    let Some(line) = lines.get(i) else { return false };
    is_title_like(&line.text)
        && (line.trimmed() == first.trimmed()
            || (i + 1..lines.len()).take(TITLE_PAGE_LINES).any(|j| starts_chapter(lines, j)))
}

/// Take a card's head (title lines, cost line, number) back off the end of `lines`,
/// where it was read as other text because its chapter's start was lost: from the last
/// cost line (at most [`MAX_LINES_AFTER_COST`] lines from the end) back over the title,
/// stopping at a sentence end or a metric line. Empty when there is no cost line there.
fn take_head(lines: &mut Vec<SrcLine>) -> Vec<SrcLine> {
    let from = lines.len().saturating_sub(MAX_LINES_AFTER_COST + 1);
    let Some(k) = lines.iter().skip(from).rposition(|l| is_cost_line(&l.text)).map(|k| k + from) else {
        return Vec::new();
    };
    let mut s = k;
    while s > 0 && k - s < MAX_TITLE_LINES {
        let Some(prev) = lines.get(s - 1) else { break };
        let p = prev.trimmed();
        let closes_parens = (p.ends_with('）') || p.ends_with(')')) && !p.contains("再掲");
        if p.ends_with('。')
            || is_metric_like(p)
            || is_department_start(p)
            || closes_parens
            || p.starts_with('【')
        {
            break;
        }
        s -= 1;
    }
    lines.split_off(s)
}

fn circled(c: char) -> Option<u8> {
    let n = c as u32;
    (0x2460..=0x2473).contains(&n).then(|| (n - 0x2460 + 1) as u8)
}

/// `Some((number, title))` for a chapter heading line such as `① 中小企業の…`.
fn heading(s: &str) -> Option<(u8, String)> {
    let caps = HEADING.captures(s.trim())?;
    let n = circled(caps.get(1)?.as_str().chars().next()?)?;
    let title = caps.get(2)?.as_str().trim().to_string();
    (title.chars().count() >= 6).then_some((n, title))
}

/// Whether line `i` starts a chapter: heading lines, then 【取組の概要】 within a few lines.
fn starts_chapter(lines: &[SrcLine], i: usize) -> bool {
    if heading(&lines[i].text).is_none() {
        return false;
    }
    lines.iter().skip(i + 1).take(4).any(|l| starts_with_marker(&l.text, "【取組の概要】"))
}

/// How a chapter whose heading line was lost shows itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lost {
    /// Its 【取組の概要】 line.
    Overview,
    /// Its 【基本方針事業一覧】 line.
    Summary,
    /// One of its cards, where no card can be (case studies, appendix, before any chapter).
    Card,
}

/// Lines outside any chapter (title page, appendix) are kept only so that a card found
/// there can take its head back; this many are enough for a head.
const LOOSE_LINES_KEPT: usize = 2 * (MAX_TITLE_LINES + MAX_LINES_AFTER_COST + 1);

pub fn segment(lines: &[SrcLine]) -> Segmented {
    let mut out = Segmented::default();
    let mut state = State::Preamble;
    let mut chapter: Option<ChapterLines> = None;
    let mut pending: Vec<SrcLine> = Vec::new();
    let mut card: Option<CardLines> = None;
    let mut loose: Vec<SrcLine> = Vec::new();
    // Basic-policy numbers read so far in this report (a second report starts afresh).
    let mut seen: Vec<u8> = Vec::new();

    let unassigned = |pending: &mut Vec<SrcLine>, diags: &mut Vec<Diagnostic>, numbers: Option<u8>| {
        for l in pending.drain(..) {
            if !is_page_number(&l.text) {
                diags.push(
                    Diagnostic::new(
                        Code::TextUnassigned,
                        format!("line not part of any card or section: {}", l.trimmed()),
                    )
                    .at_page(l.printed)
                    .in_policy(numbers),
                );
            }
        }
    };

    for (i, line) in lines.iter().enumerate() {
        let t = line.trimmed();
        // A second title page: reports concatenated into one file. What follows is read
        // as chapters all the same, so nothing is lost, but the result is not one report.
        if state != State::Preamble
            && out.title.as_ref().is_some_and(|first| is_repeated_title(lines, i, first))
        {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::ReportRepeated,
                    format!("a second report title 「{t}」: several reports in one file? Its chapters are read too"),
                )
                .at_page(line.printed),
            );
            if let Some(c) = card.take() {
                close_cut_card(&mut out.diagnostics, chapter.as_mut(), c);
            }
            let first = chapter.as_ref().and_then(|c| c.numbers.first().copied());
            unassigned(&mut pending, &mut out.diagnostics, first);
            if let Some(c) = chapter.take() {
                out.chapters.push(c);
            }
            seen.clear();
            loose.clear();
            state = State::Preamble;
            continue;
        }
        // A chapter starts at its heading; a chapter whose heading was lost (an
        // unreadable page, a damaged dump) at the first of its parts that is found.
        let start = if matches!(
            state,
            State::Preamble | State::BetweenCards | State::CaseStudies | State::CardBody | State::Appendix
        ) {
            if starts_chapter(lines, i) {
                Some(None)
            } else if t.starts_with("【取組の概要】") {
                Some(Some(Lost::Overview))
            } else if t.starts_with("【基本方針事業一覧】") {
                Some(Some(Lost::Summary))
            } else if is_box_header(t)
                && matches!(state, State::Preamble | State::CaseStudies | State::Appendix)
            {
                Some(Some(Lost::Card))
            } else {
                None
            }
        } else {
            None
        };
        if let Some(lost) = start {
            // An unfinished card ends here.
            if let Some(c) = card.take() {
                close_cut_card(&mut out.diagnostics, chapter.as_mut(), c);
            }
            let head = match (lost, state, chapter.as_mut()) {
                (Some(Lost::Card), State::CaseStudies, Some(ch)) => take_head(&mut ch.case_studies),
                (Some(Lost::Card), _, _) => take_head(&mut loose),
                _ => Vec::new(),
            };
            let previous = chapter.as_ref().and_then(|c| c.numbers.first().copied());
            unassigned(&mut pending, &mut out.diagnostics, previous);
            if let Some(c) = chapter.take() {
                out.chapters.push(c);
            }
            loose.clear();
            let Some(lost) = lost else {
                chapter = Some(ChapterLines::default());
                state = State::Headings;
                continue_heading(&mut chapter, &mut out.diagnostics, &mut seen, line);
                continue;
            };
            let found = match lost {
                Lost::Overview => "its 【取組の概要】",
                Lost::Summary => "its 【基本方針事業一覧】",
                Lost::Card => "a card",
            };
            let after =
                previous.map(|n| format!(" after the chapter of basic policy {n}")).unwrap_or_default();
            out.diagnostics.push(
                Diagnostic::new(
                    Code::ChapterNoHeading,
                    format!(
                        "a chapter{after} has no heading (① … and title) before {found}: its policy number and \
                         title are unknown"
                    ),
                )
                .at_page(line.printed),
            );
            let mut first = Some(line.clone());
            state = match lost {
                Lost::Overview => State::Overview,
                Lost::Summary => State::Summary,
                Lost::Card => {
                    card = Some(CardLines { head, body: vec![line.clone()], ..CardLines::default() });
                    State::CardBody
                }
            };
            if let Some(start) = card.as_ref().and_then(|c| c.head.first()) {
                first = Some(start.clone());
            }
            chapter = Some(ChapterLines { first, ..ChapterLines::default() });
            continue;
        }
        // A card inside the overview or the summary table: the lines that end those
        // (【基本方針事業一覧】, 小計) were lost. The card is read; the part before it is cut.
        if matches!(state, State::Overview | State::Summary) && is_box_header(t) {
            let head = match (state, chapter.as_mut()) {
                (State::Overview, Some(ch)) => take_head(&mut ch.overview),
                (State::Summary, Some(ch)) => take_head(&mut ch.summary),
                _ => Vec::new(),
            };
            let cut = if state == State::Overview { "【基本方針事業一覧】" } else { "小計" };
            out.diagnostics.push(
                Diagnostic::new(
                    Code::ChapterIncomplete,
                    format!("a card starts before the chapter's {cut} line: the part before it is cut short"),
                )
                .at_page(line.printed)
                .in_policy(chapter.as_ref().and_then(|c| c.numbers.first().copied())),
            );
            card = Some(CardLines { head, body: vec![line.clone()], ..CardLines::default() });
            state = State::CardBody;
            continue;
        }
        let first_number = chapter.as_ref().and_then(|c| c.numbers.first().copied());
        match state {
            State::Preamble => {
                if out.title.is_none() && compact(t).contains("年度") && compact(t).contains("実施状況")
                {
                    out.title = Some(line.clone());
                } else {
                    keep_loose(&mut loose, line);
                }
            }
            State::Headings => {
                if starts_with_marker(t, "【取組の概要】") {
                    state = State::Overview;
                } else {
                    continue_heading(&mut chapter, &mut out.diagnostics, &mut seen, line);
                }
            }
            State::Overview => {
                if starts_with_marker(t, "【基本方針事業一覧】") {
                    state = State::Summary;
                } else if !is_page_number(t) {
                    if let Some(ch) = chapter.as_mut() {
                        ch.overview.push(line.clone());
                    }
                }
            }
            State::Summary => {
                if let Some(ch) = chapter.as_mut() {
                    ch.summary.push(line.clone());
                }
                if starts_with_marker(t, "小計") {
                    state = State::BetweenCards;
                }
            }
            State::BetweenCards => {
                if is_box_header(t) {
                    card = Some(CardLines {
                        head: std::mem::take(&mut pending),
                        body: vec![line.clone()],
                        ..CardLines::default()
                    });
                    state = State::CardBody;
                } else if is_case_study_intro(t) {
                    unassigned(&mut pending, &mut out.diagnostics, first_number);
                    if let Some(ch) = chapter.as_mut() {
                        ch.case_studies.push(line.clone());
                    }
                    state = State::CaseStudies;
                } else if is_table_heading(t) && chapter.as_ref().is_some_and(|c| c.cards.is_empty()) {
                    // The summary table's heading cells, dumped after its 小計 line.
                    if let Some(ch) = chapter.as_mut() {
                        let at = ch.summary.len().saturating_sub(1);
                        ch.summary.insert(at, line.clone());
                    }
                } else if is_appendix_heading(t) && chapter.is_some() {
                    unassigned(&mut pending, &mut out.diagnostics, first_number);
                    state = State::Appendix;
                } else {
                    pending.push(line.clone());
                }
            }
            State::CardBody => {
                let Some(c) = card.as_mut() else { continue };
                if is_department_start(t) {
                    c.department.push(line.clone());
                    if parens_balanced(&c.department.iter().map(|l| l.text.as_str()).collect::<String>()) {
                        if let (Some(ch), Some(c)) = (chapter.as_mut(), card.take()) {
                            ch.cards.push(c);
                        }
                        state = State::BetweenCards;
                    } else {
                        state = State::Department;
                    }
                } else if is_box_header(t) {
                    // The previous card lost its （担当課：…） line: its tail from the
                    // last cost line on is the next card's head.
                    let head_start = c.body.iter().rposition(|l| is_cost_line(&l.text)).map(|k| {
                        let mut s = k;
                        while s > 0 && k - s < 3 && !is_metric_like(&c.body[s - 1].text) {
                            s -= 1;
                        }
                        s
                    });
                    let head = head_start.map(|s| c.body.split_off(s)).unwrap_or_default();
                    if let Some(prev) = card.take() {
                        close_cut_card(&mut out.diagnostics, chapter.as_mut(), prev);
                    }
                    card = Some(CardLines { head, body: vec![line.clone()], ..CardLines::default() });
                } else if is_case_study_intro(t) {
                    if let Some(prev) = card.take() {
                        close_cut_card(&mut out.diagnostics, chapter.as_mut(), prev);
                    }
                    if let Some(ch) = chapter.as_mut() {
                        ch.case_studies.push(line.clone());
                    }
                    state = State::CaseStudies;
                } else if !(is_page_number(t) && line.geom.is_none()) {
                    // A lone number in a text dump's card body is a page footer: cell
                    // values always carry a unit.
                    c.body.push(line.clone());
                }
            }
            State::Department => {
                let Some(c) = card.as_mut() else { continue };
                c.department.push(line.clone());
                if parens_balanced(&c.department.iter().map(|l| l.text.as_str()).collect::<String>())
                    || c.department.len() >= 4
                {
                    if let (Some(ch), Some(c)) = (chapter.as_mut(), card.take()) {
                        ch.cards.push(c);
                    }
                    state = State::BetweenCards;
                }
            }
            State::CaseStudies => {
                if is_appendix_heading(t) {
                    state = State::Appendix;
                } else if let Some(ch) = chapter.as_mut() {
                    ch.case_studies.push(line.clone());
                }
            }
            State::Appendix => keep_loose(&mut loose, line),
        }
    }
    if let Some(c) = card.take() {
        close_cut_card(&mut out.diagnostics, chapter.as_mut(), c);
    }
    let first = chapter.as_ref().and_then(|c| c.numbers.first().copied());
    unassigned(&mut pending, &mut out.diagnostics, first);
    if let Some(c) = chapter.take() {
        out.chapters.push(c);
    }
    out
}

/// A heading line of the chapter being started: its number and title, or the wrapped
/// tail of the title before it. A number read before in the same report is a second
/// copy of that chapter (`report.repeated`).
fn continue_heading(
    chapter: &mut Option<ChapterLines>,
    diags: &mut Vec<Diagnostic>,
    seen: &mut Vec<u8>,
    line: &SrcLine,
) {
    let Some(ch) = chapter.as_mut() else { return };
    let t = line.trimmed();
    if let Some((n, title)) = heading(t) {
        if seen.contains(&n) {
            diags.push(
                Diagnostic::new(
                    Code::ReportRepeated,
                    format!("basic policy {n} has a second chapter 「{title}」: a chapter printed twice, or reports concatenated"),
                )
                .at_page(line.printed)
                .in_policy(Some(n)),
            );
        } else {
            seen.push(n);
        }
        ch.numbers.push(n);
        ch.titles.push(title);
        if ch.first.is_none() {
            ch.first = Some(line.clone());
        }
    } else if let Some(last) = ch.titles.last_mut() {
        // A long title wrapped onto the next line.
        last.push_str(t);
    }
}

fn keep_loose(loose: &mut Vec<SrcLine>, line: &SrcLine) {
    if loose.len() >= LOOSE_LINES_KEPT {
        loose.remove(0);
    }
    loose.push(line.clone());
}

fn is_metric_like(s: &str) -> bool {
    let t = s.trim();
    starts_with_marker(t, "項目名") || t.ends_with('名') || t.ends_with('件') || t.ends_with('円')
}

fn close_cut_card(diags: &mut Vec<Diagnostic>, chapter: Option<&mut ChapterLines>, card: CardLines) {
    let Some(ch) = chapter else { return };
    let page = card.head.first().or(card.body.first()).and_then(|l| l.printed);
    diags.push(
        Diagnostic::new(
            Code::CardIncomplete,
            "card ends without its （担当課：…） line: the report may be cut or the card damaged",
        )
        .at_page(page)
        .in_policy(ch.numbers.first().copied())
        .on_card(Some(ch.cards.len() as u32 + 1)),
    );
    ch.cards.push(card);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<SrcLine> {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| SrcLine {
                text: l.to_string(),
                line: 0,
                pdf_page: 1,
                printed: None,
                geom: None,
                page_geom: None,
            })
            .collect()
    }

    const CARD: &str = "テスト事業\n事業費 1,000 千円\n1\n【 事業概要 】 【 事業実績 】\n支援する。\n支援した。\n（担当課：テスト課）\n";

    #[test]
    fn heading_with_or_without_space() {
        assert_eq!(heading("①中小企業の事業活動を支える"), Some((1, "中小企業の事業活動を支える".into())));
        assert_eq!(heading("① 中小企業の事業活動を支える"), Some((1, "中小企業の事業活動を支える".into())));
        assert_eq!(heading("③\u{3000}創業・起業の促進と支援"), Some((3, "創業・起業の促進と支援".into())));
        // Too short for a chapter title: a breakdown item or a list mark.
        assert_eq!(heading("①9千円"), None);
    }

    #[test]
    fn chapter_without_space_after_circled_number() {
        let text = format!(
            "令和5年度 中小企業振興施策実施状況\n①中小企業の事業活動を支える基盤\n【取組の概要】\n概要。\n【基本方針事業一覧】\n小計 1,000\n{CARD}"
        );
        let seg = segment(&lines(&text));
        assert_eq!(seg.chapters.len(), 1);
        assert_eq!(seg.chapters[0].numbers, [1]);
        assert_eq!(seg.chapters[0].cards.len(), 1);
    }

    #[test]
    fn any_set_of_policies_shares_a_chapter() {
        let text = format!(
            "②販路の開拓を支援するための施策\n⑤人材の確保と育成を進める施策\n⑧事業の承継を円滑にする施策\n【取組の概要】\n概要。\n【基本方針事業一覧】\n小計 1,000\n{CARD}③ 次の章の見出しとなる施策\n【取組の概要】\n概要。\n"
        );
        let seg = segment(&lines(&text));
        let numbers: Vec<Vec<u8>> = seg.chapters.iter().map(|c| c.numbers.clone()).collect();
        assert_eq!(numbers, [vec![2, 5, 8], vec![3]]);
        assert_eq!(seg.chapters[0].titles.len(), 3);
    }

    #[test]
    fn markers_with_optional_spaces() {
        let text = "① 中小企業の事業活動を支える基盤\n【 取組の概要 】\n概要。\n【 基本方針事業一覧 】\n小 計 1,000\nテスト事業\n事 業 費 1,000 千 円\n1\n【事業概要】【事業実績】\n支援する。\n（ 担当課：テスト課）\n";
        let seg = segment(&lines(text));
        assert_eq!(seg.chapters.len(), 1);
        let ch = &seg.chapters[0];
        assert_eq!(ch.overview.len(), 1);
        assert_eq!(ch.cards.len(), 1);
        assert_eq!(ch.cards[0].department.len(), 1);
        assert!(is_cost_line("事 業 費 1,000 千 円"));
        assert!(is_table_heading("No. 事業名 H30事業費 新規 担当課 掲載頁"));
        assert!(is_table_heading("No. 事業名 令和5年度事業費 新規"));
    }
}
