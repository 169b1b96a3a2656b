//! Line cuts that do not depend on positions, for dumps that print a card's pieces on
//! other lines than the seed's: a cost breakdown wrapped inside its parentheses, and a
//! metric row's item printed on one line with the first line of its cell block.
//!
//! Like the rest of [`super`], these only move line breaks: no text is changed.

use regex::Regex;
use std::sync::LazyLock;

/// A card head's cost: `事業費 20,393 千円`, with or without the title before it and the
/// card number after it.
static COST_IN_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"事業費\s*[▲△-]?[0-9][0-9,.]*\s*(千円|百万円|億円|円)").expect("static regex")
});

/// Lines a breakdown in parentheses wraps over at most: two amounts and their labels
/// take one or two lines of a card's head.
const BREAKDOWN_LINES: usize = 3;

/// A cost breakdown right after the cost line, wrapped inside its parentheses
/// (`(①9,391 千円、②11,002 千` / `円)`) → one line, as the head grammar reads it. A
/// title's tail before it on its line comes along (the head grammar takes it apart).
pub(super) fn wrapped_breakdowns(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    let mut it = ls.into_iter().peekable();
    while let Some(l) = it.next() {
        let after_cost = out.last().is_some_and(|p| COST_IN_LINE.is_match(p));
        // The breakdown may follow the title's last words on its line (`-layout`).
        let opens = super::paren_balance(&l) > 0;
        if !(after_cost && opens) {
            out.push(l);
            continue;
        }
        let mut joined = l.trim_end().to_string();
        let mut taken = 1;
        while super::paren_balance(&joined) > 0 && taken < BREAKDOWN_LINES {
            let Some(next) = it.next_if(|n| super::paren_balance(n) < 0 || !n.contains(['(', '（'])) else {
                break;
            };
            joined.push_str(next.trim());
            taken += 1;
        }
        out.push(joined);
    }
    out
}

/// In a metrics table, a row's item printed on one line with the heading of its first
/// cell block (`参加者数 【R6.3卒対象】`): the block heading goes on a line of its own, as
/// a block starts in the seed's dump ([`crate::report::metrics`] reads a block from its
/// 【…】 line on).
pub(super) fn item_and_block(ls: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ls.len());
    let mut in_table = false;
    for l in ls {
        let t = l.trim();
        if t.starts_with("項目名") {
            in_table = true;
        } else if super::ends_box(t) {
            in_table = false;
        }
        let cut = t.rfind(" 【").filter(|&at| {
            in_table && t.ends_with('】') && !t[..at].contains('【') && !t[..at].trim().is_empty()
        });
        match cut {
            Some(at) => {
                out.push(t[..at].trim().to_string());
                out.push(t[at..].trim().to_string());
            }
            None => out.push(l),
        }
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
    fn breakdown_wrapped_in_its_parentheses_is_one_line() {
        let got =
            wrapped_breakdowns(v(&["名前", "事業費 20,393 千円", "(①9,391 千円、②11,002 千", "円)", "３"]));
        assert_eq!(got, v(&["名前", "事業費 20,393 千円", "(①9,391 千円、②11,002 千円)", "３"]));
        let got = wrapped_breakdowns(v(&["事業費 2 千円 ３", "②補助 (①1 千円、②1 千", "円)"]));
        assert_eq!(got, v(&["事業費 2 千円 ３", "②補助 (①1 千円、②1 千円)"]));
        // Not after a cost line, or already closed: left as is.
        let same = v(&["名前", "(①9,391 千円、", "②11,002 千円)"]);
        assert_eq!(wrapped_breakdowns(same.clone()), same);
        let same = v(&["事業費 1 千円", "(①1 千円)", "２"]);
        assert_eq!(wrapped_breakdowns(same.clone()), same);
        // A parenthesis never closed takes at most three lines.
        let got = wrapped_breakdowns(v(&["事業費 1 千円", "(①", "1", "2", "3"]));
        assert_eq!(got, v(&["事業費 1 千円", "(①12", "3"]));
    }

    #[test]
    fn item_and_its_first_block_heading_are_cut() {
        let got = item_and_block(v(&[
            "項目名 ４年度 ５年度",
            "参加者数 【R6.3卒対象】",
            "R5年3月",
            "（担当課：甲課）",
            "本文 【注】",
        ]));
        assert_eq!(
            got,
            v(&[
                "項目名 ４年度 ５年度",
                "参加者数",
                "【R6.3卒対象】",
                "R5年3月",
                "（担当課：甲課）",
                "本文 【注】"
            ])
        );
        // A line that is a block heading already, or holds two, stays.
        let same = v(&["項目名 ４年度", "【R6.3卒対象】", "甲 【a】 【b】"]);
        assert_eq!(item_and_block(same.clone()), same);
    }
}
