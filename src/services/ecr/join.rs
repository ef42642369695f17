//! What runs each image, from what ECS publishes of its tasks: the services
//! whose running tasks carry the image's digest (or its repository URI and
//! tag, for tasks that report no digest); and, the other way, what ECR
//! publishes of each image's findings.

use std::collections::BTreeSet;

use super::domain::EcrData;
use crate::services::joins::{ImageFindings, ImagesInUse};

pub fn used_by(state: &mut EcrData, published: &ImagesInUse) {
    for r in &mut state.repositories {
        for i in &mut r.images {
            let mut users: BTreeSet<String> = published.by_digest.get(i.digest.as_str()).cloned().unwrap_or_default();
            for tag in &i.tags {
                if let Some(u) = published.by_reference.get(format!("{}:{tag}", r.uri).as_str()) {
                    users.extend(u.iter().cloned());
                }
            }
            i.used_by = users.into_iter().collect();
        }
    }
}

/// The repository a reference (`uri:tag`, `uri@digest`, or `uri`) names.
fn repository_uri(reference: &str) -> &str {
    if let Some((uri, _)) = reference.split_once('@') {
        return uri;
    }
    match reference.rsplit_once(':') {
        // A tag's colon comes after the last slash; a registry port's before.
        Some((uri, tag)) if !tag.contains('/') => uri,
        _ => reference,
    }
}

/// The images running tasks use, as `uri@digest` (the digest in the
/// repository the task names) or `uri:tag` (tasks that report no digest),
/// each marked `msg::wanted`, in order.
pub fn wanted(published: &ImagesInUse) -> Vec<String> {
    let mut out: BTreeSet<String> = published.by_reference.keys().cloned().collect();
    for (digest, references) in &published.references_of {
        for r in references {
            out.insert(format!("{}@{digest}", repository_uri(r)));
        }
    }
    out.iter().map(|k| crate::services::msg::wanted(k)).collect()
}

/// Every image's findings by digest, and the digest each `uri:tag` names.
pub fn findings(state: &EcrData) -> ImageFindings {
    let mut out = ImageFindings::default();
    for (r, i) in state.images() {
        out.by_digest.insert(i.digest.clone(), i.findings);
        for tag in &i.tags {
            out.digest_of.insert(format!("{}:{tag}", r.uri), i.digest.clone());
        }
    }
    out
}
