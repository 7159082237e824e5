//! The terminal rendering of a [`Report`]: per flagged entry, the request line and its findings
//! in rank order with severity, explanation, evidence, fix steps and snippets, then a summary.
//!
//! Renders only what the report holds, so secrets are exactly as redacted (or revealed) as the
//! report was built. Colour is ANSI escapes, and only when the caller says the output is a TTY.

use super::Report;
use crate::catalogue::Severity;
use std::fmt::Write as _;

/// ANSI styling, or none.
pub(crate) struct Style {
    pub(crate) on: bool,
}

impl Style {
    pub(crate) fn paint(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    pub(crate) fn severity(&self, sev: Severity) -> String {
        let (code, label) = match sev {
            Severity::Error => ("1;31", "ERROR"),
            Severity::Warn => ("1;33", "WARN "),
            Severity::Info => ("1;36", "INFO "),
        };
        self.paint(code, label)
    }
}

/// Indents every line of `text` by `pad`.
fn indented(out: &mut String, pad: &str, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "{pad}{line}");
    }
}

/// Renders `report` for a person at a terminal; `color` turns on ANSI escapes.
pub fn render(report: &Report, color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    let flagged = report.entries.len();
    let _ = writeln!(
        out,
        "{} {} — {}: {} {}, {} with findings",
        st.bold("authlens"),
        report.version,
        report.input.file,
        report.input.entries,
        plural(report.input.entries, "entry", "entries"),
        flagged
    );
    for n in &report.notices {
        let _ = writeln!(out);
        let _ = writeln!(out, "{} {}", st.paint("1;35", "NOTE "), st.bold(n.title));
        indented(&mut out, "      ", &n.explanation);
        for (i, step) in n.steps.iter().enumerate() {
            let _ = writeln!(out, "      {}. {step}", i + 1);
        }
    }
    for e in &report.entries {
        let status = if e.status == 0 { "(no response)".to_string() } else { e.status.to_string() };
        let _ = writeln!(out);
        let _ = writeln!(out, "{} {} {} → {}", st.bold(&format!("#{}", e.index)), st.bold(&e.method), e.url, status);
        for f in &e.findings {
            let _ = writeln!(
                out,
                "  {} {}  {}",
                st.severity(f.severity),
                st.bold(&f.title),
                st.dim(&format!("[{}]", f.id.as_str()))
            );
            indented(&mut out, "        ", &f.explanation);
            if !f.evidence.is_empty() {
                let _ = writeln!(out, "        {}", st.bold("Evidence:"));
                for ev in &f.evidence {
                    let _ = writeln!(out, "          {}: {}", ev.label, ev.value);
                }
            }
            if !f.fix.summary.is_empty() || !f.fix.steps.is_empty() {
                let _ = writeln!(out, "        {} {}", st.bold("Fix:"), f.fix.summary);
                for (i, step) in f.fix.steps.iter().enumerate() {
                    let _ = writeln!(out, "          {}. {}", i + 1, step);
                }
                for sn in &f.fix.snippets {
                    let _ = writeln!(out, "          {}", st.dim(&format!("--- {} ---", sn.lang)));
                    indented(&mut out, "          ", &sn.code);
                }
            }
            if !f.source.is_empty() {
                let _ = writeln!(out, "        {}", st.dim(&format!("Source: {}", f.source)));
            }
            if !f.related.is_empty() {
                let rel: Vec<String> = f.related.iter().map(|i| format!("#{i}")).collect();
                let _ = writeln!(out, "        {}", st.dim(&format!("Related: {}", rel.join(", "))));
            }
        }
    }
    let s = &report.summary;
    let _ = writeln!(out);
    let line = format!(
        "Summary: {} {}, {} {}, {} {} in {} of {} {}",
        s.errors,
        plural(s.errors, "error", "errors"),
        s.warnings,
        plural(s.warnings, "warning", "warnings"),
        s.infos,
        plural(s.infos, "info", "infos"),
        flagged,
        report.input.entries,
        plural(report.input.entries, "entry", "entries"),
    );
    let _ = writeln!(out, "{}", st.bold(&line));
    out
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}
