//! The type where the input front ends meet: pages of lines, with geometry where the
//! source has it.
//!
//! The text front end yields one page of plain lines; the PDF front end yields one page
//! per physical page, each line split into spans with x-ranges, plus the page's box and
//! ruling lines ([`PageGeom`]). The report grammar reads only this type, never PDF
//! objects. A page's geometry is shared ([`Arc`]) so that every line the grammar reads
//! can carry its page's along (`report::lines::SrcLine`), instead of looking it up by
//! page number later.

use std::sync::Arc;

/// A decoded document ready for normalization and segmentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub pages: Vec<Page>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// 1-based physical page index (a text dump is one page, index 1).
    pub index: u32,
    /// Printed page number read from the footer (the footer line itself removed).
    pub printed: Option<u32>,
    pub lines: Vec<Line>,
    /// The page's box and ruling lines: `None` for a text dump, which has no geometry.
    pub geom: Option<Arc<PageGeom>>,
    /// A text dump's own pages, where it marks them with form feeds (the dump is one
    /// [`Page`]), with the numbers their footers printed (`report::footers`); `None`
    /// for a PDF page and for a dump without form feeds.
    pub dump_pages: Option<DumpPages>,
}

/// The pages of a text dump with form feeds, as read before reassembly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DumpPages {
    /// The dump's ink: the non-space characters of its normalized lines, page footers
    /// left out. Reassembly cuts, joins and reorders a dump's lines, and drops a few, but
    /// does not change what they say, so a line read afterwards is found here again.
    pub ink: Vec<char>,
    /// In reading order.
    pub pages: Vec<DumpPage>,
}

/// One page of a text dump with form feeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DumpPage {
    /// Where its text starts in [`DumpPages::ink`].
    pub starts_at: usize,
    /// The page number its footer printed, when that footer counts pages as the others
    /// do.
    pub printed: Option<u32>,
}

impl Page {
    /// Page size in PDF points, when known.
    pub fn size(&self) -> Option<(f32, f32)> {
        self.geom.as_ref().map(|g| g.size)
    }

    /// The page's ruling lines (none for a text dump).
    pub fn rules(&self) -> &[Rule] {
        self.geom.as_ref().map_or(&[], |g| g.rules.as_slice())
    }
}

/// Where a PDF page's lines sit: its size and the lines drawn on it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageGeom {
    /// Width and height in points, as displayed (after `/Rotate`).
    pub size: (f32, f32),
    /// Ruling lines (table borders, box edges), top-left origin.
    pub rules: Vec<Rule>,
}

/// One printed line in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    /// The whole line's text; spans joined with a single space where separated by a gap.
    pub text: String,
    pub geom: Option<LineGeom>,
}

impl Line {
    pub fn plain(text: impl Into<String>) -> Self {
        Line { text: text.into(), geom: None }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineGeom {
    /// Baseline y, top-left origin, points.
    pub y: f32,
    /// Dominant font size of the line.
    pub font_size: f32,
    /// Runs of text separated by gaps wider than about one character.
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Span {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
}

/// A horizontal or vertical ruling segment, top-left origin.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rule {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}
