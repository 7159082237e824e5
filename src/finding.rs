//! Findings: what a rule concluded about one exchange, with its evidence and its fix.
//!
//! Findings are data, not errors. Their JSON form is the contract of `authlens check --format json`
//! (see README): `id, severity, title, explanation, evidence[{label,value}], fix{summary, steps, snippets[{lang,code}]},
//! source, related[]`. Secret evidence carries its raw value only in memory, behind `raw`, and is
//! serialised redacted unless a report is explicitly built with secrets revealed.

use crate::catalogue::{FindingId, Severity};
use crate::secret::{Exposure, Secret};
use serde::Serialize;

/// How the finding was established (DIAGNOSES.md §0.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Signal {
    /// The browser said so (a CDP enum, a blocked-cookie reason).
    Reported,
    /// Deduced from headers, timing or the server's own error text.
    Inferred,
    /// Nothing fails yet, but it will (later, or in another browser).
    Predictive,
}

/// One labelled piece of evidence. `value` is always safe to show; `raw` holds the secret
/// original when `value` is a redaction of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    pub label: String,
    pub value: String,
    #[serde(skip)]
    pub raw: Option<Secret>,
}

impl Evidence {
    /// Plain, non-secret evidence.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Evidence { label: label.into(), value: value.into(), raw: None }
    }

    /// Secret evidence: shown redacted unless the user reveals secrets.
    pub fn secret(label: impl Into<String>, value: &str, exposure: Exposure) -> Self {
        let raw = Secret::new(value, exposure);
        Evidence { label: label.into(), value: raw.redacted(), raw: Some(raw) }
    }
}

/// A configuration or code snippet that applies the fix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snippet {
    /// `nginx`, `apache`, `express`, `http`, `js`, `spring`, `aspnet`, `django`, `shell` …
    pub lang: String,
    pub code: String,
}

/// What to change.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Fix {
    pub summary: String,
    pub steps: Vec<String>,
    pub snippets: Vec<Snippet>,
}

impl Fix {
    /// A fix with a summary and no steps yet.
    pub fn new(summary: impl Into<String>) -> Self {
        Fix { summary: summary.into(), steps: Vec::new(), snippets: Vec::new() }
    }

    /// Adds a step.
    pub fn step(mut self, s: impl Into<String>) -> Self {
        self.steps.push(s.into());
        self
    }

    /// Adds a snippet.
    pub fn snippet(mut self, lang: &str, code: impl Into<String>) -> Self {
        self.snippets.push(Snippet { lang: lang.to_string(), code: code.into() });
        self
    }
}

/// How many findings of each severity: the `summary` of `check` and `audit` reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    /// Counts one finding of severity `s`.
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warn => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// One diagnosis for one exchange.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub id: FindingId,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub evidence: Vec<Evidence>,
    pub fix: Fix,
    pub source: String,
    /// Indexes of related exchanges in the capture (the preflight, the login that set the cookie…).
    pub related: Vec<usize>,
    #[serde(skip)]
    pub signal: Signal,
    /// Rule-specific confidence in [0, 100]; only used to order findings of equal precedence.
    #[serde(skip)]
    pub confidence: u8,
    /// This finding explains a more specific-looking one on the same exchange (a skewed clock that
    /// made the app send an expired token): it ranks with the causes that stop a credential.
    #[serde(skip)]
    pub leads: bool,
}

impl Finding {
    /// A finding with the catalogue's title, severity and sources; rules then add the rest.
    pub fn new(id: FindingId, explanation: impl Into<String>, fix: Fix) -> Self {
        Finding {
            id,
            severity: id.default_severity(),
            title: id.title().to_string(),
            explanation: explanation.into(),
            evidence: Vec::new(),
            fix,
            source: id.catalogue_source().to_string(),
            related: Vec::new(),
            signal: Signal::Inferred,
            confidence: 50,
            leads: false,
        }
    }

    /// Sets the severity (where the catalogue allows a rule to lower or raise it).
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    /// Sets the signal.
    pub fn signal(mut self, s: Signal) -> Self {
        self.signal = s;
        self
    }

    /// Sets the confidence (0–100).
    pub fn confidence(mut self, c: u8) -> Self {
        self.confidence = c.min(100);
        self
    }

    /// Marks this finding as the explanation of the other findings of its exchange (see `leads`).
    pub fn leads(mut self) -> Self {
        self.leads = true;
        self
    }

    /// Replaces the catalogue title with a more specific one.
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = t.into();
        self
    }

    /// Replaces the catalogue source with a precise citation.
    pub fn source(mut self, s: impl Into<String>) -> Self {
        self.source = s.into();
        self
    }

    /// Adds one piece of evidence.
    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence.push(e);
        self
    }

    /// Adds plain evidence.
    pub fn with(self, label: impl Into<String>, value: impl Into<String>) -> Self {
        self.evidence(Evidence::new(label, value))
    }

    /// Points at a related exchange.
    pub fn related(mut self, index: usize) -> Self {
        if !self.related.contains(&index) {
            self.related.push(index);
        }
        self
    }

    /// The same finding with every secret shown in full (only on an explicit user choice).
    pub fn revealed(&self) -> Finding {
        let mut f = self.clone();
        for e in &mut f.evidence {
            if let Some(raw) = e.raw.take() {
                e.value = raw.expose().to_string();
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_evidence_serialises_redacted_and_reveals_on_request() {
        let f = Finding::new(FindingId::JwtExpired, "x", Fix::new("y")).evidence(Evidence::secret(
            "token",
            "eyJabcdefghijklmnop",
            Exposure::Prefix,
        ));
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("eyJabcdefghijklmnop"), "{json}");
        assert!(!json.contains("\"raw\""));
        let shown = serde_json::to_string(&f.revealed()).unwrap();
        assert!(shown.contains("eyJabcdefghijklmnop"));
    }

    #[test]
    fn contract_fields_only() {
        let f = Finding::new(FindingId::NoCredentialsSent, "x", Fix::new("y"));
        let v: serde_json::Value = serde_json::to_value(&f).unwrap();
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["evidence", "explanation", "fix", "id", "related", "severity", "source", "title"]);
        assert_eq!(v["id"], "no-credentials-sent");
        assert_eq!(v["severity"], "error");
    }
}
