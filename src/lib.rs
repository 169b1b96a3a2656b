//! shisaku (施策): turns Japanese prefectural SME-promotion reports
//! (「中小企業振興施策実施状況」) from PDF or text into validated, structured JSON.
//!
//! The pipeline, one module per stage:
//! `input` (bytes → [`doc::Document`]) → [`normalize`] → [`report::segment`] →
//! [`report`]'s readers (summary, card, metrics, …) → [`validate`] → [`emit`].
//!
//! The public surface is what the command line (`src/main.rs`), the tests, the benches
//! (`benches/stages.rs`: the PDF stages [`input::pdf::parse`], [`input::pdf::interpret`],
//! [`input::pdf::lay_out`]) and the fuzz targets ([`fuzzing`], hidden) use: [`convert`]
//! and [`convert_with_document`], the output contract [`model`] with its
//! [`diagnostic`] codes, [`validate`], [`emit`], [`review`], [`batch`] (which also reads a
//! report from any file: [`batch::read_report`]), [`db`] (which takes a [`Report`] and has
//! its own [`db::Error`]), [`diff`] and the file helpers of [`output`]. The PDF
//! interpreter's parts (fonts, CMaps, content streams, glyphs) are crate-private; the
//! fuzz targets reach them through [`fuzzing`].

pub mod batch;
pub mod db;
pub mod diagnostic;
pub mod diff;
pub mod doc;
pub mod emit;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod messages;
pub mod model;
pub mod normalize;
pub mod output;
pub mod report;
pub mod review;
pub mod validate;

pub use error::{Error, Result};
pub use model::Report;

use model::SourceFormat;

/// What kind of input a byte string is: the same type as the JSON's `source.format`.
pub use model::SourceFormat as InputFormat;

/// `%PDF-` in the first KiB, where readers look for it (junk may precede it).
pub(crate) fn has_pdf_magic(bytes: &[u8]) -> bool {
    bytes.get(..bytes.len().min(1024)).unwrap_or_default().windows(5).any(|w| w == b"%PDF-")
}

/// Options of one conversion.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Force the input format instead of detecting it.
    pub format: Option<InputFormat>,
    /// Force a text dump's kind instead of detecting it ([`input::dump_kind::detect`]).
    pub dump_kind: Option<input::dump_kind::DumpKind>,
    /// `batch`: also write a review page ([`review`]) beside each JSON.
    pub review: bool,
}

/// Convert one input (a report PDF or text dump) into a validated [`Report`].
///
/// `name` is what `source.file` says (usually the path as given).
pub fn convert(bytes: &[u8], name: &str, options: &Options) -> Result<Report> {
    convert_with_document(bytes, name, options).map(|(report, _)| report)
}

/// [`convert`], also returning the normalized document the report was read from (what
/// [`review::html`] draws).
pub fn convert_with_document(bytes: &[u8], name: &str, options: &Options) -> Result<(Report, doc::Document)> {
    let format = options.format.unwrap_or_else(|| InputFormat::detect(bytes, name));
    // Hashing a multi-megabyte file costs as much as parsing it; do both at once.
    let (sha256, read) = rayon::join(|| sha256_hex(bytes), || read_document(bytes, format, options));
    let (mut document, mut diagnostics, source_format, pages, kind) = read?;
    if kind == Some(input::dump_kind::DumpKind::PymupdfSort) {
        // Columns put back at their page positions, footers cut from the lines they are glued to.
        document = input::sort_layout::read(document);
    }
    if kind.is_some_and(|k| k != input::dump_kind::DumpKind::Plain) {
        document = report::footers::read(document);
    }
    let mut runs = report::reassemble::Guesses::default();
    if kind == Some(input::dump_kind::DumpKind::Pdftotext) {
        (document, runs) = report::reassemble::column_tables(document);
    } else if kind == Some(input::dump_kind::DumpKind::Pdfminer) {
        (document, runs) = report::miner::tables(document);
    }
    let controls = normalize::control_characters(&document);
    if controls > 0 {
        diagnostics.push(model::Diagnostic::new(
            model::Code::TextControlCharacters,
            format!("{controls} control characters (NUL, escape, …) were removed from the text"),
        ));
    }
    let mut document = normalize::document(document);
    let mut guesses = report::reassemble::Guesses::default();
    if let Some(kind) = kind {
        (document, guesses) = report::reassemble::document(document, kind);
    }
    let dump_kind = kind.filter(|k| *k != input::dump_kind::DumpKind::Plain).map(|k| k.name().to_string());
    let source = model::Source { file: name.to_string(), format: source_format, sha256, pages, dump_kind };
    let mut report = report::build(&document, source)?;
    if kind.is_some() {
        report::variants::fold_report(&mut report);
    }
    warn_guessed_metrics(
        &mut report,
        &guesses.metric_items,
        "cells stacked around the row in a dump without positions; which column each belongs to is a guess",
        false,
    );
    warn_guessed_metrics(
        &mut report,
        &guesses.layout_metric_items,
        "its cells, read by their columns' positions, do not stack on the row as a row's cells do; which row and column each belongs to is a guess",
        true,
    );
    warn_guessed_metrics(
        &mut report,
        &runs.metric_items,
        "its table is printed block by block and its cells do not fill the grid of items × columns; which row and column each cell belongs to is a guess",
        false,
    );
    warn_guessed_splits(
        &mut report,
        &guesses.boxes,
        "a line of the box holds text of both columns that its gaps do not tell apart; where it is cut is a guess",
    );
    warn_guessed_splits(
        &mut report,
        &runs.box_splits,
        "the box's lines are printed one a block, its two columns' lines alternating; where one column ends is a guess",
    );
    guesses.summary.append(&mut runs.summary);
    // Values a column-run table dealt by reading order are re-dealt by the rows' cards
    // before the doubts become warnings (a renamed row's doubts follow its new name).
    let doubts = report::summary_cards::cross_check(&mut report, guesses.summary);
    warn_summary_doubts(&mut report, &doubts);
    diagnostics.append(&mut report.diagnostics);
    report.diagnostics = diagnostics;
    input::pdf::per_card(&mut report);
    validate::check(&mut report);
    Ok((report, document))
}

/// A `metrics.uncertain` warning on each card with a metric row whose cells the dump's
/// reassembly placed by a guess (`guesses`: those rows' items, or their first lines;
/// `why`: how the guess came about). When `whole`, a guess is a row's whole item and
/// names the rows with that item, or, when none has it, those it starts (a short item
/// such as `参加者数` is part of many others).
fn warn_guessed_metrics(report: &mut Report, guesses: &[String], why: &str, whole: bool) {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let guesses: Vec<String> = guesses.iter().map(|g| squash(g)).filter(|g| !g.is_empty()).collect();
    if guesses.is_empty() {
        return;
    }
    let items: std::collections::HashSet<String> = report
        .policies
        .iter()
        .flat_map(|pol| &pol.projects)
        .flat_map(|p| &p.metrics.rows)
        .map(|r| squash(&r.item))
        .collect();
    for policy in &report.policies {
        for p in &policy.projects {
            for row in &p.metrics.rows {
                let item = squash(&row.item);
                let names = |g: &String| match (whole, items.contains(g)) {
                    (true, true) => item == *g,
                    // A whole item the grammar read otherwise (a line joined to it):
                    // the rows it starts.
                    (true, false) => item.starts_with(g.as_str()),
                    (false, _) => item.contains(g.as_str()),
                };
                if guesses.iter().any(names) {
                    report.diagnostics.push(
                        model::Diagnostic::new(
                            model::Code::MetricsUncertain,
                            format!("row \"{}\": {why}", row.item),
                        )
                        .at_page(p.page)
                        .in_policy(policy.numbers.first().copied())
                        .on_card(Some(p.no)),
                    );
                }
            }
        }
    }
}

/// A `card.split_uncertain` warning on each card whose box begins with one of `firsts`
/// (a box's first line, whose two columns the dump's reassembly told apart by a guess).
fn warn_guessed_splits(report: &mut Report, firsts: &[String], why: &str) {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let firsts: Vec<String> = firsts.iter().map(|g| squash(g)).filter(|g| !g.is_empty()).collect();
    for policy in &report.policies {
        for p in &policy.projects {
            let starts = |t: &str| firsts.iter().any(|f| squash(t).starts_with(f.as_str()));
            if starts(&p.overview) || starts(&p.results) {
                report.diagnostics.push(
                    model::Diagnostic::new(
                        model::Code::CardSplitUncertain,
                        format!("事業概要/事業実績 split: {why}"),
                    )
                    .at_page(p.page)
                    .in_policy(policy.numbers.first().copied())
                    .on_card(Some(p.no)),
                );
            }
        }
    }
}

/// A `summary.columns_uncertain` warning for each doubt of a summary table rebuilt from
/// column runs, in the chapter whose table holds the row (found by the row's No. and
/// name, or, for a doubt on a whole table, its first row's name).
fn warn_summary_doubts(report: &mut Report, doubts: &[report::column_runs::Doubt]) {
    // The doubt's name was read before normalization; the report's names after it.
    let squash = |s: &str| normalize::text(s).chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for d in doubts {
        let name = squash(&d.name);
        let policy = report.policies.iter().find(|p| {
            p.summary.rows.iter().any(|r| match d.no {
                Some(no) => r.no == no && (name.is_empty() || squash(&r.name) == name),
                None => r.no == 1 && squash(&r.name) == name,
            })
        });
        report.diagnostics.push(
            model::Diagnostic::new(model::Code::SummaryColumnsUncertain, d.message.clone())
                .in_policy(policy.and_then(|p| p.numbers.first().copied()))
                .on_card(d.no),
        );
    }
}

/// What a front end gives: the document, its diagnostics, what `source` says (format,
/// pages) and, for a text dump, its kind.
type Read =
    (doc::Document, Vec<model::Diagnostic>, SourceFormat, Option<u32>, Option<input::dump_kind::DumpKind>);

/// The front end for `format`: bytes → document, diagnostics, and what `source` says.
fn read_document(bytes: &[u8], format: InputFormat, options: &Options) -> Result<Read> {
    Ok(match format {
        InputFormat::Text => {
            let text = input::text::decode(bytes)?;
            // The kind is told from lines, whatever ends them (CRLF, or a lone CR of old files).
            let kind = options.dump_kind.unwrap_or_else(|| {
                if text.contains('\r') {
                    input::dump_kind::detect(&text.replace("\r\n", "\n").replace('\r', "\n"))
                } else {
                    input::dump_kind::detect(&text)
                }
            });
            (input::text::to_document(&text), Vec::new(), SourceFormat::Text, None, Some(kind))
        }
        InputFormat::Pdf => {
            let (document, diags) = input::pdf::read(bytes).map_err(|e| match e {
                // Taken for a PDF by its name alone: say what else it may be.
                Error::Pdf(why) if !has_pdf_magic(bytes) => Error::Pdf(format!(
                    "{why} (the file does not start with %PDF; if it is a text dump, use --input-format text)"
                )),
                other => other,
            })?;
            let pages = document.pages.len() as u32;
            (document, diags, SourceFormat::Pdf, Some(pages), None)
        }
    })
}

/// Convert a file on disk; see [`convert`].
pub fn convert_path(path: &std::path::Path, options: &Options) -> Result<Report> {
    let bytes = output::read_input(path)?;
    convert(&bytes, &path.display().to_string(), options)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Temp files of [`write_atomically`] are `.shisaku-XXXXXX.partial`.
pub const PARTIAL_PREFIX: &str = ".shisaku-";
pub const PARTIAL_SUFFIX: &str = ".partial";

/// Write a file atomically: a temp file in the target's folder, synced, then renamed over
/// the target. An interrupted run leaves either the old file or the new one, never half.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    // Named so that leftovers of a killed run are recognisable (and removed by `batch`).
    let mut tmp = tempfile::Builder::new().prefix(PARTIAL_PREFIX).suffix(PARTIAL_SUFFIX).tempfile_in(dir)?;
    // A temp file is private (0600); the result is an ordinary file (0644 less the umask
    // is not knowable portably, so 0644).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
