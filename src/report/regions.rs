//! Provenance: where each field of a card, summary row and case study was read.
//!
//! Computed after the grammar has read a part, from the same source lines, so that the
//! readers stay free of bookkeeping: a PDF line gives its page and span boxes, a text
//! dump's line its source line number. A field that cannot be placed gets `null`, never
//! a guess outside the part's own lines.

use super::lines::{is_page_number, SrcLine};
use super::segment::{is_box_header, is_cost_line, CardLines};
use super::table;
use crate::doc::Span;
use crate::model::{Project, ProjectRegions, Region, SummaryRow};

/// A line's ink reaches this far below its baseline, in font sizes (descenders), the
/// same allowance as a card's `bbox`.
const DESCENT: f32 = 0.2;

/// The middle of a line's text lies this many font sizes above its baseline: what
/// decides which row band between two rules a line belongs to.
const TEXT_MIDDLE: f32 = 0.4;

/// Characters of a summary row's name looked for in the table's lines: enough to tell
/// neighbouring rows apart, few enough to sit on the first printed line of a wrapped name.
const NAME_PROBE_CHARS: usize = 6;

fn round(v: f32) -> f32 {
    super::card::round_coordinate(v)
}

fn span_box(x0: f32, x1: f32, y: f32, size: f32) -> [f32; 4] {
    [x0, y - size, x1, y + size * DESCENT]
}

fn union(a: Option<[f32; 4]>, b: [f32; 4]) -> [f32; 4] {
    match a {
        None => b,
        Some(o) => [o[0].min(b[0]), o[1].min(b[1]), o[2].max(b[2]), o[3].max(b[3])],
    }
}

/// The region of `lines`: on a PDF the spans `keep` accepts on the first page any of them
/// is on; on a text dump the line range (`keep` does not apply: a dump has no spans).
fn region<'a>(lines: impl IntoIterator<Item = &'a SrcLine>, keep: impl Fn(&Span) -> bool) -> Option<Region> {
    region_x(lines, |s| keep(s).then_some((s.x0, s.x1)))
}

/// Width of a string in ems as these reports set them ([`table::em_width`]).
fn ems(s: &str) -> f32 {
    s.chars().map(table::em_width).sum()
}

/// Where a span holds both a title's end and its cost (`…事業費補助 事業費 1,000千円`):
/// the x at which the cost starts, estimated from the characters' widths.
fn cost_split(s: &Span) -> Option<f32> {
    let at = s
        .text
        .rmatch_indices("事業費")
        .map(|(i, _)| i)
        .find(|&i| is_cost_line(s.text.get(i..).unwrap_or("")))?;
    let prefix = s.text.get(..at)?;
    let total = ems(&s.text);
    (!prefix.trim().is_empty() && total > 0.0).then(|| s.x0 + (s.x1 - s.x0) * ems(prefix) / total)
}

/// A span of the cost line or breakdown: an amount, or the word 事業費 alone (a title
/// such as `…事業費補助` contains the word too, and is not one).
fn is_cost_span(s: &Span) -> bool {
    let t = s.text.trim();
    is_cost_line(t) || t.contains('円') || t == "事業費"
}

/// [`region`] with a part of each span: `pick` gives the x-range kept, if any.
fn region_x<'a>(
    lines: impl IntoIterator<Item = &'a SrcLine>,
    pick: impl Fn(&Span) -> Option<(f32, f32)>,
) -> Option<Region> {
    let lines: Vec<&SrcLine> = lines.into_iter().collect();
    let first = lines.first()?;
    if lines.iter().all(|l| l.geom.is_none()) {
        let lo = lines.iter().map(|l| l.line).min()?;
        let hi = lines.iter().map(|l| l.line).max()?;
        return Some(Region { page: first.pdf_page, bbox: None, lines: Some([lo, hi]) });
    }
    let page = lines.iter().find(|l| l.geom.is_some())?.pdf_page;
    let mut b = None;
    for l in lines.iter().filter(|l| l.pdf_page == page) {
        if let Some(g) = &l.geom {
            for s in &g.spans {
                if let Some((x0, x1)) = pick(s) {
                    b = Some(union(b, span_box(x0, x1, g.y, g.font_size)));
                }
            }
        }
    }
    b.map(|b| Region { page, bbox: Some(b.map(round)), lines: None })
}

fn all(_: &Span) -> bool {
    true
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The regions of one card's fields, from the lines the card reader had.
pub fn project(card: &CardLines, p: &Project) -> ProjectRegions {
    let head = &card.head;
    let cost_at = head.iter().position(|l| is_cost_line(l.trimmed()));
    let title_end =
        cost_at.unwrap_or_else(|| head.iter().rposition(|l| is_page_number(&l.text)).unwrap_or(head.len()));
    let title_lines: Vec<&SrcLine> =
        head.iter().take(title_end).filter(|l| !is_page_number(&l.text)).collect();
    let title = region(title_lines, all).or_else(|| {
        // The whole title printed before 事業費 on the cost line.
        let cost_line = head.get(cost_at?)?;
        region_x([cost_line], |s| match cost_split(s) {
            Some(x) => Some((s.x0, x)),
            None => (!is_cost_span(s) && !is_page_number(&s.text)).then_some((s.x0, s.x1)),
        })
    });
    let no = p.no.to_string();
    let is_number = |s: &Span| s.text.split_whitespace().last() == Some(no.as_str());
    let number = head
        .iter()
        .filter(|l| l.text.split_whitespace().last() == Some(no.as_str()))
        .find_map(|l| region([l], is_number))
        .or_else(|| {
            // A number printed one digit a line in a narrow box (１ / ０ for 10).
            let digits: Vec<&SrcLine> = head
                .iter()
                .skip(cost_at.map_or(0, |c| c + 1))
                .filter(|l| is_page_number(&l.text) && no.contains(l.trimmed()))
                .collect();
            region(digits, |s| is_page_number(&s.text))
        });
    let cost = cost_at.and_then(|c| {
        let lines: Vec<&SrcLine> = head
            .iter()
            .skip(c)
            .enumerate()
            .take_while(|(k, l)| *k == 0 || l.text.contains('円'))
            .map(|(_, l)| l)
            .collect();
        region_x(lines, |s| is_cost_span(s).then(|| (cost_split(s).unwrap_or(s.x0), s.x1)))
    });

    let body = &card.body;
    let header = body.first().filter(|l| is_box_header(&l.text));
    let box_start = usize::from(header.is_some());
    let metrics_at =
        body.iter().position(|l| super::segment::starts_with_marker(&l.text, "項目名")).unwrap_or(body.len());
    let box_lines = body.get(box_start..metrics_at).unwrap_or(&[]);
    // The same boundary the card's box was split at (the rule between the columns, else
    // the headers' midpoint), so the outlines show what was read.
    let boundary =
        header.and_then(|h| super::geometry::column_boundary(h, box_lines, h.rules().unwrap_or_default()));
    let (overview, results) = match boundary {
        Some(b) if box_lines.iter().all(|l| l.geom.is_some()) => {
            (region(box_lines, |s| (s.x0 + s.x1) / 2.0 < b), region(box_lines, |s| (s.x0 + s.x1) / 2.0 >= b))
        }
        _ => {
            // A dump prints the left column, then the right one: the overview is as many
            // lines as the reader gave it.
            let n = p.overview.lines().count().min(box_lines.len());
            (region(box_lines.get(..n).unwrap_or(&[]), all), region(box_lines.get(n..).unwrap_or(&[]), all))
        }
    };
    let table = body.get(metrics_at..).unwrap_or(&[]);
    let metrics = region(table, all);
    let metric_cells = metric_cells(table, p);
    ProjectRegions {
        title,
        number,
        cost,
        overview,
        results,
        metrics,
        metric_cells,
        department: region(&card.department, all),
    }
}

/// One region per metric cell, parallel to `p.metrics.rows[i].cells[j]`: on a ruled PDF
/// table the spans in the cell's row band and column, else the line where the cell's
/// text is found (searched from its row's item on, so equal values in other rows do not
/// match).
fn metric_cells(table: &[SrcLine], p: &Project) -> Vec<Vec<Option<Region>>> {
    if let Some(cells) = metric_cells_ruled(table, p) {
        return cells;
    }
    let mut from = 1;
    p.metrics
        .rows
        .iter()
        .map(|row| {
            let item = squeeze(row.item.lines().next().unwrap_or(""));
            if let Some(i) = find_from(table, from, &item) {
                from = i;
            }
            row.cells
                .iter()
                .map(|c| {
                    let needle = squeeze(c.text.lines().next().unwrap_or(""));
                    let i = find_from(table, from, &needle)?;
                    let line = table.get(i)?;
                    region([line], |s| {
                        squeeze(&s.text).contains(&needle) || needle.contains(&squeeze(&s.text))
                    })
                })
                .collect()
        })
        .collect()
}

fn find_from(lines: &[SrcLine], from: usize, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    lines.iter().enumerate().skip(from).find(|(_, l)| squeeze(&l.text).contains(needle)).map(|(i, _)| i)
}

/// Cells of a metrics table drawn with ruling lines: rows are the bands between
/// horizontal rules that hold text, the first being the heading; columns split where the
/// heading's spans start (a vertical rule just left of one where there is one).
fn metric_cells_ruled(table: &[SrcLine], p: &Project) -> Option<Vec<Vec<Option<Region>>>> {
    let header = table.first()?;
    let g = header.geom.as_ref()?;
    let page = header.pdf_page;
    if table.iter().any(|l| l.pdf_page != page || l.geom.is_none()) || g.spans.len() < 2 {
        return None;
    }
    let rules = header.rules()?;
    let last_y = table.iter().filter_map(|l| l.geom.as_ref()).map(|g| g.y).fold(g.y, f32::max);
    let verticals = table::column_edges(rules, g.y - g.font_size, last_y);
    // As the card reader splits them, so a cell's box holds what its text was read from.
    let splits = super::card::heading_splits(g.spans.get(1..).unwrap_or_default(), &verticals);
    let edges = table::row_edges(rules, 0.0, f32::MAX);
    // Bands that hold a line of the table, in order; a line belongs to the band its
    // text's middle lies in.
    let mid = |l: &SrcLine| l.geom.as_ref().map_or(0.0, |g| g.y - g.font_size * TEXT_MIDDLE);
    let bands: Vec<(f32, f32)> = edges
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .filter(|(a, b)| table.iter().any(|l| (*a..*b).contains(&mid(l))))
        .collect();
    if bands.len() != p.metrics.rows.len() + 1 {
        return None;
    }
    let col_of = |s: &Span| splits.iter().filter(|&&x| x <= (s.x0 + s.x1) / 2.0).count();
    Some(
        p.metrics
            .rows
            .iter()
            .zip(bands.iter().skip(1))
            .map(|(row, (a, b))| {
                let lines: Vec<&SrcLine> = table.iter().filter(|l| (*a..*b).contains(&mid(l))).collect();
                (0..row.cells.len()).map(|j| region(lines.iter().copied(), |s| col_of(s) == j + 1)).collect()
            })
            .collect(),
    )
}

/// The region of each summary row: from the line where its name starts to the line before
/// the next row's (or the 小計 line), on the first row line's page.
pub fn summary_rows(lines: &[SrcLine], rows: &[SummaryRow]) -> Vec<Option<Region>> {
    let mut starts: Vec<Option<usize>> = Vec::with_capacity(rows.len());
    let mut from = 0;
    for r in rows {
        let name = squeeze(&r.name);
        let probe: String = name.chars().take(NAME_PROBE_CHARS).collect();
        let at = find_from(lines, from, &probe);
        if let Some(i) = at {
            from = i + 1;
        }
        starts.push(at);
    }
    let subtotal = lines.iter().rposition(|l| l.text.contains("小計")).unwrap_or(lines.len());
    (0..rows.len())
        .map(|k| {
            let start = starts.get(k).copied().flatten()?;
            let end = starts.iter().skip(k + 1).flatten().next().copied().unwrap_or(if subtotal > start {
                subtotal
            } else {
                start + 1
            });
            region(lines.get(start..end.max(start + 1)).unwrap_or(&[]), all)
        })
        .collect()
}

/// The region of each case study, grouped as [`super::case_study::parse`] groups them:
/// an intro line starts one.
pub fn case_studies(lines: &[SrcLine]) -> Vec<Option<Region>> {
    let mut groups: Vec<Vec<&SrcLine>> = Vec::new();
    for l in lines {
        if super::case_study::is_intro(&l.text) {
            groups.push(Vec::new());
        } else if let Some(g) = groups.last_mut() {
            g.push(l);
        }
    }
    groups.into_iter().map(|g| region(g, all)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::LineGeom;
    use crate::model::Metrics;

    fn text_line(n: u32, text: &str) -> SrcLine {
        SrcLine {
            text: text.into(),
            pdf_page: 1,
            printed: None,
            geom: None,
            line: n,
            page_geom: None,
            footer: None,
        }
    }

    fn pdf_line(y: f32, spans: &[(f32, &str)]) -> SrcLine {
        let spans: Vec<Span> = spans
            .iter()
            .map(|(x, t)| Span { text: (*t).into(), x0: *x, x1: x + 10.0 * t.chars().count() as f32 })
            .collect();
        let text = spans.iter().map(|s| s.text.clone()).collect::<Vec<_>>().join(" ");
        SrcLine {
            text,
            pdf_page: 2,
            printed: Some(5),
            geom: Some(LineGeom { y, font_size: 10.0, spans }),
            line: 1,
            page_geom: None,
            footer: None,
        }
    }

    fn read(overview: &str) -> Project {
        Project {
            no: 3,
            name: "事業".into(),
            relisted: false,
            cost_thousand_yen: Some(1000),
            cost_breakdown: vec![],
            overview: overview.into(),
            results: String::new(),
            metrics: Metrics::default(),
            department: None,
            page: None,
            pdf_page: None,
            bbox: None,
            regions: None,
        }
    }

    #[test]
    fn text_dump_regions_are_line_ranges() {
        let card = CardLines {
            head: vec![text_line(10, "テスト事業"), text_line(11, "事業費 1,000千円"), text_line(12, "3")],
            body: vec![
                text_line(14, "【事業概要】 【事業実績】"),
                text_line(15, "支援する。"),
                text_line(16, "図る。"),
                text_line(17, "実施した。"),
            ],
            department: vec![text_line(19, "（担当課：商工政策課）")],
        };
        let r = project(&card, &read("支援する。\n図る。"));
        let lines = |reg: Option<Region>| reg.and_then(|r| r.lines);
        assert_eq!(lines(r.title), Some([10, 10]));
        assert_eq!(lines(r.cost), Some([11, 11]));
        assert_eq!(lines(r.number), Some([12, 12]));
        assert_eq!(lines(r.overview), Some([15, 16]));
        assert_eq!(lines(r.results), Some([17, 17]));
        assert_eq!(lines(r.department), Some([19, 19]));
        assert!(r.metrics.is_none());
    }

    #[test]
    fn pdf_box_columns_split_at_the_header() {
        let card = CardLines {
            head: vec![pdf_line(100.0, &[(50.0, "テスト事業"), (300.0, "事業費 1,000千円"), (500.0, "3")])],
            body: vec![
                pdf_line(130.0, &[(100.0, "【事業概要】"), (350.0, "【事業実績】")]),
                pdf_line(145.0, &[(60.0, "支援する。"), (310.0, "実施した。")]),
            ],
            department: vec![pdf_line(200.0, &[(400.0, "（担当課：商工政策課）")])],
        };
        let r = project(&card, &read("支援する。"));
        let bbox = |reg: &Option<Region>| reg.as_ref().and_then(|r| r.bbox).unwrap_or_default();
        assert_eq!(r.overview.as_ref().map(|r| r.page), Some(2));
        assert_eq!(bbox(&r.overview), [60.0, 135.0, 110.0, 147.0]);
        assert_eq!(bbox(&r.results), [310.0, 135.0, 360.0, 147.0]);
        assert_eq!(bbox(&r.number), [500.0, 90.0, 510.0, 102.0]);
        assert_eq!(bbox(&r.title), [50.0, 90.0, 100.0, 102.0]);
        assert_eq!(bbox(&r.cost)[0], 300.0);

        // Title and cost in one span: split where 事業費 starts (5.5 of 13.5 ems).
        let card = CardLines {
            head: vec![pdf_line(100.0, &[(50.0, "テスト事業 事業費 1,000千円"), (500.0, "3")])],
            ..card
        };
        let r = project(&card, &read("支援する。"));
        let (title, cost) = (bbox(&r.title), bbox(&r.cost));
        assert!((title[2] - cost[0]).abs() < 0.01 && title[0] == 50.0, "{title:?} {cost:?}");
        assert!(title[2] > 100.0 && title[2] < 120.0, "{title:?}");

        // A title that contains the word 事業費 is still the title.
        let card = CardLines {
            head: vec![pdf_line(
                100.0,
                &[(50.0, "整備事業費補助"), (300.0, "事業費 1,000千円"), (500.0, "3")],
            )],
            ..card
        };
        let r = project(&card, &read("支援する。"));
        assert_eq!(bbox(&r.title), [50.0, 90.0, 120.0, 102.0]);
        assert_eq!(bbox(&r.cost)[0], 300.0);
    }
}
