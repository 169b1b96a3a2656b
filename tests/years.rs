//! Year over year, on the generated chain R4 → R5 → R6 (`fixtures/years/`, made by
//! `scripts/years/generate.py` from the R5 answer key): every expected link found with
//! its method and no other, new/ended projects and restatements as the generator made
//! them; `diff` between R5's text dump and its PDF renditions finds nothing; the database
//! links and series (SQLite, and PostgreSQL when `SHISAKU_TEST_POSTGRES_URL` is set) agree
//! with the expected links, and the README's example queries run.

mod common;

use std::collections::BTreeSet;

use common::{fixture, shisaku, PgSchema};
use serde_json::Value as Json;
use shisaku::db::{self, Db, Value};
use shisaku::diff::{self, Diff, ProjectRef};
use shisaku::{Options, Report};

const YEARS: [&str; 3] = ["r4", "r5", "r6"];

fn convert(name: &str) -> Report {
    shisaku::convert_path(&fixture(name), &Options::default()).expect("converts")
}

fn expected(old: &str, new: &str) -> Json {
    let text =
        std::fs::read_to_string(fixture(&format!("years/links-{old}-{new}.json"))).expect("links file");
    serde_json::from_str(&text).expect("links json")
}

type Key = (u64, u64, String);

/// Names as compared: the answer keys print them as in the report (full width, line
/// breaks), the converter normalizes them.
fn norm(s: &str) -> String {
    shisaku::normalize::text(s).chars().filter(|c| !c.is_whitespace()).collect()
}

fn key(j: &Json) -> Key {
    (
        j["policy"].as_u64().expect("policy"),
        j["no"].as_u64().expect("no"),
        norm(j["name"].as_str().expect("name")),
    )
}

fn key_of(p: &ProjectRef) -> Key {
    (u64::from(p.policy.unwrap_or(0)), u64::from(p.no), norm(&p.name))
}

fn set(list: &Json) -> BTreeSet<Key> {
    list.as_array().expect("list").iter().map(key).collect()
}

#[test]
fn chain_of_three_years_links_as_generated() {
    let reports: Vec<Report> = YEARS.iter().map(|y| convert(&format!("years/{y}.txt"))).collect();
    for (i, pair) in reports.windows(2).enumerate() {
        let (Some(old), Some(new)) = (pair.first(), pair.get(1)) else { continue };
        let want = expected(YEARS[i], YEARS[i + 1]);
        let Diff::Years(got) = diff::diff(old, new) else { panic!("different years expected") };
        assert_eq!(got.old_fiscal_year.map(i64::from), want["old_fiscal_year"].as_i64());
        assert_eq!(got.new_fiscal_year.map(i64::from), want["new_fiscal_year"].as_i64());

        let want_links: BTreeSet<(Key, Key, String)> = want["links"]
            .as_array()
            .expect("links")
            .iter()
            .map(|l| (key(&l["old"]), key(&l["new"]), l["method"].as_str().expect("method").to_string()))
            .collect();
        let got_links: BTreeSet<(Key, Key, String)> = got
            .continued
            .iter()
            .map(|c| (key_of(&c.old), key_of(&c.new), c.method.as_str().to_string()))
            .collect();
        let missing: Vec<_> = want_links.difference(&got_links).collect();
        let false_links: Vec<_> = got_links.difference(&want_links).collect();
        assert!(missing.is_empty() && false_links.is_empty(), "missing {missing:#?}\nfalse {false_links:#?}");
        for method in ["exact", "normalized", "similar"] {
            assert!(want_links.iter().any(|l| l.2 == method), "the chain exercises {method}");
        }

        assert_eq!(got.new.iter().map(key_of).collect::<BTreeSet<_>>(), set(&want["new"]));
        assert_eq!(got.ended.iter().map(key_of).collect::<BTreeSet<_>>(), set(&want["ended"]));

        let want_rs: BTreeSet<(Key, String, i64, String, String)> = want["restatements"]
            .as_array()
            .expect("restatements")
            .iter()
            .map(|r| {
                (
                    key(&r["new"]),
                    norm(r["item"].as_str().expect("item")),
                    r["fiscal_year"].as_i64().expect("year"),
                    norm(r["old_text"].as_str().expect("old")),
                    norm(r["new_text"].as_str().expect("new")),
                )
            })
            .collect();
        let got_rs: BTreeSet<(Key, String, i64, String, String)> = got
            .restatements
            .iter()
            .map(|r| {
                (
                    key_of(&r.new),
                    norm(&r.item),
                    i64::from(r.fiscal_year),
                    norm(&r.old_text),
                    norm(&r.new_text),
                )
            })
            .collect();
        assert!(!want_rs.is_empty());
        assert_eq!(
            got_rs.difference(&want_rs).collect::<Vec<_>>(),
            Vec::<&(Key, String, i64, String, String)>::new(),
            "extra"
        );
        assert_eq!(
            want_rs.difference(&got_rs).collect::<Vec<_>>(),
            Vec::<&(Key, String, i64, String, String)>::new(),
            "missing"
        );

        // Costs: every continued project's change is new − old.
        for c in &got.continued {
            if let (Some(a), Some(b)) = (c.old_cost_thousand_yen, c.new_cost_thousand_yen) {
                assert_eq!(c.cost_change_thousand_yen, Some(b - a));
            }
        }
        assert!(got.policies.iter().all(|p| p.change_thousand_yen.is_some()));
    }
}

#[test]
fn r5_text_and_pdf_renditions_do_not_differ() {
    let text = convert("aomori-r5.txt");
    for pdf in ["aomori-r5.libreoffice.pdf", "aomori-r5.chromium.pdf"] {
        let Diff::SameYear(d) = diff::diff(&text, &convert(pdf)) else { panic!("same year") };
        assert!(d.differences.is_empty(), "{pdf}: {:#?}", d.differences.iter().take(10).collect::<Vec<_>>());
    }
}

#[test]
fn same_year_changes_are_reported_per_card() {
    let old = convert("aomori-r5.txt");
    let mut new = old.clone();
    let policy = new.policies.get_mut(1).expect("policy 2");
    let card = policy.projects.get_mut(2).expect("card 3");
    card.cost_thousand_yen = card.cost_thousand_yen.map(|c| c + 1);
    let row = card.metrics.rows.get_mut(0).expect("metric row");
    row.cells.get_mut(0).expect("cell").text.push('9');
    // Line breaks are the reader's, not the report's: not a difference.
    card.overview = card.overview.replace('\n', "");
    let Diff::SameYear(d) = diff::diff(&old, &new) else { panic!("same year") };
    let fields: Vec<(Option<u8>, Option<u32>, &str)> =
        d.differences.iter().map(|f| (f.policy, f.card, f.field.as_str())).collect();
    assert_eq!(
        fields,
        vec![(Some(2), Some(3), "cost_thousand_yen"), (Some(2), Some(3), "metrics.rows[0].cells[0]")]
    );
    assert!(!Diff::SameYear(d).is_equal());
}

#[test]
fn cli_diff_exit_codes_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r5 = fixture("years/r5.txt");
    let r6 = fixture("years/r6.txt");
    let o = shisaku(&["diff", r5.to_str().expect("utf-8"), r5.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("no differences"));

    // A converted JSON compares like its source.
    let json = dir.path().join("r5.json");
    let c = shisaku(&["convert", r5.to_str().expect("utf-8"), "-o", json.to_str().expect("utf-8")]);
    assert!(c.status.code().is_some_and(|c| c <= 1));
    let o = shisaku(&["diff", json.to_str().expect("utf-8"), r5.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));

    let o = shisaku(&["diff", "--json", r5.to_str().expect("utf-8"), r6.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let j: Json = serde_json::from_slice(&o.stdout).expect("diff --json");
    assert_eq!(j["kind"], "years");
    assert_eq!(j["new_fiscal_year"], 2024);
    let table = shisaku(&["diff", r5.to_str().expect("utf-8"), r6.to_str().expect("utf-8")]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("## restated") && table.contains("similar"), "{table}");

    let o = shisaku(&["diff", r5.to_str().expect("utf-8"), "/nonexistent/r6.txt"]);
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------- database

/// README "Comparing years": a project's cost history.
const COST_HISTORY: &str = "SELECT s.fiscal_year, s.name, s.cost_thousand_yen, s.policy
FROM project_series s
WHERE s.project_key = (SELECT project_key FROM project_series
                       WHERE name = $1 AND fiscal_year = $2)
ORDER BY s.fiscal_year";

/// README "Comparing years": restated figures, with what the earlier report printed.
const RESTATED: &str = "SELECT n.report_fiscal_year, n.name, n.item, n.fiscal_year,
       o.text AS printed_before, n.text AS restated_as
FROM metric_series n
JOIN metric_series o ON o.project_key = n.project_key AND o.item = n.item
 AND o.fiscal_year = n.fiscal_year AND o.report_fiscal_year < n.report_fiscal_year
 AND COALESCE(o.value_seq, 0) = 0
WHERE n.restated = 1 AND COALESCE(n.value_seq, 0) = 0
ORDER BY n.report_fiscal_year, n.project_id, n.row_seq";

fn all_links() -> Vec<Json> {
    ["r4", "r5"]
        .iter()
        .zip(["r5", "r6"])
        .flat_map(|(a, b)| expected(a, b)["links"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn all_restatements() -> Vec<Json> {
    ["r4", "r5"]
        .iter()
        .zip(["r5", "r6"])
        .flat_map(|(a, b)| expected(a, b)["restatements"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Real(f) => *f as i64,
        _ => -1,
    }
}

/// Load the chain (newest first, to show the order of loading does not matter) and check
/// links, series and the README queries.
fn years_scenario(db: &mut Db) {
    for y in YEARS.iter().rev() {
        db.load(&convert(&format!("years/{y}.txt"))).expect("load");
    }
    let links = all_links();
    assert_eq!(db.count("project_links").expect("count"), links.len() as i64);
    let rows = db
        .query(
            "SELECT o.name, n.name, l.method FROM project_links l
             JOIN projects o ON o.id = l.old_project_id JOIN projects n ON n.id = l.new_project_id",
            &[],
        )
        .expect("links");
    let got: BTreeSet<(String, String, String)> =
        rows.rows.iter().map(|r| (norm(&text(&r[0])), norm(&text(&r[1])), text(&r[2]))).collect();
    let want: BTreeSet<(String, String, String)> = links
        .iter()
        .map(|l| {
            (
                norm(l["old"]["name"].as_str().unwrap_or_default()),
                norm(l["new"]["name"].as_str().unwrap_or_default()),
                l["method"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(got, want);

    // A project renamed in R6: one key over three years, under both names.
    let next = expected("r5", "r6");
    let renamed = next["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["method"] == "similar")
        .cloned()
        .expect("a renamed project");
    let name = norm(renamed["new"]["name"].as_str().expect("name"));
    let year = 2024;
    let history = db.query(COST_HISTORY, &[Value::from(&name), Value::Int(year)]).expect("cost history");
    assert!(history.rows.len() >= 2, "{history:?}");
    let names: BTreeSet<String> = history.rows.iter().map(|r| text(&r[1])).collect();
    assert!(names.len() >= 2, "{names:?}");
    let years: Vec<i64> = history.rows.iter().map(|r| int(&r[0])).collect();
    assert!(years.windows(2).all(|w| w[0] < w[1]), "{years:?}");

    let restated = db.query(RESTATED, &[]).expect("restated");
    let got: BTreeSet<(String, String, String)> =
        restated.rows.iter().map(|r| (norm(&text(&r[2])), norm(&text(&r[4])), norm(&text(&r[5])))).collect();
    let want: BTreeSet<(String, String, String)> = all_restatements()
        .iter()
        .map(|r| {
            (
                norm(r["item"].as_str().unwrap_or_default()),
                norm(r["old_text"].as_str().unwrap_or_default()),
                norm(r["new_text"].as_str().unwrap_or_default()),
            )
        })
        .collect();
    assert_eq!(got, want);

    // Deleting a year and relinking: R4 and R6 become consecutive.
    db.query("DELETE FROM reports WHERE fiscal_year = 2023", &[]).expect("delete R5");
    let n = db.rebuild_links().expect("relink");
    assert!(n > 50 && n as i64 == db.count("project_links").expect("count"));
}

#[test]
fn sqlite_links_series_and_readme_queries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = db::open(Some(&format!("sqlite:{}", dir.path().join("y.db").display()))).expect("sqlite");
    years_scenario(&mut db);
}

#[test]
fn export_includes_links_and_views() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("y.db");
    let mut db = db::open(Some(&format!("sqlite:{}", path.display()))).expect("sqlite");
    for y in ["r5", "r6"] {
        db.load(&convert(&format!("years/{y}.txt"))).expect("load");
    }
    let out = dir.path().join("out");
    let files = db::export::export(&mut db, &out, db::export::Format::Csv, false).expect("export");
    for name in ["project_links", "project_series", "metric_series"] {
        let f = files.iter().find(|e| e.table == name).expect("exported");
        assert!(f.rows > 0, "{name}");
    }
}

#[test]
#[ignore = "needs PostgreSQL: set SHISAKU_TEST_POSTGRES_URL, run with -- --ignored"]
fn postgres_links_series_and_readme_queries() {
    let Some(pg) = PgSchema::new("years") else { return };
    let mut db = db::open(Some(&pg.url())).expect("open PostgreSQL");
    years_scenario(&mut db);
}

#[test]
#[ignore = "needs PostgreSQL: set SHISAKU_TEST_POSTGRES_URL, run with -- --ignored"]
fn postgres_series_match_sqlite() {
    let Some(pg) = PgSchema::new("series") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sqlite =
        db::open(Some(&format!("sqlite:{}", dir.path().join("s.db").display()))).expect("sqlite");
    let mut postgres = db::open(Some(&pg.url())).expect("postgres");
    for y in YEARS {
        let r = convert(&format!("years/{y}.txt"));
        sqlite.load(&r).expect("load sqlite");
        postgres.load(&r).expect("load postgres");
    }
    for (view, _) in db::schema::VIEWS {
        let a = db::export::csv(&sqlite.view(view).expect("sqlite view"), false);
        let b = db::export::csv(&postgres.view(view).expect("postgres view"), false);
        assert!(a == b, "{view} differs between SQLite and PostgreSQL");
    }
}
