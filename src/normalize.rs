//! Normalization of printed text: one place, rules documented in the README.

use crate::doc::Document;

/// Normalize every line of a document.
pub fn document(mut doc: Document) -> Document {
    for page in &mut doc.pages {
        for line in &mut page.lines {
            line.text = text(&line.text);
            if let Some(g) = &mut line.geom {
                for s in &mut g.spans {
                    s.text = text(&s.text);
                }
            }
        }
    }
    doc
}

/// Normalize one string.
pub fn text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}
