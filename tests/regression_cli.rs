//! Regression tests for issue 10's input/output faults (items 1, 2, 7, 8, 10, 11, 12); the
//! report-grammar and PDF faults (3, 5, 6, 9) are in `tests/regression.rs`.
//! Odd output targets, control characters, load exit codes, FIFO inputs, exports that
//! must not write to the database. (Item 2, concurrent loads, is in `tests/db.rs`.)
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{diagnostics_with, fixture, shisaku};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stderr_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo").success();
    assert!(ok, "mkfifo {}", path.display());
}

fn r5() -> std::path::PathBuf {
    fixture("aomori-r5.txt")
}

/// 10.1: `-o` naming a FIFO writes into it; the FIFO stays a FIFO.
#[test]
fn item_01_output_to_a_fifo_is_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read fifo"))
    };
    let o = shisaku(&["-q", "convert", s(&r5()), "-o", s(&fifo)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let got = reader.join().expect("reader");
    let v: serde_json::Value = serde_json::from_slice(&got).expect("the JSON came through the FIFO");
    assert_eq!(v["fiscal_year"]["year"], 2023);
    assert!(std::fs::symlink_metadata(&fifo).expect("meta").file_type().is_fifo(), "still a FIFO");
}

/// 10.1: `-o` naming a symlink replaces its target; the link stays.
#[test]
fn item_01_output_through_a_symlink_replaces_the_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    std::fs::write(&target, "old").expect("write");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let o = shisaku(&["-q", "convert", s(&r5()), "-o", s(&link)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    assert!(std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).expect("target")).expect("json");
    assert_eq!(v["fiscal_year"]["year"], 2023);
}

/// 10.1: `-o` naming the input (directly or through a link) is refused, the input kept.
#[test]
fn item_01_output_that_is_the_input_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.pdf");
    std::fs::copy(fixture("aomori-r5.libreoffice.pdf"), &input).expect("copy");
    let before = std::fs::read(&input).expect("read");
    let alias = dir.path().join("alias.json");
    std::os::unix::fs::symlink(&input, &alias).expect("symlink");
    for out in [&input, &alias] {
        let o = shisaku(&["convert", s(&input), "-o", s(out)]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr_of(&o);
        assert!(err.contains("refusing to overwrite") && err.contains(s(out)), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!(std::fs::read(&input).expect("read"), before, "the input is untouched");
}

/// 10.1: `-o -` is standard output.
#[test]
fn item_01_output_dash_is_stdout() {
    let o = shisaku(&["-q", "convert", s(&r5()), "-o", "-", "--compact"]);
    assert_eq!(o.status.code(), Some(0));
    let _: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert!(!Path::new("-").exists());
}

/// 10.1: batch and export outputs follow symlinks the same way.
#[test]
fn item_01_batch_and_export_outputs_follow_symlinks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let elsewhere = dir.path().join("elsewhere.json");
    std::fs::write(&elsewhere, "old").expect("write");
    std::os::unix::fs::symlink(&elsewhere, out.join("aomori-r5.json")).expect("symlink");
    let o = shisaku(&["batch", s(&r5()), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    assert!(std::fs::symlink_metadata(out.join("aomori-r5.json")).expect("meta").file_type().is_symlink());
    assert!(std::fs::read_to_string(&elsewhere).expect("read").starts_with('{'));

    let db = dir.path().join("x.db");
    assert_eq!(shisaku(&["-q", "load", s(&r5()), "--db", s(&db)]).status.code(), Some(0));
    let tables = dir.path().join("tables");
    std::fs::create_dir(&tables).expect("mkdir");
    let csv = dir.path().join("reports-elsewhere.csv");
    std::fs::write(&csv, "old").expect("write");
    std::os::unix::fs::symlink(&csv, tables.join("reports.csv")).expect("symlink");
    let o = shisaku(&["export", "--db", s(&db), "-o", s(&tables)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    assert!(std::fs::read_to_string(&csv).expect("read").starts_with("id,sha256"));
}

/// 10.7: a NUL and other control characters are removed, with a count in a warning;
/// CR-only line ends and decomposed (NFD) text read like the original.
#[test]
fn item_07_control_characters_cr_line_ends_and_nfd() {
    use unicode_normalization::UnicodeNormalization;
    let text = std::fs::read_to_string(r5()).expect("fixture");
    let (_, plain, _) = common::convert_bytes(text.as_bytes(), "txt");

    let with_nul = format!("\u{0}{}", text.replacen('\n', "\u{1b}\n", 3));
    let (code, json, err) = common::convert_bytes(with_nul.as_bytes(), "txt");
    assert_eq!(code, 0, "{err}");
    let d = diagnostics_with(&json, "text.control_characters");
    assert_eq!(d.len(), 1, "{:?}", json["diagnostics"]);
    assert!(d[0]["message"].as_str().is_some_and(|m| m.starts_with("4 control characters")), "{d:?}");
    assert!(!json.to_string().contains("\\u0000"), "no NUL in the output");
    assert_eq!(common::without_regions(&json["policies"]), common::without_regions(&plain["policies"]));

    let cr_only = text.replace('\n', "\r");
    let (code, json, err) = common::convert_bytes(cr_only.as_bytes(), "txt");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        common::without_regions(&json["policies"]),
        common::without_regions(&plain["policies"]),
        "CR-only line ends"
    );

    let nfd: String = text.nfd().collect();
    assert_ne!(nfd, text, "the fixture has composable kana");
    let (code, json, err) = common::convert_bytes(nfd.as_bytes(), "txt");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        common::without_regions(&json["policies"]),
        common::without_regions(&plain["policies"]),
        "NFD reads as NFC"
    );
}

/// 10.8: `load` exits 1 when a loaded report has errors, and refuses a report with no
/// card unless `--allow-errors`.
#[test]
fn item_08_load_reports_errors_and_refuses_empty_readings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = std::fs::read(fixture("aomori-r5.chromium.pdf")).expect("fixture");
    // Cut where the body is lost but the file still opens.
    let cut = dir.path().join("t.pdf");
    std::fs::write(&cut, pdf.get(..pdf.len() * 9 / 10).expect("cut")).expect("write");
    let conv = shisaku(&["-q", "convert", s(&cut), "--compact"]);
    let cards = serde_json::from_slice::<serde_json::Value>(&conv.stdout).ok().map(|v| {
        v["policies"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["projects"].as_array().map_or(0, Vec::len))
            .sum::<usize>()
    });
    let db = dir.path().join("t.db");
    let o = shisaku(&["load", s(&cut), "--db", s(&db)]);
    if cards == Some(0) {
        assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
        assert!(stderr_of(&o).contains("no card was read") && stderr_of(&o).contains("--allow-errors"));
        assert!(!db.exists(), "nothing loaded, no database");
        let o = shisaku(&["-q", "load", s(&cut), "--db", s(&db), "--allow-errors"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
    } else {
        // The cut file converts to no JSON at all (exit 2), or to some cards with errors.
        assert_ne!(o.status.code(), Some(0), "{}", stderr_of(&o));
    }

    // The same, certainly: a converted report whose cards were all lost.
    let conv = shisaku(&["-q", "convert", s(&r5()), "--compact"]);
    let mut v: serde_json::Value = serde_json::from_slice(&conv.stdout).expect("json");
    for p in v["policies"].as_array_mut().into_iter().flatten() {
        p["projects"] = serde_json::json!([]);
    }
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, v.to_string()).expect("write");
    let db = dir.path().join("j.db");
    let o = shisaku(&["load", s(&empty), "--db", s(&db)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("no card was read"), "{}", stderr_of(&o));
    assert!(!db.exists());
    let o = shisaku(&["-q", "load", s(&empty), "--db", s(&db), "--allow-errors"]);
    assert_eq!(o.status.code(), Some(0), "no error diagnostics in it: {}", stderr_of(&o));

    // A report with error diagnostics but cards loads, and the exit code says 1.
    let text = std::fs::read_to_string(r5()).expect("fixture");
    let no_cost: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("事業費")).collect();
    let input = dir.path().join("errors.txt");
    std::fs::write(&input, no_cost.join("\n")).expect("write");
    let db = dir.path().join("e.db");
    let o = shisaku(&["load", s(&input), "--db", s(&db)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains(" errors: "), "the summary says why");
    assert!(stderr_of(&o).contains("error[card.no_cost]"), "{}", stderr_of(&o));
}

/// 10.10: a FIFO given as input is refused at once (it would block forever), in
/// `convert` and in `batch`, where the other files still convert; names with control
/// characters are printed escaped.
#[test]
fn item_10_fifo_input_is_refused_and_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("in\u{1b}[31m.txt");
    mkfifo(&fifo);
    let mut child = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["convert", s(&fifo)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("convert of a FIFO hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(2));
    let o = child.wait_with_output().expect("output");
    let err = stderr_of(&o);
    assert!(
        err.contains("not a regular file") && !err.contains('\u{1b}') && err.contains("\\u{1b}"),
        "{err}"
    );

    let out = dir.path().join("out");
    let o = shisaku(&["batch", s(&fifo), s(&r5()), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("failed") && table.contains("ok") || table.contains("warnings"), "{table}");
    assert!(!table.contains('\u{1b}') && !stderr_of(&o).contains('\u{1b}'), "{table}");
    assert!(out.join("aomori-r5.json").is_file());
}

/// 10.11: export opens the database read-only: a SQLite file that is not shisaku's is
/// refused and left unchanged.
#[test]
fn item_11_export_is_read_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&db).expect("open");
        c.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');").expect("create");
    }
    let before = std::fs::read(&db).expect("read");
    let o = shisaku(&["export", "--db", s(&db), "-o", s(&dir.path().join("out"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("not a shisaku database"), "{}", stderr_of(&o));
    assert_eq!(std::fs::read(&db).expect("read"), before, "the database is untouched");
}

/// 10.12: `export -o` an existing file: one line naming the path and the cause.
#[test]
fn item_12_export_to_a_file_names_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db");
    assert_eq!(shisaku(&["-q", "load", s(&r5()), "--db", s(&db)]).status.code(), Some(0));
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    let o = shisaku(&["export", "--db", s(&db), "-o", s(&file)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_of(&o), format!("shisaku: {}: is a file, not a folder\n", file.display()));
}
