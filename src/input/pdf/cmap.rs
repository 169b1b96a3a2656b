//! A tolerant ToUnicode CMap parser: character codes → Unicode text.
//!
//! Real-world ToUnicode streams are often slightly wrong (an odd number of hex digits,
//! a range running past its codespace, a stray token). Each bad entry is skipped on its
//! own so that one defect never voids the whole map; readers then see U+FFFD for that
//! one code instead of losing the font.

use std::collections::HashMap;

/// Ranges wider than this are kept as ranges instead of being expanded into the map.
const EXPAND_LIMIT: u32 = 256;
/// A range wider than 16 bits is malformed (codes are at most 4 bytes, but no real font
/// maps more than 65 536 codes in one entry); it is clamped to keep lookups bounded.
const MAX_RANGE: u32 = 0xFFFF;

/// One `begincodespacerange` entry: codes of `len` bytes between `lo` and `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codespace {
    pub len: u8,
    pub lo: u32,
    pub hi: u32,
}

/// A wide `bfrange` with a string destination: `lo + i` → `base` with its last UTF-16
/// unit increased by `i`.
#[derive(Debug, Clone)]
struct WideRange {
    /// Position of the entry in the stream: a later entry overrides an earlier one.
    seq: u32,
    len: u8,
    lo: u32,
    hi: u32,
    base: Vec<u16>,
}

/// A parsed ToUnicode map.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    pub codespaces: Vec<Codespace>,
    /// Key: `code | len << 32`, so that `<00>` and `<0000>` stay distinct codes; value:
    /// the entry's position in the stream and the text.
    map: HashMap<u64, (u32, Box<str>)>,
    /// In stream order.
    ranges: Vec<WideRange>,
    /// Entries read so far, for `seq`.
    entries_read: u32,
    /// Entries that could not be used (for diagnostics and tests).
    pub skipped: usize,
}

fn key(code: u32, len: u8) -> u64 {
    u64::from(code) | (u64::from(len) << 32)
}

impl CMap {
    /// Parse a CMap stream's (decompressed) bytes. Never fails: garbage yields an
    /// empty map.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut lexer = Lexer { data, pos: 0 };
        let mut mode = Mode::None;
        let mut pending: Vec<Tok<'_>> = Vec::with_capacity(3);
        while let Some(tok) = lexer.next_token() {
            match tok {
                Tok::Word(w) => {
                    let new_mode = match w {
                        b"begincodespacerange" => Some(Mode::Codespace),
                        b"beginbfchar" => Some(Mode::BfChar),
                        b"beginbfrange" => Some(Mode::BfRange),
                        b"endcodespacerange" | b"endbfchar" | b"endbfrange" => Some(Mode::None),
                        _ => None,
                    };
                    if let Some(m) = new_mode {
                        cmap.skipped += usize::from(!pending.is_empty());
                        pending.clear();
                        mode = m;
                    } else if mode != Mode::None {
                        // A stray word inside a section: drop the half-read entry only.
                        cmap.skipped += usize::from(!pending.is_empty());
                        pending.clear();
                    }
                }
                Tok::Hex(_) | Tok::Array(_) if mode != Mode::None => {
                    pending.push(tok);
                    let need = if mode == Mode::BfRange { 3 } else { 2 };
                    if pending.len() == need {
                        let ok = match mode {
                            Mode::Codespace => cmap.add_codespace(&pending),
                            Mode::BfChar => cmap.add_bfchar(&pending),
                            Mode::BfRange => cmap.add_bfrange(&pending),
                            Mode::None => true,
                        };
                        cmap.skipped += usize::from(!ok);
                        pending.clear();
                    }
                }
                _ => {}
            }
        }
        cmap
    }

    /// Number of single-code entries (after expanding narrow ranges).
    pub fn len(&self) -> usize {
        self.map.len() + self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The single-code entries: code, its length in bytes, text.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u8, &str)> + '_ {
        self.map
            .iter()
            .filter(|(&k, (seq, _))| !self.overridden(k as u32, (k >> 32) as u8, *seq))
            .map(|(&k, (_, v))| (k as u32, (k >> 32) as u8, &**v))
    }

    /// The latest wide range holding `code`.
    fn wide(&self, code: u32, len: u8) -> Option<&WideRange> {
        self.ranges.iter().rev().find(|r| r.len == len && (r.lo..=r.hi).contains(&code))
    }

    /// Whether a wide range later than entry `seq` also maps `code`.
    fn overridden(&self, code: u32, len: u8, seq: u32) -> bool {
        self.wide(code, len).is_some_and(|r| r.seq > seq)
    }

    /// Text for a code of `len` bytes, if the map has it. Where entries overlap, the
    /// later one in the stream wins, as in poppler and pdf.js: ghostscript writes a
    /// one-code entry as a range reaching 256 codes on (`<01ff> <02ff> <65e5>`), so
    /// code 01ff is also inside the range before it (`<00ff> <01ff> <65b0>`, which would
    /// make it 暰 instead of 日), and only the later entry is meant.
    pub fn lookup(&self, code: u32, len: u8, out: &mut String) -> bool {
        let single = self.map.get(&key(code, len));
        match (single, self.wide(code, len)) {
            (Some((seq, _)), Some(r)) if r.seq > *seq => push_incremented(&r.base, code - r.lo, out),
            (Some((_, s)), _) => out.push_str(s),
            (None, Some(r)) => push_incremented(&r.base, code - r.lo, out),
            (None, None) => return false,
        }
        true
    }

    fn next_seq(&mut self) -> u32 {
        self.entries_read = self.entries_read.saturating_add(1);
        self.entries_read
    }

    /// Length in bytes of the code starting at `bytes[0]` by the codespace ranges, if
    /// any range matches.
    pub fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        for len in 1..=4usize {
            let Some(head) = bytes.get(..len) else { break };
            let code = head.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            if self.codespaces.iter().any(|cs| usize::from(cs.len) == len && cs.lo <= code && code <= cs.hi) {
                return Some(len);
            }
        }
        None
    }

    fn add_codespace(&mut self, toks: &[Tok<'_>]) -> bool {
        let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) = (toks.first(), toks.get(1)) else { return false };
        let (Some((lo, l1)), Some((hi, l2))) = (source_code(lo), source_code(hi)) else { return false };
        if l1 != l2 || lo > hi {
            return false;
        }
        self.codespaces.push(Codespace { len: l1, lo, hi });
        true
    }

    fn add_bfchar(&mut self, toks: &[Tok<'_>]) -> bool {
        let (Some(Tok::Hex(src)), Some(Tok::Hex(dst))) = (toks.first(), toks.get(1)) else { return false };
        let Some((code, len)) = source_code(src) else { return false };
        let units = utf16_units(dst);
        let seq = self.next_seq();
        self.map.insert(key(code, len), (seq, String::from_utf16_lossy(&units).into_boxed_str()));
        true
    }

    fn add_bfrange(&mut self, toks: &[Tok<'_>]) -> bool {
        let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(dst)) = (toks.first(), toks.get(1), toks.get(2))
        else {
            return false;
        };
        let (Some((lo, l1)), Some((hi, l2))) = (source_code(lo), source_code(hi)) else { return false };
        if l1 != l2 || lo > hi {
            return false;
        }
        let hi = hi.min(lo.saturating_add(MAX_RANGE));
        let seq = self.next_seq();
        match dst {
            Tok::Hex(d) => {
                let base = utf16_units(d);
                if base.is_empty() {
                    return false;
                }
                if hi - lo < EXPAND_LIMIT {
                    for (i, code) in (lo..=hi).enumerate() {
                        let mut s = String::new();
                        push_incremented(&base, i as u32, &mut s);
                        self.map.insert(key(code, l1), (seq, s.into_boxed_str()));
                    }
                } else {
                    self.ranges.push(WideRange { seq, len: l1, lo, hi, base });
                }
                true
            }
            Tok::Array(items) => {
                // One destination per code; extra or missing items are ignored.
                let mut lexer = Lexer { data: items, pos: 0 };
                let mut code = lo;
                while let Some(tok) = lexer.next_token() {
                    if code > hi {
                        break;
                    }
                    if let Tok::Hex(d) = tok {
                        let units = utf16_units(d);
                        self.map
                            .insert(key(code, l1), (seq, String::from_utf16_lossy(&units).into_boxed_str()));
                    }
                    code += 1;
                }
                true
            }
            Tok::Word(_) => false,
        }
    }
}

/// Append `base` with its last UTF-16 unit increased by `delta` (how bfrange counts).
fn push_incremented(base: &[u16], delta: u32, out: &mut String) {
    match base.split_last() {
        Some((&last, head)) => {
            let last = u32::from(last).saturating_add(delta);
            if head.is_empty() || last > 0xFFFF {
                // A single unit (or overflow) is best read as a code point, which also
                // gets ranges over the supplementary planes right.
                let mut prefix: Vec<u16> = head.to_vec();
                if last > 0xFFFF {
                    out.push_str(&String::from_utf16_lossy(&prefix));
                    out.push(char::from_u32(last).unwrap_or('\u{FFFD}'));
                } else {
                    prefix.push(last as u16);
                    out.push_str(&String::from_utf16_lossy(&prefix));
                }
            } else {
                let mut units = head.to_vec();
                units.push(last as u16);
                out.push_str(&String::from_utf16_lossy(&units));
            }
        }
        None => out.push('\u{FFFD}'),
    }
}

/// A source code from hex digits: value and byte length. An odd digit count is not a
/// whole number of bytes, so the code cannot be matched against the content's bytes.
fn source_code(hex: &[u8]) -> Option<(u32, u8)> {
    let digits: Vec<u8> = hex.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.is_empty() || !digits.len().is_multiple_of(2) || digits.len() > 8 {
        return None;
    }
    let mut v = 0u32;
    for &d in &digits {
        v = (v << 4) | u32::from(hex_val(d)?);
    }
    Some((v, (digits.len() / 2) as u8))
}

/// Destination hex → UTF-16 units. Two digits are one unit (`<20>` is a space, as some
/// producers write); otherwise groups of four, the last padded with zeros.
fn utf16_units(hex: &[u8]) -> Vec<u16> {
    let digits: Vec<u8> = hex.iter().copied().filter_map(hex_val).collect();
    if digits.len() <= 2 {
        return match digits.as_slice() {
            [] => Vec::new(),
            [a] => vec![u16::from(*a) << 4],
            [a, b, ..] => vec![(u16::from(*a) << 4) | u16::from(*b)],
        };
    }
    digits
        .chunks(4)
        .map(|c| {
            let mut v = 0u16;
            for i in 0..4 {
                v = (v << 4) | u16::from(c.get(i).copied().unwrap_or(0));
            }
            v
        })
        .collect()
}

fn hex_val(d: u8) -> Option<u8> {
    match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        b'A'..=b'F' => Some(d - b'A' + 10),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    None,
    Codespace,
    BfChar,
    BfRange,
}

/// The few token kinds a CMap needs; everything else is a `Word` or skipped.
#[derive(Debug, Clone, Copy)]
enum Tok<'a> {
    /// Digits between `<` and `>`.
    Hex(&'a [u8]),
    /// The raw bytes between `[` and `]`.
    Array(&'a [u8]),
    Word(&'a [u8]),
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn next_token(&mut self) -> Option<Tok<'a>> {
        loop {
            let b = self.peek()?;
            match b {
                b if b.is_ascii_whitespace() || b == 0 => self.pos += 1,
                b'%' => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' || c == b'\r' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'<' => {
                    if self.data.get(self.pos + 1) == Some(&b'<') {
                        self.pos += 2;
                        continue;
                    }
                    let start = self.pos + 1;
                    let end = self.find(start, b'>');
                    self.pos = end.saturating_add(1);
                    return Some(Tok::Hex(self.data.get(start..end).unwrap_or_default()));
                }
                b'>' => self.pos += 1,
                b'[' => {
                    let start = self.pos + 1;
                    let end = self.find(start, b']');
                    self.pos = end.saturating_add(1);
                    return Some(Tok::Array(self.data.get(start..end).unwrap_or_default()));
                }
                b'(' => self.skip_string(),
                _ => {
                    let start = self.pos;
                    // A name keeps its slash so it never equals a keyword.
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        if c.is_ascii_whitespace() || b"<>[]()/%".contains(&c) {
                            break;
                        }
                        self.pos += 1;
                    }
                    return Some(Tok::Word(self.data.get(start..self.pos).unwrap_or_default()));
                }
            }
        }
    }

    /// Index of the next `close` at or after `from`, or the end of data.
    fn find(&self, from: usize, close: u8) -> usize {
        self.data
            .get(from..)
            .and_then(|rest| rest.iter().position(|&c| c == close))
            .map_or(self.data.len(), |i| from + i)
    }

    fn skip_string(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(cmap: &CMap, code: u32, len: u8) -> Option<String> {
        let mut s = String::new();
        cmap.lookup(code, len, &mut s).then_some(s)
    }

    const HEAD: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n";

    #[test]
    fn bfchar() {
        let src = format!(
            "{HEAD}3 beginbfchar\n<0003> <0020>\n<0010> <65E5>\n<0011> <D842DFB7>\nendbfchar\nendcmap"
        );
        let m = CMap::parse(src.as_bytes());
        assert_eq!(get(&m, 3, 2).as_deref(), Some(" "));
        assert_eq!(get(&m, 0x10, 2).as_deref(), Some("日"));
        assert_eq!(get(&m, 0x11, 2).as_deref(), Some("𠮷"));
        assert_eq!(get(&m, 0x10, 1), None, "one-byte code is a different code");
        assert_eq!(m.codespaces, vec![Codespace { len: 2, lo: 0, hi: 0xFFFF }]);
        assert_eq!(m.code_len(&[0x00, 0x10]), Some(2));
    }

    #[test]
    fn bfrange_string_and_array() {
        let src = format!(
            "{HEAD}2 beginbfrange\n<0020> <0022> <0041>\n<0030> <0032> [<3042> <0066006C> <3044>]\nendbfrange\nendcmap"
        );
        let m = CMap::parse(src.as_bytes());
        assert_eq!(get(&m, 0x20, 2).as_deref(), Some("A"));
        assert_eq!(get(&m, 0x22, 2).as_deref(), Some("C"));
        assert_eq!(get(&m, 0x30, 2).as_deref(), Some("あ"));
        assert_eq!(get(&m, 0x31, 2).as_deref(), Some("fl"));
        assert_eq!(get(&m, 0x32, 2).as_deref(), Some("い"));
        assert_eq!(get(&m, 0x33, 2), None);
    }

    #[test]
    fn wide_range_kept_as_range() {
        let m = CMap::parse(b"1 beginbfrange <0000> <FFFF> <0000> endbfrange");
        assert_eq!(get(&m, 0x3042, 2).as_deref(), Some("あ"));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn later_entry_wins_over_an_overlapping_range() {
        // Ghostscript's re-distilled ToUnicode: each one-code entry at a last byte of ff
        // written as a range 256 codes long, overlapping the next one's start.
        let m = CMap::parse(
            b"2 beginbfrange\n<00ff> <01ff> <65b0>\n<01ff> <02ff> <65e5>\nendbfrange\n\
              1 beginbfrange\n<0200> <0200> <7a0b>\nendbfrange\n\
              1 beginbfchar\n<0300> <8abf>\nendbfchar\n\
              1 beginbfrange\n<02ff> <03ff> <8abf>\nendbfrange\n",
        );
        assert_eq!(get(&m, 0x00ff, 2).as_deref(), Some("\u{65b0}"));
        assert_eq!(get(&m, 0x01ff, 2).as_deref(), Some("日"));
        assert_eq!(get(&m, 0x0200, 2).as_deref(), Some("程"));
        assert_eq!(get(&m, 0x02ff, 2).as_deref(), Some("調"));
        // A single entry before a later range over it gives way to the range.
        assert_eq!(get(&m, 0x0300, 2).as_deref(), Some("\u{8ac0}"));
        assert!(m.entries().all(|(code, _, _)| code != 0x0300));
    }

    #[test]
    fn odd_entry_does_not_void_the_map() {
        let src = format!(
            "{HEAD}4 beginbfchar\n<0001> <0041>\n<00020> <0042>\n<0003> <0043>\n<0004 <0044>\nendbfchar\n\
             1 beginbfrange <0005> <0006> <0061> endbfrange endcmap"
        );
        let m = CMap::parse(src.as_bytes());
        assert_eq!(get(&m, 1, 2).as_deref(), Some("A"));
        assert_eq!(get(&m, 3, 2).as_deref(), Some("C"));
        assert_eq!(get(&m, 6, 2).as_deref(), Some("b"));
        assert!(m.skipped >= 1);
    }

    #[test]
    fn garbage_is_empty_not_a_panic() {
        for data in [&b""[..], b"<", b"[<00", b"beginbfrange <00> <01> [", b"(unclosed", b"\xff\xfe<zz> <>"] {
            let m = CMap::parse(data);
            assert!(m.len() <= 1);
        }
    }

    #[test]
    fn one_byte_codespace() {
        let m = CMap::parse(
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <0058> endbfchar",
        );
        assert_eq!(m.code_len(&[0x41, 0x42]), Some(1));
        assert_eq!(get(&m, 0x41, 1).as_deref(), Some("X"));
    }
}
