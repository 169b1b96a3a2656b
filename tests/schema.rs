//! The JSON Schema and the Rust contract types stay in step.
//!
//! A report with every optional field filled and every list non-empty must validate
//! (so the schema knows every field the types write: it forbids unknown ones), and
//! every property the schema names must occur in it (so the schema lists no field the
//! types lack). A report with every optional field empty must validate too (nullability).

use serde_json::Value;
use shisaku::model::*;
use shisaku::validate::{schema_errors, SCHEMA};

fn region() -> Region {
    Region { page: 2, bbox: Some([1.0, 2.0, 3.0, 4.0]), lines: Some([3, 5]) }
}

fn full() -> Report {
    let cell = Cell {
        text: "延べ6件".into(),
        values: vec![Quantity { value: 6.0, unit: Some("件".into()), qualifier: Some("延べ".into()) }],
    };
    let project = Project {
        no: 1,
        name: "事業".into(),
        relisted: true,
        cost_thousand_yen: Some(-5),
        cost_breakdown: vec![CostItem { label: "①".into(), cost_thousand_yen: 1 }],
        overview: "する。".into(),
        results: "した。".into(),
        metrics: Metrics {
            columns: vec![MetricColumn { label: "5年度".into(), fiscal_year: Some(2023) }],
            rows: vec![MetricRow { item: "件数".into(), cells: vec![cell] }],
        },
        department: Some(Department {
            text: "商工政策課".into(),
            division: Some("商工政策課".into()),
            group: Some("G".into()),
            bureau: Some("県民局".into()),
        }),
        page: Some(3),
        pdf_page: Some(4),
        bbox: Some([1.0, 2.0, 3.0, 4.5]),
        regions: Some(ProjectRegions {
            title: Some(region()),
            number: Some(region()),
            cost: Some(region()),
            overview: Some(region()),
            results: Some(region()),
            metrics: Some(region()),
            metric_cells: vec![vec![Some(region()), None]],
            department: Some(region()),
        }),
    };
    Report {
        schema_version: SCHEMA_VERSION.into(),
        source: Source {
            file: "a.pdf".into(),
            format: SourceFormat::Pdf,
            sha256: "ab".repeat(32),
            pages: Some(9),
            dump_kind: Some("pymupdf".into()),
        },
        title: Some("中小企業振興施策実施状況".into()),
        fiscal_year: Some(FiscalYear { era: "令和".into(), era_year: 5, year: 2023 }),
        policies: vec![Policy {
            numbers: vec![6, 7],
            titles: vec!["t".into()],
            overview: Some("o".into()),
            summary: Summary {
                columns: vec!["No".into()],
                rows: vec![SummaryRow {
                    no: 1,
                    name: "事業".into(),
                    cost_thousand_yen: Some(-5),
                    is_new: true,
                    departments: vec!["課".into()],
                    page: Some(3),
                    policies: Some(vec![6]),
                    region: Some(region()),
                }],
                subtotal_thousand_yen: Some(-5),
            },
            projects: vec![project],
            case_studies: vec![CaseStudy {
                title: "事例".into(),
                projects: vec!["事業".into()],
                companies: vec!["(株)A".into()],
                text: "x".into(),
                page: Some(5),
                pdf_page: Some(6),
                region: Some(region()),
            }],
            pdf_page: Some(2),
        }],
        diagnostics: vec![Diagnostic::new(Code::CardSplitUncertain, "m")
            .at_page(Some(3))
            .in_policy(Some(6))
            .on_card(Some(1))],
    }
}

fn empty() -> Report {
    let mut r = full();
    r.title = None;
    r.fiscal_year = None;
    r.source.pages = None;
    r.source.format = SourceFormat::Text;
    r.diagnostics = vec![Diagnostic::new(Code::PdfInvisibleText, "m")];
    for p in &mut r.policies {
        p.overview = None;
        p.pdf_page = None;
        p.summary.subtotal_thousand_yen = None;
        p.summary.columns.clear();
        for row in &mut p.summary.rows {
            row.cost_thousand_yen = None;
            row.page = None;
            row.policies = None;
            row.departments.clear();
        }
        for c in &mut p.projects {
            c.cost_thousand_yen = None;
            c.cost_breakdown.clear();
            c.department = None;
            c.page = None;
            c.pdf_page = None;
            c.bbox = None;
            c.metrics.columns = vec![MetricColumn { label: "x".into(), fiscal_year: None }];
            for row in &mut c.metrics.rows {
                for cell in &mut row.cells {
                    cell.values = vec![Quantity { value: 1.5, unit: None, qualifier: None }];
                }
            }
        }
        for cs in &mut p.case_studies {
            cs.page = None;
            cs.pdf_page = None;
        }
    }
    r
}

/// Every property name the schema declares, with the object path it belongs to.
fn schema_properties(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get("properties") {
                out.extend(props.keys().cloned());
            }
            m.values().for_each(|x| schema_properties(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| schema_properties(x, out)),
        _ => {}
    }
}

fn instance_keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            out.extend(m.keys().cloned());
            m.values().for_each(|x| instance_keys(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| instance_keys(x, out)),
        _ => {}
    }
}

#[test]
fn full_and_empty_reports_validate() {
    for r in [full(), empty()] {
        let v = serde_json::to_value(&r).expect("serialize");
        assert_eq!(schema_errors(&v).expect("schema compiles"), Vec::<String>::new());
    }
}

#[test]
fn schema_names_no_field_the_types_lack() {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let mut declared = Vec::new();
    schema_properties(&schema, &mut declared);
    let mut written = Vec::new();
    instance_keys(&serde_json::to_value(full()).expect("serialize"), &mut written);
    let missing: Vec<&String> = declared.iter().filter(|k| !written.contains(k)).collect();
    assert!(missing.is_empty(), "schema declares fields the types never write: {missing:?}");
}

#[test]
fn schema_rejects_unknown_fields_and_wrong_types() {
    let mut v = serde_json::to_value(full()).expect("serialize");
    v["policies"][0]["projects"][0]["metrics"]["rows"][0]["cells"][0]["values"][0]["extra"] = 1.into();
    assert_eq!(schema_errors(&v).expect("schema").len(), 1);
    let mut v = serde_json::to_value(full()).expect("serialize");
    v["fiscal_year"]["year"] = "2023".into();
    assert_eq!(schema_errors(&v).expect("schema").len(), 1);
}

#[test]
fn schema_command_prints_the_bundled_schema() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .arg("schema")
        .output()
        .expect("run shisaku");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/report.schema.json"))
        .expect("schema file");
    assert!(o.stdout == file, "`shisaku schema` prints schemas/report.schema.json byte for byte");
    let schema: Value = serde_json::from_slice(&o.stdout).expect("schema is JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(SCHEMA.as_bytes(), file.as_slice(), "the library's SCHEMA is the file");
}
