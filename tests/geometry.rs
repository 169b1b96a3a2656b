//! The PDF path's geometric card model on small generated reports
//! (`fixtures/geometry/*.pdf`, made by `scripts/geometry/make.py`): the same one-chapter
//! report (cards 9, 10, 11) set with the number box left of the title, one digit a line
//! in a narrow box, above the title with tighter leading, a chapter heading without a
//! space after its circled number, and opening brackets hanging left of their column in
//! the card box and in the summary table. Every variant must read exactly the same.

mod common;

use shisaku::model::{Level, Report};
use shisaku::{convert_path, Options};

fn convert(variant: &str) -> Report {
    convert_path(&common::fixture(&format!("geometry/{variant}.pdf")), &Options::default())
        .unwrap_or_else(|e| panic!("{variant}: {e}"))
}

/// What every variant prints, as (no, name, cost, overview, results, metrics, division).
#[allow(clippy::type_complexity)]
const CARDS: [(u32, &str, i64, &str, &str, &[(&str, &str, &str)], &str); 3] = [
    (
        9,
        "「あおもり産品」販路開拓支援事業",
        12345,
        "県産品の販路を広げるため、首都圏の「あおもり産品フェア」への出展を支援する。",
        "首都圏の百貨店で「あおもり産品フェア」を開催し、延べ30社が出展した。",
        &[("出展事業者数", "28社", "30社"), ("商談件数", "120件", "145件")],
        "商工政策課",
    ),
    (
        10,
        "（仮称）ものづくり人材育成プロジェクト事業",
        8000,
        "ものづくり産業を担う人材を育成するため、技能講習会を開催する。",
        "（一社）県技能士会と連携し、技能講習会を8回開催した。",
        &[("講習会の開催回数", "6回", "8回")],
        "労政・能力開発課",
    ),
    (
        11,
        "中小企業デジタル化推進事業",
        4789,
        "中小企業のデジタル化を進めるため、専門家を派遣する。",
        "専門家を延べ15社に派遣した。",
        &[("派遣企業数", "-", "15社")],
        "産業立地推進課",
    ),
];

fn flat(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn check(variant: &str) {
    let r = convert(variant);
    let warnings: Vec<_> = r.diagnostics.iter().filter(|d| d.level >= Level::Warning).collect();
    assert!(warnings.is_empty(), "{variant}: {warnings:#?}");
    assert_eq!(r.fiscal_year.as_ref().map(|f| f.year), Some(2023), "{variant}");
    assert_eq!(r.policies.len(), 1, "{variant}");
    let p = &r.policies[0];
    assert_eq!(p.numbers, [1], "{variant}");
    assert_eq!(p.summary.subtotal_thousand_yen, Some(25134), "{variant}");
    let rows: Vec<(u32, &str, Option<i64>)> =
        p.summary.rows.iter().map(|r| (r.no, r.name.as_str(), r.cost_thousand_yen)).collect();
    let want: Vec<(u32, &str, Option<i64>)> = CARDS.iter().map(|c| (c.0, c.1, Some(c.2))).collect();
    assert_eq!(rows, want, "{variant}: summary rows");
    assert_eq!(p.projects.len(), 3, "{variant}");
    for (card, (no, name, cost, overview, results, metrics, division)) in p.projects.iter().zip(CARDS) {
        assert_eq!(card.no, no, "{variant}");
        assert_eq!(card.name, name, "{variant}: card {no}");
        assert_eq!(card.cost_thousand_yen, Some(cost), "{variant}: card {no}");
        assert_eq!(flat(&card.overview), overview, "{variant}: card {no} overview");
        assert_eq!(flat(&card.results), results, "{variant}: card {no} results");
        let years: Vec<Option<i32>> = card.metrics.columns.iter().map(|c| c.fiscal_year).collect();
        assert_eq!(years, [Some(2022), Some(2023)], "{variant}: card {no}");
        let got: Vec<(String, Vec<String>)> = card
            .metrics
            .rows
            .iter()
            .map(|r| (flat(&r.item), r.cells.iter().map(|c| flat(&c.text)).collect()))
            .collect();
        let want: Vec<(String, Vec<String>)> =
            metrics.iter().map(|(i, a, b)| (i.to_string(), vec![a.to_string(), b.to_string()])).collect();
        assert_eq!(got, want, "{variant}: card {no} metrics");
        assert_eq!(card.department.as_ref().and_then(|d| d.division.as_deref()), Some(division), "{variant}");
    }
}

#[test]
fn number_box_left_of_the_title() {
    check("left");
}

#[test]
fn two_digit_number_one_digit_a_line() {
    check("digits");
}

#[test]
fn number_box_above_the_title_tighter_leading() {
    check("above");
}

#[test]
fn chapter_heading_without_space() {
    check("nospace");
}

#[test]
fn hanging_opening_brackets() {
    check("hanging");
}
