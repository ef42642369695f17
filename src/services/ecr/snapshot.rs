//! The `ecr` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{EcrData, Findings};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcrOut {
    pub repositories: Vec<RepositoryOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepositoryOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub uri: String,
    pub scan_on_push: bool,
    pub tag_mutability: String,
    pub encryption: String,
    pub image_count: usize,
    /// `image_count` is a floor: the repository holds more images than were read.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub image_count_at_least: bool,
    pub latest_pushed_at: Option<DateTime<Utc>>,
    pub images: Vec<ImageOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageOut {
    pub digest: String,
    pub tags: Vec<String>,
    pub size_mb: Option<f64>,
    pub pushed_at: Option<DateTime<Utc>>,
    pub last_pulled_at: Option<DateTime<Utc>>,
    pub scan_status: Option<String>,
    /// `null`: no scan summary.
    pub findings: Option<Findings>,
    pub used_by: Vec<String>,
}

pub fn ecr(d: &EcrData, book: &crate::scope::AccountBook) -> EcrOut {
    EcrOut {
        repositories: d
            .repositories
            .iter()
            .map(|r| RepositoryOut {
                name: r.name.clone(),
                account: book.id(&r.account).map(str::to_string),
                region: r.region.clone(),
                uri: r.uri.clone(),
                scan_on_push: r.scan_on_push,
                tag_mutability: r.tag_mutability.clone(),
                encryption: r.encryption.clone(),
                image_count: r.images.len(),
                image_count_at_least: r.more,
                latest_pushed_at: r.latest_push(),
                images: r
                    .images
                    .iter()
                    .map(|i| ImageOut {
                        digest: i.digest.clone(),
                        tags: i.tags.clone(),
                        size_mb: i.size_mb(),
                        pushed_at: i.pushed_at,
                        last_pulled_at: i.last_pulled_at,
                        scan_status: i.scan_status.clone(),
                        findings: i.findings,
                        used_by: i.used_by.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
