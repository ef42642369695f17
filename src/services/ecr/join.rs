//! What runs each image: the ECS services whose running tasks carry its
//! digest (or its repository URI and tag, for tasks that report no digest).

use std::collections::{BTreeSet, HashMap};

use super::domain::EcrData;
use crate::services::ecs::Ecs;
use crate::services::Feeds;

pub fn used_by(state: &mut EcrData, feeds: &Feeds) {
    let ecs = &feeds.get::<Ecs>().state;
    let mut by_digest: HashMap<&str, BTreeSet<String>> = HashMap::new();
    let mut by_ref: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for c in &ecs.clusters {
        for t in c.tasks.iter().filter(|t| !t.is_stopped()) {
            let user = format!("ecs:{}/{}", c.name, t.service.as_deref().unwrap_or("(standalone)"));
            for k in &t.containers {
                if let Some(d) = k.image_digest.as_deref() {
                    by_digest.entry(d).or_default().insert(user.clone());
                } else if let Some(i) = k.image.as_deref() {
                    by_ref.entry(i).or_default().insert(user.clone());
                }
            }
        }
    }
    for r in &mut state.repositories {
        for i in &mut r.images {
            let mut users: BTreeSet<String> = by_digest.get(i.digest.as_str()).cloned().unwrap_or_default();
            for tag in &i.tags {
                if let Some(u) = by_ref.get(format!("{}:{tag}", r.uri).as_str()) {
                    users.extend(u.iter().cloned());
                }
            }
            i.used_by = users.into_iter().collect();
        }
    }
}
