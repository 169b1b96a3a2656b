//! Loading a PDF with lopdf and reading its objects defensively.
//!
//! Every accessor here returns `Option` and follows references a bounded number of
//! times, so that a damaged or hostile file yields "missing" rather than a panic or a
//! loop. Nothing outside this module touches lopdf's fallible getters directly.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::error::{Error, Result};

/// Upper bound on one decompressed stream: far above any real page or font, low enough
/// that a decompression bomb cannot take the machine down.
pub const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
/// Upper bound on all streams decoded for one document together: a bomb split into many
/// streams just under [`MAX_STREAM_BYTES`] each must not add up to gigabytes. Real
/// reports decode a few megabytes.
pub const MAX_DOCUMENT_STREAM_BYTES: usize = 256 * 1024 * 1024;
/// Upper bound on the PDF file itself. lopdf parses the whole file into memory, at a
/// multiple of its size, before anything can be checked.
pub const MAX_PDF_BYTES: usize = 512 * 1024 * 1024;

/// How many references in a row are followed before giving up (reference chains).
const MAX_DEREF: usize = 32;

static NULL: Object = Object::Null;

/// Parse the file; try the empty user password when it is encrypted.
pub fn load(bytes: &[u8]) -> Result<Document> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.len() > MAX_PDF_BYTES {
        return Err(Error::Limit(format!("the PDF is larger than {} MiB", MAX_PDF_BYTES >> 20)));
    }
    let options = lopdf::LoadOptions { max_decompressed_size: Some(MAX_STREAM_BYTES), ..Default::default() };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => Error::Encrypted,
        other => Error::Pdf(format!("cannot parse the file ({other})")),
    })?;
    // lopdf leaves /Encrypt in place when no password (not even the empty one) opened it.
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(Error::Encrypted);
    }
    let mut doc = doc;
    // An encrypted file's raw bytes are ciphertext: its streams are left as lopdf read them.
    if !doc.was_encrypted() {
        repair_lengths(bytes, &mut doc);
    }
    Ok(doc)
}

/// Re-read each stream whose data, as lopdf read it, does not end at its `endstream`
/// keyword from the file, up to that keyword, as pdftotext does. lopdf recovers some
/// wrong `/Length`s itself, but one that is not a number (a reference to another object)
/// leaves the stream empty, and the page would pass for one without text. (After
/// loading, lopdf's `/Length` is the length of what it read.) A stream read right keeps
/// its data even if the bytes `endstream` occur inside it.
/// Returns how many streams were re-read.
pub fn repair_lengths(bytes: &[u8], doc: &mut Document) -> usize {
    let offsets: Vec<(ObjectId, usize)> = doc
        .reference_table
        .entries
        .iter()
        .filter_map(|(&n, e)| match *e {
            lopdf::xref::XrefEntry::Normal { offset, generation } => Some(((n, generation), offset as usize)),
            _ => None,
        })
        .collect();
    // Each object's bytes end where the next one (by offset) starts: every scan stays
    // inside its own object, so the repair reads the file about once however it is
    // damaged (objects sharing an offset are read once).
    let mut starts: Vec<usize> = offsets.iter().map(|&(_, o)| o).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut done: HashSet<usize> = HashSet::new();
    let mut repaired = 0;
    for (id, offset) in offsets {
        if !done.insert(offset) {
            continue;
        }
        let Some(Object::Stream(s)) = doc.objects.get(&id) else { continue };
        let next = starts.partition_point(|&o| o <= offset);
        let bound = starts.get(next).copied().unwrap_or(bytes.len()).min(bytes.len());
        let Some(bytes) = bytes.get(..bound) else { continue };
        let declared = s.dict.get(b"Length").ok().and_then(|l| match deref(doc, l) {
            Object::Integer(n) => usize::try_from(*n).ok(),
            _ => None,
        });
        let Some(start) = stream_data_start(bytes, offset) else { continue };
        if declared.is_some_and(|n| ends_at_endstream(bytes, start.saturating_add(n))) {
            continue;
        }
        let Some(end) = data_end(bytes, start) else { continue };
        let Some(data) = bytes.get(start..end) else { continue };
        if s.content != data {
            let data = data.to_vec();
            if let Some(Object::Stream(s)) = doc.objects.get_mut(&id) {
                s.set_content(data);
                repaired += 1;
            }
        }
    }
    repaired
}

/// Where the data of the stream object at `offset` starts: after the `stream` keyword
/// that follows the dictionary's `>>`, and its end of line. `bytes` ends with the object.
fn stream_data_start(bytes: &[u8], offset: usize) -> Option<usize> {
    let tail = bytes.get(offset..)?;
    let mut from = 0;
    loop {
        let k = from + find(tail.get(from..)?, b"stream")?;
        let before = tail.get(..k)?.iter().rev().find(|b| !b.is_ascii_whitespace());
        let after = k + b"stream".len();
        if before == Some(&b'>') && !tail.get(..k)?.ends_with(b"end") {
            let eol = match tail.get(after..after + 2) {
                Some([b'\r', b'\n']) => 2,
                Some([b'\n', _]) | Some([b'\r', _]) => 1,
                _ => return None,
            };
            return Some(offset + after + eol);
        }
        from = after;
    }
}

/// The specification wants one end of line before `endstream`; some producers write a
/// few spaces too. A `/Length` that ends within this much white space of it is right.
const MAX_SPACE_BEFORE_ENDSTREAM: usize = 16;

/// Whether the stream data ending at `at` is followed by (an end of line and) `endstream`.
fn ends_at_endstream(bytes: &[u8], at: usize) -> bool {
    let Some(tail) = bytes.get(at..) else { return false };
    let skip = tail.iter().take(MAX_SPACE_BEFORE_ENDSTREAM).take_while(|b| b.is_ascii_whitespace()).count();
    tail.get(skip..).is_some_and(|t| t.starts_with(b"endstream"))
}

/// The end of the data that starts at `start`: before the end of line preceding the first
/// `endstream` keyword. `bytes` ends with the object.
fn data_end(bytes: &[u8], start: usize) -> Option<usize> {
    let k = start + find(bytes.get(start..)?, b"endstream")?;
    let mut end = k;
    if bytes.get(..end).is_some_and(|b| b.ends_with(b"\n")) {
        end -= 1;
    }
    if bytes.get(..end).is_some_and(|b| b.ends_with(b"\r")) {
        end -= 1;
    }
    Some(end.max(start))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Follow references to a direct object (`null` when dangling or cyclic).
pub fn deref<'a>(doc: &'a Document, mut obj: &'a Object) -> &'a Object {
    for _ in 0..MAX_DEREF {
        match obj {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(o) => obj = o,
                Err(_) => return &NULL,
            },
            _ => return obj,
        }
    }
    &NULL
}

pub fn dict_of<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Dictionary> {
    match deref(doc, obj) {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub fn name_of<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a [u8]> {
    match deref(doc, obj) {
        Object::Name(n) => Some(n.as_slice()),
        _ => None,
    }
}

pub fn number(doc: &Document, obj: &Object) -> Option<f32> {
    match deref(doc, obj) {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// What reading one document has cost so far, against the per-document bounds.
///
/// Shared between the pages (interpreted in parallel), the interpreter and font
/// loading; the first bound hit is kept and turned into [`Error::Limit`] once the pages
/// are read, so the code deep inside only has to stop, not to carry a `Result` out.
#[derive(Debug, Default)]
pub struct Budget {
    decoded: AtomicUsize,
    ops: AtomicUsize,
    glyphs: AtomicUsize,
    exceeded: Mutex<Option<String>>,
}

impl Budget {
    /// Operators run in the whole document: bounds the work of a file whose every page
    /// hits the per-page bound (a real page runs a few thousand).
    pub const MAX_OPS: usize = 100_000_000;
    /// Glyphs kept in the whole document: bounds memory (a real page has a few thousand).
    pub const MAX_GLYPHS: usize = 20_000_000;

    /// Record that a bound was hit; the first reason is the one reported.
    pub fn fail(&self, why: String) {
        // A poisoned lock only means another page panicked (caught per page); the slot
        // itself is still a plain Option.
        let mut slot = self.exceeded.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(why);
        }
    }

    pub fn is_exceeded(&self) -> bool {
        self.exceeded.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_some()
    }

    /// `Err(Error::Limit)` once any bound was hit.
    pub fn check(&self) -> Result<()> {
        match self.exceeded.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
            Some(why) => Err(Error::Limit(why.clone())),
            None => Ok(()),
        }
    }

    /// Count `n` operators; false when the document's bound is reached.
    pub fn charge_ops(&self, n: usize) -> bool {
        charge(&self.ops, n, Self::MAX_OPS)
            || self.give_up(format!("more than {} content operators in the document", Self::MAX_OPS))
    }

    /// Count `n` glyphs; false when the document's bound is reached.
    pub fn charge_glyphs(&self, n: usize) -> bool {
        charge(&self.glyphs, n, Self::MAX_GLYPHS)
            || self.give_up(format!("more than {} glyphs in the document", Self::MAX_GLYPHS))
    }

    fn charge_bytes(&self, n: usize) -> bool {
        charge(&self.decoded, n, MAX_DOCUMENT_STREAM_BYTES)
            || self.give_up(format!(
                "streams decode to more than {} MiB in total",
                MAX_DOCUMENT_STREAM_BYTES >> 20
            ))
    }

    fn give_up(&self, why: String) -> bool {
        self.fail(why);
        false
    }
}

/// Add `n` to `counter` unless that passes `max`.
fn charge(counter: &AtomicUsize, n: usize, max: usize) -> bool {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |total| {
            total.checked_add(n).filter(|&t| t <= max)
        })
        .is_ok()
}

/// A stream's decoded bytes (filters applied), bounded by [`MAX_STREAM_BYTES`] and by
/// what is left of the document's [`Budget`]. A stream over either bound is not decoded
/// and the budget remembers why; one that is damaged yields what decoded before the
/// damage (see [`stream_bytes_checked`] to learn about the damage).
pub fn stream_bytes(doc: &Document, obj: &Object, budget: &Budget) -> Option<Vec<u8>> {
    stream_bytes_checked(doc, obj, budget).0
}

/// [`stream_bytes`], and why the data is incomplete when the stream is damaged (its
/// compressed data corrupt or cut short). lopdf keeps what inflates before an error
/// and says nothing, so a damaged page would pass for a page with little on it; Flate,
/// the filter of practically every content stream, is therefore inflated here.
pub fn stream_bytes_checked(
    doc: &Document,
    obj: &Object,
    budget: &Budget,
) -> (Option<Vec<u8>>, Option<String>) {
    if budget.is_exceeded() {
        return (None, None);
    }
    let Object::Stream(s) = deref(doc, obj) else { return (None, None) };
    let too_large = || {
        budget.fail(format!("a stream decodes to more than {} MiB", MAX_STREAM_BYTES >> 20));
        (None, None)
    };
    if is_plain_flate(doc, s) {
        return match inflate(&s.content, MAX_STREAM_BYTES) {
            Inflated::Done(bytes) => (budget.charge_bytes(bytes.len()).then_some(bytes), None),
            Inflated::Damaged(bytes, why) => (budget.charge_bytes(bytes.len()).then_some(bytes), Some(why)),
            Inflated::TooLarge => too_large(),
        };
    }
    match s.get_plain_content_with_limit(MAX_STREAM_BYTES) {
        Ok(bytes) => (budget.charge_bytes(bytes.len()).then_some(bytes), None),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => too_large(),
        Err(e) => (None, Some(format!("cannot be decoded ({e})"))),
    }
}

/// The zlib checksum (RFC 1950).
fn adler32(data: &[u8]) -> u32 {
    /// The largest prime below 2^16.
    const MOD: u32 = 65521;
    /// Bytes summed before reducing: the most that cannot overflow a u32 (RFC 1950's NMAX).
    const BLOCK: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for block in data.chunks(BLOCK) {
        for &byte in block {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// A stream whose only filter is FlateDecode without a predictor: what [`inflate`] reads.
fn is_plain_flate(doc: &Document, s: &lopdf::Stream) -> bool {
    let filter = s.dict.get(b"Filter").map(|f| deref(doc, f));
    let flate = match filter {
        Ok(Object::Name(n)) => n == b"FlateDecode",
        Ok(Object::Array(a)) => matches!(a.as_slice(), [f] if name_of(doc, f) == Some(b"FlateDecode")),
        _ => false,
    };
    let predictor = s
        .dict
        .get(b"DecodeParms")
        .ok()
        .map(|p| deref(doc, p))
        .and_then(|p| match p {
            Object::Array(a) => a.first().and_then(|p| dict_of(doc, p)),
            other => dict_of(doc, other),
        })
        .and_then(|p| p.get(b"Predictor").ok())
        .and_then(|p| number(doc, p))
        .is_some_and(|p| p > 1.0);
    flate && !predictor
}

/// What [`inflate`] made of a Flate stream.
enum Inflated {
    Done(Vec<u8>),
    /// What inflated before the data turned out corrupt or cut short, and why.
    Damaged(Vec<u8>, String),
    /// More than the limit.
    TooLarge,
}

/// Inflate zlib data, bounded by `limit`. A stream is damaged when the deflate data is
/// corrupt, ends before its final block, or does not match its adler32 checksum (garbage
/// in the middle of deflate data mostly decodes, to garbage); a stream without the
/// checksum is accepted, as readers (pdftotext, MuPDF) do.
fn inflate(data: &[u8], limit: usize) -> Inflated {
    use flate2::{Decompress, FlushDecompress, Status};
    /// Output grows in steps of at least this much (a content stream inflates to a few
    /// times its size; the first step is sized from that).
    const STEP: usize = 32 * 1024;
    if data.is_empty() {
        return Inflated::Done(Vec::new());
    }
    // The zlib header: compression method 8, header check a multiple of 31, and an
    // optional preset-dictionary id. Without one the data is read as raw deflate.
    let (raw, zlib) = match data {
        [cmf, flg, rest @ ..] if cmf & 0x0F == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0 => {
            if flg & 0x20 != 0 {
                (rest.get(4..).unwrap_or_default(), true)
            } else {
                (rest, true)
            }
        }
        _ => (data, false),
    };
    let mut d = Decompress::new(false);
    let mut out: Vec<u8> =
        Vec::with_capacity(data.len().saturating_mul(4).max(STEP).min(limit.saturating_add(1)));
    loop {
        if out.len() == out.capacity() {
            if out.len() > limit {
                return Inflated::TooLarge;
            }
            // Never more than one byte past the limit: a bomb is caught, not allocated.
            let room = out.len().max(STEP).min(limit.saturating_add(1) - out.len());
            out.reserve_exact(room);
        }
        let before = (d.total_in(), d.total_out());
        let input = usize::try_from(d.total_in()).ok().and_then(|at| raw.get(at..)).unwrap_or_default();
        match d.decompress_vec(input, &mut out, FlushDecompress::None) {
            Ok(Status::StreamEnd) => {
                if out.len() > limit {
                    return Inflated::TooLarge;
                }
                // Garbage inside deflate data often still decodes to the end; the
                // checksum is what tells. A stream without one is taken as it is.
                let end = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
                let trailer = raw.get(end..end.saturating_add(4)).and_then(|t| <[u8; 4]>::try_from(t).ok());
                return match trailer {
                    Some(sum) if zlib && u32::from_be_bytes(sum) != adler32(&out) => {
                        Inflated::Damaged(out, "its data does not match its checksum (corrupt)".into())
                    }
                    _ => Inflated::Done(out),
                };
            }
            Ok(_) if (d.total_in(), d.total_out()) == before && out.len() < out.capacity() => {
                return Inflated::Damaged(out, "its compressed data ends early".into());
            }
            Ok(_) => {}
            Err(e) => return Inflated::Damaged(out, format!("its compressed data is corrupt ({e})")),
        }
    }
}

/// The id a value refers to, when it is a reference.
pub fn ref_id(obj: &Object) -> Option<ObjectId> {
    obj.as_reference().ok()
}

/// A page attribute, looked up through `/Parent` where the page tree lets pages
/// inherit it (MediaBox, CropBox, Resources, Rotate). For unit tests; [`pages`] carries
/// inherited values down the tree instead.
#[cfg(test)]
pub fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..MAX_DEREF {
        if let Ok(v) = node.get(key) {
            return Some(v);
        }
        node = node.get(b"Parent").ok().and_then(|p| dict_of(doc, p))?;
    }
    None
}

/// The attributes a page inherits from the page tree (PDF 32000 §7.7.3.4).
pub const INHERITABLE: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// One leaf of the page tree, with what it inherits from the nodes above it.
pub struct PageRef<'a> {
    pub id: ObjectId,
    /// Values of [`INHERITABLE`] from the page itself or the nearest node above it.
    pub inherited: [Option<&'a Object>; 4],
}

/// The pages in order, by walking `/Kids` from the catalog's `/Pages`.
///
/// lopdf's own iterator stops at depth 256 without a word and can list a page more
/// than once in a cyclic tree. This walk uses an explicit stack (no depth limit, no
/// recursion to overflow) and visits each object once, so its work is bounded by the
/// number of objects; the second return value counts the tree entries skipped because
/// they were seen before (a cycle or a shared node). Inherited attributes travel down
/// the walk instead of up `/Parent`, which a deep tree would not reach.
pub fn pages(doc: &Document) -> (Vec<PageRef<'_>>, usize) {
    let mut out = Vec::new();
    let mut revisited = 0usize;
    let Some(root) = doc.catalog().ok().and_then(|c| c.get(b"Pages").ok()) else {
        return (out, revisited);
    };
    let mut seen: HashSet<ObjectId> = HashSet::new();
    // Each frame: a node's kids not yet visited, and what they inherit.
    type Frame<'a> = (std::slice::Iter<'a, Object>, [Option<&'a Object>; 4]);
    let mut stack: Vec<Frame<'_>> = vec![(std::slice::from_ref(root).iter(), [None; 4])];
    while let Some((kids, above)) = stack.last_mut() {
        let above = *above;
        let Some(kid) = kids.next() else {
            stack.pop();
            continue;
        };
        let Some(id) = ref_id(kid) else { continue };
        if !seen.insert(id) {
            revisited += 1;
            continue;
        }
        let Ok(dict) = doc.get_dictionary(id) else {
            // Kept as a blank stand-in, as readers render it: the page count stays right.
            out.push(PageRef { id, inherited: above });
            continue;
        };
        let mut here = above;
        for (slot, key) in here.iter_mut().zip(INHERITABLE) {
            if let Ok(v) = dict.get(key) {
                *slot = Some(v);
            }
        }
        let is_node = match dict.get(b"Type").ok().and_then(|t| name_of(doc, t)) {
            Some(b"Pages") => true,
            Some(b"Page") => false,
            // An untyped node is known by its kids.
            _ => dict.has(b"Kids"),
        };
        if is_node {
            if let Some(kids) = dict.get(b"Kids").ok().and_then(|k| deref(doc, k).as_array().ok()) {
                stack.push((kids.iter(), here));
            }
        } else {
            out.push(PageRef { id, inherited: here });
        }
    }
    (out, revisited)
}

/// A rectangle `[x0 y0 x1 y1]`, normalized so that x0 ≤ x1 and y0 ≤ y1.
pub fn rect(doc: &Document, obj: &Object) -> Option<[f32; 4]> {
    let a = deref(doc, obj).as_array().ok()?;
    let v: Vec<f32> = a.iter().filter_map(|o| number(doc, o)).collect();
    let [x0, y0, x1, y1] = <[f32; 4]>::try_from(v.get(..4)?).ok()?;
    let r = [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
    (r[2] - r[0] > 0.0 && r[3] - r[1] > 0.0).then_some(r)
}

/// Decode a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, or PDFDocEncoding),
/// lossily: a bad unit becomes U+FFFD instead of losing the whole string.
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| match c {
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            })
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        match lopdf::decode_text_string(&Object::String(bytes.to_vec(), lopdf::StringFormat::Literal)) {
            Ok(s) => s,
            Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("in memory");
        e.finish().expect("in memory")
    }

    #[test]
    fn adler32_known_value() {
        // RFC 1950's checksum of "Wikipedia", as given in its article.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
    }

    #[test]
    fn inflate_tells_damage_from_health() {
        let text: Vec<u8> = (0..20_000u32).flat_map(|i| format!("BT ({i}) Tj ET\n").into_bytes()).collect();
        let z = deflate(&text);
        assert!(matches!(inflate(&z, MAX_STREAM_BYTES), Inflated::Done(ref d) if *d == text));
        // Without the checksum (some producers): accepted.
        let bare = z.get(..z.len() - 4).unwrap_or_default();
        assert!(matches!(inflate(bare, MAX_STREAM_BYTES), Inflated::Done(ref d) if *d == text));
        // Cut short: damaged, with what came before.
        let cut = z.get(..z.len() / 2).unwrap_or_default();
        assert!(matches!(inflate(cut, MAX_STREAM_BYTES), Inflated::Damaged(ref d, _) if !d.is_empty()));
        // Garbage in the middle: damaged, whether deflate notices or only the checksum.
        let mut bad = z.clone();
        let mid = bad.len() / 2;
        for b in bad.iter_mut().skip(mid).take(32) {
            *b = 0xA5;
        }
        assert!(matches!(inflate(&bad, MAX_STREAM_BYTES), Inflated::Damaged(..)));
        // Over the bound: refused, not allocated.
        assert!(matches!(inflate(&z, 1000), Inflated::TooLarge));
        assert!(matches!(inflate(&[], 10), Inflated::Done(ref d) if d.is_empty()));
    }

    #[test]
    fn wrong_lengths_are_reread_up_to_endstream() {
        let data = b"BT /F1 12 Tf (Hello) Tj ET";
        for length in ["3", "999", "7 0 R"] {
            let pdf = format!(
                "%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n\
                 5 0 obj\n<</Length {length}>>\nstream\n{}\nendstream\nendobj\n7 0 obj\n<</A 1>>\nendobj\n\
                 trailer\n<</Root 1 0 R/Size 8>>\n%%EOF\n",
                String::from_utf8_lossy(data)
            );
            let doc = load(pdf.as_bytes()).expect("loads");
            let Some(Object::Stream(s)) = doc.objects.get(&(5, 0)) else {
                panic!("stream 5 missing ({length})")
            };
            assert_eq!(s.content, data, "/Length {length}");
        }
    }
}
