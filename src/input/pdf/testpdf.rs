//! Tiny PDFs built in memory with lopdf's writer: the one PDF builder of the unit tests
//! (`content.rs`), the integration tests (`tests/limits.rs`, `tests/pdf_input.rs`) and
//! the `content` fuzz target's document ([`crate::fuzzing`]).
//!
//! Not for other use: hidden from the docs and free to change. (Public only because
//! integration tests are another crate; nothing here reads input, and writing to a `Vec`
//! cannot fail.)

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream};

/// A one-page document under construction. Fonts: `F1` Helvetica (WinAnsi, every
/// printable ASCII glyph 500 units wide) and `C1`, an Identity-H CID font whose
/// ToUnicode maps `<0001>`→日, `<0002>`→⽇ (a Kangxi radical), `<0003>`→本, with no
/// entry for `<0009>` and a U+0000 placeholder for `<0004>`, and `<0010>`…`<0020>` to
/// あ…; CID widths are 1000. The page tree's root ([`TestPdf::root`]) holds the
/// resources and the media box (A4, or US letter with [`TestPdf::letter`]) every page
/// inherits; pages added with [`TestPdf::page`] are its kids, or any tree can be built
/// under it ([`TestPdf::page_under`], [`TestPdf::bytes_with_kids`]).
pub struct TestPdf {
    pub doc: Document,
    /// The page tree's root node (written by [`TestPdf::document`]).
    pub root: ObjectId,
    pub fonts: Dictionary,
    pub xobjects: Dictionary,
    pub properties: Dictionary,
    pages: Vec<ObjectId>,
    media_box: [i64; 4],
}

impl Default for TestPdf {
    fn default() -> Self {
        TestPdf::new()
    }
}

impl TestPdf {
    /// An A4 document with no page yet.
    pub fn new() -> TestPdf {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let f1 = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
            "FirstChar" => 32,
            "LastChar" => 126,
            "Widths" => (32..=126).map(|_| Object::Integer(500)).collect::<Vec<_>>(),
        });
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
            1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            4 beginbfchar <0001> <65E5> <0002> <2F47> <0003> <672C> <0004> <0000> endbfchar\n\
            1 beginbfrange <0010> <0020> <3042> endbfrange\n\
            endcmap CMapName currentdict /CMap defineresource pop end end\n";
        let tounicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
        let cid = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => "TestMincho",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "DW" => 1000,
            "W" => vec![Object::Integer(1), Object::Array(vec![1000.into(), 1000.into(), 1000.into()])],
        });
        let c1 = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => "TestMincho",
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(cid)],
            "ToUnicode" => tounicode,
        });
        let fonts = dictionary! { "F1" => f1, "C1" => c1 };
        TestPdf {
            doc,
            root: pages_id,
            fonts,
            xobjects: Dictionary::new(),
            properties: Dictionary::new(),
            pages: Vec::new(),
            media_box: [0, 0, 595, 842],
        }
    }

    /// [`TestPdf::new`] on US letter pages.
    pub fn letter() -> TestPdf {
        TestPdf { media_box: [0, 0, 612, 792], ..TestPdf::new() }
    }

    /// Add a stream object (Flate-compressed if `compress`).
    pub fn stream(&mut self, content: Vec<u8>, compress: bool) -> ObjectId {
        let mut s = Stream::new(dictionary! {}, content);
        if compress {
            // Compressing a Vec in memory cannot fail; if it did, the stream stays plain.
            let _ = s.compress();
        }
        self.doc.add_object(s)
    }

    /// Add a Form XObject named `name`; `extra` goes into its dictionary (e.g. Matrix).
    pub fn form(&mut self, name: &str, content: &str, extra: Dictionary) -> ObjectId {
        self.form_bytes(name, content.as_bytes(), extra)
    }

    /// [`TestPdf::form`] with any bytes as its content.
    pub fn form_bytes(&mut self, name: &str, content: &[u8], extra: Dictionary) -> ObjectId {
        let mut dict = dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] };
        dict.extend(&extra);
        let id = self.doc.add_object(Stream::new(dict, content.to_vec()));
        self.xobjects.set(name, id);
        id
    }

    /// Add a page drawing `content` as a kid of the root.
    pub fn page(&mut self, content: &str) -> &mut Self {
        self.page_bytes(content.as_bytes())
    }

    /// [`TestPdf::page`] with any bytes as its content.
    pub fn page_bytes(&mut self, content: &[u8]) -> &mut Self {
        let content_id = self.doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let page = self.page_under(self.root, content_id.into());
        self.pages.push(page);
        self
    }

    /// A page object under `parent` with `contents` (a stream reference, an array, …),
    /// not listed as a kid anywhere: for trees built by hand.
    pub fn page_under(&mut self, parent: ObjectId, contents: Object) -> ObjectId {
        self.doc.add_object(dictionary! { "Type" => "Page", "Parent" => parent, "Contents" => contents })
    }

    /// [`TestPdf::page_under`] showing `text` in `F1` at 12 pt.
    pub fn text_page_under(&mut self, parent: ObjectId, text: &str) -> ObjectId {
        let content = self.stream(format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET").into_bytes(), false);
        self.page_under(parent, content.into())
    }

    /// The document with the pages added by [`TestPdf::page`], before saving (to set
    /// trailer entries, or encrypt it).
    pub fn document(mut self) -> Document {
        let kids = std::mem::take(&mut self.pages);
        self.document_with_kids(kids)
    }

    /// The document with `kids` under the root (pages or page tree nodes built by hand).
    pub fn document_with_kids(mut self, kids: Vec<ObjectId>) -> Document {
        let resources = dictionary! {
            "Font" => self.fonts.clone(),
            "XObject" => self.xobjects.clone(),
            "Properties" => self.properties.clone(),
        };
        let pages = dictionary! {
            "Type" => "Pages",
            "Kids" => kids.iter().map(|&p| Object::Reference(p)).collect::<Vec<_>>(),
            "Count" => kids.len() as i64,
            "Resources" => resources,
            "MediaBox" => self.media_box.iter().map(|&x| Object::Integer(x)).collect::<Vec<_>>(),
        };
        self.doc.objects.insert(self.root, Object::Dictionary(pages));
        let catalog = self.doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => self.root });
        self.doc.trailer.set("Root", catalog);
        self.doc
    }

    /// The document with its pages, saved.
    pub fn bytes(mut self) -> Vec<u8> {
        let kids = std::mem::take(&mut self.pages);
        self.bytes_with_kids(kids)
    }

    /// The document with `kids` under the root, saved.
    pub fn bytes_with_kids(self, kids: Vec<ObjectId>) -> Vec<u8> {
        save(self.document_with_kids(kids))
    }
}

/// `doc` saved to bytes.
pub fn save(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail; an empty result would fail the test that reads it.
    let _ = doc.save_to(&mut out);
    out
}
