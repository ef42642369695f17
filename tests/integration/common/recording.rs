//! Editing recordings as someone without the private key can: read and write
//! their lines, and recompute the hash chain after an edit.

use std::path::Path;

use serde_json::Value;

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

pub fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

pub fn sha256(s: &str) -> String {
    awstop::record::sha256_hex(s.as_bytes())
}

/// Recomputes every `prev` after an edit.
pub fn rechain(lines: &mut [String]) {
    for i in 1..lines.len() {
        let mut v: Value = serde_json::from_str(&lines[i]).unwrap();
        v["prev"] = Value::String(sha256(&lines[i - 1]));
        lines[i] = serde_json::to_string(&v).unwrap();
    }
}
