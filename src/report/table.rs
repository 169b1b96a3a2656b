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

/// A vertical rule shorter than this (points) is a tick or a glyph's stroke, not a
/// column border.
const MIN_COLUMN_RULE: f32 = 2.0;
/// A baseline sits near the bottom of its text: a line's row is the band holding the
/// point this many font sizes above its baseline.
const BASELINE_PROBE: f32 = 0.3;

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
        .filter(|r| (r.x0 - r.x1).abs() < SAME_RULE && (r.y1 - r.y0).abs() > MIN_COLUMN_RULE)
        .filter(|r| r.y0.min(r.y1) < y1 && r.y0.max(r.y1) > y0)
        .map(|r| (r.x0 + r.x1) / 2.0)
        .collect();
    xs.sort_by(f32::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() < SAME_RULE);
    xs
}

/// Ink of a span reaching less than this (in ems of the span's own text) past a column
/// split is not a cell of its own: an opening bracket set half-width at a line start
/// hangs half an em left of its column (`「あおもり…`, `（仮称）…`), and a glyph sitting on
/// a rule belongs to the side that holds most of it.
const HANG: f32 = 0.5;
/// Points: the least a span's ends are pulled in by [`HANG`], also when its width per em
/// is unknown (a span of one glyph).
const MIN_HANG: f32 = 0.5;
/// Ems: a cut between two scripts (kanji | digits) or at a space is preferred over one
/// this much nearer the split inside a word.
const TRANSITION_PULL: f32 = 0.5;

/// Width of a character in ems, as set in these reports: half-width for ASCII and
/// half-width forms, full-width otherwise.
pub(crate) fn em_width(c: char) -> f32 {
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
pub(crate) fn cut_at_columns(text: &str, x0: f32, x1: f32, splits: &[f32]) -> Vec<(usize, String)> {
    let col_of = |x: f32| splits.iter().filter(|&&s| s <= x).count();
    let chars: Vec<char> = text.chars().collect();
    let total: f32 = chars.iter().map(|&c| em_width(c)).sum();
    let scale = if total > 0.0 && x1 > x0 { (x1 - x0) / total } else { 0.0 };
    // The columns the span's ink reaches by more than a hanging glyph.
    let hang = (HANG * scale).max(MIN_HANG);
    let first = col_of(x0 + hang);
    let last = col_of(x1 - hang);
    if first >= last || x1 <= x0 || chars.len() < 2 {
        return vec![(col_of((x0 + x1) / 2.0).max(first), text.to_string())];
    }
    let splits: Vec<f32> = splits.iter().copied().filter(|&s| s > x0 + hang && s < x1 - hang).collect();
    // x of the boundary before each character index.
    let mut xs = Vec::with_capacity(chars.len() + 1);
    let mut x = x0;
    for &c in &chars {
        xs.push(x);
        x += em_width(c) * scale;
    }
    xs.push(x1);
    let mut cuts: Vec<usize> = Vec::new();
    for &split in &splits {
        let best = (1..chars.len())
            .map(|i| {
                let transition = chars[i - 1].is_ascii() != chars[i].is_ascii()
                    || chars[i - 1].is_whitespace()
                    || chars[i].is_whitespace();
                let d = (xs[i] - split).abs() - if transition { TRANSITION_PULL * scale } else { 0.0 };
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

/// Columns of a table printed without ruling lines are told apart by this much empty
/// x-range (in font sizes) that no row's text crosses: the layout already splits a line
/// into spans at gaps of a full em, and column gutters are at least that wide.
const MIN_GUTTER: f32 = 0.5;

/// Column splits and row edges for a table printed without ruling lines: splits in the
/// x-ranges no text of the rows crosses (from the first row on, so that a heading or a
/// caption wider than its column does not bridge two), a row edge above each line whose
/// text `starts_row` (`1 西北地域…`) with its number in the No. column, so that wrapped
/// cell lines stay in their row. A row number set too close to the next cell to be a span
/// of its own (`10中南地域…`) is cut off its span first. `None` when fewer than three
/// columns are found.
pub fn unruled(lines: &[&SrcLine], starts_row: impl Fn(&str) -> bool) -> Option<(Vec<f32>, Vec<f32>)> {
    // A row's number: the first span holding a digit, on a line that reads as a row
    // start (marks first in a shared chapter's table: `○ 1 西北地域…`).
    let number_span = |l: &SrcLine| -> Option<(f32, f32)> {
        let g = l.geom.as_ref()?;
        if !starts_row(&l.text) || g.spans.len() < 2 {
            return None;
        }
        let s = g.spans.iter().find(|s| s.text.chars().any(|c| c.is_ascii_digit()))?;
        Some((s.x0, g.font_size))
    };
    let first_row = lines.iter().position(|l| number_span(l).is_some())?;
    let rows = lines.get(first_row..)?;
    // The No. column's left edge: the median of the candidates' number x, so that a
    // wrapped name line that happens to start with digits (further right) is no row.
    let mut xs: Vec<f32> = rows.iter().filter_map(|l| number_span(l)).map(|(x, _)| x).collect();
    xs.sort_by(f32::total_cmp);
    let no_x = xs.get(xs.len() / 2).copied()?;
    let mut ranges: Vec<(f32, f32)> = Vec::new();
    for g in rows.iter().filter_map(|l| l.geom.as_ref()) {
        for s in &g.spans {
            let digits = s.text.chars().take_while(|c| c.is_ascii_digit()).count();
            let chars = s.text.chars().count();
            if digits > 0 && digits < chars && starts_row(&s.text) && s.x0 < no_x + g.font_size {
                // A number glued to its name: estimate where it ends from em widths.
                let total: f32 = s.text.chars().map(em_width).sum();
                let scale = if total > 0.0 { (s.x1 - s.x0) / total } else { 0.0 };
                let end = s.x0 + em_width('0') * digits as f32 * scale;
                ranges.push((s.x0, end));
                ranges.push((end + scale, s.x1));
            } else {
                ranges.push((s.x0, s.x1));
            }
        }
    }
    ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let size = rows.iter().filter_map(|l| l.geom.as_ref()).map(|g| g.font_size).fold(0.0f32, f32::max);
    let mut splits = Vec::new();
    let mut reach = f32::MIN;
    for (x0, x1) in ranges {
        if reach > f32::MIN && x0 - reach >= MIN_GUTTER * size {
            splits.push((reach + x0) / 2.0);
        }
        reach = reach.max(x1);
    }
    if splits.len() < 2 {
        return None;
    }
    let edges: Vec<f32> = rows
        .iter()
        .filter_map(|l| {
            let g = l.geom.as_ref()?;
            let starts = number_span(l).is_some_and(|(x, size)| x < no_x + size);
            (starts || l.text.contains("小計")).then_some(g.y - g.font_size)
        })
        .collect();
    Some((splits, edges))
}

/// A column split may sit this far (in font sizes) right of its heading's left edge: a
/// heading set flush left in its cell starts about a cell padding after the split.
const HEADING_SLACK: f32 = 0.5;
/// Baseline gaps within one table differing by less than this (in font sizes) are the
/// same gap: rows set with cell padding are further apart than the wrapped lines of a
/// cell by at least a few tenths of an em.
const SAME_GAP: f32 = 0.1;

/// Column splits and row edges for a table printed without ruling lines whose first line
/// is its header row (`項目名 ４年度 ５年度`), one span a column heading.
///
/// Columns: between two headings, the split goes where the fewest of the body's spans
/// cross (none, in a well-set table), within the x-range from the end of the left
/// heading to the start of the right one, wherever the headings are aligned in their
/// cells; cells then take the spans by their ink (`cut_at_columns`).
/// Rows: a table without rules still pads its cells, so the baselines of two rows are
/// further apart than the wrapped lines inside a cell; the gap from the header to the
/// first row is such a row gap. A gap as wide as that starts a row, a narrower one stays
/// inside the row (a wrapped item, a value over several lines, a note under a value).
/// When the gaps tell nothing (all as wide as the header's), every line is a row only if
/// each has text in the item column and in every value column; otherwise `None`, and the
/// caller reads the lines as text.
pub fn unruled_by_header(lines: &[&SrcLine]) -> Option<(Vec<f32>, Vec<f32>)> {
    let header = lines.first()?.geom.as_ref()?;
    if header.spans.len() < 2 {
        return None;
    }
    let body: Vec<&crate::doc::LineGeom> =
        lines.get(1..)?.iter().map(|l| l.geom.as_ref()).collect::<Option<_>>()?;
    let size = header.font_size.max(1.0);
    let ink: Vec<(f32, f32)> = body.iter().flat_map(|g| g.spans.iter().map(|s| (s.x0, s.x1))).collect();
    let mut splits = Vec::with_capacity(header.spans.len() - 1);
    for pair in header.spans.windows(2) {
        let [left, right] = pair else { continue };
        let lo = left.x1;
        let hi = right.x0 + HEADING_SLACK * size;
        if hi <= lo {
            return None;
        }
        splits.push(least_crossed(&ink, lo, hi));
    }
    // Rows by baseline gaps.
    let mut edges = Vec::new();
    let Some(first) = body.first() else { return Some((splits, edges)) };
    let header_gap = first.y - header.y;
    let edge_before =
        |prev: f32, next: &crate::doc::LineGeom| (prev + next.y) / 2.0 - BASELINE_PROBE * next.font_size;
    edges.push(edge_before(header.y, first));
    let gaps: Vec<f32> = body.windows(2).filter_map(|w| Some(w.get(1)?.y - w.first()?.y)).collect();
    let narrowest = gaps.iter().copied().fold(f32::INFINITY, f32::min);
    if narrowest.is_finite() && narrowest < header_gap - SAME_GAP * size {
        let threshold = (narrowest + header_gap) / 2.0;
        for w in body.windows(2) {
            if let [a, b] = w {
                if b.y - a.y >= threshold {
                    edges.push(edge_before(a.y, b));
                }
            }
        }
    } else if narrowest.is_finite() {
        // One line a row, if every line is a whole row.
        let whole = body.iter().all(|g| {
            let mut seen = vec![false; splits.len() + 1];
            for s in &g.spans {
                for (col, piece) in cut_at_columns(&s.text, s.x0, s.x1, &splits) {
                    if let Some(f) = seen.get_mut(col) {
                        *f |= !piece.trim().is_empty();
                    }
                }
            }
            seen.iter().all(|&f| f)
        });
        if !whole {
            return None;
        }
        for w in body.windows(2) {
            if let [a, b] = w {
                edges.push(edge_before(a.y, b));
            }
        }
    }
    Some((splits, edges))
}

/// The x in `(lo, hi)` that the fewest of the `ink` ranges cross: the middle of the
/// rightmost stretch with the least crossings. Rightmost, because the stretch is bounded
/// by the right heading's start: whatever lies between the left heading's end and the
/// last gap before the right column is the left column's (values set flush right, or
/// centred and wider than their heading), and the right column's ink starts at the gap.
fn least_crossed(ink: &[(f32, f32)], lo: f32, hi: f32) -> f32 {
    let mut cuts: Vec<f32> = vec![lo, hi];
    cuts.extend(ink.iter().flat_map(|&(a, b)| [a, b]).filter(|&x| x > lo && x < hi));
    cuts.sort_by(f32::total_cmp);
    cuts.dedup();
    let mut best: Option<(usize, f32)> = None;
    for w in cuts.windows(2) {
        let [a, b] = w else { continue };
        let m = (a + b) / 2.0;
        let crossing = ink.iter().filter(|&&(x0, x1)| x0 < m && m < x1).count();
        let better = match best {
            None => true,
            Some((c, _)) => crossing <= c,
        };
        if better {
            best = Some((crossing, m));
        }
    }
    best.map_or((lo + hi) / 2.0, |(_, m)| m)
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
        let probe = g.y - g.font_size * BASELINE_PROBE;
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

    fn line(y: f32, spans: &[(&str, f32, f32)]) -> SrcLine {
        let spans: Vec<crate::doc::Span> = spans
            .iter()
            .map(|(t, x0, x1)| crate::doc::Span { text: t.to_string(), x0: *x0, x1: *x1 })
            .collect();
        let text = spans.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
        SrcLine {
            text,
            line: 0,
            pdf_page: 1,
            printed: None,
            geom: Some(crate::doc::LineGeom { y, font_size: 9.0, spans }),
            page_geom: None,
            footer: None,
        }
    }

    #[test]
    fn unruled_table_columns_and_rows_from_text() {
        let starts = |t: &str| t.trim().chars().next().is_some_and(|c| c.is_ascii_digit());
        let lines = [
            line(60.0, &[("No.", 51.0, 66.0), ("事業名", 180.0, 207.0), ("事業費", 325.0, 353.0)]),
            line(100.0, &[("1", 56.0, 61.0), ("西北地域の事業", 72.0, 260.0), ("4,789", 335.0, 357.0)]),
            line(
                114.0,
                &[("2", 56.0, 61.0), ("若者の県内定着・還流促進", 72.0, 314.0), ("18,658", 330.0, 357.0)],
            ),
            line(127.0, &[("事業", 72.0, 90.0)]),
            line(141.0, &[("10中南地域の事業", 52.0, 124.0), ("2,586", 335.0, 357.0)]),
        ];
        let refs: Vec<&SrcLine> = lines.iter().collect();
        let (splits, edges) = unruled(&refs, starts).unwrap();
        assert_eq!(splits.len(), 2);
        assert!(splits[0] > 61.0 && splits[0] < 72.0 && splits[1] > 314.0 && splits[1] < 330.0, "{splits:?}");
        // A row edge above rows 1, 2 and 10, none above the wrapped 事業.
        assert_eq!(edges.len(), 3);
        let grid = grid(&refs, &edges, &splits);
        assert_eq!(grid[2], ["2", "若者の県内定着・還流促進\n事業", "18,658"]);
        assert_eq!(grid[3][0], "10");
    }

    #[test]
    fn unruled_metrics_table_from_its_header() {
        // Headings flush left in their cells, values flush right: the 4年度 column's
        // values end left of the ５年度 heading, the split falls in the gap before them.
        // Rows are 14.6 pt apart, wrapped lines 12.6 pt.
        let lines = [
            line(160.0, &[("項目名", 51.0, 78.0), ("４年度", 300.6, 327.6), ("５年度", 425.4, 452.4)]),
            line(174.6, &[("申込者数", 51.0, 87.0), ("1,000名", 388.0, 419.4), ("255名", 520.0, 544.0)]),
            line(187.2, &[("(8月～10月)", 371.0, 419.4), ("(8月～10月)", 496.0, 544.0)]),
            line(201.8, &[("情報交換会開催回", 51.0, 294.0), ("6回", 405.0, 419.4), ("6回", 530.0, 544.0)]),
            line(214.4, &[("数", 51.0, 60.0)]),
            line(229.0, &[("参加者数", 51.0, 87.0), ("-", 416.0, 419.4), ("6件", 530.0, 544.0)]),
            line(241.6, &[("8名", 530.0, 544.0)]),
        ];
        let refs: Vec<&SrcLine> = lines.iter().collect();
        let (splits, edges) = unruled_by_header(&refs).unwrap();
        assert!(splits[0] > 294.0 && splits[0] < 305.0, "{splits:?}");
        assert!(splits[1] > 419.4 && splits[1] < 430.0, "{splits:?}");
        assert_eq!(edges.len(), 3, "{edges:?}");
        let grid = grid(&refs, &edges, &splits);
        assert_eq!(grid.len(), 4);
        assert_eq!(grid[1], ["申込者数", "1,000名\n(8月～10月)", "255名\n(8月～10月)"]);
        assert_eq!(grid[2], ["情報交換会開催回\n数", "6回", "6回"]);
        assert_eq!(grid[3], ["参加者数", "-", "6件\n8名"]);
    }

    #[test]
    fn unruled_rows_without_padding_need_whole_lines() {
        // Every gap as wide as the header's: one line a row only if each line fills
        // every column; a line with an item alone makes the rows unknowable.
        let whole = [
            line(100.0, &[("項目名", 51.0, 78.0), ("４年度", 300.0, 327.0), ("５年度", 425.0, 452.0)]),
            line(112.0, &[("申込件数", 51.0, 87.0), ("14件", 400.0, 419.0), ("14件", 525.0, 544.0)]),
            line(124.0, &[("実施件数", 51.0, 87.0), ("12件", 400.0, 419.0), ("14件", 525.0, 544.0)]),
        ];
        let refs: Vec<&SrcLine> = whole.iter().collect();
        let (_, edges) = unruled_by_header(&refs).unwrap();
        assert_eq!(edges.len(), 2);
        let wrapped = [
            line(100.0, &[("項目名", 51.0, 78.0), ("４年度", 300.0, 327.0), ("５年度", 425.0, 452.0)]),
            line(112.0, &[("申込件", 51.0, 87.0), ("14件", 400.0, 419.0), ("14件", 525.0, 544.0)]),
            line(124.0, &[("数", 51.0, 60.0)]),
        ];
        let refs: Vec<&SrcLine> = wrapped.iter().collect();
        assert!(unruled_by_header(&refs).is_none());
    }

    #[test]
    fn hanging_bracket_stays_with_its_line() {
        // （ set half-width, hanging 4 pt left of the column rule at 100.
        let parts = cut_at_columns("（仮称）もの", 96.0, 150.0, &[60.0, 100.0]);
        assert_eq!(parts, [(2, "（仮称）もの".to_string())]);
        let parts = cut_at_columns("「あおもり」", 296.0, 359.0, &[297.5]);
        assert_eq!(parts, [(1, "「あおもり」".to_string())]);
        // A glyph only touching the next column's rule stays left.
        let parts = cut_at_columns("事業名", 60.0, 101.0, &[100.0]);
        assert_eq!(parts, [(0, "事業名".to_string())]);
    }
}
