//! Metrics tables of a dump without positions (pdfplumber) whose cells are stacks
//! centred on their rows, rebuilt from the order of their lines alone ([`stacked_rows`]).
//!
//! pdfplumber sorts a page's words by their baseline: a cell wrapped over `s` lines sits
//! around its row's centre, and stacks of different columns meeting at one height share
//! a dump line. Which column a piece of such a line is in follows from the stacks'
//! heights; a row's lines therefore read the same from both ends, and a table is split
//! into rows so that every row reads so.

use std::collections::HashMap;

use super::{paren_balance, paren_groups, MetricLine};

/// Lines a stacked metrics table can be split into at most, per row: a row's item and
/// cells rarely wrap over more than a few lines each.
const MAX_ROW_LINES: usize = 12;

/// Combinations of two-way line readings a block is tried with at most: each such line
/// doubles them, and a row has at most a few (four lines: 16); past that the block is
/// not read as stacks, which bounds the work on a hostile dump.
const MAX_BLOCK_CHOICES: usize = 16;

/// One metrics row read by [`stacked_rows`]: its item's lines, each column's cell pieces
/// (a piece cut inside a money unit or parentheses joined again), and whether another
/// reading of its lines was as good.
pub(super) struct StackedRow {
    pub(super) item: Vec<String>,
    pub(super) cells: Vec<Vec<String>>,
    pub(super) uncertain: bool,
}

/// What a line of a stacked table shows of its levels: whether it holds item text, and
/// how many cell pieces.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Shape {
    item: bool,
    cells: usize,
}

/// The lines a row prints when its item has `item` lines and column `c` has `stacks[c]`
/// lines, each stack centred on the row: pdfplumber sorts words by their baseline, so a
/// stack of `s` lines sits at half-line levels `-(s-1), -(s-3), …, s-1` around the row's
/// centre, and stacks meeting at one level share a dump line (columns left to right).
fn stacked_shapes(item: usize, stacks: &[usize]) -> Vec<(bool, Vec<usize>)> {
    let at = |s: usize, l: i64| {
        let top = s as i64 - 1;
        s > 0 && l.abs() <= top && (top - l).rem_euclid(2) == 0
    };
    let reach = stacks.iter().copied().chain([item]).max().unwrap_or(0) as i64;
    (-reach..=reach)
        .map(|l| (at(item, l), (0..stacks.len()).filter(|&c| at(stacks[c], l)).collect::<Vec<_>>()))
        .filter(|(i, cs)| *i || !cs.is_empty())
        .collect()
}

/// Every way to share `n` pieces among `k` columns (a column may be empty).
fn shares(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return if n == 0 { vec![Vec::new()] } else { Vec::new() };
    }
    (0..=n)
        .rev()
        .flat_map(|first| {
            shares(n - first, k - 1).into_iter().map(move |mut rest| {
                rest.insert(0, first);
                rest
            })
        })
        .collect()
}

/// The column of each cell piece of `block` under every stack reading that prints
/// exactly these lines; tallest earlier columns first.
fn block_readings(block: &[MetricLine], ncols: usize) -> Vec<Vec<Vec<usize>>> {
    let shapes: Vec<Shape> =
        block.iter().map(|l| Shape { item: !l.item.is_empty(), cells: l.cells.len() }).collect();
    let items = shapes.iter().filter(|s| s.item).count();
    // Stacks are centred on one row: what a row prints reads the same from both ends.
    // An item wrapped over lines has its cells beside one of them at most (two item
    // lines with cells each are two rows).
    let items_with_cells = shapes.iter().filter(|s| s.item && s.cells > 0).count();
    if items == 0 || items_with_cells > 1 || !shapes.iter().eq(shapes.iter().rev()) {
        return Vec::new();
    }
    let total: usize = shapes.iter().map(|s| s.cells).sum();
    let mut readings: Vec<Vec<Vec<usize>>> = Vec::new();
    for stacks in shares(total, ncols) {
        let predicted = stacked_shapes(items, &stacks);
        let fits = predicted.len() == shapes.len()
            && predicted.iter().zip(&shapes).all(|((i, cs), s)| *i == s.item && cs.len() == s.cells);
        if fits {
            let columns: Vec<Vec<usize>> = predicted.into_iter().map(|(_, cs)| cs).collect();
            if !readings.contains(&columns) {
                readings.push(columns);
            }
        }
    }
    readings
}

/// [`block_readings`] of every choice of reading for the block's lines that can be read
/// two ways; a row holds one cell at least. Readings that put a lone dash in an earlier
/// column come first (a year before a project's activity is the usual empty one), then
/// those with taller earlier columns.
fn choice_readings(choices: &[Vec<MetricLine>], ncols: usize) -> Vec<(Vec<MetricLine>, Vec<Vec<usize>>)> {
    let mut blocks: Vec<Vec<&MetricLine>> = vec![Vec::new()];
    for c in choices {
        blocks = blocks
            .into_iter()
            .flat_map(|b| {
                c.iter().map(move |l| {
                    let mut b = b.clone();
                    b.push(l);
                    b
                })
            })
            .collect();
        if blocks.len() > MAX_BLOCK_CHOICES {
            return Vec::new();
        }
    }
    let mut out: Vec<(Vec<MetricLine>, Vec<Vec<usize>>)> = Vec::new();
    for b in blocks {
        let block: Vec<MetricLine> =
            b.into_iter().map(|l| MetricLine { item: l.item.clone(), cells: l.cells.clone() }).collect();
        if block.iter().all(|l| l.cells.is_empty()) {
            continue;
        }
        for r in block_readings(&block, ncols) {
            out.push((MetricLine::copy_all(&block), r));
        }
    }
    let dash_at = |(block, cols): &(Vec<MetricLine>, Vec<Vec<usize>>)| {
        block
            .iter()
            .zip(cols)
            .flat_map(|(l, cs)| l.cells.iter().zip(cs))
            .filter(|((_, t), _)| t.chars().count() == 1 && t.chars().all(crate::normalize::is_dash))
            .map(|(_, &c)| c)
            .min()
            .unwrap_or(usize::MAX)
    };
    // Line spacing is even: the reading with the lowest stacks leaves no level empty
    // that a taller one would need, so it comes first.
    // A reading that leaves a cell cut open is wrong whatever else it does; of the
    // others, line spacing is even: the lowest stacks leave no level empty that a taller
    // reading would need.
    out.sort_by_key(|r| (rank(&r.0, &r.1), dash_at(r)));
    out
}

/// Each column's pieces under a reading, a cell cut inside a money unit or its
/// parentheses joined again.
fn column_pieces(block: &[MetricLine], columns: &[Vec<usize>], ncols: usize) -> Vec<Vec<String>> {
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); ncols];
    for (line, cols) in block.iter().zip(columns) {
        for ((_, piece), &c) in line.cells.iter().zip(cols) {
            let Some(column) = cells.get_mut(c) else { continue };
            let joins = column.last().is_some_and(|p: &String| {
                let p = p.trim_end();
                (piece.starts_with('円') && money_cut(p))
                    || (paren_balance(p) > 0 && paren_balance(piece) < 0)
            });
            match column.last_mut() {
                Some(p) if joins => p.push_str(piece.trim()),
                _ => column.push(piece.trim().to_string()),
            }
        }
    }
    cells
}

/// An amount whose unit was cut after its first character (`6,897,486千` / `円`).
pub(super) fn money_cut(s: &str) -> bool {
    s.ends_with('千') || s.ends_with("百万") || s.ends_with('億')
}

/// Cell pieces left cut open: unbalanced parentheses, a money unit cut from its amount,
/// or a note in parentheses at the top of its cell (a note is printed under its value).
fn cut_open(cells: &[Vec<String>]) -> usize {
    let cut = cells.iter().flatten().filter(|p| paren_balance(p) != 0 || p.starts_with('円') || money_cut(p));
    let orphan_notes = cells.iter().filter_map(|c| c.first()).filter(|p| !paren_groups(p).is_empty());
    cut.count() + orphan_notes.count()
}

/// How well a reading of a block's lines fits (lower is better): cells left cut open,
/// then the tallest stack.
fn rank(block: &[MetricLine], columns: &[Vec<usize>]) -> (usize, usize) {
    let ncols = columns.iter().flatten().max().map_or(0, |c| c + 1);
    (cut_open(&column_pieces(block, columns, ncols)), reach(columns))
}

/// The tallest stack of a reading (cell pieces a column holds at most).
fn reach(columns: &[Vec<usize>]) -> usize {
    let mut count: Vec<usize> = Vec::new();
    for &c in columns.iter().flatten() {
        if count.len() <= c {
            count.resize(c + 1, 0);
        }
        if let Some(n) = count.get_mut(c) {
            *n += 1;
        }
    }
    count.into_iter().max().unwrap_or(0)
}

/// The ways each line can be read: a piece of a cell cut inside its parentheses
/// (`8,603千円(R` / `4.6)`) or a money unit cut from its amount (`円 円`) is cells, not
/// item text; a line of notes in parentheses may be either: the notes under values or
/// the item's second line (two choices).
fn line_choices(lines: &[MetricLine], ncols: usize) -> Vec<Vec<MetricLine>> {
    lines.iter().map(|l| line_choice(l, ncols)).collect()
}

fn line_choice(l: &MetricLine, ncols: usize) -> Vec<MetricLine> {
    let unit = |t: &str| !t.is_empty() && t.chars().all(|c| matches!(c, '千' | '百' | '万' | '億' | '円'));
    let whole = if l.cells.is_empty() {
        l.item.trim().to_string()
    } else {
        let cells: Vec<&str> = l.cells.iter().map(|(_, c)| c.as_str()).collect();
        format!("{} {}", l.item.trim(), cells.join(" ")).trim().to_string()
    };
    let groups = paren_groups(&whole);
    let as_is = MetricLine { item: l.item.trim().to_string(), cells: l.cells.clone() };
    if !groups.is_empty() && groups.len() <= ncols {
        let as_cells =
            MetricLine { item: String::new(), cells: groups.into_iter().map(|g| (None, g)).collect() };
        let as_item = MetricLine { item: whole, cells: Vec::new() };
        return vec![as_cells, as_item];
    }
    if !l.cells.is_empty() || l.item.is_empty() {
        return vec![as_is];
    }
    let t = l.item.trim();
    let digit_first = t.starts_with(|c: char| c.is_ascii_digit());
    if t.split_whitespace().all(unit) {
        let cells = t.split_whitespace().map(|c| (None, c.to_string())).collect();
        vec![MetricLine { item: String::new(), cells }]
    } else if digit_first && paren_balance(t) != 0 {
        vec![MetricLine { item: String::new(), cells: vec![(None, t.to_string())] }]
    } else {
        vec![as_is]
    }
}

/// Whether a table shows its stacks centred: a line of cells before the first item, or
/// an item line short of cells beside a line of cells only (a writer that aligns cells
/// at the top prints each row's first pieces on its item line).
fn shows_centred(choices: &[Vec<MetricLine>], ncols: usize) -> bool {
    let cells_only = |k: usize| choices.get(k).is_some_and(|c| c.iter().all(|l| l.item.is_empty()));
    let short_item = |k: usize| {
        choices.get(k).is_some_and(|c| c.iter().all(|l| !l.item.is_empty() && l.cells.len() < ncols))
    };
    cells_only(0)
        || (0..choices.len()).any(|k| short_item(k) && ((k > 0 && cells_only(k - 1)) || cells_only(k + 1)))
}

type Readings = Vec<(Vec<MetricLine>, Vec<Vec<usize>>)>;

/// How a table's lines split into rows that each read as centred stacks: each row's
/// readings (best first), and whether another split gives as many rows.
struct Splits {
    rows: Vec<Readings>,
    tied: bool,
}

/// The split into the most rows (an item wrapped over lines only where nothing else
/// fits), by dynamic programming over where each row ends; `None` when no split
/// accounts for every line.
fn best_split(choices: &[Vec<MetricLine>], ncols: usize) -> Option<Splits> {
    let n = choices.len();
    // best[j]: the most rows lines[..j] split into, where the last row starts, whether
    // another split gives as many.
    let mut best: Vec<Option<(usize, usize, bool)>> = vec![None; n + 1];
    *best.first_mut()? = Some((0, 0, false));
    let mut readings: HashMap<(usize, usize), Readings> = HashMap::new();
    for j in 1..=n {
        for i in j.saturating_sub(MAX_ROW_LINES)..j {
            let Some((rows, _, tied)) = *best.get(i)? else { continue };
            let found = choice_readings(choices.get(i..j)?, ncols);
            if found.is_empty() {
                continue;
            }
            readings.insert((i, j), found);
            let slot = best.get_mut(j)?;
            *slot = match *slot {
                Some((r, at, t)) if r > rows + 1 => Some((r, at, t)),
                Some((r, at, _)) if r == rows + 1 => Some((r, at, true)),
                _ => Some((rows + 1, i, tied)),
            };
        }
    }
    let (_, _, tied) = (*best.get(n)?)?;
    let mut rows = Vec::new();
    let mut j = n;
    while j > 0 {
        let (_, i, _) = (*best.get(j)?)?;
        rows.push(readings.remove(&(i, j))?);
        j = i;
    }
    rows.reverse();
    Some(Splits { rows, tied })
}

/// One row from its best reading; uncertain when the table splits another way as well
/// or another reading ranks as high (which column a piece is in is then a guess).
fn read_row(found: &Readings, split_tied: bool, ncols: usize) -> Option<StackedRow> {
    let (block, columns) = found.first()?;
    let best = rank(block, columns);
    Some(StackedRow {
        item: block.iter().filter(|l| !l.item.is_empty()).map(|l| l.item.trim().to_string()).collect(),
        cells: column_pieces(block, columns, ncols),
        uncertain: split_tied || found.iter().filter(|r| rank(&r.0, &r.1) == best).count() > 1,
    })
}

/// A metrics table from a dump without positions (pdfplumber), rebuilt row by row from
/// the order of its lines: each row's item and cells are stacks centred on the row, so a
/// row's lines read the same from both ends, and which columns a line holds follows from
/// the stacks' heights. The lines are split into rows so that every row reads so, with as
/// many rows as possible (an item wrapped over lines only where nothing else fits). A row
/// that can be read more than one way, or a table split more than one way, is uncertain.
/// `None` when the table does not show centred stacks or no such reading accounts for
/// every line.
pub(super) fn stacked_rows(lines: &[MetricLine], ncols: usize) -> Option<Vec<StackedRow>> {
    let choices = line_choices(lines, ncols);
    if !shows_centred(&choices, ncols) {
        return None;
    }
    let splits = best_split(&choices, ncols)?;
    splits.rows.iter().map(|found| read_row(found, splits.tied, ncols)).collect()
}
