//! One project card → [`Project`]: title (（再掲） flag), cost line and breakdown, card
//! number, the 事業概要/事業実績 box, the metrics table and the department.

use regex::Regex;
use std::sync::LazyLock;

use super::lines::{is_page_number, SrcLine};
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
static RELISTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*[（(]再掲[)）]\s*$").expect("static regex"));

/// Context a card is read in.
pub struct Ctx {
    pub policy: Option<u8>,
    pub era: Option<Era>,
    /// The card's position in its chapter, 1-based: its number when none is printed.
    pub position: u32,
}

pub fn parse(card: &CardLines, ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> Project {
    let first = card.head.iter().chain(&card.body).next();
    let page = first.and_then(|l| l.printed);
    let pdf_page = first.filter(|l| l.geom.is_some()).map(|l| l.pdf_page);
    let mut local: Vec<Diagnostic> = Vec::new();
    let warn = |code: Code, msg: String| Diagnostic::new(code, msg);

    // Head: title lines, cost line (maybe with the title's tail before it and the card
    // number after it), an optional breakdown line, the card number.
    let cost_at = card.head.iter().position(|l| COST.is_match(l.trimmed()));
    // With geometry the head's regions come from where each piece is printed.
    let geo = geometry::head(&card.head, card.body.first().filter(|l| is_box_header(&l.text)));
    let mut title_parts: Vec<String> = Vec::new();
    let mut cost = None;
    let mut breakdown = Vec::new();
    let mut number: Option<u32> = None;
    let title_end = cost_at.unwrap_or_else(|| {
        // No cost line: the card number is the last lone number of the head.
        card.head.iter().rposition(|l| is_page_number(&l.text)).unwrap_or(card.head.len())
    });
    // A card number in a box taller than the title's first line can come out between
    // the title's lines, before the cost line.
    let mut number_before_cost: Option<u32> = None;
    for l in card.head.iter().take(title_end) {
        if is_page_number(&l.text) {
            // The last one: a page footer printed before the title comes first.
            number_before_cost = l.trimmed().parse().ok().or(number_before_cost);
        } else {
            title_parts.push(l.trimmed().to_string());
        }
    }
    let after: Vec<&SrcLine> = card.head.iter().skip(title_end + usize::from(cost_at.is_some())).collect();
    if let Some(ci) = cost_at {
        if let Some(caps) = card.head.get(ci).and_then(|l| COST.captures(l.trimmed())) {
            let prefix = caps.get(1).map_or("", |m| m.as_str()).trim();
            if !prefix.is_empty() {
                title_parts.push(prefix.to_string());
            }
            let amount = caps.get(2).map_or("", |m| m.as_str()).replace(' ', "");
            cost = parse_amount(&amount);
            if cost.is_none() {
                local.push(warn(Code::CardCostUnreadable, format!("cost unreadable: {amount}")));
            }
            let tail = caps.get(3).map_or("", |m| m.as_str()).trim();
            if let Ok(n) = tail.replace(' ', "").parse::<u32>() {
                number = Some(n);
            } else if !tail.is_empty() {
                breakdown.extend(parse_breakdown(tail));
            }
        }
    } else {
        local.push(warn(Code::CardNoCost, "no 事業費 line in the card's head".into()));
    }
    // Lines after the cost: a breakdown in parentheses, the card number (maybe printed
    // in a narrow box, one digit a line: １ / ０ for 10), and, where a long title wraps
    // past the cost line, the title's last words.
    let mut digits = String::new();
    for l in after.iter().filter(|_| geo.is_none()) {
        let mut t = l.trimmed().to_string();
        while let Some(m) = BREAKDOWN_GROUP.find(&t) {
            breakdown.extend(parse_breakdown(m.as_str()));
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
        if !words.is_empty() && cost_at.is_some() {
            title_parts.push(words.concat());
        }
    }
    if !digits.is_empty() {
        number = Some(match number {
            Some(n) => format!("{n}{digits}").parse().unwrap_or(n),
            None => digits.parse().unwrap_or(0),
        });
    }
    if let Some(h) = &geo {
        title_parts = h.title.clone();
        breakdown = h.breakdown.iter().flat_map(|g| parse_breakdown(g)).collect();
        number = h.number;
        number_before_cost = None;
        cost = h.cost.as_deref().and_then(|a| parse_amount(&a.replace(' ', "")));
        local.retain(|d| d.code != Code::CardCostUnreadable && d.code != Code::CardNoCost);
        match &h.cost {
            None => local.push(warn(Code::CardNoCost, "no 事業費 line in the card's head".into())),
            Some(a) if cost.is_none() => {
                local.push(warn(Code::CardCostUnreadable, format!("cost unreadable: {a}")))
            }
            Some(_) => {}
        }
    }
    // A dump can print the number on the title's line before it (`1 西北地域の…事業`).
    let number_before_title = if number.is_none() && number_before_cost.is_none() {
        title_parts.first_mut().and_then(|first| {
            let (n, rest) = first.split_once(' ')?;
            let n: u32 = n.parse().ok().filter(|_| n.len() <= 3 && !rest.trim().is_empty())?;
            *first = rest.trim().to_string();
            Some(n)
        })
    } else {
        None
    };
    let no = number
        .or(number_before_cost.filter(|_| cost_at.is_some()))
        .or(number_before_title)
        .unwrap_or_else(|| {
            local.push(warn(Code::CardNoNumber, "no card number printed; numbered by position".into()));
            ctx.position
        });
    let mut name = title_parts.concat();
    let relisted = RELISTED.is_match(&name);
    if relisted {
        name = RELISTED.replace(&name, "").to_string();
    }
    if name.is_empty() {
        local.push(warn(Code::CardNoTitle, "card has no title".into()));
    }

    // Body: box header, box text, then the metrics table from 項目名 on.
    let body: Vec<&SrcLine> = card.body.iter().collect();
    let header = body.first().filter(|l| is_box_header(&l.text)).copied();
    let box_start = usize::from(header.is_some());
    let metrics_at =
        body.iter().position(|l| super::segment::starts_with_marker(&l.text, "項目名")).unwrap_or(body.len());
    let box_lines: Vec<SrcLine> =
        body.get(box_start..metrics_at).unwrap_or(&[]).iter().map(|l| (*l).clone()).collect();
    let boundary =
        header.and_then(|h| geometry::column_boundary(h, &box_lines, h.rules().unwrap_or_default()));
    let sp = match boundary {
        Some(b) if box_lines.iter().all(|l| l.geom.is_some()) => geometry::split_columns(&box_lines, b),
        _ => split::split_text(&box_lines.iter().map(|l| l.trimmed().to_string()).collect::<Vec<_>>()),
    };
    if let Some(d) = &sp.doubt {
        local.push(warn(Code::CardSplitUncertain, format!("事業概要/事業実績 split: {d}")));
    }
    let metrics = match body.get(metrics_at) {
        Some(h) => {
            let columns = metrics::columns(h.trimmed(), ctx.era);
            let table: Vec<&SrcLine> = body.iter().skip(metrics_at).copied().collect();
            let (rows, doubts) = match metrics_geometry(&table, columns.len()) {
                Some(rows) => (rows, Vec::new()),
                None => {
                    let lines: Vec<String> = table.iter().skip(1).map(|l| l.trimmed().to_string()).collect();
                    metrics::rows(&lines, columns.len())
                }
            };
            for d in doubts {
                local.push(warn(Code::MetricsUncertain, d));
            }
            Metrics { columns, rows }
        }
        None => Metrics::default(),
    };
    let department = department::parse(&card.department.iter().map(|l| l.text.clone()).collect::<Vec<_>>());
    if department.is_none() {
        local.push(warn(Code::CardNoDepartment, "no （担当課：…） line".into()));
    }
    for d in local {
        diags.push(d.at_page(page).in_policy(ctx.policy).on_card(Some(no)));
    }
    Project {
        no,
        name,
        relisted,
        cost_thousand_yen: cost,
        cost_breakdown: breakdown,
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
    // Column splits: the vertical rules just left of each year heading, or (no rules)
    // half a heading's width left of it, as headings are centred in their columns.
    let splits: Vec<f32> = g.spans[1..]
        .iter()
        .map(|s| {
            verticals
                .iter()
                .copied()
                .filter(|&x| x <= s.x0 + 0.5)
                .fold(None, |best: Option<f32>, x| Some(best.map_or(x, |b| b.max(x))))
                .filter(|&x| s.x0 - x < (s.x1 - s.x0) * 2.0)
                .unwrap_or(s.x0 - (s.x1 - s.x0) / 2.0)
        })
        .collect();
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

/// The card's extent on its first page: every line of it that has geometry there.
fn bbox(card: &CardLines) -> Option<[f32; 4]> {
    let lines: Vec<&SrcLine> = card.head.iter().chain(&card.body).chain(&card.department).collect();
    let page = lines.first()?.pdf_page;
    let mut b: Option<[f32; 4]> = None;
    for g in lines.iter().filter(|l| l.pdf_page == page).filter_map(|l| l.geom.as_ref()) {
        for s in &g.spans {
            let r =
                [s.x0, g.y - g.font_size, s.x1, g.y + g.font_size * 0.2].map(|v| (v * 10.0).round() / 10.0);
            b = Some(match b {
                None => r,
                Some(o) => [o[0].min(r[0]), o[1].min(r[1]), o[2].max(r[2]), o[3].max(r[3])],
            });
        }
    }
    b
}

/// The x between the two box columns, from the header's two spans' centres.
pub(crate) fn column_boundary(header: &SrcLine) -> Option<f32> {
    let g = header.geom.as_ref()?;
    let left = g.spans.iter().find(|s| s.text.contains("概要"))?;
    let right = g.spans.iter().find(|s| s.text.contains("実績"))?;
    Some(((left.x0 + left.x1) / 2.0 + (right.x0 + right.x1) / 2.0) / 2.0)
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
}
