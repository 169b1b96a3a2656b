//! `shisaku batch` over a folder of the fixtures plus a corrupt file: the good ones are
//! converted, the bad one is reported, the exit code says so, and no partial file is left.

mod common;

use common::{fixture, shisaku};

#[test]
fn batch_converts_good_files_and_reports_the_corrupt_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    std::fs::create_dir(&input).expect("mkdir");
    for name in ["aomori-r5.txt", "aomori-r5.libreoffice.pdf"] {
        std::fs::copy(fixture(name), input.join(name)).expect("copy fixture");
    }
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    std::fs::write(input.join("bad.pdf"), garbage).expect("write bad.pdf");

    let o = shisaku(&[
        "batch",
        input.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
        "--jobs",
        "2",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "a failed file gives exit code 2\n{stdout}\n{stderr}");

    // The table: a header, then one row per input (file, status, cards, warnings,
    // errors), then the causes of the failures.
    let mut lines = stdout.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split_whitespace().collect();
    assert_eq!(header, ["file", "status", "cards", "warnings", "errors"], "{stdout}");
    let rows: Vec<TableRow> = lines.by_ref().take(3).map(|l| table_row(l, &stdout)).collect();
    let files: Vec<&str> = rows.iter().map(|r| r.file.rsplit('/').next().unwrap_or_default()).collect();
    assert_eq!(files, ["aomori-r5.libreoffice.pdf", "aomori-r5.txt", "bad.pdf"], "in name order: {stdout}");
    let causes: Vec<&str> = lines.collect();
    assert_eq!(causes.len(), 1, "one cause, of the one failure: {stdout}");
    assert!(causes[0].starts_with("failed: ") && causes[0].contains("bad.pdf"), "{stdout}");
    assert_eq!((rows[2].status.as_str(), rows[2].cards), ("failed", 0), "{stdout}");
    // Each good row says what its JSON holds.
    for (row, json) in rows.iter().zip(["aomori-r5.libreoffice.json", "aomori-r5.json"]) {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(json)).expect("output")).expect("JSON");
        let cards: usize = v["policies"]
            .as_array()
            .expect("policies")
            .iter()
            .map(|p| p["projects"].as_array().map_or(0, Vec::len))
            .sum();
        let level = |l: &str| {
            v["diagnostics"].as_array().expect("diagnostics").iter().filter(|d| d["level"] == l).count()
        };
        assert_eq!(cards, 119, "{json}: the R5 report's cards");
        assert_eq!(
            (row.cards, row.warnings, row.errors),
            (cards, level("warning"), level("error")),
            "{json}: {stdout}"
        );
        let status = match (level("error"), level("warning")) {
            (0, 0) => "ok",
            (0, _) => "warnings",
            _ => "errors",
        };
        assert_eq!(row.status, status, "{json}: {stdout}");
    }

    // One JSON per good input, named after its stem; nothing else in OUTDIR.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("outdir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["aomori-r5.json", "aomori-r5.libreoffice.json"], "no temp or partial files");
    for name in &names {
        let text = std::fs::read_to_string(out.join(name)).expect("read output");
        let v: serde_json::Value = serde_json::from_str(&text).expect("output parses");
        assert_eq!(v["policies"].as_array().map(Vec::len), Some(7), "{name}");
    }
}

/// One row of `batch`'s table.
struct TableRow {
    file: String,
    status: String,
    cards: usize,
    warnings: usize,
    errors: usize,
}

/// A row is the file name, then four columns (the name may hold spaces; the columns not).
fn table_row(line: &str, table: &str) -> TableRow {
    let mut fields: Vec<&str> = line.split_whitespace().collect();
    assert!(fields.len() >= 5, "a table row has five columns: {line:?}\n{table}");
    let columns = fields.split_off(fields.len() - 4);
    let number = |s: &str| s.parse::<usize>().unwrap_or_else(|_| panic!("a count, not {s:?}: {line:?}"));
    TableRow {
        file: fields.join(" "),
        status: columns[0].to_string(),
        cards: number(columns[1]),
        warnings: number(columns[2]),
        errors: number(columns[3]),
    }
}

#[test]
fn batch_names_colliding_stems_by_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let txt = dir.path().join("r5.txt");
    let pdf = dir.path().join("r5.pdf");
    std::fs::copy(fixture("aomori-r5.txt"), &txt).expect("copy");
    std::fs::copy(fixture("aomori-r5.libreoffice.pdf"), &pdf).expect("copy");
    let o = shisaku(&[
        "batch",
        txt.to_str().expect("utf-8"),
        pdf.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("r5.txt.json").is_file());
    assert!(out.join("r5.pdf.json").is_file());
}

/// A batch killed mid-run (SIGKILL: no cleanup code runs) leaves only whole JSON files;
/// its temp files are recognisable and the next run into the folder removes them.
#[test]
fn killed_batch_leaves_no_half_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = dir.path().join("in");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    for i in 0..12 {
        std::fs::copy(fixture("aomori-r5.txt"), inputs.join(format!("r{i:02}.txt"))).expect("copy");
    }
    // A leftover of an earlier killed run, to be cleared.
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join(".shisaku-stale1.partial"), b"{\"half\":").expect("write");
    let args = ["batch", inputs.to_str().expect("utf-8"), "-o", out.to_str().expect("utf-8"), "--jobs", "2"];
    for delay_ms in [30, 120, 300] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shisaku"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        for entry in std::fs::read_dir(&out).expect("outdir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.ends_with(".json") {
                let text = std::fs::read_to_string(&path).expect("read");
                assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "half-written {name}");
            } else {
                assert!(name.starts_with(".shisaku-") && name.ends_with(".partial"), "stray file {name}");
            }
        }
    }
    let done = shisaku(&args);
    assert!(matches!(done.status.code(), Some(0 | 1)), "runs to the end: {:?}", done.status);
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .expect("outdir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".json"))
        .collect();
    assert!(leftovers.is_empty(), "a complete run clears earlier leftovers: {leftovers:?}");
    assert_eq!(std::fs::read_dir(&out).expect("outdir").count(), 12);
}

#[test]
fn batch_review_writes_a_page_beside_each_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let txt = fixture("aomori-r5.txt");
    let o = shisaku(&["batch", txt.to_str().expect("utf-8"), "-o", out.to_str().expect("utf-8"), "--review"]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("aomori-r5.json").is_file());
    let page = std::fs::read_to_string(out.join("aomori-r5.html")).expect("review page beside the JSON");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains(r#"id="report-data""#));
    // Without --review, no page.
    let plain = dir.path().join("plain");
    let o = shisaku(&["batch", txt.to_str().expect("utf-8"), "-o", plain.to_str().expect("utf-8")]);
    assert!(o.status.code().is_some_and(|c| c <= 1));
    assert!(!plain.join("aomori-r5.html").exists());
}
