//! The same report as PDF (two producers) and as a text dump gives the same data for
//! every field the text path reports as certain.

mod common;

use shisaku::model::{Code, Level, Report};
use shisaku::{convert_path, Options};

fn squash(s: &str) -> String {
    shisaku::normalize::text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '－') { '-' } else { c })
        .collect()
}

fn convert(name: &str) -> Report {
    convert_path(&common::fixture(name), &Options::default()).expect("converts")
}

fn uncertain(r: &Report, policy: u8, card: u32, code: Code) -> bool {
    r.diagnostics.iter().any(|d| {
        d.level >= Level::Warning && d.code == code && d.policy == Some(policy) && d.card == Some(card)
    })
}

fn compare(pdf_name: &str) {
    let text = convert("aomori-r5.txt");
    let pdf = convert(pdf_name);
    assert!(pdf.diagnostics.iter().all(|d| d.level < Level::Error), "{:?}", pdf.diagnostics);
    assert_eq!(text.title, pdf.title);
    assert_eq!(text.fiscal_year, pdf.fiscal_year);
    assert_eq!(text.policies.len(), pdf.policies.len());
    for (t, p) in text.policies.iter().zip(&pdf.policies) {
        let policy = t.numbers[0];
        assert_eq!(t.numbers, p.numbers);
        assert_eq!(
            t.titles.iter().map(|x| squash(x)).collect::<Vec<_>>(),
            p.titles.iter().map(|x| squash(x)).collect::<Vec<_>>()
        );
        assert_eq!(t.summary.subtotal_thousand_yen, p.summary.subtotal_thousand_yen);
        assert_eq!(t.summary.rows.len(), p.summary.rows.len(), "policy {policy}");
        for (a, b) in t.summary.rows.iter().zip(&p.summary.rows) {
            assert_eq!(
                (a.no, a.cost_thousand_yen, a.is_new, a.page),
                (b.no, b.cost_thousand_yen, b.is_new, b.page)
            );
            assert_eq!(squash(&a.name), squash(&b.name));
            if a.policies.is_some() {
                assert_eq!(a.policies, b.policies, "policy {policy} row {}", a.no);
            }
        }
        assert_eq!(t.projects.len(), p.projects.len(), "policy {policy}");
        for (a, b) in t.projects.iter().zip(&p.projects) {
            let at = format!("{pdf_name} policy {policy} card {}", a.no);
            assert_eq!(
                (a.no, a.relisted, a.cost_thousand_yen, a.page),
                (b.no, b.relisted, b.cost_thousand_yen, b.page),
                "{at}"
            );
            assert_eq!(squash(&a.name), squash(&b.name), "{at}");
            assert_eq!(a.cost_breakdown, b.cost_breakdown, "{at}");
            assert!(b.pdf_page.is_some(), "{at}: pdf_page");
            if !uncertain(&text, policy, a.no, Code::CardSplitUncertain) {
                assert_eq!(squash(&a.overview), squash(&b.overview), "{at} overview");
                assert_eq!(squash(&a.results), squash(&b.results), "{at} results");
            }
            assert_eq!(
                a.department.as_ref().map(|d| squash(&d.text)),
                b.department.as_ref().map(|d| squash(&d.text)),
                "{at}"
            );
            assert_eq!(a.metrics.columns, b.metrics.columns, "{at}");
            if !uncertain(&text, policy, a.no, Code::MetricsUncertain) {
                assert_eq!(a.metrics.rows.len(), b.metrics.rows.len(), "{at}");
                for (ra, rb) in a.metrics.rows.iter().zip(&b.metrics.rows) {
                    assert_eq!(squash(&ra.item), squash(&rb.item), "{at}");
                    let ca: Vec<String> = ra.cells.iter().map(|c| squash(&c.text)).collect();
                    let cb: Vec<String> = rb.cells.iter().map(|c| squash(&c.text)).collect();
                    assert_eq!(ca, cb, "{at} row {}", ra.item);
                    let va: Vec<_> = ra
                        .cells
                        .iter()
                        .map(|c| c.values.first().map(|v| (v.value, v.unit.clone())))
                        .collect();
                    let vb: Vec<_> = rb
                        .cells
                        .iter()
                        .map(|c| c.values.first().map(|v| (v.value, v.unit.clone())))
                        .collect();
                    assert_eq!(va, vb, "{at} row {}", ra.item);
                }
            }
        }
        assert_eq!(t.case_studies.len(), p.case_studies.len());
    }
}

#[test]
fn libreoffice_pdf_matches_text_dump() {
    compare("aomori-r5.libreoffice.pdf");
}

#[test]
fn chromium_pdf_matches_text_dump() {
    compare("aomori-r5.chromium.pdf");
}
