//! Splitting a card's box into 事業概要 (overview) and 事業実績 (results).
//!
//! With geometry (PDF) [`super::geometry::split_columns`] places each span by its ink. A text dump
//! prints the left column, then the right one, with no marker between: the split is
//! chosen as a careful reader would, at a line that ends a sentence, so that the
//! overview's sentences read as plans (〜する。〜図る。) and the results' as done
//! (〜した。〜行った。). A split whose tenses do not all agree, or that has a close
//! rival, is reported as uncertain.

use super::marks::{is_close_paren, is_open_paren};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Plan,
    Done,
}

/// The result of splitting a box's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub overview: Vec<String>,
    pub results: Vec<String>,
    /// Why the split might be wrong, if it might.
    pub doubt: Option<String>,
}

/// Score weights: a sentence in the wrong column costs more than one in the right column
/// earns, so one misplaced sentence outweighs a longer run of agreeing ones.
const AGREE: i32 = 1;
const DISAGREE: i32 = -2;
/// Best and runner-up splits closer than this are reported as uncertain.
const MARGIN: i32 = 2;

fn tense(sentence: &str) -> Option<Tense> {
    let s = sentence.trim().trim_end_matches('。');
    let last = s.chars().last()?;
    match last {
        'た' | 'だ' => Some(Tense::Done),
        'る' | 'う' | 'く' | 'す' | 'つ' | 'ぬ' | 'ぶ' | 'む' | 'ぐ' | 'い' => Some(Tense::Plan),
        _ => None,
    }
}

/// Sentences as (index of the line where each ends, tense). A parenthetical right after
/// a sentence's 。 (an annotation) extends that sentence.
fn sentences(lines: &[String]) -> Vec<(usize, Option<Tense>)> {
    let mut out: Vec<(usize, Option<Tense>)> = Vec::new();
    let mut buf = String::new();
    let mut depth = 0usize;
    for (i, line) in lines.iter().enumerate() {
        for ch in line.trim().chars() {
            buf.push(ch);
            match ch {
                c if is_open_paren(c) => depth += 1,
                c if is_close_paren(c) => depth = depth.saturating_sub(1),
                '。' if depth == 0 => {
                    out.push((i, tense(&buf)));
                    buf.clear();
                }
                _ => {}
            }
        }
        let b = buf.trim();
        if depth == 0
            && (b.starts_with('（') || b.starts_with('('))
            && (b.ends_with('）') || b.ends_with(')'))
        {
            if let Some(last) = out.last_mut() {
                last.0 = i;
                buf.clear();
            }
        }
    }
    out
}

fn score(sents: &[(usize, Option<Tense>)], k: usize) -> i32 {
    sents
        .iter()
        .filter_map(|(i, t)| t.map(|t| (*i, t)))
        .map(|(i, t)| match (i < k, t) {
            (true, Tense::Plan) | (false, Tense::Done) => AGREE,
            _ => DISAGREE,
        })
        .sum()
}

/// Split a text dump's box lines (left column first, then right column).
pub fn split_text(lines: &[String]) -> Split {
    let sents = sentences(lines);
    let ends: std::collections::HashSet<usize> = sents.iter().map(|(i, _)| *i).collect();
    // A split falls after a sentence end, never before an annotation or a ※ note,
    // which belong to what precedes them.
    let candidates: Vec<usize> = (1..lines.len())
        .filter(|k| ends.contains(&(k - 1)))
        .filter(|&k| {
            let next = lines[k].trim_start();
            !(next.starts_with('（') || next.starts_with('(') || next.starts_with('※'))
        })
        .collect();
    let mut scored: Vec<(i32, usize)> = candidates.iter().map(|&k| (score(&sents, k), k)).collect();
    // Best score first; among equals the earlier split.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let Some(&(best_score, k)) = scored.first() else {
        return Split {
            overview: lines.to_vec(),
            results: Vec::new(),
            doubt: Some("no sentence end at which to split 事業概要 from 事業実績".into()),
        };
    };
    let mut doubts = Vec::new();
    if let Some(&(second, _)) = scored.get(1) {
        if best_score - second < MARGIN {
            doubts.push("another split reads almost as well");
        }
    }
    let contradicts = sents
        .iter()
        .any(|(i, t)| matches!((i < &k, t), (true, Some(Tense::Done)) | (false, Some(Tense::Plan))));
    if contradicts {
        doubts.push("a sentence's tense disagrees with its column");
    }
    Split {
        overview: lines[..k].to_vec(),
        results: lines[k..].to_vec(),
        doubt: (!doubts.is_empty()).then(|| doubts.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn plan_then_done() {
        let s = split_text(&v(&[
            "人材を育成するた",
            "め、講座を実施する。",
            "講座を実施した",
            "ほか、相談に応じた。",
        ]));
        assert_eq!(s.overview.len(), 2);
        assert!(s.doubt.is_none());
    }

    #[test]
    fn annotation_stays_with_its_sentence() {
        let s = split_text(&v(&["研修に派遣した。", "（大学校に派遣）", "８名派遣し、", "技能を図った。"]));
        assert_eq!(s.overview.len(), 2);
        assert!(s.doubt.is_some());
    }

    #[test]
    fn note_stays_in_overview() {
        let s = split_text(&v(&["支援する。", "※ 対象は女性起業のみ。", "支援を行った。"]));
        assert_eq!(s.overview.len(), 2);
    }

    #[test]
    fn no_sentence_end_keeps_all_and_doubts() {
        let s = split_text(&v(&["途中で切れた行"]));
        assert_eq!(s.overview.len(), 1);
        assert!(s.doubt.is_some());
    }
}
