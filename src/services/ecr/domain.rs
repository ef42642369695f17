//! ECR as awstop keeps it: repositories, their images with scan findings by
//! severity, and (joined from the other rooms) what runs each image.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EcrData {
    pub repositories: Vec<Repository>,
}

impl EcrData {
    /// The repository `name` of `at`'s account and region.
    pub fn repository(&self, at: &crate::scope::Scope, name: &str) -> Option<&Repository> {
        use crate::scope::Scoped;
        self.repositories.iter().find(|r| r.name == name && r.in_scope(at))
    }

    pub fn image(&self, at: &crate::scope::Scope, repo: &str, digest: &str) -> Option<&Image> {
        self.repository(at, repo)?.images.iter().find(|i| i.digest == digest)
    }

    /// Every image, with its repository.
    pub fn images(&self) -> impl Iterator<Item = (&Repository, &Image)> {
        self.repositories
            .iter()
            .flat_map(|r| r.images.iter().map(move |i| (r, i)))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Repository {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    pub uri: String,
    pub created_at: Option<DateTime<Utc>>,
    pub scan_on_push: bool,
    /// MUTABLE or IMMUTABLE.
    pub tag_mutability: String,
    /// AES256 or KMS.
    pub encryption: String,
    pub images: Vec<Image>,
    /// More images than were read (one page of DescribeImages, plus those
    /// running tasks use): `images` is a floor, never the whole repository.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
}

impl Repository {
    /// The count of images as text: "1,000+" where only a page was read.
    pub fn image_count_text(&self) -> String {
        let n = crate::fmt::count(self.images.len() as f64);
        if self.more {
            format!("{n}+")
        } else {
            n
        }
    }

    pub fn latest_push(&self) -> Option<DateTime<Utc>> {
        self.images.iter().filter_map(|i| i.pushed_at).max()
    }

    /// The worst findings of the images something runs.
    pub fn running_critical(&self) -> u32 {
        self.images
            .iter()
            .filter(|i| !i.used_by.is_empty())
            .filter_map(|i| i.findings.as_ref())
            .map(|f| f.critical)
            .sum()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// `sha256:…`: the row's identity.
    pub digest: String,
    pub tags: Vec<String>,
    pub size_bytes: Option<i64>,
    pub pushed_at: Option<DateTime<Utc>>,
    pub last_pulled_at: Option<DateTime<Utc>>,
    /// COMPLETE, IN_PROGRESS, FAILED, UNSUPPORTED_IMAGE, ...; `None`: never scanned.
    pub scan_status: Option<String>,
    /// `None`: no scan summary (never scanned, or not returned).
    pub findings: Option<Findings>,
    /// The findings themselves, read only for the image the user opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<Finding>>,
    /// What runs this image ("ecs:cluster/service"): joined from the other
    /// rooms in the dashboard, never part of what a source sends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
}

/// Not pulled (or, never pulled, not pushed) for this long: stale.
pub const STALE_DAYS: i64 = 90;

impl Image {
    pub fn short_digest(&self) -> &str {
        let d = self.digest.strip_prefix("sha256:").unwrap_or(&self.digest);
        &d[..d.len().min(12)]
    }

    pub fn tag_list(&self) -> String {
        if self.tags.is_empty() {
            "<untagged>".into()
        } else {
            self.tags.join(",")
        }
    }

    /// Unused for `STALE_DAYS`: no pull recorded since, and nothing runs it.
    pub fn stale(&self, now: DateTime<Utc>) -> bool {
        let last = self.last_pulled_at.or(self.pushed_at);
        self.used_by.is_empty() && last.is_some_and(|t| now - t > Duration::days(STALE_DAYS))
    }

    pub fn size_mb(&self) -> Option<f64> {
        self.size_bytes.map(|b| (b as f64 / 1_048_576.0 * 10.0).round() / 10.0)
    }
}

pub use crate::services::joins::Findings;


#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub name: String,
    pub severity: String,
    /// The package and version the finding is in, where the scan says.
    pub package: Option<String>,
    pub uri: Option<String>,
}

crate::scoped!(Repository);
