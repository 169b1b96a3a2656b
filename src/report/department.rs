//! The （担当課：…） line: the department's text and, where they can be told apart, its
//! division (課・室・センター), group(s) (グループ) and bureau (…県民局 in parentheses).

use super::marks::paren_depth;
use crate::model::Department;

/// Parse the joined department lines of a card.
pub fn parse(lines: &[String]) -> Option<Department> {
    let joined = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
    let t = joined.trim();
    let start = t.find("担当課")?;
    let mut inner = t[start + "担当課".len()..].trim_start_matches(['：', ':', ' ']).trim_end();
    // Drop the parenthesis that closes （担当課：…）.
    if paren_depth(inner) < 0 {
        if let Some(s) = inner.strip_suffix('）').or_else(|| inner.strip_suffix(')')) {
            inner = s.trim_end();
        }
    }
    let text = inner.to_string();
    let mut rest = text.replace('\n', " ");
    let mut bureau = None;
    if let Some(pos) = rest.rfind('（') {
        let tail = &rest[pos..];
        if tail.ends_with('）') && tail.contains('局') {
            bureau = Some(tail.trim_start_matches('（').trim_end_matches('）').to_string());
            rest.truncate(pos);
        }
    }
    let toks: Vec<&str> = rest.split_whitespace().collect();
    let group_toks: Vec<&str> = toks.iter().copied().filter(|t| t.contains("グループ")).collect();
    let division_toks: Vec<&str> = toks.iter().copied().filter(|t| !t.contains("グループ")).collect();
    Some(Department {
        text,
        division: (!division_toks.is_empty()).then(|| division_toks.join(" ")),
        group: (!group_toks.is_empty()).then(|| group_toks.join(" ")),
        bureau,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let d =
            parse(&["（担当課：DX推進課 産業・しごとDXグループ（西北地域県民局））".to_string()]).unwrap();
        assert_eq!(d.text, "DX推進課 産業・しごとDXグループ（西北地域県民局）");
        assert_eq!(d.division.as_deref(), Some("DX推進課"));
        assert_eq!(d.group.as_deref(), Some("産業・しごとDXグループ"));
        assert_eq!(d.bureau.as_deref(), Some("西北地域県民局"));
        let d = parse(&[
            "（担当課：若者定着還流促進課".into(),
            "UIJターン促進グループ、県内定着促進グループ）".into(),
        ])
        .unwrap();
        assert_eq!(d.text, "若者定着還流促進課\nUIJターン促進グループ、県内定着促進グループ");
        assert!(d.bureau.is_none());
    }
}
