//! The steps of [`super::metric_rows`]: a metrics table's header, its lines read into
//! item text and cells, notes in parentheses joined to their row, the lines of cells
//! only dealt to the rows around them, and each row printed as the grammar reads it.

use super::{paren_balance, paren_groups, runs, MetricLine};

/// Where a metrics table's columns are, from its header line (`項目名 ４年度 ５年度`).
pub(super) struct Header {
    pub ncols: usize,
    /// Each column label's centre (character columns; `-layout` only).
    centres: Vec<f64>,
    /// Where cells start: half a column's pitch left of the first label's centre.
    cell_from: f64,
}

/// Columns apart when a header has one label only (character columns).
const DEFAULT_PITCH: f64 = 10.0;

/// Character columns between the centres of two columns' cells at least: cells of one
/// column, centred or aligned, stand within a few columns of each other.
const MIN_COLUMN_GAP: f64 = 6.0;

impl Header {
    pub fn new(line: &str) -> Header {
        let labels: Vec<(usize, String)> = runs(line).into_iter().skip(1).collect();
        let ncols = line.split_whitespace().count().saturating_sub(1);
        let centres: Vec<f64> =
            labels.iter().map(|(x, t)| *x as f64 + t.chars().count() as f64 / 2.0).collect();
        let pitch = match (centres.first(), centres.get(1)) {
            (Some(a), Some(b)) => b - a,
            _ => DEFAULT_PITCH,
        };
        let cell_from = centres.first().map_or(f64::MAX, |c| c - pitch / 2.0);
        Header { ncols, centres, cell_from }
    }

    /// Column centres from the table's own cells where they stand apart from the labels'
    /// (`-layout` places a line's words by its own estimate of character widths, so a
    /// header of wide characters can stand columns left of the cells under it): the
    /// cells' runs split at the widest gaps between their centres, when each of those
    /// gaps is wide.
    pub fn fit(&mut self, table: &[String]) {
        if !self.positioned() || self.ncols < 2 {
            return;
        }
        let mut xs: Vec<f64> = table
            .iter()
            .flat_map(|l| runs(l))
            .filter(|(x, _)| !self.in_item(*x))
            .map(|(x, t)| x as f64 + t.chars().count() as f64 / 2.0)
            .collect();
        xs.sort_by(f64::total_cmp);
        let mut gaps: Vec<(f64, usize)> =
            xs.windows(2).enumerate().map(|(k, w)| (w[1] - w[0], k + 1)).collect();
        gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut cuts: Vec<usize> = gaps.iter().take(self.ncols - 1).map(|g| g.1).collect();
        if cuts.len() + 1 != self.ncols || gaps.get(self.ncols - 2).is_none_or(|g| g.0 < MIN_COLUMN_GAP) {
            return;
        }
        cuts.sort_unstable();
        let bounds: Vec<usize> = [0].into_iter().chain(cuts).chain([xs.len()]).collect();
        let centres: Vec<f64> = bounds
            .windows(2)
            .filter_map(|w| xs.get(w[0]..w[1]))
            .map(|g| g.iter().sum::<f64>() / g.len().max(1) as f64)
            .collect();
        if centres.len() == self.ncols {
            self.centres = centres;
        }
    }

    /// Whether the labels' positions tell the columns (one run per label).
    pub fn positioned(&self) -> bool {
        self.centres.len() == self.ncols && self.ncols > 0
    }

    /// The column whose label's centre is nearest `centre`.
    fn column(&self, centre: f64) -> Option<usize> {
        (0..self.ncols).min_by(|&a, &b| {
            let d = |k: usize| self.centres.get(k).map_or(f64::MAX, |c| (c - centre).abs());
            d(a).total_cmp(&d(b))
        })
    }

    /// A run of cell text starting at column `x` that reaches across the middle between
    /// two columns' centres, when two cells' lines stand one space apart (`R5 年 3 月
    /// 【R7.3 卒対`) → its pieces with their columns: cut at the space nearest each such
    /// middle (the later of two as near), never between a number and what follows it
    /// (`162,335 千円` is one cell wherever it stands).
    fn cut_across(&self, x: usize, t: &str) -> Vec<(usize, String)> {
        let chars: Vec<char> = t.chars().collect();
        let splittable = |k: usize| {
            chars.get(k).is_some_and(|c| c.is_whitespace())
                && k.checked_sub(1).and_then(|p| chars.get(p)).is_some_and(|c| !c.is_ascii_digit())
        };
        let mut cuts: Vec<usize> = self
            .centres
            .windows(2)
            .map(|w| (w[0] + w[1]) / 2.0)
            .filter(|&m| m > x as f64 && m < (x + chars.len()) as f64)
            .filter_map(|m| {
                (0..chars.len()).filter(|&k| splittable(k)).min_by(|&a, &b| {
                    let d = |k: usize| ((x + k) as f64 - m).abs();
                    d(a).total_cmp(&d(b)).then(b.cmp(&a))
                })
            })
            // Each side of the cut stands in a column of its own.
            .filter(|&k| {
                let centre = |from: usize, to: usize| (x as f64) + (from + to) as f64 / 2.0;
                self.column(centre(0, k)) < self.column(centre(k + 1, chars.len()))
            })
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut out = Vec::with_capacity(cuts.len() + 1);
        let mut from = 0;
        for k in cuts.into_iter().chain([chars.len()]) {
            let piece: String = chars.get(from..k).unwrap_or(&[]).iter().collect();
            if !piece.trim().is_empty() {
                let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
                out.push((x + from + lead, piece.trim().to_string()));
            }
            from = k;
        }
        out
    }

    /// Whether a run starting at character column `x` is in the item column.
    pub fn in_item(&self, x: usize) -> bool {
        (x as f64) < self.cell_from
    }
}

/// One table line read into its item text and cells: by position (each run in the
/// column whose label is nearest its centre; an item run may end with the first cells,
/// one space apart), or, without positions, the cells at the line's end.
pub(super) fn read_line(l: &str, h: &Header, positions: bool) -> MetricLine {
    if !(positions && h.positioned()) {
        let (item, cells) = crate::report::metrics::split_cells(l);
        return MetricLine { item, cells: cells.into_iter().map(|c| (None, c)).collect() };
    }
    let mut item = Vec::new();
    let mut cells = Vec::new();
    for (x, t, qualified) in qualifiers_to_cells(runs(l), h) {
        if h.in_item(x) && !qualified {
            let (it, cs) = crate::report::metrics::split_cells(&t);
            item.push(it);
            cells.extend(cs.into_iter().map(|c| (Some(0), c)));
        } else {
            for (at, part) in h.cut_across(x, &t) {
                // A joined qualifier's gap was kept for the cut; in the cell it is a space.
                let part =
                    if qualified { part.split_whitespace().collect::<Vec<_>>().join(" ") } else { part };
                for (dx, piece) in cell_pieces(&part) {
                    let centre = (at + dx) as f64 + piece.chars().count() as f64 / 2.0;
                    cells.push((h.column(centre), piece));
                }
            }
        }
    }
    MetricLine { item: item.concat(), cells }
}

/// A short word nearer the number after it than the item before it
/// (`カウンセリング回数          延べ  1,307回 …`: a writer that spaces a cell's
/// qualifier apart from its number) is the cell's, wherever the columns' bounds put it:
/// it is joined to the run after it. A
/// run is nearer the item when the gap before it (from the item's run, or from the
/// line's start) is no wider than the gap after it. Each run comes with whether it was so
/// joined (it is then a cell's, wherever it starts).
fn qualifiers_to_cells(runs: Vec<(usize, String)>, h: &Header) -> Vec<(usize, String, bool)> {
    let mut out: Vec<(usize, String, bool)> = Vec::with_capacity(runs.len());
    let mut pending: Option<(usize, String)> = None;
    let mut prev_end = 0;
    for (k, (x, t)) in runs.iter().enumerate() {
        let len = t.chars().count();
        if let Some((px, pt)) = pending.take() {
            // The gap kept as printed: cuts between columns go by character positions.
            let gap = " ".repeat(x.saturating_sub(px + pt.chars().count()).max(1));
            out.push((px, format!("{pt}{gap}{t}"), true));
            prev_end = x + len;
            continue;
        }
        let next = runs.get(k + 1).filter(|(nx, _)| !h.in_item(*nx));
        let word = !t.contains(|c: char| c.is_ascii_digit() || c.is_whitespace()) && len <= QUALIFIER_CHARS;
        let starts_number = next.is_some_and(|(_, nt)| nt.starts_with(|c: char| c.is_ascii_digit()));
        if let Some((nx, _)) = next.filter(|_| word && starts_number) {
            let (before, after) = (x.saturating_sub(prev_end), nx.saturating_sub(x + len));
            if after < before {
                pending = Some((*x, t.clone()));
                continue;
            }
        }
        out.push((*x, t.clone(), false));
        prev_end = x + len;
    }
    out.extend(pending.map(|(x, t)| (x, t, false)));
    out
}

/// The longest qualifier word before a cell's number (`延べ`, `合計`, `うち`): a few
/// characters, never an item's phrase.
const QUALIFIER_CHARS: usize = 3;

/// A run of cells one space apart (`17,408,049千 24,109,375千`, `円 円`: two columns'
/// pieces closer than `-layout`'s two spaces) → each piece with its character offset in
/// the run; any other run is one piece.
fn cell_pieces(t: &str) -> Vec<(usize, String)> {
    let (item, cells) = crate::report::metrics::split_cells(t);
    let pieces: Vec<String> = if item.is_empty() && cells.len() >= 2 {
        cells
    } else if t.split_whitespace().count() >= 2
        && t.split_whitespace().all(|p| p.starts_with('円') || paren_balance(p) < 0)
    {
        t.split_whitespace().map(str::to_string).collect()
    } else {
        return vec![(0, t.to_string())];
    };
    let mut out = Vec::with_capacity(pieces.len());
    let mut from = 0;
    for p in pieces {
        let Some(at) = t.get(from..).and_then(|rest| rest.find(p.as_str())).map(|b| from + b) else {
            return vec![(0, t.to_string())];
        };
        out.push((t.get(..at).map_or(0, |s| s.chars().count()), p.clone()));
        from = at + p.len();
    }
    out
}

/// An item line in parentheses right after a row's line goes on with its item (with
/// positions, also after lines of cells only: a note under a value is in its cell's
/// column, not the item's); without positions, a line of one parenthesised note a column
/// under a row of one value a column puts each note under its value. Joins made by a
/// guess name their row in `guesses`.
pub(super) fn merge_notes(
    lines: Vec<MetricLine>,
    positions: bool,
    ncols: usize,
    guesses: &mut Vec<String>,
) -> Vec<MetricLine> {
    let mut merged: Vec<MetricLine> = Vec::new();
    for mut l in lines {
        let groups = paren_groups(&l.item);
        if !positions && l.cells.is_empty() && groups.len() >= 2 && groups.len() == ncols {
            if let Some(p) = merged.last_mut().filter(|p| p.cells.len() == ncols) {
                guesses.push(p.item.clone());
                let cells = std::mem::take(&mut p.cells);
                p.cells = cells.into_iter().zip(groups).flat_map(|(c, g)| [c, (None, g)]).collect();
                continue;
            }
        }
        l.item = l.item.trim().to_string();
        let continues = l.cells.is_empty() && (l.item.starts_with('（') || l.item.starts_with('('));
        // Without positions, after cells only when it is one parenthesised group
        // (notes under values come one a column).
        let one_group = l.item.chars().filter(|c| matches!(c, '(' | '（')).count() == 1
            && (l.item.ends_with(')') || l.item.ends_with('）'));
        let target = if positions || one_group {
            merged.iter().rposition(|p| !p.item.is_empty())
        } else {
            merged.len().checked_sub(1).filter(|&k| merged.get(k).is_some_and(|m| !m.item.is_empty()))
        };
        match target {
            Some(k) if continues => {
                if !positions && k + 1 != merged.len() {
                    guesses.extend(merged.get(k).map(|m| m.item.clone()));
                }
                if let Some(m) = merged.get_mut(k) {
                    m.item.push('\n');
                    m.item.push_str(&l.item);
                }
            }
            _ => merged.push(l),
        }
    }
    merged
}

/// Whether row line `k` has no cell in column `col` (without positions: fewer cells than
/// columns).
fn lacks(lines: &[MetricLine], k: usize, col: Option<usize>, ncols: usize) -> bool {
    let Some(line) = lines.get(k) else { return false };
    match col {
        Some(c) => !line.cells.iter().any(|(cc, _)| *cc == Some(c)),
        None => line.cells.len() < ncols,
    }
}

/// The row (a line with an item) each line of cells only goes to: a run of such lines
/// between two rows goes to the one that lacks a cell (in the run's column, where
/// positions tell it), half and half when both do.
pub(super) fn line_owners(lines: &[MetricLine], ncols: usize) -> Vec<Option<usize>> {
    let rows: Vec<usize> = (0..lines.len()).filter(|&k| !lines[k].item.is_empty()).collect();
    let mut owner: Vec<Option<usize>> = vec![None; lines.len()];
    let mut k = 0;
    while k < lines.len() {
        if lines.get(k).is_some_and(|l| !l.item.is_empty()) {
            k += 1;
            continue;
        }
        let run_end = (k..lines.len()).find(|&m| !lines[m].item.is_empty()).unwrap_or(lines.len());
        let prev = rows.iter().rev().find(|&&r| r < k).copied();
        let next = rows.iter().find(|&&r| r >= run_end).copied();
        let run = run_end - k;
        let col = lines.get(k).and_then(|l| l.cells.first()).and_then(|(c, _)| *c);
        let to_prev = match (prev, next) {
            (Some(p), Some(n)) => match (lacks(lines, p, col, ncols), lacks(lines, n, col, ncols)) {
                (true, true) => run.div_ceil(2),
                (false, true) => 0,
                _ => run,
            },
            (Some(_), None) => run,
            _ => 0,
        };
        for (m, o) in owner.iter_mut().enumerate().take(run_end).skip(k) {
            *o = if m - k < to_prev { prev } else { next };
        }
        k = run_end;
    }
    owner
}

/// With positions each cell goes to the nearest row line (stacks are centred on their
/// row); at equal distance, to the row that lacks the cell's column, else a piece that
/// ends or annotates a value (`円`, `…)`, `(…)`) goes up. Without positions, each cell
/// goes with its line ([`line_owners`]).
pub(super) fn cell_owners(
    lines: &[MetricLine],
    owner: &[Option<usize>],
    positions: bool,
    ncols: usize,
) -> Vec<Vec<Option<usize>>> {
    let mut cell_owner: Vec<Vec<Option<usize>>> = lines.iter().map(|l| vec![None; l.cells.len()]).collect();
    if !positions {
        for (co, o) in cell_owner.iter_mut().zip(owner) {
            co.iter_mut().for_each(|c| *c = *o);
        }
        return cell_owner;
    }
    let rows: Vec<usize> = (0..lines.len()).filter(|&k| !lines[k].item.is_empty()).collect();
    for (k, l) in lines.iter().enumerate().filter(|(_, l)| l.item.is_empty()) {
        let prev = rows.iter().rev().find(|&&r| r < k).copied();
        let next = rows.iter().find(|&&r| r > k).copied();
        for (j, (col, c)) in l.cells.iter().enumerate() {
            // Pieces that end or annotate a value above them.
            let tail =
                c.starts_with('円') || paren_balance(c) < 0 || c.starts_with('(') || c.starts_with('（');
            let to = match (prev, next) {
                (Some(p), Some(n)) if k - p == n - k => {
                    match (lacks(lines, p, *col, ncols), lacks(lines, n, *col, ncols)) {
                        (true, false) => Some(p),
                        (false, true) => Some(n),
                        _ if tail => Some(p),
                        _ => Some(n),
                    }
                }
                (Some(p), Some(n)) => Some(if k - p < n - k { p } else { n }),
                (p, n) => p.or(n),
            };
            if let Some(slot) = cell_owner.get_mut(k).and_then(|o| o.get_mut(j)) {
                *slot = to;
            }
        }
    }
    cell_owner
}

/// Each row printed as its item lines followed by its cells in column order, one a line,
/// a cell cut inside a money unit or parentheses joined again; a line of cells that no
/// row took stays as it is. Without positions, a row that took cells from lines around
/// it is named in `guesses`.
pub(super) fn emit(
    lines: &[MetricLine],
    cell_owner: &[Vec<Option<usize>>],
    positions: bool,
    guesses: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    for (k, line) in lines.iter().enumerate() {
        let owners = cell_owner.get(k).map_or(&[][..], Vec::as_slice);
        if line.item.is_empty() {
            if owners.iter().all(Option::is_none) {
                out.push(line.cells.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>().join(" "));
            }
            continue;
        }
        out.push(line.item.clone());
        if !positions && cell_owner.iter().enumerate().any(|(m, o)| m != k && o.contains(&Some(k))) {
            guesses.push(line.item.clone());
        }
        let mut cells: Vec<(Option<usize>, String)> = Vec::new();
        for (m, other) in lines.iter().enumerate() {
            for (j, (col, c)) in other.cells.iter().enumerate() {
                let owned = cell_owner.get(m).and_then(|o| o.get(j)).copied().flatten() == Some(k);
                if m == k || owned {
                    join_or_push(&mut cells, *col, c);
                }
            }
        }
        cells.sort_by_key(|(col, _)| col.unwrap_or(0));
        out.extend(cells.into_iter().map(|(_, c)| c));
    }
}

/// A cell cut inside a money unit or parentheses is joined to its start in its column.
fn join_or_push(cells: &mut Vec<(Option<usize>, String)>, col: Option<usize>, c: &str) {
    let joins = cells.iter().rposition(|(cc, _)| *cc == col).filter(|&at| {
        cells.get(at).is_some_and(|(_, p)| {
            let p = p.trim_end();
            (c.starts_with('円') && (p.ends_with('千') || p.ends_with("百万") || p.ends_with('億')))
                || (paren_balance(p) > 0 && paren_balance(c) < 0)
        })
    });
    match (joins, col) {
        (Some(at), Some(_)) => {
            if let Some((_, p)) = cells.get_mut(at) {
                p.push_str(c);
            }
        }
        _ => cells.push((col, c.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_cells_one_space_apart_are_cut() {
        assert_eq!(
            cell_pieces("17,408,049 千 24,109,375 千"),
            [(0, "17,408,049 千".to_string()), (13, "24,109,375 千".to_string())]
        );
        assert_eq!(cell_pieces("円  円").len(), 2);
        assert_eq!(cell_pieces("延べ 157名"), [(0, "延べ 157名".to_string())]);
        assert_eq!(cell_pieces("仙台・盛岡・ 青森"), [(0, "仙台・盛岡・ 青森".to_string())]);
    }

    #[test]
    fn a_qualifier_nearer_its_cell_than_the_item_goes_with_the_cell() {
        let h =
            Header::new("                             項目名                          ４年度      ５年度");
        let l = "        カウンセリング回数                                      延べ  1,307回 延べ 1,203回";
        let read = read_line(l, &h, true);
        assert_eq!(read.item, "カウンセリング回数");
        assert_eq!(
            read.cells.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(),
            ["延べ 1,307回", "延べ 1,203回"]
        );
        // On a line of cells only, too; a word near the item stays the item's.
        let l = "                                                        延べ  157名   延べ 85名";
        assert_eq!(read_line(l, &h, true).item, "");
        let l = "        相談件数 延べ                                    221件     300件";
        assert_eq!(read_line(l, &h, true).item, "相談件数 延べ");
    }

    #[test]
    fn a_run_across_two_columns_is_cut_between_them() {
        let h = Header::new("項目名          ４年度       ５年度");
        // Centres 14.5 and 24.5: the middle at 19.5.
        let cut = |x: usize, t: &str| h.cut_across(x, t).into_iter().map(|(_, p)| p).collect::<Vec<_>>();
        assert_eq!(cut(12, "R5 年 3 月 【R7.3 卒対"), ["R5 年 3 月", "【R7.3 卒対"]);
        assert_eq!(cut(12, "延べ 54 名、 延べ 11 名）"), ["延べ 54 名、", "延べ 11 名）"]);
        // A number and its unit are one cell; a run short of the middle is one piece.
        assert_eq!(cut(14, "162,335 千円"), ["162,335 千円"]);
        assert_eq!(cut(10, "延べ 54 名"), ["延べ 54 名"]);
        // A run of the right column's that starts just left of the middle stays whole.
        assert_eq!(cut(19, "（3 月：3 日間延べ 11"), ["（3 月：3 日間延べ 11"]);
    }

    #[test]
    fn columns_fit_the_cells_when_the_header_stands_apart() {
        // The labels stand left of the cells (a header of wide characters).
        let mut h = Header::new("項目名                        ４年度                     ５年度");
        let table: Vec<String> = [
            "融資件数・融資額                            651件                     668件",
            "                                    6,897,486千円              6,548,579千円",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            read_line(&table[1], &h, true).cells.iter().map(|c| c.0).collect::<Vec<_>>(),
            [Some(1), Some(1)]
        );
        h.fit(&table);
        assert_eq!(
            read_line(&table[1], &h, true).cells.iter().map(|c| c.0).collect::<Vec<_>>(),
            [Some(0), Some(1)]
        );
        assert_eq!(
            read_line(&table[0], &h, true).cells.iter().map(|c| c.0).collect::<Vec<_>>(),
            [Some(0), Some(1)]
        );
        // Cells of one column only: no gap wide enough, the labels are kept.
        let mut h = Header::new("項目名      ４年度      ５年度");
        let before = h.centres.clone();
        h.fit(&["甲                 1件".to_string(), "乙                  2件".to_string()]);
        assert_eq!(h.centres, before);
    }
}
