//! 事例紹介 case studies: `（project：company（city）、…）`, a heading, then the text.

use super::lines::SrcLine;
use super::marks::{is_close_paren, is_open_paren, parens_closed};
use crate::model::CaseStudy;

/// Split a chapter's case-study lines (each study starts at an intro line) and read them.
pub fn parse(lines: &[SrcLine]) -> Vec<CaseStudy> {
    let mut groups: Vec<Vec<&SrcLine>> = Vec::new();
    for l in lines {
        if is_intro(&l.text) {
            groups.push(Vec::new());
        } else if let Some(g) = groups.last_mut() {
            g.push(l);
        }
    }
    groups.into_iter().map(|g| one(&g)).collect()
}

/// The line that starts a case study (one rule with the segmentation's).
pub(crate) use super::marks::is_case_study_intro as is_intro;

fn one(lines: &[&SrcLine]) -> CaseStudy {
    let page = lines.first().and_then(|l| l.printed);
    let pdf_page = lines.first().filter(|l| l.geom.is_some()).map(|l| l.pdf_page);
    // The parenthesised intro may wrap; it ends where its parentheses balance.
    let mut intro = String::new();
    let mut i = 0;
    if lines.first().is_some_and(|l| l.trimmed().starts_with(is_open_paren)) {
        while let Some(l) = lines.get(i) {
            intro.push_str(l.trimmed());
            i += 1;
            if parens_closed(&intro) {
                break;
            }
        }
    }
    let inner = intro.trim_start_matches(['（', '(']).strip_suffix(['）', ')']).unwrap_or("");
    let (projects, companies) = match inner.split_once(['：', ':']) {
        Some((p, c)) => (
            p.split('、').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            split_companies(c),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let mut title = Vec::new();
    while let Some(l) = lines.get(i) {
        let t = l.trimmed();
        if t.starts_with('○') || t.starts_with('【') {
            break;
        }
        title.push(t.to_string());
        i += 1;
    }
    let text = lines.iter().skip(i).map(|l| l.trimmed()).collect::<Vec<_>>().join("\n");
    CaseStudy { title: title.join("\n"), projects, companies, text, page, pdf_page, region: None }
}

/// `（株）福萬組（十和田市）、bambooforest（弘前市）` → names without the trailing city.
fn split_companies(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        if is_open_paren(c) {
            depth += 1;
        } else if is_close_paren(c) {
            depth -= 1;
        }
        if c == '、' && depth == 0 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|c| {
            let c = c.trim().to_string();
            match c.rfind('（') {
                Some(p) if p > 0 && c.ends_with('）') => c[..p].to_string(),
                _ => c,
            }
        })
        .filter(|c| !c.is_empty())
        .collect()
}
