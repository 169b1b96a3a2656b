//! Comparing two reports: `shisaku diff OLD NEW`.
//!
//! Two reports of the **same fiscal year** (a new converter version, a corrected PDF, a
//! text dump beside its PDF) are compared field by field, per card keyed by chapter, card
//! number and name: [`SameYear`]. Equality is the contract's content as a reader sees it:
//! text is compared without white space (line breaks and spacing depend on the reader and
//! the PDF writer, not on the report), and what only one kind of input can carry is left
//! out — `source`, `diagnostics`, `pdf_page`, `bbox`, and what one side could not read: a
//! summary row's `policies` or a case study's `page` that is `null`, a case study's empty
//! `projects`/`companies`. A metric cell's parsed `values` are compared where its two texts
//! are identical to the character (elsewhere they follow the reader's line wrapping).
//!
//! Two reports of **different fiscal years** are linked project by project (`diff::link`,
//! the matcher the database uses too): continued, new and ended projects, cost changes per project and per chapter, metric
//! rows matched by item, and restatements — the newer report's figure for a year the older
//! one also printed, where the two differ: [`Years`].

pub(crate) mod link;
mod render;

use serde::Serialize;

use crate::model::{Policy, Project, Report};
pub use link::{Candidate, Method, Pair};
pub use render::table;

/// The result of comparing two reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Diff {
    SameYear(SameYear),
    Years(Years),
}

impl Diff {
    /// Whether the two reports have the same content (never for different years).
    pub fn is_equal(&self) -> bool {
        match self {
            Diff::SameYear(s) => s.differences.is_empty(),
            Diff::Years(_) => false,
        }
    }
}

/// Field-level differences between two reports of one fiscal year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SameYear {
    pub fiscal_year: Option<i32>,
    pub differences: Vec<FieldDiff>,
}

/// One field that differs. `card` is `None` for a chapter-level field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDiff {
    pub policy: Option<u8>,
    pub card: Option<u32>,
    /// The card's (or summary row's) name in the old report, else in the new one.
    pub name: Option<String>,
    /// Path of the field, e.g. `cost_thousand_yen`, `metrics.rows[2].cells[1]`.
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A project's place in one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectRef {
    pub policy: Option<u8>,
    pub no: u32,
    pub name: String,
    pub relisted: bool,
}

/// Year-over-year comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Years {
    pub old_fiscal_year: Option<i32>,
    pub new_fiscal_year: Option<i32>,
    /// Continued projects, in the new report's order.
    pub continued: Vec<Continued>,
    pub new: Vec<ProjectRef>,
    pub ended: Vec<ProjectRef>,
    pub policies: Vec<PolicyCost>,
    pub restatements: Vec<Restatement>,
}

/// A project in both reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Continued {
    pub old: ProjectRef,
    pub new: ProjectRef,
    pub method: Method,
    pub score: f64,
    pub old_cost_thousand_yen: Option<i64>,
    pub new_cost_thousand_yen: Option<i64>,
    pub cost_change_thousand_yen: Option<i64>,
    /// Metric items of the new card also found (by item) on the old card.
    pub metric_items_matched: usize,
    pub metric_items_new: Vec<String>,
    pub metric_items_ended: Vec<String>,
}

/// A chapter's total (its summary's 小計) in both reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyCost {
    pub policy: u8,
    pub old_subtotal_thousand_yen: Option<i64>,
    pub new_subtotal_thousand_yen: Option<i64>,
    pub change_thousand_yen: Option<i64>,
}

/// A figure the newer report prints for a year the older one also printed, differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Restatement {
    pub old: ProjectRef,
    pub new: ProjectRef,
    pub item: String,
    pub fiscal_year: i32,
    pub old_text: String,
    pub new_text: String,
}

/// Compare two reports: field by field when they are of the same fiscal year (or either
/// year is unknown), else year over year.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let (a, b) = (year(old), year(new));
    match (a, b) {
        (Some(x), Some(y)) if x != y => Diff::Years(years(old, new)),
        _ => Diff::SameYear(same_year(old, new)),
    }
}

fn year(r: &Report) -> Option<i32> {
    r.fiscal_year.as_ref().map(|f| f.year)
}

/// Text as compared: without white space.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn first(p: &Policy) -> Option<u8> {
    p.numbers.first().copied()
}

// ---------------------------------------------------------------- same fiscal year

struct Collector<'a> {
    out: &'a mut Vec<FieldDiff>,
    policy: Option<u8>,
    card: Option<u32>,
    name: Option<String>,
}

impl Collector<'_> {
    fn text(&mut self, field: &str, old: Option<&str>, new: Option<&str>) {
        if old.map(squash) != new.map(squash) {
            self.push(field, old.map(str::to_string), new.map(str::to_string));
        }
    }
    fn value<T: PartialEq + std::fmt::Debug>(&mut self, field: &str, old: &T, new: &T) {
        if old != new {
            self.push(field, Some(show(old)), Some(show(new)));
        }
    }
    fn push(&mut self, field: &str, old: Option<String>, new: Option<String>) {
        self.out.push(FieldDiff {
            policy: self.policy,
            card: self.card,
            name: self.name.clone(),
            field: field.to_string(),
            old,
            new,
        });
    }
}

/// `Some(5)` → `5`, `None` → `null`, strings without quotes.
fn show<T: std::fmt::Debug>(v: &T) -> String {
    let s = format!("{v:?}");
    let s = s.strip_prefix("Some(").and_then(|x| x.strip_suffix(')')).map(str::to_string).unwrap_or(s);
    if s == "None" {
        "null".into()
    } else {
        s.trim_matches('"').to_string()
    }
}

/// Field-level comparison of two reports of one year; see the module documentation.
pub fn same_year(old: &Report, new: &Report) -> SameYear {
    let mut out = Vec::new();
    let mut top = Collector { out: &mut out, policy: None, card: None, name: None };
    top.text("title", old.title.as_deref(), new.title.as_deref());
    top.value("fiscal_year", &year(old), &year(new));

    for op in &old.policies {
        let np = new.policies.iter().find(|p| p.numbers == op.numbers);
        let mut c = Collector { out: &mut out, policy: first(op), card: None, name: None };
        let Some(np) = np else {
            c.push("policy", Some(format!("{:?}", op.numbers)), None);
            continue;
        };
        policy_fields(&mut out, op, np);
    }
    for np in &new.policies {
        if !old.policies.iter().any(|p| p.numbers == np.numbers) {
            let mut c = Collector { out: &mut out, policy: first(np), card: None, name: None };
            c.push("policy", None, Some(format!("{:?}", np.numbers)));
        }
    }
    SameYear { fiscal_year: year(new).or(year(old)), differences: out }
}

fn policy_fields(out: &mut Vec<FieldDiff>, op: &Policy, np: &Policy) {
    let mut c = Collector { out, policy: first(op), card: None, name: None };
    c.value(
        "titles",
        &op.titles.iter().map(|t| squash(t)).collect::<Vec<_>>(),
        &np.titles.iter().map(|t| squash(t)).collect::<Vec<_>>(),
    );
    c.text("overview", op.overview.as_deref(), np.overview.as_deref());
    c.value(
        "summary.subtotal_thousand_yen",
        &op.summary.subtotal_thousand_yen,
        &np.summary.subtotal_thousand_yen,
    );
    c.value("summary.rows.len", &op.summary.rows.len(), &np.summary.rows.len());
    for (i, orow) in op.summary.rows.iter().enumerate() {
        let Some(nrow) = np.summary.rows.get(i) else { continue };
        let mut c = Collector { out, policy: first(op), card: None, name: Some(orow.name.clone()) };
        let f = |x: &str| format!("summary.rows[{}].{x}", orow.no);
        c.value(&f("no"), &orow.no, &nrow.no);
        c.text(&f("name"), Some(&orow.name), Some(&nrow.name));
        c.value(&f("cost_thousand_yen"), &orow.cost_thousand_yen, &nrow.cost_thousand_yen);
        c.value(&f("is_new"), &orow.is_new, &nrow.is_new);
        c.value(&f("departments"), &squash(&orow.departments.concat()), &squash(&nrow.departments.concat()));
        c.value(&f("page"), &orow.page, &nrow.page);
        // `null` is "could not tell" (a text dump's single ○), not a different answer.
        if let (Some(a), Some(b)) = (&orow.policies, &nrow.policies) {
            c.value(&f("policies"), a, b);
        }
    }

    for op_card in &op.projects {
        let name = Some(op_card.name.clone());
        match np.projects.iter().find(|p| p.no == op_card.no) {
            Some(np_card) => card_fields(out, first(op), op_card, np_card),
            None => Collector { out, policy: first(op), card: Some(op_card.no), name }.push(
                "card",
                Some(op_card.name.clone()),
                None,
            ),
        }
    }
    for np_card in &np.projects {
        if !op.projects.iter().any(|p| p.no == np_card.no) {
            let name = Some(np_card.name.clone());
            Collector { out, policy: first(np), card: Some(np_card.no), name }.push(
                "card",
                None,
                Some(np_card.name.clone()),
            );
        }
    }
    c = Collector { out, policy: first(op), card: None, name: None };
    c.value("case_studies.len", &op.case_studies.len(), &np.case_studies.len());
    for (i, (a, b)) in op.case_studies.iter().zip(&np.case_studies).enumerate() {
        let mut c = Collector { out, policy: first(op), card: None, name: Some(a.title.clone()) };
        c.text(&format!("case_studies[{i}].title"), Some(&a.title), Some(&b.title));
        c.text(&format!("case_studies[{i}].text"), Some(&a.text), Some(&b.text));
        // An empty list or a `null` page is "not read" (a text dump has no pages; a PDF
        // reader may not split the heading's projects from its companies), not a difference.
        let list = |l: &[String]| l.iter().map(|s| squash(s)).collect::<Vec<_>>();
        if !a.projects.is_empty() && !b.projects.is_empty() {
            c.value(&format!("case_studies[{i}].projects"), &list(&a.projects), &list(&b.projects));
        }
        if !a.companies.is_empty() && !b.companies.is_empty() {
            c.value(&format!("case_studies[{i}].companies"), &list(&a.companies), &list(&b.companies));
        }
        if a.page.is_some() && b.page.is_some() {
            c.value(&format!("case_studies[{i}].page"), &a.page, &b.page);
        }
    }
}

fn card_fields(out: &mut Vec<FieldDiff>, policy: Option<u8>, a: &Project, b: &Project) {
    let mut c = Collector { out, policy, card: Some(a.no), name: Some(a.name.clone()) };
    c.text("name", Some(&a.name), Some(&b.name));
    c.value("relisted", &a.relisted, &b.relisted);
    c.value("cost_thousand_yen", &a.cost_thousand_yen, &b.cost_thousand_yen);
    let bd = |p: &Project| {
        p.cost_breakdown.iter().map(|x| (squash(&x.label), x.cost_thousand_yen)).collect::<Vec<_>>()
    };
    c.value("cost_breakdown", &bd(a), &bd(b));
    c.text("overview", Some(&a.overview), Some(&b.overview));
    c.text("results", Some(&a.results), Some(&b.results));
    let cols =
        |p: &Project| p.metrics.columns.iter().map(|x| (squash(&x.label), x.fiscal_year)).collect::<Vec<_>>();
    c.value("metrics.columns", &cols(a), &cols(b));
    c.value("metrics.rows.len", &a.metrics.rows.len(), &b.metrics.rows.len());
    for (i, (ra, rb)) in a.metrics.rows.iter().zip(&b.metrics.rows).enumerate() {
        c.text(&format!("metrics.rows[{i}].item"), Some(&ra.item), Some(&rb.item));
        c.value(&format!("metrics.rows[{i}].cells.len"), &ra.cells.len(), &rb.cells.len());
        for (j, (ca, cb)) in ra.cells.iter().zip(&rb.cells).enumerate() {
            c.text(&format!("metrics.rows[{i}].cells[{j}]"), Some(&ca.text), Some(&cb.text));
            let q = |x: &crate::model::Cell| {
                x.values
                    .iter()
                    .map(|v| (v.value.to_bits(), v.unit.clone(), v.qualifier.clone()))
                    .collect::<Vec<_>>()
            };
            // Quantities are parsed from the text; where the texts differ only in line
            // breaks, they follow the reader's wrapping (`6,897,486千\n円`), not the report.
            if ca.text == cb.text && q(ca) != q(cb) {
                c.push(
                    &format!("metrics.rows[{i}].cells[{j}].values"),
                    Some(quantities(&ca.values)),
                    Some(quantities(&cb.values)),
                );
            }
        }
    }
    let dept = |p: &Project| p.department.as_ref().map(|d| d.text.clone());
    c.text("department", dept(a).as_deref(), dept(b).as_deref());
    c.value("page", &a.page, &b.page);
}

/// `延べ 13名, 6件` — a cell's quantities as a reader would write them.
fn quantities(values: &[crate::model::Quantity]) -> String {
    let one = |q: &crate::model::Quantity| {
        let qualifier = q.qualifier.as_deref().map(|x| format!("{x} ")).unwrap_or_default();
        format!("{qualifier}{}{}", q.value, q.unit.as_deref().unwrap_or(""))
    };
    values.iter().map(one).collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------- different years

/// The projects of a report as the matcher sees them, with the cards they come from.
pub fn candidates(report: &Report) -> Vec<(Candidate, &Project)> {
    report
        .policies
        .iter()
        .flat_map(|pol| {
            pol.projects.iter().map(move |p| {
                let division =
                    p.department.as_ref().map(|d| d.division.clone().unwrap_or_else(|| d.text.clone()));
                (
                    Candidate {
                        policy: first(pol),
                        no: p.no,
                        name: p.name.clone(),
                        relisted: p.relisted,
                        division,
                    },
                    p,
                )
            })
        })
        .collect()
}

fn project_ref(c: &Candidate) -> ProjectRef {
    ProjectRef { policy: c.policy, no: c.no, name: c.name.clone(), relisted: c.relisted }
}

/// Year-over-year comparison; see the module documentation.
pub fn years(old: &Report, new: &Report) -> Years {
    let oc = candidates(old);
    let nc = candidates(new);
    let o: Vec<Candidate> = oc.iter().map(|(c, _)| c.clone()).collect();
    let n: Vec<Candidate> = nc.iter().map(|(c, _)| c.clone()).collect();
    let pairs = link::match_projects(&o, &n);

    let mut continued = Vec::new();
    let mut restatements = Vec::new();
    for pair in &pairs {
        let (Some((ocand, oproj)), Some((ncand, nproj))) = (oc.get(pair.old), nc.get(pair.new)) else {
            continue;
        };
        let (matched, items_new, items_ended) = metric_rows(oproj, nproj, ocand, ncand, &mut restatements);
        let change = match (oproj.cost_thousand_yen, nproj.cost_thousand_yen) {
            (Some(a), Some(b)) => Some(b - a),
            _ => None,
        };
        continued.push(Continued {
            old: project_ref(ocand),
            new: project_ref(ncand),
            method: pair.method,
            score: pair.score,
            old_cost_thousand_yen: oproj.cost_thousand_yen,
            new_cost_thousand_yen: nproj.cost_thousand_yen,
            cost_change_thousand_yen: change,
            metric_items_matched: matched,
            metric_items_new: items_new,
            metric_items_ended: items_ended,
        });
    }
    let new_only = n
        .iter()
        .enumerate()
        .filter(|(j, _)| !pairs.iter().any(|p| p.new == *j))
        .map(|(_, c)| project_ref(c))
        .collect();
    let ended = o
        .iter()
        .enumerate()
        .filter(|(i, _)| !pairs.iter().any(|p| p.old == *i))
        .map(|(_, c)| project_ref(c))
        .collect();

    let mut numbers: Vec<u8> = old.policies.iter().chain(&new.policies).filter_map(first).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let subtotal = |r: &Report, n: u8| {
        r.policies.iter().find(|p| first(p) == Some(n)).and_then(|p| p.summary.subtotal_thousand_yen)
    };
    let policies = numbers
        .into_iter()
        .map(|n| {
            let (a, b) = (subtotal(old, n), subtotal(new, n));
            PolicyCost {
                policy: n,
                old_subtotal_thousand_yen: a,
                new_subtotal_thousand_yen: b,
                change_thousand_yen: a.zip(b).map(|(a, b)| b - a),
            }
        })
        .collect();
    Years {
        old_fiscal_year: year(old),
        new_fiscal_year: year(new),
        continued,
        new: new_only,
        ended,
        policies,
        restatements,
    }
}

/// Match metric rows by item; collect restatements. Returns (matched, new items, ended items).
fn metric_rows(
    old: &Project,
    new: &Project,
    oref: &Candidate,
    nref: &Candidate,
    restatements: &mut Vec<Restatement>,
) -> (usize, Vec<String>, Vec<String>) {
    let key = |s: &str| link::name_key(s);
    let mut matched = 0;
    let mut items_new = Vec::new();
    let mut used = vec![false; old.metrics.rows.len()];
    for nrow in &new.metrics.rows {
        let k = key(&nrow.item);
        let found = old
            .metrics
            .rows
            .iter()
            .enumerate()
            .find(|(i, r)| !used.get(*i).copied().unwrap_or(true) && key(&r.item) == k);
        let Some((i, orow)) = found else {
            items_new.push(nrow.item.clone());
            continue;
        };
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
        matched += 1;
        for (ncol, ncell) in new.metrics.columns.iter().zip(&nrow.cells) {
            let Some(y) = ncol.fiscal_year else { continue };
            let Some(ocell) = old
                .metrics
                .columns
                .iter()
                .position(|c| c.fiscal_year == Some(y))
                .and_then(|j| orow.cells.get(j))
            else {
                continue;
            };
            // A relisted copy repeats its original's figures: counted once, on the original.
            let (a, b) = (squash(&ocell.text), squash(&ncell.text));
            // An empty cell printed no figure (a cell spanning both years leaves one empty).
            if !oref.relisted && !nref.relisted && !a.is_empty() && !b.is_empty() && a != b {
                restatements.push(Restatement {
                    old: project_ref(oref),
                    new: project_ref(nref),
                    item: nrow.item.clone(),
                    fiscal_year: y,
                    old_text: ocell.text.clone(),
                    new_text: ncell.text.clone(),
                });
            }
        }
    }
    let items_ended = old
        .metrics
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.get(*i).copied().unwrap_or(false))
        .map(|(_, r)| r.item.clone())
        .collect();
    (matched, items_new, items_ended)
}
