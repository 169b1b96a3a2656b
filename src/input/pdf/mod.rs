//! PDF front end: lopdf objects → fonts/CMaps → content interpreter → glyphs → layout.

use crate::doc::Document;
use crate::error::{Error, Result};
use crate::model::Diagnostic;

/// Read a PDF into pages of positioned lines.
pub fn read(_bytes: &[u8]) -> Result<(Document, Vec<Diagnostic>)> {
    Err(Error::Pdf("PDF input is not supported yet".into()))
}
