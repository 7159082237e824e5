//! The text and Markdown renderings of an audit (`authlens audit`, the audit page's export):
//! counts and grades first, then the findings with their fix and the browser matrix.
//!
//! Renders only what the report holds, so secrets are exactly as redacted (or revealed) as the
//! audit was built; network text goes through the Markdown escapes of `markdown`.

use super::markdown::{code, fenced, prose};
use super::text::Style;
use crate::audit::engines::{Engine, Verdict};
use crate::audit::{AuditFinding, Report};
use std::fmt::Write as _;

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Works => "works",
        Verdict::Blocked => "blocked",
        Verdict::Changing => "changing",
    }
}

fn engine_name(e: Engine) -> &'static str {
    match e {
        Engine::Chromium => "Chromium",
        Engine::Firefox => "Firefox",
        Engine::Safari => "Safari",
    }
}

/// The audit for a terminal; `color` turns on ANSI escapes.
pub fn text(r: &Report, color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  grade {} ({}/100): {} errors, {} warnings, {} notes",
        st.bold("AuthLens audit"),
        r.input.file,
        st.bold(r.grade.as_str()),
        r.score,
        r.summary.errors,
        r.summary.warnings,
        r.summary.infos
    );
    let areas: Vec<String> = r.areas.iter().map(|a| format!("{} {}", a.area.as_str(), a.grade.as_str())).collect();
    let _ = writeln!(out, "{}", st.dim(&format!("areas: {}", areas.join(" · "))));
    let engines: Vec<String> = r
        .browsers
        .iter()
        .map(|b| format!("{}: {} blocked, {} changing", engine_name(b.browser), b.blocked, b.changing))
        .collect();
    let _ = writeln!(out, "{}\n", st.dim(&format!("browsers: {}", engines.join(" · "))));
    for f in &r.findings {
        let _ = writeln!(
            out,
            "{} [{}] {} ({})",
            st.severity(f.severity),
            f.area.as_str(),
            st.bold(&f.title),
            f.id.as_str()
        );
        for line in f.explanation.lines() {
            let _ = writeln!(out, "    {line}");
        }
        for e in &f.evidence {
            let _ = writeln!(out, "    {}: {}", e.label, e.value);
        }
        let entries: Vec<String> = f.entries.iter().map(|i| format!("#{i}")).collect();
        let _ = writeln!(out, "    entries: {}", entries.join(", "));
        if !f.browsers.is_empty() {
            let m: Vec<String> =
                f.browsers.iter().map(|b| format!("{} {}", engine_name(b.browser), verdict_word(b.verdict))).collect();
            let _ = writeln!(out, "    browsers: {}", m.join(" · "));
        }
        let _ = writeln!(out, "    fix: {}", f.fix.summary);
        for s in &f.fix.snippets {
            let _ = writeln!(out, "    [{}]", s.lang);
            for line in s.code.lines() {
                let _ = writeln!(out, "      {line}");
            }
        }
        let _ = writeln!(out);
    }
    if r.findings.is_empty() {
        let _ = writeln!(out, "No problems found in this flow.");
    }
    out
}

/// The audit as Markdown (inert: network text cannot become a link, an image or HTML).
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# AuthLens audit: {}\n", code(&r.input.file));
    let _ = writeln!(
        out,
        "**Grade {}** ({}/100) · {} errors · {} warnings · {} notes · {} entries\n",
        r.grade.as_str(),
        r.score,
        r.summary.errors,
        r.summary.warnings,
        r.summary.infos,
        r.input.entries
    );
    let _ = writeln!(out, "| area | grade | errors | warnings | notes |\n|---|---|---|---|---|");
    for a in &r.areas {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            a.area.as_str(),
            a.grade.as_str(),
            a.errors,
            a.warnings,
            a.infos
        );
    }
    let _ = writeln!(out);
    let matrix: Vec<&AuditFinding> = r.findings.iter().filter(|f| !f.browsers.is_empty()).collect();
    if !matrix.is_empty() {
        let _ = writeln!(out, "## Across browsers\n\n| finding | Chromium | Firefox | Safari |\n|---|---|---|---|");
        for f in matrix {
            let cell =
                |e: Engine| f.browsers.iter().find(|b| b.browser == e).map(|b| verdict_word(b.verdict)).unwrap_or("—");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(f.id.as_str()),
                cell(Engine::Chromium),
                cell(Engine::Firefox),
                cell(Engine::Safari)
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Findings\n");
    if r.findings.is_empty() {
        let _ = writeln!(out, "No problems found in this flow.\n");
    }
    for f in &r.findings {
        let _ = writeln!(
            out,
            "### {} — {} ({}, {})\n",
            f.severity.as_str().to_uppercase(),
            prose(&f.title),
            code(f.id.as_str()),
            f.area.as_str()
        );
        let _ = writeln!(out, "{}\n", prose(f.explanation.trim()));
        if !f.evidence.is_empty() {
            for e in &f.evidence {
                let _ = writeln!(out, "- {}: {}", prose(&e.label), code(&e.value));
            }
            let _ = writeln!(out);
        }
        for b in &f.browsers {
            let _ = writeln!(out, "- {}: **{}** — {}", engine_name(b.browser), verdict_word(b.verdict), prose(&b.note));
        }
        if !f.browsers.is_empty() {
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "**Fix:** {}\n", prose(f.fix.summary.trim()));
        for s in &f.fix.snippets {
            fenced(&mut out, &s.lang, &s.code);
            let _ = writeln!(out);
        }
        let entries: Vec<String> = f.entries.iter().map(|i| format!("#{i}")).collect();
        let _ = writeln!(out, "_Entries: {} · Source: {}_\n", entries.join(", "), prose(&f.source));
    }
    out
}
