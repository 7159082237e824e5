//! Helpers the integration tests share.

use std::path::{Path, PathBuf};

/// Every golden scenario file under `dir` (`tests/scenarios/**/*.json`), in a stable order.
pub fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut items: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    items.sort();
    for p in items {
        if p.is_dir() {
            scenario_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}
