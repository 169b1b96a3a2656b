//! Source lines as the grammar sees them: text plus where it was printed.

use crate::doc::{Document, LineGeom};

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
}

impl SrcLine {
    pub fn trimmed(&self) -> &str {
        self.text.trim()
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
        for (n, line) in page.lines.iter().enumerate() {
            if line.text.trim().is_empty() {
                continue;
            }
            out.push(SrcLine {
                text: line.text.clone(),
                pdf_page: page.index,
                printed: page.printed,
                geom: line.geom.clone(),
                line: u32::try_from(n + 1).unwrap_or(u32::MAX),
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

#[cfg(test)]
mod tests {
    #[test]
    fn page_numbers_have_one_to_three_digits() {
        assert!(super::is_page_number(" 123 "));
        assert!(!super::is_page_number("1234"));
        assert!(!super::is_page_number(""));
        assert!(!super::is_page_number("12頁"));
    }
}
