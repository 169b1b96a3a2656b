//! One project card → [`Project`]: title (（再掲） flag), cost line and breakdown, card
//! number, the 事業概要/事業実績 box, the metrics table and the department.

use regex::Regex;
use std::sync::LazyLock;

use super::lines::{is_page_number, SrcLine};
use super::marks::{is_close_paren, is_open_paren};
use super::metrics::{self, Era};
use super::money::parse_amount;
use super::segment::{is_box_header, CardLines};
use super::{department, geometry, split, table};
use crate::model::{Code, CostItem, Diagnostic, Metrics, Project};

static COST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)事\s*業\s*費\s*([▲△-]?\s*[0-9][0-9,.]*\s*(?:千\s*円|百\s*万\s*円|億\s*円|円))\s*(.*)$")
        .expect("static regex")
});
static BREAKDOWN_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([^、,，()（）]*?)\s*([▲△-]?[0-9][0-9,]*\s*(?:千円|百万円|億円|円))").expect("static regex")
});
static BREAKDOWN_GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(（][^()（）]*[0-9]\s*(?:千円|百万円|円)[^()（）]*[)）]").expect("static regex")
});
/// Lines a cost's breakdown wraps over at most.
const BREAKDOWN_LINES: usize = 3;

/// Whether a whole line is a cost breakdown in parentheses (`(①9,391千円、②11,002千円)`).
fn is_breakdown_line(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty() && BREAKDOWN_GROUP.replace_all(t, "").trim().is_empty()
}

/// How many of `lines` (those right after a cost line), from the first, make up the cost's
/// breakdown, also one wrapped over lines (`(①9,391 千円、② 11,002 千` / `円)`); 0 for none.
pub(crate) fn breakdown_lines<S: AsRef<str>>(lines: &[S]) -> usize {
    let mut joined = String::new();
    for (k, l) in lines.iter().take(BREAKDOWN_LINES).enumerate() {
        joined.push_str(l.as_ref().trim());
        if is_breakdown_line(&joined) {
            return k + 1;
        }
    }
    0
}

static RELISTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*[（(]再掲[)）]\s*$").expect("static regex"));

/// Context a card is read in.
pub struct Ctx {
    pub policy: Option<u8>,
    pub era: Option<Era>,
    /// The card's position in its chapter, 1-based: its number when none is printed.
    pub position: u32,
}

/// Read one card: its head (title, cost, number), its box, its metrics table and its
/// department, each in its own step; diagnostics are collected per card and then
/// placed (page, policy, card number).
pub fn parse(card: &CardLines, ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> Project {
    let first = card.head.iter().chain(&card.body).next();
    let page = first.and_then(|l| l.printed);
    let pdf_page = first.filter(|l| l.geom.is_some()).map(|l| l.pdf_page);
    let mut local: Vec<Diagnostic> = Vec::new();

    // With geometry the head's pieces come from where each is printed.
    let mut head = match geometry::head(&card.head, card.body.first().filter(|l| is_box_header(&l.text))) {
        Some(g) => head_from_geometry(&g, &mut local),
        None => head_from_text(&card.head, &mut local),
    };
    let no = card_number(&mut head).unwrap_or_else(|| {
        local.push(Diagnostic::new(Code::CardNoNumber, "no card number printed; numbered by position"));
        ctx.position
    });
    let (name, relisted) = card_name(&head.title);
    if name.is_empty() {
        local.push(Diagnostic::new(Code::CardNoTitle, "card has no title"));
    }

    // Body: box header, box text, then the metrics table from 項目名 on.
    let body: Vec<&SrcLine> = card.body.iter().collect();
    let metrics_at =
        body.iter().position(|l| super::segment::starts_with_marker(&l.text, "項目名")).unwrap_or(body.len());
    let sp = read_box(&body, metrics_at, &mut local);
    let metrics = read_metrics(body.get(metrics_at..).unwrap_or(&[]), ctx, &mut local);
    let department = department::parse(&card.department.iter().map(|l| l.text.clone()).collect::<Vec<_>>());
    if department.is_none() {
        local.push(Diagnostic::new(Code::CardNoDepartment, "no （担当課：…） line"));
    }
    for d in local {
        diags.push(d.at_page(page).in_policy(ctx.policy).on_card(Some(no)));
    }
    Project {
        no,
        name,
        relisted,
        cost_thousand_yen: head.cost,
        cost_breakdown: head.breakdown,
        overview: sp.overview.join("\n"),
        results: sp.results.join("\n"),
        metrics,
        department,
        page,
        pdf_page,
        bbox: bbox(card),
        regions: None,
    }
}

/// What a card's head says, before the card number is settled.
#[derive(Debug, Default, PartialEq)]
struct Head {
    /// Title pieces in reading order (title lines, a tail before or after the cost).
    title: Vec<String>,
    cost: Option<i64>,
    breakdown: Vec<CostItem>,
    /// The number printed after the cost (on its line or the lines after it).
    number: Option<u32>,
    /// The last lone number among the lines before the cost line: a number box taller
    /// than the title's first line comes out there.
    number_before_cost: Option<u32>,
    /// Whether that lone number came before every title line: the previous page's
    /// footer, when the title's first line starts with a number of its own.
    number_before_title: bool,
    /// How many title pieces came before a cost line that starts with 事業費 (the last
    /// of them may end with the card number, printed on the title's line); 0 otherwise.
    title_before_cost: usize,
    has_cost_line: bool,
}

/// The head as the geometry front end read it (each piece where it is printed).
fn head_from_geometry(g: &geometry::Head, local: &mut Vec<Diagnostic>) -> Head {
    let cost = g.cost.as_deref().and_then(|a| parse_amount(&a.replace(' ', "")));
    match &g.cost {
        None => local.push(no_cost()),
        Some(a) if cost.is_none() => local.push(cost_unreadable(a)),
        Some(_) => {}
    }
    Head {
        title: g.title.clone(),
        cost,
        breakdown: g.breakdown.iter().flat_map(|b| parse_breakdown(b)).collect(),
        number: g.number,
        number_before_cost: None,
        number_before_title: false,
        title_before_cost: 0,
        has_cost_line: g.cost.is_some(),
    }
}

fn no_cost() -> Diagnostic {
    Diagnostic::new(Code::CardNoCost, "no 事業費 line in the card's head")
}

fn cost_unreadable(amount: &str) -> Diagnostic {
    Diagnostic::new(Code::CardCostUnreadable, format!("cost unreadable: {amount}"))
}

/// The head of a text dump: title lines, cost line (maybe with the title's tail before
/// it and the card number after it), an optional breakdown line, the card number.
fn head_from_text(lines: &[SrcLine], local: &mut Vec<Diagnostic>) -> Head {
    let cost_at = lines.iter().position(|l| COST.is_match(l.trimmed()));
    let title_end = cost_at.unwrap_or_else(|| {
        // No cost line: the card number is the last lone number of the head.
        lines.iter().rposition(|l| is_page_number(&l.text)).unwrap_or(lines.len())
    });
    let mut head = Head { has_cost_line: cost_at.is_some(), ..Head::default() };
    for l in lines.iter().take(title_end) {
        if is_page_number(&l.text) {
            // The last one: a page footer printed before the title comes first.
            head.number_before_cost = l.trimmed().parse().ok().or(head.number_before_cost);
            head.number_before_title = head.title.is_empty();
        } else {
            head.title.push(l.trimmed().to_string());
        }
    }
    let before_cost = head.title.len();
    match cost_at.and_then(|ci| lines.get(ci)) {
        Some(line) => read_cost_line(line.trimmed(), &mut head, local),
        None => local.push(no_cost()),
    }
    // A title going on on the cost line is no line a number box ends.
    if head.title.len() == before_cost {
        head.title_before_cost = before_cost;
    }
    let after = lines.get(title_end + usize::from(cost_at.is_some())..).unwrap_or(&[]);
    read_after_cost(after, &mut head);
    head
}

/// The cost line: `[title tail] 事業費 N千円 [card number | breakdown]`.
fn read_cost_line(t: &str, head: &mut Head, local: &mut Vec<Diagnostic>) {
    let Some(caps) = COST.captures(t) else { return };
    let prefix = caps.get(1).map_or("", |m| m.as_str()).trim();
    if !prefix.is_empty() {
        head.title.push(prefix.to_string());
    }
    let amount = caps.get(2).map_or("", |m| m.as_str()).replace(' ', "");
    head.cost = parse_amount(&amount);
    if head.cost.is_none() {
        local.push(cost_unreadable(&amount));
    }
    let tail = caps.get(3).map_or("", |m| m.as_str()).trim();
    if let Ok(n) = tail.replace(' ', "").parse::<u32>() {
        head.number = Some(n);
    } else if !tail.is_empty() {
        head.breakdown.extend(parse_breakdown(tail));
    }
}

/// Lines after the cost: a breakdown in parentheses, the card number (maybe printed in
/// a narrow box, one digit a line: １ / ０ for 10), and, where a long title wraps past
/// the cost line, the title's last words.
fn read_after_cost(after: &[SrcLine], head: &mut Head) {
    let mut digits = String::new();
    for mut t in paren_joined(after) {
        while let Some(m) = BREAKDOWN_GROUP.find(&t) {
            head.breakdown.extend(parse_breakdown(m.as_str()));
            t.replace_range(m.range(), " ");
        }
        let mut words: Vec<&str> = t.split_whitespace().collect();
        // Digits at a line's end, in order; a later line's digits follow (`1` / `0`).
        let mut line_digits = String::new();
        while let Some(last) = words.last() {
            if last.bytes().all(|b| b.is_ascii_digit()) {
                line_digits.insert_str(0, last);
                words.pop();
            } else {
                break;
            }
        }
        digits.push_str(&line_digits);
        if !words.is_empty() && head.has_cost_line {
            head.title.push(words.concat());
        }
    }
    if !digits.is_empty() {
        head.number = Some(match head.number {
            Some(n) => format!("{n}{digits}").parse().unwrap_or(n),
            None => digits.parse().unwrap_or(0),
        });
    }
}

/// The lines' texts, a line that leaves a parenthesis open joined with the lines that
/// close it (a breakdown wrapped inside its unit: `(①9,391 千円、②11,002 千` / `円)`).
fn paren_joined(lines: &[SrcLine]) -> Vec<String> {
    let depth = |s: &str| -> i32 {
        s.chars().map(|c| i32::from(is_open_paren(c)) - i32::from(is_close_paren(c))).sum()
    };
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        match out.last_mut() {
            Some(prev) if depth(prev) > 0 => prev.push_str(l.trimmed()),
            _ => out.push(l.trimmed().to_string()),
        }
    }
    out
}

/// A number printed before the title on its line (`1 西北地域の…事業`) has at most
/// this many digits, as card numbers do; a longer one is part of the title.
const MAX_CARD_NUMBER_DIGITS: usize = 3;

/// The card's printed number: after the cost, else a lone number before the cost line
/// (unless it is a page footer before a title that starts with its own number), else one
/// printed at the end of the last title line before the cost, else one printed before the
/// title on its line. A number taken from a title line is cut off it.
fn card_number(head: &mut Head) -> Option<u32> {
    if head.number.is_some() {
        return head.number;
    }
    let leading = head.title.first().and_then(|t| leading_number(t));
    let lone = head
        .number_before_cost
        .filter(|_| head.has_cost_line && !(head.number_before_title && leading.is_some()));
    if lone.is_some() {
        return lone;
    }
    let last = head.title_before_cost.checked_sub(1);
    if let Some((n, rest)) = last.and_then(|k| head.title.get(k)).and_then(|t| trailing_number(t)) {
        if let Some(t) = last.and_then(|k| head.title.get_mut(k)) {
            *t = rest;
        }
        return Some(n);
    }
    let (n, rest) = leading?;
    if let Some(first) = head.title.first_mut() {
        *first = rest;
    }
    Some(n)
}

/// A card number (at most [`MAX_CARD_NUMBER_DIGITS`] digits) printed before a title
/// line's text, and the text after it.
fn leading_number(t: &str) -> Option<(u32, String)> {
    let (n, rest) = t.split_once(' ')?;
    let n: u32 = n.parse().ok().filter(|_| n.len() <= MAX_CARD_NUMBER_DIGITS && !rest.trim().is_empty())?;
    Some((n, rest.trim().to_string()))
}

/// A card number printed after a title line's text (`…特別対策 3`: the number box on the
/// line's baseline), and the text before it.
fn trailing_number(t: &str) -> Option<(u32, String)> {
    let (rest, n) = t.rsplit_once(' ')?;
    let n: u32 = n.parse().ok().filter(|_| n.len() <= MAX_CARD_NUMBER_DIGITS && !rest.trim().is_empty())?;
    Some((n, rest.trim().to_string()))
}

/// Whether a name ends with its （再掲） mark (a project listed again under another
/// policy).
pub(crate) fn is_relisted(name: &str) -> bool {
    RELISTED.is_match(name)
}

/// The card's name from its title pieces, and whether it is marked （再掲）.
fn card_name(parts: &[String]) -> (String, bool) {
    let name = parts.concat();
    if RELISTED.is_match(&name) {
        (RELISTED.replace(&name, "").to_string(), true)
    } else {
        (name, false)
    }
}

/// The 事業概要/事業実績 box (the body's lines before the metrics table) split into its
/// two columns: by position when the input has geometry, else by the text.
fn read_box(body: &[&SrcLine], metrics_at: usize, local: &mut Vec<Diagnostic>) -> split::Split {
    let header = body.first().filter(|l| is_box_header(&l.text)).copied();
    let box_start = usize::from(header.is_some());
    let box_lines: Vec<SrcLine> =
        body.get(box_start..metrics_at).unwrap_or(&[]).iter().map(|l| (*l).clone()).collect();
    let boundary =
        header.and_then(|h| geometry::column_boundary(h, &box_lines, h.rules().unwrap_or_default()));
    let sp = match boundary {
        Some(b) if box_lines.iter().all(|l| l.geom.is_some()) => geometry::split_columns(&box_lines, b),
        _ => split::split_text(&box_lines.iter().map(|l| l.trimmed().to_string()).collect::<Vec<_>>()),
    };
    if let Some(d) = &sp.doubt {
        local.push(Diagnostic::new(Code::CardSplitUncertain, format!("事業概要/事業実績 split: {d}")));
    }
    sp
}

/// The metrics table (its 項目名 header line first): by its ruling lines when the input
/// has them, else from the text.
fn read_metrics(table: &[&SrcLine], ctx: &Ctx, local: &mut Vec<Diagnostic>) -> Metrics {
    let Some(h) = table.first() else { return Metrics::default() };
    let columns = metrics::columns(h.trimmed(), ctx.era);
    let (rows, doubts) = match metrics_geometry(table, columns.len()) {
        Some(rows) => (rows, Vec::new()),
        None => {
            let lines: Vec<String> = table.iter().skip(1).map(|l| l.trimmed().to_string()).collect();
            metrics::rows(&lines, columns.len())
        }
    };
    for d in doubts {
        local.push(Diagnostic::new(Code::MetricsUncertain, d));
    }
    Metrics { columns, rows }
}

/// A vertical rule this close right of a year heading's left edge (rounding, a rule
/// drawn through the glyph's side bearing) still counts as left of it.
const RULE_SLACK: f32 = 0.5;
/// A year column's left rule is within two heading widths of its heading; a rule
/// further left belongs to the column before (the item column is wider than that).
const MAX_RULE_DISTANCE_IN_HEADINGS: f32 = 2.0;

/// Column splits of a metrics table from its year headings: the vertical rule just left
/// of each heading, or (no rule near enough) half a heading's width left of it, as
/// headings are centred in their columns. The review page's cell outlines use it too.
pub(crate) fn heading_splits(headings: &[crate::doc::Span], verticals: &[f32]) -> Vec<f32> {
    headings
        .iter()
        .map(|s| {
            verticals
                .iter()
                .copied()
                .filter(|&x| x <= s.x0 + RULE_SLACK)
                .fold(None, |best: Option<f32>, x| Some(best.map_or(x, |b| b.max(x))))
                .filter(|&x| s.x0 - x < (s.x1 - s.x0) * MAX_RULE_DISTANCE_IN_HEADINGS)
                .unwrap_or(s.x0 - (s.x1 - s.x0) / 2.0)
        })
        .collect()
}

/// Read the metrics table by its ruling lines, when the input has geometry: rows lie
/// between horizontal rules, cells between the columns of the header line.
fn metrics_geometry(table: &[&SrcLine], ncols: usize) -> Option<Vec<crate::model::MetricRow>> {
    let header = table.first()?;
    let g = header.geom.as_ref()?;
    let rules = header.rules()?;
    if ncols == 0 || g.spans.len() != ncols + 1 || table.iter().any(|l| l.pdf_page != header.pdf_page) {
        return None;
    }
    let last_y = table.iter().filter_map(|l| l.geom.as_ref()).map(|g| g.y).fold(g.y, f32::max);
    let verticals = table::column_edges(rules, g.y - g.font_size, last_y);
    let splits = heading_splits(g.spans.get(1..).unwrap_or_default(), &verticals);
    let edges = table::row_edges(rules, 0.0, f32::MAX);
    // No rule between the header and the last line: a table set without rules, read from
    // its header row (its own column rules, if any, still give the columns).
    let (splits, edges) = if edges.iter().any(|&e| e > g.y && e < last_y) {
        (splits, edges)
    } else {
        let (by_header, edges) = table::unruled_by_header(table)?;
        (if verticals.is_empty() { by_header } else { splits }, edges)
    };
    let grid = table::grid(table, &edges, &splits);
    Some(
        grid.into_iter()
            .skip(1)
            .map(|cells| {
                let mut it = cells.into_iter();
                let item = it.next().unwrap_or_default();
                let cells =
                    it.map(|text| crate::model::Cell { values: metrics::quantities(&text), text }).collect();
                crate::model::MetricRow { item, cells }
            })
            .collect(),
    )
}

/// How far below the baseline a line's glyphs reach, in font sizes (descenders of
/// Japanese fonts take about a fifth of the em).
const DESCENT: f32 = 0.2;
/// Box coordinates are rounded to a tenth of a point: finer digits are float noise that
/// would make the same PDF's output differ between builds.
const BBOX_STEPS_PER_POINT: f32 = 10.0;

/// A coordinate rounded to [`BBOX_STEPS_PER_POINT`] (card boxes and field regions alike).
pub(crate) fn round_coordinate(v: f32) -> f32 {
    (v * BBOX_STEPS_PER_POINT).round() / BBOX_STEPS_PER_POINT
}

/// The card's extent on its first page: every line of it that has geometry there.
fn bbox(card: &CardLines) -> Option<[f32; 4]> {
    let lines: Vec<&SrcLine> = card.head.iter().chain(&card.body).chain(&card.department).collect();
    let page = lines.first()?.pdf_page;
    let mut b: Option<[f32; 4]> = None;
    for g in lines.iter().filter(|l| l.pdf_page == page).filter_map(|l| l.geom.as_ref()) {
        for s in &g.spans {
            let r = [s.x0, g.y - g.font_size, s.x1, g.y + g.font_size * DESCENT].map(round_coordinate);
            b = Some(match b {
                None => r,
                Some(o) => [o[0].min(r[0]), o[1].min(r[1]), o[2].max(r[2]), o[3].max(r[3])],
            });
        }
    }
    b
}

/// `(①9,391千円、②11,002千円)` → labelled items.
fn parse_breakdown(s: &str) -> Vec<CostItem> {
    let inner = s.trim().trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
    BREAKDOWN_ITEM
        .captures_iter(inner)
        .filter_map(|c| {
            let label = c.get(1)?.as_str().trim().to_string();
            let cost = parse_amount(&c.get(2)?.as_str().replace(' ', ""))?;
            Some(CostItem { label, cost_thousand_yen: cost })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdown() {
        let b = parse_breakdown("(①9,391千円、②11,002千円)");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].label, "①");
        assert_eq!(b[1].cost_thousand_yen, 11002);
    }

    use crate::report::lines::text_lines;

    #[test]
    fn text_head_title_cost_and_number() {
        let mut local = Vec::new();
        let head = head_from_text(&text_lines("西北地域の\n事業 事業費 4,789千円\n1\n0"), &mut local);
        assert_eq!(head.title, ["西北地域の", "事業"]);
        assert_eq!(head.cost, Some(4789));
        assert_eq!(head.number, Some(10));
        assert!(local.is_empty());
        let head = head_from_text(&text_lines("事業\n事業費 4,789千円 (①9千円、②11千円)\n2"), &mut local);
        assert_eq!(head.breakdown.len(), 2);
        assert_eq!(head.number, Some(2));
        let head = head_from_text(&text_lines("7\n事業\n事業費 9,9,9.9.9千円"), &mut local);
        assert_eq!(head.number_before_cost, Some(7));
        assert_eq!(local.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["card.cost_unreadable"]);
        let head = head_from_text(&text_lines("事業\n3"), &mut local);
        assert!(!head.has_cost_line);
        assert_eq!(local.last().map(|d| d.code.as_str()), Some("card.no_cost"));
    }

    #[test]
    fn number_before_the_title_has_at_most_three_digits() {
        let mut head =
            Head { title: vec!["120 西北地域の事業".into()], has_cost_line: true, ..Head::default() };
        assert_eq!(card_number(&mut head), Some(120));
        assert_eq!(head.title, ["西北地域の事業"]);
        let mut head =
            Head { title: vec!["2024 年の事業".into()], has_cost_line: true, ..Head::default() };
        assert_eq!(card_number(&mut head), None);
        assert_eq!(head.title, ["2024 年の事業"]);
        // A number after the cost wins, and the title is left alone.
        let mut head = Head { title: vec!["1 事業".into()], number: Some(5), ..Head::default() };
        assert_eq!(card_number(&mut head), Some(5));
        assert_eq!(head.title, ["1 事業"]);
        // A lone number before the cost counts only where there is a cost line.
        let mut head = Head { title: vec!["事業".into()], number_before_cost: Some(4), ..Head::default() };
        assert_eq!(card_number(&mut head), None);
        head.has_cost_line = true;
        assert_eq!(card_number(&mut head), Some(4));
    }

    #[test]
    fn a_footer_before_a_numbered_title_is_no_card_number() {
        // The previous page's footer, then the title's line starting with the number.
        let mut local = Vec::new();
        let mut head = head_from_text(&text_lines("23\n1 西北地域の事業 事業費 4,789千円"), &mut local);
        assert_eq!(card_number(&mut head), Some(1));
        assert_eq!(head.title, ["西北地域の事業"]);
        // A lone number between title lines is the card's (a tall number box).
        let mut head =
            head_from_text(&text_lines("事業（人財育成・\n8\n確保） 事業費 13,810千円"), &mut local);
        assert_eq!(card_number(&mut head), Some(8));
        // Before a title that does not start with a number, it is still taken.
        let mut head = head_from_text(&text_lines("7\n西北地域の事業 事業費 4,789千円"), &mut local);
        assert_eq!(card_number(&mut head), Some(7));
    }

    #[test]
    fn a_number_ending_the_title_line_before_the_cost() {
        let mut local = Vec::new();
        let mut head = head_from_text(
            &text_lines(
                "①甲協会補助\n②乙特別対策 3\n事業費 20,393千円\n事業費補助 (①9,391千円、②11,002千円)",
            ),
            &mut local,
        );
        assert_eq!(card_number(&mut head), Some(3));
        assert_eq!(card_name(&head.title).0, "①甲協会補助②乙特別対策事業費補助");
        // Only the last line before the cost: a number inside the title stays.
        let mut head = head_from_text(&text_lines("第 2\n期の事業 事業費 1千円"), &mut local);
        assert_eq!(card_number(&mut head), None);
    }

    #[test]
    fn a_breakdown_wrapped_inside_its_unit_is_read_whole() {
        let mut local = Vec::new();
        let mut head = head_from_text(
            &text_lines("①甲補助 事業費 20,393 千円 3\n②乙事業費補助 (①9,391 千円、②11,002 千\n円)"),
            &mut local,
        );
        assert_eq!(head.breakdown.len(), 2);
        assert_eq!(card_number(&mut head), Some(3));
        assert_eq!(card_name(&head.title).0, "①甲補助②乙事業費補助");
    }

    #[test]
    fn relisted_mark_is_cut_from_the_name() {
        assert_eq!(card_name(&["事業".into(), "（再掲）".into()]), ("事業".to_string(), true));
        assert_eq!(card_name(&["事業(再掲)".into()]), ("事業".to_string(), true));
        assert_eq!(card_name(&["（再掲）の事業".into()]), ("（再掲）の事業".to_string(), false));
    }

    fn geom_line(text: &str, y: f32, spans: &[(&str, f32, f32)]) -> SrcLine {
        let spans = spans.iter().map(|&(t, x0, x1)| crate::doc::Span { text: t.into(), x0, x1 }).collect();
        SrcLine {
            text: text.into(),
            line: 0,
            pdf_page: 1,
            printed: None,
            geom: Some(crate::doc::LineGeom { y, font_size: 10.0, spans }),
            page_geom: None,
            footer: None,
        }
    }

    #[test]
    fn bbox_reaches_below_the_baseline_and_is_rounded() {
        let card = CardLines {
            head: vec![geom_line("事業", 100.04, &[("事業", 50.0, 70.0)])],
            body: vec![geom_line("【事業概要】", 120.0, &[("【事業概要】", 60.0, 200.06)])],
            department: Vec::new(),
        };
        // Top: 100.04 - 10 → 90.0; bottom: 120 + 10 × 0.2.
        assert_eq!(bbox(&card), Some([50.0, 90.0, 200.1, 122.0]));
    }

    #[test]
    fn metric_columns_split_at_the_rule_left_of_each_year() {
        let header = geom_line(
            "項目名 4年度 5年度 6年度",
            100.0,
            &[
                ("項目名", 50.0, 80.0),
                ("4年度", 200.0, 230.0),
                ("5年度", 300.0, 330.0),
                ("6年度", 400.0, 430.0),
            ],
        );
        let row = geom_line(
            "事業参加者数（延べ人数の合計） 1件 2件 3件",
            120.0,
            &[
                ("事業参加者数（延べ人数の合計）", 50.0, 198.0),
                ("1件", 205.0, 215.0),
                ("2件", 250.0, 265.0),
                ("3件", 390.0, 405.0),
            ],
        );
        let rule = |x0: f32, y0: f32, x1: f32, y1: f32| crate::doc::Rule { x0, y0, x1, y1 };
        // Rows: rules above and below each line. Columns: a rule just right of 4年度's
        // left edge (within the slack), one 59 pt left of 5年度 (inside two heading
        // widths); none for 6年度, whose nearest rule is too far: half a heading left.
        let rules = vec![
            rule(40.0, 85.0, 450.0, 85.0),
            rule(40.0, 105.0, 450.0, 105.0),
            rule(40.0, 125.0, 450.0, 125.0),
            rule(200.4, 85.0, 200.4, 125.0),
            rule(241.0, 85.0, 241.0, 125.0),
        ];
        let page = std::sync::Arc::new(crate::doc::PageGeom { size: (595.0, 842.0), rules });
        let (mut header, mut row) = (header, row);
        header.page_geom = Some(page.clone());
        row.page_geom = Some(page);
        let rows = metrics_geometry(&[&header, &row], 3).unwrap_or_default();
        let got: Vec<(&str, Vec<&str>)> = rows
            .iter()
            .map(|r| (r.item.as_str(), r.cells.iter().map(|c| c.text.as_str()).collect()))
            .collect();
        // Without the 4年度 rule the split would fall half a heading left of it (185),
        // inside the item's last characters.
        assert_eq!(got, [("事業参加者数（延べ人数の合計）", vec!["1件", "2件", "3件"])]);
    }
}
