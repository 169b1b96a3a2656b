//! Source lines as the grammar sees them: text plus where it was printed.
//!
//! Each line carries its page's geometry (box and ruling lines) with it, so that the
//! parts the grammar cuts the lines into — chapters, summary tables, cards — hold what
//! they need to read a table by its rules without going back to the document.

use std::sync::Arc;

use super::footers;
use crate::doc::{Document, LineGeom, PageGeom, Rule};

/// One normalized line with its page, as the grammar reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SrcLine {
    pub text: String,
    /// 1-based physical page index.
    pub pdf_page: u32,
    /// Printed page number of that page, when known.
    pub printed: Option<u32>,
    pub geom: Option<LineGeom>,
    /// 1-based position of the line on its page, blank lines counted: for a text dump,
    /// the source line number.
    pub line: u32,
    /// The geometry of the line's page (shared by its lines); `None` for a text dump.
    pub page_geom: Option<Arc<PageGeom>>,
    /// In a text dump with form feeds, the number printed in the footer of the dump page
    /// the line was on ([`crate::doc::DumpPage`]). Kept apart from `printed`, which
    /// places diagnostics and case studies: only a card's page is taken from it (where
    /// the summary's 掲載頁 can be compared with it).
    pub footer: Option<u32>,
}

impl SrcLine {
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }

    /// The ruling lines of the line's page; `None` when the page has no geometry (a text
    /// dump), as opposed to a PDF page drawn without rules (`Some` of none).
    pub fn rules(&self) -> Option<&[Rule]> {
        self.page_geom.as_ref().map(|g| g.rules.as_slice())
    }
}

/// Flatten a document to lines, dropping blank ones and lone page-number footers.
///
/// A text dump keeps some page-number footers as lone lines: a line that is only a
/// number of one to three digits can never be report content (card numbers are read
/// from the lines right after a cost line, before this filter matters — see
/// [`crate::report::card`]), so the caller keeps them apart with [`is_page_number`].
pub fn flatten(doc: &Document) -> Vec<SrcLine> {
    let mut out = Vec::new();
    for page in &doc.pages {
        let texts = page.lines.iter().map(|l| l.text.as_str()).filter(|t| !t.trim().is_empty());
        let mut footer_pages =
            page.dump_pages.as_ref().map(|d| footers::footers(d, texts)).into_iter().flatten();
        for (n, line) in page.lines.iter().enumerate() {
            if line.text.trim().is_empty() {
                continue;
            }
            let footer = footer_pages.next().flatten();
            out.push(SrcLine {
                text: line.text.clone(),
                pdf_page: page.index,
                printed: page.printed,
                geom: line.geom.clone(),
                line: u32::try_from(n + 1).unwrap_or(u32::MAX),
                page_geom: page.geom.clone(),
                footer,
            });
        }
    }
    out
}

/// A page footer or card number has at most this many digits (reports have a few
/// hundred pages); a longer lone number is content (a year, an amount).
const MAX_PAGE_NUMBER_DIGITS: usize = 3;

/// A line that is only a small integer (a page-number footer or a card number).
pub fn is_page_number(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.len() <= MAX_PAGE_NUMBER_DIGITS && t.bytes().all(|b| b.is_ascii_digit())
}

/// Lines of a text dump without geometry, one per line of `text` (for unit tests).
#[cfg(test)]
pub(crate) fn text_lines(text: &str) -> Vec<SrcLine> {
    text.lines()
        .map(|l| SrcLine {
            text: l.to_string(),
            line: 0,
            pdf_page: 1,
            printed: None,
            geom: None,
            page_geom: None,
            footer: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Line, Page};

    #[test]
    fn page_numbers_have_one_to_three_digits() {
        assert!(super::is_page_number(" 123 "));
        assert!(!super::is_page_number("1234"));
        assert!(!super::is_page_number(""));
        assert!(!super::is_page_number("12頁"));
    }

    fn page(index: u32, rule_x: Option<f32>, texts: &[&str]) -> Page {
        let geom = rule_x.map(|x| {
            Arc::new(PageGeom {
                size: (595.0, 842.0),
                rules: vec![Rule { x0: x, y0: 0.0, x1: x, y1: 100.0 }],
            })
        });
        Page {
            index,
            printed: None,
            lines: texts.iter().map(|t| Line::plain(*t)).collect(),
            geom,
            dump_pages: None,
        }
    }

    /// Each line carries its own page's rules, whatever the pages' numbering (a
    /// document cut from a longer one starts at any index), and a page without geometry
    /// gives none.
    #[test]
    fn lines_carry_their_pages_geometry() {
        let doc = Document {
            pages: vec![
                page(7, Some(10.0), &["a", "", "b"]),
                page(9, Some(20.0), &["c"]),
                page(1, None, &["d"]),
            ],
        };
        let lines = flatten(&doc);
        let seen: Vec<(&str, u32, u32, Option<f32>)> = lines
            .iter()
            .map(|l| (l.text.as_str(), l.pdf_page, l.line, l.rules().and_then(|r| r.first()).map(|r| r.x0)))
            .collect();
        assert_eq!(
            seen,
            [("a", 7, 1, Some(10.0)), ("b", 7, 3, Some(10.0)), ("c", 9, 1, Some(20.0)), ("d", 1, 1, None)]
        );
        // Shared, not copied per line.
        assert!(lines[0]
            .page_geom
            .as_ref()
            .zip(lines[1].page_geom.as_ref())
            .is_some_and(|(a, b)| Arc::ptr_eq(a, b)));
    }
}
