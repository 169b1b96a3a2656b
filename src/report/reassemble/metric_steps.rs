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
/// it is named in `guesses`; with positions, in a table whose stacks are centred on
/// their rows (`centred`: not folded from rows at the top of their bands), a note goes
/// with its value ([`notes_follow_values`]) and a row whose cells do not stack as a
/// row's cells do ([`stack_doubt`]) is named.
pub(super) fn emit(
    lines: &[MetricLine],
    cell_owner: &[Vec<Option<usize>>],
    positions: bool,
    centred: bool,
    guesses: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    // Rows with no cell at all: the head or the tail of an item printed on two lines,
    // the cells centred between them.
    let bare: Vec<bool> = (0..lines.len())
        .map(|k| {
            lines.get(k).is_some_and(|l| !l.item.is_empty() && l.cells.is_empty())
                && !cell_owner.iter().any(|o| o.contains(&Some(k)))
        })
        .collect();
    let wraps = |k: usize| {
        let (prev, next) = neighbour_rows(lines, k);
        [prev, next].into_iter().flatten().any(|m| bare.get(m).copied().unwrap_or(false))
    };
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
        // The row's pieces in line order, each with the line it stands on.
        let mut placed: Vec<Placed> = Vec::new();
        for (m, other) in lines.iter().enumerate() {
            for (j, (col, c)) in other.cells.iter().enumerate() {
                let owned = cell_owner.get(m).and_then(|o| o.get(j)).copied().flatten() == Some(k);
                if m == k || owned {
                    placed.push(Placed { line: m, col: *col, text: c.clone() });
                }
            }
        }
        if positions && centred {
            notes_follow_values(&mut placed, k);
            if stack_doubt(&placed, k, !line.item.contains('\n') && !wraps(k)) {
                guesses.push(whole_item(lines, &bare, k));
            }
        }
        let mut cells: Vec<(Option<usize>, String)> = Vec::new();
        for p in &placed {
            join_or_push(&mut cells, p.col, &p.text, positions);
        }
        cells.sort_by_key(|(col, _)| col.unwrap_or(0));
        out.extend(cells.into_iter().map(|(_, c)| c));
    }
}

/// The item lines before and after line `k`.
fn neighbour_rows(lines: &[MetricLine], k: usize) -> (Option<usize>, Option<usize>) {
    let prev = (0..k).rev().find(|&m| lines.get(m).is_some_and(|l| !l.item.is_empty()));
    let next = (k + 1..lines.len()).find(|&m| lines.get(m).is_some_and(|l| !l.item.is_empty()));
    (prev, next)
}

/// Row `k`'s item as the grammar will read it: with the head or tail of a wrapped item
/// printed apart beside it (a row with no cell, `bare`), so that a doubt names the whole
/// item.
fn whole_item(lines: &[MetricLine], bare: &[bool], k: usize) -> String {
    let (prev, next) = neighbour_rows(lines, k);
    let part = |m: Option<usize>| {
        m.filter(|&m| bare.get(m).copied().unwrap_or(false))
            .and_then(|m| lines.get(m))
            .map_or("", |l| l.item.as_str())
    };
    let item = lines.get(k).map_or("", |l| l.item.as_str());
    format!("{}{item}{}", part(prev), part(next))
}

/// The rows of a table read by position with a line holding two pieces in one column
/// (`1,000名                255名`, both nearest one label) and more cells on other
/// lines: a line's runs apart by a wide gap are two cells, so the columns' positions are
/// misjudged, and the other lines' cells (`(8月～10月)  (8月～10月)`) cannot be told to
/// one column or the other. (Alone on its line, such a pair still reads left to right.)
/// A row here is an item line with the lines of cells only after it.
pub(super) fn shared_columns(lines: &[MetricLine]) -> Vec<String> {
    let shared = |l: &MetricLine| {
        let mut cols: Vec<usize> = l.cells.iter().filter_map(|(c, _)| *c).collect();
        let n = cols.len();
        cols.sort_unstable();
        cols.dedup();
        cols.len() < n
    };
    let mut out: Vec<String> = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let Some(row) = lines.get(k).filter(|l| !l.item.trim().is_empty()) else {
            k += 1;
            continue;
        };
        let end = (k + 1..lines.len()).find(|&m| lines.get(m).is_some_and(|l| !l.item.trim().is_empty()));
        let group = lines.get(k..end.unwrap_or(lines.len())).unwrap_or(&[]);
        let with_cells = group.iter().filter(|l| !l.cells.is_empty()).count();
        if with_cells > 1 && group.iter().any(shared) {
            out.push(row.item.trim().to_string());
        }
        k = end.unwrap_or(lines.len());
    }
    out
}

/// One piece of a row's cells: the table line it stands on, its column, its text.
struct Placed {
    line: usize,
    col: Option<usize>,
    text: String,
}

/// A piece that annotates or ends a value before it: a note in parentheses (`(R4.6)`),
/// the close of one (`4.6)`), or a money unit's tail (`円`). No cell starts so.
pub(super) fn is_note(t: &str) -> bool {
    t.starts_with(['(', '（', '円']) || paren_balance(t) < 0
}

/// A note alone on its line of cells only goes with the value nearest above it among
/// the row's pieces (a note follows its value; it is printed right under it when the
/// value's column is too narrow for both), whatever column its position is nearest:
/// a writer that wraps `8,603千円(R4.6)` sets the note where its line's text ends, which
/// can be under the next column. At equal distance, its own column's value is kept. A
/// tail that completes a piece (`円` after `千`, `4.6)` after `(R`) goes with the nearest
/// piece above that it completes, when there is one.
fn notes_follow_values(placed: &mut [Placed], row: usize) {
    for i in 0..placed.len() {
        let Some(p) = placed.get(i) else { continue };
        let line = p.line;
        let alone = placed.iter().filter(|q| q.line == line).count() == 1;
        if line == row || !alone || !is_note(&p.text) {
            continue;
        }
        let nearest = |ok: &dyn Fn(&Placed) -> bool| {
            placed
                .iter()
                .take(i)
                .filter(|q| q.line < line && ok(q))
                .max_by_key(|q| (q.line, q.col == p.col))
                .map(|q| q.col)
        };
        let completed = nearest(&|q: &Placed| completes(&q.text, &p.text));
        let col = completed.or_else(|| nearest(&|q: &Placed| !is_note(&q.text)));
        if let (Some(col), Some(p)) = (col, placed.get_mut(i)) {
            p.col = col;
        }
    }
}

/// Whether `tail` ends the cell text `head` was cut from: a money unit's `円` after its
/// `千`, `百万` or `億`, or a parenthesis's close after its open.
fn completes(head: &str, tail: &str) -> bool {
    let head = head.trim_end();
    (tail.starts_with('円') && (head.ends_with('千') || head.ends_with("百万") || head.ends_with('億')))
        || (paren_balance(head) > 0 && paren_balance(tail) < 0)
}

/// Whether a row's pieces, placed, do not stack as cells centred on their row do: a
/// column's stack that starts with a note (no value before it: the note is in the wrong
/// column or row), two pieces of the row's own line in one column (its runs are apart,
/// so they are two cells: the columns are misjudged), or a stack not centred on the
/// row's line (as many lines above as below it when the row's line holds none of it, at
/// most one more on a side when it does). A row whose item was two lines (a note under
/// it joined, or a row with no cell next to it: the item's head or tail; `one_line`
/// false) has its stacks centred between them: one line more on a side is then always
/// allowed.
fn stack_doubt(placed: &[Placed], row: usize, one_line: bool) -> bool {
    let mut cols: Vec<Option<usize>> = placed.iter().map(|p| p.col).collect();
    cols.dedup();
    cols.sort_unstable();
    cols.dedup();
    cols.into_iter().any(|col| {
        let stack: Vec<&Placed> = placed.iter().filter(|p| p.col == col).collect();
        let (mut above, mut on, mut below) = (0usize, 0usize, 0usize);
        for p in &stack {
            match p.line.cmp(&row) {
                std::cmp::Ordering::Less => above += 1,
                std::cmp::Ordering::Equal => on += 1,
                std::cmp::Ordering::Greater => below += 1,
            }
        }
        let starts_with_note = stack.first().is_some_and(|p| is_note(&p.text));
        let centred = if on == 0 && one_line { above == below } else { above.abs_diff(below) <= 1 };
        starts_with_note || on > 1 || !centred
    })
}

/// Whether a piece ends with a quantity (`6件`, `8,603千円`, `4者(R4.6)`): a number
/// with at most a short unit after it, or a closed note.
fn ends_value(p: &str) -> bool {
    let p = p.trim_end();
    if p.ends_with([')', '）']) {
        return true;
    }
    let after: Vec<char> = p.chars().rev().take_while(|c| !c.is_ascii_digit()).collect();
    after.len() < p.chars().count() && after.iter().filter(|c| !c.is_whitespace()).count() <= UNIT_CHARS
}

/// The longest unit after a number (`千円`, `法人`, `百万円`).
const UNIT_CHARS: usize = 3;

/// A cell cut inside a money unit or parentheses is joined to its start in its column.
/// With positions, so is a bare number after a piece of its column that does not end a
/// value (`（3月：3日間延べ` / `54` / `名、`: a wide gap before the number cut the line
/// into runs); a number alone on a line would otherwise read as a page's footer.
fn join_or_push(cells: &mut Vec<(Option<usize>, String)>, col: Option<usize>, c: &str, positions: bool) {
    let bare = !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit() || ch == ',');
    let joins = cells.iter().rposition(|(cc, _)| *cc == col).filter(|&at| {
        cells.get(at).is_some_and(|(_, p)| {
            let p = p.trim_end();
            completes(p, c) || (positions && bare && !ends_value(p))
        })
    });
    match (joins, col) {
        (Some(at), Some(_)) => {
            if let Some((_, p)) = cells.get_mut(at) {
                if bare {
                    p.push(' ');
                }
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
    fn ml(item: &str, cells: &[(usize, &str)]) -> MetricLine {
        MetricLine {
            item: item.to_string(),
            cells: cells.iter().map(|(c, t)| (Some(*c), t.to_string())).collect(),
        }
    }

    fn emitted(lines: &[MetricLine]) -> (Vec<String>, Vec<String>) {
        let owner = line_owners(lines, 2);
        let cell_owner = cell_owners(lines, &owner, true, 2);
        let (mut guesses, mut out) = (Vec::new(), Vec::new());
        emit(lines, &cell_owner, true, true, &mut guesses, &mut out);
        (out, guesses)
    }

    #[test]
    fn a_lone_note_goes_with_the_value_nearest_above_it() {
        // `8,603千円(R4.6)` / `8,837千円(R4.11)` in the first column, each note set where
        // its line's text ended, under the second column.
        let lines = vec![
            ml("", &[(0, "8,603千円")]),
            ml("", &[(1, "(R4.6)")]),
            ml("補助金", &[(1, "8,603千円")]),
            ml("", &[(0, "8,837千円")]),
            ml("", &[(1, "(R4.11)")]),
        ];
        let (out, guesses) = emitted(&lines);
        assert_eq!(out, ["補助金", "8,603千円", "(R4.6)", "8,837千円", "(R4.11)", "8,603千円"]);
        assert!(guesses.is_empty());
        // A note under its own column's value, beside another column's: kept.
        let lines = vec![ml("申込者数", &[(0, "1,000名"), (1, "255名")]), ml("", &[(1, "(8月～10月)")])];
        let (out, _) = emitted(&lines);
        assert_eq!(out, ["申込者数", "1,000名", "255名", "(8月～10月)"]);
    }

    #[test]
    fn a_tail_goes_with_the_piece_it_completes() {
        let lines = [
            ml("融資件数・融資額", &[(0, "142件"), (1, "60件")]),
            ml("", &[(0, "1,615,900千")]),
            ml("", &[(1, "895,500千円")]),
            ml("", &[(0, "円")]),
        ];
        let mut placed: Vec<Placed> = lines
            .iter()
            .enumerate()
            .flat_map(|(m, l)| l.cells.iter().map(move |(c, t)| Placed { line: m, col: *c, text: t.clone() }))
            .collect();
        notes_follow_values(&mut placed, 0);
        assert_eq!(placed.last().map(|p| p.col), Some(Some(0)));
    }

    #[test]
    fn stacks_not_centred_on_their_row_are_doubted() {
        let p = |line: usize, col: usize, text: &str| Placed { line, col: Some(col), text: text.to_string() };
        // Centred: one above, the row's own, one below; two around an empty row line.
        assert!(!stack_doubt(&[p(0, 0, "4者(R4.6)"), p(1, 0, "4者"), p(2, 0, "4者(R4.11)")], 1, true));
        assert!(!stack_doubt(&[p(0, 1, "6件"), p(2, 1, "8名")], 1, true));
        // One piece below a row line that holds none of its column.
        assert!(stack_doubt(&[p(1, 1, "4者"), p(2, 0, "4者(R4.11)")], 1, true));
        // ... allowed when the item is printed on two lines around it.
        assert!(!stack_doubt(&[p(2, 0, "6回")], 1, false));
        // A column's stack that starts with a note.
        assert!(stack_doubt(&[p(0, 1, "(R4.6)"), p(1, 1, "8,603千円"), p(2, 1, "(R4.11)")], 1, true));
        // Two pieces of the row's own line in one column.
        assert!(stack_doubt(&[p(1, 0, "1,000名"), p(1, 0, "255名")], 1, true));
    }

    #[test]
    fn a_doubt_names_the_whole_wrapped_item() {
        let lines = vec![
            ml("脱炭素化関連設備導入支援事業費補助金交付決", &[]),
            ml("", &[(0, "―"), (1, "10件")]),
            ml("定件数", &[]),
        ];
        let bare = [true, false, false];
        assert_eq!(whole_item(&lines, &bare, 2), "脱炭素化関連設備導入支援事業費補助金交付決定件数");
    }

    #[test]
    fn a_bare_number_cut_from_its_line_joins_the_piece_before_it() {
        let mut cells = Vec::new();
        for c in ["（3月：3日間延べ", "54", "名、"] {
            join_or_push(&mut cells, Some(0), c, true);
        }
        assert_eq!(
            cells.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(),
            ["（3月：3日間延べ 54", "名、"]
        );
        // After a value, or without positions, a number stays a cell of its own.
        let mut cells = Vec::new();
        for c in ["6件", "8"] {
            join_or_push(&mut cells, Some(0), c, true);
        }
        assert_eq!(cells.len(), 2);
        let mut cells = Vec::new();
        for c in ["延べ", "54"] {
            join_or_push(&mut cells, Some(0), c, false);
        }
        assert_eq!(cells.len(), 2);
    }

    #[test]
    fn two_cells_in_one_column_beside_stacked_lines_are_doubted() {
        let lines = vec![
            ml("申込者数", &[(0, "1,000名"), (0, "255名")]),
            ml("", &[(0, "(8月～10月)"), (0, "(8月～10月)")]),
            ml("面談件数", &[(1, "277件"), (1, "325件")]),
        ];
        assert_eq!(shared_columns(&lines), ["申込者数"]);
    }
}
