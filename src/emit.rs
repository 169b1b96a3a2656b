//! Emit: serialize a report as JSON with a stable key order, validated against the
//! bundled JSON Schema on every emit.
//!
//! Key order is the order of the fields in [`crate::model`] (serde_json's
//! `preserve_order`), so the same report always gives the same bytes.

use crate::error::{Error, Result};
use crate::model::Report;

/// The report as JSON text (with a final newline). A schema violation here is a bug in
/// this crate, so it is an error rather than a diagnostic: no invalid file is written.
pub fn to_json(report: &Report, compact: bool) -> Result<String> {
    let value = serde_json::to_value(report)?;
    let errors = crate::validate::schema_errors(&value)?;
    if let Some(first) = errors.first() {
        return Err(Error::Schema(format!(
            "output breaks the schema ({} errors), first: {first}",
            errors.len()
        )));
    }
    let mut s = if compact { serde_json::to_string(&value)? } else { serde_json::to_string_pretty(&value)? };
    s.push('\n');
    Ok(s)
}
