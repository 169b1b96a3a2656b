//! A PyMuPDF `page.get_text(sort=True)` dump put back into `pdftotext -layout`'s shape.
//!
//! PyMuPDF's sorted text looks like `-layout` (a page's lines top to bottom, columns apart
//! by runs of spaces) but counts its spaces differently: the gap before a word is
//! written as that gap divided by *the word's own* mean character width. A gap before
//! `若者定着還流促進課` is counted in full-width characters, one before `4,789` in
//! half-width digits, so the same column starts at different character positions on
//! different lines, and a wide character, one character in the text, is two half-widths
//! on the page. Read back with each space worth its next word's mean character width,
//! and each character its own width (a wide one two half-widths), a word's start is
//! its position on the page in half-widths ([`words`]); [`read`] rewrites every line
//! with its runs at those positions, so the `-layout` reassembly reads the columns.
//!
//! PyMuPDF also ends a page's text without a newline: a script concatenating pages glues
//! each page's footer (its printed number, the page's last line) to the next page's
//! first line (`21【基本方針事業一覧】`). A line starting with a number is cut there only
//! where the number counts pages as its neighbours' do (a footer of the page before or
//! after, at most two away, with the same indent and enough lines between), and each
//! page is then ended with a form feed as `pdftotext` does, so that
//! [`crate::report::footers`] keeps the pages' numbers. The same indent is the same
//! position counted in the number's own digits (a `1` is narrow: `31` is indented
//! further than `30`), and a page with nothing but its number glues that to the next
//! page's (`5152…`): consecutive numbers spelling the digits are each a page.

use crate::doc::{Document, Line, Page};

/// A page footer has at most this many digits (reports have a few hundred pages).
const MAX_FOOTER_DIGITS: usize = 3;
/// Footers of pages in a row glued into one run of digits read at most ([`pages_of`]).
const MAX_GLUED_FOOTERS: usize = 4;
/// Lines (blank lines included) a page has at least: two footers `d` pages apart are at
/// least `d` times this many lines apart, while numbered lines of one table (a summary
/// row's No.) follow each other within a few lines. Report pages hold a dozen lines or
/// more; a half-empty closing page of a chapter still eight.
const MIN_PAGE_LINES: usize = 6;
/// Footers of neighbouring pages are indented alike (centred or at one margin): within
/// this many spaces, as PyMuPDF rounds a gap to whole spaces.
const FOOTER_INDENT_SLACK: usize = 2;
/// ...or within this fraction of the larger indent: PyMuPDF counts the gap before a
/// footer in the number's own mean digit width, and a proportional font's digits differ
/// (a `1` is narrower than a `0`), so the same page position reads `31` some 10 % further
/// in than `30` (47 spaces against 51), `111` further still.
const FOOTER_INDENT_RATIO: usize = 8;
/// Pages a footer's predecessor in the chain may be back: two, so that one page without
/// a footer does not break the chain.
const NEIGHBOUR_PAGES: usize = 2;
/// Numbers starting lines looked back over for a footer's predecessor: more than a page
/// (two) holds of numbered lines (summary rows), so that hostile input stays linear.
const LOOKBACK: usize = 128;
/// The fewest footers taken for a chain: three pages counted in a row.
const MIN_CHAIN: usize = 3;
/// Spaces that keep two runs of a rewritten line apart: `-layout` runs are apart by two
/// spaces or more, words of one run by one.
const RUN_GAP: usize = 2;
/// An ASCII character's width is looked for within this many steps either side of half
/// a full width ([`ascii_width`]).
const HALF_STEPS: usize = 6;
/// A hyphen's width in digit widths. A lone dash is a metrics cell (nothing to report),
/// and PyMuPDF counts the gap before it in the dash's own width, so that width decides its
/// column: in the proportional CJK fonts reports are set in a hyphen is about 0.3 em
/// against a digit's 0.55 (in a monospaced font both are 0.5 em, and a dash then lands
/// left of its place, in the column before at worst).
const DASH: f64 = 0.55;
/// One step: 5 % of a half-width, finer than a row's rounding to whole columns.
const HALF_STEP: f64 = 0.05;

/// Whether a character is drawn a full width wide (two half-widths): CJK ideographs and
/// kana, full-width forms, and the symbols a Japanese font sets full-width (circled
/// numbers, ○, box drawing, ※). Half-width katakana are half-widths.
pub fn is_wide(c: char) -> bool {
    let u = c as u32;
    (u >= 0x2460 && !(0xFF61..=0xFF9F).contains(&u)) || c == '※'
}

/// A string's width in half-widths, an ASCII character `half` of them (a writer's digits
/// and Latin letters are not always exactly half a full width), a hyphen or dash
/// [`DASH`] of that.
fn width(s: &str, half: f64) -> f64 {
    s.chars()
        .map(|c| {
            if is_wide(c) {
                2.0
            } else if matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}') {
                half * DASH
            } else {
                half
            }
        })
        .sum()
}

/// A word of a sorted line: its character span in the line and its span on the page in
/// half-widths.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub chars: (usize, usize),
    pub start: f64,
    pub end: f64,
    /// Spaces before it in the line.
    pub spaces: usize,
}

/// The words of a sorted line with their positions in half-widths: each space before a
/// word is worth the word's mean character width (how PyMuPDF counted it), an ASCII
/// character `half` a half-width.
pub fn words(line: &str, half: f64) -> Vec<Word> {
    let mut out = Vec::new();
    let mut x = 0.0;
    // The word being read: its first character's index and its text.
    let mut current: Option<(usize, String)> = None;
    let (mut spaces, mut before) = (0usize, 0usize);
    let mut push = |x: &mut f64, spaces: usize, start: usize, end: usize, w: &str| {
        let n = w.chars().count().max(1);
        *x += spaces as f64 * width(w, half) / n as f64;
        let s = *x;
        *x += width(w, half);
        out.push(Word { chars: (start, end), start: s, end: *x, spaces });
    };
    let mut at = 0;
    for c in line.chars() {
        if c == ' ' {
            if let Some((start, w)) = current.take() {
                push(&mut x, before, start, at, &w);
                spaces = 0;
            }
            spaces += 1;
        } else {
            match current.as_mut() {
                Some((_, w)) => w.push(c),
                None => {
                    before = spaces;
                    current = Some((at, c.to_string()));
                }
            }
        }
        at += 1;
    }
    if let Some((start, w)) = current {
        push(&mut x, before, start, at, &w);
    }
    out
}

/// Where a table row line ends, in characters and in half-widths: a line of three runs
/// or more whose last is a plain number, with wide text before it (where the two counts
/// differ). Rows of a table end in one column (a right-aligned 掲載頁 or cost).
pub fn row_end(line: &str, half: f64) -> Option<(usize, f64)> {
    let ws = words(line, half);
    let last = ws.last()?;
    let chars: Vec<char> = line.chars().collect();
    let text = chars.get(last.chars.0..last.chars.1)?;
    let runs = 1 + ws.iter().skip(1).filter(|w| w.spaces >= RUN_GAP).count();
    let wide_before = chars.get(..last.chars.0)?.iter().any(|c| is_wide(*c));
    (runs >= 3 && wide_before && text.iter().all(|c| c.is_ascii_digit() || *c == ','))
        .then_some((last.chars.1, last.end))
}

/// The most values within one of a value.
pub fn most_within_one(v: &[usize]) -> usize {
    let mut sorted = v.to_vec();
    sorted.sort_unstable();
    sorted
        .iter()
        .map(|&x| sorted.partition_point(|&y| y <= x + 1) - sorted.partition_point(|&y| y + 1 < x))
        .max()
        .unwrap_or(0)
}

/// An ASCII character's width in half-widths as the dump's rows tell it: of
/// half a full width ± [`HALF_STEPS`] × [`HALF_STEP`], the one under which most rows ending in a number end in one
/// column (the nearest to 1 among equals). PyMuPDF counts a gap before digits in the
/// digits' own width, which a writer's font makes more or less than half a full width.
fn ascii_width(lines: &[String]) -> f64 {
    let mut best = (0usize, 1.0f64);
    for k in 0..=HALF_STEPS * 2 {
        let half = 1.0 + (k as f64 - HALF_STEPS as f64) * HALF_STEP;
        let ends: Vec<usize> =
            lines.iter().filter_map(|l| row_end(l, half)).map(|(_, e)| e.round() as usize).collect();
        let n = most_within_one(&ends);
        if n > best.0 || (n == best.0 && (half - 1.0).abs() < (best.1 - 1.0).abs()) {
            best = (n, half);
        }
    }
    best.1
}

/// A line rewritten with its runs (words apart by fewer than [`RUN_GAP`] spaces) at their
/// positions on the page, one half-width a character column: a run starts at its
/// position, or [`RUN_GAP`] spaces after the run before where that one reaches further
/// (its wide characters are one column each but two half-widths).
pub fn relayout(line: &str, half: f64) -> String {
    let ws = words(line, half);
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() * 2);
    let mut col = 0usize;
    for (k, w) in ws.iter().enumerate() {
        let text: String = chars.get(w.chars.0..w.chars.1).map(|s| s.iter().collect()).unwrap_or_default();
        if k > 0 && w.spaces < RUN_GAP {
            // The same run: its spacing as printed.
            out.push_str(&" ".repeat(w.spaces));
            col += w.spaces;
        } else {
            let target = w.start.round().max(0.0) as usize;
            let min = if k == 0 { 0 } else { col + RUN_GAP };
            let to = target.max(min);
            out.push_str(&" ".repeat(to - col));
            col = to;
        }
        col += text.chars().count();
        out.push_str(&text);
    }
    out
}

/// A line's leading page footer: its indent, the first and last page it numbers, and the
/// text after it (the next page's first line, glued; empty for a footer on a line of its
/// own).
#[derive(Debug, Clone, PartialEq)]
struct Footer<'a> {
    indent: usize,
    first: u32,
    last: u32,
    rest: &'a str,
}

/// The pages a footer's digits number: one number of at most [`MAX_FOOTER_DIGITS`], or
/// the footers of pages in a row glued (`5152`: a page with no text but its number,
/// glued to the next one's), read as consecutive numbers that spell the digits exactly.
fn pages_of(digits: &[u32]) -> Option<(u32, u32)> {
    let value = |ds: &[u32]| ds.iter().try_fold(0u32, |acc, d| acc.checked_mul(10)?.checked_add(*d));
    if digits.len() <= MAX_FOOTER_DIGITS {
        let n = value(digits)?;
        return Some((n, n));
    }
    // A number never starts with 0; a run longer than a few pages' numbers is not footers
    // (and keeps hostile input short).
    if digits.first() == Some(&0) || digits.len() > MAX_FOOTER_DIGITS * MAX_GLUED_FOOTERS {
        return None;
    }
    (1..=MAX_FOOTER_DIGITS).find_map(|len| {
        let first = value(digits.get(..len)?)?;
        let (mut n, mut at) = (first, len);
        while at < digits.len() {
            n = n.checked_add(1)?;
            let next: Vec<u32> = n.to_string().chars().filter_map(|c| c.to_digit(10)).collect();
            if digits.get(at..at + next.len())? != next.as_slice() {
                return None;
            }
            at += next.len();
        }
        Some((first, n))
    })
}

/// A line that may start with a page footer ([`Footer`]).
fn footer_head(line: &str) -> Option<Footer<'_>> {
    let indent = line.chars().take_while(|c| *c == ' ').count();
    let t = line.get(indent..)?;
    // A footer's digits are all half-width or all full-width: a card number printed in
    // the other width can follow it glued (`23１ 西北…`: page 23, card １).
    let wide = t.chars().next().is_some_and(|c| ('０'..='９').contains(&c));
    let digits: String =
        t.chars().take_while(|c| if wide { ('０'..='９').contains(c) } else { c.is_ascii_digit() }).collect();
    if digits.is_empty() {
        return None;
    }
    let values: Vec<u32> = digits
        .chars()
        .filter_map(|c| c.to_digit(10).or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32)))
        .collect();
    let (first, last) = pages_of(&values)?;
    let rest = t.get(digits.len()..)?;
    // A number that goes on (`1,234`, `3.5`) is an amount, not a footer.
    if rest.starts_with([',', '.', '，', '．']) {
        return None;
    }
    Some(Footer { indent, first, last, rest })
}

/// Whether two footers' indents are one position as PyMuPDF counts it: within
/// [`FOOTER_INDENT_SLACK`] spaces, or [`FOOTER_INDENT_RATIO`]th of the larger.
fn indents_alike(a: usize, b: usize) -> bool {
    a.abs_diff(b) <= FOOTER_INDENT_SLACK.max(a.max(b) / FOOTER_INDENT_RATIO)
}

/// The lines that hold a page footer: the longest chains of numbers starting lines that
/// count pages — each the one before plus one, two where a page printed none, or the
/// same, at least that many pages (one for the same) times [`MIN_PAGE_LINES`] lines on,
/// indented alike. A report's footers
/// number every page, while the numbered rows of a table (a summary's No.) follow each
/// other within a few lines and start again with each table; a chain of fewer than
/// [`MIN_CHAIN`] is no footers at all.
fn footers(lines: &[String]) -> Vec<bool> {
    // Each candidate: its line, indent, and first and last page numbered.
    let found: Vec<(usize, usize, u32, u32)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| footer_head(l).map(|f| (i, f.indent, f.first, f.last)))
        .collect();
    // For each candidate: the longest chain ending at it, the candidate before it, and
    // the line its chain starts on.
    let mut best: Vec<(usize, Option<usize>, usize)> = Vec::with_capacity(found.len());
    for (k, &(i, indent, n, _)) in found.iter().enumerate() {
        let mut here = (1, None, i);
        for j in k.saturating_sub(LOOKBACK)..k {
            let (Some(&(li, other_indent, _, m)), Some(&(len, _, start))) = (found.get(j), best.get(j))
            else {
                continue;
            };
            // A number repeated counts a page too: a report can print two pages alike
            // (a case-study page numbered as the page before it).
            let Some(pages) = n.checked_sub(m).map(|d| d as usize) else { continue };
            if pages <= NEIGHBOUR_PAGES
                && i - li >= pages.max(1) * MIN_PAGE_LINES
                && indents_alike(indent, other_indent)
                && len + 1 > here.0
            {
                here = (len + 1, Some(j), start);
            }
        }
        best.push(here);
    }
    // The longest chain, then each next longest whose lines lie apart from those taken:
    // a footer the chain cannot count (digits no page numbers spell, or a footer at
    // another indent) breaks the report's footers into chains, each of them pages.
    let mut ends: Vec<usize> =
        (0..best.len()).filter(|&k| best.get(k).is_some_and(|b| b.0 >= MIN_CHAIN)).collect();
    ends.sort_by_key(|&k| (std::cmp::Reverse(best.get(k).map_or(0, |b| b.0)), k));
    // The spans taken, apart from each other: first line → last line.
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut out = vec![false; lines.len()];
    for end in ends {
        let (Some(&(_, _, start)), Some(&(last, _, _, _))) = (best.get(end), found.get(end)) else {
            continue;
        };
        // The span taken starting last at or before this chain's end must end before it.
        if taken.range(..=last).next_back().is_some_and(|(_, &b)| b >= start) {
            continue;
        }
        taken.insert(start, last);
        let mut at = Some(end);
        while let Some(k) = at {
            if let Some(slot) = found.get(k).and_then(|&(i, _, _, _)| out.get_mut(i)) {
                *slot = true;
            }
            at = best.get(k).and_then(|b| b.1);
        }
    }
    out
}

/// The lines of a sorted dump with each footer on a line of its own, the next page's
/// first line starting with a form feed, and every line's runs at their page positions.
pub fn lines(input: Vec<String>) -> Vec<String> {
    let is_footer = footers(&input);
    let half = ascii_width(&input);
    let mut out: Vec<String> = Vec::with_capacity(input.len() + input.len() / 16);
    let mut page_ends = false;
    for (l, footer) in input.iter().zip(is_footer) {
        let (l, fed) = match l.strip_prefix('\u{c}') {
            Some(rest) => (rest, true),
            None => (l.as_str(), false),
        };
        let feed = if fed || std::mem::take(&mut page_ends) { "\u{c}" } else { "" };
        match footer.then(|| footer_head(l)).flatten() {
            Some(Footer { indent, first, last, rest }) => {
                // Pages in a row glued: each but the last a page of its footer alone.
                let pad = " ".repeat(indent);
                out.push(format!("{feed}{pad}{first}"));
                for n in first.saturating_add(1)..=last {
                    out.push(format!("\u{c}{pad}{n}"));
                }
                if rest.trim().is_empty() {
                    page_ends = true;
                } else {
                    out.push(format!("\u{c}{}", relayout(rest, half)));
                }
            }
            None => out.push(format!("{feed}{}", relayout(l, half))),
        }
    }
    if page_ends {
        out.push("\u{c}".to_string());
    }
    out
}

/// [`lines`] on each page of a text document (a PDF's pages, with positions, are left).
pub fn read(doc: Document) -> Document {
    let pages = doc
        .pages
        .into_iter()
        .map(|p| {
            if p.geom.is_some() || p.lines.iter().any(|l| l.geom.is_some()) {
                return p;
            }
            let texts: Vec<String> = p.lines.into_iter().map(|l| l.text).collect();
            Page { lines: lines(texts).into_iter().map(Line::plain).collect(), ..p }
        })
        .collect();
    Document { pages }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_count_in_the_next_words_width() {
        // 4 spaces before a wide word are 8 half-widths; 8 before digits are 8.
        let a = words("ab    若者", 1.0);
        let b = words("ab        12", 1.0);
        assert_eq!(a.get(1).map(|w| w.start), Some(10.0));
        assert_eq!(b.get(1).map(|w| w.start), Some(10.0));
        // A wide word is two half-widths a character.
        assert_eq!(words("若者  1", 1.0).get(1).map(|w| w.start), Some(6.0));
    }

    #[test]
    fn runs_are_put_at_their_positions() {
        // The department after a wide name, and after a number, lands in one column.
        let a = relayout("  1 あいうえお    課名", 1.0);
        let b = relayout("  2     123      課名", 1.0);
        let col = |s: &str| s.find("課名").map(|k| s[..k].chars().count());
        assert_eq!(col(&a), col(&b));
        // Words of one run keep their single spaces.
        assert!(a.contains("1 あいうえお"));
    }

    #[test]
    fn glued_footers_are_cut_where_neighbours_confirm_them() {
        let mut ls: Vec<String> = Vec::new();
        for page in 20..24 {
            for k in 0..8 {
                ls.push(format!("本文{k}"));
            }
            ls.push(format!("          {page}"));
        }
        // Glue each footer to the next page's first line, as a "".join of pages does.
        let mut glued: Vec<String> = Vec::new();
        for l in ls {
            match glued.last_mut() {
                Some(last) if last.trim().chars().all(|c| c.is_ascii_digit()) && !last.trim().is_empty() => {
                    last.push_str(&l)
                }
                _ => glued.push(l),
            }
        }
        assert!(glued.iter().any(|l| l.ends_with("20本文0")));
        let out = lines(glued);
        assert!(out.iter().any(|l| l.trim() == "20"));
        assert!(out.iter().any(|l| l == "\u{c}本文0"));
        assert_eq!(out.iter().filter(|l| l.starts_with('\u{c}')).count(), 4);
        // Numbered rows a line apart are not footers.
        let rows: Vec<String> = (1..6).map(|n| format!("  {n} 事業名")).collect();
        assert_eq!(lines(rows.clone()), rows.iter().map(|r| relayout(r, 1.0)).collect::<Vec<_>>());
    }

    #[test]
    fn footers_broken_by_an_unreadable_one_are_each_a_chain() {
        // Pages 20–23, then a run of digits that numbers no pages in a row (`2499`),
        // then pages 26–31: two chains, both footers.
        let mut ls: Vec<String> = Vec::new();
        for page in (20..24).chain([2499]).chain(26..32) {
            for k in 0..8 {
                ls.push(format!("本文{k}"));
            }
            ls.push(format!("          {page}"));
        }
        let marked = footers(&ls);
        let at = |n: &str| ls.iter().position(|l| l.trim() == n).and_then(|k| marked.get(k).copied());
        assert_eq!(at("21"), Some(true));
        assert_eq!(at("30"), Some(true));
        assert_eq!(at("2499"), Some(false));
        // Two chains over the same lines: only the longest is taken.
        let ls: Vec<String> = (0..40)
            .map(|k| match k {
                9 => "     1".to_string(),
                19 => "     2".to_string(),
                29 => "     3".to_string(),
                39 => "     4".to_string(),
                14 => "  11 a".to_string(),
                24 => "  12 b".to_string(),
                34 => "  13 c".to_string(),
                _ => format!("本文{k}"),
            })
            .collect();
        let marked = footers(&ls);
        assert_eq!(marked.iter().filter(|m| **m).count(), 4);
    }

    #[test]
    fn footer_indents_are_alike_within_a_digit_widths_difference() {
        // `30` at 47 spaces and `31` (a narrower `1`) at 51 are one centred position.
        assert!(indents_alike(47, 51));
        assert!(indents_alike(49, 56));
        // Near the margin, two spaces; a summary row's No. is not a centred footer.
        assert!(indents_alike(2, 4));
        assert!(!indents_alike(2, 5));
        assert!(!indents_alike(40, 50));
        // A chain of footers whose indents vary with their digits is still read.
        let mut ls: Vec<String> = Vec::new();
        for (page, indent) in [(29, 47), (30, 47), (31, 51), (32, 47)] {
            for k in 0..8 {
                ls.push(format!("本文{k}"));
            }
            ls.push(format!("{}{page}", " ".repeat(indent)));
        }
        let marked = footers(&ls);
        assert_eq!(marked.iter().filter(|m| **m).count(), 4);
    }

    #[test]
    fn footers_of_pages_in_a_row_glued_are_each_a_page() {
        assert_eq!(pages_of(&[5, 1, 5, 2]), Some((51, 52)));
        assert_eq!(pages_of(&[1, 0, 6, 1, 0, 7, 1, 0, 8]), Some((106, 108)));
        assert_eq!(pages_of(&[9, 9, 1, 0, 0]), Some((99, 100)));
        assert_eq!(pages_of(&[4, 2]), Some((42, 42)));
        // Not numbers counting on, or starting with a zero: no footer.
        assert_eq!(pages_of(&[2, 4, 9, 9]), None);
        assert_eq!(pages_of(&[0, 1, 0, 2]), None);
        // Pages 20–23, the footers of 24 (a page with nothing else) and 25 glued to 26's
        // first line, then 26–28: 24 and 25 are each a page.
        let mut ls: Vec<String> = Vec::new();
        for page in (20..24).chain([2425]).chain(26..29) {
            for k in 0..8 {
                ls.push(format!("本文{k}"));
            }
            ls.push(format!("          {page}"));
        }
        let glued: Vec<String> =
            ls.join("\n").replace("2425\n", "2425").split('\n').map(str::to_string).collect();
        assert!(glued.iter().any(|l| l.ends_with("2425本文0")));
        let out = lines(glued);
        let at = |s: &str| out.iter().position(|l| l.as_str() == s);
        let (Some(a), Some(b)) = (at("          24"), at("\u{c}          25")) else {
            panic!("pages 24 and 25 not cut: {out:?}");
        };
        assert_eq!(b, a + 1);
        assert_eq!(out.get(b + 1).map(String::as_str), Some("\u{c}本文0"));
    }

    #[test]
    fn a_footer_is_digits_of_one_width() {
        let f = |indent, n, rest| Some(Footer { indent, first: n, last: n, rest });
        assert_eq!(footer_head("   23１ 西北地域"), f(3, 23, "１ 西北地域"));
        assert_eq!(footer_head("２３ 本文"), f(0, 23, " 本文"));
        assert_eq!(footer_head("1,234 円"), None);
    }
}
