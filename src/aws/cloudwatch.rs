//! CloudWatch GetMetricData for every service room: 500 queries a call,
//! minute-aligned windows so buckets line up with what CloudWatch stores. The
//! rooms build their queries and ask through `gather` (which shares calls
//! between rooms); this module batches, pages, charges and counts them.

use std::collections::HashMap;

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use aws_sdk_cloudwatch::Client;
use chrono::{DateTime, Duration, TimeZone, Utc};

use super::budget::{Budget, Class};
use super::client::CallCounter;
use super::error::AwsError;
use crate::series::Series;

/// The documented maximum of queries in one GetMetricData call.
pub const MAX_QUERIES: usize = 500;

#[derive(Debug, Clone)]
pub struct Query {
    pub id: String,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dims: Vec<(&'static str, String)>,
    pub stat: String,
    pub period_s: i32,
    /// Percentiles: when a call with them fails, the rest is fetched without them.
    pub optional: bool,
}

pub type Points = Vec<(DateTime<Utc>, f64)>;

impl Query {
    /// A metric math expression over other queries of the same call, such
    /// as `ANOMALY_DETECTION_BAND(m0_err, 2)`. It reads no metric of its
    /// own: `namespace` stays empty and `stat` holds the expression, so the
    /// metric queries' literals need no field for it.
    pub fn expression(id: impl Into<String>, expr: impl Into<String>) -> Query {
        Query {
            id: id.into(),
            namespace: "",
            metric: "",
            dims: Vec::new(),
            stat: expr.into(),
            period_s: 0,
            optional: false,
        }
    }

    pub fn is_expression(&self) -> bool {
        self.namespace.is_empty()
    }
}

/// The edges of an anomaly band, `(lower, upper)`, at the latest time the
/// `ANOMALY_DETECTION_BAND` query has. CloudWatch answers such a query with
/// its two edges as two results under the query's one id, which `call`
/// keeps in one list; read per timestamp, the smaller value is the lower
/// edge and the larger the upper, whichever came first (one series with
/// both edges at each time reads the same way). `None` when nothing came.
pub fn band(points: &[(DateTime<Utc>, f64)]) -> Option<(f64, f64)> {
    let latest = points.iter().map(|(at, _)| *at).max()?;
    let edges = points.iter().filter(|(at, _)| *at == latest).map(|(_, v)| *v);
    let (lo, hi) = edges.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    Some((lo, hi))
}

/// The upper edge of a band per timestamp: the larger of the two values
/// CloudWatch gives at each time (see `band`).
pub fn upper_edges(points: &[(DateTime<Utc>, f64)]) -> std::collections::BTreeMap<DateTime<Utc>, f64> {
    let mut out = std::collections::BTreeMap::new();
    for (at, v) in points {
        out.entry(*at).and_modify(|u: &mut f64| *u = u.max(*v)).or_insert(*v);
    }
    out
}

/// `expr` with each name `rename` knows replaced by what it says: the
/// query ids an expression refers to, renamed with their queries. Text in
/// quotes (a `SEARCH` string) and numbers are left alone.
pub fn rename_refs(expr: &str, rename: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(expr.len() + 8);
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            i += 1;
        } else if c == '\'' || c == '"' {
            quote = Some(c);
            out.push(c);
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let from = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[from..i].iter().collect();
            match rename(&word).filter(|_| !c.is_ascii_digit()) {
                Some(new) => out.push_str(&new),
                None => out.push_str(&word),
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The names an expression uses (the ids it may refer to, and its functions').
pub fn refs(expr: &str) -> Vec<String> {
    let seen = std::cell::RefCell::new(Vec::new());
    rename_refs(expr, |w| {
        seen.borrow_mut().push(w.to_string());
        None
    });
    seen.into_inner()
}

/// Where the queries go and what counts them.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub client: &'a Client,
    pub counter: &'a CallCounter,
    /// A custom endpoint's `host:port`, for error messages.
    pub endpoint: Option<&'a str>,
    /// What every poller together may still spend.
    pub budget: &'a Budget,
    /// The source account whose metrics these are, when they are read from
    /// a CloudWatch monitoring account (OAM): `AccountId` in every query.
    pub account_id: Option<&'a str>,
}

#[derive(Debug, Default)]
pub struct Fetched {
    pub values: HashMap<String, Points>,
    /// Failures that left some values unread.
    pub errors: Vec<AwsError>,
    /// The optional (percentile) queries were refused.
    pub optional_rejected: bool,
    /// The budget held back some queries: their values are unread, not failed.
    pub deferred: bool,
    /// Which of `errors` is the refusal of the optional queries.
    pub optional_error: Option<usize>,
}

/// The window: whole minutes, ending after the current (partial) minute.
pub fn window(now: DateTime<Utc>, minutes: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let end_min = now.timestamp().div_euclid(60) + 1;
    let end = Utc.timestamp_opt(end_min * 60, 0).single().unwrap_or(now);
    (end - Duration::minutes(minutes as i64), end)
}

fn to_sdk(q: &Query, account_id: Option<&str>) -> MetricDataQuery {
    if q.is_expression() {
        // An expression's account is that of the queries it names.
        return MetricDataQuery::builder().id(&q.id).expression(&q.stat).return_data(true).build();
    }
    let dims = q
        .dims
        .iter()
        .map(|(k, v)| Dimension::builder().name(*k).value(v).build())
        .collect::<Vec<_>>();
    let metric = Metric::builder()
        .namespace(q.namespace)
        .metric_name(q.metric)
        .set_dimensions(Some(dims))
        .build();
    MetricDataQuery::builder()
        .id(&q.id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(q.period_s)
                .stat(&q.stat)
                .build(),
        )
        .set_account_id(account_id.map(str::to_string))
        .return_data(true)
        .build()
}

async fn call(
    t: &Target<'_>,
    queries: &[&Query],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<HashMap<String, Points>, AwsError> {
    let mut out: HashMap<String, Points> = HashMap::new();
    let mut token: Option<String> = None;
    loop {
        let resp = t
            .client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.iter().map(|q| to_sdk(q, t.account_id)).collect()))
            .start_time(aws_smithy_types::DateTime::from_secs(start.timestamp()))
            .end_time(aws_smithy_types::DateTime::from_secs(end.timestamp()))
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&e, t.endpoint).during("GetMetricData"))?;
        // Billed per metric requested in a call that succeeded; a further
        // page is a further request, charged as it is made.
        t.counter.add_metrics(queries.len() as u64);
        if resp.next_token().is_some_and(|n| !n.is_empty()) {
            t.budget.record(Class::Visible, queries.len() as u64);
        }
        for r in resp.metric_data_results() {
            let points = out
                .entry(r.id().unwrap_or_default().to_string())
                .or_default();
            for (at, v) in r.timestamps().iter().zip(r.values()) {
                if let Some(at) = Utc.timestamp_opt(at.secs(), 0).single() {
                    points.push((at, *v));
                }
            }
        }
        match resp.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Runs the queries of the rows on screen and those of everything else
/// together, in batches of 500: required ones first, the screen's before the
/// rest, and optional ones (percentiles) packed at the end. A failed call
/// that holds optional queries is retried once without them, and the optional
/// queries still to come are dropped: they would fail the same way. Their
/// values stay unread (null), with the reason.
///
/// Each call's queries are charged to their class of the budget first; what
/// the budget holds back is not asked, and `deferred` says so. Nothing asked
/// at all is an error that says why.
pub async fn fetch_mixed(
    t: &Target<'_>,
    visible: &[Query],
    background: &[Query],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Fetched, AwsError> {
    let mut fetched = Fetched::default();
    let mut first_error = None;
    let mut any_ok = false;
    let tagged = visible
        .iter()
        .map(|q| (q, Class::Visible))
        .chain(background.iter().map(|q| (q, Class::Background)));
    let mut ordered: Vec<(&Query, Class)> = tagged.clone().filter(|(q, _)| !q.optional).collect();
    ordered.extend(tagged.filter(|(q, _)| q.optional));
    let mut end_at = ordered.len();
    let bound = bound_together(&ordered);
    let mut from = 0;
    let mut background_held = false;
    while from < end_at {
        let mut to = (from + MAX_QUERIES).min(end_at);
        // Never between an expression and the queries it names: it can only
        // name ids of its own call. (A group longer than a call cannot be
        // kept whole; it goes as it falls.)
        let fits = (from + 1..=to).rev().find(|p| *p == end_at || !bound[*p]);
        if let Some(p) = fits {
            to = p;
        }
        let part = &ordered[from..to];
        from = to;
        let count = |c: Class| part.iter().filter(|(_, k)| *k == c).count() as u64;
        if !t.budget.charge(Class::Visible, count(Class::Visible)) {
            fetched.deferred = true;
            break;
        }
        // What is off screen waits when the budget says so; the screen does
        // not. Queries of several rooms share a call: as many as the budget
        // affords go, in order, rather than none.
        let b = count(Class::Background);
        let mut afford = 0;
        if b > 0 && !background_held {
            afford = if t.budget.charge(Class::Background, b) {
                b
            } else {
                let h = t.budget.headroom(Class::Background).min(b);
                if h > 0 && t.budget.charge(Class::Background, h) {
                    h
                } else {
                    0
                }
            };
            if afford < b {
                background_held = true;
                fetched.deferred = true;
            }
        } else if b > 0 {
            fetched.deferred = true;
        }
        let mut left = afford;
        let chunk: Vec<&Query> = part
            .iter()
            .filter(|(_, k)| {
                *k == Class::Visible || {
                    let go = left > 0;
                    left = left.saturating_sub(1);
                    go
                }
            })
            .map(|(q, _)| *q)
            .collect();
        let chunk = self_contained(chunk, &ordered);
        if chunk.is_empty() {
            continue;
        }
        match call(t, &chunk, start, end).await {
            Ok(v) => {
                any_ok = true;
                fetched.values.extend(v);
            }
            Err(e) if chunk.iter().any(|q| q.optional) => {
                let kept: Vec<&Query> = chunk.iter().filter(|q| !q.optional).copied().collect();
                let stats: Vec<&str> = chunk
                    .iter()
                    .filter(|q| q.optional)
                    .map(|q| q.stat.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                fetched.optional_error = Some(fetched.errors.len());
                fetched.errors.push(AwsError {
                    message: format!("{} unavailable: {}", stats.join(","), e.message),
                    ..e
                });
                fetched.optional_rejected = true;
                // Everything after this chunk is optional too.
                end_at = from;
                if kept.is_empty() {
                    continue;
                }
                // The retry is a request of its own, billed again.
                t.budget.record(Class::Visible, kept.len() as u64);
                match call(t, &kept, start, end).await {
                    Ok(v) => {
                        any_ok = true;
                        fetched.values.extend(v);
                    }
                    Err(e) => first_error = first_error.or(Some(e)),
                }
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    if fetched.deferred && !any_ok && first_error.is_none() {
        return Err(AwsError::new(
            super::ErrorKind::Other,
            format!(
                "held back by the CloudWatch budget (${}/h); asked again with the next refresh",
                t.budget.usd_per_hour()
            ),
        )
        .during("GetMetricData"));
    }
    match first_error {
        Some(e) if !any_ok => Err(e),
        Some(e) => {
            fetched.errors.push(e);
            Ok(fetched)
        }
        None => Ok(fetched),
    }
}

/// For each place between two queries (`p`: before `ordered[p]`), whether
/// a call may not end there: an expression and the queries it names are on
/// both sides.
fn bound_together(ordered: &[(&Query, Class)]) -> Vec<bool> {
    let mut bound = vec![false; ordered.len() + 1];
    if !ordered.iter().any(|(q, _)| q.is_expression()) {
        return bound;
    }
    let at: HashMap<&str, usize> = ordered.iter().enumerate().map(|(i, (q, _))| (q.id.as_str(), i)).collect();
    for (e, (q, _)) in ordered.iter().enumerate().filter(|(_, (q, _))| q.is_expression()) {
        let named = refs(&q.stat).into_iter().filter_map(|r| at.get(r.as_str()).copied());
        let (lo, hi) = named.fold((e, e), |(lo, hi), i| (lo.min(i), hi.max(i)));
        for b in &mut bound[lo + 1..=hi] {
            *b = true;
        }
    }
    bound
}

/// `chunk` without the expressions that name a query of `ordered` left out
/// of it (held back by the budget): CloudWatch would refuse the whole call.
fn self_contained<'a>(chunk: Vec<&'a Query>, ordered: &[(&Query, Class)]) -> Vec<&'a Query> {
    if !chunk.iter().any(|q| q.is_expression()) {
        return chunk;
    }
    let all: std::collections::HashSet<&str> = ordered.iter().map(|(q, _)| q.id.as_str()).collect();
    let here: std::collections::HashSet<String> = chunk.iter().map(|q| q.id.clone()).collect();
    chunk
        .into_iter()
        .filter(|q| !q.is_expression() || refs(&q.stat).iter().all(|r| !all.contains(r.as_str()) || here.contains(r)))
        .collect()
}

/// Per-minute values over `minutes` minutes from `start`; minutes without a
/// point are zero (CloudWatch omits empty buckets).
pub fn series(points: Option<&Points>, start: DateTime<Utc>, minutes: u32) -> Series {
    let mut s = vec![0f32; minutes as usize];
    for (t, v) in points.into_iter().flatten() {
        let i = (*t - start).num_minutes();
        if (0..minutes as i64).contains(&i) {
            s[i as usize] = *v as f32;
        }
    }
    Series(s)
}

/// Whether the fetch asked about row `i` at all, whose queries are named
/// `s{i}_…` (the budget may have held it back).
pub fn asked(f: &Fetched, i: usize) -> bool {
    let prefix = format!("s{i}_");
    f.values.keys().any(|k| k.starts_with(&prefix))
}

/// The window's average of per-minute averages, weighted by each minute's
/// count (requests, messages), to hundredths; the plain mean when the
/// counts say nothing.
pub fn weighted(avg: Option<&Points>, counts: Option<&Points>, start: DateTime<Utc>, minutes: u32) -> Option<f64> {
    let avg = avg.filter(|p| !p.is_empty())?;
    let round2 = |v: f64| (v * 100.0).round() / 100.0;
    let a = series(Some(avg), start, minutes);
    let c = series(counts, start, minutes);
    let (w, n) = a.0.iter().zip(&c.0).fold((0.0, 0.0), |(w, n), (a, c)| (w + *a as f64 * *c as f64, n + *c as f64));
    if n > 0.0 {
        Some(round2(w / n))
    } else {
        Some(round2(crate::series::total(avg.iter().map(|(_, v)| *v)) / avg.len() as f64))
    }
}

pub fn latest(f: &Fetched, id: &str) -> Option<f64> {
    f.values
        .get(id)?
        .iter()
        .max_by_key(|(t, _)| *t)
        .map(|(_, v)| (*v * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A function's errors an hour: the metric the band queries read.
    fn errors() -> Query {
        Query {
            id: "m0_err".into(),
            namespace: "AWS/Lambda",
            metric: "Errors",
            dims: vec![("FunctionName", "f".into())],
            stat: "Sum".into(),
            period_s: 3600,
            optional: false,
        }
    }

    #[test]
    fn windows_are_minute_aligned_and_include_the_partial_minute() {
        let now: DateTime<Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
        let (s, e) = window(now, 60);
        assert_eq!(s.to_rfc3339(), "2026-11-22T13:04:00+00:00");
        assert_eq!(e.to_rfc3339(), "2026-11-22T14:04:00+00:00");
    }

    #[test]
    fn an_expression_is_sent_as_one_and_a_metric_as_a_metric() {
        let e = to_sdk(&Query::expression("b0", "ANOMALY_DETECTION_BAND(m0_err, 2)"), Some("111122223333"));
        assert_eq!(e.expression(), Some("ANOMALY_DETECTION_BAND(m0_err, 2)"));
        assert!(e.metric_stat().is_none() && e.account_id().is_none());
        assert_eq!((e.id(), e.return_data()), (Some("b0"), Some(true)));
        let m = to_sdk(&errors(), None);
        assert!(m.expression().is_none());
        assert_eq!(m.metric_stat().and_then(|s| s.stat()), Some("Sum"));
    }

    #[tokio::test]
    async fn a_band_never_goes_in_another_call_than_its_metric() {
        use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
        use aws_smithy_mocks::{mock, mock_client, MockResponse, RuleMode};
        use std::sync::{Arc, Mutex};
        // Each call as CloudWatch saw it: its ids, and the ids its expressions name.
        type Seen = Arc<Mutex<Vec<(Vec<String>, Vec<String>)>>>;
        let seen: Seen = Default::default();
        let s = seen.clone();
        let cw = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_response(move |req| {
            let ids = req.metric_data_queries().iter().filter_map(|q| q.id().map(str::to_string)).collect();
            let named = req.metric_data_queries().iter().filter_map(|q| q.expression()).flat_map(refs).collect();
            s.lock().unwrap().push((ids, named));
            MockResponse::Output(GetMetricDataOutput::builder().build())
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&cw]);
        let (counter, budget) = (CallCounter::default(), Budget::unlimited(1.0));
        let t = Target { client: &client, counter: &counter, endpoint: None, budget: &budget, account_id: None };
        let metric = |id: String| Query {
            id,
            namespace: "AWS/Lambda",
            metric: "Errors",
            dims: vec![("FunctionName", "f".into())],
            stat: "Sum".into(),
            period_s: 60,
            optional: false,
        };
        // The metric is the 500th query and its band the 501st.
        let mut queries: Vec<Query> = (0..499).map(|i| metric(format!("m{i}"))).collect();
        queries.push(metric("late".into()));
        queries.push(Query::expression("late_band", "ANOMALY_DETECTION_BAND(late, 2)"));
        queries.extend((0..10).map(|i| metric(format!("n{i}"))));
        let now = Utc::now();
        fetch_mixed(&t, &queries, &[], now - Duration::hours(1), now).await.unwrap();
        let seen = seen.lock().unwrap();
        let sizes: Vec<usize> = seen.iter().map(|(ids, _)| ids.len()).collect();
        assert_eq!(sizes, [499, 12], "the metric moves to the next call with its band");
        for (ids, named) in seen.iter() {
            assert!(named.iter().filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase())).all(|n| ids.contains(n)), "{named:?}");
        }
        assert!(seen[1].0.contains(&"late".to_string()) && seen[1].1.contains(&"late".to_string()));
        // Each query is charged once, the band as one metric.
        assert_eq!(counter.snapshot().metrics_requested, queries.len() as u64);
    }

    #[test]
    fn a_bands_upper_edge_is_read_per_minute() {
        let at = |m: i64| Utc.timestamp_opt(1_795_000_000 / 60 * 60 + m * 60, 0).unwrap();
        let edges = upper_edges(&[(at(0), 1.0), (at(1), 5.0), (at(0), 4.0), (at(1), 0.5)]);
        assert_eq!(edges.values().copied().collect::<Vec<_>>(), [4.0, 5.0]);
        assert_eq!(rename_refs("ANOMALY_DETECTION_BAND(m1, 2) + 2e5", |w| (w == "m1").then(|| "g0_m1".into())), "ANOMALY_DETECTION_BAND(g0_m1, 2) + 2e5");
    }

    #[tokio::test]
    async fn a_bands_two_edges_under_one_id_are_read_as_lower_and_upper() {
        use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
        use aws_sdk_cloudwatch::types::MetricDataResult;
        use aws_smithy_mocks::{mock, mock_client, MockResponse, RuleMode};
        let t0 = 1_795_000_000 / 60 * 60;
        // As CloudWatch answers: the band's upper and lower edges as two
        // results with the query's id, here upper first, with an older point.
        let cw = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_response(move |req| {
            let asked: Vec<_> = req.metric_data_queries().iter().filter_map(|q| q.expression()).collect();
            assert_eq!(asked, ["ANOMALY_DETECTION_BAND(m0_err, 2)"]);
            let r = |id: &str, label: &str, v: &[(i64, f64)]| {
                let mut b = MetricDataResult::builder().id(id).label(label);
                for (at, x) in v {
                    b = b.timestamps(aws_smithy_types::DateTime::from_secs(*at)).values(*x);
                }
                b.build()
            };
            MockResponse::Output(
                GetMetricDataOutput::builder()
                    .metric_data_results(r("m0_err", "Errors", &[(t0, 40.0)]))
                    .metric_data_results(r("b0", "Errors High", &[(t0 - 3600, 9.0), (t0, 12.0)]))
                    .metric_data_results(r("b0", "Errors Low", &[(t0 - 3600, 0.0), (t0, 2.0)]))
                    .build(),
            )
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&cw]);
        let (counter, budget) = (CallCounter::default(), Budget::unlimited(1.0));
        let t = Target { client: &client, counter: &counter, endpoint: None, budget: &budget, account_id: None };
        let queries = [errors(), Query::expression("b0", "ANOMALY_DETECTION_BAND(m0_err, 2)")];
        let at = Utc.timestamp_opt(t0, 0).unwrap();
        let f = fetch_mixed(&t, &queries, &[], at - Duration::hours(1), at).await.unwrap();
        assert_eq!(band(&f.values["b0"]), Some((2.0, 12.0)));
        // The other order of the edges reads the same.
        let swapped: Points = f.values["b0"].iter().rev().copied().collect();
        assert_eq!(band(&swapped), Some((2.0, 12.0)));
        assert_eq!(band(&[]), None);
    }
}
