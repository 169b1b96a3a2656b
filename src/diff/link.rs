//! Matching the projects of two reports of different fiscal years.
//!
//! Used by `shisaku diff` and by the database's `project_links`, so both find the same
//! pairs. Three passes, each over the projects the earlier passes left unmatched:
//! `exact` (the same name as printed), `normalized` (the same name once （再掲）, spacing,
//! ①② marks, width and a budget line's `事業費` for `事業` are set aside — see
//! [`crate::validate`]), and `similar` (a renamed project: name similarity, helped by the
//! same department). Within a pass a project keeps its chapter and its relisted flag where
//! it can, so a relisted copy pairs with the relisted copy.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// How a pair was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Exact,
    Normalized,
    Similar,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Normalized => "normalized",
            Method::Similar => "similar",
        }
    }
}

/// What the matcher needs to know of one project (card).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// First basic-policy number of its chapter.
    pub policy: Option<u8>,
    pub no: u32,
    pub name: String,
    pub relisted: bool,
    /// The 課 (or the department text when no division was read).
    pub division: Option<String>,
}

/// One matched pair: indexes into the old and the new candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub old: usize,
    pub new: usize,
    pub method: Method,
    /// 1 for `exact` and `normalized`; the similarity for `similar`.
    pub score: f64,
}

/// Weight of the name in a `similar` score; the rest is the department's agreement. A
/// renamed project keeps its department far more often than its words.
const NAME_WEIGHT: f64 = 0.8;
/// Lowest score that makes a `similar` pair. With the same department the names must
/// share about two thirds of their character pairs (a word added or replaced in a
/// ten-character name); across departments nearly all of them (0.875).
pub const SIMILAR_THRESHOLD: f64 = 0.7;

/// Match `old` to `new` projects; every project is in at most one pair.
pub fn match_projects(old: &[Candidate], new: &[Candidate]) -> Vec<Pair> {
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut pairs = Vec::new();

    let exact: Vec<String> = old.iter().map(|c| c.name.clone()).collect();
    let exact_new: Vec<String> = new.iter().map(|c| c.name.clone()).collect();
    pass_by_key(old, new, &exact, &exact_new, Method::Exact, &mut old_used, &mut new_used, &mut pairs);

    let norm_old: Vec<String> = old.iter().map(|c| name_key(&c.name)).collect();
    let norm_new: Vec<String> = new.iter().map(|c| name_key(&c.name)).collect();
    pass_by_key(old, new, &norm_old, &norm_new, Method::Normalized, &mut old_used, &mut new_used, &mut pairs);

    // Similar: best pairs first among what is left, relisted with relisted only.
    let grams_old: Vec<Vec<(char, char)>> = norm_old.iter().map(|s| bigrams(s)).collect();
    let grams_new: Vec<Vec<(char, char)>> = norm_new.iter().map(|s| bigrams(s)).collect();
    let mut scored = Vec::new();
    for (i, o) in old.iter().enumerate() {
        if old_used.get(i).copied().unwrap_or(true) {
            continue;
        }
        for (j, n) in new.iter().enumerate() {
            if new_used.get(j).copied().unwrap_or(true) || o.relisted != n.relisted {
                continue;
            }
            let (Some(a), Some(b)) = (grams_old.get(i), grams_new.get(j)) else { continue };
            let same_dept = matches!((&o.division, &n.division), (Some(x), Some(y)) if x == y);
            let score = NAME_WEIGHT * dice(a, b) + if same_dept { 1.0 - NAME_WEIGHT } else { 0.0 };
            if score >= SIMILAR_THRESHOLD {
                scored.push((score, i, j));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (score, i, j) in scored {
        if old_used.get(i).copied().unwrap_or(true) || new_used.get(j).copied().unwrap_or(true) {
            continue;
        }
        if let (Some(o), Some(n)) = (old_used.get_mut(i), new_used.get_mut(j)) {
            *o = true;
            *n = true;
        }
        // Three decimals: the score is a judgement, not a measurement.
        pairs.push(Pair {
            old: i,
            new: j,
            method: Method::Similar,
            score: (score * 1000.0).round() / 1000.0,
        });
    }
    pairs.sort_by_key(|p| (p.new, p.old));
    pairs
}

/// Pair candidates with equal keys, preferring the same relisted flag, then the same
/// chapter, then the order of appearance.
#[allow(clippy::too_many_arguments)]
fn pass_by_key(
    old: &[Candidate],
    new: &[Candidate],
    old_keys: &[String],
    new_keys: &[String],
    method: Method,
    old_used: &mut [bool],
    new_used: &mut [bool],
    pairs: &mut Vec<Pair>,
) {
    let mut by_key: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, k) in old_keys.iter().enumerate() {
        if !old_used.get(i).copied().unwrap_or(true) {
            by_key.entry(k.as_str()).or_default().push(i);
        }
    }
    for preference in 0..3 {
        for (j, key) in new_keys.iter().enumerate() {
            if new_used.get(j).copied().unwrap_or(true) {
                continue;
            }
            let Some(n) = new.get(j) else { continue };
            let Some(list) = by_key.get(key.as_str()) else { continue };
            let found = list.iter().copied().find(|&i| {
                let Some(o) = old.get(i) else { return false };
                !old_used.get(i).copied().unwrap_or(true)
                    && match preference {
                        0 => o.relisted == n.relisted && o.policy == n.policy,
                        1 => o.relisted == n.relisted,
                        _ => true,
                    }
            });
            if let Some(i) = found {
                if let (Some(o), Some(nu)) = (old_used.get_mut(i), new_used.get_mut(j)) {
                    *o = true;
                    *nu = true;
                }
                pairs.push(Pair { old: i, new: j, method, score: 1.0 });
            }
        }
    }
}

/// A name as compared by the `normalized` pass.
pub fn name_key(name: &str) -> String {
    let folded: String = name.nfkc().map(|c| if crate::normalize::is_dash(c) { '-' } else { c }).collect();
    // NFKC turns （） into ()；the reader's rule removes both spellings of （再掲）.
    crate::validate::comparable(&folded.replace('(', "（").replace(')', "）"))
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<(char, char)> =
        chars.windows(2).filter_map(|w| Some((*w.first()?, *w.get(1)?))).collect();
    out.sort_unstable();
    out
}

/// Sørensen–Dice coefficient of two sorted bigram multisets.
fn dice(a: &[(char, char)], b: &[(char, char)]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(policy: u8, no: u32, name: &str, division: &str) -> Candidate {
        Candidate {
            policy: Some(policy),
            no,
            name: name.into(),
            relisted: false,
            division: Some(division.into()),
        }
    }

    #[test]
    fn three_methods_and_no_forced_pair() {
        let old = vec![
            c(1, 1, "あおもり移住支援事業", "A課"),
            c(1, 2, "海外産業経済交流推進事業", "B課"),
            c(1, 3, "取引推進事業", "C課"),
            c(1, 4, "原子力関連技術研修事業", "D課"),
        ];
        let new = vec![
            c(1, 1, "取引推進事業", "C課"),
            c(2, 2, "海外産業経済交流推進事業費", "B課"),
            c(1, 3, "あおもり移住支援強化事業", "A課"),
            c(1, 4, "八甲田クラフトビール事業", "D課"),
        ];
        let pairs = match_projects(&old, &new);
        let got: Vec<(usize, usize, Method)> = pairs.iter().map(|p| (p.old, p.new, p.method)).collect();
        assert_eq!(got, vec![(2, 0, Method::Exact), (1, 1, Method::Normalized), (0, 2, Method::Similar)]);
        assert!(pairs.iter().all(|p| p.score > SIMILAR_THRESHOLD - 1e-9));
    }

    #[test]
    fn relisted_copy_pairs_with_relisted_copy() {
        let mut a = c(6, 3, "X事業", "A課");
        a.relisted = true;
        let old = vec![c(1, 1, "X事業", "A課"), a.clone()];
        let new = vec![a, c(2, 1, "X事業", "A課")];
        let got: Vec<(usize, usize)> = match_projects(&old, &new).iter().map(|p| (p.old, p.new)).collect();
        assert_eq!(got, vec![(1, 0), (0, 1)]);
    }

    #[test]
    fn name_key_sets_aside_width_spacing_and_budget_suffix() {
        assert_eq!(name_key("ＩＣＴ 推進事業費（再掲）"), name_key("ICT推進事業"));
        assert_ne!(
            name_key("労働力確保体制強化事業"),
            name_key("労働力確保体制強化事業（県外からの人材還流）")
        );
    }
}
