//! Regression fixtures: each input in `fixtures/` converts to its reviewed JSON in
//! `fixtures/expected/` (insta snapshots). A change shows as a readable diff; accept an
//! intentional one with `INSTA_UPDATE=always cargo test --test fixtures` and review the
//! diff of `fixtures/expected/` before committing.

mod common;

use shisaku::{convert_path, Options};

fn snapshot(name: &str) {
    let path = common::fixture(name);
    let mut report = convert_path(&path, &Options::default()).expect("fixture converts");
    // The path as given differs between machines; the file name does not.
    report.source.file = name.to_string();
    let json = shisaku::emit::to_json(&report, false).expect("serialize");
    insta::with_settings!({ snapshot_path => "../fixtures/expected", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, json);
    });
}

#[test]
fn text_dump_r5() {
    snapshot("aomori-r5.txt");
}

#[test]
fn libreoffice_pdf_r5() {
    snapshot("aomori-r5.libreoffice.pdf");
}

#[test]
fn chromium_pdf_r5() {
    snapshot("aomori-r5.chromium.pdf");
}

/// The answer key's card and summary fields, checked directly (the scorer's core).
#[test]
fn text_dump_matches_gold_cards() {
    let report = convert_path(&common::fixture("aomori-r5.txt"), &Options::default()).expect("converts");
    let gold: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::fixture("aomori-r5.gold.json")).expect("gold"))
            .expect("gold json");
    let squash = |s: &str| -> String {
        shisaku::normalize::text(s).chars().filter(|c| !c.is_whitespace()).collect::<String>()
    };
    let gold_policies = gold["policies"].as_array().expect("policies");
    assert_eq!(report.policies.len(), gold_policies.len());
    for (gp, p) in gold_policies.iter().zip(&report.policies) {
        assert_eq!(serde_json::json!(p.numbers), gp["numbers"]);
        assert_eq!(Some(gp["subtotal"].as_i64().expect("subtotal")), p.summary.subtotal_thousand_yen);
        let cards = gp["cards"].as_array().expect("cards");
        assert_eq!(cards.len(), p.projects.len(), "policy {:?}", p.numbers);
        for (gc, c) in cards.iter().zip(&p.projects) {
            let at = format!("policy {:?} card {}", p.numbers, c.no);
            assert_eq!(gc["no"].as_u64(), Some(u64::from(c.no)), "{at}");
            assert_eq!(gc["cost"].as_i64(), c.cost_thousand_yen, "{at}");
            assert_eq!(gc["page"].as_u64(), c.page.map(u64::from), "{at}");
            assert_eq!(squash(gc["overview"].as_str().unwrap_or("")), squash(&c.overview), "{at} overview");
            assert_eq!(squash(gc["results"].as_str().unwrap_or("")), squash(&c.results), "{at} results");
            assert_eq!(
                gc["metrics"].as_array().map(Vec::len),
                Some(c.metrics.rows.len()),
                "{at} metric rows"
            );
        }
    }
}
