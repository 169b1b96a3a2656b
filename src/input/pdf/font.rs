//! Fonts as the text extractor needs them: how to split a string into character codes,
//! each code's advance width, and each code's Unicode text.
//!
//! Simple fonts (Type1, TrueType, Type3) have one-byte codes, `/Widths` and an
//! `/Encoding` (WinAnsi, MacRoman, Standard, plus `/Differences`). Composite fonts
//! (Type0 over CIDFontType0/2) have multi-byte codes — two bytes for Identity-H/V — and
//! `/W` + `/DW` widths keyed by CID. A ToUnicode map, when present, wins over the
//! encoding since subset fonts renumber their glyphs.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::CMap;
use super::objects::{deref, dict_of, name_of, number, stream_bytes, Budget};

/// Fallback width (thousandths of an em) when a font gives none: an ideograph is a full
/// em; Latin text in such broken fonts is rare enough not to matter.
const DEFAULT_CID_WIDTH: f32 = 1000.0;

/// Width used for a simple font that gives no widths at all (thousandths of an em).
const DEFAULT_SIMPLE_WIDTH: f32 = 500.0;

#[derive(Debug)]
enum Kind {
    /// One-byte codes; `table[code]` is the encoding's character, if any.
    Simple { table: Box<[Option<char>; 256]> },
    /// Multi-byte codes. `identity`: code = CID. `ucs2`: the code itself is UTF-16
    /// (predefined `Uni…-UCS2/UTF16` CMaps). `sjis`: the code is Shift_JIS (the
    /// `…RKSJ…` CMaps of older Japanese PDFs). The last two let text be read when
    /// ToUnicode is missing.
    Composite { identity: bool, ucs2: bool, sjis: bool },
}

#[derive(Debug)]
enum Widths {
    Simple { first: u32, widths: Vec<f32>, missing: f32 },
    Cid { map: HashMap<u32, f32>, default: f32 },
}

/// A loaded font.
#[derive(Debug)]
pub struct Font {
    /// `/BaseFont` (or the resource name when absent), for diagnostics.
    pub name: String,
    kind: Kind,
    widths: Widths,
    to_unicode: Option<CMap>,
    /// Glyph space → text space: 1/1000 except for Type3 (its `/FontMatrix`).
    pub scale: f32,
    /// Vertical writing mode (Identity-V and other `-V` CMaps).
    pub vertical: bool,
    /// What had to be assumed to read this font (an unknown encoding name, …), for a
    /// diagnostic: a guess is never silent.
    pub assumed: Option<String>,
}

/// One character code of a string being shown.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: u32,
    pub len: u8,
}

impl Font {
    /// Load a font dictionary. Never fails: missing parts fall back to defaults so that
    /// text is still placed (and reported as unmapped where it cannot be read).
    pub fn load(doc: &Document, dict: &Dictionary, resource_name: &[u8], budget: &Budget) -> Font {
        let name = dict
            .get(b"BaseFont")
            .ok()
            .and_then(|o| name_of(doc, o))
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|| String::from_utf8_lossy(resource_name).into_owned());
        let subtype = dict.get(b"Subtype").ok().and_then(|o| name_of(doc, o)).unwrap_or_default();
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| stream_bytes(doc, o, budget))
            .map(|bytes| CMap::parse(&bytes))
            .filter(|m| !m.is_empty() || !m.codespaces.is_empty());

        if subtype == b"Type0" {
            let enc = dict.get(b"Encoding").ok();
            let enc_name = enc.and_then(|o| name_of(doc, o)).unwrap_or_default();
            // An embedded CMap stream carries its name in /CMapName.
            let enc_name = if enc_name.is_empty() {
                enc.and_then(|o| dict_of(doc, o))
                    .and_then(|d| d.get(b"CMapName").ok())
                    .and_then(|o| name_of(doc, o))
                    .unwrap_or_default()
            } else {
                enc_name
            };
            let identity = enc_name.starts_with(b"Identity");
            let ucs2 = contains(enc_name, b"UCS2") || contains(enc_name, b"UTF16");
            let sjis = contains(enc_name, b"RKSJ");
            let vertical = enc_name.ends_with(b"-V");
            let descendant = dict
                .get(b"DescendantFonts")
                .ok()
                .and_then(|o| deref(doc, o).as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| dict_of(doc, o));
            let widths = descendant
                .map_or(Widths::Cid { map: HashMap::new(), default: DEFAULT_CID_WIDTH }, |d| {
                    cid_widths(doc, d)
                });
            Font {
                name,
                kind: Kind::Composite { identity, ucs2, sjis },
                widths,
                to_unicode,
                scale: 0.001,
                vertical,
                assumed: None,
            }
        } else {
            let (table, assumed) = simple_table(doc, dict);
            let first =
                dict.get(b"FirstChar").ok().and_then(|o| number(doc, o)).unwrap_or(0.0).max(0.0) as u32;
            let widths: Vec<f32> = dict
                .get(b"Widths")
                .ok()
                .and_then(|o| deref(doc, o).as_array().ok())
                .map(|a| a.iter().map(|o| number(doc, o).unwrap_or(0.0)).collect())
                .unwrap_or_default();
            let missing = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| dict_of(doc, o))
                .and_then(|fd| fd.get(b"MissingWidth").ok())
                .and_then(|o| number(doc, o))
                // Without /Widths (the standard 14 fonts may omit them) glyphs would all
                // pile up on one spot; an average Latin width keeps them apart.
                .unwrap_or(if widths.is_empty() { DEFAULT_SIMPLE_WIDTH } else { 0.0 });
            let scale = if subtype == b"Type3" {
                dict.get(b"FontMatrix")
                    .ok()
                    .and_then(|o| deref(doc, o).as_array().ok())
                    .and_then(|a| a.first())
                    .and_then(|o| number(doc, o))
                    .map_or(0.001, |a| a.abs())
            } else {
                0.001
            };
            Font {
                name,
                kind: Kind::Simple { table },
                widths: Widths::Simple { first, widths, missing },
                to_unicode,
                scale,
                vertical: false,
                assumed,
            }
        }
    }

    /// The code at the start of `bytes` (which must not be empty).
    pub fn next_code(&self, bytes: &[u8]) -> Code {
        let len = match &self.kind {
            Kind::Simple { .. } => 1,
            Kind::Composite { identity: true, .. } => 2,
            // Shift_JIS: lead bytes announce a two-byte character.
            Kind::Composite { sjis: true, .. } => match bytes.first() {
                Some(0x81..=0x9F | 0xE0..=0xFC) => 2,
                _ => 1,
            },
            // UTF-16: a high surrogate takes its low surrogate along.
            Kind::Composite { ucs2: true, .. } => match bytes.first() {
                Some(0xD8..=0xDB) if bytes.len() >= 4 => 4,
                _ => 2,
            },
            Kind::Composite { .. } => self.to_unicode.as_ref().and_then(|m| m.code_len(bytes)).unwrap_or(2),
        };
        let len = len.min(bytes.len()).max(1);
        let code = bytes.iter().take(len).fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        Code { code, len: len as u8 }
    }

    /// Advance of `code` in glyph units (thousandths of an em for all but Type3).
    pub fn width(&self, code: Code) -> f32 {
        match &self.widths {
            Widths::Simple { first, widths, missing } => code
                .code
                .checked_sub(*first)
                .and_then(|i| widths.get(i as usize))
                .copied()
                .unwrap_or(*missing),
            Widths::Cid { map, default } => {
                // Only for Identity encodings is the code the CID; other CMaps would
                // need the CMap file itself, so they get the default width.
                let cid = match self.kind {
                    Kind::Composite { identity: true, .. } => Some(code.code),
                    _ => None,
                };
                match cid.and_then(|c| map.get(&c)) {
                    Some(w) => *w,
                    // One-byte Shift_JIS codes are half-width characters.
                    None if code.len == 1 && matches!(self.kind, Kind::Composite { sjis: true, .. }) => 500.0,
                    None => *default,
                }
            }
        }
    }

    /// Append the text of `code` to `out`; false if the font cannot say what it is.
    pub fn text(&self, code: Code, out: &mut String) -> bool {
        if let Some(m) = &self.to_unicode {
            if m.lookup(code.code, code.len, out) {
                return true;
            }
        }
        match &self.kind {
            Kind::Simple { table } => match table.get(code.code as usize).copied().flatten() {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            },
            Kind::Composite { ucs2: true, .. } => {
                let units: [u16; 2] = [(code.code >> 16) as u16, code.code as u16];
                let units = if code.len == 4 { &units[..] } else { &units[1..] };
                let before = out.len();
                for c in char::decode_utf16(units.iter().copied()) {
                    match c {
                        Ok(c) => out.push(c),
                        Err(_) => {
                            out.truncate(before);
                            return false;
                        }
                    }
                }
                true
            }
            Kind::Composite { sjis: true, .. } => {
                let bytes = code.code.to_be_bytes();
                let bytes = bytes.get(4 - usize::from(code.len.min(4))..).unwrap_or_default();
                let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
                if bad {
                    return false;
                }
                out.push_str(&text);
                true
            }
            Kind::Composite { .. } => false,
        }
    }

    /// Whether `code` is the single-byte space to which word spacing (`Tw`) applies.
    pub fn is_word_space(&self, code: Code) -> bool {
        code.len == 1 && code.code == 32
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The simple font's encoding as a table, resolved by lopdf (base encodings and glyph
/// names of `/Differences`). Without `/Encoding`, StandardEncoding is the fallback the
/// specification gives for non-symbolic fonts; an encoding lopdf does not know is read
/// as StandardEncoding too, and said so (the second value).
fn simple_table(doc: &Document, dict: &Dictionary) -> (Box<[Option<char>; 256]>, Option<String>) {
    let encoding = dict
        .get(b"Encoding")
        .ok()
        .map(|o| deref(doc, o).clone())
        .unwrap_or_else(|| Object::Name(b"StandardEncoding".to_vec()));
    if let Some(table) = encoding_table(doc, encoding.clone()) {
        return (table, None);
    }
    let shown = match &encoding {
        Object::Name(n) => format!("/{}", String::from_utf8_lossy(n)),
        _ => "an unreadable /Encoding".to_string(),
    };
    let fallback = encoding_table(doc, Object::Name(b"StandardEncoding".to_vec()));
    (
        fallback.unwrap_or_else(|| Box::new([None; 256])),
        Some(format!("unknown encoding {shown}, read as StandardEncoding")),
    )
}

fn encoding_table(doc: &Document, encoding: Object) -> Option<Box<[Option<char>; 256]>> {
    let mut probe = Dictionary::new();
    probe.set("Type", Object::Name(b"Font".to_vec()));
    probe.set("Encoding", encoding);
    let enc = probe.get_font_encoding(doc).ok()?;
    let mut table = Box::new([None; 256]);
    let mut s = String::new();
    for (b, slot) in table.iter_mut().enumerate() {
        s.clear();
        if enc.write_to_string(&[b as u8], &mut s).is_ok() {
            let mut chars = s.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                *slot = Some(c);
            }
        }
    }
    table.iter().any(Option::is_some).then_some(table)
}

/// `/W` (`c [w1 w2 …]` and `c1 c2 w` forms) and `/DW` of a CIDFont.
fn cid_widths(doc: &Document, cid_font: &Dictionary) -> Widths {
    let default = cid_font.get(b"DW").ok().and_then(|o| number(doc, o)).unwrap_or(DEFAULT_CID_WIDTH);
    let mut map = HashMap::new();
    if let Some(w) = cid_font.get(b"W").ok().and_then(|o| deref(doc, o).as_array().ok()) {
        let mut i = 0;
        while let Some(first) = w.get(i).and_then(|o| number(doc, o)) {
            let first = first.max(0.0) as u32;
            match w.get(i + 1).map(|o| deref(doc, o)) {
                Some(Object::Array(ws)) => {
                    for (k, o) in ws.iter().enumerate() {
                        if let Some(v) = number(doc, o) {
                            map.insert(first.saturating_add(k as u32), v);
                        }
                    }
                    i += 2;
                }
                Some(o) => {
                    let last = number(doc, o).unwrap_or(0.0).max(0.0) as u32;
                    let v = w.get(i + 2).and_then(|o| number(doc, o)).unwrap_or(default);
                    // Bound the expansion: a malformed range must not allocate gigabytes.
                    let last = last.min(first.saturating_add(0xFFFF));
                    for c in first..=last {
                        map.insert(c, v);
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }
    Widths::Cid { map, default }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn type0(encoding: &str) -> Font {
        let doc = Document::with_version("1.7");
        let dict = dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "MS-Mincho", "Encoding" => encoding };
        Font::load(&doc, &dict, b"F1", &Budget::default())
    }

    fn read_all(font: &Font, mut bytes: &[u8]) -> (String, Vec<f32>) {
        let mut text = String::new();
        let mut widths = Vec::new();
        while !bytes.is_empty() {
            let code = font.next_code(bytes);
            bytes = &bytes[usize::from(code.len)..];
            assert!(font.text(code, &mut text));
            widths.push(font.width(code));
        }
        (text, widths)
    }

    #[test]
    fn shift_jis_cmap_without_tounicode() {
        let font = type0("90ms-RKSJ-H");
        // 「日本」 then "A" and half-width katakana ｱ.
        let (text, widths) = read_all(&font, b"\x93\xfa\x96\x7bA\xb1");
        assert_eq!(text, "日本Aｱ");
        assert_eq!(widths, [1000.0, 1000.0, 500.0, 500.0]);
    }

    #[test]
    fn utf16_cmap_without_tounicode() {
        let font = type0("UniJIS-UTF16-H");
        let (text, _) = read_all(&font, b"\x65\xe5\xd8\x42\xdf\xb7");
        assert_eq!(text, "日𠮷");
    }

    #[test]
    fn identity_without_tounicode_is_unmapped() {
        let font = type0("Identity-H");
        let code = font.next_code(&[0x12, 0x34]);
        assert_eq!((code.code, code.len), (0x1234, 2));
        assert!(!font.text(code, &mut String::new()));
    }

    #[test]
    fn simple_font_encoding_and_differences() {
        let doc = Document::with_version("1.7");
        let dict = dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![65.into(), Object::Name(b"Aring".to_vec())],
            },
            "FirstChar" => 65, "Widths" => vec![700.into(), 600.into()],
        };
        let font = Font::load(&doc, &dict, b"F1", &Budget::default());
        let (text, widths) = read_all(&font, b"AB\x80");
        assert_eq!(text, "ÅB€");
        assert_eq!(widths, [700.0, 600.0, 0.0]);
    }
}
