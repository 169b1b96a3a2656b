//! The predefined CMaps of Japanese PDFs, for composite fonts without a ToUnicode map:
//! how a CMap splits a string into codes, code → CID (which `/W` and `/DW` are keyed
//! by), and CID → Unicode in the Adobe-Japan1 ordering.
//!
//! The CMap data are Adobe's `cmap-resources` (BSD-3-Clause), as packed by the
//! `hayro-cmap` crate (its `embed-cmaps` feature: every predefined CMap plus the
//! `Adobe-*-UCS2` CID → Unicode maps, brotli-compressed, unpacked on first use).
//! Where the code itself is a character set's encoding (Shift_JIS, EUC-JP, ISO-2022-JP,
//! UCS-2/UTF-16) the text is decoded from the code directly, so that a vertical CMap's
//! vertical-form CIDs still read as the characters the writer typed.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use hayro_cmap::{BfString, CMap as Predefined, CMapName};

/// How the bytes of a shown string are cut into codes, and what a code means on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// Two-byte codes that are CIDs (`Identity-H/V`).
    Identity,
    /// UCS-2 or UTF-16BE code units (`UniJIS-UCS2-*`, `UniJIS-UTF16-*`, …).
    Utf16,
    /// Shift_JIS (`90ms-RKSJ-*`, `90msp-RKSJ-*`, `83pv-RKSJ-H`, …).
    ShiftJis,
    /// EUC-JP (`EUC-H/V`).
    EucJp,
    /// ISO-2022-JP's two-byte JIS X 0208 codes (`H`, `V`).
    Jis,
    /// Anything else: the codespace of an embedded CMap or of ToUnicode, else two bytes.
    Other,
}

impl Coding {
    /// The coding a CMap's name implies.
    pub fn of(name: &[u8]) -> Coding {
        let has = |needle: &[u8]| name.windows(needle.len()).any(|w| w == needle);
        if name.starts_with(b"Identity") {
            Coding::Identity
        } else if has(b"UCS2") || has(b"UTF16") {
            Coding::Utf16
        } else if has(b"RKSJ") {
            Coding::ShiftJis
        } else if name.starts_with(b"EUC-") {
            Coding::EucJp
        } else if name == b"H" || name == b"V" {
            Coding::Jis
        } else {
            Coding::Other
        }
    }

    /// Length of the code at the start of `bytes`, when the coding itself says.
    pub fn code_len(self, bytes: &[u8]) -> Option<usize> {
        let first = *bytes.first()?;
        Some(match self {
            Coding::Identity | Coding::Jis => 2,
            // A high surrogate takes its low surrogate along.
            Coding::Utf16 => match first {
                0xD8..=0xDB if bytes.len() >= 4 => 4,
                _ => 2,
            },
            // Lead bytes announce a two-byte character.
            Coding::ShiftJis => match first {
                0x81..=0x9F | 0xE0..=0xFC => 2,
                _ => 1,
            },
            // SS2 + half-width katakana, SS3 + JIS X 0212, or a JIS X 0208 pair.
            Coding::EucJp => match first {
                0x8E | 0xA1..=0xFE => 2,
                0x8F => 3,
                _ => 1,
            },
            Coding::Other => return None,
        })
    }

    /// The text a code stands for in the coding's character set, if it has one.
    pub fn text(self, code: u32, len: u8, out: &mut String) -> bool {
        let bytes = code.to_be_bytes();
        let bytes = bytes.get(4 - usize::from(len.min(4))..).unwrap_or_default();
        match self {
            Coding::Utf16 => {
                let units: Vec<u16> =
                    bytes.chunks(2).map(|c| c.iter().fold(0u16, |a, &b| (a << 8) | u16::from(b))).collect();
                match String::from_utf16(&units) {
                    Ok(s) => {
                        out.push_str(&s);
                        true
                    }
                    Err(_) => false,
                }
            }
            Coding::ShiftJis => decode(encoding_rs::SHIFT_JIS, bytes, out),
            Coding::EucJp => decode(encoding_rs::EUC_JP, bytes, out),
            Coding::Jis => {
                // ISO-2022-JP's JIS X 0208 pair is EUC-JP with the high bits cleared.
                let euc: Vec<u8> = bytes.iter().map(|b| b | 0x80).collect();
                bytes.len() == 2 && decode(encoding_rs::EUC_JP, &euc, out)
            }
            Coding::Identity | Coding::Other => false,
        }
    }
}

fn decode(encoding: &'static encoding_rs::Encoding, bytes: &[u8], out: &mut String) -> bool {
    let (text, bad) = encoding.decode_without_bom_handling(bytes);
    if bad || text.is_empty() {
        return false;
    }
    out.push_str(&text);
    true
}

/// Parsed predefined CMaps by name, shared by all pages and workers (a report uses one
/// or two, and every worker would otherwise parse them again).
static PARSED: LazyLock<Mutex<ByName>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Parsed CMaps by name; `None` for a name that could not be loaded.
type ByName = HashMap<Vec<u8>, Option<Arc<Predefined>>>;

/// The predefined CMap called `name` (code → CID), if hayro-cmap carries it.
pub fn cmap(name: &[u8]) -> Option<Arc<Predefined>> {
    if matches!(CMapName::from_bytes(name), CMapName::Custom(_)) {
        return None;
    }
    let mut parsed = PARSED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    parsed
        .entry(name.to_vec())
        .or_insert_with(|| {
            let data = hayro_cmap::load_embedded(CMapName::from_bytes(name))?;
            Predefined::parse(data, hayro_cmap::load_embedded).map(Arc::new)
        })
        .clone()
}

/// An embedded CMap stream (code → CID), resolving `usecmap` against the predefined ones.
pub fn parse_embedded(data: &[u8]) -> Option<Arc<Predefined>> {
    Predefined::parse(data, hayro_cmap::load_embedded).map(Arc::new)
}

/// The CID of `code` (`len` bytes) under `cmap`.
pub fn cid(cmap: &Predefined, code: u32, len: u8) -> Option<u32> {
    cmap.lookup_cid_code(code, len)
}

static JAPAN1_UCS2: LazyLock<Option<Predefined>> = LazyLock::new(|| {
    let data = hayro_cmap::load_embedded(CMapName::AdobeJapan1Ucs2)?;
    Predefined::parse(data, hayro_cmap::load_embedded)
});

/// The Unicode text of an Adobe-Japan1 CID (Adobe's `Adobe-Japan1-UCS2` map).
pub fn japan1_text(cid: u32, out: &mut String) -> bool {
    match JAPAN1_UCS2.as_ref().and_then(|m| m.lookup_bf_string(cid)) {
        Some(BfString::Char(c)) => {
            out.push(c);
            true
        }
        Some(BfString::String(s)) => {
            out.push_str(&s);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cut `bytes` into codes, look each up: (text by the coding, CID).
    fn read(name: &str, mut bytes: &[u8]) -> (String, Vec<u32>) {
        let coding = Coding::of(name.as_bytes());
        let cmap = cmap(name.as_bytes()).expect("predefined CMap");
        let (mut text, mut cids) = (String::new(), Vec::new());
        while !bytes.is_empty() {
            let len = coding.code_len(bytes).expect("coding knows its lengths");
            let code = bytes[..len].iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
            bytes = &bytes[len..];
            assert!(coding.text(code, len as u8, &mut text), "{name} {code:x}");
            cids.push(cid(&cmap, code, len as u8).expect("CID"));
        }
        (text, cids)
    }

    /// Every listed Japanese CMap decodes 日本 to Adobe-Japan1 CIDs 3284 and 3722 (as
    /// IPAex fonts name those glyphs), and CID → Unicode gives the text back.
    #[test]
    fn japanese_predefined_cmaps_decode_a_known_string() {
        let cases: &[(&str, &[u8])] = &[
            ("UniJIS-UCS2-H", b"\x65\xe5\x67\x2c"),
            ("UniJIS-UCS2-V", b"\x65\xe5\x67\x2c"),
            ("UniJIS-UTF16-H", b"\x65\xe5\x67\x2c"),
            ("UniJIS-UTF16-V", b"\x65\xe5\x67\x2c"),
            ("90ms-RKSJ-H", b"\x93\xfa\x96\x7b"),
            ("90ms-RKSJ-V", b"\x93\xfa\x96\x7b"),
            ("90msp-RKSJ-H", b"\x93\xfa\x96\x7b"),
            ("90msp-RKSJ-V", b"\x93\xfa\x96\x7b"),
            ("EUC-H", b"\xc6\xfc\xcb\xdc"),
            ("EUC-V", b"\xc6\xfc\xcb\xdc"),
            ("H", b"\x46\x7c\x4b\x5c"),
            ("V", b"\x46\x7c\x4b\x5c"),
        ];
        for (name, bytes) in cases {
            let (text, cids) = read(name, bytes);
            assert_eq!(text, "日本", "{name}");
            let mut back = String::new();
            for &c in &cids {
                assert!(japan1_text(c, &mut back), "{name}: CID {c}");
            }
            assert_eq!(back, "日本", "{name}: CIDs {cids:?}");
            assert_eq!(cids, [3284, 3722], "{name}");
        }
    }

    #[test]
    fn one_byte_codes_and_identity() {
        // Half-width "A" and katakana ｱ in Shift_JIS and EUC-JP.
        assert_eq!(read("90ms-RKSJ-H", b"A\xb1").0, "Aｱ");
        assert_eq!(read("EUC-H", b"A\x8e\xb1").0, "Aｱ");
        let identity = cmap(b"Identity-H").expect("Identity-H");
        assert_eq!(cid(&identity, 0x1234, 2), Some(0x1234));
        assert!(cmap(b"No-Such-CMap").is_none());
    }

    #[test]
    fn surrogate_pairs_in_utf16() {
        assert_eq!(read("UniJIS-UTF16-H", b"\xd8\x42\xdf\xb7").0, "𠮷");
    }
}
