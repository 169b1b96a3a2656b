//! Which extractor made a text dump, told from the dump's own features.
//!
//! Each extractor lays a report out in its own way (README, "Text dumps"): poppler's
//! `pdftotext` ends every page with a form feed, and with `-layout` keeps columns apart by
//! runs of spaces; `-raw` keeps content-stream order, so a table row stays on one line;
//! the default mode and PyMuPDF put each table cell and each box heading on a line of
//! its own; pdfplumber (pdfminer) joins the two columns of a box on one line with a
//! single space; PyMuPDF's sorted text (`get_text(sort=True)`) keeps columns apart as
//! `-layout` does but counts a gap in its next word's character widths. The kind decides which reassembly [`crate::report::reassemble`] applies
//! before the report grammar reads the lines. Detection only counts features; a dump
//! with none of them is read as [`DumpKind::Plain`], the style the grammar reads as is.

use std::fmt;
use std::str::FromStr;

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
    /// pdfplumber / pdfminer `extract_text()`: a box's two columns on one line.
    Pdfplumber,
    /// PyMuPDF `page.get_text(sort=True)`: as `-layout`, but a gap counted in its next
    /// word's character widths, so columns align by width on the page, not by character.
    PymupdfSort,
}

impl DumpKind {
    pub const ALL: [DumpKind; 8] = [
        DumpKind::Plain,
        DumpKind::Pdftotext,
        DumpKind::PdftotextLayout,
        DumpKind::PdftotextRaw,
        DumpKind::Pymupdf,
        DumpKind::PymupdfBlocks,
        DumpKind::Pdfplumber,
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
            DumpKind::PymupdfSort => "pymupdf-sort",
        }
    }

    /// Whether table cells and box headings come one a line (rows must be reassembled).
    pub fn cell_per_line(self) -> bool {
        matches!(self, DumpKind::Pdftotext | DumpKind::Pymupdf | DumpKind::PymupdfBlocks)
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
/// Share of lines that are blank above which blocks are apart by blank lines (PyMuPDF
/// blocks) rather than one blank line per page or none.
const BLOCK_BLANK_SHARE: f64 = 0.1;

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
    /// Of the table rows ending in a number after wide text (`… 課     24`): the most
    /// that end in one character column, and the most that end at one position when each
    /// character is counted by its width and each gap by its next word's (±1 either way).
    pub ends_by_char: usize,
    pub ends_by_width: usize,
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

pub fn features(text: &str) -> Features {
    let mut f = Features { form_feeds: text.matches('\u{c}').count(), ..Features::default() };
    let mut in_box = false;
    let (mut by_char, mut by_width) = (Vec::new(), Vec::new());
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        let l = line.trim_matches(|c: char| c == '\u{c}');
        if l.trim().is_empty() {
            f.blank += 1;
            continue;
        }
        f.lines += 1;
        if l.ends_with(' ') {
            f.trailing_space += 1;
        }
        let inner = l.trim();
        if inner.contains(&" ".repeat(LAYOUT_GAP)) || inner.contains(&"\u{3000}".repeat(2)) {
            f.layout_gaps += 1;
            if let Some((c, w)) = super::sort_layout::row_end(l, 1.0) {
                by_char.push(c);
                by_width.push(w.round() as usize);
            }
        }
        let squashed: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
        let (a, b) = (squashed.contains("【事業概要】"), squashed.contains("【事業実績】"));
        if a && b {
            f.headings_joined += 1;
            in_box = true;
            continue;
        } else if a || b {
            f.headings_apart += 1;
            in_box = true;
            continue;
        }
        if squashed.starts_with("項目名")
            || squashed.starts_with("（担当課")
            || squashed.starts_with("(担当課")
        {
            in_box = false;
        }
        if in_box {
            f.box_lines += 1;
            if joined_columns(l) {
                f.box_lines_joined += 1;
            }
        }
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
        // Columns by position: by character (`-layout`) or by width on the page (PyMuPDF
        // sorted text, whose gaps count the next word's character widths).
        return if f.ends_by_width > f.ends_by_char {
            DumpKind::PymupdfSort
        } else {
            DumpKind::PdftotextLayout
        };
    }
    if headings > 0 && apart {
        return if f.form_feeds > 0 {
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
    if f.form_feeds > 0 {
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
        let layout = "    【 事業概要 】          【 事業実績 】\nあいうえお       かきくけこ\n";
        assert_eq!(detect(layout), DumpKind::PdftotextLayout);
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
