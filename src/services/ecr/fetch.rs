//! ECR with the documented page sizes: DescribeRepositories 1,000 a page,
//! DescribeImages one page of 1,000 a repository (every image's tags,
//! digest, size, push and pull times and its scan summary) plus, by name,
//! the images running tasks use that the page left out, and
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

pub async fn repositories(
    client: &Client,
    region: &str,
    live: &Live,
    in_use: &[String],
) -> Result<Vec<Repository>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client.describe_repositories().max_results(PAGE).into_paginator().send();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| live.error("DescribeRepositories", &e))?;
        for r in p.repositories() {
            out.push(Repository {
                name: r.repository_name().unwrap_or_default().to_string(),
                account: Default::default(),
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
                more: false,
            });
        }
    }
    for r in &mut out {
        page(client, live, r).await?;
    }
    used(client, live, &mut out, in_use).await?;
    Ok(out)
}

/// One page of a repository's images, one call however many it keeps: a
/// repository holding years of pushes would otherwise cost a page a refresh
/// per thousand of them. DescribeImages promises no order, so the page is
/// some thousand images, not the newest thousand; `more` says the rest
/// exists, and the images running tasks use are read by name (`used`).
async fn page(client: &Client, live: &Live, r: &mut Repository) -> Result<(), AwsError> {
    let p = client
        .describe_images()
        .repository_name(&r.name)
        .max_results(PAGE)
        .send()
        .await
        .map_err(|e| live.error("DescribeImages", &e))?;
    r.images = p.image_details().iter().map(image).collect();
    r.more = p.next_token().is_some_and(|t| !t.is_empty());
    Ok(())
}

/// The documented maximum of DescribeImages' `imageIds`.
pub const IDS: usize = 100;

/// What a reference names: `uri@digest` or `uri:tag`.
fn parse(reference: &str) -> Option<(&str, ImageIdentifier)> {
    if let Some((uri, digest)) = reference.split_once('@') {
        return Some((uri, ImageIdentifier::builder().image_digest(digest).build()));
    }
    // A tag's colon comes after the last slash (a registry's port comes before).
    let (uri, tag) = reference.rsplit_once(':')?;
    (!tag.contains('/')).then(|| (uri, ImageIdentifier::builder().image_tag(tag).build()))
}

/// The images running tasks use (`in_use`: the references ECS publishes,
/// `uri@digest` or `uri:tag`) that their repository's page left out, read by
/// name, `IDS` a call: what runs, and its findings, never falls outside the
/// page. What no repository here holds costs no call.
pub async fn used(client: &Client, live: &Live, repos: &mut [Repository], in_use: &[String]) -> Result<(), AwsError> {
    for r in repos.iter_mut().filter(|r| r.more) {
        let ids: Vec<ImageIdentifier> = in_use
            .iter()
            .filter_map(|k| parse(k))
            .filter(|(uri, _)| *uri == r.uri)
            .map(|(_, id)| id)
            .filter(|id| {
                !r.images.iter().any(|i| {
                    id.image_digest() == Some(i.digest.as_str())
                        || id.image_tag().is_some_and(|t| i.tags.iter().any(|x| x == t))
                })
            })
            .collect();
        for batch in ids.chunks(IDS) {
            for i in named(client, live, &r.name, batch).await? {
                if !r.images.iter().any(|x| x.digest == i.digest) {
                    r.images.push(i);
                }
            }
        }
    }
    Ok(())
}

/// The images `ids` names in `repo`. DescribeImages fails the whole call when
/// one of them is gone (deleted since the task started): then each is asked
/// alone, and those gone are left out.
async fn named(client: &Client, live: &Live, repo: &str, ids: &[ImageIdentifier]) -> Result<Vec<Image>, AwsError> {
    let ask = |ids: Vec<ImageIdentifier>| client.describe_images().repository_name(repo).set_image_ids(Some(ids)).send();
    match ask(ids.to_vec()).await {
        Ok(p) => Ok(p.image_details().iter().map(image).collect()),
        Err(e) if gone(&e) => {
            let mut out = Vec::new();
            if ids.len() > 1 {
                for id in ids {
                    match ask(vec![id.clone()]).await {
                        Ok(p) => out.extend(p.image_details().iter().map(image)),
                        Err(e) if gone(&e) => {}
                        Err(e) => return Err(live.error("DescribeImages", &e)),
                    }
                }
            }
            Ok(out)
        }
        Err(e) => Err(live.error("DescribeImages", &e)),
    }
}

fn gone<R>(e: &aws_sdk_ecr::error::SdkError<aws_sdk_ecr::operation::describe_images::DescribeImagesError, R>) -> bool {
    e.as_service_error().is_some_and(|e| e.is_image_not_found_exception())
}

fn image(i: &aws_sdk_ecr::types::ImageDetail) -> Image {
    let findings = i.image_scan_findings_summary().and_then(|s| s.finding_severity_counts()).map(|counts| {
        let mut f = Findings::default();
        for (sev, n) in counts {
            f.add(sev.as_str(), (*n).max(0) as u32);
        }
        f
    });
    Image {
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
    }
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
