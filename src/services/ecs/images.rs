//! The image each service runs, from its running tasks' containers, with
//! the scan findings the registry publishes for that digest; and, the other
//! way, what ECS publishes of the images its tasks run.

use std::collections::HashMap;

use super::domain::{EcsData, RunningImage};
use crate::services::joins::{ImageFindings, ImagesInUse};

pub fn join(state: &mut EcsData, published: &ImageFindings) {
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
                    .or_else(|| published.digest_of.get(*reference).cloned());
                RunningImage {
                    reference: reference.to_string(),
                    findings: digest
                        .as_deref()
                        .and_then(|d| published.by_digest.get(d).copied().flatten()),
                    digest,
                }
            });
        }
    }
}

/// Who runs each image: every container of every task not stopped.
pub fn in_use(state: &EcsData) -> ImagesInUse {
    let mut out = ImagesInUse::default();
    for c in &state.clusters {
        for t in c.tasks.iter().filter(|t| !t.is_stopped()) {
            let user = format!("ecs:{}/{}", c.name, t.service.as_deref().unwrap_or("(standalone)"));
            for k in &t.containers {
                if let Some(d) = k.image_digest.as_deref() {
                    out.by_digest.entry(d.to_string()).or_default().insert(user.clone());
                    if let Some(i) = k.image.as_deref() {
                        out.references_of.entry(d.to_string()).or_default().insert(i.to_string());
                    }
                } else if let Some(i) = k.image.as_deref() {
                    out.by_reference.entry(i.to_string()).or_default().insert(user.clone());
                }
            }
        }
    }
    out
}
