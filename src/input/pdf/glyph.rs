//! Positioned glyphs: what the content interpreter hands to layout.
//!
//! Coordinates are in PDF points with a top-left origin (y grows downwards), so layout
//! and the report grammar never deal with PDF's bottom-up user space.

/// Text of one glyph, stored inline when short: nearly every glyph is one character,
/// and a heap allocation per glyph would dominate the cost of reading a page.
#[derive(Clone, PartialEq, Eq)]
pub enum GlyphText {
    Inline { len: u8, buf: [u8; 14] },
    Heap(Box<str>),
}

impl GlyphText {
    pub fn new(s: &str) -> GlyphText {
        let bytes = s.as_bytes();
        if bytes.len() <= 14 {
            let mut buf = [0u8; 14];
            if let Some(dst) = buf.get_mut(..bytes.len()) {
                dst.copy_from_slice(bytes);
            }
            GlyphText::Inline { len: bytes.len() as u8, buf }
        } else {
            GlyphText::Heap(s.into())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Only ever built from a whole `&str`, so always valid UTF-8.
            GlyphText::Inline { len, buf } => {
                buf.get(..usize::from(*len)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("")
            }
            GlyphText::Heap(s) => s,
        }
    }
}

impl Default for GlyphText {
    fn default() -> Self {
        GlyphText::new("")
    }
}

impl std::fmt::Debug for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// One shown glyph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Glyph {
    /// Unicode text (empty when an `/ActualText` span gave its text to a sibling).
    pub text: GlyphText,
    /// Origin (left end of the baseline), top-left page coordinates.
    pub x: f32,
    pub y: f32,
    /// Horizontal advance on the page, points.
    pub advance: f32,
    /// Effective font size on the page (font size × text and graphics scaling), points.
    pub font_size: f32,
    /// Drawn with text render mode 3 (invisible), e.g. an OCR layer under a scan.
    pub invisible: bool,
}

impl Glyph {
    /// Right end of the glyph's advance.
    pub fn x_end(&self) -> f32 {
        self.x + self.advance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_text() {
        assert_eq!(GlyphText::new("日").as_str(), "日");
        assert_eq!(GlyphText::new("").as_str(), "");
        let long = "令和五年度中小企業";
        assert_eq!(GlyphText::new(long).as_str(), long);
        assert!(matches!(GlyphText::new(long), GlyphText::Heap(_)));
    }
}
