//! Typed errors of the library: the input could not be used at all.
//!
//! Anything short of that (a card that cannot be completed, an odd cell) is a
//! [`crate::model::Diagnostic`] in the report, not an error.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("empty input")]
    Empty,
    #[error("not a text file: {0}")]
    NotText(String),
    #[error("not a report of this kind: {0}")]
    NotAReport(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("encrypted: password required")]
    Encrypted,
    /// A resource bound was hit (decompression bomb, too much work, input too large).
    /// The file is refused rather than read in part: a partial report of a hostile file
    /// would look complete.
    #[error("limit exceeded: {0}")]
    Limit(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A file or folder that cannot be used as asked: `PATH: cause`, naming it once. (One
    /// string, not two fields: a larger `Error` makes every `Result` of the PDF
    /// interpreter's hot loops larger too.)
    #[error("{0}")]
    File(String),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("schema: {0}")]
    Schema(String),
}

pub type Result<T> = std::result::Result<T, Error>;
