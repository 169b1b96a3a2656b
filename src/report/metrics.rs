//! The card's metrics table: 項目名 × fiscal-year columns, cells with parsed quantities.
//!
//! A text dump prints a row as `item cell cell` when it fits one line; otherwise the item
//! wraps first, then the cells follow, possibly one per line, possibly several values
//! per cell (`6件` / `8名`) or notes under a value (`(8月～10月)`). Cell values are read
//! from the line ends; when a row has more values than columns they are grouped into
//! contiguous runs that look alike (same units, same kind of note; a dash alone).

use regex::Regex;
use std::sync::LazyLock;

use super::marks::parens_closed;
use crate::model::{Cell, MetricColumn, MetricRow, Quantity};

/// A value token at the end of a line: `22名`, `延べ 13名`, `78.4 %`, `18名・5名`,
/// `4者(R4.6)`, or a dash standing for "no value".
static ATOM_AT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)((?:延べ\s*)?[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:%|[^\s0-9()（）・、,.\-‐‑‒–—―−－]{1,4})?(?:\([^()]*\))?(?:・[0-9][0-9,]*(?:\.[0-9]+)?\s*[^\s0-9()（）・、,.\-‐‑‒–—―−－]{0,4})*|[-‐‑‒–—―−－])\s*$",
    )
    .expect("static regex")
});
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(延べ\s*)?([0-9][0-9,]*(?:\.[0-9]+)?)\s*(%|[^\s0-9()（）・、,.\-～〜:：]{1,3})?")
        .expect("static regex")
});
static YEAR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(令和|平成|R|H)?\s*([0-9]+|元)\s*年度$").expect("static regex"));

static YEAR_LABEL_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:令和|平成|R|H)?\s*(?:[0-9]+|元)\s*年度").expect("static regex"));
static ITEM_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^項\s*目\s*名").expect("static regex"));

/// The era of the report, used for bare `４年度` column labels.
#[derive(Debug, Clone, Copy)]
pub struct Era {
    /// Gregorian year of era year 1 minus one (令和: 2018).
    pub offset: i32,
}

pub fn era_offset(era: &str) -> Option<i32> {
    match era {
        "令和" | "R" => Some(2018),
        "平成" | "H" => Some(1988),
        _ => None,
    }
}

/// `4年度` → 2022 (in 令和), `H30年度` → 2018.
pub fn fiscal_year(label: &str, era: Option<Era>) -> Option<i32> {
    let caps = YEAR_LABEL.captures(label.trim())?;
    let n: i32 = match caps.get(2)?.as_str() {
        "元" => 1,
        d => d.parse().ok()?,
    };
    let offset = match caps.get(1) {
        Some(e) => era_offset(e.as_str())?,
        None => era?.offset,
    };
    Some(offset + n)
}

/// Column labels from the header line `項目名 4年度 5年度`. Year labels are found as
/// such, spaces inside them or not (`令和 5 年度`, `R5年度`); a header with other
/// labels is split at its spaces.
pub fn columns(header: &str, era: Option<Era>) -> Vec<MetricColumn> {
    let rest = ITEM_HEADING.replace(header.trim(), "");
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let years: Vec<&str> = YEAR_LABEL_IN.find_iter(&rest).map(|m| m.as_str().trim()).collect();
    let labels: Vec<String> = if !years.is_empty() && squeeze(&years.concat()) == squeeze(&rest) {
        years.iter().map(|l| squeeze(l)).collect()
    } else {
        rest.split_whitespace().map(str::to_string).collect()
    };
    labels.into_iter().map(|label| MetricColumn { fiscal_year: fiscal_year(&label, era), label }).collect()
}

#[derive(Debug, Clone, PartialEq)]
struct Atom {
    text: String,
    dash: bool,
}

impl Atom {
    fn has_note(&self) -> bool {
        self.text.contains('(') || self.text.contains('\n')
    }
    fn signature(&self) -> String {
        let first = self.text.lines().next().unwrap_or("");
        first
            .chars()
            .filter(|c| !c.is_ascii_digit() && !matches!(c, ',' | '.' | ' '))
            .take_while(|c| *c != '(')
            .collect()
    }
}

#[derive(Debug, Default)]
struct RowBuild {
    item: Vec<String>,
    atoms: Vec<Atom>,
    blocks: Option<Vec<Vec<String>>>,
}

/// Split a line into its item text and the value tokens at its end.
fn split_line(line: &str) -> (String, Vec<Atom>) {
    let mut rest = line.trim_end().to_string();
    let mut atoms = Vec::new();
    while let Some(caps) = ATOM_AT_END.captures(&rest) {
        let Some(m) = caps.get(1) else { break };
        let text = m.as_str().trim().to_string();
        let start = m.start();
        atoms.push(Atom {
            dash: text.chars().count() == 1 && crate::normalize::is_dash(text.chars().next().unwrap_or(' ')),
            text,
        });
        rest.truncate(start);
        rest = rest.trim_end().to_string();
    }
    atoms.reverse();
    (rest.trim().to_string(), atoms)
}

/// A metric line's item text and the cell values at its end, as texts.
pub(crate) fn split_cells(line: &str) -> (String, Vec<String>) {
    let (item, atoms) = split_line(line);
    (item, atoms.into_iter().map(|a| a.text).collect())
}

/// Words a report prints in a metric cell instead of a number.
pub(crate) const WORD_CELLS: &[&str] =
    &["随時", "実施", "未実施", "中止", "休止", "なし", "無し", "調整中", "検討中", "該当なし"];

/// Trailing word cells (`ネットワーク会議会員募集 随時 随時`): the last `ncols` tokens, each
/// a known cell word or all the same short word.
fn split_word_cells(line: &str, ncols: usize) -> Option<(String, Vec<Atom>)> {
    let toks: Vec<&str> = line.split_whitespace().collect();
    if ncols < 2 || toks.len() <= ncols {
        return None;
    }
    let (head, tail) = toks.split_at(toks.len() - ncols);
    let known = tail.iter().all(|t| WORD_CELLS.contains(t));
    let same = tail.iter().all(|t| *t == tail[0] && t.chars().count() <= 4 && !t.contains(['、', '。']));
    (known || same)
        .then(|| (head.join(" "), tail.iter().map(|t| Atom { text: t.to_string(), dash: false }).collect()))
}

fn is_note(s: &str) -> bool {
    let t = s.trim();
    (t.starts_with('(') || t.starts_with('（')) && (t.ends_with(')') || t.ends_with('）'))
}

/// A row as read into its `ncols` cells (from its cell blocks, else its atoms dealt to
/// the columns), with a doubt when they do not fit.
fn finish_row(b: RowBuild, ncols: usize, doubts: &mut Vec<String>) -> MetricRow {
    let item = join_item(&b.item);
    let texts: Vec<String> = match b.blocks {
        Some(blocks) => {
            if blocks.len() != ncols {
                doubts.push(format!("row \"{item}\": {} cell blocks for {ncols} columns", blocks.len()));
            }
            let mut t: Vec<String> = blocks.iter().map(|bl| bl.join("\n")).collect();
            t.resize(ncols.max(t.len()), String::new());
            t
        }
        None => {
            let (t, doubt) = distribute(&b.atoms, ncols);
            if let Some(d) = doubt {
                doubts.push(format!("row \"{item}\": {d}"));
            }
            t
        }
    };
    MetricRow {
        item,
        cells: texts.into_iter().map(|text| Cell { values: quantities(&text), text }).collect(),
    }
}

/// Parse the metric lines (after the header line) into rows of `ncols` cells.
/// Returns the rows and one message per row whose reading is in doubt.
pub fn rows(lines: &[String], ncols: usize) -> (Vec<MetricRow>, Vec<String>) {
    let mut builds: Vec<RowBuild> = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let cur_has_atoms = builds.last().is_some_and(|b| !b.atoms.is_empty());
        if let Some(b) = builds.last_mut() {
            if let Some(blocks) = b.blocks.as_mut() {
                add_block_line(blocks, t, ncols);
                continue;
            }
            if t.starts_with('【') && !b.item.is_empty() && b.atoms.is_empty() {
                b.blocks = Some(vec![vec![t.to_string()]]);
                continue;
            }
        }
        if is_note(t) {
            match builds.last_mut() {
                Some(b) if !b.atoms.is_empty() => {
                    if let Some(a) = b.atoms.last_mut() {
                        a.text.push('\n');
                        a.text.push_str(t);
                    }
                }
                Some(b) => b.item.push(t.to_string()),
                None => builds.push(RowBuild { item: vec![t.to_string()], ..RowBuild::default() }),
            }
            continue;
        }
        let (item, atoms) = match split_line(t) {
            // A word cell on a line of its own (one cell a line), after its row's item.
            _ if WORD_CELLS.contains(&t) && builds.last().is_some_and(|b| !b.item.is_empty()) => {
                (String::new(), vec![Atom { text: t.to_string(), dash: false }])
            }
            (item, atoms) if atoms.is_empty() => split_word_cells(t, ncols).unwrap_or((item, atoms)),
            other => other,
        };
        // An item wrapped inside its parentheses goes on after the row's cells
        // (`（五所川原高校、…第一高 87名 423名` / `校）`).
        let open_item = builds.last().is_some_and(|b| !parens_closed(&b.item.concat()));
        if !item.is_empty() && (cur_has_atoms || builds.is_empty()) && !(open_item && atoms.is_empty()) {
            builds.push(RowBuild::default());
        }
        if let Some(b) = builds.last_mut() {
            if !item.is_empty() {
                b.item.push(item);
            }
            b.atoms.extend(atoms);
        } else {
            builds.push(RowBuild { atoms, ..RowBuild::default() });
        }
    }
    let mut doubts = Vec::new();
    let rows = builds.into_iter().map(|b| finish_row(b, ncols, &mut doubts)).collect();
    (rows, doubts)
}

fn join_item(parts: &[String]) -> String {
    let mut s = String::new();
    for p in parts {
        if !s.is_empty() && (p.starts_with('（') || p.starts_with('(')) {
            s.push('\n');
        }
        s.push_str(p);
    }
    s
}

/// A cell given as a block of lines (`【…】` headed); a closing line holding one total per
/// column (`計 延べ 161名 計 延べ 21名`) is shared out across the blocks.
fn add_block_line(blocks: &mut Vec<Vec<String>>, t: &str, ncols: usize) {
    if t.starts_with('【') {
        blocks.push(vec![t.to_string()]);
        return;
    }
    let toks: Vec<&str> = t.split_whitespace().collect();
    if let Some(first) = toks.first() {
        let starts: Vec<usize> =
            toks.iter().enumerate().filter(|(_, x)| *x == first).map(|(i, _)| i).collect();
        if ncols > 1 && starts.len() == ncols && blocks.len() == ncols {
            for (k, &s) in starts.iter().enumerate() {
                let e = starts.get(k + 1).copied().unwrap_or(toks.len());
                if let (Some(b), Some(part)) = (blocks.get_mut(k), toks.get(s..e)) {
                    b.push(part.join(" "));
                }
            }
            return;
        }
    }
    if let Some(b) = blocks.last_mut() {
        b.push(t.to_string());
    }
}

/// Share `atoms` out to `ncols` cells.
fn distribute(atoms: &[Atom], ncols: usize) -> (Vec<String>, Option<String>) {
    let n = atoms.len();
    if n == ncols {
        return (atoms.iter().map(|a| a.text.clone()).collect(), None);
    }
    if n < ncols {
        // Fewer values than columns: the later (report-year) columns are the ones printed.
        let mut out = vec![String::new(); ncols - n];
        out.extend(atoms.iter().map(|a| a.text.clone()));
        let doubt =
            (ncols > 0).then(|| format!("{n} value(s) for {ncols} columns; placed in the last column(s)"));
        return (out, doubt);
    }
    if ncols == 0 {
        return (Vec::new(), Some(format!("{n} values but no columns")));
    }
    let mut best: Option<(i32, Vec<usize>)> = None;
    let mut tie = false;
    for sizes in compositions(n, ncols) {
        let groups = group(atoms, &sizes);
        if groups.iter().any(|g| g.len() > 1 && g.iter().any(|a| a.dash)) {
            continue;
        }
        let homogeneous =
            groups.iter().filter(|g| g.iter().all(|a| a.has_note() == g[0].has_note())).count() as i32;
        let sigs: Vec<Vec<String>> = groups.iter().map(|g| g.iter().map(Atom::signature).collect()).collect();
        let non_dash: Vec<&Vec<String>> =
            sigs.iter().zip(&groups).filter(|(_, g)| !g.iter().all(|a| a.dash)).map(|(s, _)| s).collect();
        let alike = non_dash.windows(2).all(|w| w[0] == w[1]);
        let score = homogeneous + if alike { 2 * ncols as i32 } else { 0 };
        match &best {
            Some((s, _)) if *s > score => {}
            Some((s, _)) if *s == score => tie = true,
            _ => {
                tie = false;
                best = Some((score, sizes));
            }
        }
    }
    match best {
        Some((_, sizes)) => {
            let groups = group(atoms, &sizes);
            let doubt =
                tie.then(|| format!("{n} values for {ncols} columns could be grouped more than one way"));
            (
                groups
                    .iter()
                    .map(|g| g.iter().map(|a| a.text.as_str()).collect::<Vec<_>>().join("\n"))
                    .collect(),
                doubt,
            )
        }
        None => {
            let mut out: Vec<String> = atoms.iter().take(ncols - 1).map(|a| a.text.clone()).collect();
            out.push(atoms.iter().skip(ncols - 1).map(|a| a.text.as_str()).collect::<Vec<_>>().join("\n"));
            (out, Some(format!("{n} values for {ncols} columns")))
        }
    }
}

fn group<'a>(atoms: &'a [Atom], sizes: &[usize]) -> Vec<&'a [Atom]> {
    let mut out = Vec::new();
    let mut start = 0;
    for &s in sizes {
        if let Some(g) = atoms.get(start..start + s) {
            out.push(g);
        }
        start += s;
    }
    out
}

/// How many groupings of a row's values are scored before falling back to one value a
/// column: real rows have a handful, but 24 values over 12 columns would be 1.3 million.
const MAX_GROUPINGS: u64 = 5_000;

/// A row of more values than this is never grouped: real rows have at most a dozen, and
/// the count of groupings ([`binomial`]) then stays far inside `u64`.
const MAX_GROUPED_VALUES: usize = 24;

/// All ways to write `n` as an ordered sum of `k` positive parts (none when there are
/// more than [`MAX_GROUPINGS`]).
fn compositions(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 || n < k || n > MAX_GROUPED_VALUES || binomial(n - 1, k - 1) > MAX_GROUPINGS {
        return Vec::new();
    }
    compositions_unbounded(n, k)
}

fn compositions_unbounded(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 1 {
        return vec![vec![n]];
    }
    let mut out = Vec::new();
    for first in 1..=(n - k + 1) {
        for mut rest in compositions_unbounded(n - first, k - 1) {
            rest.insert(0, first);
            out.push(rest);
        }
    }
    out
}

/// `n` choose `k`, saturating.
fn binomial(n: usize, k: usize) -> u64 {
    let k = k.min(n.saturating_sub(k)) as u64;
    let mut acc: u64 = 1;
    for i in 0..k {
        // Exact at every step: acc × (n − i) is divisible by (i + 1).
        acc = acc.saturating_mul(n as u64 - i) / (i + 1);
    }
    acc
}

/// Quantities in a cell: numbers with their unit and a 延べ qualifier. Numbers inside
/// parentheses are notes (dates such as `(R4.6)`) unless the parentheses hold just one
/// quantity (`(12,625台)`); numbers glued to a letter or a dot (`R5`, `R6.2`) are not
/// quantities.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        let inner = t.strip_prefix('(').and_then(|s| s.strip_suffix(')'));
        if let Some(inner) = inner {
            if let Some(q) = whole_quantity(inner) {
                out.push(q);
            }
            continue;
        }
        let mut depth = 0i32;
        let mut last = 0;
        let bytes: Vec<(usize, char)> = t.char_indices().collect();
        let mut depth_at = std::collections::HashMap::new();
        for &(i, c) in &bytes {
            depth_at.insert(i, depth);
            match c {
                '(' | '（' | '【' => depth += 1,
                ')' | '）' | '】' => depth -= 1,
                _ => {}
            }
        }
        for caps in QUANTITY.captures_iter(t) {
            let (Some(m), Some(num)) = (caps.get(0), caps.get(2)) else { continue };
            if m.start() < last || depth_at.get(&num.start()).copied().unwrap_or(0) > 0 {
                continue;
            }
            let before = t[..num.start()].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.') && caps.get(1).is_none() {
                continue;
            }
            last = m.end();
            if let Some(q) = quantity(&caps) {
                out.push(q);
            }
        }
    }
    out
}

fn whole_quantity(s: &str) -> Option<Quantity> {
    let caps = QUANTITY.captures(s.trim())?;
    (caps.get(0)?.as_str().len() == s.trim().len()).then(|| quantity(&caps)).flatten()
}

fn quantity(caps: &regex::Captures) -> Option<Quantity> {
    let value: f64 = caps.get(2)?.as_str().replace(',', "").parse().ok()?;
    let unit = caps.get(3).map(|u| u.as_str().to_string());
    let qualifier = caps.get(1).map(|q| q.as_str().trim().to_string());
    Some(Quantity { value, unit, qualifier })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn year_labels() {
        let era = Some(Era { offset: 2018 });
        assert_eq!(fiscal_year("4年度", era), Some(2022));
        assert_eq!(fiscal_year("令和元年度", None), Some(2019));
        assert_eq!(fiscal_year("H30年度", None), Some(2018));
        assert_eq!(fiscal_year("R5年度", None), Some(2023));
        assert_eq!(fiscal_year("目標", era), None);
    }

    #[test]
    fn one_line_rows_and_wrapped_items() {
        let (rows, doubts) = super::rows(
            &v(&[
                "参加者 22名 14名",
                "県内高校生等に向けた",
                "生徒数",
                "4,463名 3,233名",
                "農業者 延べ 13名 延べ 21名",
            ]),
            2,
        );
        assert!(doubts.is_empty());
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].item, "県内高校生等に向けた生徒数");
        assert_eq!(rows[2].cells[0].text, "延べ 13名");
        assert_eq!(rows[2].cells[0].values[0].qualifier.as_deref(), Some("延べ"));
    }

    #[test]
    fn stacked_values_group_alike() {
        let (rows, _) =
            super::rows(&v(&["件数・融資額", "651件", "6,897,486千円", "668件", "6,548,579千円"]), 2);
        assert_eq!(rows[0].cells[0].text, "651件\n6,897,486千円");
        let (rows, _) = super::rows(&v(&["件数、参加者 -", "6件", "8名"]), 2);
        assert_eq!(rows[0].cells[0].text, "-");
        assert!(rows[0].cells[0].values.is_empty());
        assert_eq!(rows[0].cells[1].values.len(), 2);
        let (rows, _) = super::rows(&v(&["申請者数", "4者(R4.6)", "4者(R4.11)", "4者"]), 2);
        assert_eq!(rows[0].cells[1].text, "4者");
    }

    #[test]
    fn notes_under_values() {
        let (rows, _) = super::rows(&v(&["申込者数", "1,000名", "(8月～10月)", "255名", "(8月～10月)"]), 2);
        assert_eq!(rows[0].cells[1].text, "255名\n(8月～10月)");
        assert_eq!(rows[0].cells[1].values.len(), 1);
    }

    #[test]
    fn many_values_over_many_columns_do_not_explode() {
        assert_eq!(binomial(23, 11), 1_352_078);
        assert_eq!(binomial(5, 2), 10);
        assert_eq!(compositions(4, 2).len(), 3);
        let line = (1..=24).map(|i| format!("{i}名")).collect::<Vec<_>>().join(" ");
        let start = std::time::Instant::now();
        let (rows, doubts) = super::rows(&v(&["参加者", &line]), 12);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(rows[0].cells.len(), 12);
        assert!(!doubts.is_empty());
    }

    #[test]
    fn quantities_parse() {
        let q = quantities("78.4 %");
        assert_eq!(q[0].value, 78.4);
        assert_eq!(q[0].unit.as_deref(), Some("%"));
        assert_eq!(quantities("18名・5名").len(), 2);
        assert_eq!(quantities("1,044者\n(12,625台)").len(), 2);
        assert_eq!(quantities("4者(R4.6)").len(), 1);
        assert!(quantities("-").is_empty());
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn year_columns_in_any_era_and_spacing() {
        let era = Some(Era { offset: 2018 });
        let years =
            |h: &str| columns(h, era).iter().map(|c| (c.label.clone(), c.fiscal_year)).collect::<Vec<_>>();
        assert_eq!(years("項目名 4年度 5年度"), [("4年度".into(), Some(2022)), ("5年度".into(), Some(2023))]);
        assert_eq!(
            years("項 目 名 令和 4 年度 令和 5年度"),
            [("令和4年度".into(), Some(2022)), ("令和5年度".into(), Some(2023))]
        );
        assert_eq!(
            years("項目名 H30年度 R元年度"),
            [("H30年度".into(), Some(2018)), ("R元年度".into(), Some(2019))]
        );
        assert_eq!(
            years("項目名 平成31年度 令和2年度"),
            [("平成31年度".into(), Some(2019)), ("令和2年度".into(), Some(2020))]
        );
        // Labels that are not years are split at spaces.
        assert_eq!(years("項目名 目標 実績"), [("目標".into(), None), ("実績".into(), None)]);
    }

    #[test]
    fn rows_of_more_than_24_values_are_not_grouped() {
        assert_eq!(super::compositions(24, 1), [vec![24]]);
        assert!(super::compositions(25, 1).is_empty());
    }
}
