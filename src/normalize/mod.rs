//! Normalization of printed text: one place for every folding rule, so that the
//! report grammar sees one spelling of each thing whatever tool wrote the file.
//!
//! NFKC alone is wrong for these reports: it turns ①②… into digits (they name
//! policies), folds ～ into ~ and （ into (. So NFKC is applied only to the
//! character ranges where it does what a reader means; the rules, in order:
//!
//! 1. Full-width digits and Latin letters → ASCII (`ＩＣＴ` → `ICT`, `２０２４` → `2024`);
//!    full-width `％＋＃＄＆＊＝＠＿／` → ASCII. Japanese punctuation stays full-width:
//!    `（）：「」、。！？＜＞`, so names keep their printed form.
//! 2. Ideographic space U+3000 and other Unicode spaces → ` `.
//! 3. Half-width katakana and punctuation (U+FF61–FF9F) → full-width, voiced marks
//!    composed (`ｶﾞｽ` → `ガス`), by NFKC.
//! 4. Ligature characters spelled out, by NFKC: parenthesised ideographs (`㈱` → `(株)`),
//!    squared katakana words (`㌢` → `センチ`), era names (`㍻` → `平成`, `㋿` → `令和`).
//! 5. Kangxi / CJK-supplement radicals and CJK compatibility ideographs → the unified
//!    ideograph (some PDF fonts map kanji to look-alike radicals).
//! 6. Dash variants `‐‑‒–—―−－` → `-` where they act as a dash: the token is dashes only
//!    (a "no value" cell) or a digit is next to it (minus, number range). The prolonged
//!    sound mark `ー` is never touched; nor are wave dashes `〜～` (ranges) or ①–⑳.
//! 7. `，` and `．` between digits → `,` and `.`.
//! 8. Trailing white space removed.
//!
//! Before all of these, text is composed (NFC: a decomposed `か` + U+3099 is `が`, as a
//! Mac file system or a PDF's ToUnicode map may give it), and control characters other
//! than tab are removed (a NUL or an escape in a title is never meant; databases refuse
//! NUL). [`control_characters`] counts them so that the caller can say so.
//!
//! [`text`] is idempotent: normalizing twice changes nothing (a property test checks it).

pub mod radicals;
pub mod zvariants;

use crate::doc::Document;
use unicode_normalization::UnicodeNormalization;

/// Normalize every line of a document.
pub fn document(mut doc: Document) -> Document {
    for page in &mut doc.pages {
        for line in &mut page.lines {
            line.text = text(&line.text);
            if let Some(g) = &mut line.geom {
                for s in &mut g.spans {
                    s.text = text(&s.text);
                }
            }
        }
    }
    doc
}

/// Control characters that [`text`] removes: all but tab (line ends never reach it).
fn is_removed_control(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// How many characters [`document`] will remove as control characters.
pub fn control_characters(doc: &Document) -> usize {
    doc.pages
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| l.text.chars().filter(|&c| is_removed_control(c)).count())
        .sum()
}

fn is_halfwidth_kana(c: char) -> bool {
    matches!(c as u32, 0xFF61..=0xFF9F)
}

/// Characters whose NFKC form is what a reader means (rule 4).
fn is_spelled_out(c: char) -> bool {
    matches!(c as u32, 0x3220..=0x3243 | 0x3300..=0x3357 | 0x337B..=0x337F | 0x32FF)
}

/// Dash variants folded by rule 6 (`-` itself included so tokens of mixed dashes count).
pub fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '－')
}

/// Rules 1–5: one character (or a run of half-width kana) at a time.
fn fold_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut kana = String::new();
    for c in s.chars() {
        if is_halfwidth_kana(c) {
            kana.push(c);
            continue;
        }
        if !kana.is_empty() {
            out.extend(kana.nfkc());
            kana.clear();
        }
        match c as u32 {
            0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
                out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c))
            }
            _ if matches!(c, '％' | '＋' | '＃' | '＄' | '＆' | '＊' | '＝' | '＠' | '＿' | '／') => {
                out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c))
            }
            _ if c != ' ' && c != '\t' && c.is_whitespace() && c != '\n' && c != '\r' => out.push(' '),
            _ if is_spelled_out(c) => out.extend(std::iter::once(c).nfkc()),
            // (CJK compatibility ideographs need no arm: `text` composes (NFC) first,
            // which maps every one that has a unified equivalent.)
            _ => out.push(radicals::to_unified(c)),
        }
    }
    out.extend(kana.nfkc());
    out
}

/// Rules 6 and 7: context-dependent folds on the output of [`fold_chars`].
fn fold_in_context(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let digit_at = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|c| c.is_ascii_digit());
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let (prev, next) = (i.checked_sub(1), i.checked_add(1));
        let folded = if is_dash(c) && c != '-' {
            let token_all_dashes = {
                let start = chars
                    .get(..i)
                    .map_or(0, |h| h.iter().rposition(|c| c.is_whitespace()).map_or(0, |p| p + 1));
                let end = chars.get(i..).map_or(chars.len(), |t| {
                    t.iter().position(|c| c.is_whitespace()).map_or(chars.len(), |p| p + i)
                });
                chars.get(start..end).is_some_and(|t| t.iter().all(|&c| is_dash(c)))
            };
            if token_all_dashes || digit_at(prev) || digit_at(next) {
                '-'
            } else {
                c
            }
        } else if (c == '，' || c == '．') && digit_at(prev) && digit_at(next) {
            if c == '，' {
                ','
            } else {
                '.'
            }
        } else {
            c
        };
        out.push(folded);
    }
    out
}

/// Normalize one string (one line of text).
pub fn text(s: &str) -> String {
    let composed: String =
        if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
            s.to_string()
        } else {
            s.nfc().collect()
        };
    let clean: String = if composed.contains(is_removed_control) {
        composed.chars().filter(|&c| !is_removed_control(c)).collect()
    } else {
        composed
    };
    let mut out = fold_in_context(&fold_chars(&clean));
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::text;
    use proptest::prelude::*;

    #[test]
    fn control_characters_are_counted_as_text_removes_them() {
        let doc = crate::doc::Document {
            pages: vec![crate::doc::Page {
                index: 1,
                printed: None,
                lines: vec![crate::doc::Line::plain("a\u{0}b\u{7}\tc"), crate::doc::Line::plain("\u{1b}")],
                geom: None,
                dump_pages: None,
            }],
        };
        assert_eq!(super::control_characters(&doc), 3);
        assert_eq!(text("a\u{0}b\u{7}\tc"), "ab\tc");
    }

    #[test]
    fn a_half_width_kana_run_is_folded_in_place() {
        assert_eq!(text("ｶﾞｽ代 ﾀﾞｲﾔ"), "ガス代 ダイヤ");
    }

    #[test]
    fn compatibility_ideographs_and_radicals_become_unified_ideographs() {
        // U+F929 (a CJK compatibility ideograph) is 朗 U+6717; ⽇ U+2F47 is 日.
        assert_eq!(text("\u{F929}読⽇"), "\u{6717}読日");
    }

    #[test]
    fn a_dash_next_to_a_letter_is_kept_even_at_the_start() {
        // The token is `—x`, not all dashes: the em dash stays (the token's end is found
        // from the dash's own position, also when that is 0).
        assert_eq!(super::fold_in_context("—x y"), "—x y");
        assert_eq!(super::fold_in_context("a —x"), "a —x");
        assert_eq!(super::fold_in_context("— y"), "- y");
        assert_eq!(super::fold_in_context("x ―― y"), "x -- y");
    }

    #[test]
    fn full_width_alphanumerics_and_symbols() {
        assert_eq!(text("ＩＣＴ活用　２０２４年"), "ICT活用 2024年");
        assert_eq!(text("達成率１００％"), "達成率100%");
        assert_eq!(text("（担当課：商工政策課）"), "（担当課：商工政策課）");
        assert_eq!(text("１，２３４．５千円、次に，"), "1,234.5千円、次に，");
    }

    #[test]
    fn kana_ligatures_eras_radicals() {
        assert_eq!(text("ｶﾞｽｰﾊﾟｲﾌﾟ｡"), "ガスーパイプ。");
        assert_eq!(text("㈱青森"), "(株)青森");
        assert_eq!(text("㍻30年度、㋿5年度"), "平成30年度、令和5年度");
        assert_eq!(text("\u{2F47}本"), "日本");
    }

    #[test]
    fn dashes_only_where_they_are_dashes() {
        assert_eq!(text("― ― 5件"), "- - 5件");
        assert_eq!(text("－１２"), "-12");
        assert_eq!(text("コーディネーター"), "コーディネーター");
        assert_eq!(text("事業―概要"), "事業―概要");
        assert_eq!(text("令和5年度～令和7年度"), "令和5年度～令和7年度");
        assert_eq!(text("①②⑳"), "①②⑳");
    }

    #[test]
    fn control_characters_removed_and_decomposed_text_composed() {
        assert_eq!(text("青森\u{0}県\u{1b}[31m\t事業\u{7f}"), "青森県[31m\t事業");
        assert_eq!(text("か\u{3099}す"), "がす");
        assert_eq!(text("ハ\u{309a}ン"), "パン");
    }

    #[test]
    fn trailing_space_trimmed() {
        assert_eq!(text("事業概要　 \t"), "事業概要");
    }

    proptest! {
        #[test]
        fn idempotent(s in "[\\PC　-〿＀-￯①-⑳㈠-㉃㌀-㍿⺀-⿕ー‐-―−０-９ 　\t-]{0,40}") {
            let once = text(&s);
            prop_assert_eq!(text(&once), once.clone());
        }

        #[test]
        fn plain_ascii_is_left_alone(s in "[ -~]{0,40}[!-~]") {
            prop_assert_eq!(text(&s), s);
        }

        #[test]
        fn full_width_ascii_round_trips_to_its_half_width_twin(s in "[!-~]{1,40}") {
            // Every printable ASCII char has a full-width twin at +0xFEE0; the ones kept
            // full-width by rule 1 (Japanese punctuation) are the only differences.
            let wide: String = s.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
            let back = text(&wide);
            prop_assert_eq!(back.chars().count(), s.chars().count());
            for (b, a) in back.chars().zip(s.chars()) {
                prop_assert!(b == a || b as u32 == a as u32 + 0xFEE0 || (a == '-' && b == '-'), "{} vs {}", b, a);
            }
        }

        #[test]
        fn never_touches_prolonged_sound_mark_or_circled_numbers(s in "[ーア-ン①-⑳〜～]{0,30}") {
            prop_assert_eq!(text(&s), s);
        }
    }
}
