//! The command line on good and bad input: exit codes, messages, diagnostics.

mod common;

use common::{convert_bytes, diagnostics_with, fixture, shisaku};

fn report_text() -> String {
    std::fs::read_to_string(fixture("aomori-r5.txt")).expect("fixture")
}

#[test]
fn converts_fixture_to_stdout() {
    let o = shisaku(&["convert", fixture("aomori-r5.txt").to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["source"]["format"], "text");
    assert_eq!(v["fiscal_year"]["year"], 2023);
    assert_eq!(v["policies"].as_array().map(Vec::len), Some(7));
}

#[test]
fn empty_file_is_unusable() {
    let (code, json, err) = convert_bytes(b"", "txt");
    assert_eq!(code, 2);
    assert!(json.is_null(), "no JSON written");
    assert!(err.contains("input.txt") && err.contains("empty"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn binary_garbage_is_unusable() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let (code, json, err) = convert_bytes(&bytes, "txt");
    assert_eq!(code, 2, "{err}");
    assert!(json.is_null());
    assert!(err.contains("input.txt"), "{err}");
}

#[test]
fn text_that_is_no_report_is_unusable() {
    let (code, _, err) = convert_bytes("hello\nworld\n".as_bytes(), "txt");
    assert_eq!(code, 2);
    assert!(err.contains("not a report"), "{err}");
}

#[test]
fn report_cut_mid_card_keeps_what_was_read() {
    let text = report_text();
    let lines: Vec<&str> = text.lines().collect();
    // Cut inside the 5th card's box of the first chapter.
    let boxes: Vec<usize> =
        lines.iter().enumerate().filter(|(_, l)| l.contains("【 事業概要 】")).map(|(i, _)| i).collect();
    let cut = boxes[4] + 5;
    let (code, json, err) = convert_bytes(lines[..cut].join("\n").as_bytes(), "txt");
    assert_eq!(code, 1, "{err}");
    let projects = json["policies"][0]["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), 5, "the cut card is kept");
    let d = diagnostics_with(&json, "card.incomplete");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["policy"], 1);
    assert_eq!(d[0]["card"], 5);
}

#[test]
fn deleted_cost_line_is_reported_on_its_card() {
    let text = report_text();
    let mut seen = 0;
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            if l.trim_start().starts_with("事業費") {
                seen += 1;
                seen != 3
            } else {
                true
            }
        })
        .collect();
    let (code, json, _) = convert_bytes(kept.join("\n").as_bytes(), "txt");
    assert_eq!(code, 1);
    let d = diagnostics_with(&json, "card.no_cost");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["card"], 3);
    let card = &json["policies"][0]["projects"][2];
    assert_eq!(card["no"], 3);
    assert!(card["cost_thousand_yen"].is_null());
    assert!(!card["overview"].as_str().unwrap_or("").is_empty(), "the rest of the card is read");
}

fn policies_of(json: &serde_json::Value) -> serde_json::Value {
    json["policies"].clone()
}

#[test]
fn shift_jis_and_utf16_copies_read_the_same() {
    let text = report_text();
    let (_, utf8, _) = convert_bytes(text.as_bytes(), "txt");
    let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!bad, "fixture encodes in Shift_JIS");
    let (code, from_sjis, err) = convert_bytes(&sjis, "txt");
    assert_eq!(code, 0, "{err}");
    assert_eq!(policies_of(&from_sjis), policies_of(&utf8));
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let (code, from_utf16, err) = convert_bytes(&utf16, "txt");
    assert_eq!(code, 0, "{err}");
    assert_eq!(policies_of(&from_utf16), policies_of(&utf8));
}

#[test]
fn reads_standard_input() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["convert", "-", "--compact"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(report_text().as_bytes()).expect("write");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(o.stdout.iter().filter(|b| **b == b'\n').count(), 1, "compact: one line");
}

#[test]
fn schema_and_validate_commands() {
    let o = shisaku(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let _: serde_json::Value = serde_json::from_slice(&o.stdout).expect("schema is JSON");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let c = shisaku(&[
        "convert",
        fixture("aomori-r5.txt").to_str().expect("path"),
        "-o",
        out.to_str().expect("path"),
    ]);
    assert_eq!(c.status.code(), Some(0));
    let v = shisaku(&["validate", out.to_str().expect("path")]);
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stderr));
}

#[test]
fn password_protected_pdf_exits_2() {
    let bytes = std::fs::read(fixture("hostile/aes256-user-password.pdf")).expect("fixture");
    let (code, json, err) = convert_bytes(&bytes, "pdf");
    assert_eq!(code, 2, "{err}");
    assert!(json.is_null(), "no JSON written");
    assert!(err.contains("encrypted: password required"), "{err}");
}

#[test]
fn empty_password_pdf_is_read_not_refused_as_encrypted() {
    // Opens; it is just not a report, which is a different exit-2 message.
    let bytes = std::fs::read(fixture("hostile/aes256-empty-user-password.pdf")).expect("fixture");
    let (code, _, err) = convert_bytes(&bytes, "pdf");
    assert_eq!(code, 2);
    assert!(!err.contains("encrypted") && err.contains("not a report"), "{err}");
}

#[test]
fn oversized_text_exits_2_with_the_limit() {
    let bytes = vec![b'a'; shisaku::input::text::MAX_TEXT_BYTES + 1];
    let (code, json, err) = convert_bytes(&bytes, "txt");
    assert_eq!(code, 2);
    assert!(json.is_null());
    assert!(err.contains("limit exceeded: the text file is larger than 32 MiB"), "{err}");
}

// ---- issue 15: the first hour of a new user ----

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// 15.1: the README says how to get the command, and the release binary is lean.
#[test]
fn fresh_machine_install_is_documented_and_release_profile_is_lean() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    assert!(readme.contains("cargo install --path . --locked"), "README: how to get `shisaku` on PATH");
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).expect("toml");
    let release =
        manifest.split("[profile.release]").nth(1).and_then(|s| s.split("\n[").next()).unwrap_or("");
    assert!(
        release.contains("debug = false") && release.contains("strip"),
        "lean release profile: {release}"
    );
}

/// The R5 dump with the （担当課：…） line of the 10th card of ① removed.
fn without_tenth_department() -> Vec<u8> {
    let text = report_text();
    let mut seen = 0;
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            if l.contains("（担当課：") {
                seen += 1;
                seen != 10
            } else {
                true
            }
        })
        .collect();
    kept.join("\n").into_bytes()
}

fn convert_with(bytes: &[u8], flags: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("r5.txt");
    std::fs::write(&input, bytes).expect("write");
    let out = dir.path().join("out.json");
    let mut args = vec!["convert", input.to_str().expect("utf-8"), "-o", out.to_str().expect("utf-8")];
    args.extend_from_slice(flags);
    shisaku(&args)
}

/// 15.2: an error-level result says so on stderr: a summary, then each error with page,
/// policy, card and name; `-q` silences it.
#[test]
fn convert_with_errors_is_not_silent() {
    let bytes = without_tenth_department();
    let o = convert_with(&bytes, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr_of(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines
            .first()
            .is_some_and(|l| l.contains("r5.txt: ") && l.contains(" cards, ") && l.contains(" errors, ")),
        "{err}"
    );
    let line =
        lines.iter().find(|l| l.starts_with("error[card.no_department]")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains(" p.") && line.contains("#10 「"), "says where: {line}");
    assert!(!lines.iter().any(|l| l.starts_with("warning[")), "warnings only with -v: {err}");
    let q = convert_with(&bytes, &["-q"]);
    assert_eq!(q.status.code(), Some(1));
    assert_eq!(stderr_of(&q), "", "-q silences");
}

/// 15.2: warnings give the summary line; `-v` lists them; a clean conversion says nothing.
#[test]
fn convert_with_warnings_prints_a_summary_and_verbose_lists_them() {
    let text = report_text();
    let o = convert_with(text.as_bytes(), &[]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr_of(&o);
    let warnings: usize = err
        .lines()
        .next()
        .and_then(|l| l.rsplit(", ").next())
        .and_then(|w| w.strip_suffix(" warnings"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("summary line: {err}"));
    assert!(warnings > 0, "{err}");
    assert_eq!(err.lines().count(), 1, "no error lines: {err}");
    let v = convert_with(text.as_bytes(), &["-v"]);
    let listed = stderr_of(&v).lines().filter(|l| l.starts_with("warning[")).count();
    assert_eq!(listed, warnings, "{}", stderr_of(&v));
}

/// 15.3: `convert … | head -c 10` ends quietly.
#[test]
fn closed_stdout_is_a_normal_end() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["-q", "convert", fixture("aomori-r5.txt").to_str().expect("utf-8")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 10];
    child.stdout.take().expect("stdout").read_exact(&mut first).expect("read");
    // The pipe's read end is closed here, before the 500 KB of JSON are written.
    let o = child.wait_with_output().expect("wait");
    assert_eq!(stderr_of(&o), "", "no `Broken pipe` message");
    assert_eq!(o.status.code(), Some(0));
}

/// 15.4: one line, naming the path and the cause once.
#[test]
fn messages_name_the_path_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").expect("write");
    let input = fixture("aomori-r5.txt");
    let input = input.to_str().expect("utf-8");
    let o = shisaku(&["batch", input, "-o", file.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_of(&o), format!("shisaku: {}: is a file, not a folder\n", file.display()));

    let db = dir.path().join("nodir").join("x.db");
    let o = shisaku(&["load", input, "--db", &format!("sqlite:{}", db.display())]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr_of(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&db.display().to_string()) && err.contains("does not exist"), "{err}");

    let o = shisaku(&["load", input, "--db", "mysql://me@localhost/x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr_of(&o);
    assert!(
        err.contains("unsupported database URL scheme `mysql://`") && err.contains("postgres://"),
        "{err}"
    );
    assert!(!std::path::Path::new("mysql:").exists());
}

/// 15.5: a load where nothing loads creates no database file.
#[test]
fn failed_load_creates_no_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "hello\n").expect("write");
    let db = dir.path().join("x.db");
    let o = shisaku(&["load", bad.to_str().expect("utf-8"), "--db", db.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!db.exists(), "no empty database left behind");
}

/// 15.6: `validate -` reads stdin; a PDF gets a hint; a top-level schema error says `/`;
/// error-level diagnostics in the file make exit 1.
#[test]
fn validate_reads_stdin_and_explains() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let run_stdin = |bytes: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shisaku"))
            .args(["validate", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child.stdin.take().expect("stdin").write_all(bytes).expect("write");
        child.wait_with_output().expect("wait")
    };
    let good = shisaku(&["convert", fixture("aomori-r5.txt").to_str().expect("utf-8"), "--compact"]);
    assert_eq!(run_stdin(&good.stdout).status.code(), Some(0));

    let mut v: serde_json::Value = serde_json::from_slice(&good.stdout).expect("json");
    v["extra"] = serde_json::Value::Bool(true);
    let o = run_stdin(v.to_string().as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("schema: /: "), "{}", stderr_of(&o));

    let pdf = shisaku(&["validate", fixture("aomori-r5.libreoffice.pdf").to_str().expect("utf-8")]);
    assert_eq!(pdf.status.code(), Some(2));
    assert!(stderr_of(&pdf).contains("this is a PDF; run `shisaku convert` first"), "{}", stderr_of(&pdf));

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("e.json");
    let input = dir.path().join("e.txt");
    std::fs::write(&input, without_tenth_department()).expect("write");
    let c = shisaku(&["-q", "convert", input.to_str().expect("utf-8"), "-o", out.to_str().expect("utf-8")]);
    assert_eq!(c.status.code(), Some(1));
    let o = shisaku(&["validate", out.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("error[card.no_department]"), "{}", stderr_of(&o));
}

/// 15.9: the small ones.
#[test]
fn small_ones_empty_folder_text_named_pdf_help_texts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let o = shisaku(&[
        "batch",
        empty.to_str().expect("utf-8"),
        "-o",
        dir.path().join("out").to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr_of(&o).contains(&format!("no .pdf or .txt files in {}", empty.display())),
        "{}",
        stderr_of(&o)
    );

    let (code, _, err) = convert_bytes(report_text().as_bytes(), "pdf");
    assert_eq!(code, 2);
    assert!(err.contains("--input-format text"), "{err}");

    let h = String::from_utf8_lossy(&shisaku(&["validate", "--help"]).stdout).into_owned();
    assert!(h.contains("A JSON file written by `convert`"), "{h}");
    let h = String::from_utf8_lossy(&shisaku(&["export", "--help"]).stdout).into_owned();
    assert!(h.contains("File format"), "{h}");
    let h = String::from_utf8_lossy(&shisaku(&["batch", "--help"]).stdout).into_owned();
    assert!(!h.contains("[default: 0]"), "{h}");

    let out = dir.path().join("quiet");
    let o = shisaku(&[
        "-q",
        "batch",
        fixture("aomori-r5.txt").to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr_of(&o), "", "-q: no progress lines");
}

/// 15.9: card boxes are written to 0.01 pt, without `f32` noise.
#[test]
fn bbox_is_rounded_to_hundredths() {
    let o = shisaku(&[
        "-q",
        "convert",
        fixture("aomori-r5.libreoffice.pdf").to_str().expect("utf-8"),
        "--compact",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let boxes: Vec<f64> = v["policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["projects"].as_array().into_iter().flatten())
        .flat_map(|c| c["bbox"].as_array().into_iter().flatten())
        .filter_map(serde_json::Value::as_f64)
        .collect();
    assert!(!boxes.is_empty());
    for x in boxes {
        let text = serde_json::Value::from(x).to_string();
        let decimals = text.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 2, "{text}");
    }
}
