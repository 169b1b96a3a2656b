//! The `shisaku` command line: a thin layer over the library.
//!
//! Exit codes: 0 converted cleanly; 1 converted but with error-level diagnostics;
//! 2 unusable input (one line on stderr naming the file and the cause).

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
                Some(path) => write_atomically(&path, json.as_bytes())
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

/// Temp file in the target's folder, then rename: an interrupted run leaves no half file.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
