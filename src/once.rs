//! Headless output: one snapshot as JSON (the contract), as plain tables or
//! as CSV. Tables and CSV come from the rooms' column specs, the same ones the
//! dashboard draws.

use std::fmt::Write;

use crate::app::model::Model;
use crate::app::tables::ctx;
use crate::export::{Cells, Section, SectionColumn};
use crate::snapshot::Snapshot;

pub fn json(s: &Snapshot) -> String {
    let out = serde_json::to_string_pretty(s).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    let mut out = json_safe(out);
    out.push('\n');
    out
}

/// serde_json escapes C0 controls; DEL and the C1 controls (which some
/// terminals act on) are escaped here too. They can only occur inside JSON
/// strings, where `\u00XX` means the same character.
pub fn json_safe(s: String) -> String {
    if !s.chars().any(|c| c.is_control()) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Every room's tables, then the errors.
fn sections(m: &Model, cells: Cells) -> Vec<Section> {
    let cx = ctx(m);
    let mut out: Vec<Section> = crate::services::ServiceKind::ALL
        .iter()
        .flat_map(|k| k.room().sections(&m.data.feeds, &cx, cells))
        .collect();
    out.push(errors(m, cells));
    out
}

fn errors(m: &Model, cells: Cells) -> Section {
    let col = |key: &'static str| SectionColumn {
        title: key.to_ascii_uppercase(),
        key,
        numeric: false,
        shown: true,
    };
    let d = &m.data;
    let errors = d
        .account_error
        .iter()
        .chain(crate::services::ServiceKind::ALL.iter().flat_map(|k| {
            d.feeds
                .regions(*k)
                .values()
                .filter_map(|s| s.error.as_ref())
        }));
    Section {
        name: "errors".into(),
        columns: ["service", "region", "operation", "message"]
            .map(col)
            .to_vec(),
        rows: errors
            .map(|e| {
                vec![
                    e.service.clone(),
                    e.region.clone(),
                    e.operation.clone(),
                    e.message.clone(),
                ]
            })
            .collect(),
        cells,
    }
}

pub fn table(m: &Model, s: &Snapshot) -> String {
    let mut o = String::new();
    let acct = s.account.id.as_deref().unwrap_or("?");
    let _ = writeln!(
        o,
        "awstop {} snapshot of {acct} ({}) at {}, window {} min",
        s.source,
        s.account.regions.join(","),
        s.taken_at.to_rfc3339(),
        s.window_minutes
    );
    for sec in sections(m, Cells::Shown) {
        if sec.name == "errors" && sec.rows.is_empty() {
            continue;
        }
        let _ = write!(o, "\n{}\n{}", sec.name.to_ascii_uppercase(), sec.table());
    }
    crate::fmt::escape_controls_keeping_lines(&o)
}

/// One CSV section per table, each after a `# name` line and separated by a
/// blank line; unknown values are empty cells, times RFC 3339.
pub fn csv(m: &Model) -> String {
    let mut out = String::new();
    for sec in sections(m, Cells::Exact) {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = write!(out, "# {}\n{}", sec.name, sec.csv());
    }
    out
}
