//! `pdftotext -layout` summary tables (【基本方針事業一覧】) read by character column.
//!
//! `-layout` prints each table line at its position, so a wrapped name or department
//! line keeps its column: a piece is the name's when it starts left of the cost column,
//! the department's when it starts in the department column. Rows are horizontal bands,
//! so each line between two row lines (a row line holds the No., cost and 掲載頁) is the
//! bottom of the row above or the top of the row below. Writers print the band in one of
//! two ways:
//! - the No. centred in its band (cells centred, or cells at the top with the No. in the
//!   middle): a row has as many lines above its row line as below it, so each gap splits
//!   where the row above has as many lines below it as it had above;
//! - everything at the top (no line before the first row, and every row line holds its
//!   name and department): each row's other lines are below it.
//!
//! A table whose lines do not share out so is still rebuilt, with a
//! `summary.columns_uncertain` doubt.

use super::super::column_runs::Doubt;
use super::super::lines::is_page_number;
use super::{close_gaps, row_line, runs, RowLine, LAYOUT_SLACK, ROW_LINE};

/// A whitespace-separated token of a layout line: its first character column, the
/// column after its last character, its text.
struct Token {
    start: usize,
    end: usize,
    text: String,
}

fn tokens(l: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut cur: Option<Token> = None;
    for (k, c) in l.chars().enumerate() {
        match (c.is_whitespace(), cur.as_mut()) {
            (true, Some(_)) => out.extend(cur.take()),
            (true, None) => {}
            (false, Some(t)) => {
                t.text.push(c);
                t.end = k + 1;
            }
            (false, None) => cur = Some(Token { start: k, end: k + 1, text: c.to_string() }),
        }
    }
    out.extend(cur);
    out
}

/// Where a row line's cells stand (character columns).
struct RowCols {
    name: Option<usize>,
    cost: (usize, usize),
    dept: Option<usize>,
    page: usize,
}

/// A row line (`[○…] No [name] cost [○] [department] page`) with its cells' columns.
fn row_at(l: &str) -> Option<(RowLine, RowCols)> {
    let toks = tokens(l);
    let closed = toks.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
    let caps = ROW_LINE.captures(&closed)?;
    // The token a byte offset of `closed` falls in: tokens are joined by one space.
    let token = |byte: usize| closed.get(..byte).and_then(|s| toks.get(s.matches(' ').count()));
    let start =
        |g: usize| caps.get(g).filter(|m| !m.as_str().trim().is_empty()).and_then(|m| token(m.start()));
    let cost = caps.get(4)?;
    let cols = RowCols {
        name: start(3).map(|t| t.start),
        cost: (token(cost.start())?.start, token(cost.end().saturating_sub(1))?.end),
        dept: start(6).map(|t| t.start),
        page: start(7)?.start,
    };
    Some((row_line(&closed)?, cols))
}

/// The table's columns, from its row lines (and, for the department column when no row
/// line prints a department, from the wrapped lines between rows).
struct Zones {
    name_lo: usize,
    cost_lo: usize,
    cost_hi: usize,
    dept_lo: usize,
    page_lo: usize,
}

#[derive(Debug, PartialEq)]
enum Zone {
    Name,
    Dept,
    /// The No., policy-mark, cost, 新規 or 掲載頁 column: no wrapped cell's line starts
    /// there, only the table heading's pieces.
    Other,
}

/// The most frequent value (the smallest of equals): a column's left edge, where most
/// of its lines start.
fn mode(xs: impl Iterator<Item = usize>) -> Option<usize> {
    let mut xs: Vec<usize> = xs.collect();
    xs.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for run in xs.chunk_by(|a, b| a == b) {
        if let Some(&x) = run.first() {
            if best.is_none_or(|(n, _)| run.len() > n) {
                best = Some((run.len(), x));
            }
        }
    }
    best.map(|(_, x)| x)
}

impl Zones {
    fn new(rows: &[&RowCols], between: &[&String]) -> Option<Zones> {
        let cost_lo = rows.iter().map(|r| r.cost.0).min()?;
        let cost_hi = rows.iter().map(|r| r.cost.1).max()?;
        let page_lo = rows.iter().map(|r| r.page).min()?;
        let name_lo = rows.iter().filter_map(|r| r.name).min().unwrap_or(cost_lo);
        let wrapped =
            between.iter().flat_map(|l| runs(l)).map(|(x, _)| x).filter(|&x| x > cost_hi && x < page_lo);
        let dept_lo = mode(rows.iter().filter_map(|r| r.dept).chain(wrapped)).unwrap_or(cost_hi + 1);
        Some(Zones { name_lo, cost_lo, cost_hi, dept_lo, page_lo })
    }

    fn zone(&self, x: usize) -> Zone {
        if x + LAYOUT_SLACK < self.name_lo || x + LAYOUT_SLACK >= self.page_lo {
            Zone::Other
        } else if x + LAYOUT_SLACK >= self.dept_lo && x > self.cost_hi {
            Zone::Dept
        } else if x + LAYOUT_SLACK >= self.cost_lo {
            Zone::Other
        } else {
            Zone::Name
        }
    }
}

/// A line between row lines: the table heading (also repeated on the next page) or a
/// page footer, or a wrapped line of name and department pieces.
#[derive(Debug, Clone, PartialEq)]
enum Between {
    Heading,
    Piece { name: String, dept: String },
}

fn is_heading_words(t: &str) -> bool {
    super::super::segment::is_table_heading(t)
        || t.starts_with("No")
        || ["事業名", "担当課等", "掲載頁"].iter().any(|w| t.contains(w))
}

fn between(l: &str, zones: &Zones) -> Between {
    let closed = close_gaps(l);
    if is_page_number(&closed) || is_heading_words(&closed) {
        return Between::Heading;
    }
    let (mut name, mut dept) = (Vec::new(), Vec::new());
    for (x, run) in runs(l) {
        match zones.zone(x) {
            Zone::Name => name.push(run),
            Zone::Dept => dept.push(run),
            Zone::Other => return Between::Heading,
        }
    }
    Between::Piece { name: name.join(" "), dept: dept.join(" ") }
}

/// What a reading costs for each row whose top starts inside a cell (a name or
/// department piece opening with a parenthesis, `（再掲）`), whose name or department is
/// left with a parenthesis open, or that is left without a name: more than any
/// imbalance of a band.
const CUT_CELL_COST: usize = 10;

fn piece_name(p: &Between) -> &str {
    match p {
        Between::Piece { name, .. } => name,
        Between::Heading => "",
    }
}

fn piece_dept(p: &Between) -> &str {
    match p {
        Between::Piece { dept, .. } => dept,
        Between::Heading => "",
    }
}

/// What it costs to read row `r` with the pieces `above` and `under` around its line:
/// how uneven its band is, and [`CUT_CELL_COST`] for a cell cut open.
fn row_cost(r: &RowLine, above: &[&Between], under: &[&Between]) -> usize {
    let cell = |f: fn(&Between) -> &str, own: Option<&str>| {
        let parts: Vec<&str> = above
            .iter()
            .map(|p| f(p))
            .chain(own)
            .chain(under.iter().map(|p| f(p)))
            .filter(|t| !t.is_empty())
            .collect();
        let opens_inside = parts.first().is_some_and(|t| t.starts_with(['（', '(']));
        opens_inside || !super::super::marks::parens_closed(&parts.concat())
    };
    let nameless = r.name.is_none() && !above.iter().chain(under).any(|p| !piece_name(p).is_empty());
    let cut = nameless || cell(piece_name, r.name.as_deref()) || cell(piece_dept, r.department.as_deref());
    above.len().abs_diff(under.len()) + if cut { CUT_CELL_COST } else { 0 }
}

/// How many lines each row takes from the gap above it and from the gap below it
/// (`gaps[k]` lies above row `k`, the last one below the last row), and whether that
/// reading is the only best one. With the No. centred in its band, the split of the
/// gaps that costs least ([`row_cost`]: bands as even as can be, no cell cut open); at
/// the top, every line goes to the row above it.
fn share(
    gaps: &[usize],
    top: bool,
    cost: impl Fn(usize, usize, usize) -> usize,
) -> (Vec<(usize, usize)>, bool) {
    let rows = gaps.len().saturating_sub(1);
    let len = |k: usize| gaps.get(k).copied().unwrap_or(0);
    if top {
        return ((0..rows).map(|k| (0, len(k + 1))).collect(), len(0) == 0);
    }
    // best[k][a]: (cost of rows before k, number of best readings, lines above row k - 1)
    // with `a` lines above row k.
    type Cell = Option<(usize, usize, usize)>;
    let mut best: Vec<Vec<Cell>> = (0..rows).map(|k| vec![None; len(k) + 1]).collect();
    if let Some(b) = best.first_mut().and_then(|b| b.last_mut()) {
        *b = Some((0, 1, 0));
    }
    for k in 0..rows.saturating_sub(1) {
        let gap = len(k + 1);
        for a in 0..=len(k) {
            let Some((sofar, ways, _)) = best.get(k).and_then(|b| b.get(a)).copied().flatten() else {
                continue;
            };
            for below in 0..=gap {
                let c = sofar + cost(k, a, below);
                let Some(slot) = best.get_mut(k + 1).and_then(|b| b.get_mut(gap - below)) else { continue };
                *slot = match *slot {
                    Some((o, w, at)) if o < c => Some((o, w, at)),
                    Some((o, w, at)) if o == c => Some((o, w.saturating_add(ways), at)),
                    _ => Some((c, ways, a)),
                };
            }
        }
    }
    // The last row takes every line below it.
    let Some(last) = rows.checked_sub(1) else { return (Vec::new(), true) };
    let ends: Vec<(usize, usize, usize)> = (0..=len(last))
        .filter_map(|a| {
            best.get(last)?.get(a).copied().flatten().map(|(c, w, _)| (c + cost(last, a, len(rows)), w, a))
        })
        .collect();
    let Some(&(least, _, mut a)) = ends.iter().min_by_key(|&&(c, _, a)| (c, a)) else {
        return ((0..rows).map(|k| (0, len(k + 1))).collect(), false);
    };
    let unique = ends.iter().filter(|e| e.0 == least).map(|e| e.1).sum::<usize>() == 1;
    let mut out = vec![(0, 0); rows];
    let mut below = len(rows);
    for k in (0..rows).rev() {
        if let Some(o) = out.get_mut(k) {
            *o = (a, below);
        }
        let Some((_, _, prev)) = best.get(k).and_then(|r| r.get(a)).copied().flatten() else { break };
        below = len(k).saturating_sub(a);
        a = prev;
    }
    (out, unique)
}

/// Lines after each 【基本方針事業一覧】 line up to its 小計, rebuilt one line a row
/// ([`table`]); a table without 小計 or row lines is left to the text reading.
pub(super) fn rows(ls: Vec<String>) -> (Vec<String>, Vec<Doubt>) {
    let mut out = Vec::with_capacity(ls.len());
    let mut doubts = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        let starts = ls.get(i).is_some_and(|l| l.trim_start().starts_with("【基本方針事業一覧】"));
        out.extend(ls.get(i).cloned());
        i += 1;
        let end = (i..ls.len()).find(|&k| ls.get(k).is_some_and(|l| l.trim_start().starts_with("小計")));
        let Some((lines, doubt)) =
            end.filter(|_| starts).and_then(|end| Some((end, table(ls.get(i..end)?)?))).map(|(end, t)| {
                i = end;
                t
            })
        else {
            continue;
        };
        out.extend(lines);
        doubts.extend(doubt);
    }
    (out, doubts)
}

/// One table's region (the lines after its 【基本方針事業一覧】 line, before 小計) → its
/// heading lines and one line a row; `None` when it has no row line.
fn table(region: &[String]) -> Option<(Vec<String>, Option<Doubt>)> {
    let rows: Vec<(usize, RowLine, RowCols)> =
        region.iter().enumerate().filter_map(|(k, l)| row_at(l).map(|(r, c)| (k, r, c))).collect();
    let first = rows.first()?.0;
    let last = rows.last()?.0;
    let inner: Vec<&String> = region.get(first..last)?.iter().filter(|l| row_at(l).is_none()).collect();
    let zones = Zones::new(&rows.iter().map(|(_, _, c)| c).collect::<Vec<_>>(), &inner)?;
    let kinds: Vec<Between> = region.iter().map(|l| between(l, &zones)).collect();
    // Above the first row: the heading, then the first row's own lines.
    let head_end =
        (0..first).rev().take_while(|&k| kinds.get(k).is_some_and(|b| *b != Between::Heading)).last();
    let head_end = head_end.unwrap_or(first);
    let mut out: Vec<String> = region.get(..head_end)?.iter().map(|l| close_gaps(l)).collect();
    let bounds: Vec<usize> = [head_end]
        .into_iter()
        .chain(rows.iter().flat_map(|(k, _, _)| [*k, k + 1]))
        .chain([region.len()])
        .collect();
    let gaps: Vec<Vec<&Between>> = bounds
        .chunks(2)
        .map(|w| match w {
            [a, b] => kinds.get(*a..*b).unwrap_or(&[]).iter().filter(|b| **b != Between::Heading).collect(),
            _ => Vec::new(),
        })
        .collect();
    let top = head_end == first && rows.iter().all(|(_, r, _)| r.name.is_some() && r.department.is_some());
    let lens: Vec<usize> = gaps.iter().map(Vec::len).collect();
    let pieces = |k: usize, above: usize, below: usize| {
        let over = gaps.get(k).map_or(&[][..], |g| g.get(g.len().saturating_sub(above)..).unwrap_or(&[]));
        let under = gaps.get(k + 1).map_or(&[][..], |g| g.get(..below).unwrap_or(&[]));
        (over, under)
    };
    let cost = |k: usize, above: usize, below: usize| {
        let (over, under) = pieces(k, above, below);
        rows.get(k).map_or(0, |(_, r, _)| row_cost(r, over, under))
    };
    let (counts, even) = share(&lens, top, cost);
    let mut names = Vec::new();
    for (k, ((_, r, _), (above, below))) in rows.iter().zip(counts).enumerate() {
        let (over, under) = pieces(k, above, below);
        let (line, name) = row_text(r, over, under);
        out.push(line);
        names.push(name);
    }
    let doubt = (!even).then(|| Doubt {
        no: None,
        name: names.into_iter().next().unwrap_or_default(),
        message: "a -layout summary table's wrapped lines share out around their rows in more than one way: which row some name or department lines belong to is a guess".to_string(),
    });
    Some((out, doubt))
}

/// A row on one line, and its name: its row line's cells with the pieces above and
/// below it.
fn row_text(r: &RowLine, above: &[&Between], under: &[&Between]) -> (String, String) {
    let mut name = String::new();
    let mut dept = String::new();
    let add = |pieces: &[&Between], name: &mut String, dept: &mut String| {
        for p in pieces {
            if let Between::Piece { name: n, dept: d } = p {
                name.push_str(n);
                dept.push_str(d);
            }
        }
    };
    add(above, &mut name, &mut dept);
    name.push_str(r.name.as_deref().unwrap_or(""));
    dept.push_str(r.department.as_deref().unwrap_or(""));
    add(under, &mut name, &mut dept);
    let line = [&r.marks, &r.no, &name, &r.cost, &r.new, &dept, &r.page]
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    (line, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(name: &str, dept: &str) -> Between {
        Between::Piece { name: name.to_string(), dept: dept.to_string() }
    }

    /// The share of `gaps` around rows of the given names, each row's department on
    /// its line.
    fn shared(gaps: &[Vec<&Between>], names: &[Option<&str>]) -> (Vec<(usize, usize)>, bool) {
        let rows: Vec<RowLine> = names
            .iter()
            .map(|n| RowLine {
                marks: String::new(),
                no: "1".into(),
                name: n.map(str::to_string),
                cost: "1".into(),
                new: String::new(),
                department: Some("課".into()),
                page: "1".into(),
            })
            .collect();
        let lens: Vec<usize> = gaps.iter().map(Vec::len).collect();
        share(&lens, false, |k, a, b| {
            let over = gaps.get(k).map_or(&[][..], |g| &g[g.len() - a..]);
            let under = gaps.get(k + 1).map_or(&[][..], |g| &g[..b]);
            rows.get(k).map_or(0, |r| row_cost(r, over, under))
        })
    }

    #[test]
    fn centred_bands_share_gaps_evenly() {
        let (a, b, c, d) = (piece("甲", ""), piece("乙", ""), piece("", "課"), piece("丙", ""));
        // Row 0: one line above, one below; row 1: two above, two below; row 2: none.
        let gaps = vec![vec![&a], vec![&b, &c, &d], vec![&a, &b], vec![]];
        assert_eq!(shared(&gaps, &[None, None, Some("丁")]), (vec![(1, 1), (2, 2), (0, 0)], true));
        // A line opening with a parenthesis is no row's first line: row 0 takes both
        // lines below it although it had one above.
        let note = piece("（再掲）", "");
        let gaps = vec![vec![&a], vec![&b, &note], vec![]];
        assert_eq!(shared(&gaps, &[None, Some("戊")]), (vec![(1, 2), (0, 0)], true));
        // A name left with its parenthesis open takes the line that closes it.
        let (open, close) = (piece("甲（乙", ""), piece("丙）", ""));
        let gaps = vec![vec![&open], vec![&close, &a], vec![]];
        assert_eq!(shared(&gaps, &[None, None]), (vec![(1, 1), (1, 0)], true));
        // Two lines between two rows with none above or below them: any split is as
        // uneven as the others — a doubt.
        let gaps = vec![vec![], vec![&a, &d], vec![]];
        assert!(!shared(&gaps, &[Some("甲"), Some("乙")]).1);
    }

    #[test]
    fn top_aligned_rows_take_the_lines_below_them() {
        assert_eq!(share(&[0, 2, 1], true, |_, _, _| 0), (vec![(0, 2), (0, 1)], true));
    }

    /// A layout line with each text at its character column.
    fn at(parts: &[(usize, &str)]) -> String {
        let mut l = String::new();
        for (x, t) in parts {
            while l.chars().count() < *x {
                l.push(' ');
            }
            l.push_str(t);
        }
        l
    }

    #[test]
    fn zones_follow_the_row_lines() {
        let row = at(&[(1, "1"), (6, "甲事業"), (30, "4,789"), (44, "甲課"), (58, "24")]);
        let (r, cols) = row_at(&row).unwrap_or_else(|| panic!("a row line"));
        assert_eq!((r.no.as_str(), r.name.as_deref(), r.cost.as_str()), ("1", Some("甲事業"), "4,789"));
        assert_eq!((cols.name, cols.cost, cols.dept, cols.page), (Some(6), (30, 35), Some(44), 58));
        let zones = Zones::new(&[&cols], &[]).unwrap_or_else(|| panic!("zones"));
        assert_eq!(zones.zone(6), Zone::Name);
        assert_eq!(zones.zone(44), Zone::Dept);
        assert_eq!(zones.zone(32), Zone::Other);
        assert_eq!(zones.zone(0), Zone::Other);
        assert_eq!(zones.zone(57), Zone::Other);
        assert_eq!(between(&at(&[(6, "乙事業の続き"), (44, "局）")]), &zones), piece("乙事業の続き", "局）"));
        assert_eq!(between(&at(&[(30, "（千円）")]), &zones), Between::Heading);
        assert_eq!(between(&at(&[(28, "22")]), &zones), Between::Heading);
        assert_eq!(between(&at(&[(6, "事業名"), (44, "担当課等")]), &zones), Between::Heading);
    }

    #[test]
    fn layout_table_rows_are_rebuilt() {
        let region = vec![
            at(&[(0, "No."), (12, "事業名"), (30, "R5事業費"), (44, "担当課等"), (56, "掲載頁")]),
            at(&[(6, "西北地域の未来を"), (44, "甲課（西北")]),
            at(&[(1, "1"), (30, "4,789"), (58, "24")]),
            at(&[(6, "つくる事業"), (44, "地域県民局）")]),
            at(&[(1, "2"), (6, "乙事業"), (33, "10"), (44, "乙課"), (58, "25")]),
        ];
        let (lines, doubt) = table(&region).unwrap_or_else(|| panic!("a table"));
        assert_eq!(
            lines,
            [
                "No. 事業名 R5事業費 担当課等 掲載頁",
                "1 西北地域の未来をつくる事業 4,789 甲課（西北地域県民局） 24",
                "2 乙事業 10 乙課 25"
            ]
        );
        assert!(doubt.is_none());
        // All at the top: the line below row 1 is its own.
        let region = vec![
            at(&[(1, "1"), (6, "西北地域の未来を"), (30, "4,789"), (44, "甲課（西北"), (58, "24")]),
            at(&[(6, "つくる事業"), (44, "地域県民局）")]),
            at(&[(1, "2"), (6, "乙事業"), (33, "10"), (44, "乙課"), (58, "25")]),
        ];
        let (lines, _) = table(&region).unwrap_or_else(|| panic!("a table"));
        assert_eq!(
            lines,
            ["1 西北地域の未来をつくる事業 4,789 甲課（西北地域県民局） 24", "2 乙事業 10 乙課 25"]
        );
    }
}
