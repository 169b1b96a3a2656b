//! shisaku (施策): turns Japanese prefectural SME-promotion reports
//! (「中小企業振興施策実施状況」) from PDF or text into validated, structured JSON.
//!
//! The pipeline, one module per stage:
//! `input` (bytes → [`doc::Document`]) → [`normalize`] → [`report::segment`] →
//! [`report::extract`] → [`validate`] → [`emit`].

pub mod batch;
pub mod db;
pub mod doc;
pub mod emit;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod layout;
pub mod model;
pub mod normalize;
pub mod report;
pub mod validate;

pub use error::{Error, Result};
pub use model::Report;

use model::SourceFormat;

/// What kind of input a byte string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Text,
    Pdf,
}

impl InputFormat {
    /// Guess from magic bytes, then from the file name's extension.
    pub fn detect(bytes: &[u8], name: &str) -> InputFormat {
        let head = &bytes[..bytes.len().min(1024)];
        if head.windows(5).any(|w| w == b"%PDF-") || name.to_ascii_lowercase().ends_with(".pdf") {
            InputFormat::Pdf
        } else {
            InputFormat::Text
        }
    }
}

/// Options of one conversion.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Force the input format instead of detecting it.
    pub format: Option<InputFormat>,
}

/// Convert one input (a report PDF or text dump) into a validated [`Report`].
///
/// `name` is what `source.file` says (usually the path as given).
pub fn convert(bytes: &[u8], name: &str, options: &Options) -> Result<Report> {
    let format = options.format.unwrap_or_else(|| InputFormat::detect(bytes, name));
    let (document, mut diagnostics, source_format, pages) = match format {
        InputFormat::Text => {
            let text = input::text::decode(bytes)?;
            (input::text::to_document(&text), Vec::new(), SourceFormat::Text, None)
        }
        InputFormat::Pdf => {
            let (document, diags) = input::pdf::read(bytes)?;
            let pages = document.pages.len() as u32;
            (document, diags, SourceFormat::Pdf, Some(pages))
        }
    };
    let document = normalize::document(document);
    let source =
        model::Source { file: name.to_string(), format: source_format, sha256: sha256_hex(bytes), pages };
    let mut report = report::build(&document, source)?;
    diagnostics.append(&mut report.diagnostics);
    report.diagnostics = diagnostics;
    validate::check(&mut report);
    Ok(report)
}

/// Convert a file on disk; see [`convert`].
pub fn convert_path(path: &std::path::Path, options: &Options) -> Result<Report> {
    let bytes = std::fs::read(path)?;
    convert(&bytes, &path.display().to_string(), options)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
