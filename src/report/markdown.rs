//! Markdown renderings: a whole [`Report`] to paste into a bug tracker, and one popup entry
//! ([`entry_markdown`]) for the extension's "Copy report" button.
//!
//! Both render only what they are given; secrets stay as redacted as their source. Values from
//! the network go into code spans or fenced blocks so that they cannot break the Markdown.

use super::Report;
use crate::finding::Finding;
use crate::model::Exchange;
use crate::secret::redact_url;
use std::fmt::Write as _;

/// `s` as an inline code span that survives backticks inside it.
pub(crate) fn code(s: &str) -> String {
    let s = s.replace(['\r', '\n'], " ");
    let mut ticks = 1;
    while s.contains(&"`".repeat(ticks)) {
        ticks += 1;
    }
    let fence = "`".repeat(ticks);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Characters that start Markdown or HTML constructs outside code spans: links and images
/// (`[`, `]`, `!`), raw HTML and autolinks (`<`, `>`), entities (`&`), emphasis, tables, headings.
const ACTIVE: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '!', '|', '~', '#', '&'];

/// Prose that may quote the network (a server's `error_description`, a cookie name, a URL) as
/// inert Markdown: code spans stay code spans (their content is literal), everything else has
/// its active characters escaped and line breaks folded, so no text a server sent can become an
/// image, a link, HTML or a heading in a pasted bug report.
pub(crate) fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(start) = rest.find('`') {
        push_escaped(&mut out, rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        let run = after.len() - after.trim_start_matches('`').len();
        let body = after.get(run..).unwrap_or("");
        match closing_run(body, run) {
            Some(end) => {
                out.push_str(&code(body.get(..end).unwrap_or("")));
                rest = body.get(end + run..).unwrap_or("");
            }
            None => {
                // An unmatched run is literal backticks (CommonMark §6.1).
                out.push_str(&"\\`".repeat(run));
                rest = body;
            }
        }
    }
    push_escaped(&mut out, rest);
    out
}

/// Where in `body` a backtick run of exactly `n` starts, if any.
fn closing_run(body: &str, n: usize) -> Option<usize> {
    let mut i = 0;
    while let Some(off) = body.get(i..)?.find('`') {
        let at = i + off;
        let tail = body.get(at..)?;
        let len = tail.len() - tail.trim_start_matches('`').len();
        if len == n {
            return Some(at);
        }
        i = at + len;
    }
    None
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            c if ACTIVE.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// A fenced block whose fence is longer than any backtick run inside `body`.
pub(crate) fn fenced(out: &mut String, lang: &str, body: &str) {
    let mut n = 3;
    while body.contains(&"`".repeat(n)) {
        n += 1;
    }
    let fence = "`".repeat(n);
    let _ = writeln!(out, "{fence}{lang}\n{}\n{fence}", body.trim_end());
}

fn status_text(status: u16) -> String {
    if status == 0 { "no response".to_string() } else { status.to_string() }
}

/// One finding as a Markdown section.
fn finding(out: &mut String, f: &Finding) {
    let _ =
        writeln!(out, "#### {} — {} ({})\n", f.severity.as_str().to_uppercase(), prose(&f.title), code(f.id.as_str()));
    let _ = writeln!(out, "{}\n", prose(f.explanation.trim()));
    if !f.evidence.is_empty() {
        let _ = writeln!(out, "**Evidence**\n");
        for e in &f.evidence {
            let _ = writeln!(out, "- {}: {}", prose(&e.label), code(&e.value));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "**Fix:** {}\n", prose(f.fix.summary.trim()));
    for (i, s) in f.fix.steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, prose(s));
    }
    if !f.fix.steps.is_empty() {
        let _ = writeln!(out);
    }
    for s in &f.fix.snippets {
        fenced(out, &s.lang, &s.code);
        let _ = writeln!(out);
    }
    if !f.source.is_empty() {
        let _ = writeln!(out, "_Source: {}_\n", prose(&f.source));
    }
    if !f.related.is_empty() {
        let rel: Vec<String> = f.related.iter().map(|i| format!("#{i}")).collect();
        let _ = writeln!(out, "_Related entries: {}_\n", rel.join(", "));
    }
}

/// Renders a whole report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(out, "# AuthLens report: {}\n", code(&report.input.file));
    let _ = writeln!(
        out,
        "{} entries analysed, {} with findings: **{} errors**, {} warnings, {} infos. (authlens {})\n",
        report.input.entries,
        report.entries.len(),
        s.errors,
        s.warnings,
        s.infos,
        report.version
    );
    for n in &report.notices {
        let _ = writeln!(out, "> **Note: {}.** {}\n>", n.title, n.explanation);
        for (i, step) in n.steps.iter().enumerate() {
            let _ = writeln!(out, "> {}. {step}", i + 1);
        }
        let _ = writeln!(out);
    }
    for e in &report.entries {
        let _ = writeln!(out, "## #{} {} {} → {}\n", e.index, e.method, code(&e.url), status_text(e.status));
        for f in &e.findings {
            finding(&mut out, f);
        }
    }
    if report.entries.is_empty() {
        let _ = writeln!(out, "No authentication, cookie or CORS problems found.");
    }
    out
}

/// One flagged request as Markdown ("Copy report"): its findings and headers, as redacted or
/// revealed as the caller made them (the popup passes the header lines it already redacted, so
/// each header is judged once); `reveal` picks the URL's redaction and the footer.
pub fn entry_markdown<'h>(
    ex: &Exchange<'_>,
    findings: &[Finding],
    request_headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    response_headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    reveal: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {} {} → {}\n", ex.method, code(&shown_url(&ex.url, reveal)), status_text(ex.status));
    if let Some(err) = &ex.error {
        let _ = writeln!(out, "Network error: {}\n", code(err));
    }
    for f in findings {
        finding(&mut out, f);
    }
    let block = |out: &mut String, title: &str, headers: &mut dyn Iterator<Item = (&'h str, &'h str)>| {
        let mut body = String::new();
        for (name, value) in headers {
            let _ = writeln!(body, "{name}: {value}");
        }
        if body.is_empty() {
            return;
        }
        let _ = writeln!(out, "<details><summary>{title}</summary>\n");
        fenced(out, "http", &body);
        let _ = writeln!(out, "\n</details>\n");
    };
    block(&mut out, "Request headers", &mut request_headers.into_iter());
    block(&mut out, "Response headers", &mut response_headers.into_iter());
    if reveal {
        let _ =
            writeln!(out, "_Generated by AuthLens {}; secrets shown in full (Reveal secrets was on)._", super::VERSION);
    } else {
        let _ = writeln!(out, "_Generated by AuthLens {}; secrets redacted._", super::VERSION);
    }
    out
}

/// A URL as a report shows it: tokens and passwords redacted unless `reveal`.
fn shown_url(url: &str, reveal: bool) -> String {
    if reveal { url.to_string() } else { redact_url(url) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Server text can never become an image, a link, HTML or a heading, whatever it quotes.
    #[test]
    fn server_text_is_inert() {
        for hostile in [
            "![x](https://evil.example/px.gif)",
            "a` ![x](https://evil.example/px.gif) `b",
            "``` ![x](https://evil.example/px.gif)",
            "<img src=https://evil.example/px.gif>",
            "[click](javascript:alert(1))\n# Heading",
        ] {
            let p = prose(&format!("The server said `{hostile}`."));
            // Outside code spans no unescaped `[`, `<` or `!` is left.
            let mut outside = String::new();
            let mut in_code = false;
            let mut prev = ' ';
            for c in p.chars() {
                if c == '`' && prev != '\\' {
                    in_code = !in_code;
                } else if !in_code && prev != '\\' {
                    outside.push(c);
                }
                prev = if prev == '\\' && c == '\\' { ' ' } else { c };
            }
            assert!(!outside.contains('[') && !outside.contains('<') && !outside.contains('!'), "{hostile:?} → {p}");
            assert!(!p.contains('\n'), "{p}");
        }
        assert_eq!(prose("use `Secure` on invalid_token"), "use `Secure` on invalid\\_token");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a\nb"), "`a b`");
    }
}
