//! Character-level rules the report grammar shares: bracket balance, circled numbers,
//! whitespace-free comparison of the report's fixed markers.
//!
//! Each rule was once written out where it was used (segmentation, the summary table,
//! departments, case studies); kept here so that the parts can never disagree on, say,
//! when a wrapped （担当課：…） or case-study intro has ended.

/// Whether `c` opens a parenthesis, full-width or ASCII (writers mix them).
pub(crate) fn is_open_paren(c: char) -> bool {
    matches!(c, '（' | '(')
}

/// Whether `c` closes a parenthesis, full-width or ASCII.
pub(crate) fn is_close_paren(c: char) -> bool {
    matches!(c, '）' | ')')
}

/// Opening minus closing parentheses in `s`: positive while a parenthesis is still open,
/// negative when `s` closes one it did not open (the tail of a wrapped `（…）`).
pub(crate) fn paren_depth(s: &str) -> i64 {
    s.chars().fold(0i64, |d, c| {
        if is_open_paren(c) {
            d.saturating_add(1)
        } else if is_close_paren(c) {
            d.saturating_sub(1)
        } else {
            d
        }
    })
}

/// Whether every parenthesis opened in `s` is closed: a wrapped `（…）` (department,
/// case-study intro) ends at the line where this becomes true.
pub(crate) fn parens_closed(s: &str) -> bool {
    paren_depth(s) <= 0
}

/// ①…⑳ → 1…20: the report numbers its basic policies this way.
pub(crate) fn circled_number(c: char) -> Option<u8> {
    let n = u32::from(c).checked_sub(u32::from('①'))?;
    // ⑳ is the last of the contiguous block (U+2460…U+2473); ㉑ and on live elsewhere
    // and a report has far fewer policies.
    u8::try_from(n + 1).ok().filter(|&k| k <= 20)
}

/// The text without any whitespace: the report's fixed markers are compared this way,
/// since a writer may or may not put spaces inside them (`【 事業概要 】`, `小 計`).
pub(crate) fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The line that starts a case study (`事例紹介（…を活用した…）`), spaces ignored.
pub(crate) fn is_case_study_intro(s: &str) -> bool {
    let t = compact(s);
    t.contains("事例紹介") && t.contains("活用した")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parens() {
        assert!(parens_closed("（担当課：A課）"));
        assert!(parens_closed("(担当課：A課（B局）)"));
        assert!(!parens_closed("（担当課：A課"));
        assert!(parens_closed("B局）"));
        assert!(parens_closed(""));
        assert_eq!(paren_depth("（（a)"), 1);
        assert_eq!(paren_depth("a）"), -1);
    }

    #[test]
    fn circled() {
        assert_eq!(circled_number('①'), Some(1));
        assert_eq!(circled_number('⑧'), Some(8));
        assert_eq!(circled_number('⑳'), Some(20));
        assert_eq!(circled_number('⑴'), None); // U+2474, parenthesized, right after ⑳
        assert_eq!(circled_number('1'), None);
        assert_eq!(circled_number('○'), None);
    }

    #[test]
    fn case_study_intro() {
        assert!(is_case_study_intro("事例紹介（Ａ事業を活用した取組）"));
        assert!(is_case_study_intro("事例 紹介 （Ａ事業を活用 した取組）"));
        assert!(!is_case_study_intro("事例紹介"));
        assert!(!is_case_study_intro("Ａ事業を活用した"));
    }
}
