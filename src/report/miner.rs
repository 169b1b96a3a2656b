//! pdfminer.six dumps: cells that share a line put on lines of their own, so that the
//! `pdftotext` default-mode reassembly ([`super::reassemble::column_tables`]) reads them.
//!
//! pdfminer's `extract_text` prints text boxes one a block, in its own reading order, as
//! `pdftotext` does; but it joins into one line what stands on one baseline within two
//! characters' widths, where `pdftotext` keeps the cells apart: a card's number beside
//! its cost (`事業費 4,789 千円 １`) or before its title (`２ 「青森の…`), and a summary
//! row's cost, 新規 mark and department (`18,754 ○ 若者定着還流促進課`). Each is cut
//! here into the lines `pdftotext` would print, in the order the grammar reads a card's
//! head (title, cost, number). What a line says is never changed.

mod cards;
mod summary;

use regex::Regex;
use std::sync::LazyLock;

use crate::doc::Document;
use crate::report::reassemble::Guesses;

/// `事業費 4,789 千円 １`: the cost line and the card number after it.
static COST_AND_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s*事\s*業\s*費\s*[▲△-]?\s*[0-9][0-9,.]*\s*(?:千\s*円|百\s*万\s*円|億\s*円|円))\s+([0-9０-９]{1,3})\s*$")
        .expect("static regex")
});
/// `２ 「青森の…`: a card number before the title.
static NUMBER_AND_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([0-9０-９]{1,3})\s+([^\x00-\x7f].*)$").expect("static regex"));
/// A cost line, with a number after it or not.
static COST_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*事\s*業\s*費\s*[▲△-]?\s*[0-9]").expect("static regex"));
/// `18,754 ○ 若者定着還流促進課`: a summary row's cost, then its 新規 mark, department.
static COST_MARK_REST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([▲△-]?[0-9]{1,3}(?:,[0-9]{3})+|[▲△-]?[0-9]+)\s+([○〇◯])(?:\s+(\S.*))?$")
        .expect("static regex")
});

/// A pdfminer dump's tables rebuilt (before normalization, while each page still starts
/// with its form feed): joined cells apart ([`lines`]), summary tables from their columns
/// ([`summary`]), then a box's column printed after 項目名 put back and metrics tables
/// rebuilt from their blocks, as for `pdftotext` ([`super::box_runs`],
/// [`super::metric_runs`]). The guesses: the summary rows' doubts, and the items of
/// metrics tables left as printed.
pub fn tables(doc: Document) -> (Document, Guesses) {
    let mut guesses = Guesses::default();
    let doc = super::reassemble::text_pages(doc, |texts| {
        let texts = summary::rebuild(lines(texts), &mut guesses.summary);
        let texts = cards::rebuild(texts, &mut guesses.metric_items, &mut guesses.box_splits);
        let texts = super::box_runs::columns(super::box_runs::rebuild(texts));
        let (texts, mut items) = super::metric_runs::rebuild(texts);
        guesses.metric_items.append(&mut items);
        texts
    });
    (doc, guesses)
}

/// A （担当課：… line whose parenthesis its line does not close.
fn department_opened(l: &str) -> bool {
    let q = crate::report::marks::compact(&crate::normalize::text(l));
    (q.starts_with("（担当課") || q.starts_with("(担当課")) && crate::report::marks::paren_depth(&q) > 0
}

/// A capture group's text ("" where it did not take part).
fn group<'h>(c: &regex::Captures<'h>, k: usize) -> &'h str {
    c.get(k).map_or("", |m| m.as_str())
}

/// The line-level cut (see the module's comment).
pub fn lines(ls: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(ls.len());
    let mut i = 0;
    while let Some(l) = ls.get(i) {
        i += 1;
        // A form feed starts a page's first line; it stays on the first piece.
        let (ff, body) = match l.strip_prefix('\u{c}') {
            Some(rest) => ("\u{c}", rest),
            None => ("", l.as_str()),
        };
        if let Some(c) = COST_AND_NUMBER.captures(body) {
            out.push(format!("{ff}{}", group(&c, 1)));
            out.push(group(&c, 2).to_string());
            continue;
        }
        if let Some(c) = NUMBER_AND_TITLE.captures(body) {
            // Only a card's head: the next line with text (past the blank line between
            // boxes) is its cost line. The number goes after the cost, where the grammar
            // reads it; the cost line's own number, if any, is cut as above.
            let next = (i..ls.len()).find(|&k| ls.get(k).is_some_and(|x| !x.trim().is_empty()));
            if let Some(k) = next.filter(|&k| ls.get(k).is_some_and(|x| COST_LINE.is_match(x))) {
                out.push(format!("{ff}{}", group(&c, 2)));
                out.extend(ls.get(i..k).unwrap_or_default().iter().cloned());
                let cost = ls.get(k).cloned().unwrap_or_default();
                match COST_AND_NUMBER.captures(&cost) {
                    Some(cc) => {
                        out.push(group(&cc, 1).to_string());
                        out.push(group(&cc, 2).to_string());
                    }
                    None => out.push(cost),
                }
                out.push(group(&c, 1).to_string());
                i = k + 1;
                continue;
            }
        }
        // A department's wrapped end printed before its （担当課： line (pdfminer orders
        // the two boxes by their left edge): the line closes a parenthesis it never
        // opened, and the next text is a department line left open. Put back in order.
        if crate::report::marks::paren_depth(body) < 0 {
            let next = (i..ls.len()).find(|&k| ls.get(k).is_some_and(|x| !x.trim().is_empty()));
            if let Some(k) = next.filter(|&k| ls.get(k).is_some_and(|x| department_opened(x))) {
                out.push(format!("{ff}{}", ls.get(k).map_or("", |x| x.as_str())));
                out.push(body.to_string());
                out.extend(ls.get(i..k).unwrap_or_default().iter().cloned());
                i = k + 1;
                continue;
            }
        }
        if let Some(c) = COST_MARK_REST.captures(body) {
            out.push(format!("{ff}{}", group(&c, 1)));
            out.push(group(&c, 2).to_string());
            if let Some(rest) = c.get(3) {
                out.push(rest.as_str().to_string());
            }
            continue;
        }
        out.push(l.clone());
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
    fn number_beside_the_cost_is_cut() {
        assert_eq!(
            lines(v(&["題名事業", "", "事業費 4,789 千円 １"])),
            v(&["題名事業", "", "事業費 4,789 千円", "１"])
        );
    }

    #[test]
    fn number_before_the_title_goes_after_the_cost() {
        assert_eq!(
            lines(v(&["２ 「青森」事業", "", "事業費 18,658 千円", ""])),
            v(&["「青森」事業", "", "事業費 18,658 千円", "２", ""])
        );
        // A summary row's No. and name (no cost line after) are left as they are.
        assert_eq!(lines(v(&["3 あおもり事業", "", "4 乙事業"])), v(&["3 あおもり事業", "", "4 乙事業"]));
    }

    #[test]
    fn a_departments_end_printed_first_goes_after_it() {
        assert_eq!(
            lines(v(&["乙グループ、丙グループ）", "", "（担当課：甲課", "", "28"])),
            v(&["（担当課：甲課", "乙グループ、丙グループ）", "", "", "28"])
        );
        // Closed on its own line, or no department after: left as printed.
        assert_eq!(lines(v(&["乙）", "", "（担当課：甲課）"])), v(&["乙）", "", "（担当課：甲課）"]));
        assert_eq!(lines(v(&["乙）", "", "本文"])), v(&["乙）", "", "本文"]));
    }

    #[test]
    fn cost_mark_department_apart() {
        assert_eq!(lines(v(&["18,754 ○ 甲課"])), v(&["18,754", "○", "甲課"]));
        assert_eq!(lines(v(&["\u{c}72,439 ○"])), v(&["\u{c}72,439", "○"]));
        assert_eq!(lines(v(&["18,754 甲課"])), v(&["18,754 甲課"]));
    }
}
