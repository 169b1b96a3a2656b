//! Segmentation: the report's line stream → title, chapters (overview, summary table,
//! cards, case studies), appendix.
//!
//! The grammar is a small state machine keyed on the report's fixed markers
//! (【取組の概要】, 【基本方針事業一覧】, 小計, 【 事業概要 】, （担当課：…）, 事例紹介);
//! it never depends on a particular project's name or number.

use regex::Regex;
use std::sync::LazyLock;

use super::lines::{is_page_number, SrcLine};
use crate::model::{Diagnostic, Level};

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

pub fn segment(lines: &[SrcLine]) -> Segmented {
    let mut out = Segmented::default();
    let mut state = State::Preamble;
    let mut chapter: Option<ChapterLines> = None;
    let mut pending: Vec<SrcLine> = Vec::new();
    let mut card: Option<CardLines> = None;

    let unassigned = |pending: &mut Vec<SrcLine>, diags: &mut Vec<Diagnostic>, numbers: Option<u8>| {
        for l in pending.drain(..) {
            if !is_page_number(&l.text) {
                diags.push(
                    Diagnostic::new(
                        Level::Warning,
                        "text.unassigned",
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
        if state == State::Appendix {
            break;
        }
        // A chapter heading ends whatever came before (an unfinished card included).
        if matches!(state, State::Preamble | State::BetweenCards | State::CaseStudies | State::CardBody)
            && starts_chapter(lines, i)
        {
            if let Some(c) = card.take() {
                close_cut_card(&mut out.diagnostics, chapter.as_mut(), c);
            }
            let first = chapter.as_ref().and_then(|c| c.numbers.first().copied());
            unassigned(&mut pending, &mut out.diagnostics, first);
            if let Some(c) = chapter.take() {
                out.chapters.push(c);
            }
            chapter = Some(ChapterLines::default());
            state = State::Headings;
        }
        let first_number = chapter.as_ref().and_then(|c| c.numbers.first().copied());
        match state {
            State::Preamble => {
                if out.title.is_none() && compact(t).contains("年度") && compact(t).contains("実施状況")
                {
                    out.title = Some(line.clone());
                }
            }
            State::Headings => {
                let Some(ch) = chapter.as_mut() else { continue };
                if starts_with_marker(t, "【取組の概要】") {
                    state = State::Overview;
                } else if let Some((n, title)) = heading(t) {
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
            State::Appendix => {}
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

fn is_metric_like(s: &str) -> bool {
    let t = s.trim();
    starts_with_marker(t, "項目名") || t.ends_with('名') || t.ends_with('件') || t.ends_with('円')
}

fn close_cut_card(diags: &mut Vec<Diagnostic>, chapter: Option<&mut ChapterLines>, card: CardLines) {
    let Some(ch) = chapter else { return };
    let page = card.head.first().or(card.body.first()).and_then(|l| l.printed);
    diags.push(
        Diagnostic::new(
            Level::Error,
            "card.incomplete",
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
            .map(|l| SrcLine { text: l.to_string(), pdf_page: 1, printed: None, geom: None })
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
