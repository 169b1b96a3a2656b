//! Writing one report as rows, table by table (parents before children), through a
//! backend [`Writer`] that is already inside a transaction.
//!
//! Each row is given as `(column, value)` pairs and checked against the table's
//! description in [`schema`] (the one the DDL is written from), so a column added to the
//! schema but not to the loader, or one misspelt, fails every load instead of shifting
//! values into the wrong columns.

use super::error::{Error, Result};
use super::schema::{self, Table};
use super::{LoadSummary, Value, Writer};
use crate::model::{Cell, Level, MetricRow, Policy, Project, Report, SourceFormat};

fn json_list<T: serde::Serialize>(items: &T) -> Result<Value> {
    Ok(Value::Text(serde_json::to_string(items)?))
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Info => "info",
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

/// Insert one row of `table`; `row` names every insert column of the table, in the
/// table's order. Returns the row's `id`.
fn insert(w: &mut dyn Writer, table: &Table, row: Vec<(&'static str, Value)>) -> Result<i64> {
    let (columns, values): (Vec<&str>, Vec<Value>) = row.into_iter().unzip();
    if !columns.iter().copied().eq(table.insert_columns()) {
        return Err(Error::Db(format!(
            "the loader's columns for {} ({}) are not the schema's ({})",
            table.name,
            columns.join(", "),
            table.insert_columns().collect::<Vec<_>>().join(", ")
        )));
    }
    w.insert(table.name, &columns, &values)
}

/// Rows inserted per table so far, and the hook that runs after each table.
struct Progress<'h> {
    counts: Vec<(&'static str, usize)>,
    hook: &'h mut dyn FnMut(&str) -> Result<()>,
}

impl Progress<'_> {
    fn done(&mut self, table: &Table, rows: usize) -> Result<()> {
        self.counts.push((table.name, rows));
        (self.hook)(table.name)
    }
}

/// Delete an earlier load of the same document, then insert every table; `hook` runs after
/// each table.
pub(super) fn write(
    w: &mut dyn Writer,
    report: &Report,
    hook: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<LoadSummary> {
    let sha = Value::from(&report.source.sha256);
    let replaced = w.execute("DELETE FROM reports WHERE sha256 = $1", std::slice::from_ref(&sha))? > 0;
    let mut progress = Progress { counts: Vec::new(), hook };

    let report_id = insert(w, &schema::REPORTS, report_row(report))?;
    progress.done(&schema::REPORTS, 1)?;
    let policies = write_policies(w, report, report_id, &mut progress)?;
    write_summary_rows(w, &policies, &mut progress)?;
    let projects = write_projects(w, &policies, &mut progress)?;
    write_cost_breakdowns(w, &projects, &mut progress)?;
    write_metrics(w, &projects, &mut progress)?;
    write_case_studies(w, &policies, &mut progress)?;
    write_diagnostics(w, report, report_id, &mut progress)?;

    Ok(LoadSummary { report_id, replaced, rows: progress.counts })
}

fn report_row(report: &Report) -> Vec<(&'static str, Value)> {
    let fy = report.fiscal_year.as_ref();
    let format = match report.source.format {
        SourceFormat::Text => "text",
        SourceFormat::Pdf => "pdf",
    };
    vec![
        ("sha256", Value::from(&report.source.sha256)),
        ("source_file", Value::from(&report.source.file)),
        ("source_format", Value::from(format)),
        ("pages", Value::from(report.source.pages)),
        ("schema_version", Value::from(&report.schema_version)),
        ("title", Value::from(report.title.as_ref())),
        ("era", Value::from(fy.map(|f| &f.era))),
        ("era_year", Value::from(fy.map(|f| f.era_year))),
        ("fiscal_year", Value::from(fy.map(|f| f.year))),
    ]
}

fn write_policies<'r>(
    w: &mut dyn Writer,
    report: &'r Report,
    report_id: i64,
    progress: &mut Progress<'_>,
) -> Result<Vec<(&'r Policy, i64)>> {
    let mut policies = Vec::new();
    for (seq, p) in report.policies.iter().enumerate() {
        let row = vec![
            ("report_id", Value::Int(report_id)),
            ("seq", Value::from(seq)),
            ("number", Value::from(p.numbers.first().copied())),
            ("numbers", json_list(&p.numbers)?),
            ("titles", json_list(&p.titles)?),
            ("overview", Value::from(p.overview.as_ref())),
            ("summary_columns", json_list(&p.summary.columns)?),
            ("subtotal_thousand_yen", Value::from(p.summary.subtotal_thousand_yen)),
            ("pdf_page", Value::from(p.pdf_page)),
        ];
        policies.push((p, insert(w, &schema::POLICIES, row)?));
    }
    progress.done(&schema::POLICIES, policies.len())?;
    Ok(policies)
}

fn write_summary_rows(
    w: &mut dyn Writer,
    policies: &[(&Policy, i64)],
    progress: &mut Progress<'_>,
) -> Result<()> {
    let mut n = 0;
    for (p, policy_id) in policies {
        for (seq, r) in p.summary.rows.iter().enumerate() {
            let listed = match &r.policies {
                Some(list) => json_list(list)?,
                None => Value::Null,
            };
            let row = vec![
                ("policy_id", Value::Int(*policy_id)),
                ("seq", Value::from(seq)),
                ("no", Value::from(r.no)),
                ("name", Value::from(&r.name)),
                ("cost_thousand_yen", Value::from(r.cost_thousand_yen)),
                ("is_new", Value::from(r.is_new)),
                ("departments", json_list(&r.departments)?),
                ("page", Value::from(r.page)),
                ("policies", listed),
            ];
            insert(w, &schema::SUMMARY_ROWS, row)?;
            n += 1;
        }
    }
    progress.done(&schema::SUMMARY_ROWS, n)
}

fn project_row(policy_id: i64, seq: usize, c: &Project) -> Vec<(&'static str, Value)> {
    let d = c.department.as_ref();
    let corner =
        |i: usize| Value::from(c.bbox.and_then(|b| b.get(i).copied()).map(crate::model::bbox_coordinate));
    vec![
        ("policy_id", Value::Int(policy_id)),
        ("seq", Value::from(seq)),
        ("no", Value::from(c.no)),
        ("name", Value::from(&c.name)),
        ("relisted", Value::from(c.relisted)),
        ("cost_thousand_yen", Value::from(c.cost_thousand_yen)),
        ("overview", Value::from(&c.overview)),
        ("results", Value::from(&c.results)),
        ("department", Value::from(d.map(|d| &d.text))),
        ("division", Value::from(d.and_then(|d| d.division.as_ref()))),
        ("department_group", Value::from(d.and_then(|d| d.group.as_ref()))),
        ("bureau", Value::from(d.and_then(|d| d.bureau.as_ref()))),
        ("page", Value::from(c.page)),
        ("pdf_page", Value::from(c.pdf_page)),
        ("bbox_x0", corner(0)),
        ("bbox_y0", corner(1)),
        ("bbox_x1", corner(2)),
        ("bbox_y1", corner(3)),
    ]
}

fn write_projects<'r>(
    w: &mut dyn Writer,
    policies: &[(&'r Policy, i64)],
    progress: &mut Progress<'_>,
) -> Result<Vec<(&'r Project, i64)>> {
    let mut projects = Vec::new();
    for (p, policy_id) in policies {
        for (seq, c) in p.projects.iter().enumerate() {
            projects.push((c, insert(w, &schema::PROJECTS, project_row(*policy_id, seq, c))?));
        }
    }
    progress.done(&schema::PROJECTS, projects.len())?;
    Ok(projects)
}

fn write_cost_breakdowns(
    w: &mut dyn Writer,
    projects: &[(&Project, i64)],
    progress: &mut Progress<'_>,
) -> Result<()> {
    let mut n = 0;
    for (c, project_id) in projects {
        for (seq, item) in c.cost_breakdown.iter().enumerate() {
            let row = vec![
                ("project_id", Value::Int(*project_id)),
                ("seq", Value::from(seq)),
                ("label", Value::from(&item.label)),
                ("cost_thousand_yen", Value::Int(item.cost_thousand_yen)),
            ];
            insert(w, &schema::COST_BREAKDOWNS, row)?;
            n += 1;
        }
    }
    progress.done(&schema::COST_BREAKDOWNS, n)
}

/// `metric_columns`, `metric_rows`, `metric_cells`, `metric_values`: a cell refers to its
/// row and to the column at its position (none beyond the printed columns).
fn write_metrics(
    w: &mut dyn Writer,
    projects: &[(&Project, i64)],
    progress: &mut Progress<'_>,
) -> Result<()> {
    // Column ids per project, in the same order as `projects`.
    let mut columns: Vec<Vec<i64>> = Vec::new();
    for (c, project_id) in projects {
        let mut ids = Vec::new();
        for (seq, col) in c.metrics.columns.iter().enumerate() {
            let row = vec![
                ("project_id", Value::Int(*project_id)),
                ("seq", Value::from(seq)),
                ("label", Value::from(&col.label)),
                ("fiscal_year", Value::from(col.fiscal_year)),
            ];
            ids.push(insert(w, &schema::METRIC_COLUMNS, row)?);
        }
        columns.push(ids);
    }
    progress.done(&schema::METRIC_COLUMNS, columns.iter().map(Vec::len).sum())?;

    let mut rows: Vec<(&MetricRow, i64, &[i64])> = Vec::new();
    for ((c, project_id), column_ids) in projects.iter().zip(&columns) {
        for (seq, row) in c.metrics.rows.iter().enumerate() {
            let values = vec![
                ("project_id", Value::Int(*project_id)),
                ("seq", Value::from(seq)),
                ("item", Value::from(&row.item)),
            ];
            rows.push((row, insert(w, &schema::METRIC_ROWS, values)?, column_ids.as_slice()));
        }
    }
    progress.done(&schema::METRIC_ROWS, rows.len())?;

    let mut cells: Vec<(&Cell, i64)> = Vec::new();
    for (row, row_id, column_ids) in &rows {
        for (seq, cell) in row.cells.iter().enumerate() {
            let values = vec![
                ("metric_row_id", Value::Int(*row_id)),
                // A cell beyond the printed columns has no column.
                ("metric_column_id", Value::from(column_ids.get(seq).copied())),
                ("seq", Value::from(seq)),
                ("text", Value::from(&cell.text)),
            ];
            cells.push((cell, insert(w, &schema::METRIC_CELLS, values)?));
        }
    }
    progress.done(&schema::METRIC_CELLS, cells.len())?;
    write_metric_values(w, &cells, progress)
}

fn write_metric_values(
    w: &mut dyn Writer,
    cells: &[(&Cell, i64)],
    progress: &mut Progress<'_>,
) -> Result<()> {
    let mut n = 0;
    for (cell, cell_id) in cells {
        for (seq, q) in cell.values.iter().enumerate() {
            let row = vec![
                ("metric_cell_id", Value::Int(*cell_id)),
                ("seq", Value::from(seq)),
                ("value", Value::Real(q.value)),
                ("unit", Value::from(q.unit.as_ref())),
                ("qualifier", Value::from(q.qualifier.as_ref())),
            ];
            insert(w, &schema::METRIC_VALUES, row)?;
            n += 1;
        }
    }
    progress.done(&schema::METRIC_VALUES, n)
}

fn write_case_studies(
    w: &mut dyn Writer,
    policies: &[(&Policy, i64)],
    progress: &mut Progress<'_>,
) -> Result<()> {
    let mut n = 0;
    for (p, policy_id) in policies {
        for (seq, s) in p.case_studies.iter().enumerate() {
            let row = vec![
                ("policy_id", Value::Int(*policy_id)),
                ("seq", Value::from(seq)),
                ("title", Value::from(&s.title)),
                ("projects", json_list(&s.projects)?),
                ("companies", json_list(&s.companies)?),
                ("text", Value::from(&s.text)),
                ("page", Value::from(s.page)),
                ("pdf_page", Value::from(s.pdf_page)),
            ];
            insert(w, &schema::CASE_STUDIES, row)?;
            n += 1;
        }
    }
    progress.done(&schema::CASE_STUDIES, n)
}

fn write_diagnostics(
    w: &mut dyn Writer,
    report: &Report,
    report_id: i64,
    progress: &mut Progress<'_>,
) -> Result<()> {
    for (seq, d) in report.diagnostics.iter().enumerate() {
        let row = vec![
            ("report_id", Value::Int(report_id)),
            ("seq", Value::from(seq)),
            ("level", Value::from(level_name(d.level))),
            ("code", Value::from(d.code.as_str())),
            ("message", Value::from(&d.message)),
            ("page", Value::from(d.page)),
            ("policy", Value::from(d.policy)),
            ("card", Value::from(d.card)),
        ];
        insert(w, &schema::DIAGNOSTICS, row)?;
    }
    progress.done(&schema::DIAGNOSTICS, report.diagnostics.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records inserts instead of running them.
    #[derive(Default)]
    struct Recorder {
        tables: Vec<String>,
    }

    impl Writer for Recorder {
        fn execute(&mut self, _: &str, _: &[Value]) -> Result<u64> {
            Ok(0)
        }
        fn insert(&mut self, table: &str, _: &[&str], _: &[Value]) -> Result<i64> {
            self.tables.push(table.to_string());
            Ok(self.tables.len() as i64)
        }
    }

    #[test]
    fn a_row_must_name_the_schemas_columns_in_order() {
        let mut w = Recorder::default();
        let row = vec![("project_id", Value::Int(1)), ("seq", Value::Int(0)), ("item", Value::Null)];
        assert!(insert(&mut w, &schema::METRIC_ROWS, row).is_ok());
        let swapped = vec![("seq", Value::Int(0)), ("project_id", Value::Int(1)), ("item", Value::Null)];
        assert!(insert(&mut w, &schema::METRIC_ROWS, swapped).is_err());
        let short = vec![("project_id", Value::Int(1)), ("seq", Value::Int(0))];
        assert!(insert(&mut w, &schema::METRIC_ROWS, short).is_err());
        assert_eq!(w.tables, ["metric_rows"]);
    }

    #[test]
    fn every_table_is_written_in_order() {
        // The conversion of a small generated report (every table has rows in it).
        let text = include_str!("../../fixtures/years/r4.txt");
        let report = crate::convert(text.as_bytes(), "r4.txt", &crate::Options::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut w = Recorder::default();
        let summary = write(&mut w, &report, &mut |_| Ok(())).unwrap_or_else(|e| panic!("{e}"));
        let tables: Vec<&str> = summary.rows.iter().map(|(t, _)| *t).collect();
        let schema_tables: Vec<&str> = schema::V1_TABLES.iter().map(|t| t.name).collect();
        assert_eq!(tables, schema_tables);
    }
}
