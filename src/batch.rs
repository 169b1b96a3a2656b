//! Batch conversion: many inputs in parallel, one JSON each, written atomically.
//!
//! Inputs are files or folders; a folder contributes its `.pdf` and `.txt` files (not
//! recursively; hidden files skipped), sorted by name. Each input becomes
//! `OUTDIR/<stem>.json`; when several inputs share a stem, each of them gets
//! `<stem>.<ext>.json` instead, and inputs that still collide (same file name in different
//! folders) get `.2`, `.3`, … in input order. Conversion runs on a local rayon pool of
//! `jobs` threads; a file that fails is reported and the others go on.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::{Level, Report};
use crate::Options;

/// How one file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Warnings,
    Errors,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warnings => "warnings",
            Status::Errors => "errors",
            Status::Failed => "failed",
        }
    }
}

/// The result of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct FileResult {
    pub input: PathBuf,
    pub output: PathBuf,
    pub status: Status,
    /// Project cards converted.
    pub cards: usize,
    pub warnings: usize,
    pub errors: usize,
    /// Why the file failed (status [`Status::Failed`]).
    pub failure: Option<String>,
}

/// Inputs as given, folders replaced by their `.pdf`/`.txt` files (sorted, not recursive).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    expand_inputs_with(inputs, &["pdf", "txt"])
}

/// Inputs of `load` and `diff`: as given, folders replaced by their `.pdf`, `.txt` and
/// `.json` files (sorted, not recursive, hidden files skipped); read with [`read_report`].
pub fn expand_report_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    expand_inputs_with(inputs, &["pdf", "txt", "json"])
}

/// A report from a file's bytes: converted JSON (first non-space byte `{`) is read back as
/// is; anything else (PDF, text dump) is converted. (The database takes a [`Report`]; this
/// is how `load` and `diff` get one from whatever file they are given.)
pub fn read_report(bytes: &[u8], name: &str, options: &Options) -> Result<Report> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        Ok(serde_json::from_slice(bytes)?)
    } else {
        crate::convert(bytes, name, options)
    }
}

/// [`read_report`] on a file (regular files only).
pub fn read_report_path(path: &Path, options: &Options) -> Result<Report> {
    let bytes = crate::output::read_input(path)?;
    read_report(&bytes, &path.display().to_string(), options)
}

/// Inputs as given, folders replaced by their files with one of `extensions` (lowercase,
/// matched case-insensitively), sorted by name, not recursively, hidden files skipped.
fn expand_inputs_with(inputs: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut files = Vec::new();
            for entry in std::fs::read_dir(input)? {
                let path = entry?.path();
                let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
                let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                if path.is_file() && !hidden && ext.is_some_and(|e| extensions.contains(&e.as_str())) {
                    files.push(path);
                }
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// Output file names (relative to OUTDIR) for `inputs`, unique and deterministic; see the
/// module documentation.
pub fn output_names(inputs: &[PathBuf]) -> Vec<String> {
    let stem =
        |p: &Path| p.file_stem().map_or_else(|| "input".to_string(), |s| s.to_string_lossy().into_owned());
    let mut stems: HashMap<String, usize> = HashMap::new();
    for p in inputs {
        *stems.entry(stem(p)).or_default() += 1;
    }
    let mut used: HashMap<String, usize> = HashMap::new();
    inputs
        .iter()
        .map(|p| {
            let s = stem(p);
            let base = if stems.get(&s).copied().unwrap_or(0) > 1 {
                match p.extension() {
                    Some(ext) => format!("{s}.{}", ext.to_string_lossy()),
                    None => s,
                }
            } else {
                s
            };
            let n = used.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                format!("{base}.json")
            } else {
                format!("{base}.{n}.json")
            }
        })
        .collect()
}

/// Convert one input and write its JSON.
fn convert_one(input: &Path, output: &Path, options: &Options) -> FileResult {
    let mut result = FileResult {
        input: input.to_path_buf(),
        output: output.to_path_buf(),
        status: Status::Failed,
        cards: 0,
        warnings: 0,
        errors: 0,
        failure: None,
    };
    // A bug that panics on one odd file must not take the batch down with it.
    let converted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Regular files only: a FIFO or device named as input would block or never end.
        let bytes = crate::output::read_input(input)?;
        let (report, doc) = crate::convert_with_document(&bytes, &input.display().to_string(), options)?;
        // The page is made here, while the document is at hand, and written after the JSON.
        let page = if options.review { Some(crate::review::html(&report, &doc)?) } else { None };
        Ok::<_, Error>((report, page))
    }));
    let (report, page) = match converted {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            result.failure = Some(e.to_string());
            return result;
        }
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            result.failure = Some(format!("internal error (panic): {why}"));
            return result;
        }
    };
    result.cards = report.policies.iter().map(|p| p.projects.len()).sum();
    result.warnings = report.diagnostics.iter().filter(|d| d.level == Level::Warning).count();
    result.errors = report.diagnostics.iter().filter(|d| d.level == Level::Error).count();
    let review_path = output.with_extension("html");
    let written = crate::emit::to_json(&report, false)
        .and_then(|json| crate::output::write(output, json.as_bytes(), &[input]))
        .and_then(|()| match &page {
            Some(html) => crate::output::write(&review_path, html.as_bytes(), &[input]),
            None => Ok(()),
        });
    match written {
        Ok(()) => {
            result.status = if result.errors > 0 {
                Status::Errors
            } else if result.warnings > 0 {
                Status::Warnings
            } else {
                Status::Ok
            };
        }
        Err(e) => result.failure = Some(e.to_string()),
    }
    result
}

/// Convert `inputs` (already expanded) into `out_dir` on `jobs` threads (0: one per core),
/// calling `progress` as each file finishes. Results are in input order.
pub fn run(
    inputs: &[PathBuf],
    out_dir: &Path,
    jobs: usize,
    options: &Options,
    progress: &(dyn Fn(&FileResult) + Sync),
) -> Result<Vec<FileResult>> {
    crate::output::ensure_dir(out_dir)?;
    remove_stale_partials(out_dir);
    let names = output_names(inputs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Io(std::io::Error::other(e)))?;
    let results = pool.install(|| {
        inputs
            .par_iter()
            .zip(names.par_iter())
            .map(|(input, name)| {
                let r = convert_one(input, &out_dir.join(name), options);
                progress(&r);
                r
            })
            .collect()
    });
    Ok(results)
}

/// A run killed while writing (SIGKILL, power loss) leaves its temp file behind, never a
/// half JSON; the next run into the same folder clears those leftovers.
fn remove_stale_partials(out_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(out_dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(crate::PARTIAL_PREFIX) && name.ends_with(crate::PARTIAL_SUFFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// [`run`] with a progress bar on a terminal (stderr), or one plain line per file otherwise.
pub fn run_with_progress(
    inputs: &[PathBuf],
    out_dir: &Path,
    jobs: usize,
    options: &Options,
) -> Result<Vec<FileResult>> {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}") {
            bar.set_style(style);
        }
        let results = run(inputs, out_dir, jobs, options, &|r| {
            bar.set_message(crate::messages::path(&r.input));
            bar.inc(1);
        });
        bar.finish_and_clear();
        results
    } else {
        run(inputs, out_dir, jobs, options, &|r| {
            eprintln!("{}: {}", crate::messages::path(&r.input), line(r));
        })
    }
}

fn line(r: &FileResult) -> String {
    match &r.failure {
        Some(why) => format!("failed: {}", crate::messages::escape(why)),
        None => format!("{} → {}", r.status.as_str(), crate::messages::path(&r.output)),
    }
}

/// The end-of-run table: one line per file (status, cards, warnings, errors), then the
/// failures' causes.
pub fn table(results: &[FileResult]) -> String {
    let width =
        results.iter().map(|r| crate::messages::path(&r.input).chars().count()).max().unwrap_or(4).max(4);
    let mut out =
        format!("{:<width$}  {:<8}  {:>5}  {:>8}  {:>6}\n", "file", "status", "cards", "warnings", "errors");
    for r in results {
        let name = crate::messages::path(&r.input);
        let pad = width.saturating_sub(name.chars().count());
        out.push_str(&format!(
            "{name}{:pad$}  {:<8}  {:>5}  {:>8}  {:>6}\n",
            "",
            r.status.as_str(),
            r.cards,
            r.warnings,
            r.errors
        ));
    }
    for r in results {
        if let Some(why) = &r.failure {
            out.push_str(&format!(
                "failed: {}: {}\n",
                crate::messages::path(&r.input),
                crate::messages::escape(why)
            ));
        }
    }
    out
}

/// Exit code of a batch: 2 if any file failed, 1 if any had error diagnostics, else 0.
pub fn exit_code(results: &[FileResult]) -> u8 {
    match results.iter().map(|r| r.status).max() {
        Some(Status::Failed) => 2,
        Some(Status::Errors) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_stems_are_disambiguated() {
        let inputs: Vec<PathBuf> =
            ["a/r5.txt", "a/r5.pdf", "b/r5.pdf", "a/r4.pdf"].iter().map(PathBuf::from).collect();
        assert_eq!(output_names(&inputs), ["r5.txt.json", "r5.pdf.json", "r5.pdf.2.json", "r4.json"]);
    }

    #[test]
    fn exit_code_is_the_worst_status() {
        let mut r = FileResult {
            input: PathBuf::from("x"),
            output: PathBuf::from("x.json"),
            status: Status::Warnings,
            cards: 1,
            warnings: 1,
            errors: 0,
            failure: None,
        };
        assert_eq!(exit_code(std::slice::from_ref(&r)), 0);
        r.status = Status::Errors;
        assert_eq!(exit_code(std::slice::from_ref(&r)), 1);
        r.status = Status::Failed;
        assert_eq!(exit_code(&[r.clone(), r]), 2);
    }
}
