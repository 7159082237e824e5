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

/// How much of the file is read at a time while compacting: small enough to stay in cache.
const READ_CHUNK: usize = 1 << 20;

/// Reads a file with its insignificant JSON whitespace removed (`har::compact`), a chunk at a
/// time: a pretty-printed HAR is half whitespace, which serde_json skips a byte at a time, and the
/// buffer kept is then half the file (issue 13: CPU and memory of `check`).
fn read_compacted(file: &str) -> Result<Vec<u8>, String> {
    let mut f = std::fs::File::open(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    // The file's size bounds what is kept; reserving it avoids regrowing (untouched pages cost nothing).
    let size = f.metadata().map_or(0, |m| usize::try_from(m.len()).unwrap_or(0));
    let mut out = Vec::with_capacity(size);
    let mut chunk = vec![0u8; READ_CHUNK];
    let mut compactor = authlens::har::compact::Compactor::new();
    loop {
        let n = match f.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot read {file}: {e}")),
        };
        compactor.feed(chunk.get(..n).unwrap_or_default(), &mut out);
    }
    Ok(out)
}

/// Parses the input named `file` (`-` for stdin) into a capture that borrows from `compacted` or
/// `original`. A file is read compacted; if that text does not parse, the original bytes are read
/// and parsed again, so errors name the line and column of the file as written (compaction keeps
/// a valid document valid and an invalid one invalid: `har::compact`). Stdin cannot be read twice
/// and is parsed as it comes.
fn load<'a>(
    file: &str,
    shown: &str,
    compacted: &'a mut Vec<u8>,
    original: &'a mut Vec<u8>,
) -> Result<authlens::model::Capture<'a>, String> {
    if file != "-" {
        *compacted = read_compacted(file)?;
        let compacted: &'a Vec<u8> = compacted;
        if let Ok(c) = authlens::offline::parse_input(compacted) {
            return Ok(c);
        }
    }
    *original = read_input(file)?;
    let original: &'a Vec<u8> = original;
    authlens::offline::parse_input(original).map_err(|e| format!("{shown}: {e}"))
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

/// Writes `v` as pretty JSON and a newline straight to a buffered stdout (no intermediate
/// `String`: the report of a large capture is megabytes). A closed pipe is not an error worth
/// reporting; a value that cannot be serialised is.
fn emit_json<T: serde::Serialize>(v: &T) -> Result<(), String> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut ser = serde_json::Serializer::with_formatter(&mut w, Pretty::default());
    match v.serialize(&mut ser) {
        Err(e) if !e.is_io() => return Err(format!("cannot write JSON: {e}")),
        _ => {}
    }
    let _ = w.write_all(b"\n").and_then(|()| w.flush());
    Ok(())
}

/// serde_json's `PrettyFormatter` (two-space indent) writing each line break and its indentation
/// in one call, where serde_json writes the indentation one level at a time: the report of a large
/// capture is hundreds of thousands of lines (issue 13). Same bytes (tested against it).
#[derive(Debug, Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// A line break and the indentation of up to 64 levels, written as one slice.
const BREAK: [u8; 129] = {
    let mut b = [b' '; 129];
    b[0] = b'\n';
    b
};

impl Pretty {
    /// A line break and the current indentation.
    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        match BREAK.get(..1 + 2 * self.depth) {
            Some(b) => w.write_all(b),
            None => {
                w.write_all(b"\n")?;
                (0..self.depth).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
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

fn run_audit(opts: &Options) -> Result<ExitCode, String> {
    let shown = if opts.file == "-" { "(stdin)" } else { opts.file.as_str() };
    let (mut compacted, mut original) = (Vec::new(), Vec::new());
    let capture = load(&opts.file, shown, &mut compacted, &mut original)?;
    let report = authlens::audit::audit(shown, &capture, opts.reveal);
    match opts.format {
        Format::Json => emit_json(&report)?,
        Format::Sarif => emit_json(&report::sarif::from_audit(&report))?,
        Format::Markdown => emit(&report::audit::markdown(&report)),
        Format::Text => emit(&report::audit::text(&report, color(opts))),
    }
    Ok(exit_code(opts.fail_on, report.summary.errors, report.summary.warnings))
}

fn run(opts: &Options) -> Result<ExitCode, String> {
    let shown = if opts.file == "-" { "(stdin)" } else { opts.file.as_str() };
    let (mut compacted, mut original) = (Vec::new(), Vec::new());
    let capture = load(&opts.file, shown, &mut compacted, &mut original)?;
    let diagnoses = authlens::diagnose::diagnose_capture(&capture);
    let report = Report::from_diagnoses(shown, &capture, diagnoses, opts.reveal);
    // The report owns what it prints. The capture is not freed piece by piece (10,000 exchanges
    // of header lists): the process is about to exit, which returns it whole (issue 13).
    std::mem::forget(capture);
    drop(compacted);
    drop(original);
    match opts.format {
        Format::Json => emit_json(&report)?,
        Format::Markdown => emit(&report::markdown::render(&report)),
        Format::Text => emit(&report::text::render(&report, color(opts))),
        // parse_args only accepts sarif for audit.
        Format::Sarif => return Err("--format sarif is for 'authlens audit'".to_string()),
    }
    let code = exit_code(opts.fail_on, report.summary.errors, report.summary.warnings);
    // Likewise the report: exit frees it at once.
    std::mem::forget(report);
    Ok(code)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file in the temp dir, removed on drop.
    struct Temp(std::path::PathBuf);
    impl Drop for Temp {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    fn temp(name: &str, text: &[u8]) -> Temp {
        let p = std::env::temp_dir().join(format!("authlens-cli-{}-{name}", std::process::id()));
        std::fs::write(&p, text).unwrap();
        Temp(p)
    }

    fn pretty(v: &impl serde::Serialize) -> String {
        let mut out = Vec::new();
        v.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Pretty::default())).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pretty_is_serde_jsons_pretty() {
        let deep = (0..70).fold(serde_json::json!("x"), |v, _| serde_json::json!([v, {}]));
        let values = [
            serde_json::json!({"a": [], "b": {}, "c": [1, [2, []], {"d": null}], "e": "é\"\n", "f": [{}]}),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!(1.5),
            deep,
        ];
        for v in values {
            assert_eq!(pretty(&v), serde_json::to_string_pretty(&v).unwrap());
        }
        let text = include_str!("../../examples/cors-error-masks-401.har");
        let capture = authlens::har::parse(text).unwrap();
        let report = Report::build("x.har", &capture, &authlens::diagnose::diagnose_capture(&capture), false);
        assert!(!report.entries.is_empty());
        assert_eq!(pretty(&report), serde_json::to_string_pretty(&report).unwrap());
    }

    #[test]
    fn a_compacted_file_reads_like_the_original() {
        let pretty = "{\n  \"log\": {\n    \"entries\": [\n      {\n        \"request\": {\"method\": \"GET\", \
                      \"url\": \"https://a.test/ x\"},\n        \"response\": {\"status\": 401}\n      }\n    ]\n  }\n}\n";
        let f = temp("ok.har", pretty.as_bytes());
        let (mut c, mut o) = (Vec::new(), Vec::new());
        let capture = load(f.0.to_str().unwrap(), "x", &mut c, &mut o).unwrap();
        assert_eq!(capture.exchanges[0].url, "https://a.test/ x", "string contents keep their spaces");
        assert_eq!(capture.exchanges[0].status, 401);
        drop(capture);
        assert!(c.len() < pretty.len() && o.is_empty(), "parsed from the compacted text only");
    }

    #[test]
    fn errors_name_the_place_in_the_file_as_written() {
        let cases = [
            ("shape", "{\n  \"log\": {\n    \"entries\": [\n      {\"request\": {\"headers\": 5}}\n    ]\n  }\n}\n"),
            ("truncated", "{\n  \"log\": {\n    \"entries\": [\n"),
            ("two tokens run together", "{\n  \"log\": {\"entries\": [1 2]}\n}"),
            ("not UTF-8", "{\"log\": {\"entries\": [{\"request\": {\"url\": \"\u{e9}\"}}]}}"),
        ];
        for (name, text) in cases {
            // Latin-1 instead of UTF-8 for the last case: `é` as the single byte 0xE9.
            let bytes: Vec<u8> = text.chars().map(|ch| u8::try_from(u32::from(ch)).unwrap()).collect();
            let f = temp(name, &bytes);
            let (mut c, mut o) = (Vec::new(), Vec::new());
            let err = load(f.0.to_str().unwrap(), "x", &mut c, &mut o).err().unwrap();
            let want = format!("x: {}", authlens::offline::parse_input(&bytes).err().unwrap());
            assert!(want.contains("line") || name == "not UTF-8", "{want}");
            assert_eq!(err, want, "{name}");
        }
        let (mut c, mut o) = (Vec::new(), Vec::new());
        let missing = load("/nonexistent/authlens.har", "x", &mut c, &mut o).err().unwrap();
        assert!(missing.starts_with("cannot read /nonexistent/authlens.har: "), "{missing}");
    }
}
