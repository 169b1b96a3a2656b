//! Paragraphs from printed lines: the reports wrap their prose at the box's width, often
//! inside a word (`あお` / `もり`), which databases, search and spreadsheets then carry as
//! a break. Applied to the long texts (a chapter's 【取組の概要】, a card's 事業概要 and
//! 事業実績, a case study's text) after they are read.
//!
//! The rule: a line break is kept only where a paragraph ends —
//! - after a line ending a sentence (`。`, `．`, `！`, `？`, or ASCII `.` after a non-digit)
//!   or a heading (`】`);
//! - after a line clearly shorter than the block's longest (under [`SHORT_LINE`] of its
//!   width, counting a Japanese character as two columns): text that wraps fills the
//!   line, so a short one ended its paragraph (a heading such as `○ 人材の還流…`);
//! - before a line that starts an item or a heading: a bullet (`・○●◯◎■□◆◇▪※*-`), a
//!   circled number `①`…`⑳`, a numbered item (`(1)`, `（１）`, `1.`), `【`, or an indent
//!   (a line starting with a space; the ideographic space is a space after normalization).
//!
//! Elsewhere the lines are joined: with no space where either side is Japanese (or any
//! non-ASCII character), nor inside a number broken over two lines (`1,2` / `34`). Between
//! two Latin words a space is put only in a Latin-script line (mostly ASCII letters):
//! Japanese typesetting wraps a Latin word anywhere inside Japanese prose (`I` / `T`,
//! `Prem` / `ium`, `OE` / `M` in the R5 report), so there the break is inside a word.

/// A line narrower than this share of the block's widest line ends its paragraph. Lines
/// of wrapped prose differ by a character or two (kinsoku, half-width digits); a quarter
/// of the width is far beyond that.
pub const SHORT_LINE: f64 = 0.75;

/// Columns a line takes: two for a Japanese (non-ASCII) character, one for ASCII.
fn columns(line: &str) -> usize {
    line.trim().chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Mostly Latin letters: a line of an English text, where line breaks fall between words.
fn latin_line(line: &str) -> bool {
    let letters = line.chars().filter(char::is_ascii_alphabetic).count();
    letters * 2 > line.trim().chars().count()
}

/// Line-start characters that open a new item.
const BULLETS: &[char] = &['・', '○', '●', '◯', '◎', '■', '□', '◆', '◇', '▪', '※', '＊', '*', '-', '【'];

/// Line-end characters that close a paragraph.
const ENDS: &[char] = &['。', '．', '！', '？', '】'];

fn ends_paragraph(line: &str) -> bool {
    let mut rev = line.trim_end().chars().rev();
    match rev.next() {
        Some(c) if ENDS.contains(&c) => true,
        // `etc.` ends a sentence; `3.` is more likely a number cut before its decimals.
        Some('.') => rev.next().is_some_and(|c| !c.is_ascii_digit()),
        _ => false,
    }
}

/// `(1)`, `（1）`, `1.`, `1)` at the start of a line.
fn numbered_item(line: &str) -> bool {
    let mut chars = line.chars().peekable();
    let open = chars.next_if(|c| matches!(c, '(' | '（')).is_some();
    let mut digits = 0;
    while chars.next_if(char::is_ascii_digit).is_some() {
        digits += 1;
    }
    if digits == 0 || digits > 2 {
        return false;
    }
    match chars.next() {
        Some(')' | '）') => true,
        // `1.` followed by a digit is a number (`1.5倍`), not an item.
        Some('.') => !open && !chars.peek().is_some_and(char::is_ascii_digit),
        _ => false,
    }
}

fn starts_item(line: &str) -> bool {
    match line.chars().next() {
        None => true,
        Some(c) if c.is_whitespace() => true,
        Some(c) if BULLETS.contains(&c) || ('①'..='⑳').contains(&c) => true,
        Some(_) => numbered_item(line),
    }
}

/// The separator between two joined lines: a space only between two Latin words.
fn glue(before: &str, after: &str) -> &'static str {
    let (Some(a), Some(b)) = (before.chars().next_back(), after.chars().next()) else { return "" };
    let latin = |c: char| c.is_ascii_alphanumeric();
    let word_end = latin(a) || matches!(a, ',' | ';' | ':' | ')' | '!' | '?');
    let number = (a.is_ascii_digit() || a == ',') && b.is_ascii_digit();
    if word_end && latin(b) && !number && latin_line(before) {
        " "
    } else {
        ""
    }
}

/// Join the printed lines of `text` into paragraphs separated by `\n`; see the module
/// documentation. Empty lines are dropped (the break around them is kept).
pub fn join(text: &str) -> String {
    let widest = text.split('\n').map(columns).max().unwrap_or(0);
    let short = |line: &str| (columns(line) as f64) < widest as f64 * SHORT_LINE;
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<&str> = None;
    for line in text.split('\n') {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if previous.is_some() {
                previous = Some("");
            }
            continue;
        }
        match previous {
            None => {}
            Some(prev) if prev.is_empty() || ends_paragraph(prev) || short(prev) || starts_item(line) => {
                out.push('\n')
            }
            Some(prev) => out.push_str(glue(prev, line)),
        }
        out.push_str(line);
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn lines_inside_a_sentence_are_joined_without_a_space() {
        assert_eq!(join("青森県のあお\nもり若者定着\nを運用した。"), "青森県のあおもり若者定着を運用した。");
    }

    #[test]
    fn a_sentence_end_or_an_item_keeps_the_break() {
        assert_eq!(
            join("講座を実施した。\nまた、相談を実\n施した。"),
            "講座を実施した。\nまた、相談を実施した。"
        );
        assert_eq!(join("次の取組\n・相談会\n・セミ\nナー"), "次の取組\n・相談会\n・セミナー");
        assert_eq!(join("支援\n①創業\n②事業\n承継"), "支援\n①創業\n②事業承継");
        assert_eq!(join("【企業概要】\n地元の会社で\nある"), "【企業概要】\n地元の会社である");
        assert_eq!(join("取組\n さらに、人材\nを"), "取組\n さらに、人材を");
        assert_eq!(join("事業\n(1) 相談\n1. 研修\n1.5倍に"), "事業\n(1) 相談\n1. 研修1.5倍に");
    }

    #[test]
    fn latin_words_get_a_space_in_latin_text_only() {
        assert_eq!(join("the digital\ntransformation"), "the digital transformation");
        assert_eq!(join("Society\n5.0"), "Society 5.0");
        assert_eq!(join("県内I\nT業界"), "県内IT業界");
        assert_eq!(join("ICTを\nスキル"), "ICTをスキル");
        assert_eq!(join("計1,2\n34千円"), "計1,234千円");
    }

    #[test]
    fn a_short_line_ends_its_paragraph() {
        let text = "○ 人材の還流に向けた取組\n人口減少の克服に資するとともに人手不\n足への対応を図るため、相談を行った。";
        assert_eq!(join(text), "○ 人材の還流に向けた取組\n人口減少の克服に資するとともに人手不足への対応を図るため、相談を行った。");
    }

    #[test]
    fn idempotent_and_whitespace_only_differs() {
        let text = "子育て中の女性等向けにリモートワ\nークに必要とされる。\n○ 人材の\n還流";
        let once = join(text);
        assert_eq!(join(&once), once);
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(squash(&once), squash(text));
    }
}
