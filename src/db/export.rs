//! Export: every table (and `schema_migrations`), then every view, to `DIR/<table>.csv` or `.ndjson`.
//!
//! Rows are ordered by primary key, so two exports of the same data are byte-identical.
//! CSV follows RFC 4180 quoting (a field with `,`, `"`, CR or LF is quoted, `"` doubled),
//! NULL is an empty field, booleans are `true`/`false`; `excel` prepends the UTF-8 byte
//! order mark that Japanese Excel needs to read UTF-8. Files are written as
//! [`crate::output::write`] does (atomically, symlinks followed).

use std::path::{Path, PathBuf};

use super::error::Result;
use super::{schema, Db, Rows, Value};

/// Output format of [`export`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }
}

/// One written file.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub table: String,
    pub path: PathBuf,
    pub rows: usize,
}

/// Write each table of the database to `dir` (created if missing).
pub fn export(db: &mut Db, dir: &Path, format: Format, excel: bool) -> Result<Vec<Exported>> {
    crate::output::ensure_dir(dir)?;
    let mut out = Vec::new();
    let tables = std::iter::once("schema_migrations").chain(schema::TABLES.iter().copied());
    let views = schema::VIEWS.iter().map(|(v, _)| *v);
    for (table, is_view) in tables.map(|t| (t, false)).chain(views.map(|v| (v, true))) {
        let rows = if is_view { db.view(table)? } else { db.table(table)? };
        let bytes = match format {
            Format::Csv => csv(&rows, excel),
            Format::Ndjson => ndjson(&rows)?,
        };
        let path = dir.join(format!("{table}.{}", format.extension()));
        crate::output::write(&path, &bytes, &[])?;
        out.push(Exported { table: table.to_string(), path, rows: rows.rows.len() });
    }
    Ok(out)
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
    }
}

fn csv_field(field: &str, out: &mut String) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn csv_line<'a>(fields: impl Iterator<Item = &'a str>, out: &mut String) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(f, out);
    }
    out.push_str("\r\n");
}

/// The table as CSV with a header line (CRLF line ends, as RFC 4180 and Excel expect).
pub fn csv(rows: &Rows, excel: bool) -> Vec<u8> {
    let mut out = String::new();
    if excel {
        out.push('\u{feff}');
    }
    csv_line(rows.columns.iter().map(String::as_str), &mut out);
    for row in &rows.rows {
        let fields: Vec<String> = row.iter().map(text).collect();
        csv_line(fields.iter().map(String::as_str), &mut out);
    }
    out.into_bytes()
}

fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Real(f) => match crate::model::whole_number(*f) {
            Some(i) => serde_json::Value::from(i),
            None => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        },
        Value::Text(s) => serde_json::Value::String(s.clone()),
        Value::Bool(b) => serde_json::Value::Bool(*b),
    }
}

/// The table as one JSON object per line, keys in column order.
pub fn ndjson(rows: &Rows) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for row in &rows.rows {
        let object: serde_json::Map<String, serde_json::Value> =
            rows.columns.iter().cloned().zip(row.iter().map(json)).collect();
        serde_json::to_writer(&mut out, &object)?;
        out.push(b'\n');
    }
    Ok(out)
}
