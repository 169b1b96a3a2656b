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
use super::marks::{
    circled_number, compact, is_case_study_intro, is_close_paren, is_open_paren, parens_closed,
};
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

/// Whether `s`, spaces ignored, starts with `marker`.
pub(crate) fn starts_with_marker(s: &str, marker: &str) -> bool {
    compact(s).starts_with(marker)
}

pub(crate) fn is_box_header(s: &str) -> bool {
    let t = compact(s);
    t.contains("【事業概要】") || t.contains("【事業実績】")
}

pub(crate) fn is_cost_line(s: &str) -> bool {
    COST_LINE.is_match(s)
}

fn is_department_start(s: &str) -> bool {
    let t = compact(s);
    t.starts_with(is_open_paren) && t.contains("担当課")
}

/// A line made only of the summary table's heading words (No. 事業名 R5事業費 …).
pub(crate) fn is_table_heading(s: &str) -> bool {
    let mut toks = s.split_whitespace().peekable();
    toks.peek().is_some() && toks.all(|t| TABLE_HEADING_WORD.is_match(t))
}

/// An ordinance's or its rules' name is a short heading (R5's longest has 25
/// characters); a sentence of prose that happens to end in 条例 is longer.
const MAX_APPENDIX_HEADING_CHARS: usize = 40;

/// A short line naming an ordinance or its rules (条例/要綱): the appendix starts there.
fn is_appendix_heading(s: &str) -> bool {
    let t = compact(s);
    t.chars().count() <= MAX_APPENDIX_HEADING_CHARS
        && (t.ends_with("条例") || t.ends_with("要綱") || t.ends_with("規則"))
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
/// A chapter title is a phrase (R5's shortest has 13 characters); a circled number
/// followed by only a few characters is a breakdown item (`①9千円`) or a list mark.
const MIN_CHAPTER_TITLE_CHARS: usize = 6;
/// A chapter's heading lines (one per policy it covers, titles that wrap) are followed
/// by its 【取組の概要】 within this many lines; a circled line further from one is text.
const HEADING_TO_OVERVIEW_LINES: usize = 4;
/// A （担当課：…） wraps onto at most this many lines (R5's longest takes two); when its
/// parentheses never balance (a lost `）`), the card ends here rather than swallowing
/// the next card's head.
const MAX_DEPARTMENT_LINES: usize = 4;

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
        let closes_parens = p.ends_with(is_close_paren) && !p.contains("再掲");
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

/// Where the next card's head starts in the body of a card that lost its （担当課：…）
/// line: at its last cost line, back over at most [`MAX_TITLE_LINES`] title lines that
/// are not metric values. `None` when the body has no cost line.
fn next_head_start(body: &[SrcLine]) -> Option<usize> {
    let k = body.iter().rposition(|l| is_cost_line(&l.text))?;
    let mut s = k;
    while s > 0 && k - s < MAX_TITLE_LINES && body.get(s - 1).is_some_and(|l| !is_metric_like(&l.text)) {
        s -= 1;
    }
    Some(s)
}

/// `Some((number, title))` for a chapter heading line such as `① 中小企業の…`.
fn heading(s: &str) -> Option<(u8, String)> {
    let caps = HEADING.captures(s.trim())?;
    let n = circled_number(caps.get(1)?.as_str().chars().next()?)?;
    let title = caps.get(2)?.as_str().trim().to_string();
    (title.chars().count() >= MIN_CHAPTER_TITLE_CHARS).then_some((n, title))
}

/// Whether line `i` starts a chapter: heading lines, then 【取組の概要】 within
/// [`HEADING_TO_OVERVIEW_LINES`] lines.
fn starts_chapter(lines: &[SrcLine], i: usize) -> bool {
    if lines.get(i).and_then(|l| heading(&l.text)).is_none() {
        return false;
    }
    lines
        .iter()
        .skip(i + 1)
        .take(HEADING_TO_OVERVIEW_LINES)
        .any(|l| starts_with_marker(&l.text, "【取組の概要】"))
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
/// there can take its head back: exactly as many as [`take_head`] reaches (the title's
/// lines, the cost line, the lines after it), since it never looks further back.
const LOOSE_LINES_KEPT: usize = MAX_TITLE_LINES + 1 + MAX_LINES_AFTER_COST;

/// Split the report's lines into its title and chapters (see the module doc).
pub(crate) fn segment(lines: &[SrcLine]) -> Segmented {
    let mut s = Segmenter::new(lines);
    for (i, line) in lines.iter().enumerate() {
        s.step(i, line);
    }
    s.finish()
}

/// The state machine's memory while it walks the lines.
struct Segmenter<'a> {
    lines: &'a [SrcLine],
    out: Segmented,
    state: State,
    chapter: Option<ChapterLines>,
    /// Lines between cards: the next card's head, or lines of no part.
    pending: Vec<SrcLine>,
    card: Option<CardLines>,
    /// The last lines outside any chapter (see [`LOOSE_LINES_KEPT`]).
    loose: Vec<SrcLine>,
    /// Basic-policy numbers read so far in this report (a second report starts afresh).
    seen: Vec<u8>,
}

impl<'a> Segmenter<'a> {
    fn new(lines: &'a [SrcLine]) -> Self {
        Segmenter {
            lines,
            out: Segmented::default(),
            state: State::Preamble,
            chapter: None,
            pending: Vec::new(),
            card: None,
            loose: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// Read line `i`: the cross-cutting checks (a second report, a chapter start, a card
    /// in an open part) first, then the handler of the current state.
    fn step(&mut self, i: usize, line: &SrcLine) {
        if self.state != State::Preamble
            && self.out.title.as_ref().is_some_and(|first| is_repeated_title(self.lines, i, first))
        {
            self.repeated_title(line);
            return;
        }
        if let Some(lost) = self.chapter_start(i, line.trimmed()) {
            self.start_chapter(lost, line);
            return;
        }
        if matches!(self.state, State::Overview | State::Summary) && is_box_header(line.trimmed()) {
            self.card_in_open_part(line);
            return;
        }
        match self.state {
            State::Preamble => self.preamble(line),
            State::Headings => self.headings(line),
            State::Overview => self.overview(line),
            State::Summary => self.summary(line),
            State::BetweenCards => self.between_cards(line),
            State::CardBody => self.card_body(line),
            State::Department => self.department(line),
            State::CaseStudies => self.case_studies(line),
            State::Appendix => keep_loose(&mut self.loose, line),
        }
    }

    /// End of input: close what is open.
    fn finish(mut self) -> Segmented {
        self.cut_card();
        self.close_chapter();
        self.out
    }

    /// The basic-policy number of the chapter being read.
    fn policy(&self) -> Option<u8> {
        self.chapter.as_ref().and_then(|c| c.numbers.first().copied())
    }

    /// Report the pending lines as belonging to no part (page footers aside).
    fn flush_unassigned(&mut self) {
        let numbers = self.policy();
        for l in self.pending.drain(..) {
            if !is_page_number(&l.text) {
                self.out.diagnostics.push(
                    Diagnostic::new(
                        Code::TextUnassigned,
                        format!("line not part of any card or section: {}", l.trimmed()),
                    )
                    .at_page(l.printed)
                    .in_policy(numbers),
                );
            }
        }
    }

    /// The open card ends before its （担当課：…） line.
    fn cut_card(&mut self) {
        if let Some(c) = self.card.take() {
            close_cut_card(&mut self.out.diagnostics, self.chapter.as_mut(), c);
        }
    }

    /// The open chapter ends: pending lines are reported, the chapter is kept.
    fn close_chapter(&mut self) {
        self.flush_unassigned();
        if let Some(c) = self.chapter.take() {
            self.out.chapters.push(c);
        }
    }

    /// The open card is complete: file it in its chapter.
    fn file_card(&mut self) {
        if let (Some(ch), Some(c)) = (self.chapter.as_mut(), self.card.take()) {
            ch.cards.push(c);
        }
        self.state = State::BetweenCards;
    }

    /// A second title page: reports concatenated into one file. What follows is read as
    /// chapters all the same, so nothing is lost, but the result is not one report.
    fn repeated_title(&mut self, line: &SrcLine) {
        let t = line.trimmed();
        self.out.diagnostics.push(
            Diagnostic::new(
                Code::ReportRepeated,
                format!(
                    "a second report title 「{t}」: several reports in one file? Its chapters are read too"
                ),
            )
            .at_page(line.printed),
        );
        self.cut_card();
        self.close_chapter();
        self.seen.clear();
        self.loose.clear();
        self.state = State::Preamble;
    }

    /// Whether line `i` starts a chapter: `Some(None)` at its heading, `Some(Some(lost))`
    /// at the first of its parts found when the heading was lost (an unreadable page, a
    /// damaged dump). Only where a chapter can end.
    fn chapter_start(&self, i: usize, t: &str) -> Option<Option<Lost>> {
        if !matches!(
            self.state,
            State::Preamble | State::BetweenCards | State::CaseStudies | State::CardBody | State::Appendix
        ) {
            return None;
        }
        if starts_chapter(self.lines, i) {
            Some(None)
        } else if t.starts_with("【取組の概要】") {
            Some(Some(Lost::Overview))
        } else if t.starts_with("【基本方針事業一覧】") {
            Some(Some(Lost::Summary))
        } else if is_box_header(t)
            && matches!(self.state, State::Preamble | State::CaseStudies | State::Appendix)
        {
            Some(Some(Lost::Card))
        } else {
            None
        }
    }

    /// A new chapter starts at `line`: at its heading, or (`lost`) at a part of it.
    fn start_chapter(&mut self, lost: Option<Lost>, line: &SrcLine) {
        // An unfinished card ends here.
        self.cut_card();
        let head = match (lost, self.state, self.chapter.as_mut()) {
            (Some(Lost::Card), State::CaseStudies, Some(ch)) => take_head(&mut ch.case_studies),
            (Some(Lost::Card), _, _) => take_head(&mut self.loose),
            _ => Vec::new(),
        };
        let previous = self.policy();
        self.close_chapter();
        self.loose.clear();
        let Some(lost) = lost else {
            self.chapter = Some(ChapterLines::default());
            self.state = State::Headings;
            continue_heading(&mut self.chapter, &mut self.out.diagnostics, &mut self.seen, line);
            return;
        };
        let found = match lost {
            Lost::Overview => "its 【取組の概要】",
            Lost::Summary => "its 【基本方針事業一覧】",
            Lost::Card => "a card",
        };
        let after = previous.map(|n| format!(" after the chapter of basic policy {n}")).unwrap_or_default();
        self.out.diagnostics.push(
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
        self.state = match lost {
            Lost::Overview => State::Overview,
            Lost::Summary => State::Summary,
            Lost::Card => {
                self.card = Some(CardLines { head, body: vec![line.clone()], ..CardLines::default() });
                State::CardBody
            }
        };
        if let Some(start) = self.card.as_ref().and_then(|c| c.head.first()) {
            first = Some(start.clone());
        }
        self.chapter = Some(ChapterLines { first, ..ChapterLines::default() });
    }

    /// A card inside the overview or the summary table: the lines that end those
    /// (【基本方針事業一覧】, 小計) were lost. The card is read; the part before it is cut.
    fn card_in_open_part(&mut self, line: &SrcLine) {
        let head = match (self.state, self.chapter.as_mut()) {
            (State::Overview, Some(ch)) => take_head(&mut ch.overview),
            (State::Summary, Some(ch)) => take_head(&mut ch.summary),
            _ => Vec::new(),
        };
        let cut = if self.state == State::Overview { "【基本方針事業一覧】" } else { "小計" };
        self.out.diagnostics.push(
            Diagnostic::new(
                Code::ChapterIncomplete,
                format!("a card starts before the chapter's {cut} line: the part before it is cut short"),
            )
            .at_page(line.printed)
            .in_policy(self.policy()),
        );
        self.card = Some(CardLines { head, body: vec![line.clone()], ..CardLines::default() });
        self.state = State::CardBody;
    }

    /// Before the first chapter: the report's title, else lines kept loose.
    fn preamble(&mut self, line: &SrcLine) {
        let t = compact(line.trimmed());
        if self.out.title.is_none() && t.contains("年度") && t.contains("実施状況") {
            self.out.title = Some(line.clone());
        } else {
            keep_loose(&mut self.loose, line);
        }
    }

    /// The chapter's heading lines, up to 【取組の概要】.
    fn headings(&mut self, line: &SrcLine) {
        if starts_with_marker(line.trimmed(), "【取組の概要】") {
            self.state = State::Overview;
        } else {
            continue_heading(&mut self.chapter, &mut self.out.diagnostics, &mut self.seen, line);
        }
    }

    /// The overview's text, up to 【基本方針事業一覧】.
    fn overview(&mut self, line: &SrcLine) {
        let t = line.trimmed();
        if starts_with_marker(t, "【基本方針事業一覧】") {
            self.state = State::Summary;
        } else if !is_page_number(t) {
            if let Some(ch) = self.chapter.as_mut() {
                ch.overview.push(line.clone());
            }
        }
    }

    /// The summary table's lines, its 小計 line included.
    fn summary(&mut self, line: &SrcLine) {
        if let Some(ch) = self.chapter.as_mut() {
            ch.summary.push(line.clone());
        }
        if starts_with_marker(line.trimmed(), "小計") {
            self.state = State::BetweenCards;
        }
    }

    /// Between cards: a box header opens a card (the pending lines are its head); a
    /// case-study intro or the appendix ends the cards.
    fn between_cards(&mut self, line: &SrcLine) {
        let t = line.trimmed();
        if is_box_header(t) {
            self.card = Some(CardLines {
                head: std::mem::take(&mut self.pending),
                body: vec![line.clone()],
                ..CardLines::default()
            });
            self.state = State::CardBody;
        } else if is_case_study_intro(t) {
            self.flush_unassigned();
            if let Some(ch) = self.chapter.as_mut() {
                ch.case_studies.push(line.clone());
            }
            self.state = State::CaseStudies;
        } else if is_table_heading(t) && self.chapter.as_ref().is_some_and(|c| c.cards.is_empty()) {
            // The summary table's heading cells, dumped after its 小計 line.
            if let Some(ch) = self.chapter.as_mut() {
                let at = ch.summary.len().saturating_sub(1);
                ch.summary.insert(at, line.clone());
            }
        } else if is_appendix_heading(t) && self.chapter.is_some() {
            self.flush_unassigned();
            self.state = State::Appendix;
        } else {
            self.pending.push(line.clone());
        }
    }

    /// A card's box and metrics, up to its （担当課：…） line.
    fn card_body(&mut self, line: &SrcLine) {
        let t = line.trimmed();
        let Some(c) = self.card.as_mut() else { return };
        if is_department_start(t) {
            c.department.push(line.clone());
            if department_closed(&c.department) {
                self.file_card();
            } else {
                self.state = State::Department;
            }
        } else if is_box_header(t) {
            // The previous card lost its （担当課：…） line: its tail from the last cost
            // line on is the next card's head.
            let head = next_head_start(&c.body).map(|s| c.body.split_off(s)).unwrap_or_default();
            self.cut_card();
            self.card = Some(CardLines { head, body: vec![line.clone()], ..CardLines::default() });
        } else if is_case_study_intro(t) {
            self.cut_card();
            if let Some(ch) = self.chapter.as_mut() {
                ch.case_studies.push(line.clone());
            }
            self.state = State::CaseStudies;
        } else if !(is_page_number(t) && line.geom.is_none()) {
            // A lone number in a text dump's card body is a page footer: cell values
            // always carry a unit.
            c.body.push(line.clone());
        }
    }

    /// A （担当課：…） that wraps: up to its closing parenthesis, or
    /// [`MAX_DEPARTMENT_LINES`] lines.
    fn department(&mut self, line: &SrcLine) {
        let Some(c) = self.card.as_mut() else { return };
        c.department.push(line.clone());
        if department_closed(&c.department) || c.department.len() >= MAX_DEPARTMENT_LINES {
            self.file_card();
        }
    }

    /// Case-study text, up to the appendix.
    fn case_studies(&mut self, line: &SrcLine) {
        if is_appendix_heading(line.trimmed()) {
            self.state = State::Appendix;
        } else if let Some(ch) = self.chapter.as_mut() {
            ch.case_studies.push(line.clone());
        }
    }
}

/// Whether a card's （担当課：…） lines so far close their parentheses.
fn department_closed(lines: &[SrcLine]) -> bool {
    parens_closed(&lines.iter().map(|l| l.text.as_str()).collect::<String>())
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

    #[test]
    fn appendix_headings_end_in_any_of_the_rule_kinds() {
        assert!(is_appendix_heading("中小企業振興基本条例"));
        assert!(is_appendix_heading("補助金交付要綱"));
        assert!(is_appendix_heading("施行規則"));
        assert!(!is_appendix_heading("中小企業振興施策"));
    }

    #[test]
    fn a_title_names_the_year_and_the_report_in_one_short_line() {
        assert!(is_title_like("令和５年度中小企業振興施策実施状況"));
        assert!(!is_title_like("令和５年度の事業"));
        assert!(!is_title_like("施策の実施状況"));
        assert!(!is_title_like("令和５年度の実施状況を示した。"));
    }

    #[test]
    fn a_title_is_at_most_max_title_chars_long() {
        let stem = "令和５年度実施状況";
        let at_most = format!("{stem}{}", "あ".repeat(MAX_TITLE_CHARS - stem.chars().count()));
        assert!(is_title_like(&at_most));
        assert!(!is_title_like(&format!("{at_most}あ")));
    }

    #[test]
    fn a_repeated_title_is_the_same_line_or_a_title_page() {
        let title = "令和５年度中小企業振興施策実施状況";
        let chapter = ["① 中小企業の経営基盤の強化", "【取組の概要】"];
        // The chapter heading `TITLE_PAGE_LINES` lines after the title: still its page.
        let mut page: Vec<&str> = vec!["前の報告の最後の文。", "令和６年度中小企業振興施策実施状況"];
        page.extend(std::iter::repeat_n("令和７年３月", TITLE_PAGE_LINES - 1));
        page.extend(chapter);
        let ls = lines(&page.join("\n"));
        let first = lines(title).remove(0);
        assert!(is_repeated_title(&ls, 1, &first));
        // One line further and it is a title-like line in the text.
        page.insert(2, "青森県");
        assert!(!is_repeated_title(&lines(&page.join("\n")), 1, &first));
        // The first report's own title, wherever it comes again.
        let again = lines(&format!("本文。\n{title}\n本文の続き。"));
        assert!(is_repeated_title(&again, 1, &first));
        assert!(!is_repeated_title(&again, 0, &first));
        assert!(!is_repeated_title(&again, 2, &first));
    }

    #[test]
    fn a_lost_chapters_card_head_is_taken_back() {
        let mut ls = lines("前の文を終えた。\n地域の未来を\nつくる事業\n事業費 1,234千円\n3");
        let head = take_head(&mut ls);
        assert_eq!(texts(&head), ["地域の未来を", "つくる事業", "事業費 1,234千円", "3"]);
        assert_eq!(texts(&ls), ["前の文を終えた。"]);
    }

    #[test]
    fn a_taken_back_head_stops_at_what_cannot_be_a_title() {
        for stop in ["入校者数 10名", "（担当課：商工政策課）", "（仮称）", "【事業実績】", "実施した。"]
        {
            let mut ls = lines(&format!("{stop}\n交流事業\n事業費 10千円"));
            assert_eq!(texts(&take_head(&mut ls)), ["交流事業", "事業費 10千円"], "{stop}");
            assert_eq!(texts(&ls), [stop]);
        }
        // A relisted title ends with （再掲）: it is the title's.
        let mut ls = lines("前の文。\n交流事業（再掲）\n事業費 10千円");
        assert_eq!(texts(&take_head(&mut ls)), ["交流事業（再掲）", "事業費 10千円"]);
    }

    #[test]
    fn a_taken_back_head_has_at_most_max_title_lines_of_title() {
        let title: Vec<String> = (1..=MAX_TITLE_LINES + 1).map(|n| format!("題{n}")).collect();
        let mut ls = lines(&format!("{}\n事業費 10千円", title.join("\n")));
        let head = take_head(&mut ls);
        assert_eq!(head.len(), MAX_TITLE_LINES + 1);
        assert_eq!(texts(&ls), ["題1"]);
        // Counted back from the cost line wherever it stands, also far down the text.
        let title: Vec<String> = (1..=2 * MAX_TITLE_LINES).map(|n| format!("題{n}")).collect();
        let mut ls = lines(&format!("{}\n事業費 10千円", title.join("\n")));
        assert_eq!(take_head(&mut ls).len(), MAX_TITLE_LINES + 1);
        assert_eq!(ls.len(), MAX_TITLE_LINES);
    }

    #[test]
    fn a_cost_line_further_back_than_max_lines_after_cost_is_not_a_head() {
        let after: Vec<String> = (0..MAX_LINES_AFTER_COST).map(|n| format!("後{n}")).collect();
        let text = format!("交流事業\n事業費 10千円\n{}", after.join("\n"));
        assert_eq!(take_head(&mut lines(&text)).len(), MAX_LINES_AFTER_COST + 2);
        assert!(take_head(&mut lines(&format!("{text}\n後"))).is_empty());
        assert!(take_head(&mut lines("交流事業\n本文。")).is_empty());
    }

    #[test]
    fn either_heading_makes_a_box_header() {
        assert!(is_box_header("【事業概要】"));
        assert!(is_box_header("【 事業実績 】"));
        assert!(is_box_header("【事業概要】 【事業実績】"));
        assert!(!is_box_header("事業概要"));
    }

    /// The non-blank lines of `text`.
    fn lines(text: &str) -> Vec<SrcLine> {
        crate::report::lines::text_lines(text).into_iter().filter(|l| !l.text.trim().is_empty()).collect()
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

    fn texts(lines: &[SrcLine]) -> Vec<&str> {
        lines.iter().map(|l| l.trimmed()).collect()
    }

    #[test]
    fn appendix_heading_is_short() {
        // Literal counts, so that a changed threshold fails here.
        let at_most = format!("{}条例", "あ".repeat(38));
        assert!(is_appendix_heading(&at_most));
        assert!(is_appendix_heading("青森県中小企業振興 基本条例"));
        let longer = format!("あ{at_most}");
        assert!(!is_appendix_heading(&longer));
        assert!(!is_appendix_heading("条例の改正"));
    }

    #[test]
    fn chapter_title_has_a_minimum_length() {
        let title = "あ".repeat(6);
        assert_eq!(heading(&format!("④ {title}")), Some((4, title.clone())));
        assert_eq!(heading(&format!("④ {}", &title[3..])), None);
    }

    #[test]
    fn overview_marker_must_follow_the_heading_closely() {
        let near = "① 中小企業の事業活動を支える基盤\n一\n二\n三\n【取組の概要】\n";
        assert!(starts_chapter(&lines(near), 0));
        let far = "① 中小企業の事業活動を支える基盤\n一\n二\n三\n四\n【取組の概要】\n";
        assert!(!starts_chapter(&lines(far), 0));
        assert!(!starts_chapter(&lines(near), 1));
        assert!(!starts_chapter(&lines(near), 99));
    }

    #[test]
    fn next_head_takes_at_most_the_title_lines_back() {
        let body = lines("【 事業概要 】\n支援する。\n題一\n題二\n題三\n題四\n事業費 1 千円\n2\n");
        assert_eq!(next_head_start(&body), Some(3));
        let body = lines("【 事業概要 】\n10件\n題一\n事業費 1 千円\n");
        assert_eq!(next_head_start(&body), Some(2));
        let body = lines("事業費 1 千円\n");
        assert_eq!(next_head_start(&body), Some(0));
        assert_eq!(next_head_start(&lines("【 事業概要 】\n支援する。\n")), None);
    }

    #[test]
    fn card_without_department_hands_its_tail_to_the_next_card() {
        let text = "① 中小企業の事業活動を支える基盤\n【取組の概要】\n概要。\n【基本方針事業一覧】\n小計 2\n\
                    前の事業\n事業費 1 千円\n1\n【 事業概要 】\n支援する。\n\
                    次の\n長い\n事業\n事業費 1 千円\n2\n【 事業概要 】\n支援する。\n（担当課：テスト課）\n";
        let seg = segment(&lines(text));
        let cards = &seg.chapters[0].cards;
        assert_eq!(cards.len(), 2);
        assert_eq!(texts(&cards[0].body), ["【 事業概要 】", "支援する。"]);
        // The lone `2` went where a text dump's page footers go (see `card_body`).
        assert_eq!(texts(&cards[1].head), ["次の", "長い", "事業", "事業費 1 千円"]);
        // The box header that showed the first card was cut opens the second's body.
        assert_eq!(texts(&cards[1].body), ["【 事業概要 】", "支援する。"]);
        assert!(seg.diagnostics.iter().any(|d| d.code == Code::CardIncomplete));
    }

    #[test]
    fn unclosed_department_ends_after_its_line_limit() {
        let text = "① 中小企業の事業活動を支える基盤\n【取組の概要】\n概要。\n【基本方針事業一覧】\n小計 2\n\
                    前の事業\n事業費 1 千円\n1\n【 事業概要 】\n支援する。\n（担当課：一課\n二\n三\n四\n\
                    次の事業\n事業費 1 千円\n2\n【 事業概要 】\n支援する。\n（担当課：テスト課）\n";
        let seg = segment(&lines(text));
        let cards = &seg.chapters[0].cards;
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].department.len(), 4);
        assert_eq!(texts(&cards[1].head), ["次の事業", "事業費 1 千円", "2"]);
    }

    /// A card found before any chapter (its chapter's heading, overview and summary
    /// lost): its head is taken back from the loose lines, its box header opens its
    /// body, and the chapter starts where the card does.
    #[test]
    fn a_card_before_any_chapter_takes_its_head_from_the_loose_lines() {
        let text = "前置きの文。\n地域の未来を\nつくる事業\n事業費 1,234千円\n3\n\
                    【 事業概要 】 【 事業実績 】\n支援する。\n（担当課：テスト課）\n";
        let seg = segment(&lines(text));
        assert_eq!(seg.chapters.len(), 1);
        let ch = &seg.chapters[0];
        assert_eq!(ch.first.as_ref().map(SrcLine::trimmed), Some("地域の未来を"));
        assert_eq!(ch.cards.len(), 1);
        assert_eq!(texts(&ch.cards[0].head), ["地域の未来を", "つくる事業", "事業費 1,234千円", "3"]);
        assert_eq!(texts(&ch.cards[0].body), ["【 事業概要 】 【 事業実績 】", "支援する。"]);
        assert_eq!(texts(&ch.cards[0].department), ["（担当課：テスト課）"]);
        assert!(seg.diagnostics.iter().any(|d| d.code == Code::ChapterNoHeading));
    }

    /// A card found after a chapter's case studies (the next chapter's start lost): its
    /// head comes back out of the case-study text.
    #[test]
    fn a_card_after_the_case_studies_takes_its_head_from_them() {
        let text = format!(
            "① 中小企業の事業活動を支える基盤\n【取組の概要】\n概要。\n【基本方針事業一覧】\n小計 1,000\n{CARD}\
             事業を活用した事例紹介\n事例の本文。\n交流事業\n事業費 10千円\n2\n【 事業概要 】\n支援する。\n（担当課：テスト課）\n"
        );
        let seg = segment(&lines(&text));
        assert_eq!(seg.chapters.len(), 2);
        assert_eq!(texts(&seg.chapters[0].case_studies), ["事業を活用した事例紹介", "事例の本文。"]);
        let ch = &seg.chapters[1];
        assert_eq!(ch.first.as_ref().map(SrcLine::trimmed), Some("交流事業"));
        assert_eq!(texts(&ch.cards[0].head), ["交流事業", "事業費 10千円", "2"]);
        assert_eq!(texts(&ch.cards[0].body), ["【 事業概要 】", "支援する。"]);
    }

    /// A chapter lost at its 【取組の概要】 starts there, that line first.
    #[test]
    fn a_chapter_without_heading_starts_at_its_overview() {
        let text = format!("{CARD}【取組の概要】\n概要。\n【基本方針事業一覧】\n小計 1,000\n{CARD}");
        let seg = segment(&lines(&text));
        assert_eq!(seg.chapters.len(), 2);
        let ch = &seg.chapters[1];
        assert_eq!(ch.first.as_ref().map(SrcLine::trimmed), Some("【取組の概要】"));
        assert_eq!(texts(&ch.overview), ["概要。"]);
        assert_eq!(ch.cards.len(), 1);
    }

    /// A full head — [`MAX_TITLE_LINES`] title lines, the cost line and
    /// [`MAX_LINES_AFTER_COST`] lines after it — survives in the loose lines, and they
    /// keep no more than that (literal 7, so that a changed bound fails here).
    #[test]
    fn loose_lines_keep_exactly_a_full_head() {
        let head = ["題一", "題二", "題三", "事業費 10千円", "1", "内訳一", "内訳二"];
        let text =
            format!("前の文。\n{}\n【 事業概要 】\n支援する。\n（担当課：テスト課）\n", head.join("\n"));
        let seg = segment(&lines(&text));
        assert_eq!(texts(&seg.chapters[0].cards[0].head), head);
        let mut loose = Vec::new();
        for l in lines(&(1..=20).map(|n| n.to_string()).collect::<Vec<_>>().join("\n")) {
            keep_loose(&mut loose, &l);
        }
        assert_eq!(texts(&loose), ["14", "15", "16", "17", "18", "19", "20"]);
    }

    /// A card inside a chapter's overview or summary table (the line that ends that part
    /// lost): the part is cut, the card takes its head back out of it.
    #[test]
    fn a_card_in_an_open_part_takes_its_head_back() {
        let start = "① 中小企業の事業活動を支える基盤\n【取組の概要】\n概要。\n";
        let card = "交流事業\n事業費 10千円\n【 事業概要 】\n支援する。\n（担当課：テスト課）\n";
        for (part, text) in [
            ("overview", format!("{start}{card}")),
            ("summary", format!("{start}【基本方針事業一覧】\n1 交流事業 10千円\n{card}")),
        ] {
            let seg = segment(&lines(&text));
            let ch = &seg.chapters[0];
            assert_eq!(texts(&ch.cards[0].head), ["交流事業", "事業費 10千円"], "{part}");
            assert_eq!(texts(&ch.cards[0].body), ["【 事業概要 】", "支援する。"], "{part}");
            assert_eq!(texts(&ch.overview), ["概要。"], "{part}");
            let summary: &[&str] = if part == "summary" { &["1 交流事業 10千円"] } else { &[] };
            assert_eq!(texts(&ch.summary), summary, "{part}");
            assert!(seg.diagnostics.iter().any(|d| d.code == Code::ChapterIncomplete), "{part}");
        }
    }

    /// Two reports in one file: the second title page ends the first report's last
    /// chapter, and the second report's chapter numbers start afresh (no second-chapter
    /// warning for its ①).
    #[test]
    fn a_second_title_starts_a_second_report() {
        let title = "令和5年度 中小企業振興施策実施状況";
        let report = format!("{title}\n① 中小企業の事業活動を支える基盤\n【取組の概要】\n概要。\n【基本方針事業一覧】\n小計 1,000\n{CARD}");
        let seg = segment(&lines(&format!("{report}{report}")));
        assert_eq!(seg.chapters.len(), 2);
        assert!(seg.chapters.iter().all(|c| c.cards.len() == 1));
        let repeated: Vec<&Diagnostic> =
            seg.diagnostics.iter().filter(|d| d.code == Code::ReportRepeated).collect();
        assert_eq!(repeated.len(), 1, "{repeated:?}");
        assert!(repeated.iter().all(|d| d.message.contains("second report title")));
    }
}
