//! Kangxi and CJK-radicals code points → the unified ideographs they stand for.
//!
//! Some PDF producers (Chromium/Skia among them) write ToUnicode maps that send a
//! kanji's glyph to its look-alike radical (`⽇` U+2F47 instead of `日` U+65E5), because
//! the font's cmap lists both. Readers and search need the ideograph, so `normalize` passes
//! every character of every input through [`to_unified`].
//!
//! The Kangxi block (U+2F00–U+2FD5) has NFKC decompositions to the ideographs; the
//! CJK Radicals Supplement (U+2E80–U+2EF3) mostly has none, so it is mapped with the
//! `Equivalent_Unified_Ideograph` data of the Unicode Character Database (U+2E80 and the
//! unassigned U+2E9A have no equivalent and are kept).
//!
//! Four Kangxi radicals decompose to a traditional form outside JIS X 0208 whose
//! Japanese form is in it (⼾ → 戶, where a Japanese font draws 戸; ⾭ 靑/青, ⿈ 黃/黄,
//! ⿊ 黑/黒). A Japanese report's producer sent its kanji's glyph to the radical, so the
//! kanji is the JIS X 0208 form (`JAPANESE_FORMS`); the other radicals outside JIS X
//! 0208 (丨, 彐, 疒, 禸, 辵) have no such variant and keep their decomposition.

/// The unified ideograph `c` stands for, or `c` itself.
pub fn to_unified(c: char) -> char {
    match c as u32 {
        0x2F00..=0x2FD5 => {
            if let Some(&(_, japanese)) = JAPANESE_FORMS.iter().find(|&&(radical, _)| radical == c) {
                return japanese;
            }
            // Each Kangxi radical decomposes (compatibility) to exactly one ideograph.
            let mut out = c;
            unicode_normalization::char::decompose_compatible(c, |d| out = d);
            out
        }
        0x2E80..=0x2EF3 => SUPPLEMENT
            .binary_search_by_key(&c, |&(radical, _)| radical)
            .ok()
            .and_then(|i| SUPPLEMENT.get(i))
            .map_or(c, |&(_, ideograph)| ideograph),
        _ => c,
    }
}

/// Whether `c` lies in one of the two radical blocks (for checks and tests).
pub fn is_radical(c: char) -> bool {
    // CJK Radicals Supplement (2E80–2EFF) and Kangxi Radicals (2F00–2FDF) are adjacent.
    matches!(c as u32, 0x2E80..=0x2FDF)
}

/// Map every radical in `s` to its ideograph; borrows when there is none.
pub fn unify_str(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_radical) {
        std::borrow::Cow::Owned(s.chars().map(to_unified).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The Kangxi radicals whose compatibility decomposition lies outside JIS X 0208 and has
/// a JIS X 0208 variant, with that variant (the form a Japanese font draws).
const JAPANESE_FORMS: &[(char, char)] =
    &[('\u{2F3E}', '戸'), ('\u{2FAD}', '青'), ('\u{2FC8}', '黄'), ('\u{2FCA}', '黒')];

/// CJK Radicals Supplement → Equivalent_Unified_Ideograph (UCD), sorted by radical.
const SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E81}', '\u{5382}'),
    ('\u{2E82}', '\u{4E5B}'),
    ('\u{2E83}', '\u{4E5A}'),
    ('\u{2E84}', '\u{4E59}'),
    ('\u{2E85}', '\u{4EBB}'),
    ('\u{2E86}', '\u{5182}'),
    ('\u{2E87}', '\u{20628}'),
    ('\u{2E88}', '\u{5200}'),
    ('\u{2E89}', '\u{5202}'),
    ('\u{2E8A}', '\u{535C}'),
    ('\u{2E8B}', '\u{353E}'),
    ('\u{2E8C}', '\u{5C0F}'),
    ('\u{2E8D}', '\u{5C0F}'),
    ('\u{2E8E}', '\u{5140}'),
    ('\u{2E8F}', '\u{5C23}'),
    ('\u{2E90}', '\u{5C22}'),
    ('\u{2E91}', '\u{21BC2}'),
    ('\u{2E92}', '\u{5DF3}'),
    ('\u{2E93}', '\u{5E7A}'),
    ('\u{2E94}', '\u{5F51}'),
    ('\u{2E95}', '\u{5F50}'),
    ('\u{2E96}', '\u{5FC4}'),
    ('\u{2E97}', '\u{5FC3}'),
    ('\u{2E98}', '\u{624C}'),
    ('\u{2E99}', '\u{6535}'),
    ('\u{2E9B}', '\u{65E1}'),
    ('\u{2E9C}', '\u{65E5}'),
    ('\u{2E9D}', '\u{6708}'),
    ('\u{2E9E}', '\u{6B7A}'),
    ('\u{2E9F}', '\u{6BCD}'),
    ('\u{2EA0}', '\u{6C11}'),
    ('\u{2EA1}', '\u{6C35}'),
    ('\u{2EA2}', '\u{6C3A}'),
    ('\u{2EA3}', '\u{706C}'),
    ('\u{2EA4}', '\u{722B}'),
    ('\u{2EA5}', '\u{722B}'),
    ('\u{2EA6}', '\u{4E2C}'),
    ('\u{2EA7}', '\u{725B}'),
    ('\u{2EA8}', '\u{72AD}'),
    ('\u{2EA9}', '\u{738B}'),
    ('\u{2EAA}', '\u{24D14}'),
    ('\u{2EAB}', '\u{76EE}'),
    ('\u{2EAC}', '\u{793A}'),
    ('\u{2EAD}', '\u{793B}'),
    ('\u{2EAE}', '\u{25AD7}'),
    ('\u{2EAF}', '\u{7CF9}'),
    ('\u{2EB0}', '\u{7E9F}'),
    ('\u{2EB1}', '\u{7F53}'),
    ('\u{2EB2}', '\u{7F52}'),
    ('\u{2EB3}', '\u{34C1}'),
    ('\u{2EB4}', '\u{5197}'),
    ('\u{2EB5}', '\u{2626B}'),
    ('\u{2EB6}', '\u{7F8A}'),
    ('\u{2EB7}', '\u{2634C}'),
    ('\u{2EB8}', '\u{2634B}'),
    ('\u{2EB9}', '\u{8002}'),
    ('\u{2EBA}', '\u{8080}'),
    ('\u{2EBB}', '\u{807F}'),
    ('\u{2EBC}', '\u{8089}'),
    ('\u{2EBD}', '\u{26951}'),
    ('\u{2EBE}', '\u{8279}'),
    ('\u{2EBF}', '\u{8279}'),
    ('\u{2EC0}', '\u{8279}'),
    ('\u{2EC1}', '\u{864E}'),
    ('\u{2EC2}', '\u{8864}'),
    ('\u{2EC3}', '\u{8980}'),
    ('\u{2EC4}', '\u{897F}'),
    ('\u{2EC5}', '\u{89C1}'),
    ('\u{2EC6}', '\u{89D2}'),
    ('\u{2EC7}', '\u{278B2}'),
    ('\u{2EC8}', '\u{8BA0}'),
    ('\u{2EC9}', '\u{8D1D}'),
    ('\u{2ECA}', '\u{27FB7}'),
    ('\u{2ECB}', '\u{8F66}'),
    ('\u{2ECC}', '\u{8FB6}'),
    ('\u{2ECD}', '\u{8FB6}'),
    ('\u{2ECE}', '\u{8FB6}'),
    ('\u{2ECF}', '\u{9091}'),
    ('\u{2ED0}', '\u{9485}'),
    ('\u{2ED1}', '\u{9577}'),
    ('\u{2ED2}', '\u{9578}'),
    ('\u{2ED3}', '\u{957F}'),
    ('\u{2ED4}', '\u{95E8}'),
    ('\u{2ED5}', '\u{28E0F}'),
    ('\u{2ED6}', '\u{961D}'),
    ('\u{2ED7}', '\u{96E8}'),
    ('\u{2ED8}', '\u{9752}'),
    ('\u{2ED9}', '\u{97E6}'),
    ('\u{2EDA}', '\u{9875}'),
    ('\u{2EDB}', '\u{98CE}'),
    ('\u{2EDC}', '\u{98DE}'),
    ('\u{2EDD}', '\u{98DF}'),
    ('\u{2EDE}', '\u{2967F}'),
    ('\u{2EDF}', '\u{98E0}'),
    ('\u{2EE0}', '\u{9963}'),
    ('\u{2EE1}', '\u{29810}'),
    ('\u{2EE2}', '\u{9A6C}'),
    ('\u{2EE3}', '\u{9AA8}'),
    ('\u{2EE4}', '\u{9B3C}'),
    ('\u{2EE5}', '\u{9C7C}'),
    ('\u{2EE6}', '\u{9E1F}'),
    ('\u{2EE7}', '\u{5364}'),
    ('\u{2EE8}', '\u{9EA6}'),
    ('\u{2EE9}', '\u{9EC4}'),
    ('\u{2EEA}', '\u{9EFE}'),
    ('\u{2EEB}', '\u{6589}'),
    ('\u{2EEC}', '\u{9F50}'),
    ('\u{2EED}', '\u{6B6F}'),
    ('\u{2EEE}', '\u{9F7F}'),
    ('\u{2EEF}', '\u{7ADC}'),
    ('\u{2EF0}', '\u{9F99}'),
    ('\u{2EF1}', '\u{9F9C}'),
    ('\u{2EF2}', '\u{4E80}'),
    ('\u{2EF3}', '\u{9F9F}'),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kangxi_block_by_nfkc() {
        assert_eq!(to_unified('\u{2F47}'), '日');
        assert_eq!(to_unified('\u{2F00}'), '一');
        assert_eq!(to_unified('\u{2FD5}'), '龠');
        // Outside JIS X 0208 by NFKC (戶, 黑): the Japanese form.
        assert_eq!(to_unified('\u{2F3E}'), '戸');
        assert_eq!(to_unified('\u{2FCA}'), '黒');
        // Outside JIS X 0208 without a Japanese variant: NFKC's.
        assert_eq!(to_unified('\u{2F01}'), '\u{4E28}');
    }

    #[test]
    fn supplement_by_table() {
        assert_eq!(to_unified('\u{2ED1}'), '\u{9577}');
        assert_eq!(to_unified('\u{2EA9}'), '王');
        assert_eq!(to_unified('\u{2ECC}'), '辶');
        assert_eq!(to_unified('\u{2EF3}'), '龟');
        // No equivalent: kept as is.
        assert_eq!(to_unified('\u{2E80}'), '\u{2E80}');
        assert_eq!(to_unified('\u{2E9A}'), '\u{2E9A}');
    }

    #[test]
    fn others_untouched_and_table_sorted() {
        assert_eq!(to_unified('a'), 'a');
        assert_eq!(to_unified('日'), '日');
        assert!(SUPPLEMENT.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(unify_str("⽇本"), "日本");
        assert!(is_radical('⽇') && is_radical('\u{2E81}'));
        assert!(!is_radical('日') && !is_radical('a') && !is_radical('\u{2FE0}'));
    }
}
