//! Entry points for the fuzz targets (`fuzz/`) and their stable replay test
//! (`tests/fuzz_replay.rs`).
//!
//! Thin wrappers, so that the CMap parser and the content interpreter can be fuzzed on
//! their own without making the PDF front end's internals public API. Not for other use:
//! hidden from the docs and free to change.

use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{dictionary, Document};

use crate::input::pdf::cmap::CMap;
use crate::input::pdf::content::{Caches, Interpreter};
use crate::input::pdf::testpdf::TestPdf;
use crate::{convert, InputFormat, Options};

/// Let panics raised inside lopdf unwind to the `catch_unwind` that the PDF front end
/// puts around it, instead of aborting as libFuzzer's hook makes every panic do. They are
/// handled in production (an error or an empty page), so they are not crashes of ours;
/// a panic anywhere else still goes to the previous hook and aborts. Call once, from
/// the target's `init`.
pub fn tolerate_lopdf_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_lopdf = info.location().is_some_and(|l| l.file().contains("lopdf"));
        if !in_lopdf {
            previous(info);
        }
    }));
}

/// The whole PDF path: bytes → report. Errors are fine; panics are not.
pub fn pdf(bytes: &[u8]) {
    let _ = convert(bytes, "fuzz.pdf", &Options { format: Some(InputFormat::Pdf), ..Options::default() });
}

/// The whole text path: bytes → report.
pub fn text(bytes: &[u8]) {
    let _ = convert(bytes, "fuzz.txt", &Options { format: Some(InputFormat::Text), ..Options::default() });
}

/// The ToUnicode / encoding CMap parser, then lookups driven by the same bytes, so that
/// ranges the input declares are also read back.
pub fn cmap(bytes: &[u8]) {
    let map = CMap::parse(bytes);
    let mut out = String::new();
    let mut rest = bytes;
    // Bounded: each lookup may scan every range, and the point is the parser.
    for _ in 0..256 {
        let Some(len) = map.code_len(rest).or((!rest.is_empty()).then_some(1)) else { break };
        let Some(head) = rest.get(..len) else { break };
        let code = head.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        map.lookup(code, u8::try_from(len).unwrap_or(u8::MAX), &mut out);
        rest = rest.get(len..).unwrap_or_default();
    }
}

/// The content-stream interpreter on one page. The page's resources hold a simple font
/// `F1`, a CID font `C1` with a ToUnicode CMap, and a Form XObject `X` whose content is
/// the input itself, so that `/X Do` exercises nesting and the cycle guard too.
pub fn content(bytes: &[u8]) {
    let (doc, resources) = content_document(bytes);
    let Some(resources) = doc.get_dictionary(resources).ok() else { return };
    let mut caches = Caches::default();
    // As in `input::pdf::read`, which runs each page under `catch_unwind` for lopdf's sake.
    let content = catch_unwind(AssertUnwindSafe(|| {
        let mut interp = Interpreter::new(&doc, &mut caches, [0.0, 0.0, 595.0, 842.0]);
        interp.run(bytes, Some(resources));
        interp.finish()
    }));
    if let Ok(content) = content {
        let _ = crate::input::pdf::layout::page(1, (595.0, 842.0), content.glyphs, content.rules);
    }
}

fn content_document(form: &[u8]) -> (Document, lopdf::ObjectId) {
    let mut pdf = TestPdf::new();
    pdf.form_bytes(
        "X",
        form,
        dictionary! {
            "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 10.into(), 10.into()],
        },
    );
    let resources = dictionary! { "Font" => pdf.fonts.clone(), "XObject" => pdf.xobjects.clone() };
    let id = pdf.doc.add_object(resources);
    (pdf.document(), id)
}
