//! Reassembly of an extractor's text dump into the line shapes the report grammar reads.
//!
//! The grammar ([`super::segment`], [`super::card`], [`super::summary`],
//! [`super::metrics`]) reads a dump that prints a card's head before its box, the box's
//! headings on one line, the metrics header on one line, and a box's columns one after
//! the other. Extractors differ (see [`crate::input::dump_kind`]); this module undoes
//! each one's differences on the normalized lines, and nothing else: what a line says is
//! never changed, only where it is cut and in which order lines come.
//!
//! - one cell a line (`pdftotext` default, PyMuPDF): the box headings printed apart are
//!   joined, the card's cost and number lines caught between or after them go back to
//!   the head, and the metrics header's column labels are joined to 項目名;
//! - a box's two columns on one line (pdfplumber): each box line is cut at the space
//!   between the columns, the left column's lines first; a metrics table whose cells are
//!   stacks centred on their rows is rebuilt from the order of its lines alone (a row's
//!   lines read the same from both ends; see `stacked_rows`);
//! - columns by character positions (`pdftotext -layout`): a box line is cut at the
//!   right column's position (from the box headings), other lines have their runs of
//!   spaces closed to one space;
//! - content-stream order with lines broken only where text moves down (pypdf): a card
//!   number, a metric cell's note or a policy mark glued to its neighbour is cut off
//!   again (`pypdf`);
//! - every kind: a metric line whose last cell runs into the next row's item
//!   (`… 18名・8名実践能力…`) is cut after the cells the header's columns call for.

mod cuts;
mod layout_metrics;
mod layout_summary;
mod metric_steps;
mod plumber;
mod pypdf;
mod stacked;
mod summary_steps;

use stacked::stacked_rows;

use regex::Regex;
use std::sync::LazyLock;

use crate::doc::{Document, Line, Page};
use crate::input::dump_kind::DumpKind;

static YEAR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(令和|平成|R|H)?\s*([0-9]+|元)\s*年度$").expect("static regex"));
static COST_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^事業費\s*[▲△-]?[0-9][0-9,.]*\s*(千円|百万円|億円|円)\s*[0-9]{0,3}$").expect("static regex")
});
/// How far (lines) a box heading printed apart looks for its partner: between them an
/// extractor can put the cost line, the card number and a title line or two.
const HEADING_REACH: usize = 6;
/// Lines of a card's head before its box (title lines, cost, breakdown, number digits,
/// a page footer) searched for a card number printed one digit a line.
const HEAD_REACH: usize = 8;
/// How far (lines) a 【事業概要】 heading looks for its 【事業実績】 partner when the left
/// column is printed between them: a box column holds at most a few dozen lines.
const BOX_REACH: usize = 40;
/// Columns of a `-layout` line within which two text runs count as aligned with the box
/// headings' columns (pdftotext rounds positions to whole characters, and wide
/// characters are one column each however wide their glyphs).
const LAYOUT_SLACK: usize = 3;

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn heading_kind(s: &str) -> (bool, bool) {
    let q = squash(s);
    (q.contains("【事業概要】"), q.contains("【事業実績】"))
}

/// What reassembly could not tell from a dump: the items of metric rows whose cells were
/// placed by a guess (stacked cells in a dump without positions), for a
/// `metrics.uncertain` warning on their cards, summary rows rebuilt from column runs
/// with a doubt (`column_runs::Doubt`), and the first lines of boxes whose two columns
/// were told apart by a guess, for a `card.split_uncertain` warning.
#[derive(Debug, Default)]
pub struct Guesses {
    pub metric_items: Vec<String>,
    /// Items of metric rows read by position whose pieces do not stack as a row's cells
    /// do (`metric_steps::stack_doubt`).
    pub layout_metric_items: Vec<String>,
    /// The first lines of 事業概要 boxes (their left column's) whose cut between the
    /// columns is a guess (`layout_columns`), for a `card.split_uncertain` warning.
    pub boxes: Vec<String>,
    pub summary: Vec<super::column_runs::Doubt>,
    /// The first lines of boxes printed one line a block whose split between the columns
    /// is a guess (pdfminer), for a `card.split_uncertain` warning.
    pub box_splits: Vec<String>,
}

/// Reassemble a text dump's document (one page of plain lines) for `kind`.
pub fn document(doc: Document, kind: DumpKind) -> (Document, Guesses) {
    let mut guesses = Guesses::default();
    let pages = doc
        .pages
        .into_iter()
        .map(|p| {
            if p.lines.iter().any(|l| l.geom.is_some()) {
                return p;
            }
            let texts: Vec<String> = p.lines.into_iter().map(|l| l.text).collect();
            let (texts, mut g) = lines_and_guesses(texts, kind);
            guesses.metric_items.append(&mut g.metric_items);
            guesses.layout_metric_items.append(&mut g.layout_metric_items);
            guesses.boxes.append(&mut g.boxes);
            guesses.summary.append(&mut g.summary);
            Page { lines: texts.into_iter().map(Line::plain).collect(), ..p }
        })
        .collect();
    (Document { pages }, guesses)
}

/// `pdftotext` default mode: summary tables printed as column runs are rebuilt one line a
/// row (`column_runs`), a box's column printed after 項目名 is put back (`box_runs`), and
/// metrics tables printed block by block are rebuilt one row after another
/// (`metric_runs`). Done before normalization, while each page still starts with its
/// form feed (a table's region ends with a page) and blocks are apart by blank lines.
/// The guesses: the summary rows' doubts, and the items of metrics tables left as printed.
pub fn column_tables(doc: Document) -> (Document, Guesses) {
    let mut guesses = Guesses::default();
    let doc = text_pages(doc, |texts| {
        let (texts, mut d) = super::column_runs::rebuild(texts);
        guesses.summary.append(&mut d);
        let texts = super::box_runs::columns(super::box_runs::rebuild(texts));
        let (texts, mut items) = super::metric_runs::rebuild(texts);
        guesses.metric_items.append(&mut items);
        texts
    });
    (doc, guesses)
}

/// Each page of a text dump (one without positions) rewritten by `f` on its lines' texts;
/// a page read with positions is kept.
pub(crate) fn text_pages(doc: Document, mut f: impl FnMut(Vec<String>) -> Vec<String>) -> Document {
    let pages = doc
        .pages
        .into_iter()
        .map(|p| {
            if p.lines.iter().any(|l| l.geom.is_some()) {
                return p;
            }
            let texts = f(p.lines.into_iter().map(|l| l.text).collect());
            Page { lines: texts.into_iter().map(Line::plain).collect(), ..p }
        })
        .collect();
    Document { pages }
}

/// The line-level reassembly; blank lines are dropped (the grammar ignores them).
pub fn lines(input: Vec<String>, kind: DumpKind) -> Vec<String> {
    lines_and_guesses(input, kind).0
}

/// [`lines`], with what was placed by a guess.
pub fn lines_and_guesses(input: Vec<String>, kind: DumpKind) -> (Vec<String>, Guesses) {
    let mut guesses = Vec::new();
    let mut layout_guesses = Vec::new();
    let mut boxes = Vec::new();
    let mut summary = Vec::new();
    let mut ls: Vec<String> =
        input.into_iter().map(|l| l.replace('\u{c}', "")).filter(|l| !l.trim().is_empty()).collect();
    match kind {
        DumpKind::PdftotextLayout | DumpKind::PypdfLayout | DumpKind::PymupdfSort => {
            if kind == DumpKind::PypdfLayout {
                ls = pypdf::layout_lines(ls);
            }
            let (columns, mut cut) = layout_columns(ls, kind);
            boxes.append(&mut cut);
            let (rebuilt, doubts) = layout_summary::rows(columns);
            summary = doubts;
            ls = summary_rows(metric_rows(rebuilt, true, &mut layout_guesses));
        }
        DumpKind::Pdfplumber => ls = metric_rows(summary_rows(joined_columns(ls)), false, &mut guesses),
        DumpKind::Pypdf => ls = pypdf::lines(ls),
        _ => {}
    }
    if kind.cell_per_line() {
        ls = headings_apart(ls);

        ls = metric_headers(ls);
        ls = subtotal_amount(ls);
    }
    if kind != DumpKind::Plain {
        ls = stacked_numbers(ls);
        ls = cell_fragments(ls);
        ls = cuts::wrapped_breakdowns(ls);
    }
    // pypdf's plain text is in content-stream order too, once its cuts are undone.
    if matches!(kind, DumpKind::PdftotextRaw | DumpKind::Pypdf) {
        ls = cuts::item_and_block(ls);
    }
    (
        ls,
        Guesses {
            metric_items: guesses,
            layout_metric_items: layout_guesses,
            boxes,
            summary,
            box_splits: Vec::new(),
        },
    )
}

/// `小計` with its amount on the next line (one cell a line) → one line.
fn subtotal_amount(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    for l in ls {
        let amount = l.trim().trim_start_matches(['▲', '△', '-']);
        let is_amount = !amount.is_empty() && amount.chars().all(|c| c.is_ascii_digit() || c == ',');
        match out.last_mut() {
            Some(prev) if prev.trim() == "小計" && is_amount => {
                prev.push(' ');
                prev.push_str(l.trim());
            }
            _ => out.push(l),
        }
    }
    out
}

fn paren_balance(s: &str) -> i32 {
    s.chars()
        .map(|c| match c {
            '(' | '（' => 1,
            ')' | '）' => -1,
            _ => 0,
        })
        .sum()
}

/// In a metrics table, a cell wrapped inside its text by a narrow column comes as two
/// lines: `8,603 千円(R` / `4.6)` (inside parentheses) or `6,897,486 千` / `円` (inside a
/// money unit). They are one line of the cell again.
fn cell_fragments(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    let mut in_table = false;
    for l in ls {
        let t = l.trim();
        if t.starts_with("項目名") {
            in_table = true;
        } else if ends_box(t) || heading_kind(t) != (false, false) {
            in_table = false;
        }
        if in_table {
            if let Some(prev) = out.last_mut() {
                let p = prev.trim_end();
                let unit_cut = t.starts_with('円')
                    && (p.ends_with('千') || p.ends_with("百万") || p.ends_with('億'))
                    && p.chars().rev().nth(1).is_some_and(|c| c.is_ascii_digit() || c == ' ');
                let paren_cut = paren_balance(p) > 0
                    && paren_balance(t) < 0
                    && p.chars().any(|c| c.is_ascii_digit())
                    && !t.contains(' ');
                if unit_cut || paren_cut {
                    prev.push_str(t);
                    continue;
                }
            }
        }
        out.push(l);
    }
    out
}

/// Join box headings printed on lines of their own, moving the head lines an extractor
/// put between or right after them (cost, card number) back before the box.
fn headings_apart(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    let mut i = 0;
    while i < ls.len() {
        let (a, b) = heading_kind(&ls[i]);
        if a == b {
            out.push(ls[i].clone());
            i += 1;
            continue;
        }
        let partner = (i + 1..ls.len().min(i + 1 + HEADING_REACH)).find(|&j| {
            let (pa, pb) = heading_kind(&ls[j]);
            pa != pb && pa == b && pb == a
        });
        // The left column printed between the headings (`【 事業概要 】`, its sentences,
        // the card number, `【 事業実績 】`): its lines end sentences; head lines do not.
        let column_between = || {
            let j = (i + 1..ls.len().min(i + 1 + BOX_REACH))
                .take_while(|&j| !ends_box(&ls[j]))
                .find(|&j| heading_kind(&ls[j]) != (false, false))?;
            let (pa, pb) = heading_kind(&ls[j]);
            (a && pb && !pa && ls[i + 1..j].iter().any(|l| l.contains('。'))).then_some(j)
        };
        if let Some(j) = column_between() {
            // Head lines (cost, its breakdown right after it, number) caught in the column
            // go back before the box.
            let column = ls.get(i + 1..j).unwrap_or(&[]);
            let mut head: Vec<bool> = column
                .iter()
                .map(|l| COST_ONLY.is_match(l.trim()) || super::lines::is_page_number(l))
                .collect();
            // A breakdown right after a cost line, also one wrapped over lines.
            for k in 0..column.len() {
                if column.get(k).is_some_and(|l| COST_ONLY.is_match(l.trim())) {
                    let n = super::card::breakdown_lines(column.get(k + 1..).unwrap_or(&[]));
                    head.iter_mut().skip(k + 1).take(n).for_each(|h| *h = true);
                }
            }
            out.extend(column.iter().zip(&head).filter(|(_, h)| **h).map(|(l, _)| l.clone()));
            out.push("【 事業概要 】 【 事業実績 】".to_string());
            out.extend(column.iter().zip(&head).filter(|(_, h)| !**h).map(|(l, _)| l.clone()));
            i = j + 1;
            continue;
        }
        let Some(j) = partner else {
            out.push(ls[i].clone());
            i += 1;
            continue;
        };
        // Lines between the two headings belong to the head (cost, number, title tail).
        out.extend(ls[i + 1..j].iter().cloned());
        // A head printed after both headings: the cost line and the number right after.
        let mut k = j + 1;
        if ls.get(k).is_some_and(|l| COST_ONLY.is_match(l.trim())) {
            out.push(ls[k].clone());
            k += 1;
            if ls.get(k).is_some_and(|l| super::lines::is_page_number(l)) {
                out.push(ls[k].clone());
                k += 1;
            }
        }
        out.push("【 事業概要 】 【 事業実績 】".to_string());
        i = k;
    }
    out
}

/// A card number printed one digit a line (a narrow number box): extractors give the
/// digits in reading order in the card's head (`1` / `0`, before or after the title), or
/// (`pdftotext`) one right before the box and one between its columns (`6` … `1`). The digits are joined into the head's number line;
/// of the two orders, the one that follows the previous card's number, else reading order.
fn stacked_numbers(ls: Vec<String>) -> Vec<String> {
    let digit = |l: &str| {
        let t = l.trim();
        t.len() == 1 && t.bytes().all(|b| b.is_ascii_digit())
    };
    let mut out = ls.clone();
    let mut drop = vec![false; ls.len()];
    let mut last_no: Option<u32> = None;
    for h in 0..ls.len() {
        if heading_kind(&ls[h]) != (true, true) {
            continue;
        }
        // The last run of lone digits in the card's head (back to the previous card's
        // department line); a page footer of two digits or more is no part of it.
        let head_start = (h.saturating_sub(HEAD_REACH)..h)
            .rev()
            .find(|&k| ends_box(&ls[k]))
            .map_or(h.saturating_sub(HEAD_REACH), |k| k + 1);
        let Some(run_end) = (head_start..h).rev().find(|&k| digit(&ls[k])).map(|k| k + 1) else {
            // A number printed whole: the card's number is the head's last number line.
            let whole = (head_start..h).rev().find(|&k| super::lines::is_page_number(&ls[k]));
            last_no = whole.and_then(|k| ls[k].trim().parse().ok()).or(last_no);
            continue;
        };
        let mut s = run_end;
        while s > head_start && digit(&ls[s - 1]) {
            s -= 1;
        }
        // Digits in the box count only when the run is right before it.
        let before_box = run_end == h;
        let end = (h + 1..ls.len().min(h + 1 + BOX_REACH))
            .find(|&k| {
                ends_box(&ls[k]) || heading_kind(&ls[k]) != (false, false) || COST_ONLY.is_match(ls[k].trim())
            })
            .unwrap_or(ls.len().min(h + 1 + BOX_REACH));
        let in_box: Vec<usize> = (h + 1..end).filter(|&k| before_box && digit(&ls[k])).collect();
        let head: String = ls[s..run_end].iter().map(|l| l.trim()).collect();
        let boxed: String = in_box.iter().map(|&k| ls[k].trim()).collect();
        if head.len() + boxed.len() < 2 {
            last_no = head.parse().ok().or(last_no);
            continue;
        }
        let reading = format!("{head}{boxed}");
        let turned = format!("{boxed}{head}");
        let follows = |n: &str| n.parse::<u32>().ok().zip(last_no).is_some_and(|(n, l)| n == l + 1);
        let number = if !follows(&reading) && follows(&turned) { turned } else { reading };
        last_no = number.parse().ok();
        out[s] = number;
        for k in (s + 1..run_end).chain(in_box) {
            drop[k] = true;
        }
    }
    out.into_iter().zip(drop).filter(|(_, d)| !d).map(|(l, _)| l).collect()
}

/// A summary row's own line in a dump that sets cells side by side: `[○…] No [name…]
/// cost [○] [department…] page`, the name and department possibly missing (wrapped
/// cells are centred on the row: their lines are printed above and below it).
static ROW_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:[○〇◯]\s*)*)([0-9]{1,3})\s+(?:(.*?)\s+)?([▲△-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+))((?:\s+[○〇◯])?)(?:\s+(.*?))?\s+([0-9]{1,3})$")
        .expect("static regex")
});

/// One summary row's cells as read from its own line.
struct RowLine {
    marks: String,
    no: String,
    name: Option<String>,
    cost: String,
    new: String,
    department: Option<String>,
    page: String,
}

fn row_line(s: &str) -> Option<RowLine> {
    let c = ROW_LINE.captures(s.trim())?;
    let get = |i: usize| c.get(i).map(|m| m.as_str().trim().to_string()).filter(|x| !x.is_empty());
    Some(RowLine {
        marks: get(1).unwrap_or_default(),
        no: get(2)?,
        name: get(3),
        cost: get(4)?,
        new: get(5).unwrap_or_default(),
        department: get(6),
        page: get(7)?,
    })
}

/// Summary tables whose wrapped cells are centred on their row (pdfplumber, `-layout`):
/// each row is rebuilt on one line from its own line and the wrapped lines around it.
/// A row whose line lacks a cell has that cell's lines both above and below it; the lines
/// between two rows go to the row below and the row above as each needs, half and half
/// when the needs do not add up.
fn summary_rows(ls: Vec<String>) -> Vec<String> {
    let echoes = summary_steps::Echoes::of(&ls);
    let mut out = Vec::with_capacity(ls.len());
    let mut i = 0;
    while i < ls.len() {
        let Some(line) = ls.get(i) else { break };
        out.push(line.clone());
        let starts = line.trim_start().starts_with("【基本方針事業一覧】");
        i += 1;
        if !starts {
            continue;
        }
        let end = (i..ls.len())
            .find(|&k| ls.get(k).is_some_and(|l| l.trim_start().starts_with("小計")))
            .unwrap_or(ls.len());
        // A region without a row line is left as it is, for the summary grammar to
        // read (and report) what it can.
        let region = ls.get(i..end).unwrap_or(&[]);
        out.extend(summary_steps::table(region, &echoes).unwrap_or_else(|| region.to_vec()));
        i = end;
    }
    out
}

/// One line of a metrics table: its item text and its cells (with their column, when the
/// dump keeps positions).
struct MetricLine {
    item: String,
    cells: Vec<(Option<usize>, String)>,
}

impl MetricLine {
    fn copy_all(ls: &[MetricLine]) -> Vec<MetricLine> {
        ls.iter().map(|l| MetricLine { item: l.item.clone(), cells: l.cells.clone() }).collect()
    }
}

/// Runs of text of a `-layout` line (apart by two spaces or more), with the character
/// column each starts at.
fn runs(l: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = l.chars().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if chars[k].is_whitespace() {
            k += 1;
            continue;
        }
        let start = k;
        while k < chars.len()
            && !(chars[k].is_whitespace() && chars.get(k + 1).is_none_or(|c| c.is_whitespace()))
        {
            k += 1;
        }
        out.push((start, chars[start..k].iter().collect::<String>().trim().to_string()));
    }
    out
}

/// Metrics tables whose stacked cells are centred on their row (pdfplumber, `-layout`):
/// a line of cells only goes to the row (a line with an item) above or below it that
/// lacks a cell (in that cell's column, where positions tell it); an item line in
/// parentheses right after a row goes on with its item; each row is then printed as
/// its item lines followed by its cells in column order, one a line, a cell cut inside
/// a money unit or parentheses joined again — the shape [`super::metrics`] reads.
/// (The steps are in `metric_steps`.)
fn metric_rows(ls: Vec<String>, positions: bool, guesses: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(ls.len());
    let capacity = if positions { layout_metrics::item_capacity(&ls) } else { 0 };
    let mut i = 0;
    while i < ls.len() {
        let Some(line) = ls.get(i) else { break };
        let header = line.trim_start();
        if !header.starts_with("項目名") {
            out.push(if positions { close_gaps(line) } else { line.clone() });
            i += 1;
            continue;
        }
        out.push(close_gaps(header));
        let mut head = metric_steps::Header::new(line);
        i += 1;
        let end = (i..ls.len()).find(|&k| ls.get(k).is_some_and(|l| ends_box(l))).unwrap_or(ls.len());
        let table = ls.get(i..end).unwrap_or(&[]);
        if positions {
            head.fit(table);
        }
        let lines: Vec<MetricLine> =
            table.iter().map(|l| metric_steps::read_line(l, &head, positions)).collect();
        i = end;
        let ncols = head.ncols;
        // Without positions, the rows are rebuilt from the order of the lines alone
        // when a reading by centred stacks accounts for every line ([`stacked_rows`]),
        // or when the cells are set at the top of their rows ([`plumber::top_rows`]).
        if !positions && ncols > 0 {
            if let Some(rows) = stacked_rows(&lines, ncols).or_else(|| plumber::top_rows(&lines, ncols)) {
                for row in rows {
                    if row.uncertain {
                        guesses.push(row.item.concat());
                    }
                    out.extend(row.item);
                    out.extend(row.cells.into_iter().flatten());
                }
                continue;
            }
        }
        if positions && head.positioned() {
            guesses.extend(metric_steps::shared_columns(&lines));
        }
        let (lines, folded) = if positions && head.positioned() {
            layout_metrics::fold_top_aligned(lines, capacity)
        } else {
            (lines, false)
        };
        if !positions {
            guesses.extend(plumber::wrapped_item_doubts(&lines));
        }
        let lines = metric_steps::merge_notes(lines, positions, ncols, guesses);
        let owner = metric_steps::line_owners(&lines, ncols);
        let cell_owner = metric_steps::cell_owners(&lines, &owner, positions, ncols);
        metric_steps::emit(&lines, &cell_owner, positions, !folded, guesses, &mut out);
    }
    out
}

/// A line made only of parenthesised groups (`(8月～10月) (8月～10月)`) → the groups.
fn paren_groups(s: &str) -> Vec<String> {
    static GROUP: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[(（][^()（）]*[)）]").expect("static regex"));
    let groups: Vec<String> = GROUP.find_iter(s).map(|m| m.as_str().to_string()).collect();
    let rest = GROUP.replace_all(s, "");
    if rest.trim().is_empty() {
        groups
    } else {
        Vec::new()
    }
}

/// `項目名` followed by its column labels one a line → one header line.
fn metric_headers(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    let mut i = 0;
    while i < ls.len() {
        let t = ls[i].trim();
        if t.starts_with("項目名") {
            let mut header = t.to_string();
            let mut k = i + 1;
            while let Some(next) = ls.get(k).map(|l| l.trim()).filter(|l| is_column_label(l)) {
                header.push(' ');
                header.push_str(next);
                k += 1;
            }
            out.push(header);
            i = k;
        } else {
            out.push(ls[i].clone());
            i += 1;
        }
    }
    out
}

/// A metrics column label: a fiscal year (`4年度`, `R5年度`) or a year label with a note
/// such as 目標.
fn is_column_label(s: &str) -> bool {
    s.split_whitespace().all(|t| YEAR_LABEL.is_match(t) || t.starts_with("目標")) && !s.trim().is_empty()
}

/// pdfplumber: in each box, lines of two columns joined by one space are cut there; the
/// box's left column lines come first, then the right's ([`plumber`]).
fn joined_columns(ls: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(ls.len());
    let mut i = 0;
    while i < ls.len() {
        let (a, b) = heading_kind(&ls[i]);
        out.push(ls[i].clone());
        i += 1;
        if !(a && b) {
            continue;
        }
        let end = (i..ls.len()).find(|&k| ends_box(&ls[k])).unwrap_or(ls.len());
        out.extend(plumber::box_columns(ls.get(i..end).unwrap_or_default()));
        i = end;
    }
    out
}

fn ends_box(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("項目名") || ((t.starts_with('（') || t.starts_with('(')) && t.contains("担当課"))
}

/// `pdftotext -layout`: box lines cut at the right column's character position, the left
/// column's lines first; every other line has its runs of spaces closed to one. With the
/// lines, the first line of each box whose cut is a guess ([`cut_doubt`]).
fn layout_columns(ls: Vec<String>, kind: DumpKind) -> (Vec<String>, Vec<String>) {
    let mut doubts = Vec::new();
    let mut out = Vec::with_capacity(ls.len());
    let mut i = 0;
    while i < ls.len() {
        let (a, b) = heading_kind(&ls[i]);
        if !(a && b) {
            // Metrics tables keep their positions for [`metric_rows`], which closes them.
            out.push(ls[i].clone());
            i += 1;
            continue;
        }
        let chars: Vec<char> = ls[i].chars().collect();
        let right_at = chars
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] == '】')
            .map(|(k, _)| k + 1)
            .next()
            .and_then(|k| (k..chars.len()).find(|&m| chars[m] == '【'));
        out.push(close_gaps(&ls[i]));
        i += 1;
        let Some(right_at_heading) = right_at else { continue };
        let end = (i..ls.len()).find(|&k| ends_box(&ls[k])).unwrap_or(ls.len());
        // The headings are centred over their columns: where the right column's text
        // starts is told by the box's lines of two runs (the leftmost second run).
        let starts: Vec<usize> = ls[i..end].iter().filter_map(|l| second_run(l)).collect();
        // pypdf sets a justified line's pieces apart by a gap of their own, so a second run
        // can start left of the right column: there the column starts where most second
        // runs do, and a second run well left of it is the left column's.
        let pieces_apart = kind == DumpKind::PypdfLayout;
        let right_at = if pieces_apart { most_common(&starts) } else { starts.iter().copied().min() };
        let right_at = right_at.unwrap_or(right_at_heading);
        let (mut left, mut right) = (Vec::new(), Vec::new());
        let stray = |l: &str| pieces_apart && second_run(l).is_some_and(|s| s + LAYOUT_SLACK < right_at);
        // The widest left piece of the box's lines cut at the column: how much text a
        // line of the left column holds.
        let capacity = ls[i..end]
            .iter()
            .filter(|l| !stray(l))
            .map(|l| text_chars(&cut_at(l, right_at).0))
            .max()
            .unwrap_or(0);
        let mut doubted = false;
        for l in &ls[i..end] {
            let stray = stray(l);
            doubted |= pieces_apart && cut_doubt(l, right_at, stray, capacity);
            let (x, y) = if stray { (close_gaps(l), String::new()) } else { cut_at(l, right_at) };
            if !x.is_empty() {
                left.push(x);
            }
            if !y.is_empty() {
                right.push(y);
            }
        }
        if doubted {
            doubts.extend(left.first().cloned());
        }
        out.extend(left);
        out.extend(right);
        i = end;
    }
    (out, doubts)
}

/// Whether a box line of a dump whose pieces stand apart by gaps of their own (pypdf)
/// holds text of both columns that its runs do not tell apart: a line set wholly in the
/// left column (`stray`: its second run well left of the right column) holding more
/// text than a line of that column holds (`capacity`: the right column's line glued to
/// a left piece, `…当該半年毎に…`), or a line starting in the left column whose second
/// run starts well right of the right column (a left piece set beside the right
/// column's line, `（平成利子補給を…`).
fn cut_doubt(l: &str, right_at: usize, stray: bool, capacity: usize) -> bool {
    if stray {
        return text_chars(l) > capacity + LAYOUT_SLACK;
    }
    let start = l.chars().position(|c| !c.is_whitespace()).unwrap_or(usize::MAX);
    start.saturating_add(LAYOUT_SLACK) < right_at
        && second_run(l).is_some_and(|s| s > right_at + 2 * LAYOUT_SLACK)
}

/// The characters of a line other than spaces.
fn text_chars(l: &str) -> usize {
    l.chars().filter(|c| !c.is_whitespace()).count()
}

/// The value most of `xs` have (the least of those tied), if any.
fn most_common(xs: &[usize]) -> Option<usize> {
    let mut sorted = xs.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        if let Some(&x) = run.first() {
            if best.is_none_or(|(_, n)| run.len() > n) {
                best = Some((x, run.len()));
            }
        }
    }
    best.map(|(x, _)| x)
}

/// Character column where a line's second run of text starts (after two or more spaces).
fn second_run(l: &str) -> Option<usize> {
    let chars: Vec<char> = l.chars().collect();
    let start = chars.iter().position(|c| !c.is_whitespace())?;
    let gap = (start..chars.len().saturating_sub(1)).find(|&k| chars[k] == ' ' && chars[k + 1] == ' ')?;
    (gap..chars.len()).find(|&k| !chars[k].is_whitespace())
}

/// Cut a layout line into the text left of column `at` and from there on: at the run of
/// spaces nearest `at`, or, with no gap near, wholly on the side where it starts.
fn cut_at(l: &str, at: usize) -> (String, String) {
    let chars: Vec<char> = l.chars().collect();
    let start = chars.iter().position(|c| !c.is_whitespace()).unwrap_or(chars.len());
    // The first run of two or more spaces after the start.
    let gap = (start..chars.len().saturating_sub(1)).find(|&k| chars[k] == ' ' && chars[k + 1] == ' ');
    if start + LAYOUT_SLACK >= at {
        return (String::new(), close_gaps(l));
    }
    match gap {
        Some(g) => {
            let x: String = chars[..g].iter().collect();
            let y: String = chars[g..].iter().collect();
            (close_gaps(&x), close_gaps(&y))
        }
        None => (close_gaps(l), String::new()),
    }
}

fn close_gaps(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn headings_apart_are_joined_and_head_restored() {
        // pdftotext default: the cost and number between the headings.
        let got = lines(
            v(&["名前事業", "【 事業概要 】", "事業費 4,789 千円", "1", "【 事業実績 】", "本文。"]),
            DumpKind::Pdftotext,
        );
        assert_eq!(
            got,
            v(&["名前事業", "事業費 4,789 千円", "1", "【 事業概要 】 【 事業実績 】", "本文。"])
        );
        // PyMuPDF: the headings one after the other.
        let got = lines(
            v(&["名前事業", "事業費 1千円", "2", "【 事業概要 】", "【 事業実績 】"]),
            DumpKind::Pymupdf,
        );
        assert_eq!(got, v(&["名前事業", "事業費 1千円", "2", "【 事業概要 】 【 事業実績 】"]));
        // pdftotext default: the left column, then the head with its breakdown.
        let got = lines(
            v(&[
                "名前事業",
                "【 事業概要 】",
                "補助する。",
                "3",
                "事業費 20 千円",
                "(①9 千円、②11 千円)",
                "【 事業実績 】",
                "実施した。",
            ]),
            DumpKind::Pdftotext,
        );
        assert_eq!(
            got,
            v(&[
                "名前事業",
                "3",
                "事業費 20 千円",
                "(①9 千円、②11 千円)",
                "【 事業概要 】 【 事業実績 】",
                "補助する。",
                "実施した。"
            ])
        );
        // The breakdown wrapped inside its unit goes back whole.
        let got = lines(
            v(&[
                "名前事業",
                "【 事業概要 】",
                "補助する。",
                "事業費 20 千円",
                "(①9 千円、②11 千",
                "円)",
                "3",
                "【 事業実績 】",
                "実施した。",
            ]),
            DumpKind::Pdftotext,
        );
        let boxed = got.iter().position(|l| l.starts_with("【 事業概要 】"));
        let unit = got.iter().position(|l| l.ends_with("円)"));
        assert!(unit.zip(boxed).is_some_and(|(u, b)| u < b), "{got:#?}");
    }

    #[test]
    fn stacked_card_numbers_are_joined() {
        // In the head, before the title (PyMuPDF, `-raw`): `1` / `0` → 10.
        let got = lines(
            v(&[
                "（担当課：甲課）",
                "30",
                "1",
                "0",
                "題名事業",
                "事業費 1千円",
                "【 事業概要 】 【 事業実績 】",
            ]),
            DumpKind::PdftotextRaw,
        );
        assert_eq!(got[1..4], v(&["30", "10", "題名事業"]));
        // `pdftotext`: one digit before the box, the other between its columns; the
        // order that follows the previous card (15) wins over reading order.
        let got = lines(
            v(&[
                "甲事業",
                "事業費 1千円",
                "15",
                "【 事業概要 】 【 事業実績 】",
                "（担当課：甲課）",
                "乙事業",
                "事業費 2千円",
                "【 事業概要 】",
                "6",
                "【 事業実績 】",
                "計画する。",
                "1",
                "実施した。",
            ]),
            DumpKind::Pdftotext,
        );
        assert_eq!(
            got[5..],
            v(&["乙事業", "事業費 2千円", "16", "【 事業概要 】 【 事業実績 】", "計画する。", "実施した。"])
        );
    }

    #[test]
    fn left_column_between_the_headings() {
        let got = lines(
            v(&[
                "名前事業",
                "事業費 1千円",
                "【 事業概要 】",
                "計画する。",
                "1",
                "【 事業実績 】",
                "実施した。",
            ]),
            DumpKind::Pdftotext,
        );
        assert_eq!(
            got,
            v(&[
                "名前事業",
                "事業費 1千円",
                "1",
                "【 事業概要 】 【 事業実績 】",
                "計画する。",
                "実施した。"
            ])
        );
    }

    #[test]
    fn metric_header_joined() {
        let got = lines(v(&["項目名", "4年度", "5年度", "参加者", "22 名"]), DumpKind::Pymupdf);
        assert_eq!(got, v(&["項目名 4年度 5年度", "参加者", "22 名"]));
    }

    #[test]
    fn joined_box_columns_are_cut() {
        let got = lines(
            v(&[
                "【 事業概要 】 【 事業実績 】",
                "あいうえおかきく さしすせそたちつ",
                "けこする。 てとした。",
                "なにぬねのした。",
                "項目名 4年度 5年度",
            ]),
            DumpKind::Pdfplumber,
        );
        assert_eq!(got[1..5], v(&["あいうえおかきく", "けこする。", "さしすせそたちつ", "てとした。"]));
        assert_eq!(got[5], "なにぬねのした。");
    }

    #[test]
    fn layout_box_by_position() {
        let got = lines(
            v(&[
                "   【 事業概要 】      【 事業実績 】",
                "あいうえおかき     さしすせそ",
                "くけこ。",
                "                 たちつ。",
                "   項目名    4年度   5年度",
            ]),
            DumpKind::PdftotextLayout,
        );
        assert_eq!(
            got,
            v(&[
                "【 事業概要 】 【 事業実績 】",
                "あいうえおかき",
                "くけこ。",
                "さしすせそ",
                "たちつ。",
                "項目名 4年度 5年度"
            ])
        );
    }

    #[test]
    fn pypdf_layout_keeps_a_piece_set_apart_in_its_column() {
        let ls = v(&[
            "   【 事業概要 】      【 事業実績 】",
            "あいうえおかき     さしすせそ",
            "くけこ。   （なにぬ",
            "ねの）。        たちつ。",
            "   項目名    4年度   5年度",
        ]);
        // The right column starts at 12 on two lines; `（なにぬ` at 7 is the left's.
        let want = ["あいうえおかき", "くけこ。 （なにぬ", "ねの）。", "さしすせそ", "たちつ。"];
        assert_eq!(lines(ls.clone(), DumpKind::PypdfLayout)[1..6], v(&want));
        // `pdftotext -layout` keeps no such pieces: the leftmost second run starts the column.
        assert_eq!(lines(ls, DumpKind::PdftotextLayout)[2], "くけこ。");
    }
}

#[cfg(test)]
mod stacked_tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn stacked_cells_follow_their_stacks() {
        let got = lines(
            v(&[
                "項目名 ４年度 ５年度",
                "651件 668件",
                "甲資金 融資件数・融資額 6,897,486千 6,548,579千",
                "円 円",
                "142件",
                "60件",
                "乙資金 融資件数・融資額 1,615,900千",
                "895,500千円",
                "円",
                "（担当課：甲課）",
            ]),
            DumpKind::Pdfplumber,
        );
        assert_eq!(
            got,
            v(&[
                "項目名 ４年度 ５年度",
                "甲資金 融資件数・融資額",
                "651件",
                "6,897,486千円",
                "668件",
                "6,548,579千円",
                "乙資金 融資件数・融資額",
                "142件",
                "1,615,900千円",
                "60件",
                "895,500千円",
                "（担当課：甲課）",
            ])
        );
    }

    #[test]
    fn a_box_line_holding_both_columns_unseparated_is_a_doubt() {
        // The right column starts at 31; left lines hold up to 18 characters.
        // A left piece set right of the right column's line.
        let l = "定化サポート資金」の「災害復旧枠」                          （平成利子補給を実施した。";
        assert!(cut_doubt(l, 31, false, 18));
        // A right column's own justified pieces, or a line cut at the column: no doubt.
        let l = "                               する「教育支援活動展示会」                                    （６地区）等";
        assert!(!cut_doubt(l, 31, false, 18));
        let l = "害を受けた県内中小企業者を金融面から支            の平成２２年度及び２３年度の融資実績";
        assert!(!cut_doubt(l, 31, false, 18));
        // A stray line of the left column holding more than a left line holds.
        let l = "拡大を支援する。            （認定された場合、当該半年毎に購入実績を確認した。";
        assert!(cut_doubt(l, 30, true, 18));
        let l = "別対策資金」                （令和２年度から３年度まで実";
        assert!(!cut_doubt(l, 31, true, 20));
    }
}
