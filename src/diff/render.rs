//! The readable table `shisaku diff` prints (the `--json` form is the serialized [`Diff`]).

use std::fmt::Write;

use super::{Diff, ProjectRef, SameYear, Years};

/// Cell texts longer than this are cut in the table (the JSON has them whole).
const MAX_CELL_CHARS: usize = 40;

/// Render a comparison as plain-text tables.
pub fn table(diff: &Diff) -> String {
    match diff {
        Diff::SameYear(s) => same_year(s),
        Diff::Years(y) => years(y),
    }
}

fn cut(s: &str) -> String {
    let one_line = s.replace('\n', "⏎");
    if one_line.chars().count() > MAX_CELL_CHARS {
        let head: String = one_line.chars().take(MAX_CELL_CHARS).collect();
        format!("{head}…")
    } else {
        one_line
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn signed(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:+}"))
}

fn who(p: &ProjectRef) -> String {
    let relisted = if p.relisted { "（再掲）" } else { "" };
    format!("{}-{} {}{relisted}", opt(p.policy), p.no, cut(&p.name))
}

fn same_year(s: &SameYear) -> String {
    let mut out = String::new();
    if s.differences.is_empty() {
        let _ = writeln!(out, "no differences (fiscal year {})", opt(s.fiscal_year));
        return out;
    }
    let _ = writeln!(out, "{} differences (fiscal year {})", s.differences.len(), opt(s.fiscal_year));
    let _ = writeln!(out, "policy\tcard\tname\tfield\told\tnew");
    for d in &s.differences {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            opt(d.policy),
            opt(d.card),
            cut(d.name.as_deref().unwrap_or("")),
            d.field,
            cut(d.old.as_deref().unwrap_or("(none)")),
            cut(d.new.as_deref().unwrap_or("(none)")),
        );
    }
    out
}

fn years(y: &Years) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "fiscal year {} → {}: {} continued, {} new, {} ended, {} restated figures",
        opt(y.old_fiscal_year),
        opt(y.new_fiscal_year),
        y.continued.len(),
        y.new.len(),
        y.ended.len(),
        y.restatements.len()
    );
    let _ = writeln!(out, "\n## policies (小計, thousand yen)\npolicy\told\tnew\tchange");
    for p in &y.policies {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}",
            p.policy,
            opt(p.old_subtotal_thousand_yen),
            opt(p.new_subtotal_thousand_yen),
            signed(p.change_thousand_yen)
        );
    }
    let _ = writeln!(out, "\n## continued\nold\tnew\tmethod\tscore\tcost old\tcost new\tchange");
    for c in &y.continued {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{:.3}\t{}\t{}\t{}",
            who(&c.old),
            who(&c.new),
            c.method.as_str(),
            c.score,
            opt(c.old_cost_thousand_yen),
            opt(c.new_cost_thousand_yen),
            signed(c.cost_change_thousand_yen)
        );
    }
    let _ = writeln!(out, "\n## new");
    for p in &y.new {
        let _ = writeln!(out, "{}", who(p));
    }
    let _ = writeln!(out, "\n## ended");
    for p in &y.ended {
        let _ = writeln!(out, "{}", who(p));
    }
    let _ = writeln!(out, "\n## restated\nproject\titem\tfiscal year\told\tnew");
    for r in &y.restatements {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            who(&r.new),
            cut(&r.item),
            r.fiscal_year,
            cut(&r.old_text),
            cut(&r.new_text)
        );
    }
    out
}
