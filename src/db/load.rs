//! Writing one report as rows, table by table (parents before children), through a
//! backend [`Writer`] that is already inside a transaction.

use super::error::Result;
use super::{LoadSummary, Value, Writer};
use crate::model::{Level, MetricRow, Project, Report};

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

/// Delete an earlier load of the same document, then insert every table; `hook` runs after
/// each table.
pub(super) fn write(
    w: &mut dyn Writer,
    report: &Report,
    hook: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<LoadSummary> {
    let sha = Value::from(&report.source.sha256);
    let replaced = w.execute("DELETE FROM reports WHERE sha256 = $1", std::slice::from_ref(&sha))? > 0;
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut done = |table: &'static str, n: usize, counts: &mut Vec<(&'static str, usize)>| {
        counts.push((table, n));
        hook(table)
    };

    let fy = report.fiscal_year.as_ref();
    let format = match report.source.format {
        crate::model::SourceFormat::Text => "text",
        crate::model::SourceFormat::Pdf => "pdf",
    };
    let report_id = w.insert(
        "reports",
        &[
            "sha256",
            "source_file",
            "source_format",
            "pages",
            "schema_version",
            "title",
            "era",
            "era_year",
            "fiscal_year",
        ],
        &[
            sha,
            Value::from(&report.source.file),
            Value::from(format),
            Value::from(report.source.pages),
            Value::from(&report.schema_version),
            Value::from(report.title.as_ref()),
            Value::from(fy.map(|f| &f.era)),
            Value::from(fy.map(|f| f.era_year)),
            Value::from(fy.map(|f| f.year)),
        ],
    )?;
    done("reports", 1, &mut counts)?;

    let mut policies = Vec::new();
    for (seq, p) in report.policies.iter().enumerate() {
        let id = w.insert(
            "policies",
            &[
                "report_id",
                "seq",
                "number",
                "numbers",
                "titles",
                "overview",
                "summary_columns",
                "subtotal_thousand_yen",
                "pdf_page",
            ],
            &[
                Value::Int(report_id),
                Value::from(seq),
                Value::from(p.numbers.first().copied()),
                json_list(&p.numbers)?,
                json_list(&p.titles)?,
                Value::from(p.overview.as_ref()),
                json_list(&p.summary.columns)?,
                Value::from(p.summary.subtotal_thousand_yen),
                Value::from(p.pdf_page),
            ],
        )?;
        policies.push((p, id));
    }
    done("policies", policies.len(), &mut counts)?;

    let mut n = 0;
    for (p, policy_id) in &policies {
        for (seq, r) in p.summary.rows.iter().enumerate() {
            let listed = match &r.policies {
                Some(list) => json_list(list)?,
                None => Value::Null,
            };
            w.insert(
                "summary_rows",
                &[
                    "policy_id",
                    "seq",
                    "no",
                    "name",
                    "cost_thousand_yen",
                    "is_new",
                    "departments",
                    "page",
                    "policies",
                ],
                &[
                    Value::Int(*policy_id),
                    Value::from(seq),
                    Value::from(r.no),
                    Value::from(&r.name),
                    Value::from(r.cost_thousand_yen),
                    Value::from(r.is_new),
                    json_list(&r.departments)?,
                    Value::from(r.page),
                    listed,
                ],
            )?;
            n += 1;
        }
    }
    done("summary_rows", n, &mut counts)?;

    let mut projects: Vec<(&Project, i64)> = Vec::new();
    for (p, policy_id) in &policies {
        for (seq, c) in p.projects.iter().enumerate() {
            let d = c.department.as_ref();
            let b = c.bbox;
            let id = w.insert(
                "projects",
                &[
                    "policy_id",
                    "seq",
                    "no",
                    "name",
                    "relisted",
                    "cost_thousand_yen",
                    "overview",
                    "results",
                    "department",
                    "division",
                    "department_group",
                    "bureau",
                    "page",
                    "pdf_page",
                    "bbox_x0",
                    "bbox_y0",
                    "bbox_x1",
                    "bbox_y1",
                ],
                &[
                    Value::Int(*policy_id),
                    Value::from(seq),
                    Value::from(c.no),
                    Value::from(&c.name),
                    Value::from(c.relisted),
                    Value::from(c.cost_thousand_yen),
                    Value::from(&c.overview),
                    Value::from(&c.results),
                    Value::from(d.map(|d| &d.text)),
                    Value::from(d.and_then(|d| d.division.as_ref())),
                    Value::from(d.and_then(|d| d.group.as_ref())),
                    Value::from(d.and_then(|d| d.bureau.as_ref())),
                    Value::from(c.page),
                    Value::from(c.pdf_page),
                    Value::from(b.map(|b| crate::model::bbox_coordinate(b[0]))),
                    Value::from(b.map(|b| crate::model::bbox_coordinate(b[1]))),
                    Value::from(b.map(|b| crate::model::bbox_coordinate(b[2]))),
                    Value::from(b.map(|b| crate::model::bbox_coordinate(b[3]))),
                ],
            )?;
            projects.push((c, id));
        }
    }
    done("projects", projects.len(), &mut counts)?;

    let mut n = 0;
    for (c, project_id) in &projects {
        for (seq, item) in c.cost_breakdown.iter().enumerate() {
            w.insert(
                "cost_breakdowns",
                &["project_id", "seq", "label", "cost_thousand_yen"],
                &[
                    Value::Int(*project_id),
                    Value::from(seq),
                    Value::from(&item.label),
                    Value::Int(item.cost_thousand_yen),
                ],
            )?;
            n += 1;
        }
    }
    done("cost_breakdowns", n, &mut counts)?;

    // Column ids per project, in the same order as `projects`.
    let mut columns: Vec<Vec<i64>> = Vec::new();
    for (c, project_id) in &projects {
        let mut ids = Vec::new();
        for (seq, col) in c.metrics.columns.iter().enumerate() {
            ids.push(w.insert(
                "metric_columns",
                &["project_id", "seq", "label", "fiscal_year"],
                &[
                    Value::Int(*project_id),
                    Value::from(seq),
                    Value::from(&col.label),
                    Value::from(col.fiscal_year),
                ],
            )?);
        }
        columns.push(ids);
    }
    done("metric_columns", columns.iter().map(Vec::len).sum(), &mut counts)?;

    let mut rows: Vec<(&MetricRow, i64, usize)> = Vec::new();
    for (k, (c, project_id)) in projects.iter().enumerate() {
        for (seq, row) in c.metrics.rows.iter().enumerate() {
            let id = w.insert(
                "metric_rows",
                &["project_id", "seq", "item"],
                &[Value::Int(*project_id), Value::from(seq), Value::from(&row.item)],
            )?;
            rows.push((row, id, k));
        }
    }
    done("metric_rows", rows.len(), &mut counts)?;

    let mut cells = Vec::new();
    for (row, row_id, k) in &rows {
        for (seq, cell) in row.cells.iter().enumerate() {
            // A cell beyond the printed columns has no column.
            let column = columns.get(*k).and_then(|ids| ids.get(seq)).copied();
            let id = w.insert(
                "metric_cells",
                &["metric_row_id", "metric_column_id", "seq", "text"],
                &[Value::Int(*row_id), Value::from(column), Value::from(seq), Value::from(&cell.text)],
            )?;
            cells.push((cell, id));
        }
    }
    done("metric_cells", cells.len(), &mut counts)?;

    let mut n = 0;
    for (cell, cell_id) in &cells {
        for (seq, q) in cell.values.iter().enumerate() {
            w.insert(
                "metric_values",
                &["metric_cell_id", "seq", "value", "unit", "qualifier"],
                &[
                    Value::Int(*cell_id),
                    Value::from(seq),
                    Value::Real(q.value),
                    Value::from(q.unit.as_ref()),
                    Value::from(q.qualifier.as_ref()),
                ],
            )?;
            n += 1;
        }
    }
    done("metric_values", n, &mut counts)?;

    let mut n = 0;
    for (p, policy_id) in &policies {
        for (seq, s) in p.case_studies.iter().enumerate() {
            w.insert(
                "case_studies",
                &["policy_id", "seq", "title", "projects", "companies", "text", "page", "pdf_page"],
                &[
                    Value::Int(*policy_id),
                    Value::from(seq),
                    Value::from(&s.title),
                    json_list(&s.projects)?,
                    json_list(&s.companies)?,
                    Value::from(&s.text),
                    Value::from(s.page),
                    Value::from(s.pdf_page),
                ],
            )?;
            n += 1;
        }
    }
    done("case_studies", n, &mut counts)?;

    for (seq, d) in report.diagnostics.iter().enumerate() {
        w.insert(
            "diagnostics",
            &["report_id", "seq", "level", "code", "message", "page", "policy", "card"],
            &[
                Value::Int(report_id),
                Value::from(seq),
                Value::from(level_name(d.level)),
                Value::from(d.code.as_str()),
                Value::from(&d.message),
                Value::from(d.page),
                Value::from(d.policy),
                Value::from(d.card),
            ],
        )?;
    }
    done("diagnostics", report.diagnostics.len(), &mut counts)?;

    Ok(LoadSummary { report_id, replaced, rows: counts })
}
