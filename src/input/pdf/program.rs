//! What the embedded font program itself says, where the PDF's font dictionary falls
//! short: advance widths (`hmtx`) for a font without `/Widths` or `/W`, and the
//! characters the font's own `cmap` gives each glyph (to repair a ToUnicode map that
//! names a variant ideograph). TrueType (`/FontFile2`) and OpenType (`/FontFile3`
//! `/OpenType`) programs are read with `ttf-parser`; bare CFF and Type 1 programs are
//! not, and such a font's widths count as unknown when the dictionary has none.

use std::collections::HashMap;

use lopdf::{Dictionary, Document};

use super::objects::{deref, dict_of, name_of, stream_bytes, Budget};

/// An embedded TrueType/OpenType program, kept as bytes and parsed per question (parsing
/// reads only the table directory).
pub struct Program {
    data: Vec<u8>,
}

impl Program {
    /// The program of the font descriptor `descriptor`, when it is one ttf-parser reads.
    pub fn load(doc: &Document, descriptor: Option<&Dictionary>, budget: &Budget) -> Option<Program> {
        let fd = descriptor?;
        let stream = fd
            .get(b"FontFile2")
            .ok()
            .or_else(|| {
                let f3 = fd.get(b"FontFile3").ok()?;
                let subtype = dict_of(doc, f3)?.get(b"Subtype").ok().and_then(|o| name_of(doc, o));
                (subtype == Some(b"OpenType")).then_some(f3)
            })
            .map(|o| deref(doc, o))?;
        let data = stream_bytes(doc, stream, budget)?;
        ttf_parser::Face::parse(&data, 0).ok()?;
        Some(Program { data })
    }

    fn face(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, 0).ok()
    }

    /// Advances of all glyphs, by glyph index, in thousandths of an em.
    pub fn advances(&self) -> Vec<f32> {
        let Some(face) = self.face() else { return Vec::new() };
        let upem = f32::from(face.units_per_em());
        if upem <= 0.0 {
            return Vec::new();
        }
        (0..face.number_of_glyphs())
            .map(|g| {
                face.glyph_hor_advance(ttf_parser::GlyphId(g)).map_or(0.0, |a| f32::from(a) * 1000.0 / upem)
            })
            .collect()
    }

    /// The glyph a simple font shows for one-byte `code` whose encoding gives `ch`
    /// (PDF 32000 §9.6.6.4): a symbolic font (and one without a Unicode cmap) by the
    /// (3,0) symbol subtable at 0xF000 + code or the (1,0) Mac subtable at the code; a
    /// non-symbolic one by the character's Unicode.
    pub fn simple_glyph(&self, code: u8, ch: Option<char>, symbolic: bool) -> Option<u16> {
        let face = self.face()?;
        let by_unicode = || ch.and_then(|c| face.glyph_index(c)).map(|g| g.0);
        let by_code = || {
            let cmap = face.tables().cmap?;
            cmap.subtables.into_iter().find_map(|t| {
                let key = match (t.platform_id, t.encoding_id) {
                    (ttf_parser::PlatformId::Windows, 0) => 0xF000 + u32::from(code),
                    (ttf_parser::PlatformId::Macintosh, 0) => u32::from(code),
                    _ => return None,
                };
                t.glyph_index(key).map(|g| g.0)
            })
        };
        if symbolic {
            by_code().or_else(by_unicode)
        } else {
            by_unicode().or_else(by_code)
        }
    }

    /// Every glyph's characters by the font's Unicode cmap subtables.
    pub fn chars_by_glyph(&self) -> HashMap<u16, Vec<char>> {
        let mut out: HashMap<u16, Vec<char>> = HashMap::new();
        let Some(cmap) = self.face().and_then(|f| f.tables().cmap) else { return out };
        for t in cmap.subtables.into_iter().filter(|t| t.is_unicode()) {
            t.codepoints(|cp| {
                if let (Some(g), Some(c)) = (t.glyph_index(cp), char::from_u32(cp)) {
                    let chars = out.entry(g.0).or_default();
                    if !chars.contains(&c) {
                        chars.push(c);
                    }
                }
            });
        }
        out
    }
}

/// A CIDFontType2's CID → glyph index map (`/CIDToGIDMap`): the identity, or a stream
/// of big-endian glyph indices by CID.
pub enum CidToGid {
    Identity,
    Table(Vec<u8>),
}

impl CidToGid {
    pub fn load(doc: &Document, cid_font: &Dictionary, budget: &Budget) -> CidToGid {
        match cid_font.get(b"CIDToGIDMap").ok() {
            Some(o) if name_of(doc, o).is_none() => {
                stream_bytes(doc, o, budget).map_or(CidToGid::Identity, CidToGid::Table)
            }
            _ => CidToGid::Identity,
        }
    }

    pub fn gid(&self, cid: u32) -> Option<u16> {
        match self {
            CidToGid::Identity => u16::try_from(cid).ok(),
            CidToGid::Table(t) => {
                let i = usize::try_from(cid).ok()?.checked_mul(2)?;
                let pair = t.get(i..i + 2)?;
                Some(u16::from_be_bytes([*pair.first()?, *pair.get(1)?]))
            }
        }
    }
}

/// Whether `c` is a character of JIS X 0208 proper (rows 1–84, without NEC's row 13
/// and the IBM extension rows that Windows code pages add): it encodes to a two-byte
/// EUC-JP pair whose lead byte is in that range.
pub fn in_jis_x_0208(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::EUC_JP.encode(c.encode_utf8(&mut buf));
    !unmappable && matches!(*bytes, [lead @ 0xA1..=0xF4, 0xA1..=0xFE] if lead != 0xAD)
}

/// Whether `c` is a CJK ideograph (unified, extensions or compatibility).
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jis_x_0208_membership() {
        for c in ['戸', '黒', '貢', '日', 'あ', '、', 'Ａ'] {
            assert!(in_jis_x_0208(c), "{c}");
        }
        // Variants outside JIS X 0208, a NEC row-13 symbol, an IBM extension, ASCII.
        for c in ['戶', '黑', '①', '髙', 'A'] {
            assert!(!in_jis_x_0208(c), "{c}");
        }
    }
}
