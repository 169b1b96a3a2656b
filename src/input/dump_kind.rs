//! Which extractor made a text dump, told from the dump's own features.
//!
//! Each extractor lays a report out in its own way (README, "Text dumps"): poppler's
//! `pdftotext` ends every page with a form feed, and with `-layout` keeps columns apart by
//! runs of spaces; `-raw` keeps content-stream order, so a table row stays on one line;
//! the default mode and PyMuPDF put each table cell and each box heading on a line of
//! its own; pdfplumber (pdfminer) joins the two columns of a box on one line with a
//! single space; pdfminer.six's `extract_text` prints text boxes one a block like
//! `pdftotext`, but keeps a line's leading spaces and joins what shares a baseline (the
//! card number beside the cost or the title); pypdf keeps content-stream order with a
//! summary row on one line, and in its layout mode the page's vertical gaps as blank
//! lines, and pypdfium2 (`get_text_range()`) is read as pypdf: content-stream order
//! with a card number's digit glued before the box headings, its pages joined by a
//! newline (no form feeds, and no blank lines) or a form feed; PyMuPDF's sorted text (`get_text(sort=True)`) keeps columns apart as `-layout`
//! does but counts a gap in its next word's character widths. The kind decides which
//! reassembly [`crate::report::reassemble`] applies before the report grammar reads the
//! lines. Detection only counts features; a dump
//! with none of them is read as [`DumpKind::Plain`], the style the grammar reads as is.

use regex::Regex;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// The extractor style of a text dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpKind {
    /// One printed line a line, a box's columns one after the other, table rows on one
    /// line (a copy-paste from a viewer, or a hand-made dump).
    Plain,
    /// `pdftotext` default: form feeds; one cell a line; box headings split.
    Pdftotext,
    /// `pdftotext -layout`: form feeds; columns kept apart by runs of spaces.
    PdftotextLayout,
    /// `pdftotext -raw`: form feeds; content-stream order, rows on one line.
    PdftotextRaw,
    /// PyMuPDF `page.get_text()`: one span a line, no form feeds.
    Pymupdf,
    /// PyMuPDF `get_text("blocks")`: as [`DumpKind::Pymupdf`], blocks apart by blank lines.
    PymupdfBlocks,
    /// pdfplumber `extract_text()`: a box's two columns on one line.
    Pdfplumber,
    /// pdfminer.six `high_level.extract_text()` (`pdf2txt.py`): text boxes apart by blank
    /// lines, a form feed per page, as `pdftotext` default.
    Pdfminer,
    /// pypdf `page.extract_text()`: form feeds (pages joined by the script); content-stream
    /// order with a line broken only where text moves down, so a summary row is one line
    /// and a card number or a cell's note can be glued to its neighbour.
    Pypdf,
    /// pypdf `page.extract_text(extraction_mode="layout")`: as `pdftotext -layout`, with
    /// the page's vertical gaps kept as blank lines.
    PypdfLayout,
    /// PyMuPDF `page.get_text(sort=True)`: as `-layout`, but a gap counted in its next
    /// word's character widths, so columns align by width on the page, not by character.
    PymupdfSort,
}

impl DumpKind {
    pub const ALL: [DumpKind; 11] = [
        DumpKind::Plain,
        DumpKind::Pdftotext,
        DumpKind::PdftotextLayout,
        DumpKind::PdftotextRaw,
        DumpKind::Pymupdf,
        DumpKind::PymupdfBlocks,
        DumpKind::Pdfplumber,
        DumpKind::Pdfminer,
        DumpKind::Pypdf,
        DumpKind::PypdfLayout,
        DumpKind::PymupdfSort,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DumpKind::Plain => "plain",
            DumpKind::Pdftotext => "pdftotext",
            DumpKind::PdftotextLayout => "pdftotext-layout",
            DumpKind::PdftotextRaw => "pdftotext-raw",
            DumpKind::Pymupdf => "pymupdf",
            DumpKind::PymupdfBlocks => "pymupdf-blocks",
            DumpKind::Pdfplumber => "pdfplumber",
            DumpKind::Pdfminer => "pdfminer",
            DumpKind::Pypdf => "pypdf",
            DumpKind::PypdfLayout => "pypdf-layout",
            DumpKind::PymupdfSort => "pymupdf-sort",
        }
    }

    /// Whether table cells and box headings come one a line (rows must be reassembled).
    pub fn cell_per_line(self) -> bool {
        matches!(self, DumpKind::Pdftotext | DumpKind::Pymupdf | DumpKind::PymupdfBlocks | DumpKind::Pdfminer)
    }
}

impl fmt::Display for DumpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DumpKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DumpKind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| {
            format!("unknown dump kind {s:?} (one of: {})", DumpKind::ALL.map(DumpKind::name).join(", "))
        })
    }
}

/// Share of non-blank lines with a run of spaces inside them above which columns are kept
/// by position: in `-layout` dumps of these reports about half the lines have one, in
/// other dumps well under one in a hundred (a stray double space).
const LAYOUT_GAP_SHARE: f64 = 0.15;
/// Spaces in a run that separates layout columns: a word space is one, a layout gap
/// between two cells of a table at least two character widths wide.
const LAYOUT_GAP: usize = 3;
/// Share of box headings printed apart (【事業概要】 and 【事業実績】 on lines of their own)
/// above which the dump is one span a line.
const SPLIT_HEADING_SHARE: f64 = 0.5;
/// Share of a box's lines holding one space between two ideographic characters above
/// which its two columns are joined on one line: box prose has no spaces of its own.
const JOINED_COLUMNS_SHARE: f64 = 0.3;
/// Lines starting with a space from which a dump with form feeds and headings apart is
/// pdfminer's: `pdftotext` never starts a line with a space, pdfminer keeps a space the
/// writer printed at a line's start (a paragraph's indent; 19–48 lines in a report).
const MINER_LEADING_SPACES: usize = 3;
/// Share of cards whose number shares a line with the cost or the title above which a
/// dump with form feeds and headings apart is pdfminer's: pdfminer joins what stands on
/// one baseline within two characters' widths (87–95 % of cards where the writer sets
/// the number so), `pdftotext` puts the number box apart more often than not (0–56 %).
const MINER_JOINED_HEADS: f64 = 0.75;
/// Lines before a 【事業概要】 heading searched for the card's head.
const HEAD_LINES: usize = 5;
/// Share of lines that are blank above which blocks are apart by blank lines (PyMuPDF
/// blocks) rather than one blank line per page or none.
const BLOCK_BLANK_SHARE: f64 = 0.1;
/// Share of amount lines standing alone between blank lines above which a dump's table
/// cells are blocks of their own (`pdftotext` default: 97–100 % in its dumps; PyMuPDF's
/// blocks, a row a block: none).
const CELL_BLOCK_SHARE: f64 = 0.5;
static AMOUNT_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[▲△-]?[0-9]{1,3}(?:,[0-9]{3})+$").expect("static regex"));

/// Share of a summary table's lines that are whole rows (`No 名称 cost 担当課 page`) above
/// which a dump with form feeds prints each row on one line (pypdf): `pdftotext -raw`
/// prints a row whose cells wrap over several lines (0.20–0.45 of a table's lines whole
/// rows in the R5 and rendition dumps), pypdf joins them (0.69–0.83 where it does).
const WHOLE_ROW_SHARE: f64 = 0.6;

/// A summary row whole on one line: its No., name, cost, department and page.
static WHOLE_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[○〇◯]\s*)*[0-9０-９]{1,3}\s+\S.*\s[▲△-]?[0-9][0-9,]*\s.*\S\s+[0-9０-９]{1,3}(?:\s*[○〇◯])*$",
    )
    .expect("static regex")
});

/// Share of a columns-by-position dump's lines that are blank above which it keeps the
/// page's vertical gaps as blank lines (pypdf's layout mode: 0.60–0.64 of the lines in
/// the R5 and rendition dumps; `pdftotext -layout` 0.15–0.31; PyMuPDF's sorted text,
/// which keeps a blank line between blocks, 0.20–0.46): between the two.
const LAYOUT_BLANK_SHARE: f64 = 0.53;

/// Lines with a card number's digit set before the box headings
/// (`０ 【 事業概要 】 【 事業実績 】`) from which a dump is in pypdf's order: pypdf and
/// pypdfium2 print a number set beside the head where the text moves down, `-raw` and
/// the plain dumps never before a heading (59 such lines in the Chromium R5 dumps).
const GLUED_HEAD_NUMBERS: usize = 2;
/// Share of a report dump's lines that are blank under which a dump without form feeds
/// is in content-stream order with its pages joined by newlines (pypdfium2 prints no
/// blank line at all), not a plain dump (blocks apart by blank lines: half the seed's
/// lines). Read as pypdf, whose steps change only the shapes they know.
const NO_BLANK_SHARE: f64 = 0.02;
static GLUED_HEAD_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9０-９]{1,3}\s*【\s*事\s*業\s*概\s*要").expect("static regex"));

/// Features counted over a dump.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Features {
    pub lines: usize,
    pub blank: usize,
    pub form_feeds: usize,
    pub layout_gaps: usize,
    pub headings_joined: usize,
    pub headings_apart: usize,
    pub box_lines: usize,
    pub box_lines_joined: usize,
    pub trailing_space: usize,
    /// Lines starting with a space (not counting a form feed).
    pub leading_space: usize,
    /// 【事業概要】 headings on a line of their own.
    pub heads: usize,
    /// Of those, the heads (up to [`HEAD_LINES`] lines before) with the card number on
    /// the cost's line (`事業費 4,789 千円 １`) or before the title (`２ 「青森…`).
    pub heads_joined: usize,
    /// Lines inside summary tables (from 【基本方針事業一覧】 to 小計), and how many of
    /// them are whole rows.
    pub summary_lines: usize,
    pub summary_rows: usize,
    /// Lines holding one amount with thousands commas (`4,789`), and of those the ones
    /// with a blank line on either side: a table cell printed as a text block of its own.
    pub amounts: usize,
    pub amounts_alone: usize,
    /// Of the table rows ending in a number after wide text (`… 課     24`): the most
    /// that end in one character column, and the most that end at one position when each
    /// character is counted by its width and each gap by its next word's (±1 either way).
    pub ends_by_char: usize,
    pub ends_by_width: usize,
    /// Lines starting with a card number's digit glued before the box headings.
    pub glued_head_numbers: usize,
}

/// `事業費 4,789 千円 １` or `２ 「青森の価値…`: a card number sharing a line.
fn number_joined(line: &str) -> bool {
    let t = line.trim();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let words: Vec<&str> = t.split_whitespace().collect();
    let short_number = |w: &str| !w.is_empty() && w.chars().count() <= 3 && w.chars().all(digit);
    let last_is_number = words.len() >= 2 && words.last().is_some_and(|w| short_number(w));
    let cost_and_number = t.starts_with("事業費") && t.contains("千円") && last_is_number;
    let number_and_title = words.len() >= 2
        && words.first().is_some_and(|w| short_number(w))
        && words.get(1).and_then(|w| w.chars().next()).is_some_and(is_wide);
    cost_and_number || number_and_title
}

fn is_wide(c: char) -> bool {
    !c.is_ascii() && !c.is_whitespace()
}

/// A line of two columns joined by one space: `…を育 子育て…` (wide characters both sides).
fn joined_columns(line: &str) -> bool {
    let t = line.trim();
    let chars: Vec<char> = t.chars().collect();
    let spaces: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] == ' ').collect();
    spaces.len() == 1
        && spaces.iter().all(|&i| {
            i >= 8
                && chars.get(i - 1).copied().is_some_and(is_wide)
                && chars.get(i + 1).copied().is_some_and(is_wide)
                && chars.len() - i >= 8
        })
}

impl Features {
    /// A line's own shape: indents, trailing spaces, a card number glued before the box
    /// headings, runs of spaces (with where a table row ends, by character and by width).
    fn count_shape(&mut self, l: &str, by_char: &mut Vec<usize>, by_width: &mut Vec<usize>) {
        if l.starts_with(' ') {
            self.leading_space += 1;
        }
        if l.ends_with(' ') {
            self.trailing_space += 1;
        }
        let inner = l.trim();
        if GLUED_HEAD_NUMBER.is_match(inner) {
            self.glued_head_numbers += 1;
        }
        if inner.contains(&" ".repeat(LAYOUT_GAP)) || inner.contains(&"\u{3000}".repeat(2)) {
            self.layout_gaps += 1;
            if let Some((c, w)) = super::sort_layout::row_end(l, 1.0) {
                by_char.push(c);
                by_width.push(w.round() as usize);
            }
        }
    }

    /// A line's place in a card's box: its headings (apart or joined, a card number on the
    /// lines before), and the box lines up to 項目名 or （担当課：…）, two columns joined or not.
    fn count_box<'a>(&mut self, l: &'a str, squashed: &str, recent: &mut Vec<&'a str>, in_box: &mut bool) {
        let (a, b) = (squashed.contains("【事業概要】"), squashed.contains("【事業実績】"));
        if a && !b {
            self.heads += 1;
            self.heads_joined += usize::from(recent.iter().any(|r| number_joined(r)));
        }
        recent.push(l);
        if recent.len() > HEAD_LINES {
            recent.remove(0);
        }
        if a || b {
            if a && b {
                self.headings_joined += 1;
            } else {
                self.headings_apart += 1;
            }
            *in_box = true;
            return;
        }
        if squashed.starts_with("項目名")
            || squashed.starts_with("（担当課")
            || squashed.starts_with("(担当課")
        {
            *in_box = false;
        }
        if *in_box {
            self.box_lines += 1;
            if joined_columns(l) {
                self.box_lines_joined += 1;
            }
        }
    }
}

pub fn features(text: &str) -> Features {
    let mut f = Features { form_feeds: text.matches('\u{c}').count(), ..Features::default() };
    let mut in_box = false;
    let mut recent: Vec<&str> = Vec::new();
    let mut in_summary = false;
    // Whether the line before was blank, and an amount line's (waiting for the next line).
    let mut after_blank = true;
    let mut amount_after_blank: Option<bool> = None;
    let (mut by_char, mut by_width) = (Vec::new(), Vec::new());
    // A page joined to the next by a bare form feed (pypdfium2's pages end without a
    // newline) runs the footer into the next page's first line: split there. A form feed
    // at a line's start or end (`pdftotext`) stays on its line, as counted before.
    let split = text.lines().flat_map(|raw| {
        let line = raw.trim_end_matches('\r');
        let inner = line.trim_matches('\u{c}');
        let pieces: Vec<&str> =
            if inner.contains('\u{c}') { inner.split('\u{c}').collect() } else { vec![line] };
        pieces
    });
    for line in split {
        let l = line.trim_matches(|c: char| c == '\u{c}');
        let blank = l.trim().is_empty();
        if amount_after_blank.take() == Some(true) && blank {
            f.amounts_alone += 1;
        }
        if AMOUNT_LINE.is_match(l.trim()) {
            f.amounts += 1;
            amount_after_blank = Some(after_blank);
        }
        after_blank = blank;
        if blank {
            f.blank += 1;
            continue;
        }
        f.lines += 1;
        let inner = l.trim();
        f.count_shape(l, &mut by_char, &mut by_width);
        let squashed: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
        // Chromium's text layer spells some ideographs as Kangxi radicals (⼀ for 一).
        let unified = crate::normalize::radicals::unify_str(&squashed);
        if unified.starts_with("【基本方針事業一覧】") {
            in_summary = true;
            continue;
        } else if unified.starts_with("小計") {
            in_summary = false;
        } else if in_summary {
            f.summary_lines += 1;
            if WHOLE_ROW.is_match(inner) {
                f.summary_rows += 1;
            }
        }
        f.count_box(l, &squashed, &mut recent, &mut in_box);
    }
    if amount_after_blank == Some(true) {
        f.amounts_alone += 1;
    }
    f.ends_by_char = super::sort_layout::most_within_one(&by_char);
    f.ends_by_width = super::sort_layout::most_within_one(&by_width);
    f
}

/// The dump's kind from its features.
pub fn detect(text: &str) -> DumpKind {
    let f = features(text);
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let headings = f.headings_joined + f.headings_apart;
    // Headings come in pairs when printed apart.
    let apart = share(f.headings_apart, f.headings_apart + 2 * f.headings_joined) > SPLIT_HEADING_SHARE;
    if share(f.layout_gaps, f.lines) > LAYOUT_GAP_SHARE {
        if share(f.blank, f.lines + f.blank) > LAYOUT_BLANK_SHARE {
            return DumpKind::PypdfLayout;
        }
        // Columns by position: by character (`-layout`) or by width on the page (PyMuPDF
        // sorted text, whose gaps count the next word's character widths).
        return if f.ends_by_width > f.ends_by_char {
            DumpKind::PymupdfSort
        } else {
            DumpKind::PdftotextLayout
        };
    }
    if headings > 0 && apart {
        let joined_heads = share(f.heads_joined, f.heads) > MINER_JOINED_HEADS;
        let blocks = share(f.blank, f.lines + f.blank) > BLOCK_BLANK_SHARE;
        // `pdftotext -nopgbrk` drops the form feeds; its cells still stand as blocks of
        // their own, where PyMuPDF's blocks hold a whole row.
        let cell_blocks = share(f.amounts_alone, f.amounts) > CELL_BLOCK_SHARE;
        return if f.form_feeds > 0 && blocks && (f.leading_space >= MINER_LEADING_SPACES || joined_heads) {
            DumpKind::Pdfminer
        } else if f.form_feeds > 0 || (blocks && cell_blocks) {
            DumpKind::Pdftotext
        } else if share(f.blank, f.lines + f.blank) > BLOCK_BLANK_SHARE {
            DumpKind::PymupdfBlocks
        } else {
            DumpKind::Pymupdf
        };
    }
    if share(f.box_lines_joined, f.box_lines) > JOINED_COLUMNS_SHARE {
        return DumpKind::Pdfplumber;
    }
    // pypdf's order: a card number's digit glued before the headings, or (pypdfium2's
    // pages joined by newlines) a report with summary tables but neither form feeds nor
    // blank lines.
    if f.glued_head_numbers >= GLUED_HEAD_NUMBERS
        || (f.form_feeds == 0 && f.summary_lines > 0 && share(f.blank, f.lines + f.blank) < NO_BLANK_SHARE)
    {
        return DumpKind::Pypdf;
    }
    if f.form_feeds > 0 {
        if share(f.summary_rows, f.summary_lines) > WHOLE_ROW_SHARE {
            return DumpKind::Pypdf;
        }
        return DumpKind::PdftotextRaw;
    }
    DumpKind::Plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in DumpKind::ALL {
            assert_eq!(k.name().parse::<DumpKind>(), Ok(k));
        }
        assert!("pdf".parse::<DumpKind>().is_err());
    }

    #[test]
    fn kinds_by_features() {
        let plain = "題名\n【 事業概要 】 【 事業実績 】\nあいうえおかきくけこ\n項目名 ４年度\n";
        assert_eq!(detect(plain), DumpKind::Plain);
        assert_eq!(detect(&format!("{plain}\u{c}")), DumpKind::PdftotextRaw);
        let apart = "題名\n【 事業概要 】\n事業費 1 千円\n【 事業実績 】\nあいう\n";
        assert_eq!(detect(apart), DumpKind::Pymupdf);
        assert_eq!(detect(&format!("{apart}\u{c}")), DumpKind::Pdftotext);
        assert_eq!(detect(&apart.replace('\n', "\n\n")), DumpKind::PymupdfBlocks);
        let joined = "【 事業概要 】 【 事業実績 】\nあいうえおかきくけこ さしすせそたちつてと\n";
        assert_eq!(detect(joined), DumpKind::Pdfplumber);
        // pdfminer: as `pdftotext`, with a line's leading space kept, or the card
        // number on the cost's line.
        let miner = format!("{apart}\u{c}").replace("あいう", "  あいう\n  かきく\n  さしす");
        assert_eq!(detect(&miner), DumpKind::Pdfminer);
        let miner = "題名\n事業費 1 千円 １\n【 事業概要 】\n【 事業実績 】\nあいう\n\u{c}";
        assert_eq!(detect(miner), DumpKind::Pdfminer);
        assert_eq!(detect(&miner.replace(" １", "\n１")), DumpKind::Pdftotext);
        let layout = "    【 事業概要 】          【 事業実績 】\nあいうえお       かきくけこ\n";
        assert_eq!(detect(layout), DumpKind::PdftotextLayout);
        // The page's vertical gaps kept as blank lines: pypdf's layout mode (two in
        // three lines blank); one in two is PyMuPDF's sorted text or `-layout`.
        assert_eq!(detect(&layout.replace('\n', "\n\n\n")), DumpKind::PypdfLayout);
        assert_eq!(detect(&layout.replace('\n', "\n\n")), DumpKind::PdftotextLayout);
        // Form feeds and the summary's rows whole on their lines: pypdf; rows whose
        // cells wrap onto lines of their own: `pdftotext -raw`.
        let table = "【基本方針事業一覧】\nNo. 事業名 R5事業費 担当課等 掲載頁\n";
        let whole = "1 人材育成事業 4,789 ＤＸ推進課（西北地域県民局） 24\n2 還流促進事業 18,658 若者定着還流促進課 25\n";
        assert_eq!(detect(&format!("{table}{whole}小計 23,447\n{plain}\u{c}")), DumpKind::Pypdf);
        let wrapped =
            "1\n人材育成事\n業\n4,789\nＤＸ推進課\n24\n2 還流促進事業 18,658 若者定着還流促進課 25\n";
        assert_eq!(detect(&format!("{table}{wrapped}小計 23,447\n{plain}\u{c}")), DumpKind::PdftotextRaw);
        // Without form feeds, rows on their lines, blocks apart by blank lines, are the
        // seed's plain dump; with no blank line at all, pypdfium2's pages joined by
        // newlines, read as pypdf.
        let report = format!("{table}{whole}小計 23,447\n{plain}");
        assert_eq!(detect(&report.replace('\n', "\n\n")), DumpKind::Plain);
        assert_eq!(detect(&report), DumpKind::Pypdf);
        assert_eq!(detect(&format!("{table}{wrapped}小計 23,447\n{plain}")), DumpKind::Pypdf);
        // A two-digit card number's last digit glued before the headings, with or
        // without a form feed.
        let glued = "題名 事業費 1 千円 １\n０ 【 事業概要 】 【 事業実績 】\nあいう\n";
        let two = format!("{glued}{}", glued.replace('０', "１"));
        assert_eq!(detect(&two), DumpKind::Pypdf);
        assert_eq!(detect(&format!("{two}\u{c}")), DumpKind::Pypdf);
        assert_eq!(detect(&format!("{glued}\u{c}")), DumpKind::PdftotextRaw);
    }

    #[test]
    fn sorted_text_is_told_from_layout_by_where_rows_end() {
        // Rows ending in a number after wide text: `-layout` ends them in one character
        // column; PyMuPDF's sorted text counts each character by its width (a wide one
        // two) and the gap before digits in digits, so they end in one column only when
        // widths are counted.
        let by_char =
            "  1  あいうえお          24\n  2  あい             25\n  3  あいうえおかき        26\n";
        assert_eq!(detect(by_char), DumpKind::PdftotextLayout);
        let by_width =
            "  1  あいうえお          24\n  2  あい                25\n  3  あいうえおかき      26\n";
        assert_eq!(detect(by_width), DumpKind::PymupdfSort);
    }
}
