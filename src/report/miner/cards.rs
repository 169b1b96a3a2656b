//! A card's box and metrics table in a pdfminer.six dump, put in the order the grammar
//! reads: the box's sentences, `項目名` with its column labels, then each row's item and
//! cells.
//!
//! pdfminer prints a card's text boxes in its own reading order: the box's two columns
//! as two blocks (or more), the table's items as a block each — one of them sometimes
//! before 項目名, the right column sometimes after the items — the column labels apart
//! or before each column's cells, and each cell as a block of its own. Every block is
//! told by its shape: sentences (ending in `。`), labels (`4年度`, 項目名), cells (each
//! line quantities with units, a dash or a word cell), else an item. The items keep
//! their order, and so do the cells; with as many cells as items × columns, the cells
//! are dealt to the grid:
//!
//! - a column label printed before its own cells (`4年度`, `22 名`, `-`, `5年度`, …)
//!   marks where a column's cells start: each label's first cells go down its column,
//!   as many as the first column took; cells left after that are a band of the rows
//!   below, read row by row;
//! - labels all before the cells: column by column (pdfminer groups a column's cells,
//!   which stand closer to each other than to their row's), unless the table has one
//!   row or one column.
//!
//! Which order holds is not in the text except in the first case with every column's
//! group full: the other tables' items are returned for a `metrics.uncertain` warning.
//!
//! A box printed one line a block (its columns' lines alternating by height) is first
//! dealt back to its two columns where the text tells ([`box_apart`]); the first lines
//! of boxes where it does not are returned for a `card.split_uncertain` warning.
//! A card whose blocks do not fit (cells not filling the grid, a block of several
//! lines of text that is neither) is left as printed.

use regex::Regex;
use std::sync::LazyLock;

use crate::report::metrics::{split_cells, WORD_CELLS};

static YEAR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(令和|平成|R|H)?\s*([0-9０-９]+|元)\s*年度$").expect("static regex"));
static ITEM_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^項\s*目\s*名$").expect("static regex"));

/// A line as the grammar will read it (Kangxi radicals folded, …), without white space.
fn squash(s: &str) -> String {
    crate::normalize::text(s).chars().filter(|c| !c.is_whitespace() && *c != '\u{c}').collect()
}

/// A line's width in wide characters (an ASCII character is half one).
fn width(s: &str) -> f32 {
    s.trim().chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

fn is_label(t: &str) -> bool {
    let q = squash(t);
    YEAR_LABEL.is_match(&q) || q.starts_with("目標")
}

fn is_cell_line(t: &str) -> bool {
    let n = crate::normalize::text(t.trim());
    let n = n.trim();
    if WORD_CELLS.contains(&n) || n == "-" || n == "―" || n == "－" {
        return true;
    }
    let (rest, atoms) = split_cells(n);
    rest.is_empty() && !atoms.is_empty()
}

/// A note in parentheses (`(R4.6～)`): a line of the cell above it.
fn is_note(t: &str) -> bool {
    let t = t.trim();
    (t.starts_with('(') || t.starts_with('（')) && (t.ends_with(')') || t.ends_with('）'))
}

/// Lines joined where a parenthesis is left open at a line's end.
fn paren_joined(ts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for t in ts {
        match out.last_mut() {
            Some(last) if open => last.push_str(t),
            _ => out.push((*t).to_string()),
        }
        open = out.last().is_some_and(|l| crate::report::marks::paren_depth(l) > 0);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// The card's cost line or number caught after its headings: back to the head.
    Head(Vec<String>),
    /// 【事業実績】 printed apart from 【事業概要】.
    BoxHeading,
    Prose(Vec<String>),
    Heading,
    Label(String),
    Cell(Vec<String>),
    Item(Vec<String>),
}

fn classify(lines: Vec<String>) -> Block {
    let normed: Vec<String> = lines.iter().map(|l| crate::normalize::text(l)).collect();
    let ts: Vec<&str> = normed.iter().map(|l| l.trim()).collect();
    let head_line = |t: &&str| {
        let q = squash(t);
        q.starts_with("事業費")
            || (1..=3).contains(&q.chars().count())
                && q.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    if ts.iter().all(head_line) {
        return Block::Head(lines);
    }
    if ts.len() == 1 && ts.first().is_some_and(|t| squash(t) == "【事業実績】") {
        return Block::BoxHeading;
    }
    if ts.len() == 1 && ts.first().is_some_and(|t| ITEM_HEADING.is_match(&squash(t))) {
        return Block::Heading;
    }
    if ts.len() == 1 && ts.first().is_some_and(|t| is_label(t)) {
        return Block::Label(lines.first().map(|t| t.trim().to_string()).unwrap_or_default());
    }
    // A cell's line wrapped inside its note's parenthesis (`8,603 千円(R` + `4.6)`) is
    // read joined.
    let joined = paren_joined(&ts);
    if joined.first().is_some_and(|t| is_cell_line(t)) && joined.iter().all(|t| is_cell_line(t) || is_note(t))
    {
        return Block::Cell(lines);
    }
    // A column may end with a note in parentheses after its last sentence.
    let noted = ts.iter().any(|t| t.ends_with('。'))
        && ts.last().and_then(|t| t.chars().last()).is_some_and(crate::report::marks::is_close_paren);
    if ts.last().is_some_and(|t| t.ends_with('。')) || noted {
        return Block::Prose(lines);
    }
    Block::Item(lines)
}

/// Whether a line may end a box column: a sentence's `。`, or a note's closing parenthesis.
fn ends_column(l: &str) -> bool {
    let n = crate::normalize::text(l.trim());
    n.trim_end().chars().last().is_some_and(|c| c == '。' || crate::report::marks::is_close_paren(c))
}

/// A box printed one line a block: both columns' lines in one run sorted by height, so
/// that, where the two columns' lines stand on the same baselines, they alternate left,
/// right, left, … until the shorter column ends, and the longer's lines follow. The two
/// columns (left, right) and whether the text tells them: the readings are every length
/// of the shorter column on either side whose columns each end a sentence (`。`, or a
/// note's `）`); one reading the grammar's own split (by the sentences' tenses, without
/// doubt) agrees with is certain, several or none is a doubt, and the first agreeing
/// (else the first) is taken. `None` with no reading that ends both columns.
fn alternating(run: &[String]) -> Option<(Vec<String>, Vec<String>, bool)> {
    let n = run.len();
    let mut readings: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for k in 1..=n / 2 {
        // The pairs run over positions 0..2k; after them, the rest is one column's.
        let (mut even, mut odd) = (Vec::new(), Vec::new());
        for (j, l) in run.iter().take(2 * k).enumerate() {
            if j % 2 == 0 {
                even.push(l.clone())
            } else {
                odd.push(l.clone())
            }
        }
        let tail = run.get(2 * k..).unwrap_or_default();
        let left_short = (even.clone(), odd.iter().chain(tail).cloned().collect::<Vec<_>>());
        let right_short = (even.iter().chain(tail).cloned().collect::<Vec<_>>(), odd);
        for r in [left_short, right_short] {
            let ends = |c: &Vec<String>| c.last().is_some_and(|l| ends_column(l));
            if ends(&r.0) && ends(&r.1) && !readings.contains(&r) {
                readings.push(r);
            }
        }
    }
    let agrees = |(l, r): &(Vec<String>, Vec<String>)| {
        let all: Vec<String> = l.iter().chain(r).map(|x| x.trim().to_string()).collect();
        let sp = crate::report::split::split_text(&all);
        sp.overview.len() == l.len() && sp.doubt.is_none()
    };
    let good: Vec<&(Vec<String>, Vec<String>)> = readings.iter().filter(|r| agrees(r)).collect();
    // The readings the tenses contradict are ruled out: one left is certain.
    let certain = good.len() == 1;
    let (l, r) = good.first().copied().or(readings.first())?.clone();
    Some((l, r, certain))
}

/// A card's region (the lines after its 【事業概要】 line) with a box printed one line a
/// block ([`alternating`]) put as its two columns, each one block; the box's first line
/// when the columns are a guess. A run of fewer than three lines, or one no reading ends,
/// is left as printed.
fn box_apart(lines: &[String]) -> (Vec<String>, Option<String>) {
    let blocks = blocks_of(lines);
    let one_text_line =
        |b: &Vec<String>| b.len() == 1 && matches!(classify(b.clone()), Block::Prose(_) | Block::Item(_));
    let first = blocks
        .iter()
        .position(|b| !matches!(classify(b.clone()), Block::Head(_) | Block::BoxHeading))
        .unwrap_or(blocks.len());
    let len = blocks.iter().skip(first).take_while(|b| one_text_line(b)).count();
    let run: Vec<String> = blocks.iter().skip(first).take(len).flatten().cloned().collect();
    // The table's rows its cells and labels count that no item block after the run
    // stands for: their items were caught in the run.
    let table: Vec<Block> =
        notes_to_cells(blocks.iter().skip(first + len).map(|b| classify(b.clone())).collect());
    let count = |f: fn(&Block) -> bool| table.iter().filter(|b| f(b)).count();
    let labels = count(|b| matches!(b, Block::Label(_)));
    let cells = count(|b| matches!(b, Block::Cell(_)));
    let missing = match labels {
        0 => 0,
        n if cells % n == 0 => (cells / n).saturating_sub(count(|b| matches!(b, Block::Item(_)))),
        _ => 0,
    };
    let (rest, items) = caught_items(run.clone(), missing);
    // Without its caught items, the whole run reads as the box; else the run may take in
    // a table's one-line item printed before 項目名 at its end: the longest run that
    // reads as two columns is the box, and what it leaves goes after it, as printed.
    let whole = Some(&rest).filter(|_| !items.is_empty()).and_then(|r| alternating(r));
    let (read, items) = match whole {
        Some(r) => (Some((len, r)), items),
        None => {
            let read = (3..=run.len()).rev().find_map(|m| Some((m, alternating(run.get(..m)?)?)));
            (read, Vec::new())
        }
    };
    let Some((len, (left, right, certain))) = read else { return (lines.to_vec(), None) };
    let doubt = (!certain).then(|| run.first().map(|l| crate::normalize::text(l.trim())).unwrap_or_default());
    let mut out = Vec::new();
    let mut push = |b: &[String]| {
        out.extend(b.iter().cloned());
        out.push(String::new());
    };
    for b in blocks.iter().take(first) {
        push(b);
    }
    push(&left);
    push(&right);
    for l in &items {
        push(std::slice::from_ref(l));
    }
    for b in blocks.iter().skip(first + len) {
        push(b);
    }
    (out, doubt)
}

/// A box's run of lines without the `missing` items of its table it caught (pdfminer
/// sorts a table's one-line items among the box's lines beside them): the one group of
/// that many consecutive lines each shorter than three quarters of the run's widest
/// and ending no sentence or clause. The run as it is, without items, when no such group
/// or several.
fn caught_items(run: Vec<String>, missing: usize) -> (Vec<String>, Vec<String>) {
    let widest = run.iter().map(|l| width(l)).fold(0.0_f32, f32::max);
    let short = |l: &String| {
        let t = crate::normalize::text(l.trim());
        width(&t) <= 0.75 * widest && !ends_column(&t) && !t.ends_with('、') && !t.ends_with(',')
    };
    // Maximal groups of short lines: (start, length).
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (j, l) in run.iter().enumerate() {
        match groups.last_mut() {
            Some((start, n)) if short(l) && *start + *n == j => *n += 1,
            _ if short(l) => groups.push((j, 1)),
            _ => {}
        }
    }
    let fitting: Vec<&(usize, usize)> = groups.iter().filter(|g| g.1 == missing).collect();
    match fitting.as_slice() {
        [(start, n)] if missing > 0 => {
            let items = run.get(*start..start + n).unwrap_or_default().to_vec();
            let rest = run
                .iter()
                .enumerate()
                .filter(|(j, _)| !(*start..start + n).contains(j))
                .map(|(_, l)| l.clone());
            (rest.collect(), items)
        }
        _ => (run, Vec::new()),
    }
}

/// A region's lines as blocks (runs of lines between blank lines).
fn blocks_of(lines: &[String]) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut cur = Vec::new();
    for l in lines.iter().chain(std::iter::once(&String::new())) {
        if l.trim().is_empty() {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(l.clone());
        }
    }
    blocks
}

/// A cell block as one line of its quantities (`6 件 8 名`: the grammar reads a line's
/// quantities as one cell) and a line for each note in parentheses (`(8月～10月)`, read
/// as a line of the cell above), the lines apart by `\n`.
fn cell_text(ls: &[String]) -> String {
    let ts: Vec<&str> = ls.iter().map(|l| l.trim()).collect();
    let joined = paren_joined(&ts);
    let (notes, values): (Vec<&str>, Vec<&str>) =
        joined.iter().map(|l| l.as_str()).partition(|l| is_note(&crate::normalize::text(l)));
    std::iter::once(values.join(" "))
        .chain(notes.into_iter().map(str::to_string))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rows' cells, one `Vec` of cells per row, and whether the order is certain;
/// `None` when the cells do not fill the grid.
fn grid(blocks: &[Block], rows: usize, cols: usize) -> Option<(Vec<Vec<String>>, bool)> {
    // Cells in order, each with the number of labels printed before it.
    let mut cells: Vec<(usize, String)> = Vec::new();
    let mut labels = 0;
    for b in blocks {
        match b {
            Block::Label(_) => labels += 1,
            Block::Cell(ls) => cells.push((labels, cell_text(ls))),
            _ => {}
        }
    }
    if rows == 0 || cols == 0 || cells.len() != rows * cols {
        return None;
    }
    let mut out = vec![vec![String::new(); cols]; rows];
    let put = |out: &mut Vec<Vec<String>>, r: usize, c: usize, s: &str| {
        if let Some(cell) = out.get_mut(r).and_then(|row| row.get_mut(c)) {
            *cell = s.to_string();
        }
    };
    // Cells printed before every label (a one-row table pdfminer puts above its 項目名
    // line) are in no label's group: read like cells after all labels.
    let interleaved = cells.first().is_some_and(|c| c.0 > 0 && c.0 < cols);
    if cells.iter().any(|c| c.0 == 0) && !cells.iter().all(|c| c.0 == 0) {
        return None;
    }
    if interleaved {
        // Cells after label k (1-based) start column k-1; the first column's group
        // sets how many rows each column's group covers.
        let group = |k: usize| cells.iter().filter(|c| c.0 == k).count();
        let band = (1..=cols).map(group).min().unwrap_or(0).min(rows);
        if band == 0 {
            return None;
        }
        let mut rest: Vec<&str> = Vec::new();
        for k in 1..=cols {
            let mine: Vec<&str> = cells.iter().filter(|c| c.0 == k).map(|c| c.1.as_str()).collect();
            for (r, s) in mine.iter().enumerate() {
                if r < band {
                    put(&mut out, r, k - 1, s);
                } else {
                    rest.push(s);
                }
            }
        }
        if rest.len() != (rows - band) * cols {
            return None;
        }
        for (j, s) in rest.iter().enumerate() {
            put(&mut out, band + j / cols, j % cols, s);
        }
        return Some((out, band == rows));
    }
    for (j, (_, s)) in cells.iter().enumerate() {
        put(&mut out, j % rows, j / rows, s);
    }
    Some((out, rows == 1 || cols == 1))
}

/// A cell's note in parentheses (`(8月～10月)`) printed as a block of its own, set apart
/// by its line spacing, goes back to the cell block before it.
fn notes_to_cells(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for b in blocks {
        if let (Block::Item(ls), Some(Block::Cell(cell))) = (&b, out.last_mut()) {
            if ls.iter().all(|l| is_note(&crate::normalize::text(l))) {
                cell.extend(ls.iter().cloned());
                continue;
            }
        }
        out.push(b);
    }
    out
}

/// Cells that share a line (`8,223 千円 11,122 千円`: pdfminer joins what stands on one
/// baseline within two characters' widths) cut apart, when the one cell block of a single
/// line holding several quantities is what keeps the cells from counting `want`.
fn cells_apart(blocks: Vec<Block>, want: usize) -> Vec<Block> {
    let cells = blocks.iter().filter(|b| matches!(b, Block::Cell(_))).count();
    let parts = |b: &Block| match b {
        Block::Cell(ls) if ls.len() == 1 => {
            let line = ls.first().map(|l| crate::normalize::text(l.trim())).unwrap_or_default();
            let (rest, atoms) = split_cells(&line);
            Some(atoms).filter(|a| rest.is_empty() && a.len() > 1)
        }
        _ => None,
    };
    let joined: Vec<usize> = (0..blocks.len()).filter(|&k| blocks.get(k).and_then(parts).is_some()).collect();
    let [k] = joined.as_slice() else { return blocks };
    let Some(atoms) = blocks.get(*k).and_then(parts) else { return blocks };
    if cells + atoms.len() - 1 != want {
        return blocks;
    }
    let mut out = blocks;
    out.splice(*k..=*k, atoms.into_iter().map(|a| Block::Cell(vec![a])));
    out
}

/// One card's box and table (the lines after its 【事業概要】 heading up to its
/// （担当課：…） line) in the grammar's order — the head's lines caught there (cost,
/// number) first, then both box headings (`heading`: the 【事業概要】 line as printed,
/// with 【事業実績】 on it or not) — and the items placed by a guess; `None` when the
/// blocks do not fit a table.
fn card(heading: &str, lines: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for l in lines.iter().chain(std::iter::once(&String::new())) {
        if l.trim().is_empty() {
            if !cur.is_empty() {
                blocks.push(classify(std::mem::take(&mut cur)));
            }
        } else {
            cur.push(l.clone());
        }
    }
    if !blocks.contains(&Block::Heading) {
        return None;
    }
    let printed = notes_to_cells(blocks);
    let mut blocks = printed.clone();
    // A paragraph of a box column cut into a block of its own (not ending a sentence):
    // its lines but the last are as wide as the column's, where an item's are usually
    // not (an item as wide is kept when the grid needs it, below).
    let column_width = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose(ls) => {
                ls.split_last().map(|(_, init)| init.iter().map(|l| width(l)).fold(0.0_f32, f32::max))
            }
            _ => None,
        })
        .fold(0.0_f32, f32::max);
    for b in blocks.iter_mut() {
        if let Block::Item(ls) = b {
            let init = ls.split_last().map_or(&[][..], |(_, init)| init);
            if column_width > 0.0
                && !init.is_empty()
                && init.iter().all(|l| (width(l) - column_width).abs() <= 1.0)
            {
                *b = Block::Prose(std::mem::take(ls));
            }
        }
    }
    let items_of = |blocks: &[Block]| blocks.iter().filter(|b| matches!(b, Block::Item(_))).count();
    let labels = blocks.iter().filter(|b| matches!(b, Block::Label(_))).count();
    // The cells fill the grid of the items read as printed but not with the wide ones
    // taken for the box's: the items as printed.
    if grid(&blocks, items_of(&blocks), labels).is_none()
        && grid(&printed, items_of(&printed), labels).is_some()
    {
        blocks = printed;
    }
    if grid(&blocks, items_of(&blocks), labels).is_none() {
        let want = items_of(&blocks) * labels;
        blocks = cells_apart(blocks, want);
    }
    let items: Vec<&Vec<String>> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Item(ls) => Some(ls),
            _ => None,
        })
        .collect();
    let labels: Vec<&String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Label(l) => Some(l),
            _ => None,
        })
        .collect();
    let (cells, certain) = grid(&blocks, items.len(), labels.len())?;
    let both = squash(heading).contains("【事業実績】");
    if both == blocks.contains(&Block::BoxHeading) {
        return None;
    }
    let mut out = Vec::new();
    for b in &blocks {
        if let Block::Head(ls) = b {
            out.extend(ls.iter().cloned());
        }
    }
    out.push(heading.to_string());
    if !both {
        out.push("【 事業実績 】".to_string());
    }
    for b in &blocks {
        if let Block::Prose(ls) = b {
            out.extend(ls.iter().cloned());
            out.push(String::new());
        }
    }
    out.push("項目名".to_string());
    out.extend(labels.iter().map(|l| l.to_string()));
    let mut guessed = Vec::new();
    for (item, row) in items.iter().zip(cells) {
        out.extend(item.iter().cloned());
        if !certain {
            // As the report will hold it (Kangxi radicals folded, …), to be found there.
            guessed.push(crate::normalize::text(&item.iter().map(|l| l.trim()).collect::<String>()));
        }
        out.extend(row.iter().flat_map(|c| c.split('\n').map(str::to_string)));
    }
    out.push(String::new());
    Some((out, guessed))
}

/// Every card of a pdfminer dump's lines rebuilt where its blocks fit (see the module's
/// comment); the items of rows whose cells were placed by a guess (`guesses`), and the
/// first lines of boxes whose columns were told apart by a guess (`splits`).
pub fn rebuild(ls: Vec<String>, guesses: &mut Vec<String>, splits: &mut Vec<String>) -> Vec<String> {
    let starts = |l: &str| squash(l).contains("【事業概要】");
    let ends = |l: &str| {
        let q = squash(l);
        q.starts_with("（担当課") || q.starts_with("(担当課") || q.contains("【事業概要】")
    };
    let mut out = Vec::with_capacity(ls.len());
    let mut i = 0;
    while let Some(l) = ls.get(i) {
        i += 1;
        if !starts(l) {
            out.push(l.clone());
            continue;
        }
        let end = (i..ls.len()).find(|&k| ls.get(k).is_some_and(|x| ends(x)));
        let printed = end.and_then(|e| ls.get(i..e)).unwrap_or_default();
        // A page break inside the card (its form feed starts a line): left as printed.
        let Some(e) = end.filter(|&e| {
            !printed.iter().any(|x| x.starts_with('\u{c}')) && !starts(ls.get(e).map_or("", |x| x))
        }) else {
            out.push(l.clone());
            continue;
        };
        let (region, doubt) = box_apart(printed);
        splits.extend(doubt);
        i = e;
        // A table's blocks printed after the （担当課：…） block (pdfminer orders the
        // table's last boxes after it): taken into the card when only with them its
        // table fits.
        let (after, resume) = cells_after(&ls, e);
        let with_after = Some(&after).filter(|a| !a.is_empty()).and_then(|a| {
            card(l, &region.iter().chain([&String::new()]).chain(a.iter()).cloned().collect::<Vec<_>>())
        });
        if let (Some((lines, mut g)), None) = (with_after, card(l, &region)) {
            out.extend(lines);
            guesses.append(&mut g);
            let department_end = (e..ls.len()).find(|&k| ls.get(k).is_some_and(|x| x.trim().is_empty()));
            out.extend(ls.get(e..department_end.unwrap_or(ls.len())).unwrap_or_default().iter().cloned());
            out.push(String::new());
            i = resume;
            continue;
        }
        match card(l, &region) {
            Some((lines, mut g)) => {
                out.extend(lines);
                guesses.append(&mut g);
            }
            // The table does not fit, but the head's cost and number still go first.
            None => match head_first(l, &region) {
                Some(lines) => out.extend(lines),
                None => {
                    out.push(l.clone());
                    out.extend(region);
                }
            },
        }
    }
    out
}

/// The table's blocks (cells and their notes, 項目名, column labels) printed right after
/// the （担当課：…） block that starts at `at`, each followed by a blank line, and where
/// the lines after them start.
fn cells_after(ls: &[String], at: usize) -> (Vec<String>, usize) {
    let blank = |k: usize| ls.get(k).is_none_or(|x| x.trim().is_empty());
    let mut k = (at..ls.len()).find(|&k| blank(k)).unwrap_or(ls.len());
    let mut out = Vec::new();
    let mut resume = k;
    let mut any_cell = false;
    loop {
        while k < ls.len() && blank(k) {
            k += 1;
        }
        let end = (k..ls.len()).find(|&j| blank(j)).unwrap_or(ls.len());
        let block = ls.get(k..end).unwrap_or_default().to_vec();
        if block.is_empty() || block.iter().any(|x| x.starts_with('\u{c}')) {
            break;
        }
        let note = block.iter().all(|x| is_note(&crate::normalize::text(x)));
        match classify(block.clone()) {
            Block::Cell(_) => any_cell = true,
            Block::Heading | Block::Label(_) => {}
            Block::Item(_) if any_cell && note => {}
            _ => break,
        }
        out.extend(block);
        out.push(String::new());
        resume = end;
        k = end;
    }
    (out, resume)
}

/// A card whose table is left as printed: its head's lines caught after the headings (a
/// block of nothing but the 事業費 line and number digits) put back before the
/// 【事業概要】 line, and a box cut by the table (its 【事業実績】 heading after 項目名)
/// put before it, as [`card`] orders them; the table's blocks as printed. `None`
/// without such a head block.
fn head_first(heading: &str, lines: &[String]) -> Option<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut cur = Vec::new();
    for l in lines.iter().chain(std::iter::once(&String::new())) {
        if l.trim().is_empty() {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(l.clone());
        }
    }
    let kinds: Vec<Block> = blocks.iter().map(|b| classify(b.clone())).collect();
    let is_head = |k: usize| {
        matches!(kinds.get(k), Some(Block::Head(_)))
            && blocks.get(k).is_some_and(|b| b.iter().any(|x| squash(x).starts_with("事業費")))
    };
    let head = (0..blocks.len()).find(|&k| is_head(k))?;
    let mut out: Vec<String> = blocks.get(head)?.clone();
    out.push(heading.to_string());
    // A 【事業実績】 heading printed after the table's 項目名 cut the box: its blocks go
    // first, in order (a box printed whole before the table is left as it is, since a
    // paragraph not ending in `。` would not be told from an item).
    let at = |want: &Block| kinds.iter().position(|b| b == want);
    let cut = matches!((at(&Block::Heading), at(&Block::BoxHeading)), (Some(h), Some(b)) if b > h);
    let boxed = |k: usize| cut && matches!(kinds.get(k), Some(Block::BoxHeading | Block::Prose(_)));
    for (k, b) in blocks.iter().enumerate() {
        if k != head && boxed(k) {
            out.extend(b.iter().cloned());
            out.push(String::new());
        }
    }
    for (k, b) in blocks.iter().enumerate() {
        if k != head && !boxed(k) {
            out.extend(b.iter().cloned());
            out.push(String::new());
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn labels_before_their_columns() {
        let mut g = Vec::new();
        let got = rebuild(
            v(&[
                "【 事業概要 】",
                "",
                "【 事業実績 】",
                "",
                "計画する。",
                "",
                "実施した。",
                "",
                "甲参加者",
                "",
                "項目名",
                "",
                "乙件数",
                "",
                "丙参加者",
                "",
                "丁聴講者",
                "（注記）",
                "",
                "４年度",
                "",
                "22 名",
                "",
                "-",
                "",
                "５年度",
                "",
                "14 名",
                "",
                "6 件",
                "8 名",
                "",
                "延べ 13 名",
                "",
                "延べ 21 名",
                "",
                "87 名",
                "",
                "423 名",
                "",
                "（担当課：甲課）",
            ]),
            &mut g,
            &mut Vec::new(),
        );
        assert_eq!(
            got,
            v(&[
                "【 事業概要 】",
                "【 事業実績 】",
                "計画する。",
                "",
                "実施した。",
                "",
                "項目名",
                "４年度",
                "５年度",
                "甲参加者",
                "22 名",
                "14 名",
                "乙件数",
                "-",
                "6 件 8 名",
                "丙参加者",
                "延べ 13 名",
                "延べ 21 名",
                "丁聴講者",
                "（注記）",
                "87 名",
                "423 名",
                "",
                "（担当課：甲課）",
            ])
        );
        // The first band's columns are full, the band below is read row by row: a guess.
        assert_eq!(g.len(), 4);
    }

    #[test]
    fn labels_first_cells_by_column() {
        let mut g = Vec::new();
        let got = rebuild(
            v(&[
                "【 事業概要 】 【 事業実績 】",
                "",
                "実施した。",
                "",
                "項目名",
                "",
                "４年度",
                "",
                "５年度",
                "",
                "甲生徒数",
                "",
                "乙回数",
                "",
                "4,463名",
                "",
                "6回",
                "",
                "3,233名",
                "",
                "7回",
                "",
                "（担当課：甲課）",
            ]),
            &mut g,
            &mut Vec::new(),
        );
        assert_eq!(
            got[3..],
            v(&[
                "項目名",
                "４年度",
                "５年度",
                "甲生徒数",
                "4,463名",
                "3,233名",
                "乙回数",
                "6回",
                "7回",
                "",
                "（担当課：甲課）"
            ])
        );
        assert_eq!(g, v(&["甲生徒数", "乙回数"]));
        // Cells that do not fill the grid: left as printed.
        let lines = v(&[
            "【 事業概要 】",
            "【 事業実績 】",
            "",
            "項目名",
            "",
            "４年度",
            "",
            "甲",
            "",
            "1件",
            "",
            "2件",
            "",
            "（担当課：甲課）",
        ]);
        assert_eq!(rebuild(lines.clone(), &mut g, &mut Vec::new()), lines);
    }
    #[test]
    fn head_goes_first_when_the_table_does_not_fit() {
        let mut g = Vec::new();
        // Two cells joined on one line, one missing: the grid does not fit, the table stays
        // as printed.
        let card = v(&[
            "【 事業概要 】",
            "",
            "計画する。",
            "",
            "項目名",
            "",
            "甲回数",
            "",
            "乙人数",
            "",
            "事業費 8,104千円 ２",
            "１",
            "",
            "【 事業実績 】",
            "",
            "実施した。",
            "",
            "４年度",
            "",
            "５年度",
            "",
            "延べ 1,307回 延べ 1,203回",
            "",
            "283名",
            "",
            "（担当課：甲課）",
        ]);
        let got = rebuild(card, &mut g, &mut Vec::new());
        assert_eq!(
            got,
            v(&[
                "事業費 8,104千円 ２",
                "１",
                "【 事業概要 】",
                "計画する。",
                "",
                "【 事業実績 】",
                "",
                "実施した。",
                "",
                "項目名",
                "",
                "甲回数",
                "",
                "乙人数",
                "",
                "４年度",
                "",
                "５年度",
                "",
                "延べ 1,307回 延べ 1,203回",
                "",
                "283名",
                "",
                "（担当課：甲課）",
            ])
        );
        assert!(g.is_empty(), "{g:?}");
        // The box printed whole before the table: only the head moves.
        let whole = v(&[
            "【 事業概要 】",
            "",
            "【 事業実績 】",
            "",
            "事業費 299 千円",
            "",
            "支援する。（購入も可能。）",
            "",
            "実施した。",
            "",
            "甲者数",
            "",
            "項目名",
            "",
            "４年度",
            "",
            "５年度",
            "",
            "3者",
            "",
            "（担当課：甲課）",
        ]);
        let got = rebuild(whole.clone(), &mut g, &mut Vec::new());
        assert_eq!(got[..2], v(&["事業費 299 千円", "【 事業概要 】"]));
        let mut rest: Vec<String> = whole[1..].iter().filter(|x| !x.is_empty()).cloned().collect();
        rest.retain(|x| !x.starts_with("事業費"));
        assert_eq!(got[2..].iter().filter(|x| !x.is_empty()).cloned().collect::<Vec<_>>(), rest);
        // No cost line among the blocks: left as printed.
        let plain = v(&["【 事業概要 】", "", "計画する。", "", "１", "", "（担当課：甲課）"]);
        assert_eq!(rebuild(plain.clone(), &mut g, &mut Vec::new()), plain);
    }

    #[test]
    fn a_box_printed_one_line_a_block_is_dealt_to_its_columns() {
        // Left 3 lines, right 5: alternating while both run, then the right's rest; an
        // item printed before 項目名 is not the box's.
        let region = v(&[
            "【 事業実績 】",
            "",
            "人材を育",
            "",
            "講座を実施し",
            "",
            "成するため、講",
            "",
            "たほか、相談に",
            "",
            "座を実施する。",
            "",
            "応じた。また、",
            "",
            "出前講座を",
            "",
            "実施した。",
            "",
            "甲者数",
            "",
            "項目名",
            "",
        ]);
        let (got, doubt) = box_apart(&region);
        assert_eq!(
            got,
            v(&[
                "【 事業実績 】",
                "",
                "人材を育",
                "成するため、講",
                "座を実施する。",
                "",
                "講座を実施し",
                "たほか、相談に",
                "応じた。また、",
                "出前講座を",
                "実施した。",
                "",
                "甲者数",
                "",
                "項目名",
                "",
            ])
        );
        assert_eq!(doubt, None);
        // Both columns could end at either sentence end and the tenses do not tell
        // which: a guess, and a doubt on the box.
        let (got, doubt) = box_apart(&v(&["甲した。", "", "乙した。", "", "丙した。", "", "丁した。"]));
        assert_eq!(got.iter().filter(|l| l.is_empty()).count(), 2, "{got:?}");
        assert_eq!(doubt.as_deref(), Some("甲した。"));
        // Lines that never end a column: left as printed.
        let plain = v(&["甲", "", "乙", "", "丙"]);
        assert_eq!(box_apart(&plain), (plain, None));
    }

    #[test]
    fn a_cells_note_printed_apart_goes_back_to_it() {
        let blocks = notes_to_cells(vec![
            Block::Cell(v(&["1,000名"])),
            Block::Item(v(&["(8月～10月)"])),
            Block::Item(v(&["(甲)"])),
        ]);
        assert_eq!(blocks, vec![Block::Cell(v(&["1,000名", "(8月～10月)", "(甲)"]))]);
        // A note with no cell before it stays an item's line.
        let item = vec![Block::Item(v(&["甲数"])), Block::Item(v(&["(乙)"]))];
        assert_eq!(notes_to_cells(item.clone()), item);
        // Quantities on one line, each note on a line of its own.
        assert_eq!(cell_text(&v(&["6件", "8名", "(R4.6)"])), "6件 8名\n(R4.6)");
    }

    #[test]
    fn a_one_row_table_printed_above_its_heading() {
        let mut g = Vec::new();
        let got = rebuild(
            v(&[
                "【 事業概要 】 【 事業実績 】",
                "",
                "計画する。",
                "",
                "実施した。",
                "",
                "甲者数",
                "",
                "34名",
                "",
                "35名",
                "",
                "項目名",
                "",
                "４年度",
                "",
                "５年度",
                "",
                "（担当課：甲課）",
            ]),
            &mut g,
            &mut Vec::new(),
        );
        assert_eq!(
            got[got.len() - 8..got.len() - 1],
            v(&["項目名", "４年度", "５年度", "甲者数", "34名", "35名", ""])[..]
        );
        // One row: the order of its cells is the only one.
        assert!(g.is_empty(), "{g:?}");
        // Cells both before and after the labels: left as printed.
        let mixed = v(&[
            "【 事業概要 】 【 事業実績 】",
            "",
            "実施した。",
            "",
            "甲者数",
            "",
            "34名",
            "",
            "項目名",
            "",
            "４年度",
            "",
            "５年度",
            "",
            "35名",
            "",
            "（担当課：甲課）",
        ]);
        assert_eq!(rebuild(mixed.clone(), &mut g, &mut Vec::new()), mixed);
    }

    #[test]
    fn a_tables_items_caught_in_the_box_go_to_the_table() {
        // Two rows' cells under two labels, no item block: the two short lines ending
        // nothing among the box's lines are the items.
        let region = v(&[
            "人材の育成を図るため、研",
            "",
            "県内の企業５者に対して専門",
            "",
            "修を実施する。",
            "",
            "家の支援を実施した結果、",
            "",
            "甲参加企業数",
            "",
            "乙構築件数",
            "",
            "効率化を実現した。",
            "",
            "項目名",
            "",
            "５年度",
            "",
            "６年度",
            "",
            "5者",
            "",
            "5者",
            "",
            "7者",
            "",
            "7者",
            "",
        ]);
        let (got, _) = box_apart(&region);
        assert_eq!(
            got[..12],
            v(&[
                "人材の育成を図るため、研",
                "修を実施する。",
                "",
                "県内の企業５者に対して専門",
                "家の支援を実施した結果、",
                "効率化を実現した。",
                "",
                "甲参加企業数",
                "",
                "乙構築件数",
                "",
                "項目名",
            ])[..]
        );
        // Short lines in two groups of the missing length: which is the table's is not
        // told; none is taken.
        let (rest, items) = caught_items(v(&["ああああああああ", "甲", "いいいいいいいい。", "乙"]), 1);
        assert_eq!((rest.len(), items.len()), (4, 0));
    }

    #[test]
    fn a_cell_wrapped_inside_its_note_is_a_cell() {
        let block = v(&["8,603 千円(R", "4.6)", "8,837 千円(R", "4.11)"]);
        assert_eq!(classify(block.clone()), Block::Cell(block.clone()));
        assert_eq!(cell_text(&block), "8,603 千円(R4.6) 8,837 千円(R4.11)");
        // An item's line wrapped inside a parenthesis stays an item.
        let item = v(&["甲補助申請者数（高速", "バス事業者）"]);
        assert_eq!(classify(item.clone()), Block::Item(item));
    }

    #[test]
    fn cells_on_one_line_are_cut_when_the_grid_needs_them() {
        let blocks = vec![
            Block::Label("４年度".into()),
            Block::Cell(v(&["2 者"])),
            Block::Label("５年度".into()),
            Block::Cell(v(&["2 者"])),
            Block::Cell(v(&["8,223 千円 11,122 千円"])),
        ];
        let cut = cells_apart(blocks.clone(), 4);
        assert_eq!(cut.len(), 6);
        assert_eq!(cut.last(), Some(&Block::Cell(v(&["11,122 千円"]))));
        // The count already right, or not reached by cutting: as printed.
        assert_eq!(cells_apart(blocks.clone(), 3), blocks);
        assert_eq!(cells_apart(blocks.clone(), 6), blocks);
    }

    #[test]
    fn an_item_as_wide_as_the_box_stays_an_item_when_the_grid_needs_it() {
        let mut g = Vec::new();
        let got = rebuild(
            v(&[
                "【 事業概要 】",
                "",
                "【 事業実績 】",
                "",
                "甲乙丙丁甲乙丙丁甲乙",
                "計画する。",
                "",
                "甲乙丙丁甲乙丙丁甲乙",
                "実施した。",
                "",
                "甲乙丙丁甲乙丙丁甲乙",
                "(R5 の登録者数)",
                "",
                "項目名",
                "",
                "４年度",
                "",
                "802 者",
                "",
                "５年度",
                "",
                "734 者",
                "",
                "（担当課：甲課）",
            ]),
            &mut g,
            &mut Vec::new(),
        );
        let at = got.iter().position(|l| l == "項目名").unwrap_or(0);
        assert_eq!(
            got[at..],
            v(&[
                "項目名",
                "４年度",
                "５年度",
                "甲乙丙丁甲乙丙丁甲乙",
                "(R5 の登録者数)",
                "802 者",
                "734 者",
                "",
                "（担当課：甲課）"
            ])[..]
        );
        assert!(g.is_empty(), "{g:?}");
    }

    #[test]
    fn cells_printed_after_the_department_go_back_to_the_table() {
        let mut g = Vec::new();
        let got = rebuild(
            v(&[
                "【 事業概要 】 【 事業実績 】",
                "",
                "計画する。",
                "",
                "実施した。",
                "",
                "項目名",
                "",
                "４年度",
                "",
                "５年度",
                "",
                "甲者数",
                "",
                "（担当課：甲課）",
                "",
                "147 者",
                "",
                "(R4.6～)",
                "",
                "150 者",
                "",
                "25",
                "",
                "乙事業",
            ]),
            &mut g,
            &mut Vec::new(),
        );
        let at = got.iter().position(|l| l == "項目名").unwrap_or(0);
        assert_eq!(
            got[at..],
            v(&[
                "項目名",
                "４年度",
                "５年度",
                "甲者数",
                "147 者",
                "(R4.6～)",
                "150 者",
                "",
                "（担当課：甲課）",
                "",
                "",
                "25",
                "",
                "乙事業"
            ])[..]
        );
        // 項目名 and the labels after the department too.
        let got = rebuild(
            v(&[
                "【 事業概要 】 【 事業実績 】",
                "",
                "計画する。",
                "",
                "実施した。",
                "",
                "甲者数",
                "",
                "19 名",
                "",
                "10 名",
                "",
                "（担当課：甲課）",
                "",
                "項目名",
                "",
                "４年度",
                "",
                "５年度",
                "",
                "44",
            ]),
            &mut g,
            &mut Vec::new(),
        );
        let at = got.iter().position(|l| l == "項目名").unwrap_or(0);
        assert_eq!(got[at..at + 6], v(&["項目名", "４年度", "５年度", "甲者数", "19 名", "10 名"])[..]);
        assert_eq!(got.last(), Some(&"44".to_string()));
        // A table that fits without them: what follows the department stays there.
        let fits = v(&[
            "【 事業概要 】 【 事業実績 】",
            "",
            "実施した。",
            "",
            "項目名",
            "",
            "４年度",
            "",
            "甲者数",
            "",
            "1 者",
            "",
            "（担当課：甲課）",
            "",
            "2 者",
            "",
            "25",
        ]);
        let got = rebuild(fits, &mut g, &mut Vec::new());
        assert_eq!(got[got.len() - 5..], v(&["（担当課：甲課）", "", "2 者", "", "25"])[..]);
    }
}
