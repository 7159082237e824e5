//! The evaluation corpus of issue 10 (`tests/corpus/`): captures the way users export them, each
//! failing entry with the root cause it must show first, written before the tool ran on them.
//!
//! Every capture goes through the path of `authlens check` (`har::parse_bytes`,
//! `diagnose::diagnose_capture`, `report::Report::build`, then the text, Markdown and JSON renderings). The test prints the top-1 rate (the first
//! finding of a failing entry is its expected id or an allowed alternate), the failing entries left
//! without any finding, the false alarms (error findings on healthy captures) and a table of every
//! miss with the tool's top three. It then holds the figures to `tests/corpus/baseline.json`, the
//! misses of today, so the rate can only go up: a new miss fails, and so does a listed miss that now
//! passes (remove it from the baseline; `CORPUS_BLESS=1` does that, and never adds anything).

use authlens::catalogue::{FindingId, Severity};
use authlens::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Stories {
    stories: Vec<Story>,
}

#[derive(Deserialize)]
struct Story {
    file: String,
    class: String,
    style: String,
    entries: usize,
    healthy: bool,
    failures: Vec<Failure>,
    gaps: Vec<Gap>,
}

#[derive(Deserialize)]
struct Failure {
    entry: usize,
    method: String,
    url: String,
    expected: String,
    alternates: Vec<Alternate>,
}

#[derive(Deserialize)]
struct Alternate {
    id: String,
}

#[derive(Deserialize)]
struct Gap {
    entry: usize,
    method: String,
    url: String,
}

/// What is known to be wrong today; every list only shrinks.
#[derive(Default, Deserialize, Serialize)]
struct Baseline {
    /// `file#entry` of failing entries whose first finding is not the expected id.
    missed: BTreeSet<String>,
    /// `file#entry` of failing entries (graded or gaps) with no finding at all.
    silent: BTreeSet<String>,
    /// `file#entry` of entries of healthy captures with an error-severity finding.
    false_alarms: BTreeSet<String>,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// One row of the miss table.
struct Miss {
    key: String,
    expected: String,
    got: Vec<String>,
}

/// Per-group counts: graded entries and top-1 hits.
#[derive(Default)]
struct Tally {
    graded: usize,
    hits: usize,
}

impl Tally {
    fn line(&self) -> String {
        let pct = if self.graded == 0 { 100.0 } else { 100.0 * self.hits as f64 / self.graded as f64 };
        format!("{}/{} ({pct:.1}%)", self.hits, self.graded)
    }
}

/// What the run found, before it is compared with the baseline.
#[derive(Default)]
struct Outcome {
    all: Tally,
    by_class: BTreeMap<String, Tally>,
    by_style: BTreeMap<String, Tally>,
    misses: Vec<Miss>,
    missed: BTreeSet<String>,
    silent: BTreeSet<String>,
    false_alarms: BTreeSet<String>,
    alarm_rows: Vec<String>,
    /// Warn-level findings on healthy captures: not false alarms by §0.3, but printed for whoever tunes.
    healthy_warnings: Vec<String>,
    /// Top-1 hits on the expected id alone (without alternates).
    strict_hits: usize,
    /// `file#entry: id` of hits through an alternate.
    alternate_hits: Vec<String>,
    healthy: usize,
}

/// The ranked finding ids and severities of every flagged entry, by capture index, as
/// `authlens check` reports them; panics (a test failure) when the file is not a HAR the
/// importer reads or an expectation names the wrong entry.
fn check(story: &Story) -> BTreeMap<usize, Vec<(String, Severity)>> {
    let path = dir().join(&story.file);
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (run tests/corpus/make_corpus.py)", story.file));
    let capture = authlens::har::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{}: not imported: {e}", story.file));
    assert_eq!(
        capture.exchanges.len(),
        story.entries,
        "{}: the importer kept a different number of entries",
        story.file
    );
    let named = story.failures.iter().map(|f| (f.entry, &f.method, &f.url));
    for (i, method, url) in named.chain(story.gaps.iter().map(|g| (g.entry, &g.method, &g.url))) {
        let x = capture.exchanges.get(i).unwrap_or_else(|| panic!("{}#{i}: no such entry", story.file));
        assert_eq!(
            (x.method.as_ref(), x.url.as_ref()),
            (method.as_str(), url.as_str()),
            "{}#{i}: stories.json names another entry",
            story.file
        );
    }
    let diagnoses = authlens::diagnose::diagnose_capture(&capture);
    let report = Report::build(&story.file, &capture, &diagnoses, false);
    // Everything `authlens check` prints must render too (a panic here would kill the wasm module).
    let _ = (authlens::report::text::render(&report, false), authlens::report::markdown::render(&report));
    serde_json::to_string(&report).unwrap_or_else(|e| panic!("{}: JSON report: {e}", story.file));
    report
        .entries
        .iter()
        .map(|e| (e.index, e.findings.iter().map(|f| (f.id.as_str().to_string(), f.severity)).collect()))
        .collect()
}

fn run(stories: &[Story]) -> Outcome {
    let mut out = Outcome::default();
    for story in stories {
        let found = check(story);
        let ids_at = |i: usize| -> Vec<String> {
            found.get(&i).map(|v| v.iter().map(|(id, _)| id.clone()).collect()).unwrap_or_default()
        };
        if story.healthy {
            out.healthy += 1;
            for (i, findings) in &found {
                let errors: Vec<&str> =
                    findings.iter().filter(|(_, s)| *s == Severity::Error).map(|(id, _)| id.as_str()).collect();
                let warnings: Vec<&str> =
                    findings.iter().filter(|(_, s)| *s == Severity::Warn).map(|(id, _)| id.as_str()).collect();
                if !warnings.is_empty() {
                    out.healthy_warnings.push(format!("{}#{i}: {}", story.file, warnings.join(", ")));
                }
                if !errors.is_empty() {
                    let key = format!("{}#{i}", story.file);
                    out.alarm_rows.push(format!("{key}: {}", errors.join(", ")));
                    out.false_alarms.insert(key);
                }
            }
        }
        for f in &story.failures {
            let key = format!("{}#{}", story.file, f.entry);
            let got = ids_at(f.entry);
            let hit =
                got.first().is_some_and(|first| *first == f.expected || f.alternates.iter().any(|a| a.id == *first));
            for t in [
                &mut out.all,
                out.by_class.entry(story.class.clone()).or_default(),
                out.by_style.entry(story.style.clone()).or_default(),
            ] {
                t.graded += 1;
                t.hits += usize::from(hit);
            }
            out.strict_hits += usize::from(got.first() == Some(&f.expected));
            if hit && got.first() != Some(&f.expected) {
                out.alternate_hits.push(format!(
                    "{key}: {} (expected {})",
                    got.first().map_or("", String::as_str),
                    f.expected
                ));
            }
            if got.is_empty() {
                out.silent.insert(key.clone());
            }
            if !hit {
                out.missed.insert(key.clone());
                out.misses.push(Miss { key, expected: f.expected.clone(), got: got.into_iter().take(3).collect() });
            }
        }
        for g in &story.gaps {
            if ids_at(g.entry).is_empty() {
                out.silent.insert(format!("{}#{}", story.file, g.entry));
            }
        }
    }
    out
}

fn print(out: &Outcome, stories: &[Story]) {
    let failing = stories.iter().filter(|s| !s.healthy).count();
    println!(
        "corpus: {} captures ({failing} failure stories, {} healthy); top-1 {}; failing entries without a finding: {}; \
         false alarms (error findings on healthy captures): {}",
        stories.len(),
        out.healthy,
        out.all.line(),
        out.silent.len(),
        out.false_alarms.len()
    );
    println!("  top-1 on the expected id alone (no alternates): {}/{}", out.strict_hits, out.all.graded);
    out.alternate_hits.iter().for_each(|r| println!("    through an alternate: {r}"));
    for (name, group) in [("class", &out.by_class), ("export", &out.by_style)] {
        let parts: Vec<String> = group.iter().map(|(k, t)| format!("{k} {}", t.line())).collect();
        println!("  by {name}: {}", parts.join(" · "));
    }
    if !out.misses.is_empty() {
        println!("\n| capture#entry | expected | tool's top 3 |\n|---|---|---|");
        for m in &out.misses {
            let got = if m.got.is_empty() { "(no finding)".to_string() } else { m.got.join(", ") };
            println!("| {} | {} | {got} |", m.key, m.expected);
        }
    }
    if !out.healthy_warnings.is_empty() {
        println!("\nwarnings on healthy captures (not false alarms, shown for tuning):");
        out.healthy_warnings.iter().for_each(|r| println!("  {r}"));
    }
    if !out.alarm_rows.is_empty() {
        println!("\nfalse alarms:");
        out.alarm_rows.iter().for_each(|r| println!("  {r}"));
    }
}

/// Differences between `now` and the `listed` baseline: new entries, and listed ones that pass.
fn ratchet(what: &str, now: &BTreeSet<String>, listed: &BTreeSet<String>, errors: &mut Vec<String>) {
    for k in now.difference(listed) {
        errors.push(format!("new {what}: {k}"));
    }
    for k in listed.difference(now) {
        errors.push(format!("{k} is listed in baseline.json `{what}` but now passes: remove it from the baseline"));
    }
}

#[test]
fn corpus_top1_silence_and_false_alarms() {
    let text = std::fs::read_to_string(dir().join("stories.json")).expect("tests/corpus/stories.json");
    let stories: Stories = serde_json::from_str(&text).expect("stories.json parses");
    let stories = stories.stories;
    assert!(stories.iter().filter(|s| !s.healthy).count() >= 44, "at least 44 failure stories");
    assert!(stories.iter().filter(|s| s.healthy).count() >= 10, "at least 10 healthy captures");
    for s in &stories {
        assert_eq!(s.healthy, s.failures.is_empty() && s.gaps.is_empty(), "{}: healthy means no failing entry", s.file);
        for f in &s.failures {
            for id in std::iter::once(&f.expected).chain(f.alternates.iter().map(|a| &a.id)) {
                assert!(FindingId::parse(id).is_some(), "{}#{}: {id} is not a catalogue id", s.file, f.entry);
            }
        }
    }

    let out = run(&stories);
    print(&out, &stories);

    let path = dir().join("baseline.json");
    let base: Baseline = std::fs::read_to_string(&path)
        .ok()
        .map(|t| serde_json::from_str(&t).expect("baseline.json parses"))
        .unwrap_or_default();
    if std::env::var("CORPUS_BLESS").is_ok_and(|v| v == "1") {
        // Only ever removes: what passes now leaves the baseline, nothing new enters it.
        let keep = |listed: &BTreeSet<String>, now: &BTreeSet<String>| listed.intersection(now).cloned().collect();
        let blessed = Baseline {
            missed: keep(&base.missed, &out.missed),
            silent: keep(&base.silent, &out.silent),
            false_alarms: keep(&base.false_alarms, &out.false_alarms),
        };
        let mut json = serde_json::to_string_pretty(&blessed).expect("baseline serialises");
        json.push('\n');
        std::fs::write(&path, json).expect("baseline.json written");
        println!("baseline.json blessed (entries that pass now removed)");
        return;
    }
    let mut errors = Vec::new();
    ratchet("missed", &out.missed, &base.missed, &mut errors);
    ratchet("silent", &out.silent, &base.silent, &mut errors);
    ratchet("false_alarms", &out.false_alarms, &base.false_alarms, &mut errors);
    assert!(errors.is_empty(), "corpus against tests/corpus/baseline.json:\n  {}", errors.join("\n  "));
}
