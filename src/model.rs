//! The output contract: the types serialized as a report's JSON.
//!
//! Every field name here is part of the public contract described in the README and in
//! `schemas/report.schema.json`; a test keeps the two in step. Money is an integer number
//! of thousand yen; fiscal years are Gregorian start years.

use serde::{Deserialize, Serialize};

pub use crate::diagnostic::Code;

/// Version of the JSON contract; bump on any incompatible change.
pub const SCHEMA_VERSION: &str = "1.0.0";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub source: Source,
    pub title: Option<String>,
    pub fiscal_year: Option<FiscalYear>,
    pub policies: Vec<Policy>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What kind of input a report was read from: the JSON's `source.format`, the
/// conversion's forced input kind ([`crate::Options::format`], alias
/// [`crate::InputFormat`]) and the command line's `--input-format` are this one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Text,
    Pdf,
}

impl SourceFormat {
    /// Guess from magic bytes, then from the file name's extension.
    pub fn detect(bytes: &[u8], name: &str) -> SourceFormat {
        if crate::has_pdf_magic(bytes) || name.to_ascii_lowercase().ends_with(".pdf") {
            SourceFormat::Pdf
        } else {
            SourceFormat::Text
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub format: SourceFormat,
    pub sha256: String,
    /// Number of physical pages (PDF) or `null` for a text dump.
    pub pages: Option<u32>,
    /// A text dump's extractor style (`pdftotext-raw`, `pymupdf`, …), detected or given
    /// with `--dump-kind`; absent for a PDF and for a plain dump (one printed line a
    /// line, the style the grammar reads as is).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dump_kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiscalYear {
    /// Era name as printed, e.g. `令和`.
    pub era: String,
    pub era_year: u32,
    /// Gregorian year in which the fiscal year starts.
    pub year: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Basic-policy numbers covered by this chapter (`[6, 7]` for a shared chapter).
    pub numbers: Vec<u8>,
    pub titles: Vec<String>,
    /// 【取組の概要】 text.
    pub overview: Option<String>,
    pub summary: Summary,
    pub projects: Vec<Project>,
    pub case_studies: Vec<CaseStudy>,
    /// 1-based physical page where the chapter starts (PDF input only).
    pub pdf_page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Column headings as printed (normalized), when they could be read.
    pub columns: Vec<String>,
    pub rows: Vec<SummaryRow>,
    /// 小計 as printed, thousand yen.
    pub subtotal_thousand_yen: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub no: u32,
    /// Name as printed, （再掲） kept.
    pub name: String,
    pub cost_thousand_yen: Option<i64>,
    pub is_new: bool,
    pub departments: Vec<String>,
    /// 掲載頁: printed page of the project's card.
    pub page: Option<u32>,
    /// For a chapter covering several policies: which ones this row's ○ marks give.
    pub policies: Option<Vec<u8>>,
    /// Where the row was read (see [`Region`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub no: u32,
    /// Card title without （再掲）.
    pub name: String,
    pub relisted: bool,
    pub cost_thousand_yen: Option<i64>,
    pub cost_breakdown: Vec<CostItem>,
    /// 事業概要.
    pub overview: String,
    /// 事業実績.
    pub results: String,
    pub metrics: Metrics,
    pub department: Option<Department>,
    /// Printed page number.
    pub page: Option<u32>,
    /// 1-based physical page (PDF input only).
    pub pdf_page: Option<u32>,
    /// Card's bounding box on its page, PDF points `[x0, y0, x1, y1]` from the top-left;
    /// written rounded to 0.01 pt (an `f32` widened to JSON's double shows noise such as
    /// `59.099998474121094`).
    #[serde(serialize_with = "bbox::serialize")]
    pub bbox: Option<[f32; 4]>,
    /// Where each field was read (see [`Region`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<ProjectRegions>,
}

/// Where something was read in the input: for a PDF, the physical page and a box in
/// points `[x0, y0, x1, y1]` from the top-left of the page as displayed (rotation
/// applied, the same convention as a project's `bbox`); for a text dump, the 1-based
/// first and last source lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// 1-based physical page (always 1 for a text dump).
    pub page: u32,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "bbox::serialize")]
    pub bbox: Option<[f32; 4]>,
    /// `[first, last]` source line numbers, 1-based, inclusive (text dump only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
}

/// The regions of one card's fields; `null` where a field was not found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectRegions {
    pub title: Option<Region>,
    pub number: Option<Region>,
    /// The 事業費 line with its breakdown.
    pub cost: Option<Region>,
    pub overview: Option<Region>,
    pub results: Option<Region>,
    /// The whole metrics table, heading included.
    pub metrics: Option<Region>,
    /// Parallel to `metrics.rows[i].cells[j]`.
    pub metric_cells: Vec<Vec<Option<Region>>>,
    pub department: Option<Region>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostItem {
    pub label: String,
    pub cost_thousand_yen: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub columns: Vec<MetricColumn>,
    pub rows: Vec<MetricRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricColumn {
    pub label: String,
    pub fiscal_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    pub item: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Cell text as printed (normalized); line breaks kept as `\n`.
    pub text: String,
    pub values: Vec<Quantity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    #[serde(with = "number")]
    pub value: f64,
    pub unit: Option<String>,
    /// e.g. `延べ` (cumulative count).
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    /// Text inside （担当課：…）.
    pub text: String,
    /// 課/室/センター level unit(s).
    pub division: Option<String>,
    /// グループ(s), as printed.
    pub group: Option<String>,
    /// 県民局 or other bureau given in parentheses.
    pub bureau: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStudy {
    pub title: String,
    pub projects: Vec<String>,
    pub companies: Vec<String>,
    pub text: String,
    pub page: Option<u32>,
    pub pdf_page: Option<u32>,
    /// Where the case study was read (see [`Region`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    /// Stable machine-readable code, written as its string, e.g. `card.split_uncertain`.
    pub code: Code,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<u32>,
    /// First basic-policy number of the chapter concerned.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub policy: Option<u8>,
    /// Card number within the chapter.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub card: Option<u32>,
}

impl Diagnostic {
    /// A diagnostic of `code`, at the code's level ([`Code::level`]).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            level: code.level(),
            code,
            message: message.into(),
            page: None,
            policy: None,
            card: None,
        }
    }
    pub fn at_page(mut self, page: Option<u32>) -> Self {
        self.page = page;
        self
    }
    pub fn in_policy(mut self, policy: Option<u8>) -> Self {
        self.policy = policy;
        self
    }
    pub fn on_card(mut self, card: Option<u32>) -> Self {
        self.card = card;
        self
    }
}

/// A box coordinate as written (JSON, database): to 0.01 pt, far finer than any printed
/// line, and free of the noise an `f32` shows when widened (`59.099998474121094`).
pub fn bbox_coordinate(x: f32) -> f64 {
    /// Hundredths of a point.
    const STEPS_PER_POINT: f64 = 100.0;
    (f64::from(x) * STEPS_PER_POINT).round() / STEPS_PER_POINT
}

mod bbox {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(v: &Option<[f32; 4]>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(b) => s.serialize_some(&b.map(super::bbox_coordinate)),
        }
    }
}

/// `v` as an integer when it is a whole number that an `f64` holds exactly (below
/// 9×10¹⁵, under 2⁵³), else `None` (a fraction, NaN, an infinity, or too large to be
/// sure of). The one rule for "whole": metric values are written without a fraction
/// (`22`, not `22.0`) in the JSON and in exports, and an amount of money is only taken in
/// whole thousand yen ([`crate::report::money::parse_amount`]).
pub fn whole_number(v: f64) -> Option<i64> {
    /// Below 2⁵³ (9.007×10¹⁵) every integer is exact in an `f64`.
    const EXACT_BELOW: f64 = 9.0e15;
    (v.fract() == 0.0 && v.abs() < EXACT_BELOW).then_some(v as i64)
}

/// Whole numbers are written without a fraction ([`whole_number`]).
mod number {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        match super::whole_number(*v) {
            Some(i) => s.serialize_i64(i),
            None => s.serialize_f64(*v),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        f64::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::whole_number;

    #[test]
    fn whole_numbers() {
        assert_eq!(whole_number(22.0), Some(22));
        assert_eq!(whole_number(-1200.0), Some(-1200));
        assert_eq!(whole_number(1.5), None);
        assert_eq!(whole_number(f64::NAN), None);
        assert_eq!(whole_number(f64::INFINITY), None);
        assert_eq!(whole_number(8.9e15), Some(8_900_000_000_000_000));
        assert_eq!(whole_number(9.0e15), None);
    }
}

/// Cards and summary rows with only the fields the cross-checks compare set, for the
/// tests of those checks.
#[cfg(test)]
pub(crate) mod samples {
    use super::{Metrics, Project, SummaryRow};

    pub(crate) fn card(no: u32, name: &str, cost: i64, page: u32) -> Project {
        Project {
            no,
            name: name.into(),
            relisted: false,
            cost_thousand_yen: Some(cost),
            cost_breakdown: vec![],
            overview: String::new(),
            results: String::new(),
            metrics: Metrics::default(),
            department: None,
            page: Some(page),
            pdf_page: None,
            bbox: None,
            regions: None,
        }
    }

    pub(crate) fn row(no: u32, name: &str, cost: i64, page: u32) -> SummaryRow {
        SummaryRow {
            no,
            name: name.into(),
            cost_thousand_yen: Some(cost),
            is_new: false,
            departments: vec![],
            page: Some(page),
            policies: None,
            region: None,
        }
    }
}
