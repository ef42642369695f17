//! The demo's ECR account: a repository per demo ECS service with the last
//! six versions of its image (the running one among them), and two
//! repositories nothing uses any more. `checkout` runs an image with
//! critical findings; `legacy-api` one with an old base image. The ECS demo
//! starts its tasks from the same images (`source::demo_images`), so the
//! two rooms join as they do on a real account.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::domain::{EcrData, Finding, Findings, Image, Repository};
use super::Ecr;
use crate::hash::{hash, str_id, unit};
use crate::source::demo::ACCOUNT_ID;
use crate::services::room::{DemoCtx, RoomDemo};
use crate::source::demo_images::{demo_digest, running_version, API_EVERY, FLEET, SERVICES};

/// Versions kept per repository.
const KEPT: u64 = 6;

impl RoomDemo for Ecr {
    type Spec = ();
    fn spec(_cx: &DemoCtx) {}
    fn data(
        _spec: &(),
        cx: &DemoCtx,
        now: DateTime<Utc>,
        detail: Option<&std::collections::HashSet<String>>,
    ) -> EcrData {
        let mut repositories: Vec<Repository> = SERVICES
            .iter()
            .copied()
            .chain(std::iter::once(FLEET).filter(|_| cx.scale > 40))
            .map(|name| live_repo(cx, name, now))
            .collect();
        repositories.push(stale_repo(cx, "ml-models", 3, 200, None, now));
        repositories.push(stale_repo(cx, "legacy-batch", 2, 400, Some(130), now));
        // The findings of the images open on screen (all of them for a snapshot).
        for r in &mut repositories {
            for i in &mut r.images {
                let open = detail.is_none_or(|d| d.contains(&format!("{}@{}", r.name, i.digest)));
                if let (true, Some(f)) = (open, i.findings) {
                    i.details = Some(details(cx.seed, &i.digest, &f));
                }
            }
        }
        EcrData { repositories }
    }
}

fn repo(cx: &DemoCtx, name: &str, scan: bool, now: DateTime<Utc>) -> Repository {
    Repository {
        name: name.to_string(),
        account: Default::default(),
        region: cx.region.clone(),
        uri: format!("{ACCOUNT_ID}.dkr.ecr.{}.amazonaws.com/{name}", cx.region),
        created_at: Utc.timestamp_opt((cx.fixed(now) - Duration::days(700)).timestamp() / 86_400 * 86_400, 0).single(),
        scan_on_push: scan,
        tag_mutability: if name == "legacy-api" { "MUTABLE" } else { "IMMUTABLE" }.into(),
        encryption: if name == "checkout" { "KMS" } else { "AES256" }.into(),
        images: Vec::new(),
        more: false,
    }
}

/// The findings of version `v` of `name`, where `running` is the version running now.
fn findings(cx: &DemoCtx, name: &str, v: u64, running: u64) -> Findings {
    let r = |c: u64| unit(&[cx.seed, str_id(name), v, c]);
    let older = running.saturating_sub(v) as u32;
    let mut f = Findings {
        critical: 0,
        high: (r(1) * 2.0) as u32 + older,
        medium: 2 + (r(2) * 8.0) as u32 + 2 * older,
        low: 4 + (r(3) * 12.0) as u32,
        informational: (r(4) * 5.0) as u32,
        undefined: 0,
    };
    match name {
        "checkout" => {
            f.critical = 2;
            f.high += 3;
        }
        "legacy-api" => f.critical = 1,
        "frontend" if v == running => f.high = f.high.max(1),
        _ if v == running => f.high = 0,
        _ => {}
    }
    f
}

fn live_repo(cx: &DemoCtx, name: &str, now: DateTime<Utc>) -> Repository {
    let mut r = repo(cx, name, name != "legacy-api", now);
    let running = running_version(cx.seed, name, now);
    let pushed = |v: u64| {
        let back = running.saturating_sub(v) as i64;
        if name == "api" {
            now - Duration::seconds(now.timestamp().rem_euclid(API_EVERY) + back * API_EVERY)
        } else {
            cx.fixed(now) - Duration::days(3 + back * 9) - Duration::minutes((hash(&[str_id(name), v]) % 600) as i64)
        }
    };
    for v in running.saturating_sub(KEPT - 1)..=running {
        let pushed_at = pushed(v);
        // Tasks pull the running image as they start; a superseded one was
        // last pulled until the next version was pushed.
        let pulled = if v == running {
            (cx.fixed(now) - Duration::minutes(2 + (hash(&[str_id(name), 7]) % 30) as i64)).max(pushed_at)
        } else {
            pushed(v + 1)
        };
        r.images.push(Image {
            digest: demo_digest(cx.seed, name, v),
            tags: vec![format!("v{v}")],
            size_bytes: Some(((40.0 + 600.0 * unit(&[cx.seed, str_id(name)])) * 1_048_576.0) as i64 + v as i64 * 4096),
            pushed_at: Some(pushed_at),
            last_pulled_at: Some(pulled.min(now)),
            scan_status: Some("COMPLETE".into()),
            findings: Some(findings(cx, name, v, running)),
            details: None,
            used_by: Vec::new(),
        });
    }
    r
}

fn stale_repo(
    cx: &DemoCtx,
    name: &str,
    n: u64,
    pushed_days: i64,
    pulled_days: Option<i64>,
    now: DateTime<Utc>,
) -> Repository {
    let mut r = repo(cx, name, false, now);
    for v in 1..=n {
        r.images.push(Image {
            digest: demo_digest(cx.seed, name, v),
            tags: vec![format!("{v}.0")],
            size_bytes: Some((900 + 300 * v as i64) * 1_048_576),
            pushed_at: Some(cx.fixed(now) - Duration::days(pushed_days + 30 * (n - v) as i64)),
            last_pulled_at: pulled_days.map(|d| cx.fixed(now) - Duration::days(d)),
            scan_status: None,
            findings: None,
            details: None,
            used_by: Vec::new(),
        });
    }
    r
}

const PACKAGES: &[&str] = &[
    "openssl 3.0.13",
    "glibc 2.36",
    "zlib 1.2.13",
    "libxml2 2.9.14",
    "curl 7.88.1",
    "expat 2.5.0",
    "python3.11 3.11.2",
    "nghttp2 1.52.0",
];

/// Findings adding up to `f`, worst first, as many as the detail view keeps.
fn details(seed: u64, digest: &str, f: &Findings) -> Vec<Finding> {
    let mut out = Vec::new();
    for (severity, n) in [
        ("CRITICAL", f.critical),
        ("HIGH", f.high),
        ("MEDIUM", f.medium),
        ("LOW", f.low),
        ("INFORMATIONAL", f.informational),
    ] {
        for k in 0..n {
            let h = hash(&[seed, str_id(digest), str_id(severity), k as u64]);
            out.push(Finding {
                name: format!("CVE-{}-{}", 2023 + h % 4, 1000 + (h >> 8) % 49_000),
                severity: severity.into(),
                package: Some(PACKAGES[(h >> 32) as usize % PACKAGES.len()].into()),
                uri: None,
            });
        }
    }
    out.truncate(super::fetch::DETAILS);
    out
}
