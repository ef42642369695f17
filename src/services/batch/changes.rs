//! What changed among a region's Batch job definitions, as Batch says it:
//! the queues' jobs moving to a newer revision of their definition (the
//! first job that names it, at its creation: `Revision 6 → 7 (etl)`), and a
//! definition whose newest ACTIVE revision went up between two reads
//! (`RegisterJobDefinition 7 (etl)`: Batch gives a revision no time, so the
//! read that saw it dates it). A change names the definition, and the queues
//! whose jobs run it. The jobs that failed per minute after a change are
//! laid against it to find the suspects.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::domain::{definition_revision, BatchData};
use crate::changes::suspect::{rolling_counts, rose_after};
use crate::changes::{Change, ChangeSource, Suspect};
use crate::scope::Scoped;
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;

pub fn changes(state: &BatchData, scope: &Scope, data: &BatchData, cx: &ChangeCtx) -> Vec<Change> {
    let change = |at, resource: &str, action: String, source| Change {
        at,
        account: scope.account.to_string(),
        region: scope.region.clone(),
        service: <super::Batch as crate::services::Room>::INFO.name.to_string(),
        resource: resource.to_string(),
        action,
        actor: None,
        source,
    };
    // Each definition's jobs over every queue, oldest first.
    let mut jobs: BTreeMap<&str, Vec<(DateTime<Utc>, i32, &str)>> = BTreeMap::new();
    for q in &data.queues {
        for j in &q.jobs {
            let (Some(at), Some((name, rev))) = (j.created_at, j.job_definition.as_deref().and_then(definition_revision)) else {
                continue;
            };
            jobs.entry(name).or_default().push((at, rev, &q.name));
        }
    }
    let mut out = Vec::new();
    for (name, list) in &mut jobs {
        list.sort();
        let mut newest: Option<i32> = None;
        for (at, rev, queue) in list.iter() {
            if let Some(was) = newest.filter(|was| rev > was) {
                if *at >= cx.since {
                    // The same first job read again is the same change: the timeline keeps it once.
                    out.push(change(*at, name, format!("Revision {was} → {rev} ({queue})"), ChangeSource::ServiceApi));
                }
            }
            newest = Some(newest.map_or(*rev, |n| n.max(*rev)));
        }
    }
    let before: HashMap<&str, i32> = state
        .definitions
        .iter()
        .filter(|d| d.in_scope(scope))
        .map(|d| (d.name.as_str(), d.revision))
        .collect();
    for d in &data.definitions {
        if before.get(d.name.as_str()).is_some_and(|was| d.revision > *was) {
            let queues = queues_running(data, &d.name);
            out.push(change(cx.fetched_at, &d.name, format!("RegisterJobDefinition {} ({queues})", d.revision), ChangeSource::Refresh));
        }
    }
    out
}

/// The queues whose jobs name the definition, by name.
fn queues_running(data: &BatchData, definition: &str) -> String {
    let on = |d: &Option<String>| d.as_deref().and_then(definition_revision).is_some_and(|(n, _)| n == definition);
    let names: Vec<&str> = data.queues.iter().filter(|q| q.jobs.iter().any(|j| on(&j.job_definition))).map(|q| q.name.as_str()).collect();
    names.join(", ")
}

/// Failed jobs in the `FAILED_SPAN_MIN` minutes up to a minute: jobs end far
/// apart, so most single minutes hold none even when many fail.
pub const FAILED_SPAN_MIN: i64 = 5;
/// Fewer failed jobs in `FAILED_SPAN_MIN` minutes are never a rise.
pub const FAILED_FLOOR: f64 = 3.0;
/// The measure's name in a suspect.
pub const FAILED_METRIC: &str = "failed_jobs_5m";

/// Each definition's newest change its failed jobs rose after.
pub fn suspects(state: &BatchData, changes: &[&Change]) -> Vec<Suspect> {
    let mut out: Vec<Suspect> = Vec::new();
    for c in changes {
        if out.iter().any(|s| s.resource == c.resource) {
            continue;
        }
        let failed: Vec<DateTime<Utc>> = state
            .queues
            .iter()
            .filter(|q| q.region == c.region && q.account() == c.account)
            .flat_map(|q| q.jobs.iter())
            .filter(|j| j.status == "FAILED" && j.job_definition.as_deref().and_then(definition_revision).is_some_and(|(n, _)| n == c.resource))
            .filter_map(|j| j.stopped_at)
            .collect();
        let Some((start, values)) = rolling_counts(&failed, c.at, FAILED_SPAN_MIN) else {
            continue;
        };
        if let Some(r) = rose_after(start, &values, c.at, FAILED_FLOOR) {
            out.push(Suspect::of(c, FAILED_METRIC, &r));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::batch::domain::{Job, JobDefinition, JobQueue};
    use chrono::Duration;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap()
    }

    fn job(def: &str, created: i64, status: &str) -> Job {
        Job {
            id: format!("{def}-{created}"),
            name: "job".into(),
            status: status.into(),
            job_definition: Some(def.into()),
            created_at: Some(t(created)),
            stopped_at: (status == "FAILED" || status == "SUCCEEDED").then(|| t(created) + Duration::seconds(40)),
            ..Default::default()
        }
    }

    fn data(queues: Vec<(&str, Vec<Job>)>, defs: &[(&str, i32)]) -> BatchData {
        BatchData {
            queues: queues
                .into_iter()
                .map(|(name, jobs)| JobQueue { name: name.into(), region: "us-east-1".into(), jobs, ..Default::default() })
                .collect(),
            definitions: defs
                .iter()
                .map(|(n, r)| JobDefinition { name: n.to_string(), region: "us-east-1".into(), revision: *r, ..Default::default() })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn jobs_moving_to_a_new_revision_and_a_revision_registered_between_reads_are_changes() {
        let scope = Scope::new("", "us-east-1");
        let cx = ChangeCtx { since: t(0), fetched_at: t(60), seen: true };
        // etl moved from nightly:6 to nightly:7 at minute 20 (and reports at 30);
        // dedupe ran :3 all along; an old move (minute -30) is outside the window.
        let first = data(
            vec![
                ("etl", vec![job("nightly:7", 25, "RUNNING"), job("nightly:7", 20, "SUCCEEDED"), job("nightly:6", 10, "SUCCEEDED")]),
                ("reports", vec![job("nightly:7", 30, "RUNNING"), job("nightly:6", 5, "SUCCEEDED")]),
                ("dedupe", vec![job("dedupe:3", 40, "RUNNING"), job("dedupe:3", 2, "SUCCEEDED")]),
                ("old", vec![job("old:2", -30, "SUCCEEDED"), job("old:1", -50, "SUCCEEDED")]),
            ],
            &[("nightly", 7), ("dedupe", 3), ("old", 2)],
        );
        let found = changes(&BatchData::default(), &scope, &first, &cx);
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at, c.source)).collect();
        assert_eq!(got, [("nightly", "Revision 6 → 7 (etl)", t(20), ChangeSource::ServiceApi)]);
        // A job back on an older revision is no move.
        let back = data(vec![("etl", vec![job("nightly:6", 30, "RUNNING"), job("nightly:7", 20, "SUCCEEDED")])], &[]);
        assert!(changes(&BatchData::default(), &scope, &back, &cx).is_empty());
        // dedupe:4 registered between the reads, no job on it yet.
        let mut second = first.clone();
        second.definitions[1].revision = 4;
        let found = changes(&first, &scope, &second, &cx);
        let got: Vec<_> = found.iter().filter(|c| c.source == ChangeSource::Refresh).map(|c| (c.resource.as_str(), c.action.as_str(), c.at)).collect();
        assert_eq!(got, [("dedupe", "RegisterJobDefinition 4 (dedupe)", t(60))]);
        // A definition not read before is not new.
        let mut unread = first.clone();
        unread.definitions.clear();
        assert!(changes(&unread, &scope, &second, &cx).iter().all(|c| c.source != ChangeSource::Refresh));
    }

    fn revision(min: i64) -> Change {
        Change {
            at: t(min) + Duration::seconds(5),
            account: String::new(),
            region: "us-east-1".into(),
            service: "batch".into(),
            resource: "nightly".into(),
            action: "Revision 6 → 7 (etl)".into(),
            actor: None,
            source: ChangeSource::ServiceApi,
        }
    }

    #[test]
    fn failed_jobs_rising_after_a_new_revision_name_it_and_not_one_after_them() {
        // A job a minute; one failed every ten minutes before minute 30, most after.
        let jobs: Vec<Job> = (0..50)
            .map(|m| {
                let failed = if m < 30 { m % 10 == 3 } else { m % 4 != 0 };
                job(if m < 30 { "nightly:6" } else { "nightly:7" }, m, if failed { "FAILED" } else { "SUCCEEDED" })
            })
            .collect();
        let d = data(vec![("etl", jobs.clone())], &[]);
        let s = suspects(&d, &[&revision(30)]);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!((s[0].metric.as_str(), s[0].resource.as_str()), (FAILED_METRIC, "nightly"));
        assert!(s[0].before <= 1.0 && s[0].after >= FAILED_FLOOR, "{s:?}");
        // The failures began before this change: not blamed.
        assert!(suspects(&d, &[&revision(40)]).is_empty());
        // Another definition's failures are not this one's.
        let other: Vec<Job> = jobs.iter().map(|j| Job { job_definition: Some("other:1".into()), ..j.clone() }).collect();
        assert!(suspects(&data(vec![("etl", other)], &[]), &[&revision(30)]).is_empty());
        // A steady trickle is not a rise.
        let steady: Vec<Job> = (0..50).map(|m| job("nightly:7", m, if m % 10 == 3 { "FAILED" } else { "SUCCEEDED" })).collect();
        assert!(suspects(&data(vec![("etl", steady)], &[]), &[&revision(30)]).is_empty());
    }
}
