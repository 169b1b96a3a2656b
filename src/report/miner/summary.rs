//! Summary tables of a pdfminer.six dump, rebuilt into one line a row.
//!
//! pdfminer prints a table's cells as text boxes in its own reading order: runs of names
//! (a No. glued before its name, `3 あおもり…`, or printed alone before or after it),
//! runs of costs, runs of departments, the 掲載頁 after them — often several rows of one
//! column before the next column's. What it keeps is the order *within* each column,
//! top to bottom. So each line is told by its shape (never by a report's words), the
//! wrapped lines of a cell are joined, and each column is dealt to the rows in No. order:
//!
//! - No.: a number glued before a name, or a run of numbers continuing the rows' count
//!   next to a name without one;
//! - 事業名: text that is not a department (its wrapped lines: after a line as wide as
//!   the widest, or with a parenthesis open);
//! - 担当課: text ending like a department (課, 室, 局, センター…), or one that a short
//!   line completes (`産業イノベーション推進` / `課`);
//! - cost: an amount with thousands commas, or a plain number that is not a 掲載頁;
//! - 掲載頁: a plain number not below the last one read and not far above it;
//! - ○: after a cost, that row's 新規 mark; before a No. (a table shared by several basic
//!   policies), that row's policy marks — tied to it only on the No.'s line or in its
//!   text box.
//!
//! Where the columns do not count up to the rows, or a ○ stands apart from any row, the
//! rows are still dealt in order but returned with [`Doubt`]s, for a warning on their
//! cards: never a silent guess.

use regex::Regex;
use std::sync::LazyLock;

// The cells' shapes are the ones `pdftotext`'s column runs are told by.
use crate::report::column_runs::{
    amount_value, department_line, ends_department, heading, is_circled, is_mark, paren_open, width, Doubt,
};

static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[▲△-]?[0-9]{1,3}(?:,[0-9]{3})+$").expect("static regex"));
static PLAIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]{1,6}$").expect("static regex"));
/// Marks, then a No., then maybe the name: `○ ○ 2`, `○ 8 食品…`, `3 あおもり…`.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:[○〇◯]\s*)*)([0-9]{1,3})(?:\s+([^0-9,○〇◯\s].*))?$").expect("static regex")
});

/// How far above the last 掲載頁 read a plain number is still taken for one: the cards
/// of consecutive rows sit within a few pages of each other, while a cost printed
/// without commas (under 1,000) is rarely that close.
const PAGE_REACH: u32 = 10;
/// How far past the next No. a run of Nos printed ahead of it may start.
const NO_REACH: u32 = 3;
/// Fewest 掲載頁 in a run for the run to be a table's 掲載頁 column.
const MIN_PAGE_RUN: usize = 2;
/// A line completing a department is short (`課`, `局）`, `民局）`).
const COMPLETION_CHARS: usize = 4;
/// A name line this close (in widths of a wide character) to the widest line of the
/// table was wrapped by the column: the next line goes on with it.
const WRAP_SLACK: f32 = 1.5;

/// One line of a region by its shape.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Heading,
    Subtotal(Option<String>),
    Marks(usize),
    /// Marks before it, the No., the name's first line if on the line.
    Numbered(usize, u32, Option<String>),
    Amount(String),
    Plain(u32),
    Text(String),
}

/// The region's lines (blank lines dropped) classified, each with whether it follows the
/// line before it in one text box (no blank line between).
fn tokens(lines: &[String]) -> Vec<(Tok, bool)> {
    let mut same_box = Vec::new();
    let mut ls: Vec<String> = Vec::new();
    let mut blank = true;
    for l in lines {
        // Classified as the grammar will read it (Kangxi radicals folded, …).
        let n = crate::normalize::text(l);
        let t = n.trim();
        if t.is_empty() {
            blank = true;
            continue;
        }
        same_box.push(!blank);
        blank = false;
        ls.push(t.to_string());
    }
    let mut is_head = vec![false; ls.len()];
    for (i, is) in is_head.iter_mut().enumerate() {
        let Some(line) = ls.get(i) else { continue };
        if line.starts_with("小計") {
            continue;
        }
        let mut head = heading(line) || line.chars().all(|c| is_circled(c) || c.is_whitespace());
        // A heading word cut over two or three lines (`基本` / `方針`, `R5` / `新規`).
        for len in 2..=3 {
            for start in i.saturating_sub(len - 1)..=i {
                let Some(group) = ls.get(start..start + len) else { continue };
                if !group.iter().any(|g| g.starts_with("小計")) && heading(&group.concat()) {
                    head = true;
                }
            }
        }
        *is = head;
    }
    ls.iter()
        .zip(is_head)
        .zip(same_box)
        .flat_map(|((t, head), same)| {
            let toks = if head { vec![Tok::Heading] } else { cells(t) };
            // The pieces of one line are one text box.
            toks.into_iter().enumerate().map(move |(k, tok)| (tok, same || k > 0))
        })
        .collect()
}

/// A line's tokens: one, or several where a writer's text box holds a row's cells side
/// by side — a cost with its 新規 ○ (`23,408 ○`), a department with its 掲載頁
/// (`甲課 99`), or all of them (`18,646 ○ 甲課 115`). Split only where every piece has
/// a cell's shape; anything else is one line of text.
fn cells(t: &str) -> Vec<Tok> {
    let whole = shape(t);
    if !matches!(whole, Tok::Text(_)) {
        return vec![whole];
    }
    let mut out = Vec::new();
    let mut rest = t.trim();
    if let Some((first, after)) = rest.split_once(char::is_whitespace) {
        if AMOUNT.is_match(first) {
            out.push(Tok::Amount(first.to_string()));
            rest = after.trim_start();
            if let Some(after_mark) = rest.strip_prefix(['○', '〇', '◯']) {
                out.push(Tok::Marks(1));
                rest = after_mark.trim_start();
            }
        }
    }
    let page = rest.rsplit_once(char::is_whitespace).and_then(|(head, last)| {
        let head = head.trim_end();
        let n: u32 = last.parse().ok().filter(|_| PLAIN.is_match(last))?;
        department_line(head).then(|| (head.to_string(), n))
    });
    match page {
        Some((department, n)) => {
            out.push(Tok::Text(department));
            out.push(Tok::Plain(n));
        }
        None if out.is_empty() => return vec![whole],
        None if rest.is_empty() => {}
        None if department_line(rest) => out.push(Tok::Text(rest.to_string())),
        // A cost glued before something that is not a department: leave the line whole.
        None => return vec![whole],
    }
    out
}

/// A line's token by its shape (not a heading).
fn shape(t: &str) -> Tok {
    if let Some(rest) = t.strip_prefix("小計") {
        let rest = rest.trim();
        return Tok::Subtotal((!rest.is_empty()).then(|| rest.to_string()));
    }
    if is_mark(t) {
        return Tok::Marks(t.split_whitespace().count());
    }
    if AMOUNT.is_match(t) {
        return Tok::Amount(t.to_string());
    }
    if let Some(c) = NUMBERED.captures(t) {
        let marks = c.get(1).map_or(0, |m| m.as_str().split_whitespace().count());
        let name = c.get(3).map(|m| m.as_str().to_string());
        if let Some(n) = c.get(2).and_then(|m| m.as_str().parse().ok()) {
            if marks > 0 || name.is_some() {
                return Tok::Numbered(marks, n, name);
            }
        }
    }
    match t.parse() {
        Ok(n) if PLAIN.is_match(t) => Tok::Plain(n),
        _ => Tok::Text(t.to_string()),
    }
}

/// A cost or 掲載頁 as read: an amount, or a plain number (either), and whether a 新規 ○
/// follows it.
#[derive(Debug, Clone)]
struct Value {
    text: String,
    plain: Option<u32>,
    new: bool,
}

/// The columns of a table as read.
#[derive(Debug, Default)]
struct Columns {
    /// Each row's No. and policy marks, in the order read.
    nos: Vec<(u32, usize)>,
    /// Names: the No. glued to them, if any, and the text (wrapped lines apart by `\n`).
    names: Vec<(Option<u32>, String)>,
    /// Costs and 掲載頁 in the order read (told apart by [`pages_apart`]).
    values: Vec<Value>,
    departments: Vec<String>,
    subtotal: Option<String>,
    /// Whether a 小計 line was read (its amount may come apart from it).
    subtotal_seen: bool,
    loose_marks: usize,
    /// Marks before Nos printed apart from them (`○` / `○` / `5` / `6`).
    apart_marks: bool,
}

impl Columns {
    fn next_no(&self) -> u32 {
        self.nos.iter().map(|n| n.0).max().map_or(1, |m| m + 1)
    }
    /// Names read without a No. beyond the Nos read without a name.
    fn names_waiting(&self) -> usize {
        let unnumbered = self.names.iter().filter(|(no, _)| no.is_none()).count();
        let bare = self.nos.iter().filter(|(no, _)| !self.names.iter().any(|(m, _)| *m == Some(*no))).count();
        unnumbered.saturating_sub(bare)
    }
}

/// Which text cell the last line went into.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Name,
    Department,
}

/// Read a region's tokens into columns. `shared`: the table has policy-mark columns.
fn read(toks: &[(Tok, bool)], shared: bool) -> Columns {
    let mut c = Columns::default();
    let max_width = toks
        .iter()
        .filter_map(|t| match &t.0 {
            Tok::Text(s) if !department_line(s) => Some(width(s)),
            Tok::Numbered(_, _, Some(s)) => Some(width(s)),
            _ => None,
        })
        .fold(0.0_f32, f32::max);
    // Marks read apart from a No., each with whether the text ties it to the next No.
    let mut pending_marks: Vec<(usize, bool)> = Vec::new();
    let mut open: Option<Open> = None;
    let mut i = 0;
    while let Some((t, same_box)) = toks.get(i) {
        let prev = i.checked_sub(1).and_then(|k| toks.get(k)).map(|t| &t.0);
        let next = toks.get(i + 1).map(|t| &t.0);
        i += 1;
        match t {
            Tok::Heading => {}
            Tok::Subtotal(a) => {
                c.subtotal_seen = true;
                if a.is_some() {
                    c.subtotal.clone_from(a);
                }
                open = None;
            }
            Tok::Marks(n) => {
                let after_value = matches!(prev, Some(Tok::Amount(_) | Tok::Plain(_)))
                    && c.values.last().is_some_and(|v| !v.new)
                    && !matches!(next, Some(Tok::Numbered(0, ..)) | Some(Tok::Plain(_)) if shared);
                if after_value && *n == 1 {
                    if let Some(last) = c.values.last_mut() {
                        last.new = true;
                    }
                } else if shared {
                    // Tied to a row only when the No. follows in the same text box; a ○
                    // in a box of its own may belong to any row near it.
                    let tied = matches!(toks.get(i), Some((Tok::Numbered(0, ..) | Tok::Plain(_), true)));
                    pending_marks.push((*n, tied));
                } else {
                    c.loose_marks += n;
                }
                open = None;
            }
            Tok::Numbered(marks, no, name) => {
                let marks = if *marks > 0 {
                    *marks
                } else if !pending_marks.is_empty() {
                    let (n, tied) = pending_marks.remove(0);
                    c.apart_marks |= !tied;
                    n
                } else {
                    0
                };
                c.nos.push((*no, marks));
                open = name.as_ref().map(|n| {
                    c.names.push((Some(*no), n.clone()));
                    Open::Name
                });
            }
            Tok::Amount(a) => {
                c.values.push(Value { text: a.clone(), plain: None, new: false });
                open = None;
            }
            Tok::Plain(n) => {
                // A run of numbers continuing the rows' count, next to a name without a
                // No. (before or after it) or when names wait for one.
                let next = c.next_no();
                let run_from = |start: u32| {
                    toks.get(i - 1..)
                        .unwrap_or_default()
                        .iter()
                        .map_while(|t| match t.0 {
                            Tok::Plain(m) => Some(m),
                            _ => None,
                        })
                        .zip(start..)
                        .take_while(|(m, e)| m == e)
                        .count()
                };
                // A later run of Nos printed before the glued Nos that come next (`29` /
                // `30` / `31` / `27 甲…` / `28 乙…`): a run right before the next No.
                let ahead = *n > next && *n <= next + NO_REACH && {
                    let r = run_from(*n);
                    matches!(toks.get(i - 1 + r).map(|t| &t.0), Some(Tok::Numbered(_, m, _)) if *m == next)
                };
                let expected = if ahead { *n } else { next };
                let run = run_from(expected);
                let after = toks.get(i - 1 + run).map(|t| &t.0);
                let name_follows = matches!(after, Some(Tok::Text(s)) if !department_line(s))
                    || c.nos.is_empty() && matches!(after, Some(Tok::Heading));
                // Names waiting for Nos take a run not followed by another plain number
                // (a 掲載頁 column repeats and goes on); the run's last Nos may be for
                // names printed after it.
                let for_waiting =
                    c.names_waiting() > 0 && after.is_some() && !matches!(after, Some(Tok::Plain(_)));
                if run > 0 && (name_follows || for_waiting || ahead) {
                    for k in 0..run {
                        let (marks, tied) =
                            if pending_marks.is_empty() { (0, true) } else { pending_marks.remove(0) };
                        // Only the run's first No. can share a box with the mark before it.
                        c.apart_marks |= marks > 0 && (!tied || k > 0);
                        c.nos.push((expected + k as u32, marks));
                    }
                    i += run - 1;
                } else {
                    c.values.push(Value { text: n.to_string(), plain: Some(*n), new: false });
                }
                open = None;
            }
            Tok::Text(s) => {
                let goes_on = match (open, c.names.last(), c.departments.last()) {
                    (Some(Open::Name), Some((_, name)), _) => {
                        let last_line = name.rsplit('\n').next().unwrap_or(name);
                        *same_box || paren_open(name) || width(last_line) + WRAP_SLACK >= max_width
                    }
                    (Some(Open::Department), _, Some(d)) => {
                        paren_open(d)
                            || !ends_department(d)
                                && ends_department(s)
                                && s.chars().count() <= COMPLETION_CHARS
                    }
                    _ => false,
                };
                if goes_on {
                    let cell = match open {
                        Some(Open::Name) => c.names.last_mut().map(|n| &mut n.1),
                        _ => c.departments.last_mut(),
                    };
                    if let Some(cell) = cell {
                        cell.push('\n');
                        cell.push_str(s);
                    }
                    continue;
                }
                // A department's first line ends like one, or is completed by the next.
                let completes = matches!(next, Some(Tok::Text(n)) if ends_department(n) && n.chars().count() <= COMPLETION_CHARS);
                let no_project = !["事業", "補助", "費"].iter().any(|w| s.contains(w));
                let dept_start =
                    paren_open(s) && ["課", "室", "局", "センター"].iter().any(|e| s.contains(e));
                if department_line(s) || no_project && (dept_start || completes) {
                    c.departments.push(s.clone());
                    open = Some(Open::Department);
                } else {
                    c.names.push((None, s.clone()));
                    open = Some(Open::Name);
                }
            }
        }
    }
    c.loose_marks += pending_marks.iter().map(|m| m.0).sum::<usize>();
    c
}

/// The 掲載頁 among the plain numbers read: the longest run (in reading order, not
/// necessarily adjacent) that never goes down and never jumps more than [`PAGE_REACH`]
/// up — the cards of consecutive rows follow each other, a cost under 1,000 printed
/// without commas falls outside. Returns which values are pages.
fn pages_apart(values: &[Value]) -> Vec<bool> {
    let plains: Vec<(usize, u32)> =
        values.iter().enumerate().filter_map(|(k, v)| Some((k, v.plain?))).collect();
    // Longest chain ending at each plain, and the plain before it in the chain.
    let mut best: Vec<(usize, Option<usize>)> = Vec::with_capacity(plains.len());
    for (j, &(_, p)) in plains.iter().enumerate() {
        let mut here = (1, None);
        for (k, &(_, q)) in plains.iter().enumerate().take(j) {
            if q <= p && p <= q + PAGE_REACH {
                if let Some(&(len, _)) = best.get(k) {
                    if len + 1 > here.0 {
                        here = (len + 1, Some(k));
                    }
                }
            }
        }
        best.push(here);
    }
    let mut pages = vec![false; values.len()];
    // A table printed without its 掲載頁 has no such run: a lone plain number is a cost.
    if best.iter().map(|b| b.0).max().unwrap_or(0) < MIN_PAGE_RUN {
        return pages;
    }
    let end = (0..best.len()).max_by_key(|&j| (best.get(j).map_or(0, |b| b.0), std::cmp::Reverse(j)));
    let mut at = end;
    while let Some(j) = at {
        if let Some(&(k, _)) = plains.get(j) {
            if let Some(p) = pages.get_mut(k) {
                *p = true;
            }
        }
        at = best.get(j).and_then(|b| b.1);
    }
    pages
}

/// Deal the columns to rows (in No. order) and print one line a row.
fn deal(mut c: Columns, doubts: &mut Vec<Doubt>) -> Vec<String> {
    let mut is_page = pages_apart(&c.values);
    // A page's footer printed among the 掲載頁 (pdfminer does not print it last): a
    // number right before the run that makes it longer than the rows, or one right after
    // a 掲載頁 and below it. Neither is a cost.
    let mut footer = vec![false; c.values.len()];
    let rows = c.nos.len();
    let chain: Vec<usize> = (0..is_page.len()).filter(|&k| is_page.get(k) == Some(&true)).collect();
    if chain.len() > rows {
        if let (Some(&a), Some(&b)) = (chain.first(), chain.get(1)) {
            if c.values.get(a).and_then(|v| v.plain) < c.values.get(b).and_then(|v| v.plain) {
                if let (Some(p), Some(f)) = (is_page.get_mut(a), footer.get_mut(a)) {
                    *p = false;
                    *f = true;
                }
            }
        }
    }
    for (k, foot) in footer.iter_mut().enumerate().skip(1) {
        let (Some(prev), Some(v)) = (c.values.get(k - 1), c.values.get(k)) else { continue };
        if is_page.get(k - 1) == Some(&true)
            && is_page.get(k) == Some(&false)
            && v.plain < prev.plain
            && v.plain.is_some()
        {
            *foot = true;
        }
    }
    let mut pages = Vec::new();
    let mut costs: Vec<(String, bool)> = Vec::new();
    for ((v, page), foot) in c.values.iter().zip(is_page).zip(footer) {
        if page {
            pages.push(v.text.clone());
            c.loose_marks += usize::from(v.new);
        } else if !foot {
            costs.push((v.text.clone(), v.new));
        }
    }
    // The 小計's amount: the amount that is the sum of the others, else the last.
    if c.subtotal.is_none() && c.subtotal_seen {
        let values: Vec<Option<i64>> = costs.iter().map(|(a, _)| amount_value(a)).collect();
        let total: i64 = values.iter().flatten().sum();
        let at = values
            .iter()
            .position(|v| v.is_some_and(|v| 2 * v == total))
            .or_else(|| costs.len().checked_sub(1));
        if let Some(at) = at {
            c.subtotal = Some(costs.remove(at).0);
        }
    }
    let mut nos = c.nos.clone();
    nos.sort_by_key(|n| n.0);
    nos.dedup_by_key(|n| n.0);
    let n = nos.len();
    let table_name = c.names.first().map(|x| x.1.replace('\n', "")).unwrap_or_default();
    let mut unnumbered = c.names.iter().filter(|(no, _)| no.is_none()).map(|(_, s)| s.clone());
    let names: Vec<String> = nos
        .iter()
        .map(|(no, _)| match c.names.iter().find(|(m, _)| *m == Some(*no)) {
            Some((_, s)) => s.clone(),
            None => unnumbered.next().unwrap_or_default(),
        })
        .collect();
    let left_names = unnumbered.count();
    let counts = [c.names.len(), costs.len(), c.departments.len(), pages.len()];
    if counts.iter().any(|&k| k != n) || left_names > 0 {
        doubts.push(Doubt {
            no: None,
            name: table_name.clone(),
            message: format!(
                "summary table printed as text boxes: {n} rows but {} names, {} costs, {} departments and {} 掲載頁; rows after the first difference may hold another row's cells",
                c.names.len(),
                costs.len(),
                c.departments.len(),
                pages.len()
            ),
        });
    }
    if c.loose_marks > 0 || c.apart_marks {
        doubts.push(Doubt {
            no: None,
            name: table_name,
            message: "○ marks printed apart from their rows: which rows they mark is a guess (read in order)"
                .into(),
        });
    }
    let mut out = Vec::with_capacity(n + 1);
    for (k, ((no, marks), name)) in nos.iter().zip(names).enumerate() {
        let mut line = "○ ".repeat(*marks);
        line.push_str(&format!("{no} {}", name.replace('\n', "")));
        if let Some((cost, new)) = costs.get(k) {
            line.push(' ');
            line.push_str(cost);
            if *new {
                line.push_str(" ○");
            }
        }
        // A department's wrapped lines are one cell: joined as the name's are.
        if let Some(d) = c.departments.get(k).filter(|d| !d.is_empty()) {
            line.push(' ');
            line.push_str(&d.replace('\n', ""));
        }
        if let Some(p) = pages.get(k) {
            line.push_str(&format!(" {p}"));
        }
        out.push(line);
    }
    if let Some(s) = c.subtotal {
        out.push(format!("小計 {s}"));
    }
    out
}

/// Rebuild the summary tables of a pdfminer dump's lines (form feeds still at the
/// starts of pages): a table's region runs from its 【基本方針事業一覧】 line to the end
/// of the page that prints its 小計. A region where a card starts (no page end between
/// the 小計 and a cost line or box heading) is left as printed.
pub fn rebuild(ls: Vec<String>, doubts: &mut Vec<Doubt>) -> Vec<String> {
    // As the grammar will read it (Kangxi radicals folded: `基本⽅針`).
    let squash = |s: &str| {
        crate::normalize::text(s).chars().filter(|c| !c.is_whitespace() && *c != '\u{c}').collect::<String>()
    };
    let card_start = |s: &str| {
        let q = squash(s);
        q.contains("【事業概要】") || q.contains("【事業実績】") || q.starts_with("事業費")
    };
    let mut out = Vec::with_capacity(ls.len());
    let mut i = 0;
    while let Some(line) = ls.get(i) {
        out.push(line.clone());
        i += 1;
        if !squash(line).contains("【基本方針事業一覧】") {
            continue;
        }
        let Some(sub) = (i..ls.len())
            .take_while(|&k| {
                ls.get(k).is_some_and(|l| !card_start(l) && !squash(l).contains("【基本方針事業一覧】"))
            })
            .find(|&k| ls.get(k).is_some_and(|l| squash(l).starts_with("小計")))
        else {
            continue;
        };
        let end = (sub + 1..ls.len())
            .find(|&k| ls.get(k).is_some_and(|l| l.starts_with('\u{c}')))
            .unwrap_or(ls.len());
        if ls.get(sub + 1..end).unwrap_or_default().iter().any(|l| card_start(l)) {
            continue;
        }
        // Cells printed on the page before the table's heading (a 掲載頁 column, a cut
        // heading word): only numbers and heading pieces since the page's start.
        let page_start =
            (0..i.saturating_sub(1)).rev().find(|&k| ls.get(k).is_some_and(|l| l.starts_with('\u{c}')));
        let before: &[String] = page_start.and_then(|k| ls.get(k..i - 1)).unwrap_or_default();
        let only_cells = |l: &String| {
            let t = crate::normalize::text(l.trim_start_matches('\u{c}'));
            let t = t.trim();
            t.is_empty()
                || PLAIN.is_match(t)
                || heading(t)
                || heading(&format!("掲載{t}"))
                || heading(&format!("{t}頁"))
        };
        let lead = if !before.is_empty()
            && before.iter().all(only_cells)
            && before.iter().any(|l| !l.trim().is_empty())
        {
            before.to_vec()
        } else {
            Vec::new()
        };
        // Only the lead's numbers: its heading pieces would not join the heading's others.
        let numbers = lead
            .iter()
            .filter(|l| PLAIN.is_match(crate::normalize::text(l.trim_start_matches('\u{c}')).trim()));
        let region: Vec<String> = numbers
            .chain(ls.get(i..end).unwrap_or_default())
            .map(|l| l.trim_start_matches('\u{c}').to_string())
            .collect();
        let shared =
            region.iter().take_while(|l| !l.trim().starts_with("No")).any(|l| l.chars().any(is_circled));
        let toks = tokens(&region);
        let rows = deal(read(&toks, shared), doubts);
        if rows.is_empty() {
            continue;
        }
        if !lead.is_empty() {
            // The heading line goes after the lead's page start, which keeps its form feed.
            let heading_line = out.pop();
            out.truncate(out.len().saturating_sub(lead.len()));
            out.push("\u{c}".to_string());
            out.extend(heading_line);
        }
        out.extend(rows);
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn columns_dealt_to_rows() {
        let mut d = Vec::new();
        let got = rebuild(
            v(&[
                "【基本方針事業一覧】",
                "No.",
                "1",
                "2",
                "事業名",
                "R5 事業費",
                "（千円）",
                "担当課等",
                "掲載頁",
                "甲の未来をつくるデジタル人財育成事",
                "業",
                "4,789",
                "甲推進課（西北地域県",
                "民局）",
                "乙事業",
                "590",
                "乙課",
                "3 丙事業",
                "4 丁事業",
                "8,969",
                "3,644",
                "産業イノベーション推進",
                "課",
                "乙課",
                "18,754",
                "○",
                "乙課",
                "5",
                "戊事業",
                "小計",
                "36,746",
                "22",
                "24",
                "25",
                "25",
                "26",
                "\u{c}次",
            ]),
            &mut d,
        );
        assert_eq!(
            got,
            v(&[
                "【基本方針事業一覧】",
                "1 甲の未来をつくるデジタル人財育成事業 4,789 甲推進課（西北地域県民局） 22",
                "2 乙事業 590 乙課 24",
                "3 丙事業 8,969 産業イノベーション推進課 25",
                "4 丁事業 3,644 乙課 25",
                "5 戊事業 18,754 ○ 乙課 26",
                "小計 36,746",
                "\u{c}次",
            ])
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn pages_printed_before_the_heading() {
        let mut d = Vec::new();
        let got = rebuild(
            v(&[
                "\u{c}頁",
                "30",
                "31",
                "【基本方針事業一覧】",
                "No.",
                "事業名",
                "1 甲事業",
                "2 乙事業",
                "100",
                "200",
                "甲課",
                "乙課",
                "小計 300",
            ]),
            &mut d,
        );
        assert_eq!(
            got,
            v(&["\u{c}", "【基本方針事業一覧】", "1 甲事業 100 甲課 30", "2 乙事業 200 乙課 31", "小計 300"])
        );
        assert!(d.is_empty(), "{d:?}");
        // Prose before the heading on its page: no lead taken.
        let got = rebuild(
            v(&["\u{c}概要を述べる。", "30", "【基本方針事業一覧】", "1 甲事業", "100", "甲課", "小計 100"]),
            &mut d,
        );
        assert_eq!(got[..3], v(&["\u{c}概要を述べる。", "30", "【基本方針事業一覧】"]));
    }

    #[test]
    fn nos_printed_ahead_of_the_glued_ones() {
        let mut d = Vec::new();
        let got = rebuild(
            v(&[
                "【基本方針事業一覧】",
                "40",
                "41",
                "42",
                "3",
                "1 甲の長い名前の事業",
                "2 乙事業",
                "丙事業",
                "100",
                "200",
                "300",
                "甲課",
                "乙課",
                "丙課",
                "小計 600",
            ])
            .into_iter()
            .flat_map(|l| [l, String::new()])
            .collect(),
            &mut d,
        );
        assert_eq!(
            got[1..4],
            v(&["1 甲の長い名前の事業 100 甲課 40", "2 乙事業 200 乙課 41", "3 丙事業 300 丙課 42"])
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn short_columns_are_a_doubt() {
        let mut d = Vec::new();
        let got = rebuild(
            v(&[
                "【基本方針事業一覧】",
                "1 甲事業",
                "2 乙事業",
                "100",
                "甲課",
                "乙課",
                "30",
                "31",
                "小計 100",
            ]),
            &mut d,
        );
        assert_eq!(got[1], "1 甲事業 100 甲課 30");
        assert_eq!(d.len(), 1, "{d:?}");
    }
    #[test]
    fn a_mark_in_its_own_box_is_a_doubt() {
        // A table shared by two basic policies; each row's ○ printed before its No.
        let table = |mark_box: &[&str]| {
            let mut ls = v(&["【基本方針事業一覧】", "基本方針 ⑥", "", "基本方針 ⑦", "", "No.", ""]);
            ls.extend(v(mark_box));
            ls.extend(v(&[
                "",
                "○ ○ 2 乙事業",
                "",
                "100",
                "",
                "200",
                "",
                "甲課",
                "",
                "乙課",
                "",
                "小計 300",
                "",
                "30",
                "",
                "31",
            ]));
            ls
        };
        let mut d = Vec::new();
        let got = rebuild(table(&["○", "", "1 甲事業"]), &mut d);
        assert_eq!(got[1..3], v(&["○ 1 甲事業 100 甲課 30", "○ ○ 2 乙事業 200 乙課 31"]));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d.iter().all(|x| x.message.contains("○ marks")), "{d:?}");
        // The same ○ in the No.'s own text box is tied to it.
        let mut d = Vec::new();
        let got = rebuild(table(&["○", "1 甲事業"]), &mut d);
        assert_eq!(got[1], "○ 1 甲事業 100 甲課 30");
        assert!(d.is_empty(), "{d:?}");
    }
    #[test]
    fn a_rows_cells_on_one_line_are_split() {
        assert_eq!(cells("甲課 99"), vec![Tok::Text("甲課".into()), Tok::Plain(99)]);
        assert_eq!(cells("23,408 ○"), vec![Tok::Amount("23,408".into()), Tok::Marks(1)]);
        assert_eq!(
            cells("18,646 ○ 甲推進課 115"),
            vec![Tok::Amount("18,646".into()), Tok::Marks(1), Tok::Text("甲推進課".into()), Tok::Plain(115)]
        );
        // Not every piece a cell: one line of text.
        assert_eq!(cells("甲事業 2"), vec![Tok::Text("甲事業 2".into())]);
        assert_eq!(cells("1,000 名の参加"), vec![Tok::Text("1,000 名の参加".into())]);
        // In a table: the 新規 ○ goes with its cost, the 掲載頁 with its row.
        let mut d = Vec::new();
        let got = rebuild(
            v(&[
                "【基本方針事業一覧】",
                "1 甲事業",
                "2 乙事業",
                "1,000",
                "甲課 30",
                "2,000 ○ 乙課 31",
                "小計 3,000",
            ])
            .into_iter()
            .flat_map(|l| [l, String::new()])
            .collect(),
            &mut d,
        );
        assert_eq!(got[1..4], v(&["1 甲事業 1,000 甲課 30", "2 乙事業 2,000 ○ 乙課 31", "小計 3,000"]));
        assert!(d.is_empty(), "{d:?}");
    }
}
