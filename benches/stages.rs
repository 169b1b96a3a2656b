//! Per-stage benchmarks of the conversion pipeline on the bundled R5 fixtures, so that a
//! regression points at its stage: PDF parse (lopdf objects), content interpretation
//! (fonts, text state → glyphs), layout (glyphs → lines), report grammar (normalize,
//! segment, extract, semantic checks), emit (schema validation + serialization), and
//! the whole `convert` for reference.
//!
//! `cargo bench --bench stages` (add `-- --quick` for a fast look).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use shisaku::input::pdf;
use shisaku::model::{Source, SourceFormat};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn source(format: SourceFormat) -> Source {
    Source { file: "bench".into(), format, sha256: "0".repeat(64), pages: None, dump_kind: None }
}

fn pdf_stages(c: &mut Criterion) {
    for producer in ["libreoffice", "chromium"] {
        let bytes = fixture(&format!("aomori-r5.{producer}.pdf"));
        let mut g = c.benchmark_group(producer);
        g.sample_size(20);
        g.bench_function("1_parse", |b| b.iter(|| pdf::parse(black_box(&bytes)).map(|d| d.objects.len())));
        let doc = pdf::parse(&bytes).expect("fixture parses");
        g.bench_function("2_interpret", |b| b.iter(|| pdf::interpret(black_box(&doc)).map(|(p, _)| p.len())));
        g.bench_function("3_layout", |b| {
            b.iter_batched(
                || pdf::interpret(&doc).expect("fixture interprets").0,
                |inked| pdf::lay_out(inked, &mut Vec::new()).map(|d| d.pages.len()),
                criterion::BatchSize::LargeInput,
            )
        });
        let (laid, _) = pdf::read(&bytes).expect("fixture reads");
        g.bench_function("4_report", |b| {
            b.iter_batched(
                || laid.clone(),
                |d| {
                    let d = shisaku::normalize::document(d);
                    let mut r = shisaku::report::build(&d, source(SourceFormat::Pdf)).expect("builds");
                    shisaku::validate::check(&mut r);
                    r.policies.len()
                },
                criterion::BatchSize::LargeInput,
            )
        });
        let report = shisaku::convert(&bytes, "bench", &shisaku::Options::default()).expect("converts");
        g.bench_function("5_emit", |b| {
            b.iter(|| shisaku::emit::to_json(black_box(&report), false).map(|s| s.len()))
        });
        g.bench_function("all_convert", |b| {
            b.iter(|| {
                shisaku::convert(black_box(&bytes), "bench", &shisaku::Options::default())
                    .map(|r| r.policies.len())
            })
        });
        g.finish();
    }
}

fn text_stages(c: &mut Criterion) {
    let bytes = fixture("aomori-r5.txt");
    let mut g = c.benchmark_group("text");
    g.sample_size(20);
    g.bench_function("1_decode", |b| {
        b.iter(|| shisaku::input::text::decode(black_box(&bytes)).map(|s| s.len()))
    });
    g.bench_function("all_convert", |b| {
        b.iter(|| {
            shisaku::convert(black_box(&bytes), "bench", &shisaku::Options::default())
                .map(|r| r.policies.len())
        })
    });
    g.finish();
}

criterion_group!(benches, pdf_stages, text_stages);
criterion_main!(benches);
