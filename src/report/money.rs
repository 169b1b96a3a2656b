//! Money amounts: `4,789千円`, `165,551 千円`, `▲1,200千円`, `1.5百万円` → thousand yen.

use regex::Regex;
use std::sync::LazyLock;

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([▲△-]?)\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(千円|百万円|億円|円)$").expect("static regex")
});

/// Parse a number with thousands separators (`18,658`) as an integer.
pub fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || b == b',') || t.starts_with(',') {
        return None;
    }
    t.replace(',', "").parse().ok()
}

/// Parse `N千円`-style text into thousand yen. `None` where the unit would need rounding
/// (e.g. `1,500円` is 1.5 thousand yen: not guessed).
pub fn parse_amount(s: &str) -> Option<i64> {
    let caps = AMOUNT.captures(s.trim())?;
    let negative = !caps.get(1).map_or("", |m| m.as_str()).is_empty();
    let number: f64 = caps.get(2)?.as_str().replace(',', "").parse().ok()?;
    let thousands = match caps.get(3)?.as_str() {
        "千円" => number,
        "百万円" => number * 1_000.0,
        "億円" => number * 100_000.0,
        _ => number / 1_000.0,
    };
    let thousands = crate::model::whole_number(thousands)?;
    Some(if negative { -thousands } else { thousands })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("4,789千円"), Some(4789));
        assert_eq!(parse_amount("165,551 千円"), Some(165551));
        assert_eq!(parse_amount("▲1,200千円"), Some(-1200));
        assert_eq!(parse_amount("△5千円"), Some(-5));
        assert_eq!(parse_amount("2百万円"), Some(2000));
        assert_eq!(parse_amount("3,000円"), Some(3));
        assert_eq!(parse_amount("1,500円"), None);
        assert_eq!(parse_amount("千円"), None);
        assert_eq!(parse_int("956,168"), Some(956168));
        assert_eq!(parse_int("12a"), None);
    }
}
