//! Regression tests for the faults found by probing broken inputs (issue 10), one
//! function per item, named `fault_NN_…`. Each damaged input is made here from a fixture,
//! found by content rather than by line or object number.

mod common;

use common::{convert_bytes, diagnostics_with, fixture, without_regions};
use lopdf::{Document as PdfDocument, Object, ObjectId, Stream};
use serde_json::Value;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text_fixture() -> String {
    String::from_utf8(read("aomori-r5.txt")).expect("the text fixture is UTF-8")
}

fn policies(json: &Value) -> Vec<Value> {
    json["policies"].as_array().cloned().unwrap_or_default()
}

fn card_count(json: &Value) -> usize {
    policies(json).iter().map(|p| p["projects"].as_array().map_or(0, Vec::len)).sum()
}

fn numbers(json: &Value) -> Vec<Vec<u64>> {
    policies(json)
        .iter()
        .map(|p| {
            p["numbers"].as_array().map(|a| a.iter().filter_map(Value::as_u64).collect()).unwrap_or_default()
        })
        .collect()
}

fn errors(json: &Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["level"] == "error")
                .map(|d| format!("{}: {}", d["code"], d["message"]))
                .collect()
        })
        .unwrap_or_default()
}

/// No case study's text holds a card's box header or cost line.
fn assert_no_card_in_case_studies(json: &Value) {
    for p in policies(json) {
        for cs in p["case_studies"].as_array().cloned().unwrap_or_default() {
            let text = cs["text"].as_str().unwrap_or_default().replace([' ', '\u{3000}'], "");
            assert!(
                !text.contains("【事業概要】") && !text.contains("【事業実績】"),
                "a card swallowed by a case study of {:?}",
                p["numbers"]
            );
        }
    }
}

/// Whether `lines[i]` is the heading of a chapter (a circled number and a title, with
/// 【取組の概要】 within the next lines).
fn is_heading(lines: &[&str], i: usize, number: char) -> bool {
    lines.get(i).is_some_and(|l| l.trim().starts_with(number))
        && lines.iter().skip(i + 1).take(5).any(|l| l.trim().starts_with("【取組の概要】"))
}

#[test]
fn fault_03_chapter_without_heading_text() {
    let text = text_fixture();
    let (code, clean, _) = convert_bytes(text.as_bytes(), "txt");
    assert_eq!(code, 0);
    let lines: Vec<&str> = text.lines().collect();
    let at = (0..lines.len()).find(|&i| is_heading(&lines, i, '②')).expect("chapter ②'s heading");
    let damaged: String =
        lines.iter().enumerate().filter(|&(i, _)| i != at).map(|(_, l)| format!("{l}\n")).collect();

    let (code, json, stderr) = convert_bytes(damaged.as_bytes(), "txt");
    assert_eq!(code, 1, "a lost chapter is an error: {stderr}");
    let lost = diagnostics_with(&json, "chapter.no_heading");
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0]["level"], "error");
    // Every card is still read, in a chapter of its own without number or title.
    assert_eq!(card_count(&json), card_count(&clean));
    let expected: Vec<Vec<u64>> =
        numbers(&clean).into_iter().map(|n| if n == [2] { Vec::new() } else { n }).collect();
    assert_eq!(numbers(&json), expected);
    let headless =
        policies(&json).into_iter().find(|p| p["numbers"] == serde_json::json!([])).expect("headless");
    let clean_2 = policies(&clean).into_iter().find(|p| p["numbers"] == serde_json::json!([2])).expect("②");
    assert_eq!(without_regions(&headless["projects"]), without_regions(&clean_2["projects"]));
    assert_eq!(without_regions(&headless["summary"]), without_regions(&clean_2["summary"]));
    assert_no_card_in_case_studies(&json);
}

#[test]
fn fault_03_cards_after_case_studies_form_a_chapter() {
    // Chapter ②'s heading, overview and summary table all lost: its cards follow ①'s
    // case studies directly, and must not be read as case-study text.
    let text = text_fixture();
    let (_, clean, _) = convert_bytes(text.as_bytes(), "txt");
    let lines: Vec<&str> = text.lines().collect();
    let from = (0..lines.len()).find(|&i| is_heading(&lines, i, '②')).expect("②");
    let to = (from..lines.len()).find(|&i| lines[i].trim().starts_with("小計")).expect("②'s 小計");
    let damaged: Vec<&str> = lines[..from].iter().chain(&lines[to + 1..]).copied().collect();
    let (code, json, stderr) = convert_bytes(damaged.join("\n").as_bytes(), "txt");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(diagnostics_with(&json, "chapter.no_heading").len(), 1, "{:?}", errors(&json));
    assert_eq!(card_count(&json), card_count(&clean));
    assert_no_card_in_case_studies(&json);
    let headless =
        policies(&json).into_iter().find(|p| p["numbers"] == serde_json::json!([])).expect("headless");
    let clean_2 = policies(&clean).into_iter().find(|p| p["numbers"] == serde_json::json!([2])).expect("②");
    let costs = |p: &Value| -> Vec<Value> {
        p["projects"]
            .as_array()
            .map(|a| a.iter().map(|c| c["cost_thousand_yen"].clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(costs(&headless), costs(&clean_2));
}

/// A copy of `pdf` with page `page`'s (1-based) content replaced by an empty stream:
/// the page is there but has no readable text.
fn blank_page(pdf: &[u8], page: u32) -> Vec<u8> {
    let mut doc = PdfDocument::load_mem(pdf).expect("fixture PDF parses");
    let id = *doc.get_pages().get(&page).expect("page exists");
    let empty = doc.add_object(Stream::new(lopdf::Dictionary::new(), Vec::new()));
    let dict = doc.get_object_mut(id).and_then(Object::as_dict_mut).expect("page dictionary");
    dict.set("Contents", Object::Reference(empty));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

#[test]
fn fault_03_chapter_without_heading_pdf() {
    let pdf = read("aomori-r5.chromium.pdf");
    let (code, clean, _) = convert_bytes(&pdf, "pdf");
    assert_eq!(code, 0);
    let page = policies(&clean)
        .iter()
        .find(|p| p["numbers"] == serde_json::json!([2]))
        .and_then(|p| p["pdf_page"].as_u64())
        .expect("chapter ② has a page");
    let (code, json, stderr) = convert_bytes(&blank_page(&pdf, page as u32), "pdf");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(diagnostics_with(&json, "chapter.no_heading").len(), 1, "{:?}", errors(&json));
    assert!(!diagnostics_with(&json, "pdf.no_text_layer").is_empty());
    assert_eq!(card_count(&json), card_count(&clean));
    assert_eq!(policies(&json).len(), policies(&clean).len());
    assert_no_card_in_case_studies(&json);
}

#[test]
fn fault_05_concatenated_reports_text() {
    let text = text_fixture();
    let (_, clean, _) = convert_bytes(text.as_bytes(), "txt");
    let two = format!("{text}\n{text}");
    let (code, json, stderr) = convert_bytes(two.as_bytes(), "txt");
    assert_eq!(code, 1, "{stderr}");
    let repeated = diagnostics_with(&json, "report.repeated");
    assert!(!repeated.is_empty(), "{:?}", errors(&json));
    assert!(repeated.iter().all(|d| d["level"] == "error"));
    // Nothing of the second copy is dropped.
    assert_eq!(card_count(&json), 2 * card_count(&clean));
    assert_eq!(policies(&json).len(), 2 * policies(&clean).len());
}

#[test]
fn fault_05_chapter_after_appendix_is_read() {
    // Chapter ② copied after the appendix, renumbered ⑨: a real chapter there is read.
    let text = text_fixture();
    let (_, clean, _) = convert_bytes(text.as_bytes(), "txt");
    let lines: Vec<&str> = text.lines().collect();
    let from = (0..lines.len()).find(|&i| is_heading(&lines, i, '②')).expect("②");
    let to = (from..lines.len()).find(|&i| is_heading(&lines, i, '③')).expect("③");
    let appendix = lines.iter().position(|l| l.contains("参考資料")).expect("the appendix heading");
    assert!(appendix > to, "the appendix comes after the chapters");
    let mut chapter: Vec<String> = lines[from..to].iter().map(|l| l.to_string()).collect();
    chapter[0] = chapter[0].replacen('②', "⑨", 1);
    let appended = format!("{text}\n{}\n", chapter.join("\n"));

    let (code, json, stderr) = convert_bytes(appended.as_bytes(), "txt");
    let all = numbers(&json);
    assert_eq!(all.last(), Some(&vec![9]), "{all:?} {stderr}");
    assert_eq!(all.len(), policies(&clean).len() + 1);
    let clean_2 = policies(&clean).into_iter().find(|p| p["numbers"] == serde_json::json!([2])).expect("②");
    let nine = policies(&json).pop().expect("⑨");
    assert_eq!(without_regions(&nine["projects"]), without_regions(&clean_2["projects"]));
    assert!(diagnostics_with(&json, "report.repeated").is_empty());
    assert_eq!(code, 0, "{:?}", errors(&json));

    // The same chapter appended as printed: read, and its number reported as repeated.
    chapter[0] = chapter[0].replacen('⑨', "②", 1);
    let appended = format!("{text}\n{}\n", chapter.join("\n"));
    let (code, json, _) = convert_bytes(appended.as_bytes(), "txt");
    assert_eq!(numbers(&json).last(), Some(&vec![2]));
    let repeated = diagnostics_with(&json, "report.repeated");
    assert_eq!(repeated.len(), 1, "{repeated:?}");
    assert_eq!(repeated[0]["policy"], 2);
    assert_eq!(code, 1);
}

/// `pdf` with every page listed twice (each second copy a new page object sharing the
/// first one's content and parent): two copies of the report in one file.
fn doubled(pdf: &[u8]) -> Vec<u8> {
    let mut doc = PdfDocument::load_mem(pdf).expect("fixture PDF parses");
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let root = doc.catalog().and_then(|c| c.get(b"Pages")).and_then(Object::as_reference).expect("page tree");
    let mut kids = doc
        .get_dictionary(root)
        .and_then(|d| d.get(b"Kids"))
        .and_then(Object::as_array)
        .expect("kids")
        .clone();
    for &id in &pages {
        let copy = doc.get_dictionary(id).expect("page").clone();
        kids.push(Object::Reference(doc.add_object(copy)));
    }
    let count = 2 * pages.len() as i64;
    let tree = doc.get_object_mut(root).and_then(Object::as_dict_mut).expect("page tree dict");
    tree.set("Kids", Object::Array(kids));
    tree.set("Count", Object::Integer(count));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

#[test]
fn fault_05_concatenated_reports_pdf() {
    let pdf = read("aomori-r5.libreoffice.pdf");
    let (_, clean, _) = convert_bytes(&pdf, "pdf");
    let (code, json, stderr) = convert_bytes(&doubled(&pdf), "pdf");
    assert_eq!(code, 1, "{stderr}");
    assert!(!diagnostics_with(&json, "report.repeated").is_empty(), "{:?}", errors(&json));
    assert_eq!(card_count(&json), 2 * card_count(&clean));
}

/// The line ranges of the cards of the first chapter: each ends at the line where its
/// （担当課：…） closes, and starts after the previous one's.
fn first_chapter_cards(lines: &[&str]) -> Vec<std::ops::Range<usize>> {
    let start = lines.iter().position(|l| l.trim().starts_with("小計")).expect("first 小計");
    let end = (0..lines.len()).find(|&i| is_heading(lines, i, '②')).expect("②");
    let mut cards = Vec::new();
    let mut from = start + 1;
    let mut depth: Option<i32> = None;
    for (i, l) in lines.iter().enumerate().take(end).skip(start + 1) {
        let t = l.trim();
        if depth.is_none() && t.starts_with('（') && t.contains("担当課") {
            depth = Some(0);
        }
        if let Some(d) = depth.as_mut() {
            *d += t.matches(['（', '(']).count() as i32 - t.matches(['）', ')']).count() as i32;
            if *d <= 0 {
                cards.push(from..i + 1);
                from = i + 1;
                depth = None;
            }
        }
    }
    cards
}

#[test]
fn fault_06_duplicated_card() {
    let text = text_fixture();
    let lines: Vec<&str> = text.lines().collect();
    let cards = first_chapter_cards(&lines);
    let third = cards.get(2).cloned().expect("a third card");
    let mut damaged: Vec<&str> = lines[..third.end].to_vec();
    damaged.extend_from_slice(&lines[third.clone()]);
    damaged.extend_from_slice(&lines[third.end..]);
    let (code, json, stderr) = convert_bytes(damaged.join("\n").as_bytes(), "txt");
    assert_ne!(code, 2, "{stderr}");

    let dup = diagnostics_with(&json, "card.duplicate");
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert_eq!(dup[0]["level"], "warning");
    assert_eq!(dup[0]["policy"], 1);
    let message = dup[0]["message"].as_str().unwrap_or_default();
    // Both cards are named, by their place in the chapter.
    assert!(
        message.contains("card 3 of the chapter") && message.contains("card 4 of the chapter"),
        "{message}"
    );
    let row = diagnostics_with(&json, "summary.row_duplicated");
    assert_eq!(row.len(), 1, "{row:?}");
    assert_eq!(row[0]["card"], 3);
    assert!(row[0]["message"].as_str().unwrap_or_default().contains("2 cards"), "{row:?}");
}

/// `pdf` with the raw bytes of stream object `id` changed by `damage` (the data between
/// `stream` and `endstream`).
fn damage_stream(pdf: &[u8], id: ObjectId, damage: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let marker = format!("\n{} {} obj", id.0, id.1);
    let at = find(pdf, marker.as_bytes(), 0).expect("object in the file") + 1;
    let data = find(pdf, b"stream", at).expect("stream keyword") + b"stream".len();
    let data = data + if pdf.get(data) == Some(&b'\r') { 2 } else { 1 };
    let end = find(pdf, b"endstream", data).expect("endstream");
    let mut bytes = pdf[data..end].to_vec();
    damage(&mut bytes);
    [&pdf[..data], &bytes[..], &pdf[end..]].concat()
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// The first content stream of the page holding card 1 of chapter ①.
fn card_page_stream(pdf: &[u8], clean: &Value) -> (u32, ObjectId) {
    let page = policies(clean)
        .first()
        .and_then(|p| p["projects"][0]["pdf_page"].as_u64())
        .expect("card 1 has a page") as u32;
    let doc = PdfDocument::load_mem(pdf).expect("parses");
    let id = *doc.get_pages().get(&page).expect("page");
    let contents = doc.get_dictionary(id).and_then(|d| d.get(b"Contents")).expect("contents").clone();
    let stream = match contents {
        Object::Reference(r) => r,
        Object::Array(a) => a.first().and_then(|o| o.as_reference().ok()).expect("a content stream"),
        _ => panic!("contents"),
    };
    (page, stream)
}

#[test]
fn fault_09_corrupt_stream() {
    let pdf = read("aomori-r5.libreoffice.pdf");
    let (_, clean, _) = convert_bytes(&pdf, "pdf");
    let (page, id) = card_page_stream(&pdf, &clean);
    // Garbage in the middle of the deflated data: the stream no longer inflates.
    let broken = damage_stream(&pdf, id, |b| {
        let mid = b.len() / 2;
        for x in b.iter_mut().skip(mid).take(64) {
            *x = 0xA5;
        }
    });
    let (code, json, stderr) = convert_bytes(&broken, "pdf");
    assert_eq!(code, 1, "{stderr}");
    let corrupt = diagnostics_with(&json, "pdf.stream_corrupt");
    assert_eq!(corrupt.len(), 1, "{corrupt:?}");
    assert_eq!(corrupt[0]["level"], "error");
    assert_eq!(corrupt[0]["page"], page);
    let message = corrupt[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("object {} {}", id.0, id.1)), "{message}");
    assert!(
        diagnostics_with(&json, "pdf.content").len() <= 1,
        "{:?}",
        diagnostics_with(&json, "pdf.content")
    );
    assert!(diagnostics_with(&json, "pdf.no_text_layer").is_empty());
}

#[test]
fn fault_09_missing_content_stream() {
    // The page's content object is gone (as when the parser cannot read it): an error
    // naming page and object, not a page "without a text layer".
    let pdf = read("aomori-r5.libreoffice.pdf");
    let (_, clean, _) = convert_bytes(&pdf, "pdf");
    let (page, id) = card_page_stream(&pdf, &clean);
    let mut doc = PdfDocument::load_mem(&pdf).expect("parses");
    doc.objects.remove(&id);
    let mut broken = Vec::new();
    doc.save_to(&mut broken).expect("save");
    let (code, json, stderr) = convert_bytes(&broken, "pdf");
    assert_eq!(code, 1, "{stderr}");
    let corrupt = diagnostics_with(&json, "pdf.stream_corrupt");
    assert_eq!(corrupt.len(), 1, "{corrupt:?}");
    assert_eq!(corrupt[0]["page"], page);
    let message = corrupt[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("object {} {}", id.0, id.1)), "{message}");
}

/// Each stream's `/Length` as written in the file (lopdf replaces it by the length it
/// read): (stream, the length's own object if indirect, value).
fn stream_lengths(pdf: &[u8]) -> Vec<(ObjectId, Option<ObjectId>, i64)> {
    let doc = PdfDocument::load_mem(pdf).expect("parses");
    let mut out = Vec::new();
    for (&id, obj) in &doc.objects {
        if !matches!(obj, Object::Stream(_)) {
            continue;
        }
        let marker = format!("\n{} {} obj", id.0, id.1);
        let Some(mut k) = find(pdf, marker.as_bytes(), 0) else { continue };
        // `/Length`, not `/Length1` of a font file.
        let value = loop {
            let Some(at) = find(pdf, b"/Length", k) else { break None };
            k = at + b"/Length".len();
            if !pdf.get(k).is_some_and(u8::is_ascii_alphanumeric) {
                break pdf.get(k..(k + 40).min(pdf.len()));
            }
        };
        let text = String::from_utf8_lossy(value.unwrap_or_default()).into_owned();
        let tokens: Vec<&str> =
            text.split(['/', '>', ' ', '\n', '\r']).filter(|t| !t.is_empty()).take(3).collect();
        match tokens.as_slice() {
            [n, g, "R", ..] => {
                if let (Ok(n), Ok(g)) = (n.parse::<u32>(), g.parse::<u16>()) {
                    if let Ok(Object::Integer(v)) = doc.get_object((n, g)) {
                        out.push((id, Some((n, g)), *v));
                    }
                }
            }
            [n, ..] => {
                if let Ok(v) = n.parse() {
                    out.push((id, None, v));
                }
            }
            _ => {}
        }
    }
    out
}

/// Replace the first `from` after object `id`'s header with `to`.
fn replace_in_object(pdf: &[u8], id: ObjectId, from: &str, to: &str) -> Vec<u8> {
    let marker = format!("\n{} {} obj", id.0, id.1);
    let at = find(pdf, marker.as_bytes(), 0).expect("object in the file") + marker.len();
    let k = find(pdf, from.as_bytes(), at).expect("text in the object");
    [&pdf[..k], to.as_bytes(), &pdf[k + from.len()..]].concat()
}

fn assert_recovered(broken: &[u8], clean: &Value) {
    let (code, json, stderr) = convert_bytes(broken, "pdf");
    assert!(diagnostics_with(&json, "pdf.no_text_layer").is_empty(), "{:?}", errors(&json));
    assert_eq!(card_count(&json), card_count(clean));
    assert_eq!(json["policies"], clean["policies"]);
    assert_eq!(code, 0, "{stderr} {:?}", errors(&json));
}

#[test]
fn fault_09_every_length_tripled() {
    for name in ["aomori-r5.libreoffice.pdf", "aomori-r5.chromium.pdf"] {
        let pdf = read(name);
        let (_, clean, _) = convert_bytes(&pdf, "pdf");
        let mut broken = pdf.clone();
        let lengths = stream_lengths(&pdf);
        assert!(lengths.len() > 10, "{name}: streams with a length");
        for (stream, indirect, n) in lengths {
            broken = match indirect {
                // The length object is `N 0 obj n endobj`: its value follows the header.
                Some(l) => replace_in_object(&broken, l, &n.to_string(), &(3 * n).to_string()),
                None => {
                    replace_in_object(&broken, stream, &format!("/Length {n}"), &format!("/Length {}", 3 * n))
                }
            };
        }
        assert_recovered(&broken, &clean);
    }
}

#[test]
fn fault_09_length_pointing_elsewhere() {
    // One stream's indirect /Length refers to another object: a longer stream's length,
    // or an object that is no number at all (its page), as an edit that renumbered
    // objects leaves it.
    let pdf = read("aomori-r5.libreoffice.pdf");
    let (_, clean, _) = convert_bytes(&pdf, "pdf");
    let (page, stream) = card_page_stream(&pdf, &clean);
    let page_id = *PdfDocument::load_mem(&pdf).expect("parses").get_pages().get(&page).expect("page");
    let lengths = stream_lengths(&pdf);
    let (own, n) = lengths
        .iter()
        .find(|(s, _, _)| *s == stream)
        .and_then(|(_, l, n)| Some(((*l)?, *n)))
        .expect("indirect length");
    let longer = lengths
        .iter()
        .filter_map(|(_, l, m)| Some(((*l)?, *m)))
        .find(|(_, m)| *m > n)
        .map(|(l, _)| l)
        .expect("longer");
    for other in [longer, page_id] {
        let broken = replace_in_object(
            &pdf,
            stream,
            &format!("/Length {} {} R", own.0, own.1),
            &format!("/Length {} {} R", other.0, other.1),
        );
        assert_recovered(&broken, &clean);
    }
}
