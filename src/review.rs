//! The review page: one self-contained HTML file showing, card by card, what was read
//! and where it was read from, so a person can judge a conversion before loading it.
//!
//! The page embeds the report's JSON and what the front end read — for a PDF each page's
//! text runs and ruling lines, for a text dump its lines — and draws everything in the
//! browser (inline CSS, JS and SVG; no network). The script lives in `review.js` and the
//! style in `review.css`, both compiled in.

use serde::Serialize;

use crate::doc::Document;
use crate::error::Result;
use crate::model::Report;

const CSS: &str = include_str!("review.css");
const JS: &str = include_str!("review.js");

/// What the page draws a PDF page from.
#[derive(Serialize)]
struct PageData {
    index: u32,
    /// Width and height in points (`null` when the front end did not know).
    size: Option<(f32, f32)>,
    /// Text runs `[x0, x1, baseline y, font size, text]`, top-left origin.
    runs: Vec<(f32, f32, f32, f32, String)>,
    /// Ruling lines `[x0, y0, x1, y1]`.
    rules: Vec<[f32; 4]>,
}

#[derive(Serialize)]
struct Source<'a> {
    /// PDF pages, empty for a text dump.
    pages: Vec<PageData>,
    /// A text dump's lines (index + 1 = line number), empty for a PDF.
    lines: Vec<&'a str>,
}

fn r1(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}

fn source(doc: &Document) -> Source<'_> {
    let has_geometry = doc.pages.iter().any(|p| p.geom.is_some() || p.lines.iter().any(|l| l.geom.is_some()));
    if !has_geometry {
        let lines = doc.pages.iter().flat_map(|p| p.lines.iter().map(|l| l.text.as_str())).collect();
        return Source { pages: Vec::new(), lines };
    }
    let pages = doc
        .pages
        .iter()
        .map(|p| PageData {
            index: p.index,
            size: p.size(),
            runs: p
                .lines
                .iter()
                .filter_map(|l| l.geom.as_ref())
                .flat_map(|g| {
                    g.spans.iter().map(|s| (r1(s.x0), r1(s.x1), r1(g.y), r1(g.font_size), s.text.clone()))
                })
                .collect(),
            rules: p.rules().iter().map(|r| [r.x0, r.y0, r.x1, r.y1].map(r1)).collect(),
        })
        .collect();
    Source { pages, lines: Vec::new() }
}

/// JSON made safe inside `<script>`: no `</script>` or `<!--` can end or confuse it.
fn script_json<T: Serialize>(v: &T) -> Result<String> {
    let s = serde_json::to_string(v)?;
    Ok(s.replace('<', "\\u003c").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029"))
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The review page of `report`, converted from `doc` (the normalized document the
/// report was read from).
pub fn html(report: &Report, doc: &Document) -> Result<String> {
    let title = report.title.as_deref().unwrap_or(&report.source.file);
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — shisaku review</title>\n<style>{CSS}</style></head>\n<body>\n\
         <header id=\"head\"></header>\n<nav id=\"side\"></nav>\n<main id=\"main\"></main>\n\
         <script type=\"application/json\" id=\"report-data\">{report}</script>\n\
         <script type=\"application/json\" id=\"source-data\">{source}</script>\n\
         <script>{JS}</script>\n</body></html>\n",
        title = escape_html(title),
        report = script_json(report)?,
        source = script_json(&source(doc))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_the_script() {
        let s = script_json(&"</script><!--").unwrap_or_default();
        assert!(!s.contains('<'), "{s}");
    }
}
