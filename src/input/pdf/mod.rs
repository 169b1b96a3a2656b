//! PDF front end: lopdf objects → fonts/CMaps → content interpreter → glyphs → layout.
//!
//! [`read`] is the entry point; its three stages are public for benchmarks and tools. Anything that makes the whole file unusable (not a
//! PDF, encrypted with a real password, no pages) is an [`Error`]; anything local to a
//! page or font (an unmappable code, a broken stream, a page without text) is a
//! [`Diagnostic`] and the rest of the document is still read.

mod afm;
pub(crate) mod cmap;
pub(crate) mod content;
pub(crate) mod font;
pub(crate) mod glyph;
pub(crate) mod layout;
pub mod objects;
pub(crate) mod predefined;
pub(crate) mod program;
#[doc(hidden)]
pub mod testpdf;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use lopdf::Object;

use crate::doc::Document;
use crate::error::{Error, Result};
use crate::model::{Code, Diagnostic};

use content::{Caches, Direction, Interpreter, PageContent};
use objects::{dict_of, number, rect, stream_bytes_checked, Budget};

/// A4 portrait, for a page whose boxes are missing or broken.
const DEFAULT_PAGE_BOX: [f32; 4] = [0.0, 0.0, 595.0, 842.0];

/// Runs of consecutive pages per worker thread: a few each, so that a run of slow pages
/// does not leave the other cores idle, while each run still reuses its font cache.
const RUNS_PER_THREAD: usize = 3;

/// Repaired characters named in a `pdf.tounicode_repaired` message (the count gives
/// the rest): enough to recognise the variant, short enough to read.
const REPAIRS_SHOWN: usize = 5;

/// Read a PDF into pages of positioned lines: [`parse`], [`interpret`], [`lay_out`].
pub fn read(bytes: &[u8]) -> Result<(Document, Vec<Diagnostic>)> {
    let pdf = parse(bytes)?;
    let (inked, mut diagnostics) = interpret(&pdf)?;
    let document = lay_out(inked, &mut diagnostics)?;
    Ok((document, diagnostics))
}

/// Stage 1: the file's object model (lopdf), decrypted where the empty password allows.
pub fn parse(bytes: &[u8]) -> Result<lopdf::Document> {
    // This module is written not to panic, but lopdf parses hostile bytes too: a panic
    // in there must become an error for this one file, not end a batch run.
    catch_unwind(AssertUnwindSafe(|| objects::load(bytes)))
        .unwrap_or_else(|_| Err(Error::Pdf("the PDF parser failed on this file".into())))
}

/// One page's glyphs and ruling lines, before layout.
#[derive(Debug)]
pub struct InkedPage {
    /// 1-based physical page number.
    pub index: u32,
    /// Width and height in points, after rotation.
    pub size: (f32, f32),
    pub content: PageContent,
}

/// Stage 2: run every page's content streams (fonts, text state, Form XObjects) into
/// positioned glyphs and rules. Problems local to a page become diagnostics; a document
/// over one of the [`Budget`]'s bounds is refused whole ([`Error::Limit`]), as what was
/// read so far could pass for the complete report.
pub fn interpret(pdf: &lopdf::Document) -> Result<(Vec<InkedPage>, Vec<Diagnostic>)> {
    use rayon::prelude::*;
    let mut diagnostics = Vec::new();
    let (page_refs, revisited) = objects::pages(pdf);
    if revisited > 0 {
        diagnostics.push(Diagnostic::new(
            Code::PdfPageTree,
            format!("the page tree lists {revisited} object(s) more than once (a cycle?); read once"),
        ));
    }
    let budget = Arc::new(Budget::default());
    // Pages are independent; each worker takes a run of consecutive pages with its own
    // font and form caches (a report's pages share a handful of fonts, so a few runs
    // per thread keep both the cores and the caches busy).
    let runs = rayon::current_num_threads().max(1) * RUNS_PER_THREAD;
    let run_len = page_refs.len().div_ceil(runs).max(1);
    let done: Vec<Vec<(InkedPage, Vec<Diagnostic>)>> = page_refs
        .par_chunks(run_len)
        .enumerate()
        .map(|(run, chunk)| {
            let mut caches = Caches::with_budget(Arc::clone(&budget));
            let pages = chunk
                .iter()
                .enumerate()
                .map_while(|(j, page_ref)| {
                    // Past a bound the document is refused anyway: stop working on it.
                    (!budget.is_exceeded()).then(|| {
                        let index = u32::try_from(run * run_len + j + 1).unwrap_or(u32::MAX);
                        interpret_page(pdf, &mut caches, index, page_ref)
                    })
                })
                .collect();
            caches.settle();
            pages
        })
        .collect();
    budget.check()?;
    let mut pages = Vec::with_capacity(page_refs.len());
    for (page, mut diags) in done.into_iter().flatten() {
        pages.push(page);
        diagnostics.append(&mut diags);
    }
    Ok((pages, diagnostics))
}

fn interpret_page(
    pdf: &lopdf::Document,
    caches: &mut Caches,
    index: u32,
    page_ref: &objects::PageRef<'_>,
) -> (InkedPage, Vec<Diagnostic>) {
    let [resources, media_box, crop_box, rotate] = page_ref.inherited;
    let page_result = catch_unwind(AssertUnwindSafe(|| match pdf.get_dictionary(page_ref.id) {
        Ok(dict) => {
            let page_box = crop_box
                .and_then(|o| rect(pdf, o))
                .or_else(|| media_box.and_then(|o| rect(pdf, o)))
                .unwrap_or(DEFAULT_PAGE_BOX);
            let resources = resources.and_then(|o| dict_of(pdf, o));
            let rotate = rotate.and_then(|o| number(pdf, o)).unwrap_or(0.0);
            let (matrix, size) = content::page_matrix(page_box, rotate as i64);
            let mut damaged = Vec::new();
            let data = dict
                .get(b"Contents")
                .map(|c| content_bytes(pdf, c, &caches.budget, &mut damaged))
                .unwrap_or_default();
            let mut interp = Interpreter::with_page_matrix(pdf, caches, matrix);
            interp.run(&data, resources);
            let content = interp.finish();
            // Text set sideways as displayed (`/Rotate` on upright content, or content
            // drawn turned) is read turned back, so that lines run left to right.
            let (mut content, size) = match Direction::dominant_turn(&content.directions) {
                Some(turn) => {
                    let (upright, size) = turn.upright(size);
                    let mut interp = Interpreter::with_page_matrix(pdf, caches, matrix.then(upright));
                    interp.run(&data, resources);
                    (interp.finish(), size)
                }
                None => (content, size),
            };
            content.damaged_streams.extend(damaged);
            (content, size)
        }
        Err(_) => {
            let mut c = PageContent::default();
            c.problems.push("page object is missing".into());
            (c, (DEFAULT_PAGE_BOX[2], DEFAULT_PAGE_BOX[3]))
        }
    }));
    let (content, size) = page_result.unwrap_or_else(|_| {
        let mut c = PageContent::default();
        c.problems.push("the page could not be interpreted (internal error); left empty".into());
        (c, (DEFAULT_PAGE_BOX[2], DEFAULT_PAGE_BOX[3]))
    });
    let mut diagnostics = Vec::new();
    report(index, &content, &mut diagnostics);
    (InkedPage { index, size, content }, diagnostics)
}

/// Stage 3: glyphs → lines and spans per page (the `layout` module); says which
/// pages had only invisible text or none.
pub fn lay_out(inked: Vec<InkedPage>, diagnostics: &mut Vec<Diagnostic>) -> Result<Document> {
    use rayon::prelude::*;
    let laid: Vec<(crate::doc::Page, Vec<Diagnostic>)> = inked.into_par_iter().map(lay_out_page).collect();
    let mut pages = Vec::with_capacity(laid.len());
    for (page, mut diags) in laid {
        pages.push(page);
        diagnostics.append(&mut diags);
    }
    if pages.is_empty() {
        return Err(Error::Pdf("the document has no readable pages".into()));
    }
    Ok(Document { pages })
}

fn lay_out_page(InkedPage { index, size, content }: InkedPage) -> (crate::doc::Page, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let has_text = content.glyphs.iter().any(|g| !g.invisible && !g.text.as_str().trim().is_empty());
    if !has_text && content.glyphs.iter().any(|g| g.invisible && !g.text.as_str().trim().is_empty()) {
        // Layout falls back to the invisible layer; say so, as OCR text may be wrong.
        diagnostics.push(
            Diagnostic::new(
                Code::PdfInvisibleText,
                format!("page {index}: only invisible text (an OCR layer?) was found and is used"),
            )
            .at_page(Some(index)),
        );
    }
    let page = layout::page(index, size, content.glyphs, content.rules);
    if !has_text && page.lines.is_empty() {
        diagnostics.push(
            Diagnostic::new(Code::PdfNoTextLayer, format!("page {index} has no text layer"))
                .at_page(Some(index)),
        );
    }
    (page, diagnostics)
}

/// The decoded bytes of a page's content streams, joined. The specification lets an
/// operator's operands and the operator itself sit in different streams, so they are
/// read as one; of a damaged stream what decoded is kept (the resync in
/// [`Interpreter::run`] copes with what that cuts), and the damage is added to `damaged`.
fn content_bytes(
    pdf: &lopdf::Document,
    contents: &Object,
    budget: &Budget,
    damaged: &mut Vec<String>,
) -> Vec<u8> {
    let mut one = |o: &Object| {
        let name = || match objects::ref_id(o) {
            Some((n, g)) => format!("content stream (object {n} {g})"),
            None => "content stream".to_string(),
        };
        // A reference to an object that is not there (or not a stream) is content lost
        // to damage, e.g. an object the parser could not read: not an empty page.
        if !matches!(objects::deref(pdf, o), Object::Stream(_)) {
            damaged.push(format!("{}: missing, or not a stream", name()));
            return None;
        }
        let (data, why) = stream_bytes_checked(pdf, o, budget);
        if let Some(why) = why {
            damaged.push(format!("{}: {why}", name()));
        }
        data
    };
    match objects::deref(pdf, contents) {
        Object::Array(items) => {
            let mut out = Vec::new();
            for data in items.iter().filter_map(&mut one) {
                out.extend_from_slice(&data);
                out.push(b'\n');
            }
            out
        }
        _ => one(contents).unwrap_or_default(),
    }
}

/// A page's interpretation problems as diagnostics: its fonts', then its streams'.
fn report(page: u32, content: &PageContent, out: &mut Vec<Diagnostic>) {
    report_fonts(page, content, out);
    report_streams(page, content, out);
}

/// Fonts that map codes to nothing, are missing, give no widths, or had characters
/// repaired or left unverified.
fn report_fonts(page: u32, content: &PageContent, out: &mut Vec<Diagnostic>) {
    for font in &content.unmapped_fonts {
        out.push(
            Diagnostic::new(
                Code::PdfUnmappedGlyph,
                format!("page {page}: font {font} has codes without a Unicode mapping (shown as U+FFFD)"),
            )
            .at_page(Some(page)),
        );
    }
    for font in &content.missing_fonts {
        out.push(
            Diagnostic::new(Code::PdfMissingFont, format!("page {page}: font resource {font} not found"))
                .at_page(Some(page)),
        );
    }
    for font in &content.widths_unknown_fonts {
        out.push(
            Diagnostic::new(
                Code::PdfWidthsUnknown,
                format!(
                    "page {page}: font {font} gives no glyph widths (no /Widths, no readable embedded \
                     program, not a standard font); positions along its lines are estimated"
                ),
            )
            .at_page(Some(page)),
        );
    }
    for (font, (count, pairs)) in &content.repaired {
        let shown: Vec<String> =
            pairs.iter().take(REPAIRS_SHOWN).map(|(was, now)| format!("{was}→{now}")).collect();
        out.push(
            Diagnostic::new(
                Code::PdfTounicodeRepaired,
                format!(
                    "page {page}: font {font}: {count} character(s) read by the embedded font's own cmap \
                     instead of ToUnicode, which named a variant outside JIS X 0208 ({})",
                    shown.join(", ")
                ),
            )
            .at_page(Some(page)),
        );
    }
    for (font, (count, chars)) in &content.unverified {
        let shown: String = chars.iter().take(10).collect();
        out.push(
            Diagnostic::new(
                Code::PdfTounicodeUnverified,
                format!(
                    "page {page}: font {font}: {count} character(s) read as ideographs outside JIS X 0208 \
                     ({shown}) that neither the embedded font's cmap nor its character collection \
                     confirms: the ToUnicode map may name a variant of the character drawn"
                ),
            )
            .at_page(Some(page)),
        );
    }
}

/// Damaged content streams, and the problems of reading the others.
fn report_streams(page: u32, content: &PageContent, out: &mut Vec<Diagnostic>) {
    // The garbage a damaged stream decodes to would give a problem per resync: they
    // are counted in the damage's own diagnostic instead.
    let consequences = match content.problems.len() {
        0 => String::new(),
        n if !content.damaged_streams.is_empty() => format!(" ({n} problems reading what it decoded to)"),
        _ => String::new(),
    };
    for damage in &content.damaged_streams {
        out.push(
            Diagnostic::new(
                Code::PdfStreamCorrupt,
                format!("page {page}: {damage}; the page's text from the damage on is missing or garbled{consequences}"),
            )
            .at_page(Some(page)),
        );
    }
    if content.damaged_streams.is_empty() {
        for problem in &content.problems {
            out.push(
                Diagnostic::new(Code::PdfContent, format!("page {page}: {problem}")).at_page(Some(page)),
            );
        }
    }
}

/// Page-level PDF warnings that make every card on the page uncertain (a font with
/// unknown widths moves text between columns), repeated on each card of that page so
/// that a reader of one card sees them.
pub fn per_card(report: &mut crate::model::Report) {
    let pages: Vec<(u32, String, Code)> = report
        .diagnostics
        .iter()
        .filter(|d| d.card.is_none())
        .filter(|d| matches!(d.code, Code::PdfWidthsUnknown | Code::PdfTounicodeUnverified))
        .filter_map(|d| Some((d.page?, d.message.clone(), d.code.clone())))
        .collect();
    if pages.is_empty() {
        return;
    }
    let mut extra = Vec::new();
    for policy in &report.policies {
        let number = policy.numbers.first().copied();
        for card in &policy.projects {
            for (page, message, code) in pages.iter().filter(|(p, _, _)| card.pdf_page == Some(*p)) {
                // An unverified character concerns only the cards that show one.
                if *code == Code::PdfTounicodeUnverified && !shows_unverifiable(card) {
                    continue;
                }
                extra.push(
                    Diagnostic::new(code.clone(), message.clone())
                        .at_page(card.page.or(Some(*page)))
                        .in_policy(number)
                        .on_card(Some(card.no)),
                );
            }
        }
    }
    report.diagnostics.append(&mut extra);
}

/// Whether a card's text holds an ideograph outside JIS X 0208 (what an unverified
/// ToUnicode entry gives).
fn shows_unverifiable(card: &crate::model::Project) -> bool {
    let suspect = |t: &str| t.chars().any(|c| program::is_ideograph(c) && !program::in_jis_x_0208(c));
    suspect(&card.name)
        || suspect(&card.overview)
        || suspect(&card.results)
        || card.metrics.rows.iter().any(|r| suspect(&r.item) || r.cells.iter().any(|c| suspect(&c.text)))
}
