//! The image each service runs, from its running tasks' containers, with
//! the scan findings ECR has for that digest.

use std::collections::HashMap;

use super::domain::{EcsData, RunningImage};
use crate::services::ecr::{Ecr, Findings};
use crate::services::Feeds;

pub fn join(state: &mut EcsData, feeds: &Feeds) {
    let ecr = &feeds.get::<Ecr>().state;
    let mut findings: HashMap<&str, Option<Findings>> = HashMap::new();
    let mut digests: HashMap<String, &str> = HashMap::new();
    for (r, i) in ecr.images() {
        findings.insert(i.digest.as_str(), i.findings);
        for tag in &i.tags {
            digests.insert(format!("{}:{tag}", r.uri), i.digest.as_str());
        }
    }
    for c in &mut state.clusters {
        let mut by_service: HashMap<&str, (&str, Option<&str>)> = HashMap::new();
        for t in c.tasks.iter().filter(|t| t.last_status == "RUNNING") {
            let (Some(svc), Some(k)) = (t.service.as_deref(), t.containers.first()) else {
                continue;
            };
            if let Some(reference) = k.image.as_deref() {
                by_service.entry(svc).or_insert((reference, k.image_digest.as_deref()));
            }
        }
        for s in &mut c.services {
            s.image = by_service.get(s.name.as_str()).map(|(reference, digest)| {
                let digest = digest
                    .map(str::to_string)
                    .or_else(|| digests.get(*reference).map(|d| d.to_string()));
                RunningImage {
                    reference: reference.to_string(),
                    findings: digest.as_deref().and_then(|d| findings.get(d).copied().flatten()),
                    digest,
                }
            });
        }
    }
}
