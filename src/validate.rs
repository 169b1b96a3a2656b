//! Validation: the JSON Schema of the contract, plus semantic cross-checks reported
//! as diagnostics.
//!
//! The schema catches shape errors (a bug in this crate, or a hand-edited file); the
//! semantic checks catch what a careful reader of the report would notice: a 小計 that
//! is not the sum of its rows, a card missing from or absent in the summary, a card whose
//! name or cost disagrees with its summary row, pages going backwards, a metric row with
//! too few cells. Those are facts about the report (or about our reading of it), so they
//! are diagnostics, never errors.

use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::model::{Code, Diagnostic, Policy, Project, Report, SummaryRow};

/// The JSON Schema of the output contract.
pub const SCHEMA: &str = include_str!("../schemas/report.schema.json");

/// Compiled once: building a validator costs far more than running it.
static VALIDATOR: LazyLock<std::result::Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    jsonschema::draft202012::new(&schema).map_err(|e| e.to_string())
});

/// Every schema violation of `value`, as `path: message` lines (empty when valid).
pub fn schema_errors(value: &serde_json::Value) -> Result<Vec<String>> {
    let validator = VALIDATOR.as_ref().map_err(|e| Error::Schema(format!("the bundled schema: {e}")))?;
    Ok(validator
        .iter_errors(value)
        .map(|e| {
            // The top level's pointer is empty; `/` says where it is.
            let at = e.instance_path().to_string();
            format!("{}: {e}", if at.is_empty() { "/" } else { at.as_str() })
        })
        .collect())
}

/// Run the semantic checks and append their diagnostics to the report.
pub fn check(report: &mut Report) {
    let mut found = Vec::new();
    for policy in &report.policies {
        check_policy(policy, &mut found);
    }
    report.diagnostics.extend(found);
}

/// Validate a JSON text (an earlier output): schema first, then the semantic checks.
/// Schema violations make the file unusable (an error); semantic findings are returned.
pub fn validate_json(text: &str) -> Result<Vec<Diagnostic>> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    let errors = schema_errors(&value)?;
    if !errors.is_empty() {
        let shown: Vec<&str> = errors.iter().take(5).map(String::as_str).collect();
        let more = errors.len().saturating_sub(shown.len());
        let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
        return Err(Error::Schema(format!("{}{tail}", shown.join("; "))));
    }
    let mut report: Report = serde_json::from_value(value)?;
    report.diagnostics.clear();
    check(&mut report);
    Ok(report.diagnostics)
}

/// Names compared as a reader would: without （再掲）, spaces, line breaks and the item
/// marks ①② that a card uses to list two projects, and with the budget suffix 費 of
/// `…事業費` dropped (summary tables name the budget line, cards the project).
pub(crate) fn comparable(name: &str) -> String {
    let bare: Vec<char> = name
        .replace("（再掲）", "")
        .replace("(再掲)", "")
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '①'..='⑳'))
        .collect();
    let mut out = String::with_capacity(name.len());
    for (i, &c) in bare.iter().enumerate() {
        let next = bare.get(i + 1);
        let ends_word = matches!(next, None | Some('（' | '('));
        if c == '費' && ends_word && i > 0 && bare.get(i - 1) == Some(&'業') {
            continue;
        }
        out.push(c);
    }
    out
}

/// The checks of one chapter, in the order their diagnostics are listed.
fn check_policy(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let first = policy.numbers.first().copied();
    let diag = |code: Code, msg: String, page: Option<u32>, card: Option<u32>| {
        Diagnostic::new(code, msg).in_policy(first).at_page(page).on_card(card)
    };
    check_subtotal(policy, &diag, out);
    check_duplicates(policy, &diag, out);
    for row in &policy.summary.rows {
        check_row(policy, row, &diag, out);
    }
    check_unlisted(policy, &diag, out);
    check_cards(policy, &diag, out);
}

/// The 小計 against the sum of the rows, when every row has a cost.
fn check_subtotal<F>(policy: &Policy, diag: &F, out: &mut Vec<Diagnostic>)
where
    F: Fn(Code, String, Option<u32>, Option<u32>) -> Diagnostic,
{
    let rows = &policy.summary.rows;
    if let Some(subtotal) = policy.summary.subtotal_thousand_yen {
        if rows.iter().all(|r| r.cost_thousand_yen.is_some()) && !rows.is_empty() {
            let sum: i64 = rows.iter().filter_map(|r| r.cost_thousand_yen).sum();
            if sum != subtotal {
                out.push(diag(
                    Code::SummarySubtotalMismatch,
                    format!("小計 {subtotal}千円 but the rows add up to {sum}千円"),
                    None,
                    None,
                ));
            }
        }
    }
}

/// One summary row against the cards under its number: none, several, or each one's
/// name, cost and page.
fn check_row<F>(policy: &Policy, row: &SummaryRow, diag: &F, out: &mut Vec<Diagnostic>)
where
    F: Fn(Code, String, Option<u32>, Option<u32>) -> Diagnostic,
{
    // Every card under the row's number is checked against it: a duplicated card
    // is compared too, not hidden behind the first.
    let cards: Vec<&Project> = policy.projects.iter().filter(|p| p.no == row.no).collect();
    if cards.is_empty() {
        out.push(diag(
            Code::CardMissing,
            format!("summary row {} 「{}」 has no card", row.no, row.name),
            row.page,
            Some(row.no),
        ));
        return;
    }
    if let [first, second, ..] = cards.as_slice() {
        out.push(diag(
            Code::SummaryRowDuplicated,
            format!(
                "summary row {} 「{}」 ({}) is one project but has {} cards: {} and {}",
                row.no,
                row.name,
                fmt_cost(row.cost_thousand_yen),
                cards.len(),
                describe(first),
                describe(second)
            ),
            row.page,
            Some(row.no),
        ));
    }
    for card in cards {
        check_card_against_row(row, card, diag, out);
    }
}

/// A card's name, cost and printed page against its summary row's.
fn check_card_against_row<F>(row: &SummaryRow, card: &Project, diag: &F, out: &mut Vec<Diagnostic>)
where
    F: Fn(Code, String, Option<u32>, Option<u32>) -> Diagnostic,
{
    if comparable(&row.name) != comparable(&card.name) {
        out.push(diag(
            Code::CardNameDiffers,
            format!("card 「{}」 is 「{}」 in the summary", card.name, row.name),
            card.page,
            Some(card.no),
        ));
    }
    if row.cost_thousand_yen != card.cost_thousand_yen {
        out.push(diag(
            Code::CardCostDiffers,
            format!(
                "card cost {} but summary cost {}",
                fmt_cost(card.cost_thousand_yen),
                fmt_cost(row.cost_thousand_yen)
            ),
            card.page,
            Some(card.no),
        ));
    }
    if row.page.is_some() && card.page.is_some() && row.page != card.page {
        out.push(diag(
            Code::CardPageDiffers,
            format!("card printed on page {:?} but the summary says {:?}", card.page, row.page),
            card.page,
            Some(card.no),
        ));
    }
}

/// Cards whose number no summary row has (when the chapter has a summary).
fn check_unlisted<F>(policy: &Policy, diag: &F, out: &mut Vec<Diagnostic>)
where
    F: Fn(Code, String, Option<u32>, Option<u32>) -> Diagnostic,
{
    let rows = &policy.summary.rows;
    if rows.is_empty() {
        // A table that was there (its heading or 小計 read) but gave no row lists none of
        // the chapter's cards: said once, on the chapter.
        let printed = !policy.summary.columns.is_empty() || policy.summary.subtotal_thousand_yen.is_some();
        if printed && !policy.projects.is_empty() {
            out.push(diag(
                Code::SummaryRowUnreadable,
                format!(
                    "summary table read with no rows: none of the chapter's {} cards is listed",
                    policy.projects.len()
                ),
                None,
                None,
            ));
        }
        return;
    }
    for card in policy.projects.iter().filter(|p| !rows.iter().any(|r| r.no == p.no)) {
        out.push(diag(
            Code::CardUnlisted,
            format!("card {} 「{}」 is not in the summary table", card.no, card.name),
            card.page,
            Some(card.no),
        ));
    }
}

/// Each card on its own, in order: a page before the previous card's, and metric rows
/// whose cells do not match the columns.
fn check_cards<F>(policy: &Policy, diag: &F, out: &mut Vec<Diagnostic>)
where
    F: Fn(Code, String, Option<u32>, Option<u32>) -> Diagnostic,
{
    let mut last: Option<u32> = None;
    for card in &policy.projects {
        if let (Some(prev), Some(page)) = (last, card.page) {
            if page < prev {
                out.push(diag(
                    Code::CardPageOrder,
                    format!("card on page {page} comes after a card on page {prev}"),
                    Some(page),
                    Some(card.no),
                ));
            }
        }
        last = card.page.or(last);

        let ncols = card.metrics.columns.len();
        for row in &card.metrics.rows {
            if row.cells.len() != ncols {
                out.push(diag(
                    Code::MetricsCellCount,
                    format!("metric 「{}」 has {} cells for {ncols} columns", row.item, row.cells.len()),
                    card.page,
                    Some(card.no),
                ));
            }
        }
    }
}

/// A card as a reader finds it: number, name, page and place in its chapter.
fn describe(card: &Project) -> String {
    let page = card.page.map_or_else(String::new, |p| format!(" on page {p}"));
    format!("card {} 「{}」{page}", card.no, card.name)
}

/// Cards of one chapter printed twice, or two cards under one number: each later one is
/// a `card.duplicate` naming the earlier one (cost sums would count it twice).
fn check_duplicates<F>(policy: &Policy, diag: &F, out: &mut Vec<Diagnostic>)
where
    F: Fn(Code, String, Option<u32>, Option<u32>) -> Diagnostic,
{
    for (j, later) in policy.projects.iter().enumerate() {
        let same_card = |p: &&Project| {
            comparable(&p.name) == comparable(&later.name)
                && p.relisted == later.relisted
                && p.cost_thousand_yen == later.cost_thousand_yen
                && p.overview == later.overview
                && p.results == later.results
        };
        let earlier = policy.projects.iter().take(j);
        let Some((i, first)) = earlier.enumerate().find(|(_, p)| p.no == later.no || same_card(p)) else {
            continue;
        };
        let what = if same_card(&first) { "is printed twice" } else { "shares its number with another card" };
        out.push(diag(
            Code::CardDuplicate,
            format!(
                "{} (card {} of the chapter) {what}: {} (card {} of the chapter)",
                describe(later),
                j + 1,
                describe(first),
                i + 1
            ),
            later.page,
            Some(later.no),
        ));
    }
}

fn fmt_cost(c: Option<i64>) -> String {
    c.map_or_else(|| "unknown".to_string(), |c| format!("{c}千円"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::samples::{card as project, row};
    use crate::model::*;

    fn report(policy: Policy) -> Report {
        Report {
            schema_version: SCHEMA_VERSION.into(),
            source: Source {
                file: "x".into(),
                format: SourceFormat::Text,
                sha256: "0".repeat(64),
                pages: None,
                dump_kind: None,
            },
            title: None,
            fiscal_year: None,
            policies: vec![policy],
            diagnostics: vec![],
        }
    }

    fn policy(rows: Vec<SummaryRow>, subtotal: i64, projects: Vec<Project>) -> Policy {
        Policy {
            numbers: vec![1],
            titles: vec![],
            overview: None,
            summary: Summary { columns: vec![], rows, subtotal_thousand_yen: Some(subtotal) },
            projects,
            case_studies: vec![],
            pdf_page: None,
        }
    }

    fn codes(r: &Report) -> Vec<&str> {
        r.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn consistent_policy_is_quiet() {
        let mut r = report(policy(
            vec![row(1, "Ａ事業（再掲）", 10, 5), row(2, "B事業", 20, 6)],
            30,
            vec![project(1, "Ａ事業", 10, 5), project(2, "B 事業", 20, 6)],
        ));
        check(&mut r);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        let mut r = report(policy(
            vec![row(1, "C事業費（人財育成）", 10, 5), row(2, "D補助E補助", 20, 6)],
            30,
            vec![project(1, "C事業（人財育成）", 10, 5), project(2, "①D補助②E補助", 20, 6)],
        ));
        check(&mut r);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }

    #[test]
    fn each_disagreement_is_reported_on_its_card() {
        let mut p = policy(
            vec![row(1, "A事業", 10, 5), row(2, "B事業", 20, 6), row(3, "C事業", 1, 7)],
            99,
            vec![project(1, "A事業", 11, 5), project(2, "X事業", 20, 4), project(4, "D事業", 1, 8)],
        );
        if let Some(c) = p.projects.get_mut(0) {
            c.metrics.columns = vec![MetricColumn { label: "4年度".into(), fiscal_year: Some(2022) }];
            c.metrics.rows = vec![MetricRow { item: "件数".into(), cells: vec![] }];
        }
        let mut r = report(p);
        check(&mut r);
        let got = codes(&r);
        for code in [
            "summary.subtotal_mismatch",
            "card.cost_differs",
            "card.name_differs",
            "card.page_differs",
            "card.page_order",
            "card.missing",
            "card.unlisted",
            "metrics.cell_count",
        ] {
            assert!(got.contains(&code), "{code} missing from {got:?}");
        }
        let cost = r.diagnostics.iter().find(|d| d.code == Code::CardCostDiffers);
        assert_eq!(cost.and_then(|d| d.card), Some(1));
        assert_eq!(cost.and_then(|d| d.policy), Some(1));
    }

    #[test]
    fn a_summary_read_with_no_rows_is_said_once_on_its_chapter() {
        let mut r = report(policy(vec![], 30, vec![project(1, "A事業", 10, 5), project(2, "B事業", 20, 6)]));
        check(&mut r);
        let said: Vec<&Diagnostic> =
            r.diagnostics.iter().filter(|d| d.code == Code::SummaryRowUnreadable).collect();
        assert_eq!(said.len(), 1, "{:?}", r.diagnostics);
        assert_eq!(said.first().and_then(|d| d.policy), Some(1));
        // A chapter printing no table at all (no heading, no 小計) is not this.
        let mut p = policy(vec![], 0, vec![project(1, "A事業", 10, 5)]);
        p.summary.subtotal_thousand_yen = None;
        let mut r = report(p);
        check(&mut r);
        assert!(!codes(&r).contains(&"summary.row_unreadable"), "{:?}", r.diagnostics);
    }

    #[test]
    fn schema_accepts_a_report_and_rejects_strangers() {
        let r = report(policy(vec![row(1, "A", 1, 1)], 1, vec![project(1, "A", 1, 1)]));
        let mut v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(schema_errors(&v).ok(), Some(vec![]));
        v["surprise"] = serde_json::json!(1);
        v["policies"][0]["projects"][0]["cost_thousand_yen"] = serde_json::json!("1千円");
        let errors = schema_errors(&v).unwrap_or_default();
        assert_eq!(errors.len(), 2, "{errors:?}");
    }
}
