//! The 【基本方針事業一覧】 summary table: rows (no, name, cost, 新規 ○, departments,
//! 掲載頁, ⑥/⑦ marks) and 小計.
//!
//! In a text dump a row's cells may wrap over several lines; a row is read as a token
//! stream `[marks] no name… cost [○] department… page` and is complete once a page
//! number follows its cost, so a department or page line is never taken for a new row.

use regex::Regex;
use std::sync::LazyLock;

use super::lines::SrcLine;
use super::marks::{circled_number, is_open_paren, parens_closed};
use super::money::parse_int;
use super::table;
use crate::doc::Rule;
use crate::model::{Code, Diagnostic, Summary, SummaryRow};

static ROW_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((?:[○〇◯]\s*)*)([0-9]{1,3})(?:\s+(.*))?$").expect("static regex"));
static ROW_NO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[○〇◯]\s*)*[0-9]{1,3}(?:$|[^0-9,.])").expect("static regex"));
static COST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[▲△-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)$").expect("static regex"));

/// The ○ of a 新規 or basic-policy cell, in any of the circles writers use for it.
fn is_mark_char(c: char) -> bool {
    matches!(c, '○' | '〇' | '◯')
}

fn is_mark(tok: &str) -> bool {
    let mut cs = tok.chars();
    cs.next().is_some_and(is_mark_char) && cs.next().is_none()
}

#[derive(Debug, Default)]
struct RowAcc {
    no: u32,
    marks: usize,
    /// Tokens by source line.
    lines: Vec<Vec<String>>,
}

impl RowAcc {
    /// A row is complete when, after its cost, the last token is a page number.
    fn complete(&self) -> bool {
        parse_row(self, &[]).0.is_some_and(|r| r.page.is_some())
    }
}

/// Parse the summary lines of one chapter (`numbers`: the chapter's policies).
pub(crate) fn parse(lines: &[SrcLine], numbers: &[u8], diags: &mut Vec<Diagnostic>) -> Summary {
    if let Some(s) = parse_grid(lines, numbers, diags) {
        return s;
    }
    let policy = numbers.first().copied();
    let stream = read_token_rows(lines, numbers, diags);
    let rows = finish_rows(&stream.rows, numbers, diags);
    if stream.subtotal.is_none() {
        diags.push(no_subtotal(policy));
    }
    Summary { columns: stream.columns, rows, subtotal_thousand_yen: stream.subtotal }
}

fn no_subtotal(policy: Option<u8>) -> Diagnostic {
    Diagnostic::new(Code::SummaryNoSubtotal, "summary table has no 小計 line").in_policy(policy)
}

/// A text dump's table read as token rows, before each row's cells are told apart.
#[derive(Debug, Default)]
struct TokenRows {
    columns: Vec<String>,
    rows: Vec<RowAcc>,
    subtotal: Option<i64>,
}

/// Walk the table's lines: heading words, then rows (each started by the next No.
/// once the row before is complete, see [`RowAcc::complete`]), up to 小計.
fn read_token_rows(lines: &[SrcLine], numbers: &[u8], diags: &mut Vec<Diagnostic>) -> TokenRows {
    let policy = numbers.first().copied();
    let mut out = TokenRows::default();
    let mut in_header = true;
    let mut pending_marks = 0;
    for line in lines {
        let t = line.trimmed();
        if let Some(rest) = t.strip_prefix("小計") {
            out.subtotal = parse_int(rest.trim());
            if out.subtotal.is_none() {
                diags.push(
                    Diagnostic::new(Code::SummarySubtotalUnreadable, format!("小計 line unreadable: {t}"))
                        .at_page(line.printed)
                        .in_policy(policy),
                );
            }
            break;
        }
        let last_complete = out.rows.last().is_none_or(|r| r.complete());
        // A shared chapter's basic-policy marks printed a cell a line (`○` / `○` / `2`)
        // before their row's No.
        if numbers.len() > 1 && is_marks(t) && last_complete {
            pending_marks += t.chars().filter(|c| !c.is_whitespace()).count();
            continue;
        }
        let expected = out.rows.last().map_or(1, |r| r.no + 1);
        match row_start(t) {
            Some((no, marks, rest)) if no == expected && last_complete => {
                in_header = false;
                out.rows.push(RowAcc {
                    no,
                    marks: marks + std::mem::take(&mut pending_marks),
                    lines: vec![rest.split_whitespace().map(str::to_string).collect()],
                });
            }
            // Header lines, repeated at the top of a continuation page as well.
            _ if in_header => push_headings(&mut out.columns, t, numbers),
            _ => {
                if !is_page_noise(t, &out.columns, out.rows.last()) {
                    if let Some(r) = out.rows.last_mut() {
                        r.lines.push(t.split_whitespace().map(str::to_string).collect());
                    }
                }
            }
        }
    }
    marks_trail(&mut out.rows, pending_marks);
    out
}

/// Some writers draw a shared chapter's basic-policy marks after their row's cells (a
/// dump then prints them after the row's 掲載頁): the first row has no marks before it and
/// marks stand between the last row and 小計. Each row's marks are then the ones read
/// before the next row.
fn marks_trail(rows: &mut [RowAcc], trailing: usize) {
    if trailing == 0 || rows.first().is_none_or(|r| r.marks > 0) {
        return;
    }
    let mut carry = trailing;
    for r in rows.iter_mut().rev() {
        carry = std::mem::replace(&mut r.marks, carry);
    }
}

/// `Some((no, marks, rest))` for a line that can start a row: ○ marks, a No., the rest.
fn row_start(t: &str) -> Option<(u32, usize, String)> {
    let c = ROW_START.captures(t)?;
    let no: u32 = c.get(2)?.as_str().parse().ok()?;
    let marks = c.get(1).map_or(0, |m| m.as_str().chars().filter(|c| !c.is_whitespace()).count());
    let rest = c.get(3).map_or("", |m| m.as_str()).to_string();
    Some((no, marks, rest))
}

/// Add a heading line's words to the column names: a parenthesised word (`（千円）`)
/// belongs to the one before; a lone ①… names a policy column only in a shared chapter.
fn push_headings(columns: &mut Vec<String>, t: &str, numbers: &[u8]) {
    for tok in t.split_whitespace() {
        if tok.starts_with(is_open_paren) && !columns.is_empty() {
            if let Some(last) = columns.last_mut() {
                last.push_str(tok);
            }
        } else if !(tok.chars().count() == 1 && tok.chars().all(|c| circled_number(c).is_some()))
            || numbers.len() > 1
        {
            columns.push(tok.to_string());
        }
    }
}

/// A line between rows that is the page's, not the table's: the heading repeated on a
/// continuation page (whole, or cut a cell a line: `R5事業` / `費`), or a lone page
/// footer after a complete row (its 掲載頁 read).
fn is_page_noise(t: &str, columns: &[String], last: Option<&RowAcc>) -> bool {
    if is_repeated_header(t) {
        return true;
    }
    let after_complete = last.is_some_and(RowAcc::complete);
    if super::lines::is_page_number(t) && after_complete {
        return true;
    }
    let heading: String = columns.concat();
    let piece: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    !piece.is_empty() && heading.contains(&piece) && after_complete
}

/// Each accumulated row read into its cells; a row without a cost is an error, one
/// read with a doubt a warning.
fn finish_rows(rows: &[RowAcc], numbers: &[u8], diags: &mut Vec<Diagnostic>) -> Vec<SummaryRow> {
    let policy = numbers.first().copied();
    let mut out = Vec::new();
    for acc in rows {
        let (row, problem) = parse_row(acc, numbers);
        match row {
            Some(r) => {
                if let Some(p) = problem {
                    diags.push(
                        Diagnostic::new(Code::SummaryRowUncertain, format!("summary row {}: {p}", acc.no))
                            .in_policy(policy)
                            .on_card(Some(acc.no)),
                    );
                }
                out.push(r);
            }
            None => diags.push(
                Diagnostic::new(
                    Code::SummaryRowUnreadable,
                    format!("summary row {} has no cost: {}", acc.no, acc.lines.concat().join(" ")),
                )
                .in_policy(policy)
                .on_card(Some(acc.no)),
            ),
        }
    }
    out
}

fn is_repeated_header(t: &str) -> bool {
    super::segment::is_table_heading(t)
        || t.starts_with("No")
        || t.contains("事業名")
        || t.contains("担当課等")
        || t.contains("掲載頁")
        || t == "（千円）"
}

/// Read one row's tokens; `None` when no cost token is found.
fn parse_row(acc: &RowAcc, numbers: &[u8]) -> (Option<SummaryRow>, Option<String>) {
    let Some((name, cost, after)) = split_at_cost(acc) else { return (None, None) };
    let mut problem = None;
    let mut is_new = false;
    let mut rest = after.as_slice();
    while let Some(((_, tok), tail)) = rest.split_first() {
        if is_mark(tok) {
            is_new = true;
            rest = tail;
        } else {
            break;
        }
    }
    let mut page = None;
    if let Some(((_, last), init)) = rest.split_last() {
        if let Ok(p) = last.parse::<u32>() {
            page = Some(p);
            rest = init;
        }
    }
    if page.is_none() {
        problem = Some("no 掲載頁".to_string());
    }
    if name.trim().is_empty() {
        problem = Some("no 事業名 read before its cost".to_string());
    }
    let policies = match (numbers.len(), acc.marks) {
        (n, m) if n > 1 && m == n => Some(numbers.to_vec()),
        (n, m) if n > 1 && m > 0 => {
            problem = Some(format!(
                "{m} of {n} basic-policy marks: which column each sits in is not in a text dump"
            ));
            None
        }
        // Every row of a table shared by basic policies is marked in one of their columns
        // at least: its marks were printed where they could not be read with it.
        (n, 0) if n > 1 => {
            problem = Some(format!(
                "no basic-policy mark read with this row of a table shared by {n} basic policies: \
                 its marks were printed apart from it"
            ));
            None
        }
        _ => None,
    };
    let row = SummaryRow {
        no: acc.no,
        name,
        cost_thousand_yen: Some(cost),
        is_new,
        departments: departments(rest),
        page,
        policies,
        region: None,
    };
    (Some(row), problem)
}

/// A token with the index of its source line within the row.
type LineToken = (usize, String);

/// A row's name (the tokens before the cost), its cost (the first plain number after
/// at least one name token) and the tokens after it with their source line.
fn split_at_cost(acc: &RowAcc) -> Option<(String, i64, Vec<LineToken>)> {
    let mut name_parts: Vec<String> = Vec::new();
    let mut after: Vec<LineToken> = Vec::new();
    let mut cost = None;
    for (li, toks) in acc.lines.iter().enumerate() {
        let mut line_name = Vec::new();
        for tok in toks {
            if cost.is_some() {
                after.push((li, tok.clone()));
            } else if COST.is_match(tok)
                && (!name_parts.is_empty() || !line_name.is_empty() || tok.contains(','))
            {
                // An amount with thousands commas is a cost even with no name before it
                // (a name lost by the dump): no name starts so, and the row must still end.
                let negative = tok.starts_with(['▲', '△', '-']);
                cost =
                    parse_int(tok.trim_start_matches(['▲', '△', '-'])).map(|v| if negative { -v } else { v });
            } else {
                line_name.push(tok.clone());
            }
        }
        if !line_name.is_empty() {
            name_parts.push(line_name.join(" "));
        }
    }
    Some((name_parts.concat(), cost?, after))
}

/// Departments from the tokens between the cost (and 新規 mark) and the page: one per
/// source line; a parenthesised token (a bureau) joins the one before, and so does the
/// rest of a department wrapped inside its parentheses (`ＤＸ推進課（西北地域県` / `民局）`).
fn departments(rest: &[LineToken]) -> Vec<String> {
    let mut departments: Vec<String> = Vec::new();
    let mut last_line = usize::MAX;
    for (li, tok) in rest {
        let joins = tok.starts_with(is_open_paren);
        let unclosed = departments.last().is_some_and(|d| !parens_closed(d));
        match departments.last_mut() {
            Some(d) if joins || unclosed || *li == last_line => {
                if !joins && !unclosed {
                    d.push(' ');
                }
                d.push_str(tok);
            }
            _ => departments.push(tok.clone()),
        }
        last_line = *li;
    }
    departments
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    No,
    Name,
    Cost,
    New,
    Department,
    Page,
    Policy(u8),
    Other,
}

fn column_kind(heading: &str, numbers: &[u8]) -> Col {
    let h: String = heading.chars().filter(|c| !c.is_whitespace()).collect();
    if h.starts_with("No") {
        Col::No
    } else if h.contains("事業名") {
        Col::Name
    } else if h.contains("事業費") {
        Col::Cost
    } else if h.contains("新規") {
        Col::New
    } else if h.contains("担当") {
        Col::Department
    } else if h.contains("掲載") || h.ends_with('頁') {
        Col::Page
    } else if let Some(n) = h.chars().rev().find_map(circled_number) {
        if numbers.contains(&n) {
            Col::Policy(n)
        } else {
            Col::Other
        }
    } else {
        Col::Other
    }
}

/// A summary row's first line starts with its No. (after any ○ marks), maybe glued to
/// the name (`10中南地域…`) but not the start of an amount (`1,234`).
fn is_row_start(first_span: &str) -> bool {
    ROW_NO.is_match(first_span.trim())
}

/// A No. or 掲載頁 cell: a report has at most hundreds of projects and pages, so a
/// number of more digits is an amount or a year.
const MAX_SMALL_INT_DIGITS: usize = 4;

fn is_small_int(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.len() <= MAX_SMALL_INT_DIGITS && t.bytes().all(|b| b.is_ascii_digit())
}

fn is_marks(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().all(|c| is_mark_char(c) || c.is_whitespace())
}

/// A column is taken for a kind (No., cost, ○ marks) when at least this share of its
/// rows (its filled cells, when told by content) hold that kind of value: most, so that
/// a wrapped name's second line or a blank cell does not unseat it, but not all.
const MIN_COLUMN_SHARE: f32 = 0.8;

/// Whether the No. and cost columns found from the headings hold numbers in most rows.
fn kinds_fit(kinds: &[Col], data: &[Vec<String>]) -> bool {
    let rows: Vec<&Vec<String>> = data.iter().filter(|r| !r.join("").contains("小計")).collect();
    let share = |kind: Col, test: &dyn Fn(&str) -> bool| {
        let Some(c) = kinds.iter().position(|k| *k == kind) else { return 0.0 };
        let hits = rows.iter().filter(|r| r.get(c).is_some_and(|x| test(x))).count();
        hits as f32 / rows.len().max(1) as f32
    };
    share(Col::No, &is_small_int) >= MIN_COLUMN_SHARE
        && share(Col::Cost, &|x| COST.is_match(x.trim())) >= MIN_COLUMN_SHARE
}

/// Column kinds from what the cells hold: No. is the leftmost column of small integers,
/// 掲載頁 the rightmost, the cost the column of amounts between them; ○ columns left of
/// No. are the policy marks (in the chapter's order), right of the cost 新規; the text
/// columns are the name (before the cost) and the department (after it).
fn kinds_from_content(data: &[Vec<String>], ncols: usize, numbers: &[u8]) -> Vec<Col> {
    let rows: Vec<&Vec<String>> = data.iter().filter(|r| !r.join("").contains("小計")).collect();
    let share = |c: usize, test: &dyn Fn(&str) -> bool| {
        let filled: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|x| x.as_str())
            .filter(|x| !x.trim().is_empty())
            .collect();
        if filled.is_empty() {
            0.0
        } else {
            filled.iter().filter(|x| test(x)).count() as f32 / filled.len() as f32
        }
    };
    let mut kinds = vec![Col::Other; ncols];
    let ints: Vec<usize> = (0..ncols).filter(|&c| share(c, &is_small_int) >= MIN_COLUMN_SHARE).collect();
    let (Some(&no), Some(&page)) = (ints.first(), ints.last()) else { return kinds };
    if no == page {
        return kinds;
    }
    kinds[no] = Col::No;
    kinds[page] = Col::Page;
    let Some(cost) = (no + 1..page).find(|&c| share(c, &|x| COST.is_match(x.trim())) >= MIN_COLUMN_SHARE)
    else {
        return kinds;
    };
    kinds[cost] = Col::Cost;
    let mut policy_numbers = numbers.iter();
    for (c, kind) in kinds.iter_mut().enumerate().take(no) {
        if share(c, &is_marks) >= MIN_COLUMN_SHARE {
            if let Some(&n) = policy_numbers.next() {
                *kind = Col::Policy(n);
            }
        }
    }
    for (c, kind) in kinds.iter_mut().enumerate().take(page).skip(cost + 1) {
        if share(c, &is_marks) >= MIN_COLUMN_SHARE {
            *kind = Col::New;
        }
    }
    let text_col = |range: std::ops::Range<usize>| {
        range.max_by_key(|&c| {
            rows.iter().filter(|r| r.get(c).is_some_and(|x| !x.trim().is_empty() && !is_marks(x))).count()
        })
    };
    if let Some(c) = text_col(no + 1..cost) {
        kinds[c] = Col::Name;
    }
    if let Some(c) = text_col(cost + 1..page).filter(|&c| kinds[c] == Col::Other) {
        kinds[c] = Col::Department;
    }
    kinds
}

/// Vertical rules are looked for from this far (points) above the table's first line:
/// the heading row's top border sits above its text.
const RULE_REACH_ABOVE: f32 = 5.0;
/// A ruled table has at least its two borders and one rule between columns.
const MIN_VERTICAL_RULES: usize = 3;
/// The first data row has a No., a name and a cost at least: a row with fewer filled
/// cells is still the heading (or the 【基本方針事業一覧】 line above the table).
const MIN_DATA_CELLS: usize = 3;

/// Read the table by its ruling lines (PDF input): per page, the heading rows name the
/// columns, and each row between horizontal rules is one project.
fn parse_grid(lines: &[SrcLine], numbers: &[u8], diags: &mut Vec<Diagnostic>) -> Option<Summary> {
    if lines.is_empty() || lines.iter().any(|l| l.geom.is_none()) {
        return None;
    }
    let policy = numbers.first().copied();
    let mut pages: Vec<u32> = lines.iter().map(|l| l.pdf_page).collect();
    pages.dedup();
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut subtotal = None;
    for page in pages {
        let page_lines: Vec<&SrcLine> = lines.iter().filter(|l| l.pdf_page == page).collect();
        let page_rules = page_lines.first()?.rules()?;
        let g = grid_page(&page_lines, page_rules, numbers)?;
        if columns.is_empty() {
            columns = g.headings.iter().filter(|h| !h.is_empty()).cloned().collect();
        }
        for r in &g.data {
            let joined = r.join(" ");
            if let Some(pos) = joined.find("小計") {
                subtotal = joined[pos + "小計".len()..].split_whitespace().find_map(parse_int);
                continue;
            }
            let row = grid_row(&g.kinds, r, numbers);
            if row.no == 0 {
                if !joined.trim().is_empty() {
                    diags.push(
                        Diagnostic::new(
                            Code::SummaryRowUnreadable,
                            format!("summary row without a No.: {joined}"),
                        )
                        .at_page(lines.first().and_then(|l| l.printed))
                        .in_policy(policy),
                    );
                }
                continue;
            }
            rows.push(row);
        }
    }
    if subtotal.is_none() {
        diags.push(no_subtotal(policy));
    }
    Some(Summary { columns, rows, subtotal_thousand_yen: subtotal })
}

/// One page of the ruled table: its column headings and kinds, and its data rows.
struct GridPage {
    headings: Vec<String>,
    kinds: Vec<Col>,
    data: Vec<Vec<String>>,
}

/// Cut one page's lines into cells (by its rules, or by the text where it has none) and
/// tell the columns apart; `None` when no No. and cost columns are found.
fn grid_page(page_lines: &[&SrcLine], page_rules: &[Rule], numbers: &[u8]) -> Option<GridPage> {
    let ys: Vec<f32> = page_lines.iter().filter_map(|l| l.geom.as_ref().map(|g| g.y)).collect();
    let (y0, y1) = (ys.iter().copied().fold(f32::MAX, f32::min), ys.iter().copied().fold(f32::MIN, f32::max));
    let verticals = table::column_edges(page_rules, y0 - RULE_REACH_ABOVE, y1);
    let (inner, edges) = match verticals.get(1..verticals.len().saturating_sub(1)) {
        Some(inner) if verticals.len() >= MIN_VERTICAL_RULES => {
            (inner.to_vec(), table::row_edges(page_rules, 0.0, f32::MAX))
        }
        // A table drawn without rules: columns and rows from the text itself.
        _ => table::unruled(page_lines, is_row_start)?,
    };
    let mut grid = table::grid(page_lines, &edges, &inner);
    // Skip whatever precedes the table's left border (e.g. the 【基本方針事業一覧】 line).
    let first_data = grid
        .iter()
        .position(|r| {
            r.iter().any(|c| c.trim().parse::<u32>().is_ok())
                && r.iter().filter(|c| !c.trim().is_empty()).count() >= MIN_DATA_CELLS
        })
        .unwrap_or(grid.len());
    let data = grid.split_off(first_data);
    let ncols = inner.len() + 1;
    let headings: Vec<String> = (0..ncols)
        .map(|c| {
            grid.iter().filter_map(|r| r.get(c)).map(|s| s.replace('\n', "")).collect::<Vec<_>>().join("")
        })
        .collect();
    let mut kinds: Vec<Col> = headings.iter().map(|h| column_kind(h, numbers)).collect();
    if !kinds_fit(&kinds, &data) {
        // Headings that do not sit over their columns (seen where a producer draws the
        // heading row with its own offsets): tell the columns by their content.
        kinds = kinds_from_content(&data, ncols, numbers);
    }
    if !kinds.contains(&Col::No) || !kinds.contains(&Col::Cost) {
        return None;
    }
    Some(GridPage { headings, kinds, data })
}

/// One data row's cells by column kind; `no` is 0 when its No. cell is unreadable.
fn grid_row(kinds: &[Col], cells: &[String], numbers: &[u8]) -> SummaryRow {
    let mut row = SummaryRow {
        no: 0,
        name: String::new(),
        cost_thousand_yen: None,
        is_new: false,
        departments: Vec::new(),
        page: None,
        policies: None,
        region: None,
    };
    let mut marks = Vec::new();
    for (kind, cell) in kinds.iter().zip(cells) {
        let t = cell.trim();
        match kind {
            Col::No => row.no = t.parse().unwrap_or(0),
            Col::Name => row.name = t.replace('\n', ""),
            Col::Cost => row.cost_thousand_yen = parse_int(t),
            Col::New => row.is_new = t.chars().any(is_mark_char),
            // One department a line; a line in parentheses (a bureau) joins the one before.
            Col::Department => {
                row.departments = t.lines().map(str::to_string).fold(Vec::new(), |mut acc, l| {
                    match acc.last_mut() {
                        Some(last) if l.starts_with(is_open_paren) => last.push_str(&l),
                        _ => acc.push(l),
                    }
                    acc
                })
            }
            Col::Page => row.page = t.parse().ok(),
            Col::Policy(n) if t.chars().any(is_mark_char) => marks.push(*n),
            _ => {}
        }
    }
    if numbers.len() > 1 {
        row.policies = (!marks.is_empty()).then_some(marks);
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::report::lines::text_lines;

    fn acc(no: u32, marks: usize, lines: &[&str]) -> RowAcc {
        RowAcc {
            no,
            marks,
            lines: lines.iter().map(|l| l.split_whitespace().map(str::to_string).collect()).collect(),
        }
    }

    #[test]
    fn row_start_takes_marks_and_number() {
        assert_eq!(row_start("○ ○ 12 事業名"), Some((12, 2, "事業名".to_string())));
        assert_eq!(row_start("3"), Some((3, 0, String::new())));
        assert_eq!(row_start("1234 事業"), None);
    }

    #[test]
    fn headings_join_units_and_keep_policy_marks_only_when_shared() {
        let mut cols = Vec::new();
        push_headings(&mut cols, "No. 事業名 R5事業費 （千円） ⑥ 掲載頁", &[1]);
        assert_eq!(cols, ["No.", "事業名", "R5事業費（千円）", "掲載頁"]);
        let mut cols = Vec::new();
        push_headings(&mut cols, "⑥ ⑦ No.", &[6, 7]);
        assert_eq!(cols, ["⑥", "⑦", "No."]);
    }

    #[test]
    fn page_noise_only_after_a_complete_row() {
        let cols = vec!["No.".to_string(), "R5事業費".to_string()];
        let complete = acc(1, 0, &["事業 100 A課 3"]);
        let open = acc(1, 0, &["事業 100 A課"]);
        assert!(is_page_noise("No. 事業名 掲載頁", &cols, Some(&open)));
        assert!(is_page_noise("12", &cols, Some(&complete)));
        assert!(!is_page_noise("12", &cols, Some(&open)));
        assert!(is_page_noise("R5事業", &cols, Some(&complete)));
        assert!(!is_page_noise("B課", &cols, Some(&complete)));
    }

    #[test]
    fn row_tokens_name_cost_new_departments_page() {
        let (row, problem) =
            parse_row(&acc(2, 0, &["若者の 定着 1,234 ○ A課 (B局)", "C課（西北地域県", "民局） 15"]), &[1]);
        let row = row.unwrap_or_else(|| panic!("a row"));
        assert_eq!(row.name, "若者の 定着");
        assert_eq!(row.cost_thousand_yen, Some(1234));
        assert!(row.is_new);
        assert_eq!(row.departments, ["A課(B局)", "C課（西北地域県民局）"]);
        assert_eq!(row.page, Some(15));
        assert!(problem.is_none());
        let (row, problem) = parse_row(&acc(3, 0, &["事業 ▲5 A課"]), &[1]);
        assert_eq!(row.and_then(|r| r.cost_thousand_yen), Some(-5));
        assert_eq!(problem.as_deref(), Some("no 掲載頁"));
        // A number before any name token is not the cost.
        assert_eq!(parse_row(&acc(4, 0, &["100"]), &[1]).0, None);
    }

    #[test]
    fn shared_chapter_marks() {
        let (row, problem) = parse_row(&acc(1, 2, &["事業 10 A課 3"]), &[6, 7]);
        assert_eq!(row.and_then(|r| r.policies), Some(vec![6, 7]));
        assert!(problem.is_none());
        let (row, problem) = parse_row(&acc(1, 1, &["事業 10 A課 3"]), &[6, 7]);
        assert_eq!(row.and_then(|r| r.policies), None);
        assert!(problem.is_some_and(|p| p.starts_with("1 of 2")));
        // No mark at all: every row of a shared table has one, so it was printed apart.
        let (row, problem) = parse_row(&acc(1, 0, &["事業 10 A課 3"]), &[6, 7]);
        assert_eq!(row.and_then(|r| r.policies), None);
        assert!(problem.is_some_and(|p| p.starts_with("no basic-policy mark")));
    }

    #[test]
    fn shared_chapter_marks_after_their_rows() {
        // Marks printed after each row's 掲載頁 (none before the first row): each row's
        // are those before the next row, the last row's those before 小計.
        let lines = text_lines(
            "No. 事業名 R5事業費 担当課等 掲載頁\n1 甲事業 10 A課 3\n○\n2 乙事業 20 B課 4\n○ ○\n小計 30",
        );
        let s = parse(&lines, &[6, 7], &mut Vec::new());
        let got: Vec<Option<Vec<u8>>> = s.rows.iter().map(|r| r.policies.clone()).collect();
        assert_eq!(got, [None, Some(vec![6, 7])]);
        // Marks before the first row: each row's marks are the ones before it.
        let lines = text_lines(
            "No. 事業名 R5事業費 担当課等 掲載頁\n○ ○\n1 甲事業 10 A課 3\n○\n2 乙事業 20 B課 4\n小計 30",
        );
        let s = parse(&lines, &[6, 7], &mut Vec::new());
        let got: Vec<Option<Vec<u8>>> = s.rows.iter().map(|r| r.policies.clone()).collect();
        assert_eq!(got, [Some(vec![6, 7]), None]);
    }

    #[test]
    fn a_row_whose_name_was_lost_still_ends_at_its_page() {
        let mut diags = Vec::new();
        let lines = text_lines(
            "No. 事業名 R5事業費 担当課等 掲載頁\n1 甲事業 1,000 甲課 24\n2 513,573 ○ 25\n3 丙事業 300 丙課 26\n小計 514,873",
        );
        let s = parse(&lines, &[1], &mut diags);
        let got: Vec<(u32, &str, Option<i64>, Option<u32>)> =
            s.rows.iter().map(|r| (r.no, r.name.as_str(), r.cost_thousand_yen, r.page)).collect();
        assert_eq!(
            got,
            [
                (1, "甲事業", Some(1000), Some(24)),
                (2, "", Some(513_573), Some(25)),
                (3, "丙事業", Some(300), Some(26))
            ]
        );
        assert!(
            diags.iter().any(|d| d.message.contains("summary row 2") && d.message.contains("事業名")),
            "{diags:?}"
        );
    }

    #[test]
    fn text_table_rows_wrap_until_their_page() {
        let lines = text_lines(
            "No. 事業名 R5事業費 担当課等 掲載頁\n1 西北地域の\n事業 4,789 A課\n3\n2 次の事業 10 ○ B課 4\n小計 4,799",
        );
        let mut diags = Vec::new();
        let s = parse(&lines, &[1], &mut diags);
        assert_eq!(s.columns, ["No.", "事業名", "R5事業費", "担当課等", "掲載頁"]);
        let got: Vec<(u32, &str, Option<u32>)> =
            s.rows.iter().map(|r| (r.no, r.name.as_str(), r.page)).collect();
        assert_eq!(got, [(1, "西北地域の事業", Some(3)), (2, "次の事業", Some(4))]);
        assert_eq!(s.subtotal_thousand_yen, Some(4799));
        assert!(diags.is_empty(), "{diags:?}");
        let s = parse(&text_lines("1 事業 10 A課 3"), &[1], &mut diags);
        assert_eq!(s.rows.len(), 1);
        assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["summary.no_subtotal"]);
    }

    #[test]
    fn small_ints_have_at_most_four_digits() {
        assert!(is_small_int("1234"));
        assert!(!is_small_int("12345"));
        assert!(!is_small_int("1,234"));
    }

    /// Rows of (No., name, cost, page) with `bad` of `n` No. cells unreadable.
    fn data(n: usize, bad: usize) -> Vec<Vec<String>> {
        (0..n)
            .map(|i| {
                let no = if i < bad { "一".to_string() } else { (i + 1).to_string() };
                vec![no, format!("事業{i}"), "1,000".into(), "5".into()]
            })
            .collect()
    }

    #[test]
    fn columns_are_told_by_most_of_their_cells() {
        let headed = [Col::No, Col::Name, Col::Cost, Col::Page];
        // Eight of ten rows (80 %) are enough; seven of ten are not.
        assert!(kinds_fit(&headed, &data(10, 2)));
        assert!(!kinds_fit(&headed, &data(10, 3)));
        assert_eq!(kinds_from_content(&data(10, 2), 4, &[1]), headed);
        assert_eq!(kinds_from_content(&data(10, 3), 4, &[1]), [Col::Other; 4]);
    }
}
