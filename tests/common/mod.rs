//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// Run the `shisaku` binary with `args`.
pub fn shisaku(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shisaku")).args(args).output().expect("run shisaku")
}

/// Convert bytes written to a temp file with the given extension; returns (exit code, JSON or null, stderr).
pub fn convert_bytes(bytes: &[u8], ext: &str) -> (i32, serde_json::Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(format!("input.{ext}"));
    std::fs::write(&input, bytes).expect("write input");
    let out = dir.path().join("out.json");
    let o =
        shisaku(&["convert", input.to_str().expect("utf-8 path"), "-o", out.to_str().expect("utf-8 path")]);
    let json = std::fs::read_to_string(&out)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null);
    (o.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&o.stderr).into_owned())
}

pub fn diagnostics_with(json: &serde_json::Value, code: &str) -> Vec<serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter(|d| d["code"] == code).cloned().collect())
        .unwrap_or_default()
}

/// `v` without its provenance (`regions` of projects, `region` of summary rows and case
/// studies): where a field was read depends on the input's line numbers, which tests that
/// insert or remove lines change on purpose; the content must not.
pub fn without_regions(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "regions" && k.as_str() != "region")
                .map(|(k, x)| (k.clone(), without_regions(x)))
                .collect(),
        ),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(without_regions).collect()),
        other => other.clone(),
    }
}

/// A PostgreSQL URL whose connections use a fresh schema of their own. The tests that use
/// it are `#[ignore]`d and run by `.ci/run` with `-- --ignored`: reached, a missing server
/// is a failure, never a silent pass.
pub struct PgSchema {
    base: String,
    /// The schema's name (tests check where rows went).
    pub schema: String,
}

impl PgSchema {
    pub fn new(name: &str) -> Option<PgSchema> {
        let base = match std::env::var("SHISAKU_TEST_POSTGRES_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => panic!("{name}: SHISAKU_TEST_POSTGRES_URL is not set (see .ci/postgres.sh)"),
        };
        let schema = format!("t_{name}_{}", std::process::id());
        let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("connect to PostgreSQL");
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
            .expect("create schema");
        Some(PgSchema { base, schema })
    }

    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{}", self.base, self.schema)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}
