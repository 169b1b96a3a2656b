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
    // Hashing a multi-megabyte file costs as much as parsing it; do both at once.
    let (sha256, read) = rayon::join(|| sha256_hex(bytes), || read_document(bytes, format));
    let (document, mut diagnostics, source_format, pages) = read?;
    let document = normalize::document(document);
    let source = model::Source { file: name.to_string(), format: source_format, sha256, pages };
    let mut report = report::build(&document, source)?;
    diagnostics.append(&mut report.diagnostics);
    report.diagnostics = diagnostics;
    input::pdf::per_card(&mut report);
    validate::check(&mut report);
    Ok(report)
}

/// The front end for `format`: bytes → document, diagnostics, and what `source` says.
fn read_document(
    bytes: &[u8],
    format: InputFormat,
) -> Result<(doc::Document, Vec<model::Diagnostic>, SourceFormat, Option<u32>)> {
    Ok(match format {
        InputFormat::Text => {
            let text = input::text::decode(bytes)?;
            (input::text::to_document(&text), Vec::new(), SourceFormat::Text, None)
        }
        InputFormat::Pdf => {
            let (document, diags) = input::pdf::read(bytes)?;
            let pages = document.pages.len() as u32;
            (document, diags, SourceFormat::Pdf, Some(pages))
        }
    })
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
