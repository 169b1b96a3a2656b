//! The report grammar: normalized pages → chapters, summary tables, cards, case studies.

use crate::doc::Document;
use crate::error::Result;
use crate::model::{Report, Source, SCHEMA_VERSION};

/// Build a report from a normalized document.
pub fn build(_doc: &Document, source: Source) -> Result<Report> {
    Ok(Report {
        schema_version: SCHEMA_VERSION.to_string(),
        source,
        title: None,
        fiscal_year: None,
        policies: Vec::new(),
        diagnostics: Vec::new(),
    })
}
