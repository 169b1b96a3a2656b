//! Replays the saved fuzz corpora (`fixtures/fuzz-corpus/<target>/`) and every crash
//! input found so far (`fixtures/fuzz-crashes/<target>/`) through the function its
//! cargo-fuzz target calls, on stable and without cargo-fuzz, so CI catches a
//! regression of a fixed crash and a panic on anything the fuzzers once covered.
//!
//! A hang would show as this test not finishing (the bounds of README "Hostile input"
//! are proven by `tests/limits.rs` through their diagnostics); no wall-clock assertion
//! here, as a timed test fails on a busy machine.

use std::path::{Path, PathBuf};

use shisaku::fuzzing;

/// A target's name and the function it calls.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 4] =
    [("pdf", fuzzing::pdf), ("text", fuzzing::text), ("cmap", fuzzing::cmap), ("content", fuzzing::content)];

fn kind_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(kind)
}

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = kind_dir(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Every input of `kind`, run through its target; the number replayed per target.
fn replay(kind: &str) -> Vec<(&'static str, usize)> {
    let mut counts = Vec::new();
    for (target, run) in TARGETS {
        let files = inputs(kind, target);
        for path in &files {
            let bytes = std::fs::read(path).expect("readable input");
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target}: {} panics", path.display());
        }
        counts.push((target, files.len()));
    }
    counts
}

/// Files under `fixtures/<kind>/` in any folder (the README aside), counted apart from
/// [`replay`], so that inputs of a target missing from [`TARGETS`] (or misplaced) fail.
fn files_present(kind: &str) -> usize {
    let mut n = 0;
    let mut stack = vec![kind_dir(kind)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture folder").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.parent() != Some(kind_dir(kind).as_path()) {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn crash_inputs_no_longer_crash() {
    let counts = replay("fuzz-crashes");
    // At least one input a target: a crash once found, or a hostile sample of what each
    // target's bounds are for (README "Hostile input").
    for (target, n) in &counts {
        assert!(
            *n >= 1,
            "no crash input or hostile sample for {target} under fixtures/fuzz-crashes/{target}"
        );
    }
    let replayed: usize = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(
        replayed,
        files_present("fuzz-crashes"),
        "every file under fixtures/fuzz-crashes replayed: {counts:?}"
    );
}

#[test]
fn saved_corpora_run_clean() {
    let counts = replay("fuzz-corpus");
    // The saved corpora of the first campaign hold 471–1,152 inputs a target.
    for (target, n) in &counts {
        assert!(*n >= 400, "fixtures/fuzz-corpus/{target} holds {n} inputs; the saved corpus has more");
    }
    let replayed: usize = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(
        replayed,
        files_present("fuzz-corpus"),
        "every file under fixtures/fuzz-corpus replayed: {counts:?}"
    );
}
