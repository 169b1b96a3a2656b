//! The 【基本方針事業一覧】 summary table: rows (no, name, cost, 新規 ○, departments,
//! 掲載頁, ⑥/⑦ marks) and 小計.
//!
//! In a text dump a row's cells may wrap over several lines; a row is read as a token
//! stream `[marks] no name… cost [○] department… page` and is complete once a page
//! number follows its cost, so a department or page line is never taken for a new row.

use regex::Regex;
use std::sync::LazyLock;

use super::lines::SrcLine;
use super::money::parse_int;
use super::table;
use crate::model::{Code, Diagnostic, Summary, SummaryRow};

static ROW_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((?:[○〇◯]\s*)*)([0-9]{1,3})(?:\s+(.*))?$").expect("static regex"));
static ROW_NO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[○〇◯]\s*)*[0-9]{1,3}(?:$|[^0-9,.])").expect("static regex"));
static COST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[▲△-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)$").expect("static regex"));

/// ①…⑳: a shared chapter's heading cells name its policies this way.
fn is_circled(c: char) -> bool {
    ('\u{2460}'..='\u{2473}').contains(&c)
}

fn is_mark(tok: &str) -> bool {
    matches!(tok, "○" | "〇" | "◯")
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
pub fn parse(lines: &[SrcLine], numbers: &[u8], diags: &mut Vec<Diagnostic>) -> Summary {
    if let Some(s) = parse_grid(lines, numbers, diags) {
        return s;
    }
    let policy = numbers.first().copied();
    let mut columns = Vec::new();
    let mut rows: Vec<RowAcc> = Vec::new();
    let mut subtotal = None;
    let mut in_header = true;
    let mut pending_marks = 0;
    for line in lines {
        let t = line.trimmed();
        if let Some(rest) = t.strip_prefix("小計") {
            subtotal = parse_int(rest.trim());
            if subtotal.is_none() {
                diags.push(
                    Diagnostic::new(Code::SummarySubtotalUnreadable, format!("小計 line unreadable: {t}"))
                        .at_page(line.printed)
                        .in_policy(policy),
                );
            }
            break;
        }
        let expected = rows.last().map_or(1, |r| r.no + 1);
        let start = ROW_START.captures(t).and_then(|c| {
            let no: u32 = c.get(2)?.as_str().parse().ok()?;
            let marks = c.get(1).map_or(0, |m| m.as_str().chars().filter(|c| !c.is_whitespace()).count());
            let rest = c.get(3).map_or("", |m| m.as_str()).to_string();
            Some((no, marks, rest))
        });
        // A shared chapter's basic-policy marks printed a cell a line (`○` / `○` / `2`)
        // before their row's No.
        if numbers.len() > 1 && is_marks(t) && rows.last().is_none_or(|r| r.complete()) {
            pending_marks += t.chars().filter(|c| !c.is_whitespace()).count();
            continue;
        }
        match start {
            Some((no, marks, rest)) if no == expected && rows.last().is_none_or(|r| r.complete()) => {
                in_header = false;
                let toks = rest.split_whitespace().map(str::to_string).collect::<Vec<_>>();
                rows.push(RowAcc {
                    no,
                    marks: marks + std::mem::take(&mut pending_marks),
                    lines: vec![toks],
                });
            }
            _ if in_header => {
                // Header lines, repeated at the top of a continuation page as well.
                for tok in t.split_whitespace() {
                    if (tok.starts_with('（') || tok.starts_with('(')) && !columns.is_empty() {
                        if let Some(last) = columns.last_mut() {
                            let last: &mut String = last;
                            last.push_str(tok);
                        }
                    } else if !(tok.chars().count() == 1 && tok.chars().all(is_circled)) || numbers.len() > 1
                    {
                        columns.push(tok.to_string());
                    }
                }
            }
            _ => {
                if is_repeated_header(t) {
                    continue;
                }
                // A lone number after a complete row (its 掲載頁 read) is the page's
                // footer, which a dump prints before the next page's rows.
                if super::lines::is_page_number(t) && rows.last().is_some_and(RowAcc::complete) {
                    continue;
                }
                // So is a piece of the table's heading, repeated on the next page and cut
                // into pieces by an extractor that prints a cell a line (`R5事業` / `費`).
                let heading: String = columns.concat();
                let piece: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if !piece.is_empty() && heading.contains(&piece) && rows.last().is_some_and(RowAcc::complete)
                {
                    continue;
                }
                if let Some(r) = rows.last_mut() {
                    r.lines.push(t.split_whitespace().map(str::to_string).collect());
                }
            }
        }
    }
    let mut out = Vec::new();
    for acc in &rows {
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
    if subtotal.is_none() {
        diags.push(
            Diagnostic::new(Code::SummaryNoSubtotal, "summary table has no 小計 line").in_policy(policy),
        );
    }
    Summary { columns, rows: out, subtotal_thousand_yen: subtotal }
}

fn parens_closed(s: &str) -> bool {
    let open = s.chars().filter(|c| matches!(c, '（' | '(')).count();
    open <= s.chars().filter(|c| matches!(c, '）' | ')')).count()
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
    // Locate the cost: the first token that is a plain number, after at least one name token.
    let mut name_parts: Vec<String> = Vec::new();
    let mut after: Vec<(usize, String)> = Vec::new();
    let mut cost = None;
    for (li, toks) in acc.lines.iter().enumerate() {
        let mut line_name = Vec::new();
        for tok in toks {
            if cost.is_none() {
                if COST.is_match(tok) && (!name_parts.is_empty() || !line_name.is_empty()) {
                    cost = parse_int(tok.trim_start_matches(['▲', '△', '-'])).map(|v| {
                        if tok.starts_with(['▲', '△', '-']) {
                            -v
                        } else {
                            v
                        }
                    });
                } else {
                    line_name.push(tok.clone());
                }
            } else {
                after.push((li, tok.clone()));
            }
        }
        if !line_name.is_empty() {
            name_parts.push(line_name.join(" "));
        }
    }
    let cost = match cost {
        Some(c) => c,
        None => return (None, None),
    };
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
    // Departments: one per source line; a parenthesised token (a bureau) joins the one before.
    let mut departments: Vec<String> = Vec::new();
    let mut last_line = usize::MAX;
    for (li, tok) in rest {
        let joins = tok.starts_with('（') || tok.starts_with('(');
        // A department wrapped inside its parentheses (`ＤＸ推進課（西北地域県` / `民局）`)
        // goes on on the next line.
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
    if page.is_none() {
        problem = Some("no 掲載頁".to_string());
    }
    let policies = match (numbers.len(), acc.marks) {
        (n, m) if n > 1 && m == n => Some(numbers.to_vec()),
        (n, m) if n > 1 && m > 0 => {
            problem = Some(format!(
                "{m} of {n} basic-policy marks: which column each sits in is not in a text dump"
            ));
            None
        }
        _ => None,
    };
    let name = name_parts.concat();
    (
        Some(SummaryRow {
            no: acc.no,
            name,
            cost_thousand_yen: Some(cost),
            is_new,
            departments,
            page,
            policies,
            region: None,
        }),
        problem,
    )
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
    } else if let Some(n) = h.chars().rev().find_map(|c| {
        let n = c as u32;
        (0x2460..=0x2473).contains(&n).then(|| (n - 0x2460 + 1) as u8)
    }) {
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

fn is_small_int(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())
}

fn is_marks(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().all(|c| matches!(c, '○' | '〇' | '◯') || c.is_whitespace())
}

/// Whether the No. and cost columns found from the headings hold numbers in most rows.
fn kinds_fit(kinds: &[Col], data: &[Vec<String>]) -> bool {
    let rows: Vec<&Vec<String>> = data.iter().filter(|r| !r.join("").contains("小計")).collect();
    let share = |kind: Col, test: &dyn Fn(&str) -> bool| {
        let Some(c) = kinds.iter().position(|k| *k == kind) else { return 0.0 };
        let hits = rows.iter().filter(|r| r.get(c).is_some_and(|x| test(x))).count();
        hits as f32 / rows.len().max(1) as f32
    };
    share(Col::No, &is_small_int) >= 0.8 && share(Col::Cost, &|x| COST.is_match(x.trim())) >= 0.8
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
    let ints: Vec<usize> = (0..ncols).filter(|&c| share(c, &is_small_int) >= 0.8).collect();
    let (Some(&no), Some(&page)) = (ints.first(), ints.last()) else { return kinds };
    if no == page {
        return kinds;
    }
    kinds[no] = Col::No;
    kinds[page] = Col::Page;
    let Some(cost) = (no + 1..page).find(|&c| share(c, &|x| COST.is_match(x.trim())) >= 0.8) else {
        return kinds;
    };
    kinds[cost] = Col::Cost;
    let mut policy_numbers = numbers.iter();
    for (c, kind) in kinds.iter_mut().enumerate().take(no) {
        if share(c, &is_marks) >= 0.8 {
            if let Some(&n) = policy_numbers.next() {
                *kind = Col::Policy(n);
            }
        }
    }
    for (c, kind) in kinds.iter_mut().enumerate().take(page).skip(cost + 1) {
        if share(c, &is_marks) >= 0.8 {
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
        let ys: Vec<f32> = page_lines.iter().filter_map(|l| l.geom.as_ref().map(|g| g.y)).collect();
        let (y0, y1) =
            (ys.iter().copied().fold(f32::MAX, f32::min), ys.iter().copied().fold(f32::MIN, f32::max));
        let verticals = table::column_edges(page_rules, y0 - 5.0, y1);
        let (inner, edges) = if verticals.len() >= 3 {
            (verticals[1..verticals.len() - 1].to_vec(), table::row_edges(page_rules, 0.0, f32::MAX))
        } else {
            // A table drawn without rules: columns and rows from the text itself.
            table::unruled(&page_lines, is_row_start)?
        };
        let grid = table::grid(&page_lines, &edges, &inner);
        // Skip whatever precedes the table's left border (e.g. the 【基本方針事業一覧】 line).
        let first_data = grid.iter().position(|r| {
            r.iter().any(|c| c.trim().parse::<u32>().is_ok())
                && r.iter().filter(|c| !c.trim().is_empty()).count() >= 3
        });
        let header_rows = &grid[..first_data.unwrap_or(grid.len())];
        let ncols = inner.len() + 1;
        let headings: Vec<String> = (0..ncols)
            .map(|c| {
                header_rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.replace('\n', ""))
                    .collect::<Vec<_>>()
                    .join("")
            })
            .collect();
        let data = grid.get(first_data.unwrap_or(grid.len())..).unwrap_or(&[]);
        let mut kinds: Vec<Col> = headings.iter().map(|h| column_kind(h, numbers)).collect();
        if !kinds_fit(&kinds, data) {
            // Headings that do not sit over their columns (seen where a producer draws
            // the heading row with its own offsets): tell the columns by their content.
            kinds = kinds_from_content(data, ncols, numbers);
        }
        if !kinds.contains(&Col::No) || !kinds.contains(&Col::Cost) {
            return None;
        }
        if columns.is_empty() {
            columns = headings.iter().filter(|h| !h.is_empty()).cloned().collect();
        }
        for r in grid.iter().skip(first_data.unwrap_or(grid.len())) {
            let joined = r.join(" ");
            if let Some(pos) = joined.find("小計") {
                subtotal = joined[pos + "小計".len()..].split_whitespace().find_map(parse_int);
                continue;
            }
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
            for (kind, cell) in kinds.iter().zip(r) {
                let t = cell.trim();
                match kind {
                    Col::No => row.no = t.parse().unwrap_or(0),
                    Col::Name => row.name = t.replace('\n', ""),
                    Col::Cost => row.cost_thousand_yen = parse_int(t),
                    Col::New => row.is_new = t.chars().any(|c| matches!(c, '○' | '〇' | '◯')),
                    Col::Department => {
                        row.departments = t.lines().map(str::to_string).fold(Vec::new(), |mut acc, l| {
                            match acc.last_mut() {
                                Some(last) if l.starts_with('（') || l.starts_with('(') => last.push_str(&l),
                                _ => acc.push(l),
                            }
                            acc
                        })
                    }
                    Col::Page => row.page = t.parse().ok(),
                    Col::Policy(n) if t.chars().any(|c| matches!(c, '○' | '〇' | '◯')) => marks.push(*n),
                    _ => {}
                }
            }
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
            if numbers.len() > 1 {
                row.policies = (!marks.is_empty()).then_some(marks);
            }
            rows.push(row);
        }
    }
    if subtotal.is_none() {
        diags.push(
            Diagnostic::new(Code::SummaryNoSubtotal, "summary table has no 小計 line").in_policy(policy),
        );
    }
    Some(Summary { columns, rows, subtotal_thousand_yen: subtotal })
}
