//! The steps of [`super::summary_rows`]: a summary table whose wrapped cells are centred
//! on their row, in a dump without positions (pdfplumber), rebuilt one line a row.

use std::collections::HashSet;

use super::plumber::CellWidths;
use super::{row_line, RowLine};

/// Fewest characters a name's last line and a wrapped word make together before their
/// being printed elsewhere in the dump tells anything.
const MIN_ECHO: usize = 6;

/// What the rest of the dump repeats of the summary tables' cells: each row's card prints
/// its name in its head and its department in its （担当課：…） line, and a department
/// is often printed whole on other rows' lines. A wrapped word is told to continue the
/// name or the department by which of them reads on elsewhere.
#[derive(Debug, Default)]
pub(super) struct Echoes {
    /// The dump's lines outside the summary tables, spaces taken out, joined (a card's
    /// head may wrap too).
    text: String,
    /// The departments printed whole on a row's own line, in any table.
    departments: HashSet<String>,
}

impl Echoes {
    pub(super) fn of(ls: &[String]) -> Echoes {
        let mut echoes = Echoes::default();
        let mut in_table = false;
        for l in ls {
            let t = l.trim_start();
            if t.starts_with("【基本方針事業一覧】") {
                in_table = true;
            } else if in_table && t.starts_with("小計") {
                in_table = false;
            } else if in_table {
                if let Some(d) = row_line(t).and_then(|r| r.department) {
                    echoes.departments.extend(d.split_whitespace().map(str::to_string));
                }
            } else {
                echoes.text.extend(t.chars().filter(|c| !c.is_whitespace()));
            }
        }
        echoes
    }

    /// How many of `piece`'s first characters read on after `last` elsewhere in the dump
    /// (a card's head may add or drop a last 費 of the table's name).
    fn reach(&self, last: &str, piece: &str) -> usize {
        let last: String = last.chars().filter(|c| !c.is_whitespace()).collect();
        let piece: Vec<char> = piece.chars().filter(|c| !c.is_whitespace()).collect();
        (1..=piece.len())
            .rev()
            .find(|&k| {
                let joined: String = last.chars().chain(piece.iter().take(k).copied()).collect();
                joined.chars().count() >= MIN_ECHO && self.text.contains(&joined)
            })
            .unwrap_or(0)
    }

    /// Whether `line` reads on after `before` elsewhere in the dump, whole.
    fn continues(&self, before: &str, line: &str) -> bool {
        let n = line.chars().filter(|c| !c.is_whitespace()).count();
        n > 0 && self.reach(before, line) == n
    }

    /// Which of a row's name (`true`) and department (`false`) a wrapped word goes to:
    /// a whole department of the tables is a department line of its own; else the cell
    /// after whose last line the word reads on elsewhere in the dump (half of it at
    /// least, further than after the other cell's). `None` when nothing tells.
    pub(super) fn place(&self, name: &[String], dept: &[String], piece: &str) -> Option<bool> {
        let compact: String = piece.chars().filter(|c| !c.is_whitespace()).collect();
        if self.departments.contains(&compact) && !dept.is_empty() {
            return Some(false);
        }
        let reach = |cell: &[String]| cell.last().map_or(0, |last| self.reach(last, &compact));
        let (n, d) = (reach(name), reach(dept));
        let enough = |r: usize| r * 2 >= compact.chars().count();
        if n > d && enough(n) {
            Some(true)
        } else if d > n && enough(d) {
            Some(false)
        } else {
            None
        }
    }
}

/// A row needs wrapped lines when its own line lacks its name or its department.
fn needs(r: &RowLine) -> usize {
    usize::from(r.name.is_none() || r.department.is_none())
}

/// The table's heading as printed above its first row (`heading`: its characters without
/// spaces): a line made of its pieces, repeated on the next page, is no cell's line.
fn is_heading_piece(heading: &str, l: &str) -> bool {
    super::super::segment::is_table_heading(l)
        // Two pieces at least: one short piece may be a name's last character.
        || (l.split_whitespace().count() >= 2
            && l.split_whitespace().all(|t| heading.contains(t))
            && l.split_whitespace().any(|t| t.chars().count() >= 3))
}

/// The wrapped lines printed above and below each row: the lines between two rows go
/// to the row below and the row above as each needs; when the needs do not add up, as
/// the centred stacks' chain ([`centred_chain`]) has it, else half and half; after the
/// last row, up to 小計, below it. A page footer and the heading
/// repeated on the next page are no cell's lines.
fn share(
    region: &[String],
    rows: &[(usize, RowLine)],
    head_end: usize,
    echoes: &Echoes,
) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let heading: String = region
        .get(..head_end)
        .unwrap_or(&[])
        .iter()
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let cell_lines = |from: usize, to: usize| -> Vec<String> {
        region
            .get(from..to)
            .unwrap_or(&[])
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !super::super::lines::is_page_number(l) && !is_heading_piece(&heading, l))
            .collect()
    };
    let mut above: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
    let mut below: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
    let mut gaps: Vec<Vec<String>> = Vec::new();
    let mut from = head_end;
    for (at, _) in rows {
        gaps.push(cell_lines(from, *at));
        from = at + 1;
    }
    let tail = cell_lines(from, region.len());
    // A writer that sets cells at the top of their rows prints every cell's first piece
    // on the row's line: only a row line lacking a cell shows the cells are centred.
    let centred = rows.iter().any(|(_, r)| needs(r) > 0);
    let chain = centred_chain(&gaps, tail.len()).filter(|_| centred);
    let mut want_below = 0;
    for (k, ((_, r), gap)) in rows.iter().zip(&gaps).enumerate() {
        let want_above = needs(r);
        let split = if k == 0 {
            0
        } else if gap.len() == want_below + want_above {
            want_below
        } else if let Some(b) = k.checked_sub(1).and_then(|p| chain.as_ref()?.get(p)) {
            // The needs do not add up (a cell wrapped into three lines or more): the
            // centred stacks' chain tells how many of the gap's lines are the row above's.
            (*b).min(gap.len())
        } else {
            gap.len().div_ceil(2)
        };
        // A line read as the row below's that continues the line before it elsewhere in
        // the dump (a card's head) is the row above's, when the row below prints its cells.
        let mut split = split;
        while k > 0
            && needs(r) == 0
            && split > 0
            && gap.get(split).zip(gap.get(split - 1)).is_some_and(|(l, before)| echoes.continues(before, l))
        {
            split += 1;
        }
        if let Some(b) = k.checked_sub(1).and_then(|p| below.get_mut(p)) {
            b.extend(gap.get(..split).unwrap_or(&[]).iter().cloned());
        }
        if let Some(a) = above.get_mut(k) {
            a.extend(gap.get(split..).unwrap_or(&[]).iter().cloned());
        }
        want_below = needs(r);
    }
    if let Some(b) = below.last_mut() {
        b.extend(tail);
    }
    (above, below)
}

/// How many lines each row prints above (= below) itself when every cell's wrapped
/// lines are centred on the row: a stack of `s` lines fills the half-line levels
/// `-(s-1)..=s-1`, as many above the row's own line as below it. The first row takes
/// the lines before it, each next row what the row above leaves of their gap; `None`
/// unless every count fits and the last row's equals the lines after it (`tail`) — a
/// table whose cells are set at the top of their rows fails it.
fn centred_chain(gaps: &[Vec<String>], tail: usize) -> Option<Vec<usize>> {
    let mut counts: Vec<usize> = Vec::with_capacity(gaps.len());
    for gap in gaps {
        let prev = counts.last().copied().unwrap_or(0);
        counts.push(gap.len().checked_sub(prev)?);
    }
    (counts.last().copied().unwrap_or(0) == tail).then_some(counts)
}

/// A row on one line from its own line and its wrapped lines. A wrapped line beside a
/// row that prints both its name and department goes to the department when it is no
/// wider than the widest department on a row line (`dept_width`: the department column
/// is the narrower one), else to the name.
fn row_text(
    r: &RowLine,
    above: &[String],
    below: &[String],
    dept_width: usize,
    widths: &CellWidths,
    echoes: &Echoes,
) -> String {
    let mut name = Vec::new();
    let mut dept = Vec::new();
    let wrapped = |parts: &[String], name: &mut Vec<String>, dept: &mut Vec<String>| {
        for p in parts {
            if !p.contains(' ') {
                match echoes.place(name, dept, p) {
                    Some(true) => {
                        name.push(p.clone());
                        continue;
                    }
                    Some(false) => {
                        dept.push(p.clone());
                        continue;
                    }
                    None => {}
                }
            }
            // A line of one piece under cells set at the top of their row continues the
            // one left open (`…還流促` / `進事業`).
            if let Some((n, d)) = widths.place(name, dept, p) {
                name.extend(n);
                dept.extend(d);
                continue;
            }
            match (r.name.is_none(), r.department.is_none()) {
                (true, true) => match p.rsplit_once(' ') {
                    Some((a, b)) => {
                        name.push(a.to_string());
                        dept.push(b.to_string());
                    }
                    None => name.push(p.clone()),
                },
                (false, true) => dept.push(p.clone()),
                (false, false) if p.chars().count() <= dept_width => dept.push(p.clone()),
                _ => name.push(p.clone()),
            }
        }
    };
    match (by_level(r, above.iter().rev()), by_level(r, below.iter())) {
        (Some(up), Some(down)) => {
            // Nearest first above: back into reading order.
            let (un, ud): (Vec<_>, Vec<_>) = up.into_iter().rev().partition(|(to_name, _)| *to_name);
            name.extend(un.into_iter().map(|(_, p)| p));
            dept.extend(ud.into_iter().map(|(_, p)| p));
            name.extend(r.name.clone());
            dept.extend(r.department.clone());
            for (to_name, p) in down {
                if to_name {
                    name.push(p)
                } else {
                    dept.push(p)
                }
            }
        }
        _ => {
            wrapped(above, &mut name, &mut dept);
            name.extend(r.name.clone());
            dept.extend(r.department.clone());
            match ended_at_top(r, above) {
                // The lacking cell printed its one line at the top and has ended: the
                // lines below are the printed cell's.
                Some(to_name) if below.iter().all(|p| !p.contains(' ')) => {
                    (if to_name { &mut name } else { &mut dept }).extend(below.iter().cloned());
                }
                _ => wrapped(below, &mut name, &mut dept),
            }
        }
    }
    let fields = [&r.marks, &r.no, &name.concat(), &r.cost, &r.new, &dept.concat(), &r.page];
    fields.iter().filter(|f| !f.is_empty()).map(|f| f.as_str()).collect::<Vec<_>>().join(" ")
}

/// A row whose line prints one of its two cells and lacks the other: the cell it prints
/// wrapped into an odd stack (its middle line is the row's), the lacking one into an even
/// stack (its lines sit half a line off the row's), so their levels alternate. `lines`
/// from the row's line outward, each as (goes to the name, piece): the nearest is the
/// lacking cell's, the next the printed one's, and so on (the most compact reading).
/// `None` for a row printing both or neither, or a line of two words (stacks of one
/// parity side by side).
fn by_level<'a>(r: &RowLine, lines: impl Iterator<Item = &'a String>) -> Option<Vec<(bool, String)>> {
    let lacks_name = match (r.name.is_none(), r.department.is_none()) {
        (true, false) => true,
        (false, true) => false,
        _ => return None,
    };
    lines
        .enumerate()
        .map(|(j, p)| (!p.contains(' ')).then(|| ((j % 2 == 0) == lacks_name, p.clone())))
        .collect()
}

/// A row whose line prints one cell and lacks the other, where the lacking cell's piece
/// shares a line above with the printed cell's (`甲の前段 甲課` / `1 甲の中段 10 24`):
/// stacks meeting at one level have the same parity, so the lacking cell is not centred
/// (it would hold the row's own line) but set at the top, and a cell set at the top that
/// is absent from the row's line ended above it. `Some(true)` when the lines below go to
/// the name (the department ended), `Some(false)` to the department; `None` otherwise.
fn ended_at_top(r: &RowLine, above: &[String]) -> Option<bool> {
    let shared = above.iter().any(|l| l.split_whitespace().count() == 2);
    match (r.name.is_some(), r.department.is_some()) {
        (true, false) if shared => Some(true),
        (false, true) if shared => Some(false),
        _ => None,
    }
}

/// One table's region (after its 【基本方針事業一覧】 line, before 小計) → its heading
/// lines and one line a row; `None` when no line reads as a row's own line.
pub(super) fn table(region: &[String], echoes: &Echoes) -> Option<Vec<String>> {
    let rows: Vec<(usize, RowLine)> =
        region.iter().enumerate().filter_map(|(k, l)| row_line(l).map(|r| (k, r))).collect();
    let (first, first_row) = rows.first()?;
    // Lines before the first row that the first row does not need are its header.
    let head_end = first.saturating_sub(needs(first_row));
    let mut out: Vec<String> = region.get(..head_end).unwrap_or(&[]).to_vec();
    let (above, below) = share(region, &rows, head_end, echoes);
    let dept_width =
        rows.iter().filter_map(|(_, r)| r.department.as_ref()).map(|d| d.chars().count()).max().unwrap_or(0);
    let widths = CellWidths::of(region.iter().filter_map(|l| row_line(l)));
    for (k, (_, r)) in rows.iter().enumerate() {
        let (a, b) =
            (above.get(k).map_or(&[][..], Vec::as_slice), below.get(k).map_or(&[][..], Vec::as_slice));
        out.push(row_text(r, a, b, dept_width, &widths, echoes));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn wrapped_lines_join_the_row_that_lacks_them() {
        let region = v(&[
            "No. 事業名 R5事業費 担当課等 掲載頁",
            "西北地域の",
            "1 4,789 甲課 24",
            "未来事業",
            "2 乙事業 10 乙課 25",
        ]);
        assert_eq!(
            table(&region, &Echoes::default()),
            Some(v(&[
                "No. 事業名 R5事業費 担当課等 掲載頁",
                "1 西北地域の未来事業 4,789 甲課 24",
                "2 乙事業 10 乙課 25"
            ]))
        );
        assert_eq!(table(&v(&["No. 事業名", "甲事業"]), &Echoes::default()), None);
    }

    #[test]
    fn a_three_line_name_beside_a_two_line_department_is_read_by_level() {
        let region = v(&[
            "No. 事業名 R5事業費 担当課等 掲載頁",
            "甲政策",
            "1 甲事業 10 24",
            "課",
            "乙の前段",
            "乙政策",
            "2 乙の中段 20 25",
            "課",
            "後段",
        ]);
        assert_eq!(
            table(&region, &Echoes::default()),
            Some(v(&[
                "No. 事業名 R5事業費 担当課等 掲載頁",
                "1 甲事業 10 甲政策課 24",
                "2 乙の前段乙の中段後段 20 乙政策課 25"
            ]))
        );
    }

    #[test]
    fn a_department_set_at_the_top_leaves_the_lines_below_to_the_name() {
        let region = v(&[
            "No. 事業名 R5事業費 担当課等 掲載頁",
            "1 甲事業 10 甲課 24",
            "乙の前段 乙政策課",
            "2 乙の中段 20 25",
            "後段",
        ]);
        assert_eq!(
            table(&region, &Echoes::default()),
            Some(v(&[
                "No. 事業名 R5事業費 担当課等 掲載頁",
                "1 甲事業 10 甲課 24",
                "2 乙の前段乙の中段後段 20 乙政策課 25"
            ]))
        );
    }

    #[test]
    fn a_wrapped_word_goes_to_the_cell_the_rest_of_the_dump_reads_on() {
        let ls = v(&[
            "【基本方針事業一覧】",
            "No. 事業名 R5事業費 担当課等 掲載頁",
            "1 甲乙丙丁戊己の販路開 10 甲乙丙丁課 24",
            "拓事業",
            "2 乙事業 20 乙課 25",
            "丙課",
            "小計 30",
            "甲乙丙丁戊己の販路開拓事業 事業費 10 千円 1",
        ]);
        let echoes = Echoes::of(&ls);
        let region = ls.get(1..6).unwrap_or(&[]);
        assert_eq!(
            table(region, &echoes),
            Some(v(&[
                "No. 事業名 R5事業費 担当課等 掲載頁",
                "1 甲乙丙丁戊己の販路開拓事業 10 甲乙丙丁課 24",
                "2 乙事業 20 乙課丙課 25"
            ]))
        );
        // Without the card's head, the short word is taken for the department.
        assert_eq!(
            table(region, &Echoes::default()).and_then(|t| t.get(1).cloned()).as_deref(),
            Some("1 甲乙丙丁戊己の販路開 10 甲乙丙丁課拓事業 24")
        );
        assert_eq!(echoes.place(&v(&["丁事業"]), &v(&["丁課"]), "乙課"), Some(false));
        // The card's head adds a 費 the table's name lacks: most of the word reads on.
        let head = v(&["【基本方針事業一覧】", "小計 0", "甲乙丙丁戊己の販路開拓推進事業 事業費 10 千円 1"]);
        assert_eq!(Echoes::of(&head).place(&v(&["己の販路開"]), &v(&["丁課"]), "拓推進事業費"), Some(true));
        assert_eq!(echoes.place(&v(&["丁"]), &v(&["丁課"]), "拓事業"), None);
    }

    #[test]
    fn a_line_that_reads_on_from_the_row_above_is_not_the_next_rows() {
        let ls = v(&[
            "【基本方針事業一覧】",
            "No. 事業名 R5事業費 担当課等 掲載頁",
            "1 甲乙丙丁補助 10 甲課 24",
            "戊己庚辛壬癸事業",
            "費補助",
            "2 乙事業費補助 20 甲課 25",
            "小計 30",
            "①甲乙丙丁補助②戊己庚辛壬癸事業費補助 事業費 10 千円 1",
        ]);
        let region = ls.get(1..6).unwrap_or(&[]);
        let rows = |e: &Echoes| table(region, e).and_then(|t| t.get(1..).map(<[String]>::to_vec));
        assert_eq!(
            rows(&Echoes::of(&ls)),
            Some(v(&["1 甲乙丙丁補助戊己庚辛壬癸事業費補助 10 甲課 24", "2 乙事業費補助 20 甲課 25"]))
        );
        // Half and half without the card's head.
        assert_eq!(
            rows(&Echoes::default()),
            Some(v(&["1 甲乙丙丁補助戊己庚辛壬癸事業 10 甲課 24", "2 費補助乙事業費補助 20 甲課 25"]))
        );
    }

    #[test]
    fn the_chain_holds_only_when_the_last_row_takes_the_tail() {
        let g = |n: usize| vec![String::new(); n];
        assert_eq!(centred_chain(&[g(1), g(2), g(3)], 2), Some(vec![1, 1, 2]));
        assert_eq!(centred_chain(&[g(1), g(2), g(3)], 1), None);
        assert_eq!(centred_chain(&[g(0), g(2), g(1)], 0), None);
    }

    #[test]
    fn a_table_without_row_lines_is_kept() {
        let ls = v(&["【基本方針事業一覧】", "No. 事業名", "甲事業 十円", "小計 10"]);
        assert_eq!(super::super::summary_rows(ls.clone()), ls);
    }
}
