//! The PDF front end on the two corpus renditions and on broken input.

mod common;

use lopdf::{dictionary, Document as PdfDocument, Object, Stream};
use shisaku::doc::Document;
use shisaku::input::pdf::read;
use shisaku::input::pdf::testpdf::TestPdf;

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
    // Radicals some producers map kanji to are folded by `normalize`, the one place
    // characters are folded: the front end hands on what the PDF maps.
    let normalized = all_text(&shisaku::normalize::document(doc.clone()));
    assert!(!normalized.chars().any(is_radical), "{name}: radicals left in the text");
    assert!(!text.contains('\u{FFFD}'), "{name}: U+FFFD in the text");
    // Nothing unmapped, no page without text, no unreadable content.
    assert!(diags.is_empty(), "{diags:?}");

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
    assert!(!page.rules().is_empty(), "card boxes have ruling lines");
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

/// A one-page PDF whose page draws Form XObject `/X`, which draws itself (the form has
/// no resources of its own: it inherits the page's, which hold it).
fn cyclic_form_pdf() -> Vec<u8> {
    let mut pdf = TestPdf::letter();
    pdf.form("X", "BT /F1 12 Tf 72 720 Td (loop) Tj ET /X Do", dictionary! {});
    pdf.page("/X Do");
    pdf.bytes()
}

#[test]
fn cyclic_form_xobject_terminates() {
    // Terminating at all is the point (the form is not re-entered); no clock here.
    let (doc, diags) = read(&cyclic_form_pdf()).expect("readable");
    assert_eq!(all_text(&doc), "loop");
    assert!(
        diags.iter().any(|d| d.code == shisaku::model::Code::PdfContent && d.page == Some(1)),
        "{diags:?}"
    );
}

/// `pdf` with one page drawing `content`, whose resources are the fonts of
/// `resources` (fonts added to `pdf.doc` by the caller), saved.
fn one_page(mut pdf: TestPdf, content: &[u8], resources: lopdf::Dictionary) -> Vec<u8> {
    pdf.fonts = resources.get(b"Font").ok().and_then(|f| f.as_dict().ok()).cloned().unwrap_or_default();
    pdf.page_bytes(content);
    pdf.bytes()
}

#[test]
fn page_without_text_is_diagnosed() {
    let bytes = one_page(TestPdf::letter(), b"0 0 100 100 re f", dictionary! {});
    let (doc, diags) = read(&bytes).expect("readable");
    assert_eq!(doc.pages.len(), 1);
    assert!(
        diags.iter().any(|d| d.code == shisaku::model::Code::PdfNoTextLayer && d.page == Some(1)),
        "{diags:?}"
    );
}

/// A one-page Helvetica document showing `text`, before saving.
fn text_pdf(text: &str) -> PdfDocument {
    let mut pdf = TestPdf::letter();
    pdf.page(&format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET"));
    let mut doc = pdf.document();
    doc.trailer.set(
        "ID",
        vec![
            Object::String(b"0123456789abcdef".to_vec(), lopdf::StringFormat::Hexadecimal),
            Object::String(b"0123456789abcdef".to_vec(), lopdf::StringFormat::Hexadecimal),
        ],
    );
    doc
}

#[derive(Clone, Copy, Debug)]
enum Cipher {
    Rc4,
    Aes128,
    Aes256,
}

fn encrypted(user_password: &str) -> Vec<u8> {
    encrypted_with(Cipher::Rc4, user_password)
}

fn encrypted_with(cipher: Cipher, user_password: &str) -> Vec<u8> {
    use lopdf::encryption::crypt_filters::{Aes128CryptFilter, Aes256CryptFilter, CryptFilter};
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let filters = |f: Arc<dyn CryptFilter>| BTreeMap::from([(b"StdCF".to_vec(), f)]);
    let mut doc = text_pdf("secret text");
    let version = match cipher {
        Cipher::Rc4 => lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        },
        Cipher::Aes128 => lopdf::EncryptionVersion::V4 {
            document: &doc,
            encrypt_metadata: true,
            crypt_filters: filters(Arc::new(Aes128CryptFilter)),
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password: "owner",
            user_password,
            permissions: lopdf::Permissions::all(),
        },
        Cipher::Aes256 => lopdf::EncryptionVersion::V5 {
            encrypt_metadata: true,
            crypt_filters: filters(Arc::new(Aes256CryptFilter)),
            file_encryption_key: &[0x42; 32],
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password: "owner",
            user_password,
            permissions: lopdf::Permissions::all(),
        },
    };
    let state = lopdf::EncryptionState::try_from(version).expect("encryption state");
    doc.encrypt(&state).expect("encrypts");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write to memory");
    out
}

#[test]
fn password_protected_file_is_encrypted_error() {
    match read(&encrypted("letmein")) {
        Err(shisaku::Error::Encrypted) => {}
        other => panic!("expected Error::Encrypted, got {:?}", other.map(|(d, _)| all_text(&d))),
    }
}

#[test]
fn empty_user_password_is_opened() {
    let (doc, _) = read(&encrypted("")).expect("opens with the empty password");
    assert_eq!(all_text(&doc), "secret text");
}

#[test]
fn aes_with_empty_user_password_is_opened_and_with_a_password_refused() {
    for cipher in [Cipher::Rc4, Cipher::Aes128, Cipher::Aes256] {
        let (doc, _) = read(&encrypted_with(cipher, ""))
            .unwrap_or_else(|e| panic!("{cipher:?} opens with the empty password: {e}"));
        assert_eq!(all_text(&doc), "secret text", "{cipher:?}");
        assert!(
            matches!(read(&encrypted_with(cipher, "letmein")), Err(shisaku::Error::Encrypted)),
            "{cipher:?}"
        );
    }
}

/// Files encrypted by another implementation (qpdf 11: `qpdf --encrypt "" owner 256 --`
/// and its RC4/AES-128 variants on `scripts/small-pdf.py`'s output).
#[test]
fn qpdf_encrypted_fixtures() {
    for name in [
        "rc4-128-empty-user-password.pdf",
        "aes128-empty-user-password.pdf",
        "aes256-empty-user-password.pdf",
    ] {
        let (doc, _) = read(&fixture(&format!("hostile/{name}"))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(all_text(&doc), "secret text", "{name}");
    }
    let err = read(&fixture("hostile/aes256-user-password.pdf")).err().map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("encrypted: password required"));
}

/// A tiny deterministic generator, so that a failing mutation can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Flip, insert and delete bytes of `base` at random; every result must read to Ok or
/// Err without a panic (caught or not) and in bounded time.
fn mutate_and_read(base: &[u8], rounds: usize, seed: u64) {
    let mut rng = XorShift(seed);
    for round in 0..rounds {
        let mut bytes = base.to_vec();
        for _ in 0..1 + rng.next() % 8 {
            let len = bytes.len().max(1);
            let at = (rng.next() as usize) % len;
            match rng.next() % 4 {
                0 => bytes.truncate(at),
                1 => bytes.insert(at.min(bytes.len()), rng.next() as u8),
                2 => {
                    if at < bytes.len() {
                        bytes.remove(at);
                    }
                }
                _ => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b = rng.next() as u8;
                    }
                }
            }
        }
        let result = std::panic::catch_unwind(|| read(&bytes).map(|(d, _)| d.pages.len()));
        assert!(result.is_ok(), "round {round} (seed {seed}) panicked");
    }
}

#[test]
fn mutated_small_pdfs_never_panic() {
    let mut plain = Vec::new();
    text_pdf("Hello (world) 123").save_to(&mut plain).expect("write to memory");
    mutate_and_read(&plain, 400, 0x9E37_79B9_7F4A_7C15);
    mutate_and_read(&cyclic_form_pdf(), 400, 0xD1B5_4A32_D192_ED03);
}

/// Heavier: mutations of the corpus files. `cargo test --release -- --ignored`.
#[test]
#[ignore]
fn mutated_corpus_pdfs_never_panic() {
    mutate_and_read(&fixture("aomori-r5.chromium.pdf"), 150, 7);
    mutate_and_read(&fixture("aomori-r5.libreoffice.pdf"), 150, 11);
}

/// Streams may divide at any token boundary, even between operands and operator.
#[test]
fn operator_split_across_content_streams() {
    let mut doc = text_pdf("unused");
    let first =
        doc.add_object(Stream::new(dictionary! {}, b"BT /F1 12 Tf 72 720 Td (split across)".to_vec()));
    let second = doc.add_object(Stream::new(dictionary! {}, b"Tj ET".to_vec()));
    let page_id = doc.page_iter().next().expect("a page");
    let page = doc.get_object_mut(page_id).and_then(Object::as_dict_mut).expect("page dict");
    page.set("Contents", vec![Object::Reference(first), Object::Reference(second)]);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("write to memory");
    let (doc, _) = read(&bytes).expect("readable");
    assert_eq!(all_text(&doc), "split across");
}

#[test]
fn broken_xref_is_recovered_or_a_clear_error() {
    let mut bytes = Vec::new();
    text_pdf("xref gone").save_to(&mut bytes).expect("write to memory");
    // Point startxref at nonsense, then shift every object by inserting bytes so the
    // table's offsets are all wrong.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let at = text.rfind("startxref").expect("has startxref");
    let mut broken =
        text.get(..at).unwrap_or_default().replacen("%PDF-1.7\n", "%PDF-1.7\n% padding padding\n", 1);
    broken.push_str("startxref\n999999\n%%EOF\n");
    match read(broken.as_bytes()) {
        Ok((doc, _)) => assert_eq!(all_text(&doc), "xref gone"),
        Err(e) => assert!(matches!(e, shisaku::Error::Pdf(_)), "{e:?}"),
    }
    // Through the CLI: exit 0 with the text, or exit 2 with one line naming the file.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken-xref.pdf");
    std::fs::write(&path, broken.as_bytes()).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["convert", path.to_str().expect("utf-8 path")])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) | Some(1) => assert!(String::from_utf8_lossy(&out.stdout).contains("\"format\": \"pdf\"")),
        Some(2) => {
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains("broken-xref.pdf"), "{stderr}");
        }
        other => panic!("exit {other:?}: {stderr}"),
    }
}

#[test]
fn unknown_font_encodings_are_diagnosed_not_dropped() {
    // A simple font naming an encoding that does not exist, and a Type0 font with an
    // unknown CMap and no ToUnicode map.
    let mut pdf = TestPdf::letter();
    let doc = &mut pdf.doc;
    let simple = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "NoSuchEncoding",
    });
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Mystery",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Mystery"), "Supplement" => 0 },
    });
    let composite = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Mystery", "Encoding" => "Mystery-H",
        "DescendantFonts" => vec![Object::Reference(descendant)],
    });
    let bytes = one_page(
        pdf,
        b"BT /F1 12 Tf 72 720 Td (plain) Tj ET BT /F2 12 Tf 72 700 Td <00410042> Tj ET",
        dictionary! { "Font" => dictionary! { "F1" => simple, "F2" => composite } },
    );
    let (doc, diags) = read(&bytes).expect("readable");
    let text = all_text(&doc);
    // The simple font falls back to the standard encoding; the composite's glyphs stay
    // as U+FFFD with a diagnostic naming the page and font, never silently dropped.
    assert!(text.contains("plain"), "{text}");
    assert!(text.contains('\u{FFFD}'), "{text}");
    assert!(
        diags.iter().any(|d| d.code == shisaku::model::Code::PdfUnmappedGlyph
            && d.page == Some(1)
            && d.message.contains("Mystery")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d.code == shisaku::model::Code::PdfContent && d.message.contains("NoSuchEncoding")),
        "the fallback encoding is a guess and must be said: {diags:?}"
    );
}

/// `bytes` with `/Rotate` increased by `degrees` on every page, as `qpdf --rotate=+N`
/// does, or set once on the page tree's root (inherited by every page).
fn rotated(bytes: &[u8], degrees: i64, inherited: bool) -> Vec<u8> {
    let mut doc = PdfDocument::load_mem(bytes).expect("loads");
    if inherited {
        let root = doc.catalog().and_then(|c| c.get(b"Pages")).and_then(Object::as_reference).expect("root");
        doc.get_dictionary_mut(root).expect("pages").set("Rotate", degrees);
    } else {
        let pages: Vec<_> = doc.page_iter().collect();
        for id in pages {
            let page = doc.get_dictionary_mut(id).expect("page");
            let before = page.get(b"Rotate").and_then(Object::as_i64).unwrap_or(0);
            page.set("Rotate", before + degrees);
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write to memory");
    out
}

/// Issue 10 item 4: a file turned by `/Rotate` (content upright, shown sideways)
/// converts to the same JSON as the original, bounding boxes included.
#[test]
fn fault_04_rotate() {
    use shisaku::{convert, Options};
    let original = fixture("aomori-r5.libreoffice.pdf");
    let json = |bytes: &[u8]| {
        let report = convert(bytes, "r5.pdf", &Options::default()).expect("converts");
        let mut v = serde_json::to_value(&report).expect("serializes");
        v["source"]["sha256"] = serde_json::Value::Null;
        v
    };
    let expected = json(&original);
    let turned = json(&rotated(&original, 90, false));
    assert!(turned == expected, "the rotated file reads differently");
}

#[test]
fn rotate_on_a_page_and_inherited_reads_upright() {
    let upright = one_page(
        TestPdf::letter(),
        b"BT /F1 12 Tf 72 720 Td (Title) Tj 0 -20 Td (Body text) Tj ET 72 690 m 300 690 l S",
        dictionary! { "Font" => dictionary! { "F1" => dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" } } },
    );
    let lines = |bytes: &[u8]| {
        let (doc, _) = read(bytes).expect("readable");
        let page = &doc.pages[0];
        let lines: Vec<(String, i32, i32)> = page
            .lines
            .iter()
            .map(|l| {
                let g = l.geom.as_ref().expect("geometry");
                let x0 = g.spans.first().map_or(-1.0, |s| s.x0);
                (l.text.clone(), x0.round() as i32, g.y.round() as i32)
            })
            .collect();
        (lines, page.rules().len())
    };
    let expected = lines(&upright);
    assert_eq!(expected.0.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(), ["Title", "Body text"]);
    for degrees in [90, 180, 270, -90, 450] {
        for inherited in [false, true] {
            let got = lines(&rotated(&upright, degrees, inherited));
            assert_eq!(got, expected, "/Rotate {degrees}, inherited: {inherited}");
        }
    }
}

/// A line's spans as (text, x0, x1).
fn spans_of(doc: &Document, needle: &str) -> Vec<(String, f32, f32)> {
    let line = doc.pages[0].lines.iter().find(|l| l.text.contains(needle)).expect("line");
    line.geom.as_ref().expect("geometry").spans.iter().map(|s| (s.text.clone(), s.x0, s.x1)).collect()
}

/// reportlab's `UnicodeCIDFont('HeiseiMin-W3')`: a non-embedded Adobe-Japan1 font
/// through UniJIS-UCS2-H, no ToUnicode. `fixtures/fonts/reportlab-heiseimin-ucs2.pdf`
/// was written by
/// `c.setFont('HeiseiMin-W3', 10.5); c.drawString(50, 800, "1 Digital人財育成事業 (ICT, 2023)");
/// c.drawString(300, 800, "事業費 4,789千円")`; reportlab's `stringWidth` gives the title
/// 152.83 pt. With the Latin letters at the default 1000 units the title would run
/// into 事業費.
#[test]
fn predefined_cmap_widths_keep_title_and_cost_apart() {
    let (doc, diags) = read(&fixture("fonts/reportlab-heiseimin-ucs2.pdf")).expect("readable");
    assert!(diags.is_empty(), "{diags:?}");
    let spans = spans_of(&doc, "事業費");
    let texts: Vec<&str> = spans.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(texts, ["1 Digital人財育成事業 (ICT, 2023)", "事業費 4,789千円"]);
    assert!((spans[0].1 - 50.0).abs() < 0.1 && (spans[0].2 - (50.0 + 152.83)).abs() < 0.1, "{spans:?}");
    assert!((spans[1].1 - 300.0).abs() < 0.1, "{spans:?}");
}

/// A Type0 font over an Adobe-Japan1 CIDFont with `encoding`, no ToUnicode.
fn japan1_font(doc: &mut PdfDocument, encoding: &str) -> Object {
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "HeiseiMin-W3",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Japan1"), "Supplement" => 2 },
        "DW" => 1000,
    });
    Object::Reference(doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "HeiseiMin-W3", "Encoding" => encoding,
        "DescendantFonts" => vec![Object::Reference(cid)],
    }))
}

/// Each listed predefined CMap, on a page, reads 日本 (and the one-byte ones "A").
#[test]
fn every_japanese_predefined_cmap_reads_a_known_string() {
    let cases: &[(&str, &str)] = &[
        ("UniJIS-UCS2-H", "<65E5672C0041>"),
        ("UniJIS-UTF16-H", "<65E5672C0041>"),
        ("90ms-RKSJ-H", "<93FA967B41>"),
        ("90msp-RKSJ-H", "<93FA967B41>"),
        ("EUC-H", "<C6FCCBDC41>"),
        ("H", "<467C4B5C>"),
        ("Identity-H", "<0CD40E8A0022>"),
    ];
    for (encoding, hex) in cases {
        let mut pdf = TestPdf::letter();
        let doc = &mut pdf.doc;
        let font = japan1_font(doc, encoding);
        let content = format!("BT /J 12 Tf 72 720 Td {hex} Tj ET");
        let bytes = one_page(pdf, content.as_bytes(), dictionary! { "Font" => dictionary! { "J" => font } });
        let (doc, diags) = read(&bytes).expect("readable");
        let expected = if *encoding == "H" { "日本" } else { "日本A" };
        assert_eq!(all_text(&doc), expected, "{encoding}");
        assert!(diags.is_empty(), "{encoding}: {diags:?}");
    }
}

/// Vertical CMaps: each column reads top to bottom, the right-hand column first.
#[test]
fn vertical_runs_read_top_to_bottom() {
    for (encoding, first, second) in [
        ("UniJIS-UCS2-V", "<65E5672C8A9E>", "<4E8B696D8CBB>"),
        ("90ms-RKSJ-V", "<93FA967B8CEA>", "<8E968BC694EF>"),
        ("V", "<467C4B5C386C>", "<3B7636484871>"),
        ("Identity-V", "<0CD40E8A07A0>", "<08C406C00D85>"),
    ] {
        let mut pdf = TestPdf::letter();
        let doc = &mut pdf.doc;
        let font = japan1_font(doc, encoding);
        let content = format!("BT /J 12 Tf 500 700 Td {first} Tj 1 0 0 1 480 700 Tm {second} Tj ET");
        let bytes = one_page(pdf, content.as_bytes(), dictionary! { "Font" => dictionary! { "J" => font } });
        let (doc, _) = read(&bytes).expect("readable");
        let lines: Vec<&str> = doc.pages[0].lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(lines, ["日本語", "事業費"], "{encoding}");
    }
}

/// A simple font with no `/Widths`, no embedded program and no standard metrics: the
/// page says its positions are estimates.
#[test]
fn unknown_widths_are_a_page_warning() {
    let mut pdf = TestPdf::letter();
    let doc = &mut pdf.doc;
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "SomeSans", "Encoding" => "WinAnsiEncoding",
    });
    let bytes = one_page(
        pdf,
        b"BT /F1 12 Tf 72 720 Td (text) Tj ET",
        dictionary! { "Font" => dictionary! { "F1" => font } },
    );
    let (_, diags) = read(&bytes).expect("readable");
    assert!(
        diags.iter().any(|d| d.code == shisaku::model::Code::PdfWidthsUnknown
            && d.page == Some(1)
            && d.message.contains("SomeSans")),
        "{diags:?}"
    );
}

/// `bytes` with every font's `/Widths` and `/W` removed, and with `drop_programs` their
/// embedded font programs too.
fn without_widths(bytes: &[u8], drop_programs: bool) -> Vec<u8> {
    let mut doc = PdfDocument::load_mem(bytes).expect("loads");
    for obj in doc.objects.values_mut() {
        if let Ok(dict) = obj.as_dict_mut() {
            if dict.has(b"Widths") || dict.has(b"W") {
                dict.remove(b"Widths");
                dict.remove(b"W");
            }
            if drop_programs && dict.has(b"FontName") {
                for key in [&b"FontFile"[..], b"FontFile2", b"FontFile3"] {
                    dict.remove(key);
                }
            }
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write to memory");
    out
}

fn report_json(bytes: &[u8]) -> (serde_json::Value, shisaku::model::Report) {
    let report = shisaku::convert(bytes, "r5.pdf", &shisaku::Options::default()).expect("converts");
    let mut v = serde_json::to_value(&report).expect("serializes");
    v["source"]["sha256"] = serde_json::Value::Null;
    // Field boxes follow the glyphs' advances, which an embedded program's `hmtx` gives in
    // finer units than `/Widths`: compare what was read, not where to the 0.01 pt.
    (common::without_regions(&v), report)
}

/// Fonts without `/Widths` (LibreOffice's simple TrueType subsets) or `/W` (Chromium's
/// CID TrueType) take their advances from the embedded programs' `hmtx`: same JSON.
#[test]
fn fonts_without_widths_use_the_embedded_program() {
    for name in ["aomori-r5.libreoffice.pdf", "aomori-r5.chromium.pdf"] {
        let original = fixture(name);
        let (expected, _) = report_json(&original);
        let (got, _) = report_json(&without_widths(&original, false));
        assert!(got == expected, "{name}: reads differently without /Widths");
    }
}

/// With neither widths nor programs, every card says its positions are estimates.
#[test]
fn unknown_widths_are_a_warning_on_every_card() {
    let (_, report) = report_json(&without_widths(&fixture("aomori-r5.libreoffice.pdf"), true));
    let cards: usize = report.policies.iter().map(|p| p.projects.len()).sum();
    assert!(cards > 0);
    for policy in &report.policies {
        for card in &policy.projects {
            assert!(
                report.diagnostics.iter().any(|d| d.code == shisaku::model::Code::PdfWidthsUnknown
                    && d.card == Some(card.no)
                    && d.policy == policy.numbers.first().copied()),
                "policy {:?} card {} has no pdf.widths_unknown",
                policy.numbers,
                card.no
            );
        }
    }
}

/// ToUnicode naming variant ideographs, on a page: the text is repaired and an info
/// diagnostic says how many.
#[test]
fn tounicode_variants_are_repaired_with_a_diagnostic() {
    let mut pdf = TestPdf::letter();
    let doc = &mut pdf.doc;
    let program = doc.add_object(Stream::new(dictionary! {}, fixture("fonts/ipaexg-subset-variants.ttf")));
    let fd = doc.add_object(
        dictionary! { "Type" => "FontDescriptor", "FontName" => "Subset", "FontFile2" => program },
    );
    // Glyphs of the subset: 3 戸, 4 黒, 5 日; ToUnicode says 戶 and 黑 for the first two.
    let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        3 beginbfchar <0003> <6236> <0004> <9ED1> <0005> <65E5> endbfchar";
    let tu = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let cid =
        doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Subset",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => fd, "CIDToGIDMap" => "Identity", "DW" => 1000 });
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Subset",
    "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => tu });
    let bytes = one_page(
        pdf,
        b"BT /T 12 Tf 72 720 Td <0003000400050003> Tj ET",
        dictionary! { "Font" => dictionary! { "T" => font } },
    );
    let (doc, diags) = read(&bytes).expect("readable");
    assert_eq!(all_text(&doc), "戸黒日戸");
    let repaired: Vec<_> =
        diags.iter().filter(|d| d.code == shisaku::model::Code::PdfTounicodeRepaired).collect();
    assert_eq!(repaired.len(), 1, "{diags:?}");
    assert!(
        repaired[0].message.contains(": 3 character(s)") && repaired[0].message.contains("戶→戸"),
        "{repaired:?}"
    );
}

/// A Type0 font `T` without an embedded program over a CIDFont of `ordering`, through
/// `encoding`, with `cmap` as its ToUnicode, on a page showing `hex`.
fn tounicode_page(ordering: &str, encoding: &str, cmap: &[u8], hex: &str) -> Vec<u8> {
    let mut pdf = TestPdf::letter();
    let doc = &mut pdf.doc;
    let tu = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let subtype = if ordering == "Japan1" { "CIDFontType0" } else { "CIDFontType2" };
    let cid =
        doc.add_object(dictionary! { "Type" => "Font", "Subtype" => subtype, "BaseFont" => "Redistilled",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal(ordering), "Supplement" => 2 },
        "DW" => 1000 });
    let font = doc
        .add_object(dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Redistilled",
        "Encoding" => encoding, "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => tu });
    let content = format!("BT /T 12 Tf 72 720 Td {hex} Tj ET");
    one_page(pdf, content.as_bytes(), dictionary! { "Font" => dictionary! { "T" => font } })
}

/// Ghostscript's re-distilled ToUnicode writes each entry whose code ends in ff as a range
/// 256 codes long (`<01ff> <02ff> <65e5>`), overlapping the entry before it; the later
/// entry is the one meant (暰 for 日 and 曥 for 調 otherwise), and nothing is reported.
#[test]
fn redistilled_tounicode_overlapping_ranges() {
    let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        3 beginbfrange\n<00ff> <01ff> <65b0>\n<01ff> <02ff> <65e5>\n<0200> <0200> <7a0b>\nendbfrange\n\
        1 beginbfrange\n<02ff> <03ff> <8abf>\nendbfrange\n\
        1 beginbfchar\n<0300> <67fb>\nendbfchar\n";
    let bytes = tounicode_page("Identity", "Identity-H", cmap, "<01ff020002ff0300>");
    let (doc, diags) = read(&bytes).expect("readable");
    assert_eq!(all_text(&doc), "日程調査");
    assert!(diags.is_empty(), "{diags:?}");
}

/// A variant in ToUnicode that no font program can be asked about: an Adobe-Japan1 font's
/// CID names the character (repaired, with the info diagnostic); in an Identity-ordered
/// font without a program it stays, with a warning naming it.
#[test]
fn tounicode_variants_without_a_font_cmap() {
    // 戸 through UniJIS-UCS2-H is code 6238; ToUnicode says 戶 (U+6236).
    let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <6238> <6236> <65E5> <65E5> endbfchar";
    let (doc, diags) =
        read(&tounicode_page("Japan1", "UniJIS-UCS2-H", cmap, "<623865E5>")).expect("readable");
    assert_eq!(all_text(&doc), "戸日");
    assert!(
        diags
            .iter()
            .any(|d| d.code == shisaku::model::Code::PdfTounicodeRepaired && d.message.contains("戶→戸")),
        "{diags:?}"
    );
    assert!(!diags.iter().any(|d| d.level == shisaku::model::Level::Warning), "{diags:?}");

    let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0003> <6236> <0005> <65E5> endbfchar";
    let (doc, diags) = read(&tounicode_page("Identity", "Identity-H", cmap, "<00030005>")).expect("readable");
    assert_eq!(all_text(&doc), "戶日");
    let unverified: Vec<_> =
        diags.iter().filter(|d| d.code == shisaku::model::Code::PdfTounicodeUnverified).collect();
    assert_eq!(unverified.len(), 1, "{diags:?}");
    assert!(unverified[0].message.contains("(戶)") && unverified[0].page == Some(1), "{unverified:?}");
}
