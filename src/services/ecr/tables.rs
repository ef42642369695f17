//! The repositories and images tables: one column spec each.

use super::domain::{Finding, Findings, Image, Repository};
use crate::fmt::age;
use crate::table::{age_s, Cell, Column, Ctx, Row, SortKey, Tone, Value};

fn n(v: usize) -> SortKey<'static> {
    SortKey::Num(Some(v as f64))
}

fn stale(r: &Repository, cx: &Ctx) -> usize {
    r.images.iter().filter(|i| i.stale(cx.now)).count()
}

fn ago(t: Option<chrono::DateTime<chrono::Utc>>, cx: &Ctx, none: &str) -> String {
    t.map(|t| age(cx.now - t)).unwrap_or_else(|| none.into())
}

impl Row for Repository {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 20, 0, false, |r, _| SortKey::Text(&r.name), |r, _| {
            Cell::plain(r.name.clone())
        }),
        Column::<Self>::new("IMAGES", "image_count", 6, 1, true, |r, _| n(r.images.len()), |r, _| {
            Cell::plain(r.image_count_text())
        }),
        Column::<Self>::new(
            "PUSHED",
            "latest_push_age_s",
            6,
            1,
            true,
            |r, cx| SortKey::Num(age_s(r.latest_push(), cx.now).map(|a| -a)),
            |r, cx| Cell::plain(ago(r.latest_push(), cx, "-")),
        )
        .exact(|r, cx| Value::Num(age_s(r.latest_push(), cx.now))),
        Column::<Self>::new("RUN CRIT", "running_critical", 8, 1, true, |r, _| n(r.running_critical() as usize), |r, _| {
            match r.running_critical() {
                0 => Cell::tone("0", Tone::Ok),
                c => Cell::tone(format!("!{c}"), Tone::Error),
            }
        }),
        Column::<Self>::new("STALE", "stale_images", 5, 2, true, |r, cx| n(stale(r, cx)), |r, cx| {
            // Images beyond the page read are likely the oldest: a floor.
            let more = if r.more { "+" } else { "" };
            match stale(r, cx) {
                0 => Cell::plain(format!("0{more}")),
                s => Cell::tone(format!("{s}{more}"), Tone::Warn),
            }
        }),
        Column::<Self>::new("SCAN", "scan_on_push", 6, 2, false, |r, _| SortKey::Text(if r.scan_on_push { "on push" } else { "off" }), |r, _| {
            if r.scan_on_push {
                Cell::tone("on push", Tone::Ok)
            } else {
                Cell::tone("!off", Tone::Warn)
            }
        })
        .exact(|r, _| Value::Text(if r.scan_on_push { "true" } else { "false" })),
        Column::<Self>::new("TAGS", "tag_mutability", 9, 3, false, |r, _| SortKey::Text(&r.tag_mutability), |r, _| {
            Cell::tone(r.tag_mutability.to_ascii_lowercase(), Tone::Muted)
        })
        .exact(|r, _| Value::Text(&r.tag_mutability)),
        Column::<Self>::new("ENCRYPTION", "encryption", 10, 4, false, |r, _| SortKey::Text(&r.encryption), |r, _| {
            Cell::tone(r.encryption.clone(), Tone::Muted)
        }),
        Column::<Self>::new("URI", "uri", 40, 9, false, |r, _| SortKey::Text(&r.uri), |r, _| Cell::plain(r.uri.clone()))
            .hidden(),
        Column::<Self>::new("LATEST PUSH", "latest_pushed_at", 20, 9, true, |r, _| SortKey::Num(r.latest_push().map(|t| t.timestamp() as f64)), |r, _| {
            Cell::plain(r.latest_push().map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|r, _| Value::Time(r.latest_push()))
        .hidden(),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn place(&self) -> Option<(&str, &str)> {
        Some((&self.account, &self.region))
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.uri]
    }
}

fn count(f: Option<&Findings>, pick: fn(&Findings) -> u32) -> SortKey<'static> {
    SortKey::Num(f.map(|f| pick(f) as f64))
}

fn severity(f: Option<&Findings>, pick: fn(&Findings) -> u32, tone: Tone) -> Cell {
    match f.map(pick) {
        None => Cell::tone("-", Tone::Muted),
        Some(0) => Cell::plain("0"),
        Some(n) if tone == Tone::Error => Cell::tone(format!("!{n}"), tone),
        Some(n) => Cell::tone(n.to_string(), tone),
    }
}

impl Row for Image {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("TAGS", "tags", 16, 0, false, |i, _| SortKey::Text(i.tags.first().map(String::as_str).unwrap_or("")), |i, _| {
            Cell::plain(i.tag_list())
        })
        .exact(|i, _| Value::Owned(i.tags.join(","))),
        Column::<Self>::new("DIGEST", "digest", 12, 2, false, |i, _| SortKey::Text(&i.digest), |i, _| {
            Cell::tone(i.short_digest().to_string(), Tone::Muted)
        })
        .fixed(),
        Column::<Self>::new("CRIT", "critical", 4, 0, true, |i, _| count(i.findings.as_ref(), |f| f.critical), |i, _| {
            severity(i.findings.as_ref(), |f| f.critical, Tone::Error)
        }),
        Column::<Self>::new("HIGH", "high", 4, 1, true, |i, _| count(i.findings.as_ref(), |f| f.high), |i, _| {
            severity(i.findings.as_ref(), |f| f.high, Tone::Warn)
        }),
        Column::<Self>::new("MED", "medium", 4, 4, true, |i, _| count(i.findings.as_ref(), |f| f.medium), |i, _| {
            severity(i.findings.as_ref(), |f| f.medium, Tone::Plain)
        }),
        Column::<Self>::new("LOW", "low", 4, 5, true, |i, _| count(i.findings.as_ref(), |f| f.low), |i, _| {
            severity(i.findings.as_ref(), |f| f.low, Tone::Plain)
        }),
        Column::<Self>::new("SIZE MB", "size_mb", 7, 3, true, |i, _| SortKey::Num(i.size_mb()), |i, _| {
            Cell::plain(i.size_mb().map(|m| format!("{m:.1}")).unwrap_or_else(|| "-".into()))
        }),
        Column::<Self>::new(
            "PUSHED",
            "pushed_age_s",
            6,
            1,
            true,
            |i, cx| SortKey::Num(age_s(i.pushed_at, cx.now).map(|a| -a)),
            |i, cx| Cell::plain(ago(i.pushed_at, cx, "-")),
        )
        .exact(|i, cx| Value::Num(age_s(i.pushed_at, cx.now))),
        Column::<Self>::new(
            "PULLED",
            "pulled_age_s",
            6,
            2,
            true,
            |i, cx| SortKey::Num(age_s(i.last_pulled_at, cx.now).map(|a| -a)),
            |i, cx| {
                let text = ago(i.last_pulled_at, cx, "never");
                if i.stale(cx.now) {
                    Cell::tone(format!("!{text}"), Tone::Warn)
                } else {
                    Cell::plain(text)
                }
            },
        )
        .exact(|i, cx| Value::Num(age_s(i.last_pulled_at, cx.now))),
        Column::<Self>::new("SCAN", "scan_status", 9, 4, false, |i, _| SortKey::Text(i.scan_status.as_deref().unwrap_or("")), |i, _| {
            Cell::tone(i.scan_status.clone().unwrap_or_else(|| "-".into()), Tone::Muted)
        }),
        Column::<Self>::new(
            "USED BY",
            "used_by",
            20,
            1,
            false,
            |i, _| SortKey::Text(i.used_by.first().map(String::as_str).unwrap_or("")),
            |i, _| Cell::plain(i.used_by.join(" ")),
        )
        .exact(|i, _| Value::Owned(i.used_by.join(" "))),
        Column::<Self>::new("PUSHED AT", "pushed_at", 20, 9, true, |i, _| SortKey::Num(i.pushed_at.map(|t| t.timestamp() as f64)), |i, _| {
            Cell::plain(i.pushed_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|i, _| Value::Time(i.pushed_at))
        .hidden(),
        Column::<Self>::new("PULLED AT", "last_pulled_at", 20, 9, true, |i, _| SortKey::Num(i.last_pulled_at.map(|t| t.timestamp() as f64)), |i, _| {
            Cell::plain(i.last_pulled_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|i, _| Value::Time(i.last_pulled_at))
        .hidden(),
    ];
    /// Newest push first.
    const DEFAULT_SORT: usize = 7;
    fn key(&self) -> &str {
        &self.digest
    }
    fn filter_text(&self) -> [&str; 2] {
        [self.tags.first().map(String::as_str).unwrap_or(""), &self.digest]
    }
}

/// Worst first: CRITICAL 5 down to an unknown severity's 0.
fn severity_score(f: &Finding) -> f64 {
    match f.severity.as_str() {
        "CRITICAL" => 5.0,
        "HIGH" => 4.0,
        "MEDIUM" => 3.0,
        "LOW" => 2.0,
        "INFORMATIONAL" => 1.0,
        _ => 0.0,
    }
}

/// An image's findings: a table, so a long list scrolls like any other.
impl Row for Finding {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("SEVERITY", "severity", 9, 0, false, |f, _| SortKey::Num(Some(severity_score(f))), |f, _| {
            let tone = match f.severity.as_str() {
                "CRITICAL" => Tone::Error,
                "HIGH" => Tone::Warn,
                _ => Tone::Muted,
            };
            Cell::tone(f.severity.clone(), tone)
        })
        .exact(|f, _| Value::Text(&f.severity)),
        Column::<Self>::new("FINDING", "name", 20, 0, false, |f, _| SortKey::Text(&f.name), |f, _| {
            Cell::plain(f.name.clone())
        }),
        Column::<Self>::new(
            "PACKAGE",
            "package",
            20,
            1,
            false,
            |f, _| SortKey::Text(f.package.as_deref().unwrap_or("")),
            |f, _| Cell::tone(f.package.clone().unwrap_or_default(), Tone::Muted),
        ),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, self.package.as_deref().unwrap_or("")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_per_table() {
        let a: HashSet<_> = Repository::COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(a.len(), Repository::COLUMNS.len());
        let b: HashSet<_> = Image::COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(b.len(), Image::COLUMNS.len());
        assert_eq!(Image::COLUMNS[Image::DEFAULT_SORT].key, "pushed_age_s");
    }
}
