//! The `shisaku` command line: a thin layer over the library.
//!
//! Exit codes: 0 converted cleanly; 1 converted but with error-level diagnostics;
//! 2 unusable input (one line on stderr naming the file and the cause). `batch` and `load`
//! go on after a bad file and exit 2 at the end if any failed.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use shisaku::model::Level;
use shisaku::{InputFormat, Options};

#[derive(Parser)]
#[command(name = "shisaku", version, about = "Japanese SME-promotion reports (PDF or text) → validated JSON")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Pdf,
}

#[derive(Subcommand)]
enum Command {
    /// Convert one report (PDF or text dump) to JSON.
    Convert {
        /// Input file, or `-` for standard input.
        input: PathBuf,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// One-line JSON instead of pretty-printed.
        #[arg(long)]
        compact: bool,
        /// Input kind (default: detected from magic bytes and extension).
        #[arg(long, value_enum)]
        input_format: Option<FormatArg>,
    },
    /// Check an existing JSON output against the schema and the semantic rules.
    Validate { file: PathBuf },
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
        #[arg(short, long, default_value_t = 0)]
        jobs: usize,
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
    /// Write every table of a database to DIR/<table>.csv or .ndjson.
    Export {
        /// Database URL, as for `load` (default: ./shisaku.db).
        #[arg(long)]
        db: Option<String>,
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
            eprintln!("shisaku: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Convert { input, output, compact, input_format } => {
            let (bytes, name) = read_input(&input)?;
            let options = Options {
                format: input_format.map(|f| match f {
                    FormatArg::Text => InputFormat::Text,
                    FormatArg::Pdf => InputFormat::Pdf,
                }),
            };
            let report =
                shisaku::convert(&bytes, &name, &options).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            let json = shisaku::emit::to_json(&report, compact)?;
            match output {
                Some(path) => shisaku::write_atomically(&path, json.as_bytes())
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                None => std::io::stdout().write_all(json.as_bytes())?,
            }
            Ok(exit_for(&report.diagnostics))
        }
        Command::Validate { file } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let diags = shisaku::validate::validate_json(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            for d in &diags {
                eprintln!("{}: {:?} {} {}", file.display(), d.level, d.code, d.message);
            }
            Ok(exit_for(&diags))
        }
        Command::Schema => {
            print!("{}", shisaku::validate::SCHEMA);
            Ok(ExitCode::SUCCESS)
        }
        Command::Batch { inputs, output, jobs } => {
            let inputs = shisaku::batch::expand_inputs(&inputs)?;
            let results = shisaku::batch::run_with_progress(&inputs, &output, jobs, &Options::default())?;
            print!("{}", shisaku::batch::table(&results));
            Ok(ExitCode::from(shisaku::batch::exit_code(&results)))
        }
        Command::Load { inputs, db } => {
            let mut db = shisaku::db::open(db.as_deref())?;
            // Fault injection for the tests: the process dies (as under `kill -9`) right
            // after this table's rows are written, inside the open transaction.
            let die_after = std::env::var("SHISAKU_TEST_DIE_AFTER_TABLE").ok();
            let mut failed = false;
            for input in shisaku::db::expand_inputs(&inputs)? {
                let loaded = shisaku::db::read_report_path(&input, &Options::default()).and_then(|report| {
                    db.load_with_hook(&report, &mut |table| {
                        if die_after.as_deref() == Some(table) {
                            std::process::abort();
                        }
                        Ok(())
                    })
                });
                match loaded {
                    Ok(s) => {
                        let rows: Vec<String> = s.rows.iter().map(|(t, n)| format!("{t} {n}")).collect();
                        let how = if s.replaced { "replaced" } else { "added" };
                        println!("{}: {how} report {}: {}", input.display(), s.report_id, rows.join(", "));
                    }
                    Err(e) => {
                        eprintln!("shisaku: {}: {e}", input.display());
                        failed = true;
                    }
                }
            }
            Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Diff { old, new, json } => {
            let read = |p: &PathBuf| {
                shisaku::db::read_report_path(p, &Options::default())
                    .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
            };
            let diff = shisaku::diff::diff(&read(&old)?, &read(&new)?);
            if json {
                println!("{}", serde_json::to_string_pretty(&diff)?);
            } else {
                print!("{}", shisaku::diff::table(&diff));
            }
            Ok(if diff.is_equal() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Link { db } => {
            let mut db = shisaku::db::open_existing(db.as_deref())?;
            let n = db.rebuild_links()?;
            println!("{n} project links");
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { db, format, output, excel } => {
            let mut db = shisaku::db::open_existing(db.as_deref())?;
            let format = match format {
                ExportFormat::Csv => shisaku::db::export::Format::Csv,
                ExportFormat::Ndjson => shisaku::db::export::Format::Ndjson,
            };
            for e in shisaku::db::export::export(&mut db, &output, format, excel)? {
                println!("{}: {} rows", e.path.display(), e.rows);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exit_for(diags: &[shisaku::model::Diagnostic]) -> ExitCode {
    if diags.iter().any(|d| d.level == Level::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn read_input(path: &PathBuf) -> anyhow::Result<(Vec<u8>, String)> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        Ok((bytes, "-".to_string()))
    } else {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        Ok((bytes, name))
    }
}
