//! Text dumps from the usual extractors (`fixtures/dumps/`, made by `scripts/dumps.py`
//! from the two fixture PDFs): each dump's kind is detected, and each converts to the
//! answer key (`fixtures/aomori-r5.gold.json`) at least as well as the floor measured
//! for its kind. The score is the answer key's fields compared as `score.py` compares
//! them (text without white space, NFKC), split into structure fields (card found, name,
//! cost, page, relisted, summary rows, 小計) and all fields.

mod common;

use serde_json::Value;
use shisaku::input::dump_kind::{self, DumpKind};
use shisaku::model::Report;
use shisaku::{convert_path, Options};

fn squash(s: &str) -> String {
    shisaku::normalize::text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '－' => '-',
            '〜' => '～',
            c => c,
        })
        .collect::<String>()
        .trim_end_matches("(再掲)")
        .trim_end_matches("（再掲）")
        .to_string()
}

#[derive(Default, Debug)]
struct Tally {
    structure: (u32, u32),
    all: (u32, u32),
    misses: Vec<String>,
}

impl Tally {
    fn add(&mut self, structure: bool, ok: bool, what: impl FnOnce() -> String) {
        let t = if structure { &mut self.structure } else { &mut self.all };
        t.0 += u32::from(ok);
        t.1 += 1;
        if structure {
            self.all.0 += u32::from(ok);
            self.all.1 += 1;
        }
        if !ok && self.misses.len() < 20 {
            self.misses.push(what());
        }
    }
    fn rate(t: (u32, u32)) -> f64 {
        f64::from(t.0) / f64::from(t.1.max(1))
    }
}

fn gold() -> Value {
    gold_at("aomori-r5.gold.json")
}

fn gold_at(name: &str) -> Value {
    let text = std::fs::read_to_string(common::fixture(name)).expect("gold");
    serde_json::from_str(&text).expect("gold json")
}

fn score(report: &Report, gold: &Value) -> Tally {
    let mut t = Tally::default();
    let s = |v: &Value| squash(v.as_str().unwrap_or(""));
    for gp in gold["policies"].as_array().into_iter().flatten() {
        let numbers: Vec<u8> = gp["numbers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_u64())
            .map(|n| n as u8)
            .collect();
        let p = report.policies.iter().find(|p| p.numbers == numbers);
        t.add(true, p.is_some(), || format!("policy {numbers:?} found"));
        let Some(p) = p else { continue };
        t.add(true, p.summary.subtotal_thousand_yen == gp["subtotal"].as_i64(), || {
            format!("{numbers:?} 小計")
        });
        for gr in gp["summary"].as_array().into_iter().flatten() {
            let no = gr["no"].as_u64().unwrap_or(0) as u32;
            let r = p.summary.rows.iter().find(|r| r.no == no);
            let at = || format!("{numbers:?} summary {no}");
            t.add(true, r.is_some(), || format!("{} found", at()));
            let Some(r) = r else { continue };
            t.add(true, squash(&r.name) == s(&gr["name"]), || format!("{} name {}", at(), r.name));
            t.add(true, r.cost_thousand_yen == gr["cost"].as_i64(), || format!("{} cost", at()));
            t.add(true, Some(r.is_new) == gr["new"].as_bool(), || format!("{} new", at()));
            t.add(true, r.page.map(u64::from) == gr["page"].as_u64(), || format!("{} page", at()));
        }
        for gc in gp["cards"].as_array().into_iter().flatten() {
            let no = gc["no"].as_u64().unwrap_or(0) as u32;
            let c = p.projects.iter().find(|c| c.no == no);
            let at = || format!("{numbers:?} card {no}");
            t.add(true, c.is_some(), || format!("{} found", at()));
            let Some(c) = c else { continue };
            t.add(true, squash(&c.name) == s(&gc["name"]), || format!("{} name {}", at(), c.name));
            t.add(true, c.cost_thousand_yen == gc["cost"].as_i64(), || format!("{} cost", at()));
            t.add(true, c.page.map(u64::from) == gc["page"].as_u64(), || format!("{} page", at()));
            t.add(true, Some(c.relisted) == gc["relisted"].as_bool(), || format!("{} relisted", at()));
            t.add(false, squash(&c.overview) == s(&gc["overview"]), || format!("{} overview", at()));
            t.add(false, squash(&c.results) == s(&gc["results"]), || format!("{} results", at()));
            let dept = c.department.as_ref().map(|d| squash(&d.text)).unwrap_or_default();
            t.add(false, dept == s(&gc["department"]), || format!("{} department", at()));
            let gm = gc["metrics"].as_array().cloned().unwrap_or_default();
            t.add(false, gm.len() == c.metrics.rows.len(), || format!("{} metric rows", at()));
            for (k, g) in gm.iter().enumerate() {
                let row = c.metrics.rows.get(k);
                let item = row.map(|r| squash(&r.item)).unwrap_or_default();
                t.add(false, item == s(&g["item"]), || format!("{} metric {k} item {item}", at()));
                for (j, cell) in g["cells"].as_array().into_iter().flatten().enumerate() {
                    let got = row.and_then(|r| r.cells.get(j)).map(|c| squash(&c.text)).unwrap_or_default();
                    t.add(false, got == s(cell), || format!("{} metric {k} cell {j}: {got}", at()));
                }
            }
        }
    }
    t
}

/// Floors per kind: (structure, all fields) as measured on both dumps of the kind.
fn check(kind: DumpKind, floor_structure: f64, floor_all: f64) {
    let gold = gold();
    for pdf in ["libreoffice", "chromium"] {
        let name = format!("dumps/aomori-r5.{pdf}.{}.txt", kind.name());
        let path = common::fixture(&name);
        let text = std::fs::read_to_string(&path).expect("dump fixture");
        assert_eq!(dump_kind::detect(&text), kind, "{name}: detected kind");
        let report = convert_path(&path, &Options::default()).expect("dump converts");
        assert_eq!(report.source.dump_kind.as_deref(), Some(kind.name()), "{name}: source.dump_kind");
        let t = score(&report, &gold);
        let (st, all) = (Tally::rate(t.structure), Tally::rate(t.all));
        eprintln!("{name}: structure {st:.4}, all {all:.4}");
        assert!(
            st >= floor_structure && all >= floor_all,
            "{name}: structure {st:.4} (floor {floor_structure}), all {all:.4} (floor {floor_all}); misses: {:#?}",
            t.misses
        );
    }
}

#[test]
fn plain_dump_is_read_as_is() {
    let text = std::fs::read_to_string(common::fixture("aomori-r5.txt")).expect("fixture");
    assert_eq!(dump_kind::detect(&text), DumpKind::Plain);
    let report = convert_path(&common::fixture("aomori-r5.txt"), &Options::default()).expect("converts");
    assert_eq!(report.source.dump_kind, None);
    let t = score(&report, &gold());
    assert_eq!(t.structure.0, t.structure.1, "{:#?}", t.misses);
    assert_eq!(t.all.0, t.all.1, "{:#?}", t.misses);
}

#[test]
fn kind_override_is_used() {
    // Read as plain, a PyMuPDF dump loses its cards: the override is what is used.
    let path = common::fixture("dumps/aomori-r5.libreoffice.pymupdf.txt");
    let options = Options { dump_kind: Some(DumpKind::Plain), ..Options::default() };
    let report = convert_path(&path, &options).expect("converts");
    assert_eq!(report.source.dump_kind, None);
    let t = score(&report, &gold());
    assert!(Tally::rate(t.structure) < 0.9);
}

#[test]
fn pdftotext_raw() {
    check(DumpKind::PdftotextRaw, 1.0, 1.0);
}

#[test]
fn pymupdf() {
    check(DumpKind::Pymupdf, 1.0, 1.0);
}

#[test]
fn pymupdf_blocks() {
    check(DumpKind::PymupdfBlocks, 1.0, 1.0);
}

#[test]
fn pdftotext_layout() {
    // Open: a metric cell of 【…】 blocks, a total row under a stacked row (README).
    check(DumpKind::PdftotextLayout, 0.999, 0.997);
}

#[test]
fn pdfplumber() {
    // Open: a metric cell of 【…】 blocks, a summary row whose name is stacked around a
    // row that prints its department apart (③ No.3 of the Chromium PDF), and 神戶 for
    // 神戸 in the Chromium PDF's text.
    check(DumpKind::Pdfplumber, 0.9941, 0.9903);
}

#[test]
fn pdftotext_default() {
    // Summary tables are rebuilt from their column runs; open: 新規 ○ marks printed
    // apart from every row (warned, `summary.columns_uncertain`) and metrics tables
    // printed as column runs (items, then cells).
    check(DumpKind::Pdftotext, 0.992, 0.926);
}

/// The renditions of distinct PDF writers (`fixtures/renditions/`), dumped by each
/// extractor (`scripts/dumps.py`). Each dump is scored against its rendition's answer key
/// (`<name>.gold.json` beside the PDF, else the R5 key) with a floor per rendition and
/// kind: (structure, all fields) as measured, so that a loss fails and a gain shows.
const RENDITION_FLOORS: &[(&str, DumpKind, f64, f64)] = &[
    ("reportlab-ttf", DumpKind::Pdftotext, 0.8225, 0.7813),
    ("reportlab-ttf", DumpKind::PdftotextLayout, 0.9858, 0.9814),
    ("reportlab-ttf", DumpKind::PdftotextRaw, 0.9999, 0.9984),
    ("reportlab-ttf", DumpKind::Pymupdf, 0.9999, 0.9999),
    ("reportlab-ttf", DumpKind::PymupdfBlocks, 0.9999, 0.9999),
    ("reportlab-ttf", DumpKind::Pdfplumber, 0.9982, 0.9955),
    ("reportlab-cid", DumpKind::Pdftotext, 0.7720, 0.7750),
    ("reportlab-cid", DumpKind::PdftotextLayout, 0.9858, 0.9825),
    ("reportlab-cid", DumpKind::PdftotextRaw, 0.9999, 0.9984),
    ("reportlab-cid", DumpKind::Pymupdf, 0.9999, 0.9999),
    ("reportlab-cid", DumpKind::PymupdfBlocks, 0.9999, 0.9999),
    ("reportlab-cid", DumpKind::Pdfplumber, 0.9982, 0.9955),
    ("fpdf2", DumpKind::Pdftotext, 0.8857, 0.7749),
    ("fpdf2", DumpKind::PdftotextLayout, 0.9957, 0.9840),
    ("fpdf2", DumpKind::PdftotextRaw, 0.9999, 0.9984),
    ("fpdf2", DumpKind::Pymupdf, 0.9999, 0.9999),
    ("fpdf2", DumpKind::PymupdfBlocks, 0.9999, 0.9999),
    ("fpdf2", DumpKind::Pdfplumber, 0.9991, 0.9973),
    ("libreoffice-docx", DumpKind::Pdftotext, 0.8559, 0.7236),
    ("libreoffice-docx", DumpKind::PdftotextLayout, 0.9858, 0.9825),
    ("libreoffice-docx", DumpKind::PdftotextRaw, 0.9991, 0.9980),
    ("libreoffice-docx", DumpKind::Pymupdf, 0.9991, 0.9995),
    ("libreoffice-docx", DumpKind::PymupdfBlocks, 0.9991, 0.9995),
    ("libreoffice-docx", DumpKind::Pdfplumber, 0.9966, 0.9947),
    ("weasyprint", DumpKind::Pdftotext, 0.9445, 0.5506),
    ("weasyprint", DumpKind::PdftotextLayout, 0.9941, 0.9754),
    ("weasyprint", DumpKind::PdftotextRaw, 0.9999, 0.9984),
    ("weasyprint", DumpKind::Pymupdf, 0.9999, 0.9999),
    ("weasyprint", DumpKind::PymupdfBlocks, 0.9999, 0.9999),
    ("weasyprint", DumpKind::Pdfplumber, 0.9999, 0.9962),
    ("r6-reportlab", DumpKind::Pdftotext, 0.8318, 0.7606),
    ("r6-reportlab", DumpKind::PdftotextLayout, 0.9966, 0.9884),
    ("r6-reportlab", DumpKind::PdftotextRaw, 0.9999, 0.9984),
    ("r6-reportlab", DumpKind::Pymupdf, 0.9999, 0.9999),
    ("r6-reportlab", DumpKind::PymupdfBlocks, 0.9999, 0.9999),
    ("r6-reportlab", DumpKind::Pdfplumber, 0.9982, 0.9951),
];

#[test]
fn rendition_dumps() {
    let mut failures = Vec::new();
    for &(name, kind, floor_structure, floor_all) in RENDITION_FLOORS {
        let gold_name = format!("renditions/{name}.gold.json");
        let gold = if common::fixture(&gold_name).exists() { gold_at(&gold_name) } else { gold() };
        let file = format!("dumps/{name}.{}.txt", kind.name());
        let path = common::fixture(&file);
        let text = std::fs::read_to_string(&path).expect("dump fixture");
        assert_eq!(dump_kind::detect(&text), kind, "{file}: detected kind");
        let report = convert_path(&path, &Options::default()).expect("dump converts");
        let t = score(&report, &gold);
        let (st, all) = (Tally::rate(t.structure), Tally::rate(t.all));
        eprintln!("    (\"{name}\", DumpKind::{kind:?}, {st:.4}, {all:.4}),");
        if st < floor_structure || all < floor_all {
            failures.push(format!(
                "{file}: structure {st:.4} (floor {floor_structure}), all {all:.4} (floor {floor_all}); misses: {:#?}",
                t.misses
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
