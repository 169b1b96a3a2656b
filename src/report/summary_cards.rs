//! A careful reader's cross-check of a summary table rebuilt from column runs
//! ([`super::column_runs`]) against the chapter's cards.
//!
//! Where the dump did not say which row a printed value belongs to, `column_runs` dealt
//! it by reading order and left a note ([`Doubt::dealt`]) on the row. The cards can
//! tell: a row's card is the card whose number is the row's No. (a 再掲 row's too), and
//! it prints the project's name, cost and page again. So, per table and per column
//! (事業名, cost, 掲載頁), the values the table printed for the rows dealt by order are
//! re-dealt among those rows, each row taking the printed value equal to its card's.
//!
//! Only printed values move, and only among the rows dealt by order: a card's value is
//! never copied into the summary, a value read with its row is never touched, and where
//! no printed value equals a row's card the order-dealt one stays. Every row given
//! another value keeps a `summary.columns_uncertain` warning saying how it was placed.
//! Last, two rows each holding the value the other's card shows (and not their own
//! card's) are swapped back, also where one value was read with its row: reading order
//! can put a cost right after the wrong name ([`swap_by_cards`]).
//! The 新規 ○ and the policy marks of a shared chapter are not on the cards and are not
//! checked here.

use super::column_runs::{DealtFields, Doubt};
use crate::model::{Policy, Project, Report, SummaryRow};

/// The report's names, compared without spaces (normalized: the notes' names were read
/// before normalization) and without a 再掲 mark (the cards print their name without
/// it).
fn squash(s: &str) -> String {
    crate::normalize::text(s).chars().filter(|c| !c.is_whitespace()).collect()
}

fn bare_name(s: &str) -> String {
    let t = squash(s);
    ["（再掲）", "(再掲)"].iter().fold(t, |t, m| t.replace(m, ""))
}

/// The chapter whose summary holds the doubt's row: by the row's No. and name (a doubt
/// on the whole table: its first row's name), as `summary.columns_uncertain` warnings
/// are placed.
fn policy_of(report: &Report, d: &Doubt) -> Option<usize> {
    let name = squash(&d.name);
    report.policies.iter().position(|p| {
        p.summary.rows.iter().any(|r| match d.no {
            Some(no) => r.no == no && (name.is_empty() || squash(&r.name) == name),
            None => r.no == 1 && squash(&r.name) == name,
        })
    })
}

/// How a row got a value by [`place`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Placed {
    /// Its own value stays.
    Kept,
    /// The printed value equal to its card's, from row (index) `from`.
    ByCard(usize),
    /// Its own value went to a row whose card it fits; it takes one left over, from
    /// row `from`.
    Left(usize),
}

/// Re-deal `n` rows' values (row `i` holds value `i`) so that each row whose card a
/// printed value fits takes it: first each row keeps a value that fits its card, then
/// each other row takes the first free value that fits its card, then the rows still
/// without one keep their own when it is free, and the others take what is left in
/// order. Returns, per row, the value (row index) it takes and how.
fn place(n: usize, fits: impl Fn(usize, usize) -> bool) -> Vec<(usize, Placed)> {
    let mut taken: Vec<Option<(usize, Placed)>> = vec![None; n];
    let mut free = vec![true; n];
    for (i, slot) in taken.iter_mut().enumerate() {
        if fits(i, i) {
            *slot = Some((i, Placed::Kept));
            if let Some(f) = free.get_mut(i) {
                *f = false;
            }
        }
    }
    for (i, slot) in taken.iter_mut().enumerate() {
        if slot.is_some() {
            continue;
        }
        if let Some(j) = (0..n).find(|&j| free.get(j) == Some(&true) && fits(i, j)) {
            *slot = Some((j, Placed::ByCard(j)));
            if let Some(f) = free.get_mut(j) {
                *f = false;
            }
        }
    }
    for (i, slot) in taken.iter_mut().enumerate() {
        if slot.is_none() && free.get(i) == Some(&true) {
            *slot = Some((i, Placed::Kept));
            if let Some(f) = free.get_mut(i) {
                *f = false;
            }
        }
    }
    let mut left = (0..n).filter(|&j| free.get(j) == Some(&true));
    taken
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.or_else(|| left.next().map(|j| (j, Placed::Left(j)))).unwrap_or((i, Placed::Kept)))
        .collect()
}

/// One column of the summary: how to read a row's value and its card's, and put one in.
struct Column<T> {
    what: &'static str,
    dealt: fn(&DealtFields) -> bool,
    get: fn(&SummaryRow) -> Option<T>,
    set: fn(&mut SummaryRow, T),
    fits: fn(&T, &Project) -> bool,
    show: fn(&T) -> String,
}

/// The single card numbered `no` (none when the chapter has two: which is the row's is
/// not known).
fn card_of(policy: &Policy, no: u32) -> Option<&Project> {
    let mut cards = policy.projects.iter().filter(|p| p.no == no);
    let card = cards.next()?;
    cards.next().is_none().then_some(card)
}

/// Re-deal one column among the rows of `policy` dealt by order (`dealt`: their Nos.
/// and what was dealt); a warning (a doubt) for each row given another value. Returns
/// the rows renamed (No., old name, new name) when the column is the name.
fn redeal<T: Clone + PartialEq>(
    policy: &mut Policy,
    dealt: &[(u32, DealtFields)],
    col: &Column<T>,
    out: &mut Vec<Doubt>,
) -> Vec<(u32, String, String)> {
    // The rows taking part: dealt by order in this column, once each, with a value.
    let mut rows: Vec<usize> = Vec::new();
    for (no, d) in dealt {
        if !(col.dealt)(d) {
            continue;
        }
        let mut at = policy.summary.rows.iter().enumerate().filter(|(_, r)| r.no == *no).map(|(k, _)| k);
        // A No. printed twice is not a row to re-deal by its card.
        if let (Some(k), None) = (at.next(), at.next()) {
            if !rows.contains(&k) && policy.summary.rows.get(k).and_then(col.get).is_some() {
                rows.push(k);
            }
        }
    }
    if rows.len() < 2 {
        return Vec::new();
    }
    let values: Vec<Option<T>> = rows.iter().map(|&k| policy.summary.rows.get(k).and_then(col.get)).collect();
    let cards: Vec<Option<&Project>> =
        rows.iter().map(|&k| policy.summary.rows.get(k).and_then(|r| card_of(policy, r.no))).collect();
    let fits = |i: usize, j: usize| match (cards.get(i).copied().flatten(), values.get(j).cloned().flatten())
    {
        (Some(card), Some(v)) => (col.fits)(&v, card),
        _ => false,
    };
    let placed = place(rows.len(), fits);
    let nos: Vec<u32> = rows.iter().map(|&k| policy.summary.rows.get(k).map_or(0, |r| r.no)).collect();
    let mut renamed = Vec::new();
    for (i, (j, how)) in placed.into_iter().enumerate() {
        let (Some(&k), Some(Some(v)), Some(Some(old))) = (rows.get(i), values.get(j), values.get(i)) else {
            continue;
        };
        if how == Placed::Kept || v == old {
            continue;
        }
        let from = |j: usize| nos.get(j).copied().unwrap_or(0);
        let message = match how {
            Placed::ByCard(j) => format!(
                "summary table printed as column runs: this row's {} was dealt by reading order; placed by its card: it takes {} (dealt to row {}), the value printed for these rows that its card shows, instead of {}",
                col.what,
                (col.show)(v),
                from(j),
                (col.show)(old)
            ),
            Placed::Left(j) => format!(
                "summary table printed as column runs: this row's {} was dealt by reading order, and its card shows another row's value; the value dealt to it ({}) was placed on the row whose card shows it, and it takes the one left ({}, dealt to row {}), which its card does not confirm",
                col.what,
                (col.show)(old),
                (col.show)(v),
                from(j)
            ),
            Placed::Kept => continue,
        };
        let Some(row) = policy.summary.rows.get_mut(k) else { continue };
        let before = row.name.clone();
        (col.set)(row, v.clone());
        if row.name != before {
            renamed.push((row.no, before, row.name.clone()));
        }
        out.push(Doubt { no: Some(row.no), name: row.name.clone(), message });
    }
    renamed
}

/// Two rows of a chapter whose table was rebuilt by reading order, each printing the
/// value the other's card shows and not its own card's, took each other's value: the
/// order the dump gave the cells was off (a cost read right after the wrong name). They
/// are swapped back, each with a warning. A table read with its rows' positions is never
/// touched: there a mismatch is the document's own.
fn swap_by_cards<T: Clone + PartialEq>(policy: &mut Policy, col: &Column<T>, out: &mut Vec<Doubt>) {
    let n = policy.summary.rows.len();
    for i in 0..n {
        for j in i + 1..n {
            let (Some(ri), Some(rj)) = (policy.summary.rows.get(i), policy.summary.rows.get(j)) else {
                continue;
            };
            let (Some(ci), Some(cj)) = (card_of(policy, ri.no), card_of(policy, rj.no)) else { continue };
            let (Some(vi), Some(vj)) = ((col.get)(ri), (col.get)(rj)) else { continue };
            let crossed =
                (col.fits)(&vi, cj) && (col.fits)(&vj, ci) && !(col.fits)(&vi, ci) && !(col.fits)(&vj, cj);
            if !crossed {
                continue;
            }
            let (no_i, no_j) = (ri.no, rj.no);
            for (k, v, old, other) in [(i, vj.clone(), vi.clone(), no_j), (j, vi.clone(), vj.clone(), no_i)] {
                let Some(row) = policy.summary.rows.get_mut(k) else { continue };
                (col.set)(row, v.clone());
                out.push(Doubt {
                    no: Some(row.no),
                    name: row.name.clone(),
                    message: format!(
                        "summary table rebuilt by reading order: this row was given {} and row {other} {}, each the other's card's; swapped back by the cards",
                        (col.show)(&old),
                        (col.show)(&v)
                    ),
                });
            }
        }
    }
}

const NAME: Column<String> = Column {
    what: "事業名",
    dealt: |d| d.name,
    get: |r| Some(r.name.clone()),
    set: |r, v| r.name = v,
    fits: |v, card| !card.name.is_empty() && bare_name(v) == squash(&card.name),
    show: |v| format!("「{v}」"),
};

const COST: Column<i64> = Column {
    what: "cost",
    dealt: |d| d.cost,
    get: |r| r.cost_thousand_yen,
    set: |r, v| r.cost_thousand_yen = Some(v),
    fits: |v, card| card.cost_thousand_yen == Some(*v),
    show: |v| format!("{v}千円"),
};

const PAGE: Column<u32> = Column {
    what: "掲載頁",
    dealt: |d| d.page,
    get: |r| r.page,
    set: |r, v| r.page = Some(v),
    fits: |v, card| card.page == Some(*v),
    show: |v| format!("p.{v}"),
};

/// Re-deal the summary values dealt by reading order (the notes among `doubts`) by the
/// rows' cards; returns the doubts to warn about: the others, those of rows renamed
/// under their new name, and one for each row given another value.
pub fn cross_check(report: &mut Report, doubts: Vec<Doubt>) -> Vec<Doubt> {
    let (notes, mut others): (Vec<Doubt>, Vec<Doubt>) = doubts.into_iter().partition(|d| d.dealt().is_some());
    // Each doubt's chapter, found before any name moves.
    let other_policy: Vec<Option<usize>> = others.iter().map(|d| policy_of(report, d)).collect();
    let mut by_policy: Vec<Vec<(u32, DealtFields)>> = vec![Vec::new(); report.policies.len()];
    // A row without a name could be found in another chapter by its No. alone.
    for n in notes.iter().filter(|n| !squash(&n.name).is_empty()) {
        if let (Some(p), Some(no), Some(d)) = (policy_of(report, n), n.no, n.dealt()) {
            if let Some(list) = by_policy.get_mut(p) {
                list.push((no, d));
            }
        }
    }
    let mut placed = Vec::new();
    for (p, dealt) in by_policy.iter().enumerate() {
        let Some(policy) = report.policies.get_mut(p) else { continue };
        if dealt.is_empty() && !other_policy.contains(&Some(p)) {
            continue;
        }
        let renamed = if dealt.is_empty() { Vec::new() } else { redeal(policy, dealt, &NAME, &mut placed) };
        if !dealt.is_empty() {
            redeal(policy, dealt, &COST, &mut placed);
            redeal(policy, dealt, &PAGE, &mut placed);
        }
        // Then rows the order crossed that re-dealing left (it keeps values read with
        // their rows).
        swap_by_cards(policy, &COST, &mut placed);
        swap_by_cards(policy, &PAGE, &mut placed);
        // The other doubts of a renamed row (or of its table, found by row 1) go with
        // the row's new name, so that they stay in this chapter.
        for (d, dp) in others.iter_mut().zip(&other_policy) {
            if *dp != Some(p) {
                continue;
            }
            let no = d.no.unwrap_or(1);
            if let Some((_, old, new)) = renamed.iter().find(|(n, _, _)| *n == no) {
                if d.name.is_empty() || squash(&d.name) == squash(old) {
                    d.name = new.clone();
                }
            }
        }
    }
    others.append(&mut placed);
    others
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::samples::{card, row};
    use crate::model::*;

    #[test]
    fn place_keeps_fits_swaps_by_card_and_leaves_the_rest() {
        // Rows hold 10, 20, 30; cards want 20, 10, 99: rows 0 and 1 swap, row 2 keeps 30.
        let values = [10, 20, 30];
        let cards = [20, 10, 99];
        let fits = |i: usize, j: usize| cards.get(i) == values.get(j);
        assert_eq!(place(3, fits), [(1, Placed::ByCard(1)), (0, Placed::ByCard(0)), (2, Placed::Kept)]);
        // Cards want 20, 77: row 0 takes 20 by its card, row 1 the 10 left over.
        let cards = [20, 77];
        let fits = |i: usize, j: usize| cards.get(i) == values.get(j);
        assert_eq!(place(2, fits), [(1, Placed::ByCard(1)), (0, Placed::Left(0))]);
        // A row whose own value fits keeps it, even when another row's card shows it too.
        let cards = [10, 10];
        let fits = |i: usize, j: usize| cards.get(i) == values.get(j);
        assert_eq!(place(2, fits), [(0, Placed::Kept), (1, Placed::Kept)]);
    }

    fn report(rows: Vec<SummaryRow>, projects: Vec<Project>) -> Report {
        Report {
            schema_version: SCHEMA_VERSION.into(),
            source: Source {
                file: "x".into(),
                format: SourceFormat::Text,
                sha256: "0".repeat(64),
                pages: None,
                dump_kind: None,
            },
            title: None,
            fiscal_year: None,
            policies: vec![Policy {
                numbers: vec![1],
                titles: vec![],
                overview: None,
                summary: Summary { columns: vec![], rows, subtotal_thousand_yen: None },
                projects,
                case_studies: vec![],
                pdf_page: None,
            }],
            diagnostics: vec![],
        }
    }

    fn note(no: u32, name: &str, name_dealt: bool, cost: bool, page: bool) -> Doubt {
        let d = DealtFields { name: name_dealt, cost, page };
        let doubts = super::super::column_runs::tests_support::note(no, name, d);
        assert_eq!(doubts.dealt(), Some(d));
        doubts
    }

    fn rows(r: &Report) -> Vec<(u32, String, Option<i64>, Option<u32>)> {
        r.policies[0]
            .summary
            .rows
            .iter()
            .map(|r| (r.no, r.name.clone(), r.cost_thousand_yen, r.page))
            .collect()
    }

    #[test]
    fn values_dealt_by_order_are_re_dealt_by_the_cards() {
        // Rows 1 and 2 were dealt each other's name, cost and page (row 2 is a 再掲
        // row: its card prints the name without the mark); row 3's cost, read with its
        // row, is not its card's and stays.
        let mut r = report(
            vec![row(1, "乙事業（再掲）", 200, 6), row(2, "甲事業", 100, 5), row(3, "丙事業", 999, 7)],
            vec![card(1, "甲事業", 100, 5), card(2, "乙事業", 200, 6), card(3, "丙事業", 300, 7)],
        );
        let other =
            Doubt { no: Some(1), name: "乙事業（再掲）".into(), message: "another doubt".into() };
        let doubts = cross_check(
            &mut r,
            vec![note(1, "乙事業（再掲）", true, true, true), note(2, "甲事業", true, true, true), other],
        );
        assert_eq!(
            rows(&r),
            [
                (1, "甲事業".to_string(), Some(100), Some(5)),
                (2, "乙事業（再掲）".to_string(), Some(200), Some(6)),
                (3, "丙事業".to_string(), Some(999), Some(7)),
            ]
        );
        // The notes are no warnings; the other doubt follows row 1's new name; each
        // value placed is said on its row.
        assert!(doubts.iter().all(|d| d.dealt().is_none()), "{doubts:?}");
        assert!(doubts.iter().any(|d| d.message == "another doubt" && d.name == "甲事業"), "{doubts:?}");
        for (no, what) in
            [(1, "事業名"), (1, "cost"), (1, "掲載頁"), (2, "事業名"), (2, "cost"), (2, "掲載頁")]
        {
            assert!(
                doubts.iter().any(|d| d.no == Some(no)
                    && d.message.contains(&format!(
                        "this row's {what} was dealt by reading order; placed by its card"
                    ))),
                "{no} {what}: {doubts:?}"
            );
        }
        assert!(!doubts.iter().any(|d| d.no == Some(3)), "{doubts:?}");
    }

    #[test]
    fn values_that_no_card_confirms_stay_and_values_read_with_a_row_are_not_taken() {
        // Costs 300 and 400 were dealt by order, but the cards show 100 and 200: nothing
        // moves. Row 3's 100 was read with it: row 1 may not take it.
        let mut r = report(
            vec![row(1, "甲事業", 300, 5), row(2, "乙事業", 400, 6), row(3, "丙事業", 100, 7)],
            vec![card(1, "甲事業", 100, 5), card(2, "乙事業", 200, 6), card(3, "丙事業", 700, 7)],
        );
        let before = rows(&r);
        let doubts = cross_check(
            &mut r,
            vec![note(1, "甲事業", false, true, false), note(2, "乙事業", false, true, false)],
        );
        assert_eq!(rows(&r), before);
        assert!(doubts.is_empty(), "{doubts:?}");
    }

    #[test]
    fn two_rows_holding_each_others_cards_values_are_swapped_back() {
        // Row 1 read 200 right after its name, row 2 got 100; the cards show 100 and 200.
        // The table was rebuilt by reading order (a doubt on it): the two are crossed.
        let mut r = report(
            vec![row(1, "甲事業", 200, 5), row(2, "乙事業", 100, 5), row(3, "丙事業", 300, 6)],
            vec![card(1, "甲事業", 100, 5), card(2, "乙事業", 200, 5), card(3, "丙事業", 999, 6)],
        );
        let table =
            Doubt { no: Some(2), name: "乙事業".into(), message: "a 新規 ○ may be this row's".into() };
        let doubts = cross_check(&mut r, vec![table.clone()]);
        let costs: Vec<Option<i64>> = rows(&r).iter().map(|x| x.2).collect();
        assert_eq!(costs, [Some(100), Some(200), Some(300)]);
        assert!(doubts.iter().any(|d| d.no == Some(1) && d.message.contains("swapped")), "{doubts:?}");
        assert!(doubts.iter().any(|d| d.no == Some(2) && d.message.contains("swapped")), "{doubts:?}");
        // Without any doubt on the chapter (its table read with positions) nothing moves.
        let mut r = report(
            vec![row(1, "甲事業", 200, 5), row(2, "乙事業", 100, 5)],
            vec![card(1, "甲事業", 100, 5), card(2, "乙事業", 200, 5)],
        );
        let before = rows(&r);
        assert!(cross_check(&mut r, Vec::new()).is_empty());
        assert_eq!(rows(&r), before);
    }

    #[test]
    fn a_value_its_card_shows_is_taken_and_the_row_left_gets_what_remains() {
        // Row 2's card shows row 1's printed cost; row 1's card shows none of those
        // printed: row 1 takes the one left, which is said too.
        let mut r = report(
            vec![row(1, "甲事業", 200, 5), row(2, "乙事業", 400, 6)],
            vec![card(1, "甲事業", 100, 5), card(2, "乙事業", 200, 6)],
        );
        let doubts = cross_check(
            &mut r,
            vec![note(1, "甲事業", false, true, false), note(2, "乙事業", false, true, false)],
        );
        assert_eq!(rows(&r).iter().map(|r| r.2).collect::<Vec<_>>(), [Some(400), Some(200)]);
        assert!(doubts
            .iter()
            .any(|d| d.no == Some(1) && d.message.contains("which its card does not confirm")));
        assert!(doubts.iter().any(|d| d.no == Some(2) && d.message.contains("placed by its card")));
    }
}
