//! Loading a PDF with lopdf and reading its objects defensively.
//!
//! Every accessor here returns `Option` and follows references a bounded number of
//! times, so that a damaged or hostile file yields "missing" rather than a panic or a
//! loop. Nothing outside this module touches lopdf's fallible getters directly.

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::error::{Error, Result};

/// Upper bound on one decompressed stream: far above any real page or font, low enough
/// that a decompression bomb cannot take the machine down.
pub const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// How many references in a row are followed before giving up (reference chains).
const MAX_DEREF: usize = 32;

static NULL: Object = Object::Null;

/// Parse the file; try the empty user password when it is encrypted.
pub fn load(bytes: &[u8]) -> Result<Document> {
    if bytes.is_empty() {
        return Err(Error::Empty);
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
    Ok(doc)
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

/// A stream's decoded bytes (filters applied), bounded by [`MAX_STREAM_BYTES`].
pub fn stream_bytes(doc: &Document, obj: &Object) -> Option<Vec<u8>> {
    match deref(doc, obj) {
        Object::Stream(s) => s.get_plain_content_with_limit(MAX_STREAM_BYTES).ok(),
        _ => None,
    }
}

/// The id a value refers to, when it is a reference.
pub fn ref_id(obj: &Object) -> Option<ObjectId> {
    obj.as_reference().ok()
}

/// A page attribute, looked up through `/Parent` where the page tree lets pages
/// inherit it (MediaBox, CropBox, Resources, Rotate).
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
