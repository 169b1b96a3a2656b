//! Text-dump front end: decode UTF-8 / UTF-8 BOM / UTF-16 / Shift_JIS bytes into lines.
//!
//! Japanese text files come in all three encodings, often without a BOM. The
//! order of trials matters: a BOM wins; then a NUL-byte pattern betrays BOM-less
//! UTF-16; then strict UTF-8 (Shift_JIS text is almost never valid UTF-8);
//! then strict Shift_JIS (CP932, as `encoding_rs` maps it). A file that is none
//! of these, or decodes to control characters, is not text.

use crate::doc::{Document, Line, Page};
use crate::error::{Error, Result};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

/// Upper bound on a text dump. The largest real dump is under 200 KB; conversion is
/// linear but holds about ten times the input in memory, so 32 MiB (about 150 reports'
/// worth) keeps that under half a gigabyte while refusing absurd files outright.
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// The encoding a text file was read in, for diagnostics.
pub fn sniff(bytes: &[u8]) -> Option<&'static Encoding> {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return Some(enc);
    }
    if let Some(enc) = utf16_by_nuls(bytes) {
        return Some(enc);
    }
    if utf8_but_for_a_cut_tail(bytes) {
        return Some(UTF_8);
    }
    let (_, bad) = SHIFT_JIS.decode_without_bom_handling(bytes);
    (!bad).then_some(SHIFT_JIS)
}

/// Valid UTF-8, or valid up to a last character cut short (a file truncated mid-way).
fn utf8_but_for_a_cut_tail(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// BOM-less UTF-16: in text that is mostly ASCII/CJK, one byte of each pair is
/// NUL far more often at even (BE) or odd (LE) offsets.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // ASCII-heavy UTF-16 has NULs in about every pair; Japanese text fewer, so
    // the bar is a quarter of pairs on one side and almost none on the other.
    if even * 4 >= pairs && odd * 20 <= pairs {
        Some(UTF_16BE)
    } else if odd * 4 >= pairs && even * 20 <= pairs {
        Some(UTF_16LE)
    } else {
        None
    }
}

/// Decode a text file's bytes to a string.
pub fn decode(bytes: &[u8]) -> Result<String> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(Error::Limit(format!("the text file is larger than {} MiB", MAX_TEXT_BYTES >> 20)));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    let enc = sniff(bytes)
        .ok_or_else(|| Error::NotText("neither UTF-8, UTF-16 nor Shift_JIS (binary data?)".into()))?;
    let (text, bad) = match Encoding::for_bom(bytes) {
        Some((bom_enc, len)) => bom_enc.decode_without_bom_handling(bytes.get(len..).unwrap_or_default()),
        None => enc.decode_without_bom_handling(bytes),
    };
    // A UTF-8 file cut inside its last character keeps that character as U+FFFD.
    if bad && !(enc == UTF_8 && utf8_but_for_a_cut_tail(bytes)) {
        return Err(Error::NotText(format!("invalid {} byte sequence", enc.name())));
    }
    let controls =
        text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')).count();
    // A few stray control characters survive copy-paste; many mean binary data.
    if controls > 8 && controls * 100 > text.chars().count() {
        return Err(Error::NotText(format!("{controls} control characters (binary data?)")));
    }
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    Ok(page_breaks_apart(&text))
}

/// A form feed ends a page. `pdftotext` prints it at the start of the next page's first
/// line; a script that joins page texts with `"\f"` glues it to the page's last line
/// (its footer: `22\f【基本方針事業一覧】`), so the line is broken before it.
fn page_breaks_apart(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut prev = '\n';
    for c in text.chars() {
        if c == '\u{c}' && !matches!(prev, '\n' | '\r' | '\u{c}') {
            out.push('\n');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// One page holding every line of the dump. Lines end in LF, CRLF or a lone CR (classic
/// Mac OS files).
pub fn to_document(text: &str) -> Document {
    let unified;
    let text = if text.contains('\r') {
        unified = text.replace("\r\n", "\n").replace('\r', "\n");
        unified.as_str()
    } else {
        text
    };
    let lines = text.lines().map(Line::plain).collect();
    Document { pages: vec![Page { index: 1, lines, ..Page::default() }] }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "事業費 1,234千円\n①ＩＣＴ活用\n";

    #[test]
    fn a_form_feed_glued_to_a_pages_last_line_breaks_it() {
        assert_eq!(page_breaks_apart("本文\n22\u{c}【一覧】\n"), "本文\n22\n\u{c}【一覧】\n");
        // pdftotext's own form feeds, and several in a row, are left as they are.
        assert_eq!(page_breaks_apart("22\n\u{c}次\n\u{c}\u{c}"), "22\n\u{c}次\n\u{c}\u{c}");
        assert_eq!(decode("a\u{c}b".as_bytes()).ok().as_deref(), Some("a\n\u{c}b"));
    }

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(SAMPLE.as_bytes()).ok().as_deref(), Some(SAMPLE));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend(SAMPLE.as_bytes());
        assert_eq!(decode(&b).ok().as_deref(), Some(SAMPLE));
    }

    #[test]
    fn utf16_all_four_ways() {
        for le in [true, false] {
            for bom in [true, false] {
                assert_eq!(
                    decode(&utf16(SAMPLE, le, bom)).ok().as_deref(),
                    Some(SAMPLE),
                    "le={le} bom={bom}"
                );
            }
        }
    }

    #[test]
    fn utf8_cut_inside_its_last_character() {
        let b = SAMPLE.as_bytes();
        let cut = b.get(..b.len() - 2).unwrap_or_default();
        let text = decode(cut).unwrap_or_default();
        assert!(text.starts_with("事業費 1,234千円\n①ＩＣＴ活"), "{text}");
        assert!(text.ends_with('\u{FFFD}'), "{text}");
    }

    #[test]
    fn cr_only_line_ends_are_line_ends() {
        let lf = to_document("a\nb\n\nc\n");
        assert_eq!(to_document("a\rb\r\rc\r"), lf);
        assert_eq!(to_document("a\r\nb\r\n\r\nc\r\n"), lf);
    }

    #[test]
    fn shift_jis() {
        let (b, _, _) = SHIFT_JIS.encode(SAMPLE);
        assert_eq!(sniff(&b), Some(SHIFT_JIS));
        assert_eq!(decode(&b).ok().as_deref(), Some(SAMPLE));
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert!(matches!(decode(b""), Err(Error::Empty)));
        assert!(matches!(decode(b"  \n\t"), Err(Error::Empty)));
        let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        assert!(matches!(decode(&garbage), Err(Error::NotText(_))));
        assert!(matches!(
            decode(&[1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            Err(Error::NotText(_))
        ));
    }
}
