//! The reviewed report printed by other PDF writers (`fixtures/renditions/`, made by
//! `scripts/render/`): each rendition converts and is compared field by field with its
//! answer key — `<name>.gold.json` beside it when it has its own (another fiscal year),
//! else `fixtures/aomori-r5.gold.json` — the way the project's scorer (`score.py`) compares:
//! after NFKC, white-space removal and dash/wave-dash/quote folding.
//!
//! Each rendition's currently missed fields are listed in `<name>.misses` (one
//! `field @ where` a line; a line `refused` when the whole report is refused). The test
//! fails on a miss that is not listed and on a listed miss that no longer occurs, so the
//! lists only shrink as reading improves. After an improvement, rewrite them with
//! `RENDITIONS_BLESS=1 cargo test --test renditions` and check the diff only removes lines.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::Value;
use shisaku::{convert_path, Options};
use unicode_normalization::UnicodeNormalization;

/// Every committed rendition; `every_rendition_is_tested` keeps this list complete.
const RENDITIONS: &[&str] = &[
    "reportlab-ttf",
    "reportlab-cid",
    "fpdf2",
    "nospace-excerpt",
    "gs-redistill",
    "libreoffice-docx",
    "weasyprint",
    "rotated",
    "r6-reportlab",
];

fn dir() -> PathBuf {
    common::fixture("renditions")
}

/// score.py's `norm`: NFKC, dash/wave-dash/quote folding, no white space.
fn norm_str(s: &str) -> String {
    s.nfkc()
        .map(|c| match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '－' | '﹣' => '-',
            '〜' | '～' => '~',
            '“' | '”' => '"',
            '‘' | '’' => '\'',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn norm(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => norm_str(s),
        Some(Value::Array(a)) => norm_str(
            &a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string)).collect::<String>(),
        ),
        Some(other) => norm_str(&other.to_string()),
    }
}

fn strip_relisted(v: Option<&Value>) -> String {
    let s = norm(v);
    match s.strip_suffix("(再掲)") {
        Some(name) => name.to_string(),
        None => s,
    }
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |d, p| d.get(p)).filter(|v| !v.is_null())
}

fn arr(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[][..], Vec::as_slice)
}

/// score.py's `cell_number`: `1,574件` → (1574, "件"); None unless one plain quantity.
fn cell_number(s: &str) -> Option<(f64, String)> {
    let re = Regex::new(r"^(?:延べ)?([0-9][0-9,]*(?:\.[0-9]+)?)([^\d\s,.]{1,3})$").ok()?;
    let n = norm_str(s);
    let c = re.captures(&n)?;
    Some((c.get(1)?.as_str().replace(',', "").parse().ok()?, c.get(2)?.as_str().to_string()))
}

#[derive(Default)]
struct Tally {
    fields: BTreeMap<String, (u32, u32)>,
    misses: BTreeMap<String, String>,
}

impl Tally {
    fn add(
        &mut self,
        field: &str,
        ok: bool,
        at: &str,
        want: impl std::fmt::Debug,
        got: impl std::fmt::Debug,
    ) {
        let e = self.fields.entry(field.to_string()).or_default();
        e.0 += u32::from(ok);
        e.1 += 1;
        if !ok {
            self.misses.insert(format!("{field} @ {at}"), format!("want {want:?} got {got:?}"));
        }
    }

    fn overall(&self) -> (u32, u32) {
        self.fields.values().fold((0, 0), |(g, n), (a, b)| (g + a, n + b))
    }
}

/// The comparison of score.py (its exact-match fields; the similarity ratios are left out).
fn score(gold: &Value, out: &Value) -> Tally {
    let mut t = Tally::default();
    let s = |v: Option<&Value>| v.cloned().unwrap_or(Value::Null);
    let fy = get(out, &["fiscal_year", "year"]);
    t.add("report.fiscal_year", fy == gold.get("fiscal_year"), "report", &gold["fiscal_year"], s(fy));
    t.add(
        "report.title",
        norm(get(out, &["title"])) == norm(gold.get("title")),
        "report",
        &gold["title"],
        s(get(out, &["title"])),
    );
    let out_pols = arr(get(out, &["policies"]));
    let empty = Value::Object(serde_json::Map::new());
    for gp in arr(gold.get("policies")) {
        let mut want: Vec<i64> = arr(gp.get("numbers")).iter().filter_map(Value::as_i64).collect();
        want.sort_unstable();
        let tag = format!("policy{}", want.iter().map(i64::to_string).collect::<String>());
        let op = out_pols.iter().find(|p| {
            let mut n: Vec<i64> = arr(p.get("numbers")).iter().filter_map(Value::as_i64).collect();
            n.sort_unstable();
            n == want
        });
        t.add("policy.found", op.is_some(), &tag, "", "");
        let op = op.unwrap_or(&empty);
        let titles = |v: Option<&Value>| arr(v).iter().map(|x| norm(Some(x))).collect::<Vec<_>>();
        t.add(
            "policy.titles",
            titles(op.get("titles")) == titles(gp.get("titles")),
            &tag,
            &gp["titles"],
            s(op.get("titles")),
        );
        let sub = get(op, &["summary", "subtotal_thousand_yen"]);
        t.add("policy.subtotal", sub == gp.get("subtotal"), &tag, &gp["subtotal"], s(sub));
        let rows: BTreeMap<String, &Value> = arr(get(op, &["summary", "rows"]))
            .iter()
            // as score.py's dict: the last row of a number wins
            .map(|r| (r.get("no").map_or_else(String::new, Value::to_string), r))
            .collect();
        for gr in arr(gp.get("summary")) {
            let w = format!("{tag} summary no {}", gr["no"]);
            let r = rows.get(&gr["no"].to_string()).copied();
            t.add("summary.row", r.is_some(), &w, "", "");
            let r = r.unwrap_or(&empty);
            t.add(
                "summary.name",
                strip_relisted(r.get("name")) == strip_relisted(gr.get("name")),
                &w,
                &gr["name"],
                s(r.get("name")),
            );
            t.add(
                "summary.cost",
                get(r, &["cost_thousand_yen"]) == gr.get("cost"),
                &w,
                &gr["cost"],
                s(r.get("cost_thousand_yen")),
            );
            t.add("summary.is_new", r.get("is_new") == gr.get("new"), &w, &gr["new"], s(r.get("is_new")));
            t.add("summary.page", get(r, &["page"]) == gr.get("page"), &w, &gr["page"], s(r.get("page")));
            // Which of ⑥/⑦ a single ○ sits under is lost in a text dump; the gold infers it.
            let text_input = get(out, &["source", "format"]).and_then(Value::as_str) == Some("text");
            let inferred = gr.get("policies_inferred").and_then(Value::as_bool).unwrap_or(false);
            let marked = !arr(gr.get("policies")).is_empty();
            let skipped = text_input && inferred;
            if marked && !skipped {
                let sorted = |v: Option<&Value>| {
                    let mut n: Vec<i64> = arr(v).iter().filter_map(Value::as_i64).collect();
                    n.sort_unstable();
                    n
                };
                t.add(
                    "summary.policies",
                    sorted(r.get("policies")) == sorted(gr.get("policies")),
                    &w,
                    &gr["policies"],
                    s(r.get("policies")),
                );
            }
        }
        let projects = arr(op.get("projects"));
        let mut by_no: BTreeMap<String, &Value> = BTreeMap::new();
        for p in projects {
            by_no.entry(p.get("no").map_or_else(String::new, Value::to_string)).or_insert(p);
        }
        let cards = arr(gp.get("cards"));
        let gold_nos: BTreeSet<String> = cards.iter().map(|c| c["no"].to_string()).collect();
        let no_extra = projects.len() == cards.len()
            && projects
                .iter()
                .all(|p| gold_nos.contains(&p.get("no").map_or_else(String::new, Value::to_string)));
        t.add("policy.no_extra_projects", no_extra, &tag, cards.len(), projects.len());
        for gc in cards {
            let w = format!("{tag} card {}", gc["no"]);
            let p = by_no.get(&gc["no"].to_string()).copied();
            t.add("card.found", p.is_some(), &w, "", "");
            let p = p.unwrap_or(&empty);
            t.add(
                "card.name",
                strip_relisted(p.get("name")) == strip_relisted(gc.get("name")),
                &w,
                &gc["name"],
                s(p.get("name")),
            );
            let relisted = p.get("relisted").and_then(Value::as_bool).unwrap_or(false);
            t.add("card.relisted", Some(relisted) == gc["relisted"].as_bool(), &w, &gc["relisted"], relisted);
            t.add(
                "card.cost",
                get(p, &["cost_thousand_yen"]) == gc.get("cost"),
                &w,
                &gc["cost"],
                s(p.get("cost_thousand_yen")),
            );
            if !arr(gc.get("cost_breakdown")).is_empty() {
                let pairs = |v: Option<&Value>, cost: &str| {
                    arr(v).iter().map(|b| (norm(b.get("label")), b.get(cost).cloned())).collect::<Vec<_>>()
                };
                let got = pairs(p.get("cost_breakdown"), "cost_thousand_yen");
                let want = pairs(gc.get("cost_breakdown"), "cost");
                t.add("card.cost_breakdown", got == want, &w, &want, &got);
            }
            t.add("card.page", get(p, &["page"]) == gc.get("page"), &w, &gc["page"], s(p.get("page")));
            for field in ["overview", "results"] {
                t.add(&format!("card.{field}"), norm(gc.get(field)) == norm(p.get(field)), &w, "", "");
            }
            let dept = get(p, &["department", "text"]);
            t.add(
                "card.department",
                norm(dept) == norm(gc.get("department")),
                &w,
                &gc["department"],
                s(dept),
            );
            let cols: Vec<String> =
                arr(get(p, &["metrics", "columns"])).iter().map(|c| norm(c.get("label"))).collect();
            let metrics = arr(gc.get("metrics"));
            if !metrics.is_empty() {
                let want: Vec<String> = arr(gc.get("metric_years")).iter().map(|x| norm(Some(x))).collect();
                t.add("card.metric_columns", cols == want, &w, &want, &cols);
            }
            let orows = arr(get(p, &["metrics", "rows"]));
            t.add("card.metric_row_count", orows.len() == metrics.len(), &w, metrics.len(), orows.len());
            for (i, gm) in metrics.iter().enumerate() {
                if gm["uncertain"].as_bool().unwrap_or(false) {
                    continue;
                }
                let om = orows.get(i).unwrap_or(&empty);
                let wm = format!("{w} metric {}", i + 1);
                t.add(
                    "metric.item",
                    norm(om.get("item")) == norm(gm.get("item")),
                    &wm,
                    &gm["item"],
                    s(om.get("item")),
                );
                let ocells = arr(om.get("cells"));
                for (j, gcell) in arr(gm.get("cells")).iter().enumerate() {
                    let oc = ocells.get(j).unwrap_or(&empty);
                    let at = format!("{wm} col {}", j + 1);
                    t.add(
                        "metric.cell_text",
                        norm(oc.get("text")) == norm(Some(gcell)),
                        &at,
                        gcell,
                        s(oc.get("text")),
                    );
                    if let Some(num) = cell_number(gcell.as_str().unwrap_or("")) {
                        let got = arr(oc.get("values"))
                            .first()
                            .and_then(|v| Some((v.get("value")?.as_f64()?, norm(v.get("unit")))));
                        t.add("metric.cell_value", got.as_ref() == Some(&num), &at, &num, &got);
                    }
                }
            }
        }
        let gcs = arr(gp.get("case_studies")).len();
        let ocs = arr(op.get("case_studies")).len();
        t.add("policy.case_study_count", gcs == ocs, &tag, gcs, ocs);
    }
    t
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(name: &str) {
    let d = dir();
    let pdf = d.join(format!("{name}.pdf"));
    let own_gold = d.join(format!("{name}.gold.json"));
    let gold = read_json(&if own_gold.exists() { own_gold } else { common::fixture("aomori-r5.gold.json") });
    let misses_path = d.join(format!("{name}.misses"));
    let listed: BTreeSet<String> = std::fs::read_to_string(&misses_path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let converted = convert_path(&pdf, &Options::default());
    let (tally, refused) = match &converted {
        Ok(report) => {
            let json = shisaku::emit::to_json(report, false).expect("serialize");
            (score(&gold, &serde_json::from_str(&json).expect("own JSON parses")), None)
        }
        Err(e) => (score(&gold, &Value::Null), Some(e.to_string())),
    };
    let (good, total) = tally.overall();
    println!(
        "{name}: overall field accuracy {:.2}% ({good}/{total})",
        100.0 * f64::from(good) / f64::from(total.max(1))
    );
    for (field, (g, n)) in &tally.fields {
        println!("  {field:28} {g:5}/{n:<5} {:6.2}%", 100.0 * f64::from(*g) / f64::from((*n).max(1)));
    }
    let now: BTreeSet<String> = match &refused {
        Some(e) => {
            println!("  refused: {e}");
            ["refused".to_string()].into()
        }
        None => tally.misses.keys().cloned().collect(),
    };
    if std::env::var_os("RENDITIONS_BLESS").is_some() {
        let mut text = format!(
            "# {name}: fields the converter misses today ({good}/{total} right); see tests/renditions.rs\n"
        );
        now.iter().for_each(|m| {
            text.push_str(m);
            text.push('\n');
        });
        std::fs::write(&misses_path, text).expect("write misses");
        return;
    }
    let new: Vec<_> = now.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&now).collect();
    for m in &new {
        println!("NEW MISS {m}: {}", tally.misses.get(*m).map_or("", String::as_str));
    }
    for m in &gone {
        println!("FIXED {m} (remove it from {name}.misses)");
    }
    assert!(
        new.is_empty() && gone.is_empty(),
        "{name}: {} new misses, {} listed misses no longer occur (see above; RENDITIONS_BLESS=1 rewrites the list)",
        new.len(),
        gone.len()
    );
}

#[test]
fn every_rendition_is_tested() {
    let mut found: Vec<String> = std::fs::read_dir(dir())
        .expect("fixtures/renditions")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".pdf").map(str::to_string))
        .collect();
    found.sort();
    let mut listed: Vec<String> = RENDITIONS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "RENDITIONS must name every PDF in fixtures/renditions/");
}

/// The scorer itself: a perfect output scores 100%, a damaged one loses exactly the
/// damaged fields (so the rendition tests can fail).
#[test]
fn scorer_counts_what_differs() {
    let gold = read_json(&common::fixture("aomori-r5.gold.json"));
    let report = convert_path(&common::fixture("aomori-r5.txt"), &Options::default()).expect("converts");
    let mut out: Value =
        serde_json::from_str(&shisaku::emit::to_json(&report, false).expect("json")).expect("json");
    let t = score(&gold, &out);
    assert!(t.misses.is_empty(), "{:?}", t.misses.iter().take(5).collect::<Vec<_>>());
    out["policies"][0]["projects"][0]["name"] = Value::from("別の事業");
    out["policies"][0]["projects"][0]["metrics"]["rows"][0]["cells"][0]["text"] = Value::from("23名");
    let t = score(&gold, &out);
    let keys: Vec<&String> = t.misses.keys().collect();
    assert_eq!(keys, ["card.name @ policy1 card 1", "metric.cell_text @ policy1 card 1 metric 1 col 1"]);
}

macro_rules! rendition_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(#[test]
        fn $test() {
            check($name);
        })*
    };
}

rendition_tests! {
    reportlab_ttf => "reportlab-ttf",
    reportlab_cid => "reportlab-cid",
    fpdf2 => "fpdf2",
    nospace_excerpt => "nospace-excerpt",
    gs_redistill => "gs-redistill",
    libreoffice_docx => "libreoffice-docx",
    weasyprint => "weasyprint",
    rotated => "rotated",
    r6_reportlab => "r6-reportlab",
}
