//! Resource limits on hostile input: every bound either ends in a clear
//! `Error::Limit` or is absorbed with a diagnostic, and nothing blows up. The bounds are proven
//! by the diagnostics and errors they produce, not by wall-clock time (speed is the
//! benchmarks' business, and a timed test fails on a busy machine).

use lopdf::{dictionary, Object, ObjectId, Stream};
use shisaku::input::pdf::testpdf::TestPdf;
use shisaku::input::pdf::{objects, read};
use shisaku::{convert, Error, InputFormat, Options};

fn texts(doc: &shisaku::doc::Document) -> Vec<String> {
    doc.pages.iter().map(|p| p.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")).collect()
}

fn limit_error<T: std::fmt::Debug>(result: shisaku::Result<T>) -> String {
    match result {
        Err(Error::Limit(why)) => why,
        other => panic!("expected Error::Limit, got {other:?}"),
    }
}

#[test]
fn flate_bomb_stream_is_refused() {
    let mut b = TestPdf::new();
    // 64 KiB of compressed zeros that inflate past the 64 MiB bound.
    let bomb = b.stream(vec![b' '; objects::MAX_STREAM_BYTES + 1], true);
    let root = b.root;
    let page = b.page_under(root, bomb.into());
    let bytes = b.bytes_with_kids(vec![page]);
    assert!(bytes.len() < 1 << 20, "the bomb is small: {}", bytes.len());
    let why = limit_error(read(&bytes));
    assert!(why.contains("64 MiB"), "{why}");
    assert_eq!(Error::Limit(why).to_string(), "limit exceeded: a stream decodes to more than 64 MiB");
}

#[test]
fn streams_over_the_document_budget_are_refused() {
    let mut b = TestPdf::new();
    // One stream just under the per-stream bound, drawn by five pages: each page decodes
    // it again, and together they pass the 256 MiB per document. A comment keeps the
    // interpreter's own work small.
    let mut content = vec![b'%'];
    content.resize(objects::MAX_STREAM_BYTES - 16, b'x');
    let big = b.stream(content, true);
    let root = b.root;
    let pages: Vec<ObjectId> = (0..5).map(|_| b.page_under(root, big.into())).collect();
    let why = limit_error(read(&b.bytes_with_kids(pages)));
    assert!(why.contains("256 MiB in total"), "{why}");
}

#[test]
fn deep_page_tree_is_read_whole() {
    let mut b = TestPdf::new();
    // 5,000 levels of /Pages, far past lopdf's own 256, with the page (and what it
    // inherits from the root) at the bottom.
    let mut parent = b.root;
    let mut top = None;
    for _ in 0..5_000 {
        let id = b.doc.new_object_id();
        b.doc.objects.insert(id, Object::Dictionary(dictionary! { "Type" => "Pages", "Parent" => parent }));
        top.get_or_insert(id);
        if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(parent) {
            d.set("Kids", vec![Object::Reference(id)]);
            d.set("Count", 1);
        }
        parent = id;
    }
    let page = b.text_page_under(parent, "deep");
    if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(parent) {
        d.set("Kids", vec![Object::Reference(page)]);
        d.set("Count", 1);
    }
    let bytes = b.bytes_with_kids(vec![top.expect("a level")]);
    let (doc, _) = read(&bytes).expect("readable");
    assert_eq!(texts(&doc), ["deep"]);
}

#[test]
fn cyclic_page_tree_reads_each_page_once() {
    let mut b = TestPdf::new();
    let root = b.root;
    let inner = b.doc.new_object_id();
    let p1 = b.text_page_under(root, "one");
    let p2 = b.text_page_under(inner, "two");
    // The inner node lists the root again (a cycle) and page one a second time.
    b.doc.objects.insert(
        inner,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Parent" => root, "Count" => 3,
            "Kids" => vec![Object::Reference(root), Object::Reference(p2), Object::Reference(p1)],
        }),
    );
    let bytes = b.bytes_with_kids(vec![p1, inner]);
    let (doc, diags) = read(&bytes).expect("readable");
    assert_eq!(texts(&doc), ["one", "two"]);
    assert!(diags.iter().any(|d| d.code == shisaku::model::Code::PdfPageTree), "{diags:?}");
}

#[test]
fn huge_kids_array_of_one_page() {
    let mut b = TestPdf::new();
    let root = b.root;
    let page = b.text_page_under(root, "again");
    let bytes = b.bytes_with_kids(vec![page; 200_000]);
    let (doc, diags) = read(&bytes).expect("readable");
    assert_eq!(texts(&doc), ["again"]);
    assert!(
        diags.iter().any(|d| d.code == shisaku::model::Code::PdfPageTree && d.message.contains("199999")),
        "{diags:?}"
    );
}

/// A chain of Form XObjects `X0` → `X1` → … each showing its level, `depth` long.
fn form_chain(depth: usize, fan_out: usize) -> Vec<u8> {
    let mut b = TestPdf::new();
    let ids: Vec<ObjectId> = (0..depth).map(|_| b.doc.new_object_id()).collect();
    for (level, &id) in ids.iter().enumerate() {
        let mut content = format!("BT /F1 12 Tf 72 {} Td (L{level}) Tj ET\n", 800 - (level % 50) * 14);
        let mut xobjects = lopdf::Dictionary::new();
        if let Some(&next) = ids.get(level + 1) {
            content.push_str(&"/N Do\n".repeat(fan_out));
            xobjects.set("N", next);
        }
        let form = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! { "XObject" => xobjects },
            },
            content.into_bytes(),
        );
        b.doc.objects.insert(id, Object::Stream(form));
    }
    let first = ids.first().copied().expect("depth > 0");
    let content = b.stream(b"/X0 Do".to_vec(), false);
    let root = b.root;
    let page = b.page_under(root, content.into());
    if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(page) {
        d.set("Resources", dictionary! { "XObject" => dictionary! { "X0" => first } });
    }
    b.bytes_with_kids(vec![page])
}

#[test]
fn deeply_nested_forms_stop_at_the_depth_bound() {
    let (doc, diags) = read(&form_chain(500, 1)).expect("readable");
    let text = texts(&doc).join("\n");
    assert!(text.contains("L0") && text.contains("L11") && !text.contains("L12"), "{text}");
    assert!(diags.iter().any(|d| d.message.contains("nested deeper")), "{diags:?}");
}

#[test]
fn exponential_form_fan_out_is_bounded() {
    // Each of 12 levels draws the next 8 times: 8^11 form runs without the work bound.
    let (_, diags) = read(&form_chain(12, 8)).expect("readable");
    assert!(diags.iter().any(|d| d.message.contains("operators; rest skipped")), "{diags:?}");
}

#[test]
fn huge_string_and_array_are_capped_per_page() {
    let mut b = TestPdf::new();
    // A 3 MB string and a TJ array of 1.5 million elements: glyphs stop at the page bound.
    let mut content = b"BT /F1 1 Tf 0 0 Td (".to_vec();
    content.resize(content.len() + 3_000_000, b'a');
    content.extend_from_slice(b") Tj [");
    for _ in 0..750_000 {
        content.extend_from_slice(b"(b) 1 ");
    }
    content.extend_from_slice(b"] TJ ET");
    let stream = b.stream(content, true);
    let root = b.root;
    let page = b.page_under(root, stream.into());
    let (doc, diags) = read(&b.bytes_with_kids(vec![page])).expect("readable");
    assert_eq!(doc.pages.len(), 1);
    assert!(diags.iter().any(|d| d.message.contains("glyphs; the rest are not read")), "{diags:?}");
}

#[test]
fn document_budget_counts_operators_and_glyphs() {
    let budget = objects::Budget::default();
    assert!((0..objects::Budget::MAX_GLYPHS).all(|_| budget.charge_glyphs(1)));
    assert!(budget.check().is_ok());
    assert!(!budget.charge_glyphs(1));
    assert!(limit_error(budget.check()).contains("glyphs in the document"));
    let budget = objects::Budget::default();
    assert!((0..objects::Budget::MAX_OPS).all(|_| budget.charge_ops(1)));
    assert!(!budget.charge_ops(1));
    assert!(limit_error(budget.check()).contains("operators in the document"));
}

#[test]
fn five_thousand_pages() {
    let mut b = TestPdf::new();
    let root = b.root;
    let pages: Vec<ObjectId> = (1..=5_000).map(|i| b.text_page_under(root, &format!("page {i}"))).collect();
    let (doc, _) = read(&b.bytes_with_kids(pages)).expect("readable");
    assert_eq!(doc.pages.len(), 5_000);
    let texts = texts(&doc);
    assert_eq!(texts.first().map(String::as_str), Some("page 1"));
    assert_eq!(texts.last().map(String::as_str), Some("page 5000"));
}

#[test]
fn text_of_100_mb_is_refused_at_once() {
    let line = "事業費 1,234千円 これは試験用の行です。\n";
    let bytes = line.repeat(100 * 1024 * 1024 / line.len() + 1).into_bytes();
    assert!(bytes.len() >= 100 * 1024 * 1024);
    let why = limit_error(convert(
        &bytes,
        "big.txt",
        &Options { format: Some(InputFormat::Text), ..Options::default() },
    ));
    assert!(why.contains("32 MiB"), "{why}");
}

#[test]
fn text_under_the_limit_is_converted() {
    // Sixteen reports back to back (2.8 MB): read through, not refused.
    let one =
        std::fs::read(format!("{}/fixtures/aomori-r5.txt", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
    let bytes = one.repeat(16);
    let report = convert(&bytes, "x16.txt", &Options::default()).expect("converts");
    assert!(!report.policies.is_empty());
}
