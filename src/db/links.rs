//! `project_links`: the projects of reports of consecutive fiscal years, paired by the
//! same matcher as `shisaku diff` ([`crate::diff::link`]).
//!
//! One report stands for each fiscal year: the one loaded last (highest `id`), so that a
//! second rendition of a year (its PDF beside its text dump) does not double the series.
//! Years follow each other in the order present: with R4 and R6 loaded but not R5, R4 is
//! linked to R6. The whole table is rebuilt each time: reports are few, and a rebuild
//! after a deletion or a re-load can never leave a stale pair.

use super::error::Result;
use super::{Db, Value, Writer};
use crate::diff::link::{match_projects, Candidate};

/// One row to insert.
struct LinkRow {
    old_report: i64,
    new_report: i64,
    old_project: i64,
    new_project: i64,
    method: &'static str,
    score: f64,
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Int(i)) => *i != 0,
        _ => false,
    }
}

/// The projects of one report, with their ids.
fn projects(db: &mut Db, report: i64) -> Result<Vec<(i64, Candidate)>> {
    let rows = db.query(
        "SELECT p.id, pol.number, p.no, p.name, p.relisted, p.division, p.department
         FROM projects p JOIN policies pol ON pol.id = p.policy_id
         WHERE pol.report_id = $1 ORDER BY pol.seq, p.seq",
        &[Value::Int(report)],
    )?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|r| {
            let id = r.first()?.as_i64()?;
            let text = |i: usize| r.get(i).and_then(Value::as_str).map(str::to_string);
            let candidate = Candidate {
                policy: r.get(1).and_then(Value::as_i64).and_then(|n| u8::try_from(n).ok()),
                no: r.get(2).and_then(Value::as_i64).and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                name: text(3).unwrap_or_default(),
                relisted: truthy(r.get(4)),
                division: text(5).or_else(|| text(6)),
            };
            Some((id, candidate))
        })
        .collect())
}

/// Compute every link (reads only).
fn compute(db: &mut Db) -> Result<Vec<LinkRow>> {
    let reports = db.query(
        "SELECT fiscal_year, MAX(id) FROM reports WHERE fiscal_year IS NOT NULL
         GROUP BY fiscal_year ORDER BY fiscal_year",
        &[],
    )?;
    let ids: Vec<i64> = reports.rows.iter().filter_map(|r| r.get(1).and_then(Value::as_i64)).collect();
    let mut out = Vec::new();
    let mut previous: Option<(i64, Vec<(i64, Candidate)>)> = None;
    for id in ids {
        let current = projects(db, id)?;
        if let Some((old_id, old)) = &previous {
            let o: Vec<Candidate> = old.iter().map(|(_, c)| c.clone()).collect();
            let n: Vec<Candidate> = current.iter().map(|(_, c)| c.clone()).collect();
            for pair in match_projects(&o, &n) {
                let (Some((op, _)), Some((np, _))) = (old.get(pair.old), current.get(pair.new)) else {
                    continue;
                };
                out.push(LinkRow {
                    old_report: *old_id,
                    new_report: id,
                    old_project: *op,
                    new_project: *np,
                    method: pair.method.as_str(),
                    score: pair.score,
                });
            }
        }
        previous = Some((id, current));
    }
    Ok(out)
}

fn write(w: &mut dyn Writer, links: &[LinkRow]) -> Result<()> {
    w.execute("DELETE FROM project_links", &[])?;
    for l in links {
        w.insert(
            "project_links",
            &["old_report_id", "new_report_id", "old_project_id", "new_project_id", "method", "score"],
            &[
                Value::Int(l.old_report),
                Value::Int(l.new_report),
                Value::Int(l.old_project),
                Value::Int(l.new_project),
                Value::from(l.method),
                Value::Real(l.score),
            ],
        )?;
    }
    Ok(())
}

impl Db {
    /// Rebuild `project_links` from the reports present; returns the number of links.
    pub fn rebuild_links(&mut self) -> Result<usize> {
        let links = compute(self)?;
        match self {
            Db::Sqlite(c) => {
                let tx = c.transaction()?;
                write(&mut super::sqlite::Writer::new(&tx), &links)?;
                tx.commit()?;
            }
            Db::Postgres(c) => {
                let mut tx = c.transaction()?;
                write(&mut super::postgres::Writer::new(&mut tx), &links)?;
                tx.commit()?;
            }
        }
        Ok(links.len())
    }
}
