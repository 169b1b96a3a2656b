//! The report grammar: normalized pages → chapters, summary tables, cards, case studies.
//!
//! [`segment`] finds the parts by the report's fixed markers; [`summary`], [`card`]
//! (with `split`, [`metrics`], `department`, [`money`]) and `case_study` read each part
//! into the output types; `paragraph` then joins the long texts' wrapped lines into
//! paragraphs. `marks` holds the character rules they share. The modules other code
//! links to stay public; the steps inside them are crate-internal.

pub(crate) mod box_runs;
pub mod card;
pub(crate) mod case_study;
pub(crate) mod column_runs;
pub(crate) mod department;
pub(crate) mod footers;
pub(crate) mod geometry;
pub(crate) mod lines;
mod marks;
pub(crate) mod metric_runs;
pub mod metrics;
pub(crate) mod miner;
pub mod money;
pub(crate) mod paragraph;
pub mod reassemble;
pub(crate) mod regions;
pub mod segment;
pub(crate) mod split;
pub mod summary;
pub(crate) mod summary_cards;
pub(crate) mod table;
pub(crate) mod variants;

use regex::Regex;
use std::sync::LazyLock;

use crate::doc::Document;
use crate::error::{Error, Result};
use crate::model::{Code, Diagnostic, FiscalYear, Policy, Report, Source, SCHEMA_VERSION};

static TITLE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(令和|平成|R|H)\s*([0-9]+|元)\s*年度").expect("static regex"));
static TITLE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[（(][0-9]+[）)]\s*").expect("static regex"));

/// Build a report from a normalized document.
pub fn build(doc: &Document, source: Source) -> Result<Report> {
    let lines = lines::flatten(doc);
    if lines.is_empty() {
        return Err(Error::NotAReport("no text found".into()));
    }
    let seg = segment::segment(&lines);
    let mut diagnostics = seg.diagnostics;
    if seg.chapters.is_empty() {
        return Err(Error::NotAReport("no basic-policy chapter (① … 【取組の概要】) found".into()));
    }
    let title = seg.title.as_ref().map(|l| TITLE_PREFIX.replace(l.trimmed(), "").trim().to_string());
    let fiscal_year = title.as_deref().and_then(fiscal_year);
    if fiscal_year.is_none() {
        diagnostics.push(Diagnostic::new(
            Code::ReportNoFiscalYear,
            "the report's title and fiscal year were not found; bare year columns stay without a fiscal year",
        ));
    }
    let era =
        fiscal_year.as_ref().and_then(|f| metrics::era_offset(&f.era)).map(|offset| metrics::Era { offset });
    let policies = seg.chapters.iter().map(|ch| policy(ch, era, &mut diagnostics)).collect();
    Ok(Report {
        schema_version: SCHEMA_VERSION.to_string(),
        source,
        title,
        fiscal_year,
        policies,
        diagnostics,
    })
}

/// The fiscal year a report's title names (`令和５年度…`, `R5年度…`, `平成元年度…`).
fn fiscal_year(title: &str) -> Option<FiscalYear> {
    let caps = TITLE_YEAR.captures(title)?;
    // The era by name, however the title abbreviates it (R5年度 is 令和5年度).
    let era = match caps.get(1)?.as_str() {
        "R" => "令和",
        "H" => "平成",
        e => e,
    }
    .to_string();
    let era_year: u32 = match caps.get(2)?.as_str() {
        "元" => 1,
        d => d.parse().ok()?,
    };
    let year = metrics::era_offset(&era)? + era_year as i32;
    Some(FiscalYear { era, era_year, year })
}

/// One chapter read into its policy: summary table (with each row's region), cards,
/// overview and case studies, long texts joined into paragraphs.
fn policy(
    ch: &segment::ChapterLines,
    era: Option<metrics::Era>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Policy {
    let number = ch.numbers.first().copied();
    let mut summary = summary::parse(&ch.summary, &ch.numbers, diagnostics);
    let row_regions = regions::summary_rows(&ch.summary, &summary.rows);
    for (row, region) in summary.rows.iter_mut().zip(row_regions) {
        row.region = region;
    }
    let mut projects = Vec::new();
    for (i, c) in ch.cards.iter().enumerate() {
        let ctx = card::Ctx { policy: number, era, position: i as u32 + 1 };
        let mut p = card::parse(c, &ctx, diagnostics);
        p.regions = Some(regions::project(c, &p));
        if p.page.is_none() {
            // A text dump has no page geometry: the footer of the dump page the card
            // starts on gives its page where the dump has footers (and `validate`
            // compares it with the summary's 掲載頁), else the 掲載頁 does.
            let footer = c.head.iter().chain(&c.body).next().and_then(|l| l.footer);
            p.page = footer.or_else(|| summary.rows.iter().find(|r| r.no == p.no).and_then(|r| r.page));
        }
        p.overview = paragraph::join(&p.overview);
        p.results = paragraph::join(&p.results);
        projects.push(p);
    }
    let overview = (!ch.overview.is_empty()).then(|| {
        paragraph::join(&ch.overview.iter().map(|l| l.text.trim_end()).collect::<Vec<_>>().join("\n"))
    });
    let mut case_studies = case_study::parse(&ch.case_studies);
    for c in &mut case_studies {
        c.text = paragraph::join(&c.text);
    }
    Policy {
        numbers: ch.numbers.clone(),
        titles: ch.titles.clone(),
        overview,
        summary,
        projects,
        case_studies: case_studies
            .into_iter()
            .zip(regions::case_studies(&ch.case_studies).into_iter().chain(std::iter::repeat(None)))
            .map(|(cs, region)| crate::model::CaseStudy { region, ..cs })
            .collect(),
        pdf_page: ch.first.as_ref().filter(|l| l.geom.is_some()).map(|l| l.pdf_page),
    }
}

#[cfg(test)]
mod tests {
    use super::fiscal_year;

    fn year(title: &str) -> Option<(String, u32, i32)> {
        fiscal_year(title).map(|f| (f.era, f.era_year, f.year))
    }

    #[test]
    fn fiscal_year_from_the_title_in_any_era_spelling() {
        assert_eq!(year("令和5年度中小企業振興施策実施状況"), Some(("令和".into(), 5, 2023)));
        assert_eq!(year("R 6 年度 実施状況"), Some(("令和".into(), 6, 2024)));
        assert_eq!(year("平成元年度"), Some(("平成".into(), 1, 1989)));
        assert_eq!(year("H30年度"), Some(("平成".into(), 30, 2018)));
        assert_eq!(year("中小企業振興施策実施状況"), None);
        assert_eq!(year("令和5年"), None);
    }
}
