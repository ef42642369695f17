//! ECR with the documented page sizes: DescribeRepositories and
//! DescribeImages 1,000 a page (every image's tags, digest, size, push and
//! pull times and its scan summary in one call per repository), and
//! DescribeImageScanFindings only for the image the user opens.

use aws_sdk_ecr::types::ImageIdentifier;
use aws_sdk_ecr::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::domain::{Finding, Findings, Image, Repository};
use crate::aws::AwsError;
use crate::services::live::Live;

/// The documented maximum of DescribeRepositories, DescribeImages and
/// DescribeImageScanFindings.
pub const PAGE: i32 = 1000;
/// Findings kept for an opened image: the worst first.
pub const DETAILS: usize = 50;

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

pub async fn repositories(client: &Client, region: &str, live: &Live) -> Result<Vec<Repository>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client.describe_repositories().max_results(PAGE).into_paginator().send();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| live.error("DescribeRepositories", &e))?;
        for r in p.repositories() {
            out.push(Repository {
                name: r.repository_name().unwrap_or_default().to_string(),
                region: region.to_string(),
                uri: r.repository_uri().unwrap_or_default().to_string(),
                created_at: time(r.created_at()),
                scan_on_push: r.image_scanning_configuration().is_some_and(|c| c.scan_on_push()),
                tag_mutability: r
                    .image_tag_mutability()
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
                encryption: r
                    .encryption_configuration()
                    .map(|e| e.encryption_type().as_str().to_string())
                    .unwrap_or_else(|| "AES256".into()),
                images: Vec::new(),
            });
        }
    }
    for r in &mut out {
        r.images = images(client, live, &r.name).await?;
    }
    Ok(out)
}

async fn images(client: &Client, live: &Live, repo: &str) -> Result<Vec<Image>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .describe_images()
        .repository_name(repo)
        .max_results(PAGE)
        .into_paginator()
        .send();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| live.error("DescribeImages", &e))?;
        for i in p.image_details() {
            let findings = i.image_scan_findings_summary().and_then(|s| s.finding_severity_counts()).map(|counts| {
                let mut f = Findings::default();
                for (sev, n) in counts {
                    f.add(sev.as_str(), (*n).max(0) as u32);
                }
                f
            });
            out.push(Image {
                digest: i.image_digest().unwrap_or_default().to_string(),
                tags: i.image_tags().to_vec(),
                size_bytes: i.image_size_in_bytes(),
                pushed_at: time(i.image_pushed_at()),
                last_pulled_at: time(i.last_recorded_pull_time()),
                scan_status: i
                    .image_scan_status()
                    .and_then(|s| s.status())
                    .map(|s| s.as_str().to_string()),
                findings,
                details: None,
                used_by: Vec::new(),
            });
        }
    }
    Ok(out)
}

fn rank(severity: &str) -> u8 {
    match severity {
        "CRITICAL" => 0,
        "HIGH" => 1,
        "MEDIUM" => 2,
        "LOW" => 3,
        "INFORMATIONAL" => 4,
        _ => 5,
    }
}

/// The findings of one image, worst first, with the counts they add up to.
pub async fn findings(
    client: &Client,
    live: &Live,
    repo: &str,
    digest: &str,
) -> Result<(Vec<Finding>, Option<Findings>), AwsError> {
    let resp = client
        .describe_image_scan_findings()
        .repository_name(repo)
        .image_id(ImageIdentifier::builder().image_digest(digest).build())
        .max_results(PAGE)
        .send()
        .await
        .map_err(|e| live.error("DescribeImageScanFindings", &e))?;
    let Some(s) = resp.image_scan_findings() else {
        return Ok((Vec::new(), None));
    };
    let mut out: Vec<Finding> = s
        .findings()
        .iter()
        .map(|f| {
            let attr = |k: &str| f.attributes().iter().find(|a| a.key() == k).and_then(|a| a.value());
            Finding {
                name: f.name().unwrap_or_default().to_string(),
                severity: f.severity().map(|s| s.as_str().to_string()).unwrap_or_default(),
                package: attr("package_name").map(|p| match attr("package_version") {
                    Some(v) => format!("{p} {v}"),
                    None => p.to_string(),
                }),
                uri: f.uri().map(str::to_string),
            }
        })
        .collect();
    // Enhanced scanning (Amazon Inspector) reports its findings apart.
    out.extend(s.enhanced_findings().iter().map(|f| Finding {
        name: f.title().unwrap_or_default().to_string(),
        severity: f.severity().unwrap_or_default().to_string(),
        package: f
            .package_vulnerability_details()
            .and_then(|p| p.vulnerable_packages().first())
            .map(|v| format!("{} {}", v.name().unwrap_or("?"), v.version().unwrap_or(""))),
        uri: f
            .package_vulnerability_details()
            .and_then(|p| p.source_url())
            .map(str::to_string),
    }));
    out.sort_by_key(|f| rank(&f.severity));
    out.truncate(DETAILS);
    let counts = s.finding_severity_counts().map(|c| {
        let mut f = Findings::default();
        for (sev, n) in c {
            f.add(sev.as_str(), (*n).max(0) as u32);
        }
        f
    });
    Ok((out, counts))
}
