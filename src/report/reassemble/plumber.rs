//! pdfplumber `extract_text()` boxes: the 事業概要/事業実績 box's two columns printed on
//! one line each, joined by a single space, undone into the left column's lines followed
//! by the right column's.
//!
//! pdfplumber groups a page's words into lines by their baseline and joins them left to
//! right with single spaces, so a box line reads `<left column> <right column>`. Where
//! the two columns end at different heights, the lines below the shorter one hold one
//! column only, with nothing to say which. The cut is taken at the line's last space
//! (the left column may hold a space of its own, `※ 移住…`); a line of one column is
//! placed with the column that is still open (its last line ends mid-sentence).
//!
//! A writer that sets a table's cells at the top of their rows prints each row's first
//! pieces on its item line and the wrapped rest on the lines below: summary cells
//! ([`CellWidths::open_cell`]) and metrics rows ([`top_rows`]) are rebuilt from that.

use super::stacked::{money_cut, StackedRow};
use super::{paren_balance, paren_groups, MetricLine};

/// Characters the left part of a joined line has at least: a column's last line can be
/// as short as `対応する。`, but a lone mark before a space (`※ 移住…`) is no column.
const MIN_JOINED_LEFT: usize = 2;

/// A left part ending in a Latin letter or digit (`…県内Ｉ`, `レッツＢｕｙ`) is a column's
/// line only when it is about as wide as the box's other left parts: a space between a
/// Latin word and what follows it inside one column (`ＵＩＪ ターン`) would otherwise
/// pass for the gap between the columns. Numerator and denominator of the share of the
/// widest left part (ending in a wide character) that such a part must reach.
const LATIN_LEFT_SHARE: (usize, usize) = (3, 4);

/// One line of a box as pdfplumber printed it.
#[derive(Debug, Clone, PartialEq)]
enum BoxLine {
    /// A line of both columns: the left column's text and the right's.
    Joined(String, String),
    /// A line of one column only (which one is for [`place_singles`] to tell).
    Single(String),
}

/// Display width of `s` in half-width cells: a wide (non-ASCII) character counts two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn is_wide(c: char) -> bool {
    !c.is_ascii() && !c.is_whitespace()
}

/// `…を育 子育て…` → the two columns, cut at the last space; `None` for a line with no
/// space, a lone mark before it, or a right part holding a space of its own.
fn split_joined(l: &str) -> Option<(String, String)> {
    let t = l.trim();
    let (x, y) = t.rsplit_once(' ')?;
    let x = x.trim_end();
    if x.chars().count() < MIN_JOINED_LEFT || y.is_empty() || y.contains(' ') {
        return None;
    }
    // The right column may start with a Latin letter or digit (`UIJターン…`).
    x.chars().next_back().filter(|c| !c.is_whitespace()).map(|_| (x.to_string(), y.to_string()))
}

/// Each box line as joined or single: a cut whose left part ends in a wide character is
/// taken as is; one whose left part ends in a Latin letter or digit only when that part
/// is as wide as the box's left parts are ([`LATIN_LEFT_SHARE`]).
fn classify(lines: &[String]) -> Vec<BoxLine> {
    let cuts: Vec<Option<(String, String)>> = lines.iter().map(|l| split_joined(l)).collect();
    let ends_wide = |x: &str| x.chars().next_back().is_some_and(is_wide);
    let widest = cuts.iter().flatten().filter(|(x, _)| ends_wide(x)).map(|(x, _)| width(x)).max();
    lines
        .iter()
        .zip(cuts)
        .map(|(l, cut)| match cut {
            Some((x, y))
                if ends_wide(&x)
                    || widest.is_some_and(|w| width(&x) * LATIN_LEFT_SHARE.1 >= w * LATIN_LEFT_SHARE.0) =>
            {
                BoxLine::Joined(x, y)
            }
            _ => BoxLine::Single(l.trim().to_string()),
        })
        .collect()
}

/// Whether a column's text so far ends mid-sentence (its last line does not close with
/// 。): the column goes on below.
fn open(column: &[String]) -> bool {
    column.last().is_some_and(|x| !x.trim_end().ends_with('。'))
}

/// The box's lines as (left column, right column). Single lines before any joined one
/// are the left column's (a box starts with both columns or with the left one); a run
/// of single lines after joined ones goes, all of it, to the column that was open when
/// the run started — the other closed its last sentence and has ended — and to the
/// right one when both or neither were open (the right column usually runs longer).
fn place_singles(lines: Vec<BoxLine>) -> (Vec<String>, Vec<String>) {
    let (mut left, mut right): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    // Which column the current run of single lines goes to, once decided.
    let mut run_to_left: Option<bool> = None;
    for line in lines {
        match line {
            BoxLine::Joined(x, y) => {
                left.push(x);
                right.push(y);
                run_to_left = None;
            }
            BoxLine::Single(s) => {
                let to_left =
                    *run_to_left.get_or_insert_with(|| right.is_empty() || (open(&left) && !open(&right)));
                if to_left {
                    left.push(s);
                } else {
                    right.push(s);
                }
            }
        }
    }
    (left, right)
}

/// A box's lines (between its heading line and its metrics table or department) cut into
/// the left column's lines followed by the right column's.
pub(super) fn box_columns(lines: &[String]) -> Vec<String> {
    let (mut left, right) = place_singles(classify(lines));
    left.extend(right);
    left
}

/// A metrics table whose cells are set at the top of their rows, rebuilt row by row: a
/// line with item text and a piece for every column starts a row; any other line goes
/// on with the row above — its item text with the item, its pieces with the cells.
/// `None` unless the table starts with such a full line and goes on under one at least
/// (without continuation lines every line is a row, as the plain reading has it).
pub(super) fn top_rows(lines: &[MetricLine], ncols: usize) -> Option<Vec<StackedRow>> {
    let starts = |l: &MetricLine| !l.item.trim().is_empty() && l.cells.len() == ncols;
    if ncols == 0 || !lines.first().is_some_and(starts) {
        return None;
    }
    let mut rows: Vec<StackedRow> = Vec::new();
    for l in lines {
        let (item, cells) = notes_as_cells(l, ncols);
        match rows.last_mut() {
            Some(row) if !starts(l) || item_cut(row) => {
                // A full line under an item cut mid-phrase goes on with it: a guess.
                row.uncertain |= starts(l);
                if !item.is_empty() {
                    row.item.push(item);
                }
                row.uncertain |= add_tails(&mut row.cells, cells);
            }
            _ => rows.push(StackedRow {
                item: vec![item],
                cells: cells.into_iter().map(|c| vec![c]).collect(),
                uncertain: false,
            }),
        }
    }
    (rows.len() < lines.len()).then_some(rows)
}

/// Share of a full item line's characters that the next line's item may have at most
/// to read as that item's wrapped tail (`…会場ガイダンスへの出` / `席者数`): a row of its
/// own is rarely so short beside an item that fills the column.
const TAIL_SHARE: (usize, usize) = (1, 5);

/// Items of a metrics table read line by line (every line a row of its own) that may
/// have been wrapped mid-word onto the next line: the item is the widest of the table
/// (it fills its column) and the next line's item is a short piece. Nothing in the text
/// tells a wrapped tail from a short row, so these are doubts to warn, not joins.
pub(super) fn wrapped_item_doubts(lines: &[MetricLine]) -> Vec<String> {
    let widest = lines.iter().map(|l| width(l.item.trim())).max().unwrap_or(0);
    lines
        .windows(2)
        .filter_map(|pair| match pair {
            [a, b] => {
                let (x, y) = (a.item.trim(), b.item.trim());
                let short =
                    !y.is_empty() && y.chars().count() * TAIL_SHARE.1 <= x.chars().count() * TAIL_SHARE.0;
                (width(x) == widest && short).then(|| x.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Characters a metric's item (a noun phrase) cannot end with: a particle or a joiner
/// before the phrase's next word (`…ガイダンスへの` / `出席者数`).
const ITEM_CUT_ENDS: [char; 5] = ['の', 'を', '・', '、', '及'];

/// Whether a row's item so far ends mid-phrase, so that the next line goes on with it.
fn item_cut(row: &StackedRow) -> bool {
    row.item.last().and_then(|i| i.trim_end().chars().next_back()).is_some_and(|c| ITEM_CUT_ENDS.contains(&c))
}

/// A line's item text and cell pieces; a line of one parenthesised note a column
/// (`(8月～10月) (8月～10月)`) is the notes under the values above, not item text.
fn notes_as_cells(l: &MetricLine, ncols: usize) -> (String, Vec<String>) {
    let item = l.item.trim().to_string();
    let groups = if l.cells.is_empty() { paren_groups(&item) } else { Vec::new() };
    if groups.len() >= 2 && groups.len() == ncols {
        return (String::new(), groups);
    }
    (item, l.cells.iter().map(|(_, c)| c.trim().to_string()).collect())
}

/// Add a continuation line's pieces to a row's columns: one a column when there is one
/// for each, a lone piece that ends one column's cut piece to that column, else to the
/// leftmost columns still open (a lone dash is a whole cell); whether that was a guess. A piece cut inside a money unit or its parentheses is
/// joined to the piece it continues.
fn add_tails(columns: &mut [Vec<String>], pieces: Vec<String>) -> bool {
    if pieces.is_empty() {
        return false;
    }
    // One piece that ends the cut piece of one column only is that column's.
    if let [piece] = pieces.as_slice() {
        let cut: Vec<usize> = (0..columns.len())
            .filter(|&c| columns.get(c).and_then(|p| p.last()).is_some_and(|p| joins(p, piece)))
            .collect();
        if let (Some(p), [_]) =
            (cut.first().and_then(|&c| columns.get_mut(c)).and_then(|c| c.last_mut()), cut.as_slice())
        {
            p.push_str(piece);
            return false;
        }
    }
    let all: Vec<usize> = (0..columns.len()).collect();
    let open: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&c| !columns.get(c).and_then(|p| p.first()).is_some_and(|p| is_lone_dash(p)))
        .collect();
    let targets = if pieces.len() == columns.len() || open.len() < pieces.len() { all } else { open };
    let guessed = pieces.len() < columns.len();
    for (piece, c) in pieces.into_iter().zip(targets) {
        let Some(column) = columns.get_mut(c) else { continue };
        match column.last_mut() {
            Some(p) if joins(p, &piece) => p.push_str(&piece),
            _ => column.push(piece),
        }
    }
    guessed
}

fn is_lone_dash(s: &str) -> bool {
    let mut cs = s.trim().chars();
    cs.next().is_some_and(crate::normalize::is_dash) && cs.next().is_none()
}

/// Whether `piece` continues `prev` cut inside a money unit (`6,897,486千` / `円`) or
/// inside its parentheses (`8,603千円(R` / `4.6)`).
fn joins(prev: &str, piece: &str) -> bool {
    let p = prev.trim_end();
    (piece.starts_with('円') && money_cut(p)) || (paren_balance(p) > 0 && paren_balance(piece) < 0)
}

/// How much fuller (as a share of its column's width) one summary cell's last line must be
/// than the other's for a wrapped piece to be taken as its continuation.
const FULLER_BY: f64 = 0.2;

/// Display width by which a cell's line may fall short of its column's widest and still
/// count as filling it (none: a line short of the widest may have ended its cell).
const FULL_SLACK: usize = 0;

/// The widest name and department printed on a summary table's row lines (display
/// widths; each table sets its own columns): a cell's line about as wide as its column
/// was wrapped, and goes on below.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CellWidths {
    name: usize,
    department: usize,
}

impl CellWidths {
    pub(super) fn of(rows: impl Iterator<Item = super::RowLine>) -> CellWidths {
        rows.fold(CellWidths::default(), |w, r| CellWidths {
            name: w.name.max(r.name.as_deref().map_or(0, width)),
            department: w.department.max(r.department.as_deref().map_or(0, width)),
        })
    }

    /// Where a wrapped line beside a summary row goes: `(name pieces, department
    /// pieces)`, or `None` when nothing tells (the caller's rules apply). Two words are
    /// a name's piece and a department's side by side; one word continues the cell
    /// left open ([`CellWidths::open_cell`]).
    pub(super) fn place(
        &self,
        name: &[String],
        dept: &[String],
        piece: &str,
    ) -> Option<(Vec<String>, Vec<String>)> {
        let words: Vec<&str> = piece.split_whitespace().collect();
        match words.as_slice() {
            [a, b] => Some((vec![a.to_string()], vec![b.to_string()])),
            [one] => Some(match self.open_cell(name, dept, one)? {
                true => (vec![one.to_string()], Vec::new()),
                false => (Vec::new(), vec![one.to_string()]),
            }),
            _ => None,
        }
    }

    /// Which of a summary row's name (`true`) and department (`false`), each begun, a
    /// wrapped word continues: the one left with a parenthesis open; a name closed by
    /// its （再掲） mark is done; a word wider than any department is the name's; else the
    /// one whose last line fills its column (the other ended short of its edge), or fills
    /// it clearly more. `None` when nothing tells.
    pub(super) fn open_cell(&self, name: &[String], dept: &[String], piece: &str) -> Option<bool> {
        let (n, d) = (name.last()?, dept.last()?);
        let open_paren = |s: &[String]| paren_balance(&s.concat()) > 0;
        match (open_paren(name), open_paren(dept)) {
            (true, false) => return Some(true),
            (false, true) => return Some(false),
            _ => {}
        }
        if crate::report::card::is_relisted(n) {
            return Some(false);
        }
        if self.department > 0 && width(piece) > self.department {
            return Some(true);
        }
        let full = |s: &str, w: usize| w > 0 && width(s) + FULL_SLACK >= w;
        match (full(n, self.name), full(d, self.department)) {
            (true, false) => return Some(true),
            (false, true) => return Some(false),
            _ => {}
        }
        let fill = |s: &str, w: usize| (w > 0).then(|| (width(s) as f64 / w as f64).min(1.0));
        let (fn_, fd) = (fill(n, self.name)?, fill(d, self.department)?);
        if fn_ >= fd + FULLER_BY {
            Some(true)
        } else if fd >= fn_ + FULLER_BY {
            Some(false)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn cut_at_the_last_space() {
        assert_eq!(
            split_joined("※ 移住する。 支援した。"),
            Some(("※ 移住する。".into(), "支援した。".into()))
        );
        assert_eq!(split_joined("※ 移住"), None);
        assert_eq!(split_joined("移住する。"), None);
        assert_eq!(split_joined("あい UIJターン"), Some(("あい".into(), "UIJターン".into())));
    }

    #[test]
    fn latin_left_part_is_joined_only_when_as_wide_as_the_others() {
        let got = classify(&v(&[
            "あいうえおかきくけこ さしすせそ",
            "あいうえおかきくLED さしすせそ",
            "UIJ ターン",
        ]));
        assert_eq!(got[1], BoxLine::Joined("あいうえおかきくLED".into(), "さしすせそ".into()));
        assert_eq!(got[2], BoxLine::Single("UIJ ターン".into()));
    }

    #[test]
    fn a_run_of_single_lines_stays_in_one_column() {
        // The right column ends first; the left goes on over a sentence end and into a
        // new sentence, all of it the left's.
        let got = box_columns(&v(&[
            "あいうえおかきく さしすせそたちつ",
            "けこするため、 てとした。",
            "なにぬねのする。",
            "なお、はひふへほ",
            "まみむめもである。",
        ]));
        assert_eq!(
            got,
            v(&[
                "あいうえおかきく",
                "けこするため、",
                "なにぬねのする。",
                "なお、はひふへほ",
                "まみむめもである。",
                "さしすせそたちつ",
                "てとした。",
            ])
        );
    }

    #[test]
    fn single_lines_after_a_closed_left_column_go_right() {
        let got =
            box_columns(&v(&["あいうえおかきく さしすせそたちつ", "けこする。 てとなに", "ぬねのした。"]));
        assert_eq!(
            got,
            v(&["あいうえおかきく", "けこする。", "さしすせそたちつ", "てとなに", "ぬねのした。"])
        );
    }

    #[test]
    fn single_lines_before_any_joined_one_are_the_left_column() {
        let got = box_columns(&v(&["あいうえおかきく", "けこする。 さしした。"]));
        assert_eq!(got, v(&["あいうえおかきく", "けこする。", "さしした。"]));
    }

    #[test]
    fn a_wrapped_summary_piece_continues_the_open_cell() {
        // Columns 14 and 8 wide characters.
        let w = CellWidths { name: 28, department: 16 };
        let v1 = |s: &str| vec![s.to_string()];
        // The name fills its column; the department ended short.
        assert_eq!(w.open_cell(&v1("あいうえおかきくけこさしすせ"), &v1("たちつて"), "進事業"), Some(true));
        // The department fills its column; the name ended short.
        assert_eq!(w.open_cell(&v1("あいうえ（お）"), &v1("たちつてとなにぬ"), "課"), Some(false));
        // Neither fills its column: the one clearly fuller.
        assert_eq!(w.open_cell(&v1("あいうえおかきくけこさし"), &v1("たちつ"), "す"), Some(true));
        // An open parenthesis wins; a name closed by （再掲） is done.
        assert_eq!(w.open_cell(&v1("あいうえおかきくけこさしす"), &v1("たち（つて"), "と）"), Some(false));
        assert_eq!(
            w.open_cell(&v1("あいうえおかきくけ（再掲）"), &v1("たちつてとなにぬ"), "課"),
            Some(false)
        );
        // Wider than any department: the name's.
        assert_eq!(w.open_cell(&v1("あいうえ"), &v1("たちつてとなにぬ"), "かきくけこさしすせそ"), Some(true));
        // Both filling their columns, or a cell not begun: nothing tells.
        assert_eq!(w.open_cell(&v1("あいうえおかきくけこさしすせ"), &v1("たちつてとなにぬ"), "課"), None);
        assert_eq!(w.open_cell(&[], &v1("たちつてとなにぬ"), "課"), None);
    }

    #[test]
    fn two_words_beside_a_summary_row_are_its_name_and_department() {
        let w = CellWidths { name: 28, department: 16 };
        let placed = w.place(&[], &[], "青森県信用保証協会補助 経済産業政策課");
        assert_eq!(
            placed,
            Some((vec!["青森県信用保証協会補助".to_string()], vec!["経済産業政策課".to_string()]))
        );
        assert_eq!(w.place(&[], &[], "甲 乙 丙"), None);
    }

    fn ml(item: &str, cells: &[&str]) -> MetricLine {
        MetricLine { item: item.into(), cells: cells.iter().map(|c| (None, c.to_string())).collect() }
    }

    #[test]
    fn cells_set_at_the_top_of_their_rows() {
        let rows = top_rows(
            &[
                ml("甲資金 融資件数・融資額", &["651件", "668件"]),
                ml("", &["6,897,486千", "6,548,579千円"]),
                ml("", &["円"]),
                ml("乙資金 融資件数・融資", &["10件", "-"]),
                ml("額", &["113,500千円"]),
                ml("丙の申込者数", &["1,000名", "255名"]),
                ml("(8月～10月) (8月～10月)", &[]),
            ],
            2,
        )
        .expect("top-aligned");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].cells, [vec!["651件", "6,897,486千円"], vec!["668件", "6,548,579千円"]]);
        // A lone dash is a whole cell: the one piece below goes to the other column, a guess.
        assert_eq!(rows[1].item, ["乙資金 融資件数・融資", "額"]);
        assert_eq!(rows[1].cells, [vec!["10件", "113,500千円"], vec!["-"]]);
        assert!(rows[1].uncertain && !rows[0].uncertain);
        assert_eq!(rows[2].cells, [vec!["1,000名", "(8月～10月)"], vec!["255名", "(8月～10月)"]]);
    }

    #[test]
    fn a_full_line_under_an_item_cut_mid_phrase_goes_on_with_it() {
        let rows = top_rows(
            &[
                ml("甲の開催回数及び乙への", &["17回", "82回"]),
                ml("出席者数", &["延べ 157名", "延べ 85名"]),
                ml("丙の件数", &["1件", "2件"]),
            ],
            2,
        )
        .expect("top-aligned");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].item, ["甲の開催回数及び乙への", "出席者数"]);
        assert_eq!(rows[0].cells, [vec!["17回", "延べ 157名"], vec!["82回", "延べ 85名"]]);
        assert!(rows[0].uncertain && !rows[1].uncertain);
    }

    #[test]
    fn a_short_item_under_the_widest_one_is_a_doubt() {
        let lines = [
            ml("甲乙丙丁戊己庚辛壬癸の参加者数", &["1名", "2名"]),
            ml("子丑寅卯辰巳午未申酉戌亥への出", &["3回", "4回"]),
            ml("席者数", &["5名", "6名"]),
        ];
        assert_eq!(wrapped_item_doubts(&lines), vec!["子丑寅卯辰巳午未申酉戌亥への出".to_string()]);
        // An item below a narrower one, or a long next item, raises nothing.
        let plain = [ml("甲乙丙丁戊己庚辛壬癸の参加者数", &["1名"]), ml("支援件数の合計", &["2件"])];
        assert!(wrapped_item_doubts(&plain).is_empty());
        assert!(wrapped_item_doubts(&[ml("甲乙丙", &["1名"]), ml("甲乙丙丁戊己庚", &["2名"])]).is_empty());
    }

    #[test]
    fn top_rows_only_for_a_table_starting_with_a_full_line_and_going_on_under_one() {
        assert!(top_rows(&[ml("甲", &["1件"]), ml("", &["2件", "3件"])], 2).is_none());
        assert!(top_rows(&[ml("甲", &["1件", "2件"]), ml("乙", &["3件", "4件"])], 2).is_none());
    }
}
