//! The PDF front end on the two corpus renditions and on broken input.

use std::time::{Duration, Instant};

use lopdf::{dictionary, Document as PdfDocument, Object, Stream};
use shisaku::doc::Document;
use shisaku::input::pdf::read;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn all_text(doc: &Document) -> String {
    doc.pages.iter().flat_map(|p| p.lines.iter()).map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
}

fn is_radical(c: char) -> bool {
    // CJK Radicals Supplement and Kangxi Radicals, adjacent blocks.
    matches!(c as u32, 0x2E80..=0x2FDF)
}

fn check_corpus_pdf(name: &str) {
    let (doc, diags) = read(&fixture(name)).expect("corpus PDF reads");
    assert_eq!(doc.pages.len(), 98, "{name}");
    let text = all_text(&doc);
    assert!(!text.chars().any(is_radical), "{name}: radicals left in the text");
    assert!(!text.contains('\u{FFFD}'), "{name}: U+FFFD in the text");
    assert!(
        diags.iter().all(|d| d.code != "pdf.unmapped_glyph" && d.code != "pdf.no_text_layer"),
        "{diags:?}"
    );

    // Every page has its footer number; the physical order runs 20, 21, …
    assert!(doc.pages.iter().all(|p| p.printed.is_some()), "{name}: a page without printed number");
    assert_eq!(doc.pages.first().and_then(|p| p.printed), Some(20));
    assert_eq!(doc.pages.last().and_then(|p| p.printed), Some(116));

    // Card 1 sits on printed page 24 with its title, cost and the two-column box.
    let page = doc.pages.iter().find(|p| p.printed == Some(24)).expect("printed page 24");
    let lines = &page.lines;
    let title =
        lines.iter().find(|l| l.text.contains("西北地域の未来をつくるデジタル人財育成事業")).expect("title");
    assert!(title.text.contains("事業費 4,789千円"), "{}", title.text);
    let heads = lines.iter().find(|l| l.text.contains("【 事業概要 】")).expect("box heading");
    let spans = &heads.geom.as_ref().expect("geometry").spans;
    assert_eq!(spans.len(), 2, "{spans:?}");
    assert!(spans[1].text.contains("【 事業実績 】") && spans[1].x0 > spans[0].x1 + 50.0);
    // Box body lines: left and right column apart.
    let body =
        lines.iter().find(|l| l.text.starts_with("ＩＣＴスキルを活用して働く人材を育")).expect("box body");
    let spans = &body.geom.as_ref().expect("geometry").spans;
    assert_eq!(spans.len(), 2, "{spans:?}");
    assert!(spans[1].text.starts_with("子育て中の女性等向けに"), "{spans:?}");
    // Metrics table header: one span per cell.
    let header = lines.iter().find(|l| l.text.contains("項目名")).expect("metrics header");
    let cells: Vec<&str> =
        header.geom.as_ref().expect("geometry").spans.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(cells, ["項目名", "４年度", "５年度"]);
    // No footer number left among the lines.
    assert!(!lines.iter().any(|l| l.text.trim() == "24"));
    assert!(!page.rules.is_empty(), "card boxes have ruling lines");
}

#[test]
fn libreoffice_rendition() {
    check_corpus_pdf("aomori-r5.libreoffice.pdf");
}

#[test]
fn chromium_rendition() {
    check_corpus_pdf("aomori-r5.chromium.pdf");
}

/// The two producers wrap a few titles and cells differently, so the comparison is of
/// the characters read, not of their order. The files themselves differ by one repeated
/// table heading (「担当課等 掲載頁」, 7 characters, also so in poppler's reading).
#[test]
fn both_renditions_give_the_same_characters() {
    use std::collections::HashMap;
    let (a, _) = read(&fixture("aomori-r5.libreoffice.pdf")).expect("reads");
    let (b, _) = read(&fixture("aomori-r5.chromium.pdf")).expect("reads");
    let mut balance: HashMap<char, i64> = HashMap::new();
    for c in all_text(&a).chars().filter(|c| !c.is_whitespace()) {
        *balance.entry(c).or_default() += 1;
    }
    for c in all_text(&b).chars().filter(|c| !c.is_whitespace()) {
        *balance.entry(c).or_default() -= 1;
    }
    let differing: i64 = balance.values().map(|v| v.abs()).sum();
    assert!(
        differing <= 7,
        "{differing} characters differ: {:?}",
        balance.iter().filter(|(_, v)| **v != 0).collect::<Vec<_>>()
    );
}

#[test]
fn truncated_file_is_an_error_or_partial_not_a_panic() {
    let bytes = fixture("aomori-r5.libreoffice.pdf");
    for len in [0, 10, 1000, bytes.len() / 3, bytes.len() - 100] {
        let _ = read(bytes.get(..len).unwrap_or_default());
    }
}

#[test]
fn garbage_with_pdf_header_is_an_error() {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    assert!(read(&bytes).is_err());
    assert!(read(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF").is_err());
}

/// A one-page PDF whose page draws Form XObject `/X`, which draws itself.
fn cyclic_form_pdf() -> Vec<u8> {
    let mut doc = PdfDocument::with_version("1.7");
    let pages_id = doc.new_object_id();
    let form_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources = dictionary! {
        "Font" => dictionary! { "F1" => font },
        "XObject" => dictionary! { "X" => form_id },
    };
    let form = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "Resources" => resources.clone() },
        b"BT /F1 12 Tf 72 720 Td (loop) Tj ET /X Do".to_vec(),
    );
    doc.objects.insert(form_id, Object::Stream(form));
    let content = doc.add_object(Stream::new(dictionary! {}, b"/X Do".to_vec()));
    let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write to memory");
    out
}

#[test]
fn cyclic_form_xobject_terminates() {
    let start = Instant::now();
    let (doc, diags) = read(&cyclic_form_pdf()).expect("readable");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(all_text(&doc), "loop");
    assert!(diags.iter().any(|d| d.code == "pdf.content" && d.page == Some(1)), "{diags:?}");
}

#[test]
fn page_without_text_is_diagnosed() {
    let mut doc = PdfDocument::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, b"0 0 100 100 re f".to_vec()));
    let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("write to memory");
    let (doc, diags) = read(&bytes).expect("readable");
    assert_eq!(doc.pages.len(), 1);
    assert!(diags.iter().any(|d| d.code == "pdf.no_text_layer" && d.page == Some(1)), "{diags:?}");
}
