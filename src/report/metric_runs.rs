//! Metrics tables printed as text blocks (poppler's `pdftotext` default mode), rebuilt
//! into the shape the metrics grammar reads: `項目名 4年度 5年度`, then each row's item
//! lines followed by its cells' lines.
//!
//! In its default mode `pdftotext` prints a table block by block, a blank line between
//! blocks: the column labels apart from 項目名, a cell's lines as one block, and items
//! in an order of their own — all items first, or a row's cells before its item, or a
//! tall item after every row's cells. What survives is the order of the cells (row by
//! row, left to right) and the order of the items among them. So:
//!
//! - each line is told by its shape: a column label (`4年度`), a cell (quantities with
//!   units, a dash, a word cell), a note in parentheses (with the cell or item before
//!   it), else an item line;
//! - the cells are counted three ways (a block a cell, a line a cell, a quantity a
//!   cell) and the first count that fills the rows × columns grid is taken;
//! - a two-column table's second column printed as one block after its rows' items and
//!   first cells goes down those rows ([`column_blocks`]): read row by row it would put
//!   an item between one row's cells;
//! - each row takes the item printed right before its cells (items printed in a run
//!   before a run of rows go to those rows in order); the items printed after every
//!   cell go, in order, to the rows left without one.
//!
//! Where the counts do not fit, the table is left as printed and its items are returned
//! for a `metrics.uncertain` warning on the card, never silently guessed.

use regex::Regex;
use std::sync::LazyLock;

use super::marks::parens_closed;
use super::metrics::{split_cells, WORD_CELLS};

/// A table longer than this many lines is not one card's metrics table (the end marker
/// is missing): it is left alone.
const MAX_REGION: usize = 120;

static YEAR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(令和|平成|R|H)?\s*([0-9]+|元)\s*年度$").expect("static regex"));
static ITEM_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^項\s*目\s*名").expect("static regex"));
static BOX_OR_COST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"【\s*事\s*業\s*(概\s*要|実\s*績)\s*】|事\s*業\s*費\s*[▲△-]?\s*[0-9][0-9,.]*\s*(千\s*円|百\s*万\s*円|億\s*円|円)")
        .expect("static regex")
});

/// What a line of a table region is, by its shape.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Label,
    /// A cell line: quantities with units, a dash, a word cell.
    Cell,
    Note,
    Item,
}

/// One line of a region: its text (normalized: the grammar reads it so anyway), its
/// kind, its block (blank-line group).
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    kind: Kind,
    block: usize,
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{c}').collect()
}

fn is_note(t: &str) -> bool {
    (t.starts_with('(') || t.starts_with('（')) && (t.ends_with(')') || t.ends_with('）'))
}

/// The kind of a normalized line.
fn kind_of(t: &str) -> Kind {
    if YEAR_LABEL.is_match(&squash(t)) {
        return Kind::Label;
    }
    if WORD_CELLS.contains(&t) {
        return Kind::Cell;
    }
    let (rest, atoms) = split_cells(t);
    if rest.is_empty() && !atoms.is_empty() {
        return Kind::Cell;
    }
    if is_note(t) {
        return Kind::Note;
    }
    Kind::Item
}

/// (Normalized lines.) A cell's text wrapped by a narrow column: inside parentheses (`8,603 千円(R` / `4.6)`)
/// or inside a money unit (`6,897,486 千` / `円`). The two lines are one.
fn continues_cell(prev: &str, next: &str) -> bool {
    let (p, n) = (prev.trim(), next.trim());
    let digits = p.chars().any(|c| c.is_ascii_digit());
    let unit_cut = n.starts_with('円') && (p.ends_with('千') || p.ends_with("百万") || p.ends_with('億'));
    let paren_cut = !parens_closed(p) && !n.starts_with(['(', '（']) && parens_closed(&format!("{p}{n}"));
    digits && (unit_cut || paren_cut)
}

/// The region's lines (after the 項目名 line's own text) as pieces, blocks numbered.
fn pieces(header_rest: &str, lines: &[String]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut block = 0;
    let all = std::iter::once(header_rest).chain(lines.iter().map(String::as_str));
    for l in all {
        let t = l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}');
        if t.is_empty() {
            block += 1;
            continue;
        }
        let t = crate::normalize::text(t);
        let t = t.trim();
        if let Some(p) = out.last_mut().filter(|p| p.block == block && continues_cell(&p.text, t)) {
            p.text.push_str(t);
            p.kind = kind_of(&p.text);
            continue;
        }
        let kind = kind_of(t);
        if kind == Kind::Label {
            // A column label is a block of its own: pdftotext may join it with the cells
            // printed under it (`5年度` / `23,100千円` / `24,068千円`).
            if out.last().is_some_and(|p| p.block == block) {
                block += 1;
            }
            out.push(Piece { text: t.to_string(), kind, block });
            block += 1;
            continue;
        }
        out.push(Piece { text: t.to_string(), kind, block });
    }
    out
}

/// An item: its lines, the block of its last line, and where it stands among the pieces.
#[derive(Debug, Clone)]
struct Item {
    lines: Vec<String>,
    /// Block of each line (to merge lines an item wrapped over).
    blocks: Vec<usize>,
    at: usize,
}

/// A cell: its lines and where its first line stands among the pieces.
#[derive(Debug, Clone)]
struct CellRun {
    lines: Vec<String>,
    at: usize,
}

/// Items from the pieces: a note or a line inside an open parenthesis right after an
/// item line in its block goes on with that item.
fn items(ps: &[Piece]) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut prev: Option<(Kind, usize)> = None;
    for (k, p) in ps.iter().enumerate() {
        let after_item = prev.is_some_and(|(kind, block)| kind == Kind::Item && block == p.block);
        // A note, a line opening one (wrapped inside it), or a line inside an open one.
        let joins = after_item
            && (p.kind == Kind::Note
                || p.kind == Kind::Item && p.text.starts_with(['(', '（'])
                || p.kind == Kind::Item && out.last().is_some_and(|i| !parens_closed(&i.lines.concat())));
        match out.last_mut() {
            Some(item) if joins => {
                item.lines.push(p.text.clone());
                item.blocks.push(p.block);
            }
            _ if p.kind == Kind::Item => {
                out.push(Item { lines: vec![p.text.clone()], blocks: vec![p.block], at: k });
            }
            _ => {}
        }
        if p.kind != Kind::Label {
            // A note after an item line is the item's: it keeps the item open.
            let kind = if joins { Kind::Item } else { p.kind };
            prev = Some((kind, p.block));
        }
    }
    out
}

/// Which pieces are cells' (not an item's note): notes after a cell line.
fn cell_pieces(ps: &[Piece]) -> Vec<(usize, &Piece)> {
    let mut out = Vec::new();
    let mut last: Option<Kind> = None;
    for (k, p) in ps.iter().enumerate() {
        match p.kind {
            Kind::Cell => out.push((k, p)),
            Kind::Note if matches!(last, Some(Kind::Cell)) => out.push((k, p)),
            _ => {}
        }
        if p.kind != Kind::Label && !(p.kind == Kind::Note && matches!(last, Some(Kind::Cell))) {
            last = Some(p.kind);
        }
    }
    out
}

/// The three counts of cells: a block a cell (a block of one line holding several
/// quantities: a cell each — a row's cells set close together), a line a cell (notes
/// with the line before), a quantity a cell.
fn cell_counts(ps: &[Piece]) -> [Vec<CellRun>; 3] {
    let cells = cell_pieces(ps);
    let mut by_block: Vec<CellRun> = Vec::new();
    let mut by_line: Vec<CellRun> = Vec::new();
    let mut by_atom: Vec<CellRun> = Vec::new();
    let mut prev: Option<usize> = None;
    for &(k, p) in &cells {
        let same_block = prev.is_some_and(|j| j + 1 == k && ps.get(j).is_some_and(|q| q.block == p.block));
        match by_block.last_mut() {
            Some(c) if same_block => c.lines.push(p.text.clone()),
            _ => by_block.push(CellRun { lines: vec![p.text.clone()], at: k }),
        }
        match (p.kind, by_line.last_mut(), by_atom.last_mut()) {
            (Kind::Note, Some(l), Some(a)) => {
                l.lines.push(p.text.clone());
                a.lines.push(p.text.clone());
            }
            _ => {
                by_line.push(CellRun { lines: vec![p.text.clone()], at: k });
                let (_, atoms) = split_cells(&p.text);
                if atoms.len() > 1 {
                    by_atom.extend(atoms.into_iter().map(|a| CellRun { lines: vec![a], at: k }));
                } else {
                    by_atom.push(CellRun { lines: vec![p.text.clone()], at: k });
                }
            }
        }
        prev = Some(k);
    }
    [split_single_lines(by_block), by_line, by_atom]
}

/// A block of one line holding several quantities is a cell per quantity.
fn split_single_lines(cells: Vec<CellRun>) -> Vec<CellRun> {
    let mut out = Vec::with_capacity(cells.len());
    for c in cells {
        let atoms = match c.lines.as_slice() {
            [one] => split_cells(one).1,
            _ => Vec::new(),
        };
        if atoms.len() > 1 {
            out.extend(atoms.into_iter().map(|a| CellRun { lines: vec![a], at: c.at }));
        } else {
            out.push(c);
        }
    }
    out
}

/// Merge item lines an item wrapped over (consecutive lines of one block), the widest
/// first line first, until `rows` items are left; `None` when there are not enough.
fn merge_items(mut items: Vec<Item>, rows: usize) -> Option<Vec<Item>> {
    let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
    while items.len() > rows {
        let best = (1..items.len())
            .filter(|&k| {
                let (a, b) = (&items[k - 1], &items[k]);
                a.blocks.last() == b.blocks.first() && b.at == a.at + a.lines.len()
            })
            .max_by_key(|&k| items.get(k - 1).and_then(|i| i.lines.last()).map_or(0, |l| width(l)))?;
        let next = items.remove(best);
        let prev = items.get_mut(best - 1)?;
        prev.lines.extend(next.lines);
        prev.blocks.extend(next.blocks);
    }
    Some(items)
}

/// Items to rows: a run of items printed before a run of rows' cells goes to those rows
/// in order; items printed after the last cell go to the rows left without one.
fn assign(items: &[Item], cells: &[CellRun], ncols: usize) -> Vec<Option<usize>> {
    let rows = cells.len() / ncols.max(1);
    let row_at: Vec<usize> = cells.chunks(ncols.max(1)).map(|c| c.first().map_or(0, |c| c.at)).collect();
    let mut row_item: Vec<Option<usize>> = vec![None; rows];
    let mut used = vec![false; items.len()];
    let mut r = 0;
    let mut i = 0;
    while r < rows {
        let start = row_at.get(r).copied().unwrap_or(0);
        // The items printed before this row's cells and after the previous row's.
        let run: Vec<usize> = (i..items.len()).take_while(|&k| items[k].at < start).collect();
        i += run.len();
        // The rows printed before the next item.
        let next_item = items.get(i).map_or(usize::MAX, |it| it.at);
        let span = (r..rows).take_while(|&q| row_at.get(q).is_some_and(|&a| a < next_item)).count().max(1);
        for (q, &k) in (r..r + span).zip(&run) {
            if let (Some(slot), Some(u)) = (row_item.get_mut(q), used.get_mut(k)) {
                *slot = Some(k);
                *u = true;
            }
        }
        r += span;
    }
    let mut left = (0..items.len()).filter(|&k| !used.get(k).copied().unwrap_or(true));
    for slot in row_item.iter_mut().filter(|s| s.is_none()) {
        *slot = left.next();
    }
    row_item
}

/// The table as lines for the grammar, or `Err` with its item lines when its cells do not
/// fill a grid of its items × labels.
fn table(header_rest: &str, lines: &[String]) -> Result<Vec<String>, Vec<String>> {
    let labels = std::iter::once(header_rest)
        .chain(lines.iter().map(String::as_str))
        .filter(|l| YEAR_LABEL.is_match(&squash(&crate::normalize::text(l))))
        .count();
    let lines = side_by_side(lines, labels);
    let ps = pieces(header_rest, &lines);
    let labels: Vec<&str> = ps.iter().filter(|p| p.kind == Kind::Label).map(|p| p.text.as_str()).collect();
    let found = items(&ps);
    let item_lines = || found.iter().flat_map(|i| i.lines.clone()).collect::<Vec<_>>();
    let ncols = labels.len();
    if ncols == 0 || found.is_empty() {
        return Err(item_lines());
    }
    let fit = cell_counts(&ps).into_iter().find_map(|cells| {
        let rows = cells.len() / ncols;
        if cells.len() % ncols != 0 || rows == 0 || rows > found.len() {
            return None;
        }
        Some((merge_items(found.clone(), rows)?, cells))
    });
    let header = format!("項目名 {}", labels.join(" "));
    let Some((items, cells)) = fit else {
        return single_row(header, &found, &ps, ncols).ok_or_else(item_lines);
    };
    let cells = column_blocks(cells, &items, &ps, ncols);
    let row_item = assign(&items, &cells, ncols);
    let mut out = vec![header];
    for (row, item) in cells.chunks(ncols).zip(row_item) {
        out.extend(item.and_then(|k| items.get(k)).map(|i| i.lines.clone()).unwrap_or_default());
        out.extend(row.iter().flat_map(|c| c.lines.clone()));
    }
    Ok(out)
}

/// A line's quantities, a unit cut from its number kept with it (`17,408,049 千` is one):
/// `None` when a token is neither a number (with its unit) nor a unit's tail.
fn quantities(line: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let lone = line.split_whitespace().count() == 1;
    for token in line.split_whitespace() {
        let numeric = token.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '▲' | '△' | '-'));
        let tail = !token.chars().any(|c| c.is_ascii_digit()) && token.chars().count() <= 2;
        match out.last_mut() {
            _ if numeric => out.push(token.to_string()),
            Some(q) if tail && q.starts_with(|c: char| c.is_ascii_digit()) => q.push_str(token),
            // A unit's tail on a line of its own (`円`); a word before a number is no
            // quantity's (`延べ 13 名`).
            None if tail && lone => out.push(token.to_string()),
            _ => return None,
        }
    }
    Some(out)
}

/// A row's cells printed side by side in one block: pdftotext joins the pieces the
/// columns show at one height on one line (`17,408,049 千 24,109,375 千`) or prints them
/// as consecutive lines (`1,574 件` / `1,821 件`, `円` / `円`). A block holding a line of
/// one quantity per column, and otherwise runs of single quantities whose lengths are
/// multiples of the column count, is such a row: it is dealt back into one block per
/// column (`1,574 件` / `17,408,049 千` / `円`, then the next column), in which the
/// grammar joins a cut unit. Any other block is kept as printed: a block of single
/// quantities alone is one cell's lines.
fn side_by_side(lines: &[String], ncols: usize) -> Vec<String> {
    if ncols < 2 {
        return lines.to_vec();
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut block: Vec<&String> = Vec::new();
    for l in lines.iter().chain(std::iter::once(&String::new())) {
        if !l.trim().is_empty() {
            block.push(l);
            continue;
        }
        match deal_columns(&block, ncols) {
            Some(columns) => {
                for column in columns {
                    out.extend(column);
                    out.push(String::new());
                }
                out.pop();
            }
            None => out.extend(block.iter().map(|l| (*l).clone())),
        }
        block.clear();
        out.push(l.clone());
    }
    out.pop();
    out
}

/// The columns of a side-by-side block (see [`side_by_side`]), or `None`.
fn deal_columns(block: &[&String], ncols: usize) -> Option<Vec<Vec<String>>> {
    let per_line: Vec<Vec<String>> =
        block.iter().map(|l| quantities(&crate::normalize::text(l))).collect::<Option<_>>()?;
    if !per_line.iter().any(|q| q.len() == ncols) || per_line.iter().any(|q| q.len() != 1 && q.len() != ncols)
    {
        return None;
    }
    let mut columns = vec![Vec::new(); ncols];
    let mut run: Vec<String> = Vec::new();
    for q in per_line.into_iter().chain(std::iter::once(Vec::new())) {
        if q.len() == 1 {
            run.extend(q);
            continue;
        }
        if !run.len().is_multiple_of(ncols) {
            return None;
        }
        for (k, piece) in run.drain(..).enumerate() {
            columns.get_mut(k % ncols)?.push(piece);
        }
        for (column, piece) in columns.iter_mut().zip(q) {
            column.push(piece);
        }
    }
    Some(columns)
}

/// A two-column table can be printed column-wise for a few rows: each row's item and its
/// first cell, row after row, then one block holding the second column of those rows
/// (`A / 1件 / B / 2件 / 3件⏎4件`). Read row by row, that would put an item between the
/// cells of one row, which the grammar never prints; so where `k` single cells, each but
/// the first right after an item, are followed by one block of `k` cell lines and no
/// item, the block is those rows' second column (`A 1件 3件`, `B 2件 4件`).
fn column_blocks(cells: Vec<CellRun>, items: &[Item], ps: &[Piece], ncols: usize) -> Vec<CellRun> {
    if ncols != 2 {
        return cells;
    }
    let block_of = |c: &CellRun| ps.get(c.at).map(|p| p.block);
    let item_between = |a: usize, b: usize| items.iter().any(|it| a < it.at && it.at < b);
    let mut out = Vec::with_capacity(cells.len());
    let mut i = 0;
    while i < cells.len() {
        let found = (2..=(cells.len() - i) / 2).find(|&k| {
            let (singles, block) = (&cells[i..i + k], &cells[i + k..i + 2 * k]);
            // One line a cell, on lines of their own (not one line's quantities split).
            let one_block = block.iter().all(|c| block_of(c) == block_of(&block[0]) && c.lines.len() == 1)
                && block.windows(2).all(|w| w[0].at < w[1].at);
            let apart = singles
                .windows(2)
                .all(|w| block_of(&w[0]) != block_of(&w[1]) && item_between(w[0].at, w[1].at));
            let next_apart = cells.get(i + 2 * k).is_none_or(|c| block_of(c) != block_of(&block[0]));
            one_block && apart && next_apart && !item_between(singles[k - 1].at, block[0].at)
        });
        match found {
            Some(k) => {
                for j in 0..k {
                    out.extend(cells.get(i + j).cloned());
                    out.extend(cells.get(i + k + j).cloned());
                }
                i += 2 * k;
            }
            None => {
                out.extend(cells.get(i..i + 2).into_iter().flatten().cloned());
                i += 2;
            }
        }
    }
    out
}

/// A table of one item with fewer cells than columns (a cell spanning two years): the
/// item and its cells, which the grammar places in the last columns with a doubt.
fn single_row(header: String, items: &[Item], ps: &[Piece], ncols: usize) -> Option<Vec<String>> {
    let [item] = items else { return None };
    let [by_block, ..] = cell_counts(ps);
    if by_block.is_empty() || by_block.len() >= ncols {
        return None;
    }
    let mut out = vec![header];
    out.extend(item.lines.iter().cloned());
    out.extend(by_block.into_iter().flat_map(|c| c.lines));
    Some(out)
}

/// A region's lines without the bare numbers standing as blocks of their own (a blank
/// line or the region's edge on each side), which are returned apart: a metrics cell
/// carries a unit or is a dash, so such a number is the card's number box, printed
/// where its block fell among the table's.
fn lone_numbers_apart(lines: &[String]) -> (Vec<String>, Vec<String>) {
    let blank = |k: Option<&String>| k.is_none_or(|l| l.trim().is_empty());
    let mut region = Vec::with_capacity(lines.len());
    let mut numbers = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let t = crate::normalize::text(l.trim());
        let bare = !t.is_empty() && t.len() <= 2 && t.chars().all(|c| c.is_ascii_digit());
        if bare && blank(k.checked_sub(1).and_then(|p| lines.get(p))) && blank(lines.get(k + 1)) {
            numbers.push(l.clone());
        } else {
            region.push(l.clone());
        }
    }
    (region, numbers)
}

/// Where a metrics table's region ends: its card's （担当課：…） line.
fn ends_region(l: &str) -> bool {
    let q = squash(l);
    q.starts_with("（担当課") || q.starts_with("(担当課")
}

/// Rebuild every metrics table of a `pdftotext` default dump (lines as read, blank lines
/// and form feeds kept). Returns the lines and the item lines of tables left as printed.
pub fn rebuild(ls: Vec<String>) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::with_capacity(ls.len());
    let mut doubts = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        let line = &ls[i];
        i += 1;
        let trimmed = line.trim();
        let Some(head) = ITEM_HEADING.find(trimmed).filter(|_| !line.starts_with('\u{c}')) else {
            out.push(line.clone());
            continue;
        };
        let end = (i..ls.len().min(i + MAX_REGION)).find(|&k| ends_region(&ls[k]));
        // A region that crosses a page or holds a card's head is no table of one card.
        let clean = |e: usize| {
            ls[i..e].iter().all(|l| {
                !l.starts_with('\u{c}') && !BOX_OR_COST.is_match(l) && ITEM_HEADING.find(l.trim()).is_none()
            })
        };
        let Some(end) = end.filter(|&e| clean(e)) else {
            out.push(line.clone());
            continue;
        };
        let (region, numbers) = lone_numbers_apart(&ls[i..end]);
        match table(&trimmed[head.end()..], &region) {
            Ok(lines) => {
                out.extend(numbers);
                out.extend(lines);
            }
            Err(mut items) => {
                out.push(line.clone());
                out.extend(ls[i..end].iter().cloned());
                doubts.append(&mut items);
            }
        }
        i = end;
    }
    (out, doubts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_card_number_among_the_table_blocks_is_no_cell() {
        let region =
            v(&["", "４年度", "", "甲の交付額", "", "５", "", "５年度", "23,100千円", "", "24,068千円", ""]);
        let (kept, numbers) = lone_numbers_apart(&region);
        assert_eq!(numbers, v(&["５"]));
        assert!(!kept.contains(&"５".to_string()));
        // A number inside a block is the block's.
        let inside = v(&["", "５", "件", ""]);
        assert_eq!(lone_numbers_apart(&inside).0, inside);
        let ls = [v(&["項目名"]), region].concat();
        let (got, doubts) = rebuild([ls, v(&["（担当課：甲課）"])].concat());
        assert!(doubts.is_empty(), "{doubts:?}");
        assert_eq!(
            got,
            v(&["５", "項目名 4年度 5年度", "甲の交付額", "23,100千円", "24,068千円", "（担当課：甲課）"]),
        );
    }

    #[test]
    fn a_rows_cells_printed_side_by_side_are_dealt_to_their_columns() {
        let block = v(&["1,574 件", "1,821 件", "17,408,049 千 24,109,375 千", "円", "円"]);
        let lines: Vec<String> = [v(&["４年度", "", "５年度", "", "計", ""]), block.clone()].concat();
        let got = side_by_side(&lines, 2);
        assert_eq!(got[6..], v(&["1,574件", "17,408,049千", "円", "", "1,821件", "24,109,375千", "円"])[..]);
        // Without a line spanning the columns, the lines are one cell's: kept.
        let one_cell = v(&["10 件", "113,500 千円"]);
        assert_eq!(side_by_side(&one_cell, 2), one_cell);
        // Single quantities that do not share out evenly: kept.
        let odd = v(&["1 件", "2 件 3 件", "円"]);
        assert_eq!(side_by_side(&odd, 2), odd);
        // A word before a number makes no quantity: one cell's line.
        let words = v(&["延べ 13 名", "延べ 21 名"]);
        assert_eq!(side_by_side(&words, 2), words);
        assert_eq!(side_by_side(&block, 1), block);
    }

    #[test]
    fn rows_from_items_printed_apart_from_their_cells() {
        // The first row's item is printed after every cell (a tall block); the second
        // item's note is its own; a cell wraps a note under it.
        let (got, doubts) = rebuild(v(&[
            "項目名",
            "",
            "４年度",
            "",
            "５年度",
            "",
            "1,000 名",
            "(8 月～10 月)",
            "",
            "255 名",
            "",
            "面談件数",
            "（延べ）",
            "",
            "277 件",
            "",
            "325 件",
            "",
            "申込者数",
            "",
            "（担当課：某課）",
        ]));
        assert!(doubts.is_empty());
        assert_eq!(
            got,
            v(&[
                "項目名 4年度 5年度",
                "申込者数",
                "1,000 名",
                "(8 月～10 月)",
                "255 名",
                "面談件数",
                "（延べ）",
                "277 件",
                "325 件",
                "（担当課：某課）",
            ])
        );
    }

    #[test]
    fn items_in_a_run_before_rows_and_cells_of_two_quantities() {
        let (got, _) = rebuild(v(&[
            "項目名",
            "甲の件数",
            "乙の人数",
            "",
            "４年度",
            "",
            "５年度",
            "-",
            "",
            "6件",
            "8名",
            "",
            "延べ 13 名 延べ 21 名",
            "",
            "（担当課：某課）",
        ]));
        assert_eq!(
            got,
            v(&[
                "項目名 4年度 5年度",
                "甲の件数",
                "-",
                "6件",
                "8名",
                "乙の人数",
                "延べ 13 名",
                "延べ 21 名",
                "（担当課：某課）"
            ])
        );
    }

    #[test]
    fn one_item_with_fewer_cells_than_columns_is_read_as_one_row() {
        let (got, doubts) = rebuild(v(&[
            "項目名",
            "",
            "４年度",
            "",
            "甲の数",
            "（注記）",
            "",
            "５年度",
            "147 者",
            "(R4.6～)",
            "",
            "（担当課：某課）",
        ]));
        assert!(doubts.is_empty());
        assert_eq!(
            got,
            v(&["項目名 4年度 5年度", "甲の数", "（注記）", "147 者", "(R4.6～)", "（担当課：某課）"])
        );
    }

    #[test]
    fn a_table_whose_cells_do_not_fit_is_left_and_said() {
        let input = v(&[
            "項目名",
            "",
            "４年度",
            "",
            "５年度",
            "",
            "甲の件数",
            "",
            "147 者",
            "",
            "乙の件数",
            "",
            "（担当課：某課）",
        ]);
        let (got, doubts) = rebuild(input.clone());
        assert_eq!(got, input);
        assert_eq!(doubts, v(&["甲の件数", "乙の件数"]));
    }

    #[test]
    fn a_wrapped_item_is_merged_when_the_cells_say_so() {
        let (got, _) = rebuild(v(&[
            "項目名",
            "",
            "４年度",
            "",
            "５年度",
            "",
            "あおもり産学官金共創フォーラム参",
            "加者数",
            "",
            "71 名",
            "",
            "142 名",
            "",
            "（担当課：某課）",
        ]));
        assert_eq!(
            got,
            v(&[
                "項目名 4年度 5年度",
                "あおもり産学官金共創フォーラム参",
                "加者数",
                "71 名",
                "142 名",
                "（担当課：某課）"
            ])
        );
    }

    #[test]
    fn a_note_wrapped_inside_its_parentheses_stays_with_its_item() {
        let (got, doubts) = rebuild(v(&[
            "項目名",
            "",
            "４年度",
            "",
            "甲の参加者",
            "乙の聴講者",
            "（五所川原高校、五所",
            "川原第一高校）",
            "",
            "５年度",
            "22名",
            "",
            "14名",
            "",
            "87名",
            "",
            "423名",
            "",
            "（担当課：某課）",
        ]));
        assert!(doubts.is_empty());
        assert_eq!(
            got,
            v(&[
                "項目名 4年度 5年度",
                "甲の参加者",
                "22名",
                "14名",
                "乙の聴講者",
                "（五所川原高校、五所",
                "川原第一高校）",
                "87名",
                "423名",
                "（担当課：某課）",
            ])
        );
    }

    #[test]
    fn a_second_column_printed_as_one_block_goes_down_the_rows() {
        // Each item with its first cell, then one block with both rows' second cells,
        // then a row printed row by row.
        let (got, doubts) = rebuild(v(&[
            "項目名",
            "",
            "４年度",
            "",
            "５年度",
            "",
            "甲の数",
            "",
            "11 名",
            "",
            "乙の数",
            "",
            "21 者",
            "",
            "12 名",
            "22 者",
            "",
            "丙の数",
            "",
            "31 件",
            "",
            "32 件",
            "",
            "（担当課：某課）",
        ]));
        assert!(doubts.is_empty());
        assert_eq!(
            got,
            v(&[
                "項目名 4年度 5年度",
                "甲の数",
                "11 名",
                "12 名",
                "乙の数",
                "21 者",
                "22 者",
                "丙の数",
                "31 件",
                "32 件",
                "（担当課：某課）",
            ])
        );
    }
}
