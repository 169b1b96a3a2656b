//! Ruled tables from positioned lines: rows between horizontal rules, cells by column.
//!
//! Used where the input has geometry (PDF): the summary table and the metrics table are
//! drawn with ruling lines, and a cell's wrapped lines belong together however the
//! baselines of neighbouring cells interleave.

use super::lines::SrcLine;
use crate::doc::Rule;

/// Two rules closer than this (points) are one border drawn twice (or a double line).
const SAME_RULE: f32 = 1.5;
/// A rule must be at least this long (points) to separate rows, so that underlines
/// and tick marks do not.
const MIN_ROW_RULE: f32 = 40.0;

/// y positions of horizontal rules that span `[x0, x1]` at least in part, sorted.
pub fn row_edges(rules: &[Rule], x0: f32, x1: f32) -> Vec<f32> {
    let mut ys: Vec<f32> = rules
        .iter()
        .filter(|r| (r.y0 - r.y1).abs() < SAME_RULE && (r.x1 - r.x0).abs() >= MIN_ROW_RULE)
        .filter(|r| r.x0.min(r.x1) < x1 && r.x0.max(r.x1) > x0)
        .map(|r| (r.y0 + r.y1) / 2.0)
        .collect();
    ys.sort_by(f32::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < SAME_RULE);
    ys
}

/// x positions of vertical rules crossing the band `[y0, y1]`, sorted.
pub fn column_edges(rules: &[Rule], y0: f32, y1: f32) -> Vec<f32> {
    let mut xs: Vec<f32> = rules
        .iter()
        .filter(|r| (r.x0 - r.x1).abs() < SAME_RULE && (r.y1 - r.y0).abs() > 2.0)
        .filter(|r| r.y0.min(r.y1) < y1 && r.y0.max(r.y1) > y0)
        .map(|r| (r.x0 + r.x1) / 2.0)
        .collect();
    xs.sort_by(f32::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() < SAME_RULE);
    xs
}

/// Width of a character in ems, as set in these reports: half-width for ASCII and
/// half-width forms, full-width otherwise.
fn em_width(c: char) -> f32 {
    if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
        0.5
    } else {
        1.0
    }
}

/// Cut a span's text where column splits fall inside it (a producer may set the gap
/// between two cells narrower than the layout's span gap). Character positions are
/// estimated from em widths; the cut goes to the boundary nearest the split, where a
/// boundary between ASCII and other text (a number beside a name) counts one em nearer,
/// since cells so often change script there.
fn cut_at_columns(text: &str, x0: f32, x1: f32, splits: &[f32]) -> Vec<(usize, String)> {
    let col_of = |x: f32| splits.iter().filter(|&&s| s <= x).count();
    let first = col_of(x0 + 0.5);
    let last = col_of(x1 - 0.5);
    let chars: Vec<char> = text.chars().collect();
    if first >= last || x1 <= x0 || chars.len() < 2 {
        return vec![(col_of((x0 + x1) / 2.0).max(first), text.to_string())];
    }
    let total: f32 = chars.iter().map(|&c| em_width(c)).sum();
    let scale = if total > 0.0 { (x1 - x0) / total } else { 0.0 };
    // x of the boundary before each character index.
    let mut xs = Vec::with_capacity(chars.len() + 1);
    let mut x = x0;
    for &c in &chars {
        xs.push(x);
        x += em_width(c) * scale;
    }
    xs.push(x1);
    let mut cuts: Vec<usize> = Vec::new();
    for &split in splits.iter().filter(|&&s| s > x0 && s < x1) {
        let best = (1..chars.len())
            .map(|i| {
                let transition = chars[i - 1].is_ascii() != chars[i].is_ascii()
                    || chars[i - 1].is_whitespace()
                    || chars[i].is_whitespace();
                let d = (xs[i] - split).abs() - if transition { 0.5 * scale } else { 0.0 };
                (d, i)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, i)) = best {
            if cuts.last().is_none_or(|&l| i > l) {
                cuts.push(i);
            }
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (k, &cut) in cuts.iter().enumerate() {
        out.push((first + k, chars[start..cut].iter().collect()));
        start = cut;
    }
    out.push((first + cuts.len(), chars[start..].iter().collect()));
    out
}

/// Group `lines` into rows (between consecutive `row_edges`) and cells (by `splits`, the
/// x positions between columns: `splits.len() + 1` columns). Lines without geometry
/// form a row of their own with their text in the first cell.
pub fn grid(lines: &[&SrcLine], row_edges: &[f32], splits: &[f32]) -> Vec<Vec<String>> {
    let ncols = splits.len() + 1;
    let mut rows: Vec<(usize, Vec<Vec<String>>)> = Vec::new();
    for line in lines {
        let Some(g) = &line.geom else {
            let mut cells = vec![Vec::new(); ncols];
            cells[0].push(line.text.trim().to_string());
            rows.push((usize::MAX, cells));
            continue;
        };
        // Baseline sits near the bottom of its text: look a little above it.
        let probe = g.y - g.font_size * 0.3;
        let band = row_edges.iter().filter(|&&e| e < probe).count();
        if rows.last().is_none_or(|(b, _)| *b != band || band == 0 && row_edges.is_empty()) {
            rows.push((band, vec![Vec::new(); ncols]));
        }
        let Some((_, cells)) = rows.last_mut() else { continue };
        let mut parts: Vec<Vec<String>> = vec![Vec::new(); ncols];
        for s in &g.spans {
            for (col, piece) in cut_at_columns(&s.text, s.x0, s.x1, splits) {
                if let Some(p) = parts.get_mut(col) {
                    if !piece.trim().is_empty() {
                        p.push(piece.trim().to_string());
                    }
                }
            }
        }
        for (c, p) in parts.into_iter().enumerate() {
            if !p.is_empty() {
                cells[c].push(p.join(" "));
            }
        }
    }
    rows.into_iter().map(|(_, cells)| cells.into_iter().map(|c| c.join("\n")).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_across_a_split_is_cut() {
        let parts = cut_at_columns("延べ 1,307回延べ 1,203回", 400.0, 520.0, &[460.0]);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], (0, "延べ 1,307回".to_string()));
        assert_eq!(parts[1].1, "延べ 1,203回");
        let parts = cut_at_columns("10中南地域", 60.0, 120.0, &[75.0]);
        assert_eq!(parts[0].1, "10");
    }
}
