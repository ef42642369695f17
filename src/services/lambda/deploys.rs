//! The poller's copy of each function's versions and aliases: read for the
//! functions on screen and the one opened, at most every `EVERY` a function,
//! and at once when its code or `LastModified` moved (a deploy publishes and
//! moves aliases with it).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::domain::Function;
use super::versions::{self, Deploys};
use crate::aws::AwsError;

/// Versions and aliases change with deploys: read again after this.
pub const EVERY: Duration = Duration::from_secs(300);
/// Functions whose versions are read at once (two calls each, or more pages).
const AT_ONCE: usize = 4;

/// What the function looked like when its versions were read.
type Seen = (Option<super::code_sha::CodeSha>, Option<DateTime<Utc>>);

fn seen(f: &Function) -> Seen {
    (f.config.code_sha256.clone(), f.config.last_modified)
}

#[derive(Debug, Default)]
pub struct Cache {
    read: HashMap<String, (Instant, Seen, Option<Arc<Deploys>>)>,
}

impl Cache {
    /// Reads what is due among `names` (looked up in `inventory`, in name
    /// order); the failures. A failed read keeps the last one and waits
    /// `EVERY` like a good one.
    pub async fn refresh(
        &mut self,
        client: &aws_sdk_lambda::Client,
        endpoint: Option<&str>,
        inventory: &[Function],
        names: &[String],
        window: u32,
    ) -> Vec<AwsError> {
        let since = crate::changes::window_start(Utc::now(), window);
        let mut due: Vec<&Function> = names
            .iter()
            .filter_map(|n| inventory.binary_search_by(|f| f.name.as_str().cmp(n.as_str())).ok().map(|i| &inventory[i]))
            .filter(|f| {
                self.read
                    .get(f.name.as_str())
                    .is_none_or(|(at, was, _)| at.elapsed() >= EVERY || *was != seen(f))
            })
            .collect();
        due.sort_by(|a, b| a.name.cmp(&b.name));
        due.dedup_by(|a, b| a.name == b.name);
        let mut failed = Vec::new();
        for chunk in due.chunks(AT_ONCE) {
            let got = futures_util::future::join_all(chunk.iter().map(|f| versions::read(client, endpoint, &f.name, since))).await;
            let now = Instant::now();
            for (f, r) in chunk.iter().zip(got) {
                let last = self.read.remove(f.name.as_str()).and_then(|(_, _, d)| d);
                let d = match r {
                    Ok(d) => Some(Arc::new(d)),
                    Err(e) => {
                        failed.push(e);
                        last
                    }
                };
                self.read.insert(f.name.to_string(), (now, seen(f), d));
            }
        }
        // Functions long off screen leave the cache.
        self.read.retain(|_, (at, _, _)| at.elapsed() < EVERY * 4);
        failed
    }

    /// Gives each function of `functions` what was read of it.
    pub fn attach(&self, functions: &mut [Function]) {
        if self.read.is_empty() {
            return;
        }
        for f in functions {
            if let Some((_, _, d)) = self.read.get(f.name.as_str()) {
                f.deploys = d.clone();
            }
        }
    }
}
