//! Replays the saved fuzz corpora (`fixtures/fuzz-corpus/<target>/`) and every crash
//! input found so far (`fixtures/fuzz-crashes/<target>/`) through the function its
//! cargo-fuzz target calls, on stable and without cargo-fuzz, so CI catches a
//! regression of a fixed crash and a panic on anything the fuzzers once covered.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use shisaku::fuzzing;

/// A target's name and the function it calls.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 4] =
    [("pdf", fuzzing::pdf), ("text", fuzzing::text), ("cmap", fuzzing::cmap), ("content", fuzzing::content)];

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn replay(kind: &str) -> usize {
    let mut count = 0;
    for (target, run) in TARGETS {
        for path in inputs(kind, target) {
            let bytes = std::fs::read(&path).expect("readable input");
            let start = Instant::now();
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target}: {} panics", path.display());
            // Generous for a debug build; a fuzz timeout would take far longer.
            assert!(start.elapsed() < Duration::from_secs(10), "{target}: {} is slow", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn crash_inputs_no_longer_crash() {
    replay("fuzz-crashes");
}

#[test]
fn saved_corpora_run_clean() {
    let n = replay("fuzz-corpus");
    eprintln!("{n} corpus inputs replayed");
    assert!(n > 0, "no corpus under fixtures/fuzz-corpus");
}
