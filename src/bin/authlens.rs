//! `authlens check FILE.har` and `authlens audit FILE.har`: the command-line front end of the core.
//!
//! `check` reads a HAR (a file or `-` for stdin), diagnoses every exchange and prints a report as
//! text, JSON (the contract of `report::Report`) or Markdown. `audit` grades the authentication
//! surface of a recorded sign-in (`audit::Report`), also as SARIF 2.1.0 for code scanning. Exit codes: 0 when the check ran, 1 when
//! `--fail-on` matched, 2 on a usage error or unreadable input (the message goes to stderr).
//! Argument parsing is hand-written: four options do not justify a parser dependency.

use authlens::report::{self, Report};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

const USAGE: &str = "\
authlens: why was this request unauthorized?

Usage:
  authlens check FILE.har [--format text|json|markdown] [--reveal-secrets] [--fail-on error|warn]
  authlens audit FILE.har [--format text|json|markdown|sarif] [--reveal-secrets] [--fail-on error|warn]
  authlens check -            read the HAR from standard input (audit - too)

FILE may also be an AuthLens capture (the JSON the extension stores per tab, with `exchanges`),
which replays exactly what the popup diagnosed.

check explains why requests failed; audit grades a recorded sign-in flow (cookies, challenges,
CORS, transport, tokens) with a verdict per browser engine.
  authlens --help | --version

Options:
  -f, --format FORMAT    text (default), json or markdown; sarif (audit only)
      --reveal-secrets   show tokens, passwords and cookie values in full (default: redacted)
      --fail-on LEVEL    exit 1 when a finding of LEVEL or worse exists (error, warn)
      --color WHEN       auto (default), always or never; NO_COLOR is honoured
  -h, --help             this help
  -V, --version          the version

Exit status: 0 the check ran; 1 --fail-on matched; 2 usage error or unreadable input.
";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailOn {
    Error,
    Warn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug)]
struct Options {
    file: String,
    format: Format,
    reveal: bool,
    fail_on: Option<FailOn>,
    color: Color,
}

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Help,
    Version,
    Check(Options),
    Audit(Options),
}

/// Splits `--name=value` into its parts; other arguments come back unchanged.
fn split_eq(arg: &str) -> (&str, Option<&str>) {
    match arg.split_once('=') {
        Some((n, v)) if n.starts_with("--") => (n, Some(v)),
        _ => (arg, None),
    }
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter();
    let Some(first) = it.next() else { return Err("no command given".to_string()) };
    match first.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        "check" | "audit" => {}
        other => return Err(format!("unknown command '{other}' (try 'authlens check FILE.har')")),
    }
    let audit = first == "audit";
    let mut file = None;
    let mut opts =
        Options { file: String::new(), format: Format::Text, reveal: false, fail_on: None, color: Color::Auto };
    let mut only_files = false;
    while let Some(arg) = it.next() {
        if only_files || arg == "-" || !arg.starts_with('-') {
            if file.replace(arg.clone()).is_some() {
                return Err(format!("more than one input file ('{arg}'); check one HAR at a time"));
            }
            continue;
        }
        let (name, inline) = split_eq(arg);
        let mut value = |what: &str| -> Result<String, String> {
            match inline {
                Some(v) => Ok(v.to_string()),
                None => it.next().cloned().ok_or_else(|| format!("{name} needs a value ({what})")),
            }
        };
        match name {
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "-f" | "--format" => {
                opts.format = match value("text, json or markdown")?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "markdown" | "md" => Format::Markdown,
                    "sarif" if audit => Format::Sarif,
                    "sarif" => return Err("--format sarif is for 'authlens audit'".to_string()),
                    other => return Err(format!("unknown format '{other}' (text, json, markdown or sarif)")),
                }
            }
            "--fail-on" => {
                opts.fail_on = match value("error or warn")?.as_str() {
                    "error" => Some(FailOn::Error),
                    "warn" | "warning" => Some(FailOn::Warn),
                    other => return Err(format!("unknown --fail-on level '{other}' (error or warn)")),
                }
            }
            "--color" | "--colour" => {
                opts.color = match value("auto, always or never")?.as_str() {
                    "auto" => Color::Auto,
                    "always" => Color::Always,
                    "never" => Color::Never,
                    other => return Err(format!("unknown --color value '{other}' (auto, always or never)")),
                }
            }
            "--reveal-secrets" if inline.is_none() => opts.reveal = true,
            _ => return Err(format!("unknown option '{arg}'")),
        }
    }
    opts.file = file.ok_or_else(|| "no HAR file given (use '-' for standard input)".to_string())?;
    Ok(if audit { Command::Audit(opts) } else { Command::Check(opts) })
}

/// Reads the whole input: the file, or stdin for `-`.
fn read_input(file: &str) -> Result<Vec<u8>, String> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf).map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(buf)
    } else {
        std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))
    }
}

/// Whether stdout gets colour.
fn color(opts: &Options) -> bool {
    match opts.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Writes `out` to stdout; a closed pipe (`| head`) is not an error worth reporting.
fn emit(out: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
}

/// The exit code for `--fail-on` given the counts.
fn exit_code(fail_on: Option<FailOn>, errors: usize, warnings: usize) -> ExitCode {
    let failed = match fail_on {
        Some(FailOn::Error) => errors > 0,
        Some(FailOn::Warn) => errors + warnings > 0,
        None => false,
    };
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn pretty_json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    let mut s = serde_json::to_string_pretty(v).map_err(|e| format!("cannot write JSON: {e}"))?;
    s.push('\n');
    Ok(s)
}

fn run_audit(opts: &Options) -> Result<ExitCode, String> {
    let bytes = read_input(&opts.file)?;
    let shown = if opts.file == "-" { "(stdin)" } else { opts.file.as_str() };
    let capture = authlens::offline::parse_input(&bytes).map_err(|e| format!("{shown}: {e}"))?;
    let report = authlens::audit::audit(shown, &capture, opts.reveal);
    let out = match opts.format {
        Format::Json => pretty_json(&report)?,
        Format::Sarif => pretty_json(&report::sarif::from_audit(&report))?,
        Format::Markdown => report::audit::markdown(&report),
        Format::Text => report::audit::text(&report, color(opts)),
    };
    emit(&out);
    Ok(exit_code(opts.fail_on, report.summary.errors, report.summary.warnings))
}

fn run(opts: &Options) -> Result<ExitCode, String> {
    let bytes = read_input(&opts.file)?;
    let shown = if opts.file == "-" { "(stdin)" } else { opts.file.as_str() };
    let capture = authlens::offline::parse_input(&bytes).map_err(|e| format!("{shown}: {e}"))?;
    let diagnoses = authlens::diagnose::diagnose_capture(&capture);
    let report = Report::build(shown, &capture, &diagnoses, opts.reveal);
    // The report owns what it prints: the input and its parse go before the output is rendered, so
    // the peak memory is not the input, its parse and the rendered report at once (issue 13: ≤ 2×).
    drop(diagnoses);
    drop(capture);
    drop(bytes);
    let out = match opts.format {
        Format::Json => pretty_json(&report)?,
        Format::Markdown => report::markdown::render(&report),
        Format::Text => report::text::render(&report, color(opts)),
        // parse_args only accepts sarif for audit.
        Format::Sarif => return Err("--format sarif is for 'authlens audit'".to_string()),
    };
    emit(&out);
    Ok(exit_code(opts.fail_on, report.summary.errors, report.summary.warnings))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("authlens {}", report::VERSION);
            ExitCode::SUCCESS
        }
        Ok(Command::Check(opts)) => match run(&opts) {
            Ok(code) => code,
            Err(msg) => {
                eprintln!("authlens: {msg}");
                ExitCode::from(2)
            }
        },
        Ok(Command::Audit(opts)) => match run_audit(&opts) {
            Ok(code) => code,
            Err(msg) => {
                eprintln!("authlens: {msg}");
                ExitCode::from(2)
            }
        },
        Err(msg) => {
            eprintln!("authlens: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
