//! Lines for people on stderr: the end-of-run summary, one line per diagnostic saying where
//! (page, policy, card and the card's name), error chains without repeats, and file names
//! with control characters escaped so a hostile name cannot drive the terminal.

use crate::model::{Diagnostic, Level, Report};

/// Characters of a card's name shown in a diagnostic line; enough to recognise it.
const NAME_CHARS: usize = 16;

/// `s` with control characters (ANSI escapes, NUL, DEL, C1) shown as `\u{1b}`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as [`escape`]d text.
pub fn path(p: &std::path::Path) -> String {
    escape(&p.display().to_string())
}

pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Info => "info",
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

/// How many cards, errors and warnings: `NAME: 119 cards, 0 errors, 14 warnings`.
pub fn summary(name: &str, report: &Report, diagnostics: &[Diagnostic]) -> String {
    let cards: usize = report.policies.iter().map(|p| p.projects.len()).sum();
    let count = |l: Level| diagnostics.iter().filter(|d| d.level == l).count();
    format!(
        "{}: {cards} cards, {} errors, {} warnings",
        escape(name),
        count(Level::Error),
        count(Level::Warning)
    )
}

/// Policy numbers as printed in the reports (①…⑳), digits beyond.
fn circled(n: u8) -> String {
    match n {
        1..=20 => char::from_u32(0x245F + u32::from(n)).map_or_else(|| n.to_string(), String::from),
        _ => format!("({n})"),
    }
}

/// The card a diagnostic points at, if the report has it.
fn card_of<'a>(report: &'a Report, d: &Diagnostic) -> Option<&'a crate::model::Project> {
    let (policy, card) = (d.policy?, d.card?);
    report
        .policies
        .iter()
        .filter(|p| p.numbers.contains(&policy))
        .flat_map(|p| &p.projects)
        .find(|c| c.no == card)
}

/// `error[card.no_department] p.31 ①#10 「中南地域…」: message`.
pub fn diagnostic(report: Option<&Report>, d: &Diagnostic) -> String {
    let mut out = format!("{}[{}]", level_name(d.level), d.code);
    let card = report.and_then(|r| card_of(r, d));
    // A text dump's diagnostics often carry no page; the card knows its printed page.
    if let Some(p) = d.page.or(card.and_then(|c| c.page)) {
        out.push_str(&format!(" p.{p}"));
    }
    match (d.policy, d.card) {
        (Some(p), Some(c)) => out.push_str(&format!(" {}#{c}", circled(p))),
        (Some(p), None) => out.push_str(&format!(" {}", circled(p))),
        (None, Some(c)) => out.push_str(&format!(" #{c}")),
        (None, None) => {}
    }
    if let Some(name) = card.map(|c| c.name.as_str()) {
        let short: String = name.chars().take(NAME_CHARS).collect();
        let more = if name.chars().nth(NAME_CHARS).is_some() { "…" } else { "" };
        out.push_str(&format!(" 「{}{more}」", escape(&short)));
    }
    out.push_str(": ");
    out.push_str(&escape(&d.message));
    out
}

/// How much to say on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Nothing but failures.
    Quiet,
    /// The summary line when there are diagnostics, and each error.
    Normal,
    /// Also each warning and note.
    Verbose,
}

/// The stderr lines for a converted report: nothing when it is clean (or when quiet), else
/// the summary, then errors (and, verbose, the rest).
pub fn report_lines(name: &str, report: &Report, diagnostics: &[Diagnostic], v: Verbosity) -> Vec<String> {
    if v == Verbosity::Quiet || diagnostics.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![summary(name, report, diagnostics)];
    for d in diagnostics {
        if d.level == Level::Error || v == Verbosity::Verbose {
            lines.push(diagnostic(Some(report), d));
        }
    }
    lines
}

/// An error with its causes, each said once: a cause whose text the message already holds
/// (as `Io` errors wrapped by several layers do) is not repeated.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    escape(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Code;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\u{1b}[31mb\u{0}"), "a\\u{1b}[31mb\\0");
        assert_eq!(escape("青森 r5.pdf"), "青森 r5.pdf");
    }

    #[test]
    fn diagnostic_line_says_where() {
        let d = Diagnostic::new(Code::CardNoDepartment, "no （担当課：…） line")
            .at_page(Some(31))
            .in_policy(Some(1))
            .on_card(Some(10));
        assert_eq!(diagnostic(None, &d), "error[card.no_department] p.31 ①#10: no （担当課：…） line");
    }

    #[test]
    fn a_repeated_cause_is_said_once() {
        let io = std::io::Error::from_raw_os_error(17);
        let e = crate::Error::Io(io);
        let text = chain(&e);
        assert_eq!(text.matches("os error 17").count(), 1, "{text}");
    }
}
