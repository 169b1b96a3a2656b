//! Tiny PDFs built in memory with lopdf's writer, for the interpreter's unit tests.

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream};

/// A one-page document under construction. Fonts: `F1` Helvetica (WinAnsi, every
/// printable ASCII glyph 500 units wide) and `C1`, an Identity-H CID font whose
/// ToUnicode maps `<0001>`→日, `<0002>`→⽇ (a Kangxi radical), `<0003>`→本, with no
/// entry for `<0009>` and a U+0000 placeholder for `<0004>`; CID widths are 1000.
pub struct TestPdf {
    pub doc: Document,
    pages_id: ObjectId,
    pub fonts: Dictionary,
    pub xobjects: Dictionary,
    pub properties: Dictionary,
    pages: Vec<ObjectId>,
}

impl TestPdf {
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
            pages_id,
            fonts,
            xobjects: Dictionary::new(),
            properties: Dictionary::new(),
            pages: Vec::new(),
        }
    }

    /// Add a Form XObject named `name`; `extra` goes into its dictionary (e.g. Matrix).
    pub fn form(&mut self, name: &str, content: &str, extra: Dictionary) -> ObjectId {
        let mut dict = dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] };
        dict.extend(&extra);
        let id = self.doc.add_object(Stream::new(dict, content.as_bytes().to_vec()));
        self.xobjects.set(name, id);
        id
    }

    pub fn page(&mut self, content: &str) -> &mut Self {
        let content_id = self.doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let page = self.doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "Contents" => content_id,
        });
        self.pages.push(page);
        self
    }

    pub fn bytes(mut self) -> Vec<u8> {
        let resources = dictionary! {
            "Font" => self.fonts.clone(),
            "XObject" => self.xobjects.clone(),
            "Properties" => self.properties.clone(),
        };
        let pages = dictionary! {
            "Type" => "Pages",
            "Kids" => self.pages.iter().map(|&p| Object::Reference(p)).collect::<Vec<_>>(),
            "Count" => self.pages.len() as i64,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        };
        self.doc.objects.insert(self.pages_id, Object::Dictionary(pages));
        let catalog = self.doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => self.pages_id });
        self.doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        self.doc.save_to(&mut out).expect("writing to a Vec cannot fail");
        out
    }
}
