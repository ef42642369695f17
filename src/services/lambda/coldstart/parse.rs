//! Lambda REPORT records: the only place cold starts are written down.
//!
//! One parser for every form Lambda emits (text, JSON log format, SnapStart,
//! timeouts, X-Ray segments). It never panics: lines that are not REPORT records
//! are `NotReport`, REPORT records it cannot read are `Malformed`.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub request_id: String,
    pub duration_ms: f64,
    pub billed_ms: Option<f64>,
    pub memory_mb: Option<u32>,
    pub max_memory_mb: Option<u32>,
    pub init_ms: Option<f64>,
    pub restore_ms: Option<f64>,
    pub status: Option<String>,
}

impl Report {
    pub fn is_cold(&self) -> bool {
        self.init_ms.is_some() || self.restore_ms.is_some()
    }

    /// The cold start alone: Init Duration, or a SnapStart Restore Duration.
    /// Neither includes the handler's Duration, so restores and inits compare
    /// like for like.
    pub fn cold_start_ms(&self) -> Option<f64> {
        self.init_ms.or(self.restore_ms)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Report(Report),
    NotReport,
    Malformed,
}

pub fn parse(line: &str) -> Parsed {
    let line = line.trim();
    if line.starts_with('{') {
        parse_json(line)
    } else if let Some(rest) = line.strip_prefix("REPORT") {
        parse_text(rest)
    } else {
        Parsed::NotReport
    }
}

fn parse_text(rest: &str) -> Parsed {
    let mut report = Report {
        request_id: String::new(),
        duration_ms: f64::NAN,
        billed_ms: None,
        memory_mb: None,
        max_memory_mb: None,
        init_ms: None,
        restore_ms: None,
        status: None,
    };
    // Fields are tab separated; some shippers turn tabs into runs of spaces, so
    // fall back to splitting before each known key.
    for field in split_fields(rest) {
        let Some((key, value)) = field.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "RequestId" => report.request_id = value.to_string(),
            "Duration" => report.duration_ms = number(value).unwrap_or(f64::NAN),
            "Billed Duration" => report.billed_ms = number(value),
            "Memory Size" => report.memory_mb = number(value).map(|v| v as u32),
            "Max Memory Used" => report.max_memory_mb = number(value).map(|v| v as u32),
            "Init Duration" => report.init_ms = number(value),
            "Restore Duration" => report.restore_ms = number(value),
            "Status" => report.status = Some(value.to_string()),
            _ => {} // X-Ray segments, billed restore and future fields
        }
    }
    if report.request_id.is_empty() || !report.duration_ms.is_finite() {
        return Parsed::Malformed;
    }
    Parsed::Report(report)
}

const KEYS: [&str; 12] = [
    "RequestId:",
    "Duration:",
    "Billed Duration:",
    "Memory Size:",
    "Max Memory Used:",
    "Init Duration:",
    "Restore Duration:",
    "Billed Restore Duration:",
    "Status:",
    "Error Type:",
    "XRAY TraceId:",
    "SegmentId:",
];

fn split_fields(rest: &str) -> Vec<&str> {
    if rest.contains('\t') {
        return rest.split('\t').collect();
    }
    // Longest keys first, so "Duration:" inside "Billed Duration:" is not taken
    // for a field of its own.
    let mut keys = KEYS;
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for key in keys {
        let mut from = 0;
        while let Some(pos) = rest[from..].find(key) {
            let (s, e) = (from + pos, from + pos + key.len());
            if !taken.iter().any(|(ts, te)| s < *te && *ts < e) {
                taken.push((s, e));
            }
            from = e;
        }
    }
    taken.sort_unstable();
    let mut fields = Vec::with_capacity(taken.len());
    for (i, (s, _)) in taken.iter().enumerate() {
        let end = taken.get(i + 1).map(|t| t.0).unwrap_or(rest.len());
        fields.push(&rest[*s..end]);
    }
    fields
}

fn number(value: &str) -> Option<f64> {
    let n = value.split_whitespace().next()?.parse::<f64>().ok()?;
    n.is_finite().then_some(n)
}

fn parse_json(line: &str) -> Parsed {
    if !line.contains("platform.report") {
        return Parsed::NotReport;
    }
    let Ok(v) = serde_json::from_str::<Value>(line) else {
        return Parsed::Malformed;
    };
    if v.get("type").and_then(Value::as_str) != Some("platform.report") {
        return Parsed::NotReport;
    }
    let record = &v["record"];
    let metrics = &record["metrics"];
    let (Some(request_id), Some(duration_ms)) =
        (record["requestId"].as_str(), metrics["durationMs"].as_f64())
    else {
        return Parsed::Malformed;
    };
    Parsed::Report(Report {
        request_id: request_id.to_string(),
        duration_ms,
        billed_ms: metrics["billedDurationMs"].as_f64(),
        memory_mb: metrics["memorySizeMB"].as_u64().map(|v| v as u32),
        max_memory_mb: metrics["maxMemoryUsedMB"].as_u64().map(|v| v as u32),
        init_ms: metrics["initDurationMs"].as_f64(),
        restore_ms: metrics["restoreDurationMs"].as_f64(),
        status: record["status"].as_str().map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(line: &str) -> Report {
        match parse(line) {
            Parsed::Report(r) => r,
            other => panic!("expected a report from {line:?}, got {other:?}"),
        }
    }

    #[test]
    fn text_cold_start() {
        let r = report("REPORT RequestId: 8f5c1d2e-1111-4a2b-9c3d-000000000001\tDuration: 294.87 ms\tBilled Duration: 295 ms\tMemory Size: 128 MB\tMax Memory Used: 73 MB\tInit Duration: 507.83 ms\t\n");
        assert_eq!(r.request_id, "8f5c1d2e-1111-4a2b-9c3d-000000000001");
        assert_eq!(r.duration_ms, 294.87);
        assert_eq!(r.billed_ms, Some(295.0));
        assert_eq!(r.memory_mb, Some(128));
        assert_eq!(r.max_memory_mb, Some(73));
        assert_eq!(r.init_ms, Some(507.83));
        assert!(r.is_cold());
        assert_eq!(r.cold_start_ms(), Some(507.83));
    }

    #[test]
    fn text_warm() {
        let r = report("REPORT RequestId: 1a2b\tDuration: 12.10 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB");
        assert!(!r.is_cold());
        assert_eq!(r.cold_start_ms(), None);
    }

    #[test]
    fn snapstart_restore_counts_the_restore_alone() {
        let r = report("REPORT RequestId: abc\tDuration: 88.0 ms\tBilled Duration: 90 ms\tMemory Size: 512 MB\tMax Memory Used: 120 MB\tRestore Duration: 230.00 ms\tBilled Restore Duration: 84 ms");
        assert!(r.is_cold());
        assert_eq!(r.restore_ms, Some(230.0));
        assert_eq!(r.cold_start_ms(), Some(230.0));
        let json = report(
            r#"{"time":"t","type":"platform.report","record":{"requestId":"j3","metrics":{"durationMs":88.0,"billedDurationMs":90,"memorySizeMB":512,"maxMemoryUsedMB":120,"restoreDurationMs":230.0}}}"#,
        );
        assert_eq!(json.cold_start_ms(), Some(230.0));
    }

    #[test]
    fn timeout_and_xray_and_unknown_fields() {
        let r = report("REPORT RequestId: t1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\tInit Duration: 150.10 ms\tStatus: timeout\tNew Field: 7 units\t\nXRAY TraceId: 1-5e1b4151-5ac6c58f5b5d\tSegmentId: 2b3c\tSampled: true");
        assert_eq!(r.status.as_deref(), Some("timeout"));
        assert_eq!(r.init_ms, Some(150.1));
    }

    #[test]
    fn spaces_instead_of_tabs() {
        let r = report("REPORT RequestId: s1 Duration: 10.5 ms Billed Duration: 11 ms Memory Size: 128 MB Max Memory Used: 70 MB Init Duration: 99.9 ms");
        assert_eq!(r.duration_ms, 10.5);
        assert_eq!(r.billed_ms, Some(11.0));
        assert_eq!(r.init_ms, Some(99.9));
    }

    #[test]
    fn json_platform_report() {
        let r = report(
            r#"{"time":"2026-11-22T14:00:00.000Z","type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":294.87,"billedDurationMs":295,"memorySizeMB":128,"maxMemoryUsedMB":73,"initDurationMs":507.83},"status":"success"}}"#,
        );
        assert_eq!(r.request_id, "j1");
        assert_eq!(r.init_ms, Some(507.83));
        assert_eq!(r.status.as_deref(), Some("success"));
        let warm = report(
            r#"{"time":"t","type":"platform.report","record":{"requestId":"j2","metrics":{"durationMs":3.0,"billedDurationMs":3,"memorySizeMB":128,"maxMemoryUsedMB":70}}}"#,
        );
        assert!(!warm.is_cold());
    }

    #[test]
    fn other_lines_are_not_reports() {
        for line in [
            "START RequestId: x Version: $LATEST",
            "END RequestId: x",
            "2026-11-22T14:00:00.000Z x INFO hello REPORT later",
            r#"{"type":"platform.start","record":{"requestId":"x"}}"#,
            r#"{"level":"INFO","message":"platform.report mentioned in an app log"}"#,
            "",
        ] {
            assert_eq!(parse(line), Parsed::NotReport, "{line:?}");
        }
    }

    #[test]
    fn malformed_reports_are_counted_not_fatal() {
        for line in [
            "REPORT RequestId: x\tDuration: abc ms",
            "REPORT Duration: 3 ms",
            "REPORT",
            r#"{"type":"platform.report","record":{"requestId":"x"}}"#,
            r#"{"type":"platform.report", broken"#,
        ] {
            assert_eq!(parse(line), Parsed::Malformed, "{line:?}");
        }
    }
}
