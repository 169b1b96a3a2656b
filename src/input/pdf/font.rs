//! Fonts as the text extractor needs them: how to split a string into character codes,
//! each code's advance width, and each code's Unicode text.
//!
//! Simple fonts (Type1, TrueType, Type3) have one-byte codes, `/Widths` and an
//! `/Encoding` (WinAnsi, MacRoman, Standard, plus `/Differences`); without `/Widths`
//! the embedded program's `hmtx` or a standard 14 font's AFM metrics give the widths.
//! Composite fonts (Type0 over CIDFontType0/2) cut strings into codes by their CMap,
//! map codes to CIDs (Identity, a predefined CMap — see [`super::predefined`] — or an
//! embedded one) and look `/W` + `/DW` up by CID. A ToUnicode map, when present, wins
//! over the encoding since subset fonts renumber their glyphs; without one, the CMap's
//! character set or the Adobe-Japan1 ordering gives the text.

use std::collections::HashMap;
use std::sync::Arc;

use lopdf::{Dictionary, Document, Object};

use super::afm;
use super::cmap::CMap;
use super::objects::{deref, dict_of, name_of, number, stream_bytes, Budget};
use super::predefined::{self, Coding};
use super::program::{self, CidToGid, Program};

/// Fallback width (thousandths of an em) when a font gives none: an ideograph is a full
/// em; Latin text in such broken fonts is rare enough not to matter.
const DEFAULT_CID_WIDTH: f32 = 1000.0;

/// Width used for a simple font that gives no widths at all (thousandths of an em).
const DEFAULT_SIMPLE_WIDTH: f32 = 500.0;

/// A one-byte code of a Japanese multi-byte encoding (Shift_JIS, EUC-JP) with no `/W`
/// entry is a half-width character: half an em.
const HALF_WIDTH: f32 = 500.0;

/// The font descriptor's `/Flags` bit for a symbolic font (PDF 32000 table 123): its
/// codes index the font's own glyphs rather than a standard character set.
const SYMBOLIC_FLAG: i64 = 1 << 2;

/// Number of CIDs a CIDFont can have (CIDs are 0–65535).
const MAX_CIDS: usize = 0x10000;

/// Width of every Courier glyph (AFM).
const COURIER_WIDTH: f32 = 600.0;

#[derive(Debug)]
enum Kind {
    /// One-byte codes; `table[code]` is the encoding's character, if any.
    Simple { table: Box<[Option<char>; 256]> },
    /// Multi-byte codes cut and read by `coding` (or by the codespace of an embedded
    /// CMap, `codespace`); `cids` maps codes to CIDs when they are not CIDs themselves;
    /// `japan1`: the CIDs are in the Adobe-Japan1 ordering.
    Composite { coding: Coding, codespace: Option<CMap>, cids: Option<Arc<hayro_cmap::CMap>>, japan1: bool },
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
    /// Vertical advances by CID (`/W2`'s w1y, negated: down is positive) and the default
    /// (`/DW2`), for vertical fonts.
    vertical_advances: HashMap<u32, f32>,
    default_vertical_advance: f32,
    /// What had to be assumed to read this font (an unknown encoding name, …), for a
    /// diagnostic: a guess is never silent.
    pub assumed: Option<String>,
    /// Neither the dictionary, nor the embedded program, nor standard metrics give the
    /// glyphs' widths: positions on the line are guesses.
    pub widths_unknown: bool,
    /// Codes whose ToUnicode text was replaced by the embedded font's own character for
    /// the same glyph (a variant ideograph outside JIS X 0208), with (was, now).
    pub repaired: HashMap<u32, (char, char)>,
    /// Codes whose ToUnicode text is an ideograph outside JIS X 0208 that nothing in the
    /// font confirms or repairs (no program cmap, not Adobe-Japan1): possibly a variant
    /// named for what the glyph draws, for a diagnostic on the cards that show it.
    pub unverified: HashMap<u32, char>,
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
            Self::load_composite(doc, dict, name, to_unicode, budget)
        } else {
            Self::load_simple(doc, dict, name, subtype, to_unicode, budget)
        }
    }

    fn load_composite(
        doc: &Document,
        dict: &Dictionary,
        name: String,
        mut to_unicode: Option<CMap>,
        budget: &Budget,
    ) -> Font {
        let (enc_name, embedded) = composite_encoding(doc, dict, budget);
        let coding = Coding::of(enc_name);
        let vertical = enc_name.ends_with(b"-V") || enc_name == b"V";
        let cids = match (&embedded, coding) {
            (Some(data), _) => predefined::parse_embedded(data),
            (None, Coding::Identity) => None,
            (None, _) => predefined::cmap(enc_name),
        };
        let descendant = descendant_font(doc, dict);
        let japan1 = is_japan1(doc, descendant, coding, enc_name);
        // Without /W every glyph would be /DW wide; the program knows better.
        let has_widths = descendant.is_some_and(|d| d.has(b"W"));
        // The program is decoded only when it has something to add.
        let needs_program =
            !has_widths || to_unicode.as_ref().is_some_and(|m| !variant_suspects(m).is_empty());
        let program = descendant.filter(|_| needs_program).and_then(|d| {
            let fd = d.get(b"FontDescriptor").ok().and_then(|o| dict_of(doc, o));
            Program::load(doc, fd, budget)
        });
        let cid_to_gid = descendant.map_or(CidToGid::Identity, |d| CidToGid::load(doc, d, budget));
        let widths = composite_widths(doc, descendant, has_widths, program.as_ref(), &cid_to_gid);
        // Without a CIDFont at all the widths are truly unknown.
        let widths_unknown = descendant.is_none() && program.is_none();
        let (vertical_advances, default_vertical_advance) = match descendant {
            Some(d) if vertical => vertical_metrics(doc, d),
            _ => (HashMap::new(), DEFAULT_CID_WIDTH),
        };
        let cid_of = |code: u32, len: u8| match (coding, &cids) {
            (Coding::Identity, _) => Some(code),
            (_, Some(m)) => predefined::cid(m, code, len),
            _ => None,
        };
        let mut repaired = match (&mut to_unicode, &program) {
            (Some(tu), Some(p)) => repair_variants(tu, p, |code, len| cid_to_gid.gid(cid_of(code, len)?)),
            _ => HashMap::new(),
        };
        let unverified = match &to_unicode {
            Some(tu) => check_suspects(tu, &mut repaired, program.as_ref(), japan1, |code, len| {
                let cid = cid_of(code, len)?;
                Some((cid, cid_to_gid.gid(cid)))
            }),
            None => HashMap::new(),
        };
        Font {
            name,
            kind: Kind::Composite {
                coding,
                codespace: embedded.map(|data| CMap::parse(&data)).filter(|m| !m.codespaces.is_empty()),
                cids,
                japan1,
            },
            widths,
            to_unicode,
            scale: 0.001,
            vertical,
            vertical_advances,
            default_vertical_advance,
            assumed: None,
            widths_unknown,
            repaired,
            unverified,
        }
    }

    fn load_simple(
        doc: &Document,
        dict: &Dictionary,
        name: String,
        subtype: &[u8],
        to_unicode: Option<CMap>,
        budget: &Budget,
    ) -> Font {
        let (table, assumed) = simple_table(doc, dict);
        let first = dict.get(b"FirstChar").ok().and_then(|o| number(doc, o)).unwrap_or(0.0).max(0.0) as u32;
        let mut widths: Vec<f32> = dict
            .get(b"Widths")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
            .map(|a| a.iter().map(|o| number(doc, o).unwrap_or(0.0)).collect())
            .unwrap_or_default();
        let descriptor = dict.get(b"FontDescriptor").ok().and_then(|o| dict_of(doc, o));
        let mut first = first;
        let mut widths_unknown = false;
        if widths.is_empty() && subtype != b"Type3" {
            // Without /Widths (the standard 14 fonts may omit them, broken writers drop
            // them): the embedded program's advances, else the standard metrics.
            let symbolic = descriptor
                .and_then(|fd| fd.get(b"Flags").ok())
                .and_then(|o| number(doc, o))
                .is_some_and(|f| (f as i64) & SYMBOLIC_FLAG != 0);
            let from_program = Program::load(doc, descriptor, budget).map(|p| {
                let advances = p.advances();
                (0u8..=255)
                    .map(|code| {
                        let ch = table.get(usize::from(code)).copied().flatten();
                        p.simple_glyph(code, ch, symbolic)
                            .and_then(|g| advances.get(usize::from(g)).copied())
                            .unwrap_or(0.0)
                    })
                    .collect::<Vec<f32>>()
            });
            match from_program.or_else(|| standard_widths(name.as_bytes(), &table)) {
                Some(w) => {
                    widths = w;
                    first = 0;
                }
                None => widths_unknown = true,
            }
        }
        let missing = descriptor
            .and_then(|fd| fd.get(b"MissingWidth").ok())
            .and_then(|o| number(doc, o))
            // Without any widths glyphs would all pile up on one spot; an average Latin
            // width keeps them apart.
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
            vertical_advances: HashMap::new(),
            default_vertical_advance: DEFAULT_CID_WIDTH,
            assumed,
            widths_unknown,
            repaired: HashMap::new(),
            unverified: HashMap::new(),
        }
    }

    /// The code at the start of `bytes` (which must not be empty).
    pub fn next_code(&self, bytes: &[u8]) -> Code {
        let len = match &self.kind {
            Kind::Simple { .. } => 1,
            Kind::Composite { coding, codespace, .. } => coding
                .code_len(bytes)
                .or_else(|| codespace.as_ref().and_then(|m| m.code_len(bytes)))
                .or_else(|| self.to_unicode.as_ref().and_then(|m| m.code_len(bytes)))
                .unwrap_or(2),
        };
        let len = len.min(bytes.len()).max(1);
        let code = bytes.iter().take(len).fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        Code { code, len: len as u8 }
    }

    /// The CID of a composite font's code, when known.
    fn cid(&self, code: Code) -> Option<u32> {
        match &self.kind {
            Kind::Composite { coding: Coding::Identity, .. } => Some(code.code),
            Kind::Composite { cids: Some(m), .. } => predefined::cid(m, code.code, code.len),
            _ => None,
        }
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
            Widths::Cid { map, default } => match self.cid(code).and_then(|c| map.get(&c)) {
                Some(w) => *w,
                None if code.len == 1
                    && matches!(
                        self.kind,
                        Kind::Composite { coding: Coding::ShiftJis | Coding::EucJp, .. }
                    ) =>
                {
                    HALF_WIDTH
                }
                None => *default,
            },
        }
    }

    /// Vertical advance of `code` (downwards, glyph units) for a vertical font.
    pub fn vertical_advance(&self, code: Code) -> f32 {
        self.cid(code)
            .and_then(|c| self.vertical_advances.get(&c))
            .copied()
            .unwrap_or(self.default_vertical_advance)
    }

    /// Append the text of `code` to `out`; false if the font cannot say what it is.
    pub fn text(&self, code: Code, out: &mut String) -> bool {
        if let Some(m) = &self.to_unicode {
            if let Some((_, now)) =
                (!self.repaired.is_empty()).then(|| self.repaired.get(&code.code)).flatten()
            {
                out.push(*now);
                return true;
            }
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
            Kind::Composite { coding, japan1, .. } => {
                coding.text(code.code, code.len, out)
                    || (*japan1 && self.cid(code).is_some_and(|cid| predefined::japan1_text(cid, out)))
            }
        }
    }

    /// Whether `code` is the single-byte space to which word spacing (`Tw`) applies.
    pub fn is_word_space(&self, code: Code) -> bool {
        code.len == 1 && code.code == 32
    }
}

/// The ToUnicode entries that are a single ideograph outside JIS X 0208.
fn variant_suspects(to_unicode: &CMap) -> Vec<(u32, u8, char)> {
    to_unicode
        .entries()
        .filter_map(|(code, len, text)| {
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if program::is_ideograph(c) && !program::in_jis_x_0208(c) => {
                    Some((code, len, c))
                }
                _ => None,
            }
        })
        .collect()
}

/// Replace each single ideograph outside JIS X 0208 in `to_unicode` by the one JIS X
/// 0208 ideograph the font's own cmap gives the same glyph (`gid` finds a code's glyph).
/// A re-distilled ToUnicode map often names a variant (戶 for 戸) of what the font draws.
fn repair_variants(
    to_unicode: &mut CMap,
    program: &Program,
    gid: impl Fn(u32, u8) -> Option<u16>,
) -> HashMap<u32, (char, char)> {
    let mut repaired = HashMap::new();
    let suspects = variant_suspects(to_unicode);
    if suspects.is_empty() {
        return repaired;
    }
    let by_glyph = program.chars_by_glyph();
    for (code, len, was) in suspects {
        let Some(chars) = gid(code, len).and_then(|g| by_glyph.get(&g)) else { continue };
        let mut jis =
            chars.iter().copied().filter(|&c| program::is_ideograph(c) && program::in_jis_x_0208(c));
        // Only an unambiguous answer: one JIS X 0208 ideograph for the glyph.
        if let (Some(now), None) = (jis.next(), jis.next()) {
            repaired.insert(code, (was, now));
        }
    }
    repaired
}

/// The variant suspects of `to_unicode` that the program's cmap did not repair: an
/// Adobe-Japan1 font's CID names its character (a CID-keyed CFF font has no cmap), which
/// repairs the text when it is the one JIS X 0208 ideograph; the program's cmap giving
/// the glyph the same character confirms it. What is left is returned, unverified.
/// `cid` gives a code's CID and glyph index.
fn check_suspects(
    to_unicode: &CMap,
    repaired: &mut HashMap<u32, (char, char)>,
    program: Option<&Program>,
    japan1: bool,
    cid: impl Fn(u32, u8) -> Option<(u32, Option<u16>)>,
) -> HashMap<u32, char> {
    let mut unverified = HashMap::new();
    let suspects: Vec<_> = variant_suspects(to_unicode)
        .into_iter()
        .filter(|(code, _, _)| !repaired.contains_key(code))
        .collect();
    if suspects.is_empty() {
        return unverified;
    }
    let by_glyph = program.map(Program::chars_by_glyph).unwrap_or_default();
    for (code, len, was) in suspects {
        let found = cid(code, len);
        if japan1 {
            let mut s = String::new();
            if found.is_some_and(|(c, _)| predefined::japan1_text(c, &mut s)) {
                let mut chars = s.chars();
                if let (Some(now), None) = (chars.next(), chars.next()) {
                    if now == was {
                        continue;
                    }
                    if program::is_ideograph(now) && program::in_jis_x_0208(now) {
                        repaired.insert(code, (was, now));
                        continue;
                    }
                }
            }
        }
        let gid = found.and_then(|(_, g)| g);
        if gid.and_then(|g| by_glyph.get(&g)).is_some_and(|chars| chars.contains(&was)) {
            continue;
        }
        unverified.insert(code, was);
    }
    unverified
}

/// Widths of a standard 14 font (by its base name, subset prefix and style suffixes
/// tolerated) for the 256 codes of `table`, from the AFM metrics.
fn standard_widths(base_font: &[u8], table: &[Option<char>; 256]) -> Option<Vec<f32>> {
    let name = String::from_utf8_lossy(base_font);
    // "ABCDEF+Helvetica-Bold" and "Arial,Bold" style names.
    let name = name.rsplit('+').next().unwrap_or_default().replace(',', "-");
    let bold = name.contains("Bold");
    let italic = name.contains("Italic") || name.contains("Oblique");
    let widths: &[u16] = if name.starts_with("Courier") {
        return Some(vec![COURIER_WIDTH; 256]);
    } else if name.starts_with("Helvetica") || name.starts_with("Arial") {
        if bold {
            &afm::HELVETICA_BOLD
        } else {
            &afm::HELVETICA
        }
    } else if name.starts_with("Times") {
        match (bold, italic) {
            (false, false) => &afm::TIMES_ROMAN,
            (true, false) => &afm::TIMES_BOLD,
            (false, true) => &afm::TIMES_ITALIC,
            (true, true) => &afm::TIMES_BOLD_ITALIC,
        }
    } else {
        return None;
    };
    let by_char: HashMap<char, f32> = afm::CHARS.chars().zip(widths.iter().map(|&w| f32::from(w))).collect();
    Some(table.iter().map(|c| c.and_then(|c| by_char.get(&c).copied()).unwrap_or(0.0)).collect())
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

/// `/W2` (`c [w1y vx vy …]` and `c1 c2 w1y vx vy` forms) and `/DW2` of a CIDFont, as
/// downward advances (w1y is negative for text that runs down).
fn vertical_metrics(doc: &Document, cid_font: &Dictionary) -> (HashMap<u32, f32>, f32) {
    let default = cid_font
        .get(b"DW2")
        .ok()
        .and_then(|o| deref(doc, o).as_array().ok())
        .and_then(|a| a.get(1))
        .and_then(|o| number(doc, o))
        .map_or(DEFAULT_CID_WIDTH, |w1y| -w1y);
    let mut map = HashMap::new();
    if let Some(w2) = cid_font.get(b"W2").ok().and_then(|o| deref(doc, o).as_array().ok()) {
        let mut i = 0;
        while let Some(first) = w2.get(i).and_then(|o| number(doc, o)) {
            let first = first.max(0.0) as u32;
            match w2.get(i + 1).map(|o| deref(doc, o)) {
                Some(Object::Array(items)) => {
                    // Triples (w1y, vx, vy) per CID.
                    for (k, o) in items.iter().step_by(3).enumerate() {
                        if let Some(v) = number(doc, o) {
                            map.insert(first.saturating_add(k as u32), -v);
                        }
                    }
                    i += 2;
                }
                Some(o) => {
                    let last = number(doc, o).unwrap_or(0.0).max(0.0) as u32;
                    let Some(v) = w2.get(i + 2).and_then(|o| number(doc, o)) else { break };
                    // CIDs are 16-bit: a wider range must not allocate gigabytes.
                    let last = last.min(MAX_CIDS as u32 - 1);
                    for c in first..=last {
                        map.insert(c, -v);
                    }
                    i += 5;
                }
                None => break,
            }
        }
    }
    (map, default)
}

/// A Type0 font's CIDFont: the first (and only) of its `/DescendantFonts`.
fn descendant_font<'a>(doc: &'a Document, dict: &'a Dictionary) -> Option<&'a Dictionary> {
    dict.get(b"DescendantFonts")
        .ok()
        .and_then(|o| deref(doc, o).as_array().ok())
        .and_then(|a| a.first())
        .and_then(|o| dict_of(doc, o))
}

/// Whether a composite font's CIDs are Adobe-Japan1's: its CIDFont's `/CIDSystemInfo`
/// says so, or its CMap implies it — the Japanese predefined CMaps do, whatever the
/// descendant says.
fn is_japan1(doc: &Document, descendant: Option<&Dictionary>, coding: Coding, enc_name: &[u8]) -> bool {
    let ordering = descendant
        .and_then(|d| d.get(b"CIDSystemInfo").ok())
        .and_then(|o| dict_of(doc, o))
        .and_then(|d| d.get(b"Ordering").ok())
        .and_then(|o| deref(doc, o).as_str().ok());
    ordering == Some(b"Japan1")
        || matches!(coding, Coding::ShiftJis | Coding::EucJp | Coding::Jis)
        || (coding == Coding::Utf16 && contains(enc_name, b"UniJIS"))
}

/// A composite font's widths by CID: its CIDFont's `/W`, else its program's advances,
/// else `/DW` for every glyph.
fn composite_widths(
    doc: &Document,
    descendant: Option<&Dictionary>,
    has_widths: bool,
    program: Option<&Program>,
    cid_to_gid: &CidToGid,
) -> Widths {
    match (descendant, program) {
        (Some(d), _) if has_widths => cid_widths(doc, d),
        // No /W: the program's advances, by glyph through the CID → glyph map.
        (_, Some(p)) => program_cid_widths(doc, descendant, p, cid_to_gid),
        // /DW (or the specification's 1000) for every glyph.
        (Some(d), None) => cid_widths(doc, d),
        // Without a CIDFont at all the widths are truly unknown.
        (None, None) => Widths::Cid { map: HashMap::new(), default: DEFAULT_CID_WIDTH },
    }
}

/// A composite font's `/Encoding`: the CMap's name (a predefined CMap's, or an embedded
/// stream's `/CMapName`) and the embedded CMap stream's bytes, if it is one.
fn composite_encoding<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    budget: &Budget,
) -> (&'a [u8], Option<Vec<u8>>) {
    let enc = dict.get(b"Encoding").ok();
    let enc_name = enc.and_then(|o| name_of(doc, o));
    // An embedded CMap stream carries its name in /CMapName.
    let embedded = if enc_name.is_none() { enc.and_then(|o| stream_bytes(doc, o, budget)) } else { None };
    let enc_name = enc_name
        .or_else(|| {
            enc.and_then(|o| dict_of(doc, o))
                .and_then(|d| d.get(b"CMapName").ok())
                .and_then(|o| name_of(doc, o))
        })
        .unwrap_or_default();
    (enc_name, embedded)
}

/// Widths of a CIDFont without `/W`: its embedded program's advances, by glyph through
/// the CID → glyph map, and `/DW` (or the specification's 1000) for the rest.
fn program_cid_widths(
    doc: &Document,
    descendant: Option<&Dictionary>,
    p: &Program,
    cid_to_gid: &CidToGid,
) -> Widths {
    let by_gid = p.advances();
    let cids = match cid_to_gid {
        CidToGid::Identity => by_gid.len(),
        // CIDs are 16-bit (PDF 32000 annex C): a longer map is padding or hostile, and
        // must not become millions of entries.
        CidToGid::Table(t) => (t.len() / 2).min(MAX_CIDS),
    };
    let map = (0..u32::try_from(cids).unwrap_or(u32::MAX))
        .filter_map(|cid| Some((cid, *by_gid.get(usize::from(cid_to_gid.gid(cid)?))?)))
        .collect();
    let default =
        descendant.and_then(|d| d.get(b"DW").ok()).and_then(|o| number(doc, o)).unwrap_or(DEFAULT_CID_WIDTH);
    Widths::Cid { map, default }
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

    fn type0_with(encoding: &str, descendant: Dictionary) -> Font {
        let mut doc = Document::with_version("1.7");
        let d = doc.add_object(descendant);
        let dict = dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "HeiseiMin-W3",
        "Encoding" => encoding, "DescendantFonts" => vec![Object::Reference(d)] };
        Font::load(&doc, &dict, b"F1", &Budget::default())
    }

    fn japan1(w: Vec<Object>) -> Dictionary {
        dictionary! { "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "HeiseiMin-W3",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Japan1"), "Supplement" => 2 },
        "DW" => 1000, "W" => w }
    }

    /// `/W` is keyed by CID: "AB" is CIDs 34–35 (proportional) through UniJIS-UCS2-H and
    /// 90msp-RKSJ-H, but 264–265 (half-width) through 90ms-RKSJ-H and EUC-H.
    #[test]
    fn widths_are_looked_up_by_cid_through_a_predefined_cmap() {
        let w = || {
            vec![
                Object::Integer(34),
                Object::Array(vec![600.into(), 610.into()]),
                Object::Integer(264),
                Object::Array(vec![520.into(), 530.into()]),
            ]
        };
        let cases: &[(&str, &[u8], [f32; 3])] = &[
            ("UniJIS-UCS2-H", b"\x00\x41\x00\x42\x65\xe5", [600.0, 610.0, 1000.0]),
            ("90msp-RKSJ-H", b"AB\x93\xfa", [600.0, 610.0, 1000.0]),
            ("90ms-RKSJ-H", b"AB\x93\xfa", [520.0, 530.0, 1000.0]),
            ("EUC-H", b"AB\xc6\xfc", [520.0, 530.0, 1000.0]),
        ];
        for (name, bytes, expected) in cases {
            let (text, widths) = read_all(&type0_with(name, japan1(w())), bytes);
            assert_eq!(text, "AB日", "{name}");
            assert_eq!(widths, expected, "{name}");
        }
    }

    /// Identity-H over an Adobe-Japan1 CIDFont without ToUnicode: CID → Unicode by
    /// Adobe-Japan1-UCS2 (CID 34 is "A", CID 1 a space).
    #[test]
    fn identity_with_japan1_ordering_reads_cids() {
        let (text, _) = read_all(&type0_with("Identity-H", japan1(vec![])), b"\x00\x22\x00\x01\x00\x23");
        assert_eq!(text, "A B");
    }

    #[test]
    fn vertical_cmaps_are_vertical() {
        for (name, vertical) in
            [("UniJIS-UCS2-V", true), ("V", true), ("EUC-V", true), ("H", false), ("Identity-H", false)]
        {
            assert_eq!(type0_with(name, japan1(vec![])).vertical, vertical, "{name}");
        }
    }

    fn simple(base: &str, extra: Dictionary) -> Font {
        let mut doc = Document::with_version("1.7");
        let mut dict = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => base, "Encoding" => "WinAnsiEncoding" };
        for (k, v) in extra.iter() {
            let v = match v {
                Object::Stream(s) => Object::Reference(doc.add_object(s.clone())),
                other => other.clone(),
            };
            dict.set(k.clone(), v);
        }
        Font::load(&doc, &dict, b"F1", &Budget::default())
    }

    /// A standard 14 font without `/Widths` takes the AFM widths; an unknown font
    /// without widths says so.
    #[test]
    fn standard_fonts_without_widths_use_afm_metrics() {
        let (_, w) = read_all(&simple("Helvetica", Dictionary::new()), b"Ab ");
        assert_eq!(w, [667.0, 556.0, 278.0]);
        let (_, w) = read_all(&simple("ABCDEF+Times-Bold", Dictionary::new()), b"Ab ");
        assert_eq!(w, [722.0, 556.0, 250.0]);
        let (_, w) = read_all(&simple("Courier-Oblique", Dictionary::new()), b"Ab");
        assert_eq!(w, [600.0, 600.0]);
        assert!(!simple("Helvetica", Dictionary::new()).widths_unknown);
        let unknown = simple("NoSuchFont", Dictionary::new());
        assert!(unknown.widths_unknown);
    }

    const SUBSET_TTF: &[u8] = include_bytes!("../../../fixtures/fonts/ipaexg-subset-variants.ttf");

    fn font_file2() -> Object {
        Object::Stream(lopdf::Stream::new(dictionary! {}, SUBSET_TTF.to_vec()))
    }

    /// A TrueType font without `/Widths` takes its advances from the embedded `hmtx`
    /// (A: 1305/2048 em, B: 1350/2048 em in the test subset).
    #[test]
    fn embedded_truetype_without_widths_uses_hmtx() {
        let mut doc = Document::with_version("1.7");
        let ff = doc.add_object(font_file2());
        let fd = dictionary! { "Type" => "FontDescriptor", "FontName" => "Subset", "FontFile2" => ff };
        let dict = dictionary! { "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Subset",
        "Encoding" => "WinAnsiEncoding", "FontDescriptor" => fd };
        let font = Font::load(&doc, &dict, b"F1", &Budget::default());
        let (_, w) = read_all(&font, b"AB");
        assert!(
            (w[0] - 1305.0 * 1000.0 / 2048.0).abs() < 0.01 && (w[1] - 1350.0 * 1000.0 / 2048.0).abs() < 0.01,
            "{w:?}"
        );
        assert!(!font.widths_unknown);
    }

    /// ToUnicode names 戶, 黑 and 髙 (outside JIS X 0208) for glyphs the font's own
    /// cmap gives 戸, 黒 and 本: those are read instead; a mapping inside JIS X 0208 (日)
    /// and one whose glyph the font lacks stay.
    #[test]
    fn variant_ideographs_in_tounicode_are_repaired() {
        let mut doc = Document::with_version("1.7");
        let ff = doc.add_object(font_file2());
        let fd = doc.add_object(
            dictionary! { "Type" => "FontDescriptor", "FontName" => "Subset", "FontFile2" => ff },
        );
        // Glyphs of the subset: 3 戸, 4 黒, 5 日, 6 本.
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            5 beginbfchar <0003> <6236> <0004> <9ED1> <0005> <65E5> <0006> <9AD9> <0007> <9AD9> endbfchar";
        let tu = doc.add_object(lopdf::Stream::new(dictionary! {}, cmap.to_vec()));
        let cid = doc.add_object(
            dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Subset",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "FontDescriptor" => fd, "CIDToGIDMap" => "Identity" },
        );
        let dict = dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Subset",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => tu };
        let font = Font::load(&doc, &dict, b"F1", &Budget::default());
        let (text, _) = read_all(&font, b"\x00\x03\x00\x04\x00\x05\x00\x06\x00\x07");
        assert_eq!(text, "戸黒日本髙");
        assert_eq!(font.repaired.len(), 3);
    }

    /// Vertical advances come from `/W2` by CID, else `/DW2`, else one em.
    #[test]
    fn vertical_advances_from_w2_and_dw2() {
        let mut d = japan1(vec![]);
        d.set("DW2", vec![Object::Integer(880), Object::Integer(-900)]);
        d.set(
            "W2",
            vec![
                Object::Integer(34),
                Object::Array(vec![(-500).into(), 250.into(), 880.into()]),
                Object::Integer(40),
                Object::Integer(41),
                Object::Integer(-600),
                Object::Integer(250),
                Object::Integer(880),
            ],
        );
        let font = type0_with("Identity-V", d);
        let adv = |cid: u32| font.vertical_advance(Code { code: cid, len: 2 });
        assert_eq!([adv(34), adv(40), adv(41), adv(3284)], [500.0, 600.0, 600.0, 900.0]);
        assert_eq!(
            type0_with("Identity-V", japan1(vec![])).vertical_advance(Code { code: 34, len: 2 }),
            1000.0
        );
    }

    /// A CIDFont without `/W` takes the program's advances through `/CIDToGIDMap`; an
    /// oversized map stays within the 16-bit CID range.
    #[test]
    fn cid_widths_from_the_program_through_cid_to_gid_map() {
        let mut doc = Document::with_version("1.7");
        let ff = doc.add_object(font_file2());
        let fd = doc.add_object(
            dictionary! { "Type" => "FontDescriptor", "FontName" => "Subset", "FontFile2" => ff },
        );
        // CID 7 → glyph 1 (A), and a map far longer than any CID range.
        let mut map = vec![0u8; 4 * 0x10000];
        map[15] = 1;
        let gids = doc.add_object(lopdf::Stream::new(dictionary! {}, map));
        let cid = doc
            .add_object(dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Subset",
            "FontDescriptor" => fd, "CIDToGIDMap" => gids });
        let dict = dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Subset",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(cid)] };
        let font = Font::load(&doc, &dict, b"F1", &Budget::default());
        assert!((font.width(Code { code: 7, len: 2 }) - 1305.0 * 1000.0 / 2048.0).abs() < 0.01);
        assert!(matches!(&font.widths, Widths::Cid { map, .. } if map.len() <= MAX_CIDS));
    }
}
