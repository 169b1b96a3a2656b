//! Page footers of a text dump with form feeds (poppler's `pdftotext`, in each of its
//! modes): every page ends with its printed page number and a form feed.
//!
//! The footer line is dropped from the text — elsewhere it could be read as a card
//! number (a card whose number is printed on its title's line, after the previous
//! page's footer) — and kept as that page's printed number ([`DumpPage`]), so that a card
//! read from a dump has the page it was printed on, not only the one its summary row
//! names: `card.page_differs` then compares the two on text input too.
//!
//! A dump is one [`Page`] of lines, which reassembly (`reassemble`, `column_runs`) then
//! cuts, joins and reorders, and of which it drops a few (a summary table's heading row),
//! without changing what they say. So the dump's pages are kept as positions in its ink
//! — the non-space characters of its normalized lines ([`DumpPages::ink`]) — and each
//! line read afterwards is found there again ([`Locator`]): by its first characters, near
//! where the lines before it were found.

use std::collections::HashMap;

use crate::doc::{Document, DumpPage, DumpPages, Line, Page};

/// A page footer has at most this many digits (reports have a few hundred pages).
const MAX_FOOTER_DIGITS: usize = 3;
/// A footer is checked against those of this many pages either side: two, so that one
/// stray number next to it does not leave a true footer alone.
const NEIGHBOUR_PAGES: usize = 2;
/// A line is looked for by at most this many of its first characters: enough to tell a
/// card's title from other text, and within one line of the dump where reassembly
/// joined two.
const KEY_CHARS: usize = 16;
/// A line with fewer characters than this (a card number, a lone unit) is not looked
/// for: it would be found anywhere.
const MIN_KEY_CHARS: usize = 4;
/// A line is looked for this far (characters of ink) either side of where the lines
/// before it put it. A line whose first characters stand only once there is that line;
/// one whose first characters stand more than once — a box heading or a department on
/// every card, a card's title also in its summary row — is common: the copy nearest to
/// where it is expected may be another card's.
const UNIQUE_CHARS: usize = 3000;
/// A line found further than this from where it is expected moves the lines after it
/// only when the next line is found right after it: reassembly moves a cell or a few
/// lines a few dozen characters, while a line it rebuilt from pieces (a summary row
/// printed as column runs) can match another place, a card's head, on its own.
const SEARCH_CHARS: usize = 300;
/// A common line is found at its nearest copy only this close to where it is expected:
/// enough for what reassembly moved or dropped since the last line found (a unit cut
/// from a cell, a table's heading row), less than a card's box between two copies.
const SNAP_CHARS: usize = 40;

/// The page number of a lone footer line (ASCII or full-width digits).
fn footer_number(s: &str) -> Option<u32> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > MAX_FOOTER_DIGITS {
        return None;
    }
    t.chars().try_fold(0u32, |n, c| {
        let d = c.to_digit(10).or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))?;
        Some(n * 10 + d)
    })
}

/// A line's ink: its non-space characters (normalization has removed the form feeds and
/// other controls by the time the lines are read).
fn ink(normalized: &str) -> impl Iterator<Item = char> + '_ {
    normalized.chars().filter(|c| !c.is_whitespace() && !c.is_control())
}

/// Drop each page's footer — a lone page number right before a form feed, in sequence
/// with its neighbours' ([`in_sequence`]; another lone number there is the page's own
/// text and stays) — and record the dump's pages, with the footers' numbers, in
/// [`Page::dump_pages`]. A page with geometry (a PDF's) is left as it is: its footer was read by the layout.
pub fn read(doc: Document) -> Document {
    let pages = doc.pages.into_iter().map(|p| if p.geom.is_some() { p } else { read_page(p) }).collect();
    Document { pages }
}

fn read_page(p: Page) -> Page {
    // Each dump page: the line it starts at, and its footer candidate (its last
    // non-blank line when that is a lone number: its line and number).
    let mut found: Vec<(usize, Option<(usize, u32)>)> = vec![(0, None)];
    for (k, l) in p.lines.iter().enumerate() {
        if l.text.starts_with('\u{c}') {
            let start = found.last().map_or(0, |f| f.0);
            let last =
                p.lines.get(start..k).and_then(|ls| ls.iter().rposition(|x| !x.text.trim().is_empty()));
            let candidate =
                last.and_then(|j| Some((start + j, footer_number(&p.lines.get(start + j)?.text)?)));
            if let Some(page) = found.last_mut() {
                page.1 = candidate;
            }
            found.push((k, None));
        }
    }
    if found.len() == 1 {
        // Without a form feed the dump has no pages to tell apart.
        return p;
    }
    // Only a number in sequence with its neighbours' is a footer and leaves the text: a
    // page's own number printed last (a 掲載頁 of its summary table, its footer printed
    // earlier) is a cell, and dropping it would shift the table's column.
    let printed = in_sequence(&found.iter().map(|f| f.1.map(|(_, n)| n)).collect::<Vec<_>>());
    let footer_lines: Vec<usize> =
        found.iter().zip(&printed).filter_map(|(f, n)| n.and(f.1.map(|(line, _)| line))).collect();
    let mut lines: Vec<Line> = Vec::with_capacity(p.lines.len());
    // Where each dump page starts in the ink: the ink before its first line.
    let mut starts_at: Vec<usize> = Vec::with_capacity(found.len());
    let mut ink_chars: Vec<char> = Vec::new();
    let mut next_page = found.iter().map(|f| f.0).peekable();
    for (k, l) in p.lines.into_iter().enumerate() {
        while next_page.next_if(|&start| start <= k).is_some() {
            starts_at.push(ink_chars.len());
        }
        if footer_lines.contains(&k) {
            continue;
        }
        ink_chars.extend(ink(&crate::normalize::text(&l.text)));
        lines.push(l);
    }
    starts_at.extend(next_page.map(|_| ink_chars.len()));
    let pages = starts_at
        .into_iter()
        .zip(printed)
        .map(|(starts_at, printed)| DumpPage { starts_at, printed })
        .collect();
    let dump_pages = DumpPages { ink: ink_chars, pages };
    Page { lines, dump_pages: Some(dump_pages), ..p }
}

/// The footers' numbers kept only where they count pages as the footer of a page at most
/// [`NEIGHBOUR_PAGES`] before or after does (the same difference between printed number
/// and position in the dump, pages without a footer between them counted): in
/// `pdftotext`'s default mode a lone number of the page's own text (a 掲載頁 of its
/// summary table) can come last instead of its footer, and such a number is no page's.
fn in_sequence(found: &[Option<u32>]) -> Vec<Option<u32>> {
    let offsets: Vec<Option<i64>> =
        found.iter().enumerate().map(|(k, f)| Some(i64::from((*f)?) - i64::try_from(k).ok()?)).collect();
    found
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let offset = offsets.get(k).copied().flatten();
            let near = k.saturating_sub(NEIGHBOUR_PAGES)..=k + NEIGHBOUR_PAGES;
            let shared = offset.is_some()
                && near.filter(|&j| j != k).any(|j| offsets.get(j).copied().flatten() == offset);
            n.filter(|_| shared)
        })
        .collect()
}

/// The printed number of the dump page holding the character at `at` of the ink, if its
/// footer was kept.
fn page_at(pages: &[DumpPage], at: usize) -> Option<u32> {
    pages.iter().take_while(|p| p.starts_at <= at).last().and_then(|p| p.printed)
}

/// The footer's number of the dump page of each of a dump's reassembled lines, in
/// order. A line that is not found ([`Locator::place`]) stands right before the next
/// line when that one was found (a card's number before its title, after a summary
/// table rebuilt shorter), else right after the line before it.
pub(crate) fn footers<'t>(dump: &DumpPages, lines: impl Iterator<Item = &'t str>) -> Vec<Option<u32>> {
    let mut locator = Locator::new(dump);
    let placed: Vec<(usize, bool, usize)> = lines.map(|l| locator.place(l)).collect();
    let mut starts = vec![0; placed.len()];
    let mut next: Option<usize> = None;
    for (i, &(start, found, len)) in placed.iter().enumerate().rev() {
        let at = if found { start } else { next.and_then(|n| n.checked_sub(len)).unwrap_or(start) };
        if let Some(s) = starts.get_mut(i) {
            *s = at;
        }
        next = found.then_some(start);
    }
    starts.into_iter().map(|at| page_at(&dump.pages, at)).collect()
}

/// Finds the reassembled lines of a dump, in order, in the ink it was read with.
struct Locator<'a> {
    dump: &'a DumpPages,
    /// Where each character stands in the ink, in order: a key's candidates are where
    /// its first character is.
    by_char: HashMap<char, Vec<usize>>,
    /// Where the line read last ends in the dump's ink.
    at: usize,
    /// Where the line read last ends if it stands where it was found, far from where it
    /// was expected (see [`SEARCH_CHARS`]).
    far: Option<usize>,
}

impl<'a> Locator<'a> {
    fn new(dump: &'a DumpPages) -> Self {
        let mut by_char: HashMap<char, Vec<usize>> = HashMap::new();
        for (i, c) in dump.ink.iter().enumerate() {
            by_char.entry(*c).or_default().push(i);
        }
        Locator { dump, by_char, at: 0, far: None }
    }

    /// Where the next line, `text`, starts in the dump's ink, whether it was found there,
    /// and its length. A line found where it is expected, or far from there right after
    /// the line before it, places the lines after it; one not found (too short, common,
    /// or far on its own) is taken to start where the line before it ended.
    fn place(&mut self, text: &str) -> (usize, bool, usize) {
        let line: Vec<char> = ink(text).collect();
        let key = line.get(..KEY_CHARS).unwrap_or(&line);
        let found = self.find(key);
        let is_far = |p: &usize| p.abs_diff(self.at) > SEARCH_CHARS;
        let confirmed = |p: &usize| self.far.is_some_and(|end| end.abs_diff(*p) <= SNAP_CHARS);
        let placed = found.filter(|p| !is_far(p) || confirmed(p));
        let start = placed.unwrap_or(self.at);
        self.far = found.filter(|p| is_far(p)).map(|p| p + line.len());
        self.at = start + line.len();
        (start, placed.is_some(), line.len())
    }

    /// Where `key` stands in the dump's ink, if it is long enough: where it stands if it
    /// stands only once within [`UNIQUE_CHARS`] of where it is expected, else its copy
    /// within [`SNAP_CHARS`].
    fn find(&self, key: &[char]) -> Option<usize> {
        if key.len() < MIN_KEY_CHARS {
            return None;
        }
        let candidates = self.by_char.get(key.first()?)?;
        let from = candidates.partition_point(|&p| p + UNIQUE_CHARS < self.at);
        let hits: Vec<usize> = candidates
            .get(from..)?
            .iter()
            .take_while(|&&p| p <= self.at + UNIQUE_CHARS)
            .filter(|&&p| self.dump.ink.get(p..p + key.len()) == Some(key))
            .copied()
            .collect();
        let reach = if hits.len() == 1 { UNIQUE_CHARS } else { SNAP_CHARS };
        hits.into_iter().min_by_key(|p| p.abs_diff(self.at)).filter(|p| p.abs_diff(self.at) <= reach)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(text: &str) -> Page {
        read(crate::input::text::to_document(text)).pages.remove(0)
    }

    fn texts(p: &Page) -> Vec<&str> {
        p.lines.iter().map(|l| l.text.as_str()).collect()
    }

    fn pages(p: &Page) -> Vec<(usize, Option<u32>)> {
        p.dump_pages.iter().flat_map(|d| &d.pages).map(|d| (d.starts_at, d.printed)).collect()
    }

    #[test]
    fn the_lone_number_before_a_form_feed_is_the_pages_footer() {
        let p = dump("本文\n12\n\u{c}次の頁\n１３\n\u{c}");
        assert_eq!(texts(&p), ["本文", "\u{c}次の頁", "\u{c}"]);
        assert_eq!(pages(&p), [(0, Some(12)), (2, Some(13)), (5, None)]);
        assert_eq!(
            p.dump_pages.map(|d| d.ink.into_iter().collect::<String>()).as_deref(),
            Some("本文次の頁")
        );
    }

    #[test]
    fn a_number_out_of_sequence_is_no_page_number() {
        // Page 2's last line is a cell value, not its footer.
        let p = dump("一\n21\n\u{c}二\n46\n\u{c}三\n23\n\u{c}四\n24\n\u{c}");
        let printed: Vec<Option<u32>> = pages(&p).into_iter().map(|(_, n)| n).collect();
        assert_eq!(printed, [Some(21), None, Some(23), Some(24), None]);
        // It stays in the text (the table's column would lose a cell); the footers go.
        assert_eq!(texts(&p), ["一", "\u{c}二", "46", "\u{c}三", "\u{c}四", "\u{c}"]);
        // Two stray numbers far apart that happen to agree are no page numbers either.
        let p = dump(
            "一\n10\n\u{c}二\n16\n\u{c}三\n12\n\u{c}四\n13\n\u{c}五\n14\n\u{c}六\n15\n\u{c}七\n21\n\u{c}",
        );
        let printed: Vec<Option<u32>> = pages(&p).into_iter().map(|(_, n)| n).collect();
        assert_eq!(printed, [Some(10), None, Some(12), Some(13), Some(14), Some(15), None, None]);
        // A footer no other page's agrees with is no page number either.
        let p = dump("一\n\u{c}二\n7\n\u{c}三\n\u{c}");
        assert!(pages(&p).iter().all(|(_, n)| n.is_none()));
    }

    #[test]
    fn footers_have_at_most_three_digits() {
        assert_eq!(footer_number(" 123 "), Some(123));
        assert_eq!(footer_number("１２"), Some(12));
        assert_eq!(footer_number("1234"), None);
        assert_eq!(footer_number("12頁"), None);
        assert_eq!(footer_number(""), None);
        let p = dump("本文\n2024\n\u{c}");
        assert_eq!(texts(&p), ["本文", "2024", "\u{c}"]);
    }

    #[test]
    fn a_dump_without_form_feeds_has_no_pages() {
        let p = dump("本文\n12\n");
        assert_eq!(texts(&p), ["本文", "12"]);
        assert!(p.dump_pages.is_none());
    }

    #[test]
    fn ink_is_what_normalization_leaves_but_spaces() {
        assert_eq!(ink(&crate::normalize::text("\u{c}ｶﾞ ス\u{3000}1")).collect::<String>(), "ガス1");
    }

    /// Three pages (20, 21, 22); reassembly dropped page 20's heading row and moved a
    /// line of page 21 after page 22's first line.
    #[test]
    fn lines_are_found_on_their_pages_after_reassembly() {
        let p = dump(
            "見出しの行であるもの\n第一頁の本文です\n20\n\u{c}第二頁の一行目です\n第二頁の二行目です\n21\n\
             \u{c}第三頁の一行目です\n第三頁の二行目です\n22\n\u{c}",
        );
        let Some(d) = p.dump_pages.as_ref() else { panic!("no dump pages") };
        let read = [
            "第一頁の本文です",
            "第二頁の一行目です",
            "1",
            "第三頁の一行目です",
            "第二頁の二行目です",
            "第三頁の二行目です",
        ];
        let pages = footers(d, read.into_iter());
        // The short `1` (a card number) stands right before the line after it.
        assert_eq!(pages, [Some(20), Some(21), Some(21), Some(22), Some(21), Some(22)]);
    }

    /// A line whose first characters stand twice near where it is expected (a card's
    /// title and its summary row on one page) is placed by the lines before it, and
    /// does not move the lines after it to its other copy.
    #[test]
    fn a_line_found_twice_nearby_stands_where_it_is_expected() {
        let p = dump("一覧 交流事業 10\n20\n\u{c}交流事業\n事業費 10千円\n21\n\u{c}");
        let Some(d) = p.dump_pages.as_ref() else { panic!("no dump pages") };
        let read = ["一覧 交流事業 10", "交流事業", "事業費 10千円"];
        assert_eq!(footers(d, read.into_iter()), [Some(20), Some(21), Some(21)]);
    }

    /// A box's headings printed apart and joined by reassembly: their joined text stands
    /// only on the other cards, and is not where this one is.
    #[test]
    fn a_common_line_does_not_move_the_lines_after_it() {
        // Page 21's copy is further than a common line is looked for, and page 22's
        // is near enough to make it common.
        let box_text = "本".repeat(2 * SNAP_CHARS);
        let long = "長".repeat(UNIQUE_CHARS / 10);
        let p = dump(&format!(
            "第一の事業です\n【事業概要】\n{box_text}\n【事業実績】\n実績の一です\n20\n\
             \u{c}第二の事業です\n【事業概要】\n【事業実績】\n{long}\n21\n\
             \u{c}第三の事業です\n【事業概要】\n【事業実績】\n本文の三です\n22\n\u{c}",
        ));
        let Some(d) = p.dump_pages.as_ref() else { panic!("no dump pages") };
        let read =
            ["第一の事業です", "【事業概要】 【事業実績】", &box_text, "実績の一です", "第二の事業です"];
        let pages = footers(d, read.into_iter());
        assert_eq!(pages, [Some(20), Some(20), Some(20), Some(20), Some(21)]);
    }

    /// A card's number, too short to look for, printed first on the card's page after a
    /// page whose text reassembly partly dropped: it stands with the title after it.
    #[test]
    fn a_short_line_stands_with_the_found_line_after_it() {
        let p = dump("第一頁の本文です\n落ちた行です\n20\n\u{c}1\n第二頁の一行目です\n21\n\u{c}");
        let Some(d) = p.dump_pages.as_ref() else { panic!("no dump pages") };
        let read = ["第一頁の本文です", "1", "第二頁の一行目です"];
        assert_eq!(footers(d, read.into_iter()), [Some(20), Some(21), Some(21)]);
    }
    /// A line found further than [`SEARCH_CHARS`] from where it is expected stays with
    /// the lines before it, unless the next line is found right after it: then both
    /// stand where they were found (a block reassembly moved from a later page).
    #[test]
    fn a_far_line_moves_the_lines_after_it_only_with_the_next_line() {
        let filler = "本".repeat(SEARCH_CHARS);
        let moved = "移された段落の一行目で三十文字ほどの長さがある行です";
        let p = dump(&format!(
            "第一頁の本文です\n{filler}\n20\n\u{c}{filler}\n21\n\u{c}{moved}\n移された段落の二行目です\n22\n\u{c}"
        ));
        let Some(d) = p.dump_pages.as_ref() else { panic!("no dump pages") };
        let read = ["第一頁の本文です", moved, "移された段落の二行目です"];
        assert_eq!(footers(d, read.into_iter()), [Some(20), Some(22), Some(22)]);
        // Alone, the far line stays where the line before it put it.
        assert_eq!(footers(d, ["第一頁の本文です", moved].into_iter()), [Some(20), Some(20)]);
    }

    /// [`SEARCH_CHARS`] itself is near: a line exactly that far ahead stands where it is.
    #[test]
    fn a_line_exactly_search_chars_ahead_is_not_far() {
        let filler = "本".repeat(SEARCH_CHARS);
        let p = dump(&format!("第一頁の本文です\n{filler}\n20\n\u{c}第二頁の一行目です\n21\n\u{c}"));
        let Some(d) = p.dump_pages.as_ref() else { panic!("no dump pages") };
        let read = ["第一頁の本文です", "第二頁の一行目です"];
        assert_eq!(footers(d, read.into_iter()), [Some(20), Some(21)]);
    }
    /// A line of [`MIN_KEY_CHARS`] characters is looked for (one shorter is not).
    #[test]
    fn a_line_of_min_key_chars_is_looked_for() {
        let p = dump("第一頁の本文です\n落ちた行です\n20\n\u{c}四字の行\n21\n\u{c}");
        let Some(d) = p.dump_pages.as_ref() else { panic!("no dump pages") };
        assert_eq!("四字の行".chars().count(), MIN_KEY_CHARS);
        assert_eq!(footers(d, ["第一頁の本文です", "四字の行"].into_iter()), [Some(20), Some(21)]);
        // One character fewer stands where the line before it ended, on page 20.
        assert_eq!(footers(d, ["第一頁の本文です", "四字の"].into_iter()), [Some(20), Some(20)]);
    }
}
