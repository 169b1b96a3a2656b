//! PDF layout: positioned glyphs → lines → spans, plus ruling lines: the third stage of
//! the PDF front end, called only by [`super::lay_out`].
//!
//! Glyphs sharing a baseline form a line, whatever column they belong to; within a line,
//! a horizontal gap much wider than a character splits it into spans, so that the two
//! columns of a card box or the cells of a table row stay apart (each span keeps its
//! x-range for the report grammar). The footer page number is lifted out of the lines
//! into [`Page::printed`].

use std::sync::Arc;

use super::glyph::Glyph;
use crate::doc::{Line, LineGeom, Page, PageGeom, Rule, Span};
use crate::normalize;

/// Glyphs whose baselines differ by less than this fraction of the font size share a
/// line: enough for rounding and small baseline jitter between columns, well below the
/// ~1.5 em line pitch of body text.
const BASELINE_TOLERANCE: f32 = 0.35;

/// A gap between two inked glyphs wider than this many font sizes starts a new span.
/// Body text (including justified Japanese, whose inter-character spacing stays under
/// about half an em) never reaches a full em; column gutters and table cell gaps do.
const SPAN_GAP: f32 = 1.0;

/// A narrower gap (in font sizes) next to Latin text reads as a word space when the PDF
/// positioned the words without drawing a space character.
const WORD_GAP: f32 = 0.25;

/// Two identical glyphs whose origins are closer than this (in font sizes) are one
/// glyph printed twice (fake bold, shadow), far below any real character pitch.
const OVERPRINT_OFFSET: f32 = 0.2;

/// How far (in font sizes) a vertical rule may reach into a neighbouring glyph's advance
/// and still count as lying between two glyphs.
const RULE_SLACK: f32 = 0.15;

/// A footer page number has at most this many digits: a longer number at the foot of
/// a page is something else (a telephone number, a document code).
const MAX_PAGE_NUMBER_DIGITS: usize = 6;

/// A drawn line thinner than this (points) across and longer than it along is a rule
/// in that direction: borders are drawn 0.1–1 pt wide.
const RULE_THICKNESS: f32 = 1.0;

/// A vertical rule parts two glyphs of a line only where it overlaps the band of their
/// bodies, from `BODY_LOW` to `BODY_HIGH` font sizes above the baseline: a rule that
/// stops at the border just above or below the line (a cell's edge in the next row)
/// stays out of it.
const BODY_LOW: f32 = 0.2;
const BODY_HIGH: f32 = 0.6;

/// Font sizes are compared in steps of 1/`SIZE_STEPS_PER_POINT` pt: producers write
/// sizes with rounding noise (9.96 for 10), and no report sets two sizes closer.
const SIZE_STEPS_PER_POINT: f32 = 10.0;
const SIZE_STEP: f32 = 1.0 / SIZE_STEPS_PER_POINT;

/// Only a line in the bottom part of the page (fraction of the page height from the
/// top) can be the footer page number.
const FOOTER_ZONE: f32 = 0.85;

/// Build a page from its glyphs and rules.
pub fn page(index: u32, size: (f32, f32), glyphs: Vec<Glyph>, rules: Vec<Rule>) -> Page {
    // An invisible text layer (OCR under a scan) is used only when nothing is visible.
    let any_visible = glyphs.iter().any(|g| !g.invisible);
    let glyphs: Vec<Glyph> = glyphs.into_iter().filter(|g| g.invisible != any_visible).collect();
    let rules = clean_rules(rules);
    let mut lines = lines_with_rules(&glyphs, &rules);
    let printed = take_footer_number(&mut lines, size.1);
    Page { index, printed, lines, geom: Some(Arc::new(PageGeom { size, rules })), dump_pages: None }
}

/// Group glyphs into lines (top to bottom) and spans (left to right); with no rules, as
/// the unit tests build them.
#[cfg(test)]
fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    lines_with_rules(glyphs, &[])
}

/// Group glyphs into lines (top to bottom) and spans (left to right); a vertical rule
/// between two glyphs of a line also ends a span
/// however narrow the gap: text on both sides of a drawn border belongs to different
/// boxes or cells (a card's cost and the card number in its own box, say).
pub fn lines_with_rules(glyphs: &[Glyph], rules: &[Rule]) -> Vec<Line> {
    let verticals: Vec<&Rule> =
        rules.iter().filter(|r| r.x1 - r.x0 < RULE_THICKNESS && r.y1 - r.y0 > RULE_THICKNESS).collect();
    let mut order: Vec<&Glyph> = glyphs.iter().filter(|g| usable(g)).collect();
    order.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));

    let mut out = Vec::new();
    let mut current: Vec<&Glyph> = Vec::new();
    let mut line_y = 0.0f32;
    let mut line_size = 0.0f32;
    for g in order {
        // The larger size: a superscript in a smaller font still joins its line.
        let tolerance = BASELINE_TOLERANCE * g.font_size.max(line_size).max(1.0);
        if !current.is_empty() && (g.y - line_y).abs() > tolerance {
            if let Some(line) = build_line(&mut current, &verticals) {
                out.push(line);
            }
            current.clear();
        }
        if current.is_empty() {
            line_y = g.y;
            line_size = g.font_size;
        }
        current.push(g);
    }
    if let Some(line) = build_line(&mut current, &verticals) {
        out.push(line);
    }
    out
}

/// A glyph that can be placed: finite coordinates and a sensible size.
fn usable(g: &Glyph) -> bool {
    g.x.is_finite()
        && g.y.is_finite()
        && g.advance.is_finite()
        && g.font_size.is_finite()
        && g.font_size > 0.0
}

fn is_blank(g: &Glyph) -> bool {
    let t = g.text.as_str();
    !t.is_empty() && t.chars().all(char::is_whitespace)
}

fn build_line(glyphs: &mut [&Glyph], verticals: &[&Rule]) -> Option<Line> {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let size = dominant_size(glyphs);
    // Vertical rules crossing this line's glyph bodies (baseline up to about cap height).
    let base_y = glyphs.first().map_or(0.0, |g| g.y);
    let crossing: Vec<f32> = verticals
        .iter()
        .filter(|r| r.y0 < base_y - BODY_LOW * size && r.y1 > base_y - BODY_HIGH * size)
        .map(|r| (r.x0 + r.x1) / 2.0)
        .collect();
    let mut spans: Vec<Span> = Vec::new();
    // The span being built, and whitespace seen since its last inked glyph.
    let mut span: Option<Span> = None;
    let mut pending_space = String::new();
    let mut y_sum = 0.0f32;
    let mut y_count = 0usize;
    let mut last_ink: Option<&Glyph> = None;
    for g in glyphs.iter() {
        if is_blank(g) {
            if span.is_some() {
                pending_space.push_str(g.text.as_str());
            }
            continue;
        }
        if last_ink.is_some_and(|p| overprint(p, g)) {
            continue;
        }
        last_ink = Some(g);
        // The baseline is that of the line's main text, not of its superscripts.
        if (g.font_size - size).abs() < SIZE_STEP {
            y_sum += g.y;
            y_count += 1;
        }
        let gap_limit = SPAN_GAP * g.font_size.max(size);
        match span.as_mut() {
            Some(s) if g.x - s.x1 <= gap_limit && !ruled_between(&crossing, s.x1, g.x, size) => {
                let text = g.text.as_str();
                if !pending_space.is_empty() {
                    s.text.push_str(&pending_space);
                } else if g.x - s.x1 > WORD_GAP * g.font_size && needs_word_space(&s.text, text) {
                    s.text.push(' ');
                }
                s.text.push_str(text);
                s.x1 = s.x1.max(g.x_end());
            }
            _ => {
                if let Some(done) = span.take() {
                    spans.push(done);
                }
                span = Some(Span { text: g.text.as_str().to_string(), x0: g.x, x1: g.x_end() });
            }
        }
        pending_space.clear();
    }
    if let Some(done) = span.take() {
        spans.push(done);
    }
    // Spans whose glyphs all gave their text to an /ActualText sibling carry no text.
    spans.retain(|s| !s.text.trim().is_empty());
    if spans.is_empty() {
        return None;
    }
    let text = spans.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
    let y = if y_count > 0 { y_sum / y_count as f32 } else { glyphs.first().map_or(0.0, |g| g.y) };
    Some(Line { text, geom: Some(LineGeom { y, font_size: size, spans }) })
}

/// Whether `g` repeats `prev` drawn again almost on top of it: word processors fake
/// bold for fonts without a bold face by printing each glyph twice, a fraction of a
/// point apart. The copy is ink, not text.
fn overprint(prev: &Glyph, g: &Glyph) -> bool {
    let near = OVERPRINT_OFFSET * g.font_size.max(prev.font_size);
    // Glyphs without advance (broken widths) all share one spot, so nothing can be told
    // from their positions: keep them.
    prev.advance > near && g.text == prev.text && (g.x - prev.x).abs() < near && (g.y - prev.y).abs() < near
}

/// Whether a vertical rule lies between the end of one glyph and the start of the next
/// (with a little slack: glyph boxes may touch the border they sit against).
fn ruled_between(crossing: &[f32], end: f32, start: f32, size: f32) -> bool {
    let slack = RULE_SLACK * size;
    crossing.iter().any(|&x| x > end - slack && x < start + slack)
}

/// Latin words set apart by positioning only: a space belongs there. Between Japanese
/// characters a gap is justification, not a word boundary.
fn needs_word_space(before: &str, after: &str) -> bool {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    latin(before.chars().next_back()) && latin(after.chars().next())
}

/// The font size most glyphs of the line use (sizes rounded to [`SIZE_STEP`]).
fn dominant_size(glyphs: &[&Glyph]) -> f32 {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for g in glyphs.iter().filter(|g| !is_blank(g)) {
        let key = (g.font_size * SIZE_STEPS_PER_POINT).round() as i32;
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    counts.iter().max_by_key(|(k, n)| (*n, *k)).map_or(0.0, |(k, _)| *k as f32 / SIZE_STEPS_PER_POINT)
}

/// Remove the footer page number (the bottom-most line, if it is only a number in the
/// page's bottom zone, optionally between dashes: `24`, `２４`, `- 24 -`) and return it.
pub fn take_footer_number(lines: &mut Vec<Line>, page_height: f32) -> Option<u32> {
    let last = lines.last()?;
    let y = last.geom.as_ref()?.y;
    if y < page_height * FOOTER_ZONE {
        return None;
    }
    let n = parse_page_number(&last.text)?;
    lines.pop();
    Some(n)
}

fn parse_page_number(text: &str) -> Option<u32> {
    // Widths and dashes are folded by `normalize`, as for every other text, so that
    // `２４` and `－ 24 －` read as 24 here too (the page is laid out before normalizing).
    let folded = normalize::text(text);
    let core = folded.trim_matches(|c: char| c.is_whitespace() || normalize::is_dash(c));
    if core.is_empty() || core.len() > MAX_PAGE_NUMBER_DIGITS || !core.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    core.parse().ok()
}

/// Rules are told apart in steps of 1/`RULE_STEPS_PER_POINT` pt: a border drawn twice
/// lands within rounding noise of itself, and real rules are points apart.
const RULE_STEPS_PER_POINT: f32 = 10.0;

/// Drop degenerate and duplicate rules (producers often draw a border twice) and sort
/// them top to bottom, left to right.
fn clean_rules(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.retain(|r| [r.x0, r.y0, r.x1, r.y1].iter().all(|v| v.is_finite()));
    let key = |r: &Rule| [r.y0, r.x0, r.y1, r.x1].map(|v| (v * RULE_STEPS_PER_POINT).round() as i64);
    rules.sort_by_key(key);
    rules.dedup_by_key(|r| key(r));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::pdf::glyph::GlyphText;

    fn glyphs(text: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: GlyphText::new(&c.to_string()),
                x: x + i as f32 * size,
                y,
                advance: size,
                font_size: size,
                invisible: false,
            })
            .collect()
    }

    #[test]
    fn columns_become_spans_and_lines_sort_by_baseline() {
        let mut g = glyphs("事業実績", 300.0, 100.2, 10.0);
        g.extend(glyphs("事業概要", 60.0, 100.0, 10.0));
        g.extend(glyphs("次の行", 60.0, 118.0, 10.0));
        let lines = lines(&g);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "事業概要 事業実績");
        let spans = &lines[0].geom.as_ref().unwrap().spans;
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].x0, 60.0);
        assert_eq!(spans[1].x0, 300.0);
        assert_eq!(lines[1].text, "次の行");
    }

    #[test]
    fn spaces_kept_inside_span_and_word_gap() {
        let mut g = glyphs("事業費", 0.0, 50.0, 10.0);
        g.extend(glyphs(" ", 30.0, 50.0, 5.0));
        g.extend(glyphs("4,789千円", 35.0, 50.0, 10.0));
        g.extend(glyphs("ab", 200.0, 50.0, 5.0));
        g.extend(glyphs("cd", 213.0, 50.0, 5.0));
        let lines = lines(&g);
        assert_eq!(lines[0].text, "事業費 4,789千円 ab cd");
        assert_eq!(lines[0].geom.as_ref().unwrap().spans.len(), 2);
    }

    #[test]
    fn vertical_rule_splits_touching_text() {
        let mut g = glyphs("千円", 0.0, 50.0, 10.0);
        g.extend(glyphs("２８", 22.0, 50.0, 10.0));
        assert_eq!(lines(&g)[0].geom.as_ref().unwrap().spans.len(), 1);
        let rule = Rule { x0: 21.0, y0: 38.0, x1: 21.0, y1: 55.0 };
        let ls = lines_with_rules(&g, &[rule]);
        let texts: Vec<&str> = ls[0].geom.as_ref().unwrap().spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["千円", "２８"]);
        // A rule that ends above the line does not split it.
        let above = Rule { x0: 21.0, y0: 10.0, x1: 21.0, y1: 30.0 };
        assert_eq!(lines_with_rules(&g, &[above])[0].geom.as_ref().unwrap().spans.len(), 1);
    }

    #[test]
    fn fake_bold_overprint_read_once() {
        let mut g = glyphs("事業", 0.0, 50.0, 10.0);
        g.extend(glyphs("事業", 0.4, 50.0, 10.0));
        g.extend(glyphs("々々", 30.0, 50.0, 10.0));
        assert_eq!(lines(&g)[0].text, "事業々々");
    }

    #[test]
    fn superscript_joins_its_line() {
        let mut g = glyphs("面積", 0.0, 100.0, 10.0);
        g.extend(glyphs("2", 20.0, 96.5, 6.0));
        g.extend(glyphs("次行", 0.0, 115.0, 10.0));
        let ls = lines(&g);
        assert_eq!(ls.len(), 2);
        assert_eq!(ls[0].text, "面積2");
        let geom = ls[0].geom.as_ref().unwrap();
        assert_eq!((geom.y, geom.font_size), (100.0, 10.0));
    }

    #[test]
    fn footer_number_goes_to_printed() {
        let mut g = glyphs("本文", 60.0, 100.0, 10.0);
        g.extend(glyphs("２４", 290.0, 800.0, 10.0));
        let p = page(3, (595.0, 842.0), g, vec![]);
        assert_eq!(p.printed, Some(24));
        assert_eq!(p.lines.len(), 1);
        assert_eq!(parse_page_number("- 7 -"), Some(7));
        assert_eq!(parse_page_number("7件"), None);
    }

    #[test]
    fn number_high_on_page_is_not_a_footer() {
        let g = glyphs("12", 60.0, 100.0, 10.0);
        let p = page(1, (595.0, 842.0), g, vec![]);
        assert_eq!(p.printed, None);
        assert_eq!(p.lines.len(), 1);
    }
}
