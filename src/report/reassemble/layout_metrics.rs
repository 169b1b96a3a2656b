//! `pdftotext -layout` metrics tables whose writer prints each row at the top of its
//! band: a row's line holds its item's first line and every cell's first line, and the
//! lines below it, up to the next row, hold the rest — cells' later lines, and the
//! item's wrapped tail (`出席者数`, `事業者）`) with the cells' lines beside it.
//!
//! Such a table is told from one whose stacks are centred on their row (read by
//! [`super::metric_steps`]) by where its lines of cells only stand: never before the
//! first row, never right above a row line that lacks their column. A wrapped item's
//! tail is told from a new row by the item before it: a parenthesis left open, or a line
//! as wide as the widest item line of the dump's tables (the item column's width) that
//! does not end a parenthesis, followed by a short piece.

use super::metric_steps::{is_note, read_line, Header};
use super::{ends_box, MetricLine};

/// Display width of a text in a `-layout` dump's item column: wide characters take two
/// columns of narrow ones.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Columns of slack for a line that fills the item column: one wide character.
const FULL_SLACK: usize = 2;

/// A wrapped item's tail is at most this share of the item column's width (in percent):
/// the tails seen are under a third of it, new rows' items after a full line over
/// four tenths.
const TAIL_SHARE: usize = 40;

/// The widest item line of every metrics table of the dump: how wide the item column
/// lets a line be.
pub(super) fn item_capacity(ls: &[String]) -> usize {
    let mut widest = 0;
    let mut header: Option<Header> = None;
    for l in ls {
        if l.trim_start().starts_with("項目名") {
            header = Some(Header::new(l));
            continue;
        }
        if ends_box(l) {
            header = None;
        }
        if let Some(h) = header.as_ref().filter(|h| h.positioned()) {
            widest = widest.max(width(read_line(l, h, true).item.trim()));
        }
    }
    widest
}

fn cells_only(l: &MetricLine) -> bool {
    l.item.trim().is_empty()
}

/// Whether the table's rows are printed at the top of their bands (see the module's
/// comment); a table with no line of cells only reads the same either way.
fn top_aligned(lines: &[MetricLine]) -> bool {
    if lines.first().is_none_or(cells_only) {
        return false;
    }
    // A row line lacking a column whose piece stands right above it: a centred stack.
    !lines.windows(2).any(|w| match w {
        [above, row] if cells_only(above) && !cells_only(row) => {
            above.cells.iter().any(|(col, _)| col.is_some() && !row.cells.iter().any(|(c, _)| c == col))
        }
        _ => false,
    })
}

/// Whether an item line continues the item of the row above it (`item`: that row's item
/// so far, `last`: its last item line): an item never starts with a parenthesis (a note
/// under it does).
fn continues(item: &str, last: &str, next: &str, capacity: usize) -> bool {
    let open = !crate::report::marks::parens_closed(item) || next.starts_with(['（', '(']);
    let full = capacity > 0 && width(last) + FULL_SLACK >= capacity && !last.ends_with(['）', ')']);
    open || (full && width(next) * 100 <= capacity * TAIL_SHARE)
}

/// Whether a line of cells only opens the row line after it rather than going on with
/// the row above: that row's piece in one of its columns is a note or a value's tail
/// (`(R4.6)` under `8,603千円`), which never starts a cell — the writer centred this row's
/// stacks though it set the rows above at the top of their bands.
fn opens_next(l: &MetricLine, next: Option<&MetricLine>) -> bool {
    next.filter(|n| !cells_only(n)).is_some_and(|n| {
        l.cells.iter().any(|(col, _)| {
            col.is_some() && n.cells.iter().find(|(c, _)| c == col).is_some_and(|(_, t)| is_note(t))
        })
    })
}

/// In a table printed at the top of its bands, the lines under each row (cells only, or
/// the item's tail with cells beside it) are folded into the row: its item goes on, its
/// cells are added in their columns; a line of cells only that opens the row after it
/// ([`opens_next`]) goes to that row, before its own cells. Other tables are returned as
/// they are. Whether the table was folded comes with its lines.
pub(super) fn fold_top_aligned(lines: Vec<MetricLine>, capacity: usize) -> (Vec<MetricLine>, bool) {
    if !top_aligned(&lines) {
        return (lines, false);
    }
    let opening: Vec<bool> =
        lines.iter().enumerate().map(|(k, l)| cells_only(l) && opens_next(l, lines.get(k + 1))).collect();
    let mut out: Vec<MetricLine> = Vec::with_capacity(lines.len());
    let mut last_item = String::new();
    let mut pending: Vec<(Option<usize>, String)> = Vec::new();
    for (k, l) in lines.into_iter().enumerate() {
        if opening.get(k).copied().unwrap_or(false) {
            pending.extend(l.cells);
            continue;
        }
        let item = l.item.trim().to_string();
        let fold = match out.last() {
            Some(row) => item.is_empty() || continues(&row.item, &last_item, &item, capacity),
            None => false,
        };
        let cells: Vec<(Option<usize>, String)> =
            std::mem::take(&mut pending).into_iter().chain(l.cells).collect();
        match out.last_mut().filter(|_| fold) {
            Some(row) => {
                row.item.push_str(&item);
                row.cells.extend(cells);
            }
            None => out.push(MetricLine { item: item.clone(), cells }),
        }
        if !item.is_empty() {
            last_item = item;
        }
    }
    if let Some(row) = out.last_mut() {
        row.cells.append(&mut pending);
    }
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(item: &str, cells: &[(usize, &str)]) -> MetricLine {
        MetricLine {
            item: item.to_string(),
            cells: cells.iter().map(|(c, t)| (Some(*c), t.to_string())).collect(),
        }
    }

    #[test]
    fn rows_at_the_top_take_the_lines_below_them() {
        let lines = vec![
            line("高校生対象の進路ガイダンス開催回数及び会場ガイダンスへの", &[(0, "17回"), (1, "82回")]),
            line("出席者数", &[(0, "延べ 157名"), (1, "延べ 85名")]),
            line("補助申請者数（高速バス", &[(0, "4者(R4.6)"), (1, "4者")]),
            line("事業者）", &[(0, "4者(R4.11)")]),
            line("（2024年度採用分 R6.7.5現在）", &[(1, "(R4.6～)")]),
            line("融資件数", &[(0, "651件"), (1, "668件")]),
            line("", &[(0, "6,897,486千円"), (1, "6,548,579千円")]),
        ];
        let got = fold_top_aligned(lines, 56).0;
        let items: Vec<&str> = got.iter().map(|l| l.item.as_str()).collect();
        assert_eq!(
            items,
            [
                "高校生対象の進路ガイダンス開催回数及び会場ガイダンスへの出席者数",
                "補助申請者数（高速バス事業者）（2024年度採用分 R6.7.5現在）",
                "融資件数"
            ]
        );
        assert_eq!(got.iter().map(|l| l.cells.len()).collect::<Vec<_>>(), [4, 4, 4]);
    }

    #[test]
    fn a_new_row_after_a_full_line_stays_a_row() {
        let lines = vec![
            // Full, then a long item: a new row.
            line("県内中小企業等と高校進路指導担当者との情報交換会開催回数", &[(0, "1回"), (1, "1回")]),
            line("各大学が参加する学内就職セミナー参加数", &[(0, "5校"), (1, "6校")]),
            // Full but closing its parenthesis, then a short item: a new row.
            line("相談件数（県内中小企業者等の相談対応等の件数を含むもの）", &[(0, "1件"), (1, "2件")]),
            line("構築数", &[(0, "1"), (1, "2")]),
        ];
        let got = fold_top_aligned(lines, 56).0;
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn centred_tables_are_left_alone() {
        // A stack piece right above a row line that lacks its column.
        let lines =
            vec![line("甲", &[(0, "22名"), (1, "14名")]), line("", &[(1, "6件")]), line("乙", &[(0, "-")])];
        assert_eq!(fold_top_aligned(lines, 56).0.len(), 3);
        // A line of cells before the first row.
        let lines = vec![line("", &[(0, "651件")]), line("甲", &[(0, "1円")])];
        assert_eq!(fold_top_aligned(lines, 56).0.len(), 2);
    }

    #[test]
    fn a_line_above_a_row_starting_with_a_note_opens_that_row() {
        // Rows at the top of their bands, then a row whose stack is centred on it: its
        // line starts the first column with the note of the value above it.
        let lines = vec![
            line("申請者数（高速バス事業者）", &[(0, "4者(R4.6)"), (1, "4者")]),
            line("", &[(0, "4者(R4.11)")]),
            line("", &[(0, "8,603千円")]),
            line("補助金（高速バス事業者）", &[(0, "(R4.6)"), (1, "8,603千円")]),
            line("", &[(0, "8,837千円")]),
            line("", &[(0, "(R4.11)")]),
        ];
        let (got, folded) = fold_top_aligned(lines, 56);
        assert!(folded);
        let cells: Vec<Vec<&str>> =
            got.iter().map(|l| l.cells.iter().map(|(_, c)| c.as_str()).collect()).collect();
        assert_eq!(
            cells,
            [
                vec!["4者(R4.6)", "4者", "4者(R4.11)"],
                vec!["8,603千円", "(R4.6)", "8,603千円", "8,837千円", "(R4.11)"]
            ]
        );
    }
}
