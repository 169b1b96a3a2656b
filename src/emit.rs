//! Emit: serialize a report as JSON with a stable key order.

use crate::error::Result;
use crate::model::Report;

pub fn to_json(report: &Report, compact: bool) -> Result<String> {
    let mut s = if compact { serde_json::to_string(report)? } else { serde_json::to_string_pretty(report)? };
    s.push('\n');
    Ok(s)
}
