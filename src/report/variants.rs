//! Glyph variants in a text dump: an ideograph outside JIS X 0208 read as the JIS X 0208
//! ideograph it is a z-variant of (戶 → 戸, 黑 → 黒), with a warning on each card it
//! touches.
//!
//! A z-variant is the same character with another glyph shape, and Japanese fonts draw
//! the pair with one glyph. A PDF writer whose ToUnicode map names the first code point
//! the font's cmap gives that glyph (Chromium does) puts 戶 in the text layer where the
//! page shows 戸, and every extractor copies it. The PDF path checks such characters
//! against the embedded font (`input::pdf::font`); a dump has no font, so the reading
//! rests on the Unihan `kZVariant` table ([`crate::normalize::zvariants`]), which holds
//! only pairs with exactly one JIS X 0208 form. Semantic variants that a report may
//! print on purpose (髙 in a surname) are not z-variants and are kept as written.

use crate::model::{Code, Diagnostic, Report};
use crate::normalize::zvariants::ZVARIANTS;

/// The JIS X 0208 ideograph `c` is a z-variant of, if `c` is outside JIS X 0208 and has
/// exactly one.
pub fn jis_form(c: char) -> Option<char> {
    ZVARIANTS
        .binary_search_by_key(&c, |&(variant, _)| variant)
        .ok()
        .and_then(|i| ZVARIANTS.get(i))
        .map(|&(_, jis)| jis)
}

/// Fold `s` in place; each folded character is added to `seen` as (was, now).
fn fold(s: &mut String, seen: &mut Vec<(char, char)>) {
    if !s.chars().any(|c| jis_form(c).is_some()) {
        return;
    }
    *s = s
        .chars()
        .map(|c| match jis_form(c) {
            Some(now) => {
                if !seen.contains(&(c, now)) {
                    seen.push((c, now));
                }
                now
            }
            None => c,
        })
        .collect();
}

fn describe(seen: &[(char, char)]) -> String {
    seen.iter().map(|(was, now)| format!("{was}→{now}")).collect::<Vec<_>>().join(", ")
}

/// Fold every text of `report` (read from a dump) and warn where it changed anything:
/// on the card, on the summary row's card, or on the report for other text.
pub fn fold_report(report: &mut Report) {
    let mut diagnostics = Vec::new();
    let mut elsewhere = Vec::new();
    if let Some(title) = report.title.as_mut() {
        fold(title, &mut elsewhere);
    }
    for policy in &mut report.policies {
        let number = policy.numbers.first().copied();
        for t in &mut policy.titles {
            fold(t, &mut elsewhere);
        }
        if let Some(o) = policy.overview.as_mut() {
            fold(o, &mut elsewhere);
        }
        for row in &mut policy.summary.rows {
            let mut seen = Vec::new();
            fold(&mut row.name, &mut seen);
            for d in &mut row.departments {
                fold(d, &mut seen);
            }
            if !seen.is_empty() {
                diagnostics.push(warning(&seen, "its summary row", number, row.no, row.page));
            }
        }
        for card in &mut policy.projects {
            let mut seen = Vec::new();
            fold(&mut card.name, &mut seen);
            fold(&mut card.overview, &mut seen);
            fold(&mut card.results, &mut seen);
            for item in &mut card.cost_breakdown {
                fold(&mut item.label, &mut seen);
            }
            for row in &mut card.metrics.rows {
                fold(&mut row.item, &mut seen);
                for cell in &mut row.cells {
                    fold(&mut cell.text, &mut seen);
                }
            }
            if let Some(d) = card.department.as_mut() {
                fold(&mut d.text, &mut seen);
                for part in [&mut d.division, &mut d.group, &mut d.bureau].into_iter().flatten() {
                    fold(part, &mut seen);
                }
            }
            if !seen.is_empty() {
                diagnostics.push(warning(&seen, "the card", number, card.no, card.page));
            }
        }
        for study in &mut policy.case_studies {
            fold(&mut study.title, &mut elsewhere);
            fold(&mut study.text, &mut elsewhere);
            for s in study.projects.iter_mut().chain(study.companies.iter_mut()) {
                fold(s, &mut elsewhere);
            }
        }
    }
    if !elsewhere.is_empty() {
        diagnostics.push(Diagnostic::new(
            Code::TextVariantFolded,
            format!(
                "the dump's text outside the cards has ideographs outside JIS X 0208, read as the JIS X 0208 \
                 form they are a glyph variant of ({})",
                describe(&elsewhere)
            ),
        ));
    }
    report.diagnostics.append(&mut diagnostics);
}

fn warning(
    seen: &[(char, char)],
    whose: &str,
    policy: Option<u8>,
    card: u32,
    page: Option<u32>,
) -> Diagnostic {
    Diagnostic::new(
        Code::TextVariantFolded,
        format!(
            "{whose} has ideographs outside JIS X 0208 in the dump, read as the JIS X 0208 form they are a \
             glyph variant of ({}): the dump cannot show which the page printed",
            describe(seen)
        ),
    )
    .at_page(page)
    .in_policy(policy)
    .on_card(Some(card))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_variants_fold_semantic_variants_stay() {
        assert_eq!(jis_form('戶'), Some('戸'));
        assert_eq!(jis_form('黑'), Some('黒'));
        // A JIS X 0208 ideograph, and 髙 (a semantic variant of 高, printed on purpose).
        assert_eq!(jis_form('戸'), None);
        assert_eq!(jis_form('髙'), None);
        assert_eq!(jis_form('高'), None);
    }

    #[test]
    fn the_table_is_sorted_and_maps_out_of_itself() {
        assert!(ZVARIANTS.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)));
        assert!(ZVARIANTS.iter().all(|&(_, jis)| jis_form(jis).is_none()));
    }

    #[test]
    fn fold_records_each_change_once() {
        let mut s = "神戶と神戶、黑石".to_string();
        let mut seen = Vec::new();
        fold(&mut s, &mut seen);
        assert_eq!(s, "神戸と神戸、黒石");
        assert_eq!(seen, vec![('戶', '戸'), ('黑', '黒')]);
    }
}
