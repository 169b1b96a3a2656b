//! Property tests for the number and unit parsers: money amounts (`4,789千円`) and
//! the quantities of metrics cells (`延べ 13名`, `78.4 %`, `4者(R4.6)`).

use proptest::prelude::*;
use regex::Regex;
use shisaku::report::metrics::{quantities, rows};
use shisaku::report::money::{parse_amount, parse_int};

/// `1234567` → `1,234,567`.
fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Pieces that cells of real reports are made of, plus some that only look alike.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..10_000_000).prop_map(with_commas),
        (0u64..100_000).prop_map(|n| n.to_string()),
        (0u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        Just("名".to_string()),
        Just("件".to_string()),
        Just("千円".to_string()),
        Just("%".to_string()),
        Just("者".to_string()),
        Just("延べ".to_string()),
        Just("延べ ".to_string()),
        Just("(R4.6)".to_string()),
        Just("(8月～10月)".to_string()),
        Just("（".to_string()),
        Just("）".to_string()),
        Just("【計】".to_string()),
        Just("・".to_string()),
        Just("-".to_string()),
        Just("－".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("R".to_string()),
        Just(".".to_string()),
        Just(",".to_string()),
        Just("参加者".to_string()),
        "[0-9a-zA-Z ,.()%]{0,4}",
        any::<char>().prop_map(String::from),
    ]
}

fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..12).prop_map(|t| t.concat())
}

/// Every number as printed in `text`, commas dropped.
fn printed_numbers(text: &str) -> Vec<f64> {
    let re = Regex::new(r"[0-9][0-9,]*(?:\.[0-9]+)?").expect("regex");
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        let s = m.as_str().trim_end_matches(',').replace(',', "");
        // Each prefix too: a match may run on into digits the parser did not take.
        for end in 1..=s.len() {
            if let Ok(v) = s.get(..end).unwrap_or_default().parse::<f64>() {
                out.push(v);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn money_parsers_never_panic(s in any::<String>()) {
        let _ = parse_amount(&s);
        let _ = parse_int(&s);
    }

    #[test]
    fn money_parsers_never_panic_on_lookalikes(s in cell()) {
        let _ = parse_amount(&s);
        let _ = parse_int(&s);
    }

    #[test]
    fn thousand_yen_round_trip(n in 0u64..9_000_000_000_000_000, space in any::<bool>(), minus in any::<bool>()) {
        let text = format!("{}{}{}千円", if minus { "▲" } else { "" }, with_commas(n), if space { " " } else { "" });
        let expected = if minus { -(n as i64) } else { n as i64 };
        prop_assert_eq!(parse_amount(&text), Some(expected), "{}", text);
    }

    #[test]
    fn larger_units_scale_to_thousand_yen(n in 0u64..1_000_000_000) {
        prop_assert_eq!(parse_amount(&format!("{}百万円", with_commas(n))), Some(n as i64 * 1_000));
        prop_assert_eq!(parse_amount(&format!("{}億円", with_commas(n))), Some(n as i64 * 100_000));
        prop_assert_eq!(parse_amount(&format!("{}円", with_commas(n * 1_000))), Some(n as i64));
    }

    #[test]
    fn integers_with_commas_round_trip(n in 0u64..=i64::MAX as u64) {
        prop_assert_eq!(parse_int(&with_commas(n)), Some(n as i64));
        prop_assert_eq!(parse_int(&n.to_string()), Some(n as i64));
    }

    #[test]
    fn quantities_come_from_the_cell_text(text in cell()) {
        let printed = printed_numbers(&text);
        for q in quantities(&text) {
            prop_assert!(q.value.is_finite() && q.value >= 0.0, "{:?} in {:?}", q, text);
            prop_assert!(printed.contains(&q.value), "value {} not printed in {:?}", q.value, text);
            if let Some(unit) = &q.unit {
                prop_assert!(!unit.is_empty() && text.contains(unit.as_str()), "unit {:?} not in {:?}", unit, text);
            }
            if let Some(qualifier) = &q.qualifier {
                prop_assert!(text.contains(qualifier.as_str()), "qualifier {:?} not in {:?}", qualifier, text);
            }
        }
    }

    #[test]
    fn quantities_of_a_plain_value(n in 0u64..1_000_000_000, unit in "(名|件|者|台|%)", cumulative in any::<bool>()) {
        let text = format!("{}{}{}", if cumulative { "延べ " } else { "" }, with_commas(n), unit);
        let q = quantities(&text);
        prop_assert_eq!(q.len(), 1, "{}", text);
        prop_assert_eq!(q[0].value, n as f64);
        prop_assert_eq!(q[0].unit.as_deref(), Some(unit.as_str()));
        prop_assert_eq!(q[0].qualifier.is_some(), cumulative);
    }

    /// A metrics table read from arbitrary lines: no panic, and each cell's values are
    /// read from that cell's own text.
    #[test]
    fn metrics_rows_values_come_from_their_cells(
        lines in prop::collection::vec(cell(), 0..8),
        ncols in 0usize..5,
    ) {
        let lines: Vec<String> = lines.iter().flat_map(|l| l.lines().map(str::to_string)).collect();
        let (rows, _) = rows(&lines, ncols);
        for row in &rows {
            for c in &row.cells {
                let printed = printed_numbers(&c.text);
                for q in &c.values {
                    prop_assert!(printed.contains(&q.value), "{:?} not printed in cell {:?}", q, c.text);
                    if let Some(unit) = &q.unit {
                        prop_assert!(c.text.contains(unit.as_str()), "{:?} not in cell {:?}", unit, c.text);
                    }
                }
            }
        }
    }
}
