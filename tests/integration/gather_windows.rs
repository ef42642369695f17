//! Every room's metrics go through the region's one GetMetricData path: the
//! queries of rooms ready at the same moment share a call when they read
//! the same window, and go in a call of their own when they do not (a call
//! has one window). Each room gets back its own values only, and every query
//! is counted.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use awstop::aws::cloudwatch::{window, Query};
use awstop::services::live::RegionClients;
use chrono::{Duration, TimeZone, Utc};

use crate::shared_calls::{cloudwatch, Seen};

fn queries(namespace: &'static str, ids: &[&str]) -> Vec<Query> {
    ids.iter()
        .map(|id| Query {
            id: id.to_string(),
            namespace,
            metric: "CPUUtilization",
            dims: vec![("Name", id.to_string())],
            stat: "Average".into(),
            period_s: 60,
            optional: false,
        })
        .collect()
}

fn ids(f: &awstop::aws::cloudwatch::Fetched) -> BTreeSet<String> {
    f.values.keys().cloned().collect()
}

#[tokio::test(start_paused = true)]
async fn rooms_ready_together_share_a_call_per_window_and_each_gets_its_own_values() {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let live = crate::common::mock_live(vec![RegionClients::new(
        "eu-west-1",
        cloudwatch(seen.clone()),
    )]);
    let r = &live.regions[0];
    let t = live.cloudwatch(r);
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 14, 0, 0).unwrap();
    let (start, end) = window(now, 60);
    // Two rooms with the same hour: one call with both.
    let (a, b) = tokio::join!(
        r.gather
            .fetch_now(&t, queries("AWS/ECS", &["s0_cpu", "s1_cpu"]), start, end),
        r.gather
            .fetch_now(&t, queries("AWS/ElasticMapReduce", &["c0"]), start, end),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        ids(&a),
        BTreeSet::from(["s0_cpu".to_string(), "s1_cpu".to_string()])
    );
    assert_eq!(ids(&b), BTreeSet::from(["c0".to_string()]));
    {
        let calls = seen.lock().unwrap();
        assert_eq!(calls.len(), 1, "one window, one call: {calls:?}");
        assert_eq!(calls[0].len(), 2, "both rooms in it: {calls:?}");
    }
    // Five minutes and an hour: a call each, both answered.
    let short = (end - Duration::minutes(5), end);
    let (a, b) = tokio::join!(
        r.gather
            .fetch_now(&t, queries("AWS/ECS", &["s0_cpu"]), short.0, short.1),
        r.gather.fetch_now(
            &t,
            queries("AWS/ElasticMapReduce", &["c0", "c1"]),
            start,
            end
        ),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(ids(&a), BTreeSet::from(["s0_cpu".to_string()]));
    assert_eq!(
        ids(&b),
        BTreeSet::from(["c0".to_string(), "c1".to_string()])
    );
    let calls = seen.lock().unwrap();
    assert_eq!(calls.len(), 3, "a window a call: {calls:?}");
    assert!(
        calls[1..].iter().all(|c| c.len() == 1),
        "each call one room's: {calls:?}"
    );
    // Every query asked is counted, shared or not.
    assert_eq!(live.counter.snapshot().metrics_requested, 6);
}
