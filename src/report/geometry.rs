//! The card's regions from geometry (PDF path): which printed pieces are the title, the
//! number box, the cost, the two columns of the 【事業概要】/【事業実績】 box.
//!
//! A writer may set the number box left of the title, right of it, above it, or as one
//! digit a line in a narrow box beside a two-line title; it may hang an opening bracket
//! left of a column. Read as a sequence of lines, each of these glues the number into
//! the title or moves text between columns. Here every span is placed by where it is
//! printed: digit-only spans are the number box, read top to bottom; the span holding
//! 事業費 is the cost; the rest of the head is title, in reading order. In the box a
//! span goes to the column holding most of its ink (see `table::cut_at_columns`),
//! split at the rule between the columns when one is drawn. Line order only decides
//! inside a region. The text path ([`super::card`]) reads the same regions from a
//! dump's line order; both give the same [`Head`] and [`super::split::Split`].

use regex::Regex;
use std::sync::LazyLock;

use super::lines::SrcLine;
use super::split::Split;
use super::table;
use crate::doc::{Rule, Span};

static COST_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)事\s*業\s*費\s*([▲△-]?\s*[0-9][0-9,.]*\s*(?:千\s*円|百\s*万\s*円|億\s*円|円))\s*(.*)$")
        .expect("static regex")
});
static BREAKDOWN_GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(（][^()（）]*[0-9]\s*(?:千円|百万円|円)[^()（）]*[)）]").expect("static regex")
});

/// A card number has at most this many digits (cards are numbered per chapter).
const MAX_NUMBER_DIGITS: usize = 3;

/// Digits of one number box lie in one column: their x-centres differ by less than this
/// many font sizes.
const BOX_COLUMN: f32 = 1.5;

/// A vertical rule this close (in font sizes) to the column gap's middle is the rule
/// between the box's columns.
const COLUMN_RULE_REACH: f32 = 3.0;

/// The card's head (everything printed before the box) as regions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Head {
    /// Title pieces in reading order (joined without separator: a title wraps anywhere).
    pub title: Vec<String>,
    /// The amount printed after 事業費 (`4,789 千円`), when a cost line was found.
    pub cost: Option<String>,
    /// Breakdown groups, each still in its parentheses: `(①9,391千円、②11,002千円)`.
    pub breakdown: Vec<String>,
    /// The number box's digits read top to bottom.
    pub number: Option<u32>,
}

/// One printed piece of the head with its line's baseline and size.
struct Piece<'a> {
    y: f32,
    size: f32,
    span: &'a Span,
}

fn is_number_box(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.len() <= MAX_NUMBER_DIGITS && t.bytes().all(|b| b.is_ascii_digit())
}

/// The number box: digit-only spans in one column, the topmost first; in the box header
/// line only such spans right of the headers count (nothing else is there). Returns the
/// number as printed (its digits top to bottom) and the spans it is made of.
fn number_box<'a>(pieces: &[Piece<'a>], header: Option<&'a SrcLine>) -> (String, Vec<&'a Span>) {
    let header_digits: Vec<Piece<'a>> = header
        .and_then(|l| l.geom.as_ref())
        .map(|g| {
            let headers_end =
                g.spans.iter().filter(|s| !is_number_box(&s.text)).map(|s| s.x1).fold(f32::MIN, f32::max);
            g.spans
                .iter()
                .filter(|s| is_number_box(&s.text) && s.x0 > headers_end)
                .map(|s| Piece { y: g.y, size: g.font_size, span: s })
                .collect()
        })
        .unwrap_or_default();
    let mut digits: Vec<&Piece<'a>> =
        pieces.iter().filter(|p| is_number_box(&p.span.text)).chain(&header_digits).collect();
    digits.sort_by(|a, b| a.y.total_cmp(&b.y));
    let centre = |p: &Piece<'_>| (p.span.x0 + p.span.x1) / 2.0;
    let Some(top) = digits.first() else {
        return (String::new(), Vec::new());
    };
    let x = centre(top);
    let column: Vec<&Piece<'a>> =
        digits.iter().copied().filter(|p| (centre(p) - x).abs() < BOX_COLUMN * p.size).collect();
    (column.iter().map(|p| p.span.text.trim()).collect(), column.iter().map(|p| p.span).collect())
}

/// Read the head by geometry. `head` are the lines before the box, `header` the box's
/// header line (a one-digit-a-line number box can reach down beside it). `None` when a
/// line has no geometry or the head spans pages: the caller reads it as text.
pub fn head(head: &[SrcLine], header: Option<&SrcLine>) -> Option<Head> {
    let page = head.first().or(header)?.pdf_page;
    if head.iter().chain(header).any(|l| l.geom.is_none() || l.pdf_page != page) {
        return None;
    }
    let pieces: Vec<Piece<'_>> = head
        .iter()
        .filter_map(|l| l.geom.as_ref())
        .flat_map(|g| g.spans.iter().map(move |s| Piece { y: g.y, size: g.font_size, span: s }))
        .collect();
    let (mut number, number_box) = number_box(&pieces, header);
    let in_box = |p: &Piece<'_>| number_box.iter().any(|&b| std::ptr::eq(b, p.span));

    let mut out = Head::default();
    // A breakdown wrapped over lines (`(①9,391 千円、②11,002 千` / `円)`): its open
    // parenthesis waits for the pieces below it in the same x-range.
    let mut open: Option<(String, f32, f32)> = None;
    for p in pieces.iter().filter(|p| !in_box(p)) {
        let mut t = p.span.text.trim().to_string();
        if let Some((text, x0, x1)) = open.take() {
            if p.span.x0 < x1 && p.span.x1 > x0 {
                t = format!("{text}{t}");
            } else {
                open = Some((text, x0, x1));
            }
        }
        if let Some(caps) = COST_SPAN.captures(&t).filter(|_| out.cost.is_none()) {
            let prefix = caps.get(1).map_or("", |m| m.as_str()).trim();
            if !prefix.is_empty() {
                out.title.push(prefix.to_string());
            }
            out.cost = caps.get(2).map(|m| m.as_str().to_string());
            let tail = caps.get(3).map_or("", |m| m.as_str()).trim().to_string();
            // A number box set too close to the cost to be a span of its own.
            let (rest, tail_digits) = split_trailing_digits(&tail);
            if number.is_empty() {
                number = tail_digits;
            }
            t = rest;
        }
        if unclosed(&t) && t.contains(['(', '（']) && open.is_none() {
            let (x0, x1) = (p.span.x0, p.span.x1);
            let at = t.rfind(['(', '（']).unwrap_or(0);
            open = Some((t.split_off(at), x0, x1));
        }
        while let Some(m) = BREAKDOWN_GROUP.find(&t) {
            out.breakdown.push(m.as_str().to_string());
            t.replace_range(m.range(), " ");
        }
        // Whatever else the head prints is title, a long one's last words perhaps
        // wrapped below the cost.
        let t = t.trim();
        if !t.is_empty() {
            out.title.push(t.split_whitespace().collect());
        }
    }
    if let Some((text, _, _)) = open {
        // Never closed: keep it as printed rather than drop it.
        out.title.push(text.split_whitespace().collect());
    }
    out.number = number.parse().ok();
    Some(out)
}

/// More opening than closing parentheses.
fn unclosed(s: &str) -> bool {
    !super::marks::parens_closed(s)
}

/// `"(内訳) 1 0"` → (`"(内訳)"`, `"10"`): trailing digit-only words.
fn split_trailing_digits(s: &str) -> (String, String) {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    let mut digits = String::new();
    while let Some(last) = words.last() {
        if last.bytes().all(|b| b.is_ascii_digit()) && digits.len() < MAX_NUMBER_DIGITS {
            digits.insert_str(0, last);
            words.pop();
        } else {
            break;
        }
    }
    (words.join(" "), digits)
}

/// The x between the box's two columns: the vertical rule drawn between the
/// 【事業概要】 and 【事業実績】 headers when there is one, else the middle between the
/// headers' centres.
pub fn column_boundary(header: &SrcLine, lines: &[SrcLine], rules: &[Rule]) -> Option<f32> {
    let g = header.geom.as_ref()?;
    let left = g.spans.iter().find(|s| s.text.contains("概要"))?;
    let right = g.spans.iter().find(|s| s.text.contains("実績"))?;
    let middle = ((left.x0 + left.x1) / 2.0 + (right.x0 + right.x1) / 2.0) / 2.0;
    let y0 = g.y;
    let y1 = lines.iter().filter_map(|l| l.geom.as_ref()).map(|g| g.y).fold(y0, f32::max);
    let reach = COLUMN_RULE_REACH * g.font_size;
    let rule = table::column_edges(rules, y0, y1)
        .into_iter()
        .filter(|&x| x > left.x1 && x < right.x0 && (x - middle).abs() < reach)
        .min_by(|a, b| (a - middle).abs().total_cmp(&(b - middle).abs()));
    Some(rule.unwrap_or(middle))
}

/// Split the box's lines into its columns: each span to the column holding most of its
/// ink, a span across the boundary cut where the boundary falls in it.
pub fn split_columns(lines: &[SrcLine], boundary: f32) -> Split {
    let mut overview = Vec::new();
    let mut results = Vec::new();
    for line in lines {
        let Some(g) = &line.geom else {
            overview.push(line.text.trim().to_string());
            continue;
        };
        let mut sides: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        for s in &g.spans {
            for (col, piece) in table::cut_at_columns(&s.text, s.x0, s.x1, &[boundary]) {
                if let Some(side) = sides.get_mut(col) {
                    if !piece.trim().is_empty() {
                        side.push(piece.trim().to_string());
                    }
                }
            }
        }
        let [left, right] = sides;
        if !left.is_empty() {
            overview.push(left.join(" "));
        }
        if !right.is_empty() {
            results.push(right.join(" "));
        }
    }
    Split { overview, results, doubt: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::LineGeom;

    fn line(y: f32, spans: &[(&str, f32, f32)]) -> SrcLine {
        let spans: Vec<Span> =
            spans.iter().map(|(t, x0, x1)| Span { text: t.to_string(), x0: *x0, x1: *x1 }).collect();
        let text = spans.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
        SrcLine {
            text,
            line: 0,
            pdf_page: 1,
            printed: Some(1),
            geom: Some(LineGeom { y, font_size: 11.0, spans }),
            page_geom: None,
            footer: None,
        }
    }

    #[test]
    fn number_box_left_of_the_title() {
        let h = head(
            &[
                line(60.0, &[("9", 60.0, 66.0), ("西北地域の未来をつくる", 90.0, 300.0)]),
                line(74.0, &[("人財育成事業", 90.0, 160.0), ("事業費 4,789 千円", 400.0, 500.0)]),
            ],
            None,
        )
        .unwrap();
        assert_eq!(h.number, Some(9));
        assert_eq!(h.title.concat(), "西北地域の未来をつくる人財育成事業");
        assert_eq!(h.cost.as_deref(), Some("4,789 千円"));
    }

    #[test]
    fn one_digit_a_line_beside_a_two_line_title() {
        let header = line(100.0, &[("【 事業概要 】", 140.0, 210.0), ("【 事業実績 】", 380.0, 450.0)]);
        let h = head(
            &[
                line(60.0, &[("ものづくり人材育成プロジ", 60.0, 300.0), ("1", 520.0, 526.0)]),
                line(
                    74.0,
                    &[("ェクト事業", 60.0, 120.0), ("事業費 8,000 千円", 400.0, 480.0), ("0", 520.0, 526.0)],
                ),
            ],
            Some(&header),
        )
        .unwrap();
        assert_eq!(h.number, Some(10));
        assert_eq!(h.title.concat(), "ものづくり人材育成プロジェクト事業");
        // The box reaches down beside the box header: a third digit there.
        let header = line(
            88.0,
            &[("【 事業概要 】", 140.0, 210.0), ("【 事業実績 】", 380.0, 450.0), ("5", 520.0, 526.0)],
        );
        let h = head(
            &[
                line(60.0, &[("ものづくり事業", 60.0, 300.0), ("1", 520.0, 526.0)]),
                line(74.0, &[("事業費 8,000 千円", 400.0, 480.0), ("2", 520.0, 526.0)]),
            ],
            Some(&header),
        )
        .unwrap();
        assert_eq!(h.number, Some(125));
    }

    #[test]
    fn number_box_above_the_title_and_number_after_the_cost() {
        let h = head(
            &[
                line(50.0, &[("12", 520.0, 532.0)]),
                line(66.0, &[("販路開拓事業", 60.0, 200.0), ("事業費 1,000 千円", 400.0, 480.0)]),
            ],
            None,
        )
        .unwrap();
        assert_eq!((h.number, h.title.concat()), (Some(12), "販路開拓事業".to_string()));
        let h = head(
            &[line(66.0, &[("販路開拓事業", 60.0, 200.0), ("事業費 1,000 千円 7", 400.0, 490.0)])],
            None,
        )
        .unwrap();
        assert_eq!(h.number, Some(7));
        let h = head(
            &[
                line(66.0, &[("販路開拓事業", 60.0, 200.0), ("事業費 1,000 千円", 400.0, 480.0)]),
                line(80.0, &[("(①400千円、②600千円)", 380.0, 480.0), ("3", 520.0, 526.0)]),
            ],
            None,
        )
        .unwrap();
        assert_eq!((h.number, h.breakdown.len()), (Some(3), 1));
        // A breakdown wrapped onto the next line.
        let h = head(
            &[
                line(66.0, &[("①保証協会補助", 60.0, 200.0), ("事業費 20,393 千円", 428.0, 505.0)]),
                line(80.0, &[("②利子補助", 60.0, 150.0), ("(①9,391 千円、②11,002 千", 393.0, 505.0)]),
                line(94.0, &[("円)", 493.0, 505.0)]),
            ],
            None,
        )
        .unwrap();
        assert_eq!(h.title.concat(), "①保証協会補助②利子補助");
        assert_eq!(h.breakdown, ["(①9,391 千円、②11,002 千円)"]);
    }

    #[test]
    fn hanging_bracket_keeps_its_column() {
        let header = line(100.0, &[("【 事業概要 】", 143.0, 212.0), ("【 事業実績 】", 384.0, 453.0)]);
        let boundary = column_boundary(&header, &[], &[]).unwrap();
        let box_lines = [
            line(
                118.0,
                &[
                    ("県産品の販路を広げるため、", 60.0, 249.0),
                    ("「あおもり産品フェア」を開催", 296.0, 490.0),
                ],
            ),
            line(132.0, &[("「あおもり産品フェア」への出展", 55.0, 249.0)]),
        ];
        let s = split_columns(&box_lines, boundary);
        assert_eq!(s.overview, ["県産品の販路を広げるため、", "「あおもり産品フェア」への出展"]);
        assert_eq!(s.results, ["「あおもり産品フェア」を開催"]);
        // A drawn rule between the columns is the boundary.
        let rule = Rule { x0: 280.0, y0: 90.0, x1: 280.0, y1: 140.0 };
        assert_eq!(column_boundary(&header, &box_lines, &[rule]), Some(280.0));
        // Two columns run together into one span are cut at the boundary.
        let joined = [line(118.0, &[("支援する。支援した。", 200.0, 400.0)])];
        let s = split_columns(&joined, 300.0);
        assert_eq!((s.overview, s.results), (vec!["支援する。".to_string()], vec!["支援した。".to_string()]));
    }
}
