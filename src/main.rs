//! The `shisaku` command line: a thin layer over the library.
//!
//! Exit codes: 0 converted cleanly; 1 converted but with error-level diagnostics;
//! 2 unusable input (one line on stderr naming the file and the cause). `batch` and `load`
//! go on after a bad file and exit 2 at the end if any failed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use shisaku::messages::{self, Verbosity};
use shisaku::model::{Diagnostic, Level};
use shisaku::{InputFormat, Options};

#[derive(Parser)]
#[command(name = "shisaku", version, about = "Japanese SME-promotion reports (PDF or text) → validated JSON")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Say nothing on stderr but failures.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Also print each warning (not only errors) on stderr.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Convert one report (PDF or text dump) to JSON.
    Convert {
        /// Input file, or `-` for standard input.
        input: PathBuf,
        /// Output file (default, or `-`: standard output). A symlink is followed; a device
        /// or FIFO is written through; the input itself is never overwritten.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// One-line JSON instead of pretty-printed.
        #[arg(long)]
        compact: bool,
        /// Input kind (default: detected from magic bytes and extension).
        #[arg(long, value_enum)]
        input_format: Option<InputFormat>,
        /// A text dump's extractor style (default: detected from the dump): plain,
        /// pdftotext, pdftotext-layout, pdftotext-raw, pymupdf, pymupdf-blocks, pdfplumber, pypdf, pypdf-layout, pdfminer, pymupdf-sort.
        #[arg(long, value_name = "KIND")]
        dump_kind: Option<shisaku::input::dump_kind::DumpKind>,
    },
    /// Convert one report and write a self-contained HTML page to review it card by card:
    /// the page as read with each field's region outlined, beside the extracted fields.
    Review {
        /// Input file, or `-` for standard input.
        input: PathBuf,
        /// Output file (default: review.html).
        #[arg(short, long, default_value = "review.html")]
        output: PathBuf,
        /// Input kind (default: detected from magic bytes and extension).
        #[arg(long, value_enum)]
        input_format: Option<InputFormat>,
    },
    /// Check an existing JSON output against the schema and the semantic rules.
    ///
    /// Exit code: 2 if the file is not valid JSON of the schema, 1 if it holds or the
    /// checks find error-level diagnostics, else 0.
    Validate {
        /// A JSON file written by `convert`, or `-` for standard input.
        file: PathBuf,
    },
    /// Print the JSON Schema of the output.
    Schema,
    /// Convert many reports in parallel: one JSON per input in OUTDIR.
    ///
    /// A folder contributes its .pdf and .txt files (not recursively). Exit code: 2 if any
    /// file failed, 1 if any had error diagnostics, else 0.
    Batch {
        /// Input files or folders.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output folder (created if missing).
        #[arg(short, long)]
        output: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Also write a review page (`shisaku review`) beside each JSON, as `<name>.html`.
        #[arg(long)]
        review: bool,
    },
    /// Load reports (PDF, text dump, or converted JSON) into a database.
    ///
    /// Each file is one transaction; loading the same document again replaces its rows.
    Load {
        /// Input files or folders (folders: .pdf, .txt and .json files, not recursively).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// `sqlite:PATH`, a plain path, or `postgres://USER@HOST:PORT/DB` (default: ./shisaku.db).
        #[arg(long)]
        db: Option<String>,
        /// Load reports whose reading found no card at all (refused by default: such a
        /// report is almost always a broken file, not an empty year).
        #[arg(long)]
        allow_errors: bool,
    },
    /// Compare two reports (JSON, PDF or text): field by field for one fiscal year, else
    /// year over year (continued/new/ended projects, costs, restated figures).
    ///
    /// Exit code: 0 when the reports have the same content, 1 when they differ (always for
    /// different years), 2 when an input is unusable.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// Print the comparison as JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the `project_links` between reports of consecutive fiscal years.
    Link {
        /// Database URL, as for `load` (default: ./shisaku.db).
        #[arg(long)]
        db: Option<String>,
    },
    /// Write every table of a database to DIR/<table>.csv or .ndjson (read-only on the
    /// database).
    Export {
        /// Database URL, as for `load` (default: ./shisaku.db).
        #[arg(long)]
        db: Option<String>,
        /// File format: one CSV (RFC 4180) or NDJSON file per table.
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Output folder (created if missing).
        #[arg(short, long)]
        output: PathBuf,
        /// Start CSV files with the UTF-8 byte order mark (for Excel).
        #[arg(long)]
        excel: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Csv,
    Ndjson,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("shisaku: {}", messages::chain(e.as_ref()));
            ExitCode::from(2)
        }
    }
}

/// Write to stdout; a reader that went away (`| head`) is a normal end, as for `cat`.
fn to_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// `-` (or no `-o`) means standard output.
fn is_stdout(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p.as_os_str() == "-")
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    match cli.command {
        Command::Convert { input, output, compact, input_format, dump_kind } => {
            let options = Options { format: input_format, dump_kind, ..Options::default() };
            convert(&input, output.as_deref(), compact, &options, verbosity)
        }
        Command::Review { input, output, input_format } => {
            review(&input, &output, &Options { format: input_format, ..Options::default() }, verbosity)
        }
        Command::Validate { file } => validate(&file, verbosity),
        Command::Schema => {
            to_stdout(shisaku::validate::SCHEMA.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Batch { inputs, output, jobs, review } => batch(&inputs, &output, jobs, review, verbosity),
        Command::Load { inputs, db, allow_errors } => load(&inputs, db.as_deref(), allow_errors, verbosity),
        Command::Diff { old, new, json } => diff(&old, &new, json),
        Command::Link { db } => {
            let mut db = shisaku::db::open_existing(db.as_deref())?;
            let n = db.rebuild_links()?;
            to_stdout(format!("{n} project links\n").as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { db, format, output, excel } => export(db.as_deref(), format, &output, excel),
    }
}

/// Print lines on stderr.
fn say(lines: Vec<String>) {
    for l in lines {
        eprintln!("{l}");
    }
}

/// `convert`: one report to JSON, on stdout or in `output`.
fn convert(
    input: &Path,
    output: Option<&Path>,
    compact: bool,
    options: &Options,
    verbosity: Verbosity,
) -> anyhow::Result<ExitCode> {
    let from_stdin = input.as_os_str() == "-";
    let inputs: Vec<&Path> = if from_stdin { Vec::new() } else { vec![input] };
    let output = output.filter(|o| !is_stdout(Some(o)));
    // Checked before reading, so `-o` naming the input fails before any work.
    if let Some(out) = output {
        shisaku::output::target(out, &inputs)?;
    }
    let (bytes, name) = read_input(input)?;
    let report = shisaku::convert(&bytes, &name, options)
        .map_err(|e| anyhow::anyhow!("{}: {e}", messages::escape(&name)))?;
    let json = shisaku::emit::to_json(&report, compact)?;
    match output {
        Some(path) => shisaku::output::write(path, json.as_bytes(), &inputs)?,
        None => to_stdout(json.as_bytes())?,
    }
    say(messages::report_lines(&name, &report, &report.diagnostics, verbosity));
    Ok(exit_for(&report.diagnostics))
}

/// `review`: one report converted and drawn as an HTML page in `output`.
fn review(input: &Path, output: &Path, options: &Options, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let inputs: Vec<&Path> = if input.as_os_str() == "-" { Vec::new() } else { vec![input] };
    // Checked before reading, so `-o` naming the input fails before any work.
    shisaku::output::target(output, &inputs)?;
    let (bytes, name) = read_input(input)?;
    let (report, doc) = shisaku::convert_with_document(&bytes, &name, options)
        .map_err(|e| anyhow::anyhow!("{}: {e}", messages::escape(&name)))?;
    let html = shisaku::review::html(&report, &doc)?;
    shisaku::output::write(output, html.as_bytes(), &inputs)?;
    say(messages::report_lines(&name, &report, &report.diagnostics, verbosity));
    Ok(exit_for(&report.diagnostics))
}

/// `validate`: an earlier output checked against the schema and the semantic checks.
fn validate(file: &Path, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let (bytes, name) = read_input(file)?;
    let name = messages::escape(&name);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if bytes.starts_with(b"%PDF") || first.is_some_and(|b| *b != b'{') {
        let what = if bytes.starts_with(b"%PDF") { "this is a PDF" } else { "this is not JSON" };
        anyhow::bail!("{name}: {what}; run `shisaku convert` first and validate its output");
    }
    let text = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{name}: not UTF-8 text"))?;
    let findings = shisaku::validate::validate_json(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let report: shisaku::Report = serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut all: Vec<Diagnostic> = report.diagnostics.clone();
    all.extend(findings.iter().filter(|f| !report.diagnostics.contains(f)).cloned());
    say(messages::report_lines(&name, &report, &all, verbosity));
    Ok(exit_for(&all))
}

/// `batch`: many reports converted in parallel into `output`, a table on stdout.
fn batch(
    inputs: &[PathBuf],
    output: &Path,
    jobs: Option<usize>,
    review: bool,
    verbosity: Verbosity,
) -> anyhow::Result<ExitCode> {
    for dir in inputs.iter().filter(|p| p.is_dir()) {
        if shisaku::batch::expand_inputs(std::slice::from_ref(dir))?.is_empty() {
            eprintln!("shisaku: no .pdf or .txt files in {}", messages::path(dir));
        }
    }
    let inputs = shisaku::batch::expand_inputs(inputs)?;
    if inputs.is_empty() {
        anyhow::bail!("nothing to convert");
    }
    let jobs = jobs.unwrap_or(0);
    let options = Options { review, ..Options::default() };
    let results = if verbosity == Verbosity::Quiet {
        shisaku::batch::run(&inputs, output, jobs, &options, &|_| {})?
    } else {
        shisaku::batch::run_with_progress(&inputs, output, jobs, &options)?
    };
    to_stdout(shisaku::batch::table(&results).as_bytes())?;
    Ok(ExitCode::from(shisaku::batch::exit_code(&results)))
}

/// `diff`: two reports compared, as a table or JSON on stdout.
fn diff(old: &Path, new: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let read = |p: &Path| {
        shisaku::batch::read_report_path(p, &Options::default())
            .map_err(|e| anyhow::anyhow!("{}: {}", messages::path(p), messages::chain(&e)))
    };
    let diff = shisaku::diff::diff(&read(old)?, &read(new)?);
    if json {
        to_stdout(format!("{}\n", serde_json::to_string_pretty(&diff)?).as_bytes())?;
    } else {
        to_stdout(shisaku::diff::table(&diff).as_bytes())?;
    }
    Ok(if diff.is_equal() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `export`: every table and view of the database into `output`, one file each.
fn export(db: Option<&str>, format: ExportFormat, output: &Path, excel: bool) -> anyhow::Result<ExitCode> {
    let mut db = shisaku::db::open_read_only(db)?;
    let format = match format {
        ExportFormat::Csv => shisaku::db::export::Format::Csv,
        ExportFormat::Ndjson => shisaku::db::export::Format::Ndjson,
    };
    let mut lines = String::new();
    for e in shisaku::db::export::export(&mut db, output, format, excel)? {
        lines.push_str(&format!("{}: {} rows\n", messages::path(&e.path), e.rows));
    }
    to_stdout(lines.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `load`: each file in its own transaction. The database is opened (and created) only
/// when the first report is ready, so a run where every file fails leaves no empty file.
fn load(
    inputs: &[PathBuf],
    url: Option<&str>,
    allow_errors: bool,
    verbosity: Verbosity,
) -> anyhow::Result<ExitCode> {
    // A bad URL is said before any file is read.
    shisaku::db::check_url(url)?;
    for dir in inputs.iter().filter(|p| p.is_dir()) {
        if shisaku::batch::expand_report_inputs(std::slice::from_ref(dir))?.is_empty() {
            eprintln!("shisaku: no .pdf, .txt or .json files in {}", messages::path(dir));
        }
    }
    let files = shisaku::batch::expand_report_inputs(inputs)?;
    if files.is_empty() {
        anyhow::bail!("nothing to load");
    }
    let mut db: Option<shisaku::db::Db> = None;
    let (mut failed, mut with_errors) = (false, false);
    for input in files {
        let name = messages::path(&input);
        let report = match shisaku::batch::read_report_path(&input, &Options::default()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("shisaku: {name}: {}", messages::chain(&e));
                failed = true;
                continue;
            }
        };
        let cards: usize = report.policies.iter().map(|p| p.projects.len()).sum();
        let errors = report.diagnostics.iter().filter(|d| d.level == Level::Error).count();
        if cards == 0 && !allow_errors {
            eprintln!(
                "shisaku: {name}: not loaded: no card was read ({errors} errors); `--allow-errors` loads it anyway"
            );
            failed = true;
            continue;
        }
        let open = match db.as_mut() {
            Some(d) => d,
            None => db.insert(shisaku::db::open(url)?),
        };
        match open.load(&report) {
            Ok(s) => {
                let rows: Vec<String> = s.rows.iter().map(|(t, n)| format!("{t} {n}")).collect();
                let how = if s.replaced { "replaced" } else { "added" };
                let mut line = format!("{name}: {how} report {}: {}\n", s.report_id, rows.join(", "));
                if errors > 0 {
                    with_errors = true;
                    line = format!(
                        "{name}: {how} report {} with {errors} errors: {}\n",
                        s.report_id,
                        rows.join(", ")
                    );
                }
                to_stdout(line.as_bytes())?;
                if verbosity != Verbosity::Quiet {
                    let shown = report
                        .diagnostics
                        .iter()
                        .filter(|d| d.level == Level::Error || verbosity == Verbosity::Verbose);
                    for d in shown {
                        eprintln!("{}", messages::diagnostic(Some(&report), d));
                    }
                }
            }
            Err(e) => {
                eprintln!("shisaku: {name}: {}", messages::chain(&e));
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if with_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn exit_for(diags: &[Diagnostic]) -> ExitCode {
    if diags.iter().any(|d| d.level == Level::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A file's bytes (regular files only) or standard input for `-`, with the name to report.
fn read_input(path: &Path) -> anyhow::Result<(Vec<u8>, String)> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| anyhow::anyhow!("standard input: {e}"))?;
        Ok((bytes, "-".to_string()))
    } else {
        Ok((shisaku::output::read_input(path)?, path.display().to_string()))
    }
}
