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
