//! Loading the R5 fixture into SQLite and PostgreSQL: row counts match the JSON, cost sums
//! match per policy, a second load replaces instead of duplicating, a load that fails
//! midway leaves the previous data intact; export is deterministic.
//!
//! PostgreSQL tests are `#[ignore]`d, so that `cargo test` on a machine without a server
//! lists them as ignored instead of passing them silently; run them with
//! `cargo test --test db -- --ignored` and `SHISAKU_TEST_POSTGRES_URL` set (see
//! `.ci/postgres.sh`, which `.ci/run` does). Run without the URL they fail. Each works in
//! its own schema.

mod common;

use common::{fixture, shisaku, PgSchema};
use serde_json::Value as Json;
use shisaku::db::{self, Db, Value};
use shisaku::{Options, Report};

fn latest_version() -> i64 {
    db::schema::MIGRATIONS.last().map_or(0, |m| m.0)
}

fn r5() -> Report {
    shisaku::convert_path(&fixture("aomori-r5.txt"), &Options::default()).expect("convert R5")
}

fn json_of(report: &Report) -> Json {
    serde_json::from_str(&shisaku::emit::to_json(report, true).expect("emit")).expect("parse")
}

fn len(v: &Json) -> i64 {
    v.as_array().map_or(0, |a| a.len() as i64)
}

/// Rows each table should get for one report, counted on its JSON.
fn expected_counts(report: &Report) -> Vec<(&'static str, i64)> {
    let j = json_of(report);
    let policies = j["policies"].as_array().expect("policies");
    let projects: Vec<&Json> =
        policies.iter().flat_map(|p| p["projects"].as_array().expect("projects")).collect();
    let rows: Vec<&Json> =
        projects.iter().flat_map(|c| c["metrics"]["rows"].as_array().expect("metric rows")).collect();
    let cells: Vec<&Json> = rows.iter().flat_map(|r| r["cells"].as_array().expect("cells")).collect();
    vec![
        ("reports", 1),
        ("policies", policies.len() as i64),
        ("summary_rows", policies.iter().map(|p| len(&p["summary"]["rows"])).sum()),
        ("projects", projects.len() as i64),
        ("cost_breakdowns", projects.iter().map(|c| len(&c["cost_breakdown"])).sum()),
        ("metric_columns", projects.iter().map(|c| len(&c["metrics"]["columns"])).sum()),
        ("metric_rows", rows.len() as i64),
        ("metric_cells", cells.len() as i64),
        ("metric_values", cells.iter().map(|c| len(&c["values"])).sum()),
        ("case_studies", policies.iter().map(|p| len(&p["case_studies"])).sum()),
        ("diagnostics", len(&j["diagnostics"])),
        // One fiscal year: nothing to link.
        ("project_links", 0),
    ]
}

fn counts(db: &mut Db) -> Vec<(&'static str, i64)> {
    db::schema::TABLES.iter().map(|t| (*t, db.count(t).expect("count"))).collect()
}

/// Per policy (in order): the sum of its project costs in the database, and its subtotal.
fn db_sums(db: &mut Db, sha256: &str) -> Vec<(i64, Option<i64>)> {
    let rows = db
        .query(
            "SELECT p.seq, CAST(COALESCE(SUM(c.cost_thousand_yen), 0) AS BIGINT), p.subtotal_thousand_yen
             FROM policies p
             JOIN reports r ON r.id = p.report_id
             LEFT JOIN projects c ON c.policy_id = p.id
             WHERE r.sha256 = $1
             GROUP BY p.id, p.seq, p.subtotal_thousand_yen
             ORDER BY p.seq",
            &[Value::from(sha256)],
        )
        .expect("sums");
    rows.rows.iter().map(|r| (r[1].as_i64().expect("sum"), r[2].as_i64())).collect()
}

/// Checks that the database holds exactly `report` (and nothing else).
fn check_holds(db: &mut Db, report: &Report) {
    assert_eq!(counts(db), expected_counts(report), "row counts equal the JSON's");
    let j = json_of(report);
    let sums = db_sums(db, &report.source.sha256);
    let policies = j["policies"].as_array().expect("policies");
    assert_eq!(sums.len(), policies.len());
    let mut matched_subtotals = 0;
    for (p, (db_sum, subtotal)) in policies.iter().zip(&sums) {
        let json_sum: i64 = p["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .map(|c| c["cost_thousand_yen"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(*db_sum, json_sum, "policy {}: DB sum = JSON sum", p["numbers"]);
        assert_eq!(*subtotal, p["summary"]["subtotal_thousand_yen"].as_i64());
        if p["summary"]["subtotal_thousand_yen"].as_i64() == Some(json_sum) {
            assert_eq!(Some(*db_sum), *subtotal, "policy {}: DB sum = subtotal", p["numbers"]);
            matched_subtotals += 1;
        }
    }
    // The R5 fixture's subtotals all add up; if conversion ever drifts, say so here.
    assert_eq!(matched_subtotals, policies.len(), "every R5 subtotal equals its projects' sum");
}

fn report_ids(db: &mut Db) -> Vec<Vec<Value>> {
    db.query("SELECT id, sha256 FROM reports ORDER BY id", &[]).expect("reports").rows
}

/// The whole scenario, on any backend starting empty.
fn scenario(db: &mut Db) {
    let report = r5();
    assert_eq!(db.schema_version().expect("version"), latest_version());

    // A first load that fails midway leaves nothing behind.
    let err = db
        .load_with_hook(&report, &mut |t| {
            if t == "projects" {
                Err(db::Error::Db("simulated".into()))
            } else {
                Ok(())
            }
        })
        .expect_err("hook fails");
    assert!(err.to_string().contains("simulated"), "{err}");
    assert!(counts(db).iter().all(|(_, n)| *n == 0), "nothing left: {:?}", counts(db));

    let first = db.load(&report).expect("first load");
    assert!(!first.replaced);
    let expected = expected_counts(&report);
    let loaded: Vec<(&str, i64)> = first.rows.iter().map(|(t, n)| (*t, *n as i64)).collect();
    // `project_links` is not the load's own: it is rebuilt after it.
    let own: Vec<(&str, i64)> = expected.iter().copied().filter(|(t, _)| *t != "project_links").collect();
    assert_eq!(loaded, own, "the load reports what it wrote");
    check_holds(db, &report);

    // Same document again: replaced, not duplicated.
    let second = db.load(&report).expect("second load");
    assert!(second.replaced);
    check_holds(db, &report);
    let before = report_ids(db);
    assert_eq!(before.len(), 1);

    // A reload failing at each table in turn keeps the previous load as it was.
    for table in db::schema::TABLES.iter().filter(|t| **t != "project_links") {
        let mut calls = Vec::new();
        let result = db.load_with_hook(&report, &mut |t| {
            calls.push(t.to_string());
            if t == *table {
                Err(db::Error::Db(format!("simulated failure after {t}")))
            } else {
                Ok(())
            }
        });
        assert!(result.is_err(), "load failing after {table} reports the failure");
        assert_eq!(calls.last().map(String::as_str), Some(*table));
        assert_eq!(report_ids(db), before, "previous report row intact after failure at {table}");
        check_holds(db, &report);
    }

    // A different document is added beside.
    let mut other = report.clone();
    other.source.sha256 = "0".repeat(64);
    db.load(&other).expect("other document");
    let doubled: Vec<(&str, i64)> = expected.iter().map(|(t, n)| (*t, n * 2)).collect();
    assert_eq!(counts(db), doubled);
    assert_eq!(db_sums(db, &other.source.sha256), db_sums(db, &report.source.sha256));
}

#[test]
fn sqlite_load_twice_and_rollback() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("test.db");
    let url = format!("sqlite:{}", path.display());
    let mut db = db::open(Some(&url)).expect("open");
    scenario(&mut db);
    drop(db);
    // Reopening does not migrate again.
    let mut db = db::open(Some(path.to_str().expect("utf-8"))).expect("reopen");
    assert_eq!(db.count("schema_migrations").expect("count"), db::schema::MIGRATIONS.len() as i64);
    assert_eq!(db.count("reports").expect("count"), 2);
}

#[test]
fn json_input_loads_like_the_conversion() {
    let report = r5();
    let json = shisaku::emit::to_json(&report, false).expect("emit");
    let back = shisaku::batch::read_report(format!("\n  {json}").as_bytes(), "r5.json", &Options::default())
        .expect("read");
    assert_eq!(back, report);
}

#[test]
fn export_is_deterministic_csv_and_ndjson() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("x.db").display());
    let mut db = db::open(Some(&url)).expect("open");
    let report = r5();
    db.load(&report).expect("load");
    let expected = expected_counts(&report);

    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let files = db::export::export(&mut db, &a, db::export::Format::Csv, true).expect("export");
    db::export::export(&mut db, &b, db::export::Format::Csv, true).expect("export again");
    assert_eq!(files.len(), db::schema::TABLES.len() + db::schema::VIEWS.len() + 1);
    for f in &files {
        let bytes = std::fs::read(&f.path).expect("read");
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM in {}", f.path.display());
        let again = std::fs::read(b.join(f.path.file_name().expect("name"))).expect("read");
        assert_eq!(bytes, again, "{} identical", f.path.display());
        if let Some((_, n)) = expected.iter().find(|(t, _)| *t == f.table) {
            assert_eq!(f.rows as i64, *n, "{}", f.table);
        }
    }
    let projects = std::fs::read_to_string(a.join("projects.csv")).expect("projects.csv");
    assert!(projects.starts_with("\u{feff}id,policy_id,seq,no,name,relisted,"), "{}", &projects[..80]);

    let n = dir.path().join("n");
    db::export::export(&mut db, &n, db::export::Format::Ndjson, false).expect("ndjson");
    let text = std::fs::read_to_string(n.join("projects.ndjson")).expect("projects.ndjson");
    let first: Json = serde_json::from_str(text.lines().next().expect("a line")).expect("json line");
    assert_eq!(first["id"], 1);
    assert_eq!(first["relisted"], false);
    assert_eq!(first["name"], report.policies[0].projects[0].name.as_str());
    assert_eq!(text.lines().count() as i64, expected[3].1);
}

#[test]
fn cli_load_and_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("cli.db");
    let db_arg = db_path.to_str().expect("utf-8");
    let input = fixture("aomori-r5.txt");
    for round in 0..2 {
        let o = shisaku(&["load", input.to_str().expect("utf-8"), "--db", db_arg]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains(if round == 0 { "added" } else { "replaced" }), "{out}");
    }
    let out_dir = dir.path().join("export");
    let o =
        shisaku(&["export", "--db", db_arg, "--format", "ndjson", "-o", out_dir.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let reports = std::fs::read_to_string(out_dir.join("reports.ndjson")).expect("reports");
    assert_eq!(reports.lines().count(), 1);

    // Exporting a database that does not exist is an error, and does not create it.
    let missing = dir.path().join("missing.db");
    let o = shisaku(&[
        "export",
        "--db",
        missing.to_str().expect("utf-8"),
        "-o",
        out_dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such database"));
    assert!(!missing.exists());
}

#[test]
#[ignore = "needs PostgreSQL: set SHISAKU_TEST_POSTGRES_URL, run with -- --ignored"]
fn postgres_load_twice_and_rollback() {
    let Some(pg) = PgSchema::new("load") else { return };
    // 10.11: export's read-only open refuses a schema without shisaku's tables.
    let refused = db::open_read_only(Some(&pg.url())).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(refused.contains("not a shisaku database"), "{refused}");
    let mut db = db::open(Some(&pg.url())).expect("open PostgreSQL");
    scenario(&mut db);
    drop(db);
    let mut read_only = db::open_read_only(Some(&pg.url())).expect("read-only open");
    assert_eq!(read_only.count("reports").expect("count"), 2);
    let err = read_only.query("DELETE FROM reports", &[]).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("read-only"), "{err}");
    drop(read_only);
    let mut db = db::open(Some(&pg.url())).expect("reopen");
    assert_eq!(db.count("schema_migrations").expect("count"), db::schema::MIGRATIONS.len() as i64);
    // The tables are in the test's schema, not in public.
    let rows = db
        .query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'projects'", &[])
        .expect("catalog");
    assert!(rows.rows.iter().any(|r| r[0].as_str() == Some(pg.schema.as_str())), "{rows:?}");
}

#[test]
#[ignore = "needs PostgreSQL: set SHISAKU_TEST_POSTGRES_URL, run with -- --ignored"]
fn postgres_export_matches_sqlite() {
    let Some(pg) = PgSchema::new("export") else { return };
    let report = r5();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sqlite =
        db::open(Some(&format!("sqlite:{}", dir.path().join("s.db").display()))).expect("sqlite");
    let mut postgres = db::open(Some(&pg.url())).expect("postgres");
    sqlite.load(&report).expect("load sqlite");
    postgres.load(&report).expect("load postgres");
    for table in db::schema::TABLES {
        let mut a = sqlite.table(table).expect("sqlite table");
        let mut b = postgres.table(table).expect("postgres table");
        assert_eq!(a.columns, b.columns, "{table}");
        // Ids are both 1.. on fresh databases; timestamps differ.
        if *table == "reports" {
            for r in a.rows.iter_mut().chain(b.rows.iter_mut()) {
                r.pop();
            }
        }
        assert_eq!(a.rows, b.rows, "{table}: same rows on both backends");
    }
}

/// Set in the child process of [`killed_load_process_leaves_the_database_as_before`]:
/// `TABLE DB_PATH`, the table after whose rows the load dies.
const DIE_AFTER: &str = "SHISAKU_DB_TEST_DIE_AFTER";

/// The child half of [`killed_load_process_leaves_the_database_as_before`]: run by that
/// test as a process of its own (this test binary, this test alone), it loads R5 and
/// aborts the process, as `kill -9` would, right after the rows of one table are written
/// inside the open transaction. Run directly (no [`DIE_AFTER`]) it does nothing.
#[test]
#[ignore = "the child process of killed_load_process_leaves_the_database_as_before"]
fn load_that_dies_after_a_table() {
    let Ok(spec) = std::env::var(DIE_AFTER) else { return };
    let (table, path) = spec.split_once(' ').expect("TABLE DB_PATH");
    let mut db = db::open(Some(path)).expect("open");
    let _ = db.load_with_hook(&r5(), &mut |t| {
        if t == table {
            std::process::abort();
        }
        Ok(())
    });
    // Reaching here means the hook never saw the table: the parent sees a normal exit.
}

/// A load process that dies midway (abort inside the transaction, as `kill -9` would
/// leave it) leaves the database exactly as it was: SQLite's journal rolls it back.
#[test]
fn killed_load_process_leaves_the_database_as_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("r.db");
    let db_arg = db_path.to_str().expect("utf-8 path");
    let input = fixture("aomori-r5.txt");
    let input = input.to_str().expect("utf-8 path");
    let first = shisaku(&["load", input, "--db", db_arg]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let mut db = db::open(Some(db_arg)).expect("open");
    let before = counts(&mut db);
    let ids_before = report_ids(&mut db);
    drop(db);

    for table in ["policies", "metric_values", "diagnostics"] {
        let killed = std::process::Command::new(std::env::current_exe().expect("this test binary"))
            .args(["--exact", "load_that_dies_after_a_table", "--include-ignored", "--test-threads=1"])
            .env(DIE_AFTER, format!("{table} {db_arg}"))
            .output()
            .expect("run the child");
        assert!(!killed.status.success(), "the load was meant to die after {table}");
        assert_eq!(killed.status.code(), None, "died by a signal, not an exit code");
        let mut db = db::open(Some(db_arg)).expect("reopen after the crash");
        assert_eq!(counts(&mut db), before, "after dying at {table}");
        assert_eq!(report_ids(&mut db), ids_before, "after dying at {table}");
    }
}

/// The README's example queries, run on a database holding the R5 report in two
/// renditions (PDF and text dump): through `current_reports` they must give exactly what
/// they give on the PDF alone (15.8: a second rendition doubles no total).
fn readme_queries_count_one_rendition(url_both: &str, url_pdf: &str) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    // The Database section's examples (other sections' queries, e.g. "Comparing years",
    // are run by their own tests).
    let section =
        readme.split("### Example SQL").nth(1).and_then(|s| s.split("\n### ").next()).expect("section");
    let queries: Vec<&str> =
        section.split("```sql\n").skip(1).filter_map(|b| b.split("```").next()).collect();
    assert!(queries.len() >= 3, "the README's example queries: {}", queries.len());
    let pdf = shisaku::convert_path(&fixture("aomori-r5.libreoffice.pdf"), &Options::default()).expect("pdf");
    let mut both = db::open(Some(url_both)).expect("open");
    both.load(&pdf).expect("load pdf");
    both.load(&r5()).expect("load text");
    let mut alone = db::open(Some(url_pdf)).expect("open");
    alone.load(&pdf).expect("load pdf");
    let current = both.query("SELECT source_format FROM current_reports", &[]).expect("view");
    assert_eq!(current.rows, vec![vec![Value::from("pdf")]], "one current report, the PDF");
    for q in queries {
        assert!(q.contains("current_reports"), "README queries go through current_reports: {q}");
        let a = both.query(q, &[]).unwrap_or_else(|e| panic!("{e}: {q}"));
        let b = alone.query(q, &[]).unwrap_or_else(|e| panic!("{e}: {q}"));
        assert!(!a.rows.is_empty(), "the query finds rows on R5: {q}");
        assert_eq!(a, b, "two renditions count once: {q}");
    }
}

#[test]
fn readme_queries_on_sqlite_count_the_current_rendition_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let both = format!("sqlite:{}", dir.path().join("both.db").display());
    let alone = format!("sqlite:{}", dir.path().join("pdf.db").display());
    readme_queries_count_one_rendition(&both, &alone);
}

#[test]
#[ignore = "needs PostgreSQL: set SHISAKU_TEST_POSTGRES_URL, run with -- --ignored"]
fn readme_queries_on_postgres_count_the_current_rendition_once() {
    let Some(both) = PgSchema::new("readme_both") else { return };
    let Some(alone) = PgSchema::new("readme_pdf") else { return };
    readme_queries_count_one_rendition(&both.url(), &alone.url());
}

/// 10.2: six loads at once (three documents, each twice) into a schema that already holds
/// one of them: all succeed, and each document is there once.
#[test]
#[ignore = "needs PostgreSQL: set SHISAKU_TEST_POSTGRES_URL, run with -- --ignored"]
fn concurrent_postgres_loads_of_one_document_all_succeed() {
    let Some(pg) = PgSchema::new("concurrent") else { return };
    let report = r5();
    let docs: Vec<Report> = (0..3)
        .map(|i| {
            let mut r = report.clone();
            r.source.sha256 = format!("{i}").repeat(64);
            r
        })
        .collect();
    db::open(Some(&pg.url())).expect("open").load(&docs[0]).expect("first load");
    let url = pg.url();
    std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .iter()
            .chain(docs.iter())
            .map(|doc| {
                let url = url.clone();
                s.spawn(move || db::open(Some(&url)).and_then(|mut d| d.load(doc)).map(|_| ()))
            })
            .collect();
        for h in handles {
            let result = h.join().expect("thread");
            assert!(result.is_ok(), "{result:?}");
        }
    });
    let mut db = db::open(Some(&pg.url())).expect("open");
    assert_eq!(db.count("reports").expect("count"), 3);
    let expected: i64 = expected_counts(&report).iter().find(|(t, _)| *t == "projects").map_or(0, |c| c.1);
    assert_eq!(db.count("projects").expect("count"), expected * 3, "no document doubled");
}

/// The same on SQLite, where the loads queue on the write lock.
#[test]
fn concurrent_sqlite_loads_of_one_document_all_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("c.db").display());
    let report = r5();
    let docs: Vec<Report> = (0..3)
        .map(|i| {
            let mut r = report.clone();
            r.source.sha256 = format!("{i}").repeat(64);
            r
        })
        .collect();
    db::open(Some(&url)).expect("open").load(&docs[0]).expect("first load");
    std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .iter()
            .chain(docs.iter())
            .map(|doc| s.spawn(|| db::open(Some(&url)).and_then(|mut d| d.load(doc)).map(|_| ())))
            .collect();
        for h in handles {
            let result = h.join().expect("thread");
            assert!(result.is_ok(), "{result:?}");
        }
    });
    assert_eq!(db::open(Some(&url)).expect("open").count("reports").expect("count"), 3);
}
