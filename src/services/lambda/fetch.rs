//! One Lambda refresh of one region: metrics and cold starts for the chosen
//! functions, on top of the inventory.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::coldstart::logs::{self, ColdState};
use super::domain::{Function, FunctionSeries, LambdaData, WeekAgo};
use super::metrics::{self, function_stats, lambda_queries};
use super::Lambda;
use crate::aws::budget::Class;
use crate::aws::cloudwatch;
use crate::aws::gather::Coming;
use crate::aws::{AwsError, ErrorKind};
use crate::services::live::{no_client, Live, RegionClients};
use crate::services::msg::DataMsg;
use crate::services::room::Registered;

/// How long a refused percentile stays unasked.
const PERCENTILE_RETRY: Duration = Duration::from_secs(900);

/// What a poller remembers between refreshes.
#[derive(Debug, Default)]
pub struct Sweep {
    /// How far each log group's REPORT records have been read.
    pub cold: ColdState,
    /// When CloudWatch last refused the percentile: not asked again for a while.
    pub percentile_refused: Option<Instant>,
    /// The next fetch leaves the percentile for later: the first numbers on
    /// screen should not wait for its query (nor for an endpoint that refuses it).
    pub percentile_later: bool,
    /// How many of the last fetch's ranking list the budget let it read.
    pub ranked: usize,
    /// Each function's week-ago figures and when they were read: asked again
    /// after `baseline::REFRESH` only.
    pub week: HashMap<String, (tokio::time::Instant, WeekAgo)>,
    /// The functions whose detail is open: their graphs get last week's
    /// same minutes, read with the week-ago figures.
    pub opened: HashSet<String>,
    /// Each open detail's week-ago minutes and when they were read: asked
    /// again after `baseline::REFRESH` only, and only while open.
    pub week_series: HashMap<String, (tokio::time::Instant, FunctionSeries)>,
}

/// What one fetch reads of the functions it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Metrics only: rows that just scrolled into view need numbers now;
    /// their cold starts come with the next full refresh.
    Metrics,
    /// Cold starts only, every metric left as it came: a first read's cold
    /// starts should not wait for a slow (or refused) percentile query.
    ColdStarts,
    /// Both, read side by side.
    Both,
}

impl Read {
    pub fn metrics(self) -> bool {
        self != Read::ColdStarts
    }
    pub fn logs(self) -> bool {
        self != Read::Metrics
    }
}

/// Inventory plus metrics and cold starts for `want` (all functions when
/// `None`), and the ranking figures of as many of `rank` as the budget allows
/// now, in order; functions left out keep the statistics they came with.
/// `coming` is this refresh's place among the region's rooms sharing
/// GetMetricData calls.
#[allow(clippy::too_many_arguments)]
pub async fn fetch(
    live: &Live,
    r: &RegionClients,
    mut functions: Vec<Function>,
    want: Option<&HashSet<String>>,
    rank: &[String],
    sweep: &mut Sweep,
    read: Read,
    coming: Option<&mut Coming<'_>>,
) -> Vec<DataMsg> {
    let Some(clients) = r.client::<Lambda>() else {
        return no_client(Lambda::KIND, &r.name);
    };
    let fetched_at = Utc::now();
    let chosen: Vec<usize> = (0..functions.len())
        .filter(|i| want.is_none_or(|w| w.contains(functions[*i].name.as_str())))
        .collect();
    let names: Vec<&str> = chosen.iter().map(|i| functions[*i].name.as_str()).collect();
    let opts = &live.opts;
    let chosen_pct = opts.rooms.get::<super::Percentile>().0;
    let refused = sweep
        .percentile_refused
        .is_some_and(|t| t.elapsed() < PERCENTILE_RETRY);
    let later = std::mem::take(&mut sweep.percentile_later);
    let percentile = (!refused && !later).then_some(chosen_pct.as_str());
    // Bands for the screen's figures that have a detector, in the same calls.
    let banded = if read.metrics() { live.detectors(r).await } else { Default::default() };
    let queries = metrics::with_bands(lambda_queries(&names, opts.window, percentile), &banded);
    let (start, end) = cloudwatch::window(fetched_at, opts.window);
    let mut out = Vec::new();
    let mut totals = None;
    // Off screen: the ranking figures of as many of `rank` as the budget
    // affords, asked in the same calls as the screen's.
    let chosen_set: HashSet<usize> = chosen.iter().copied().collect();
    let by_name: std::collections::HashMap<&str, usize> =
        functions.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
    let fits = (live.budget.headroom(Class::Background) / metrics::RANK_QUERIES_PER_FUNCTION as u64) as usize;
    // (position in `rank`, function)
    let ranked: Vec<(usize, usize)> = rank
        .iter()
        .enumerate()
        .filter_map(|(j, n)| Some((j, by_name.get(n.as_str()).copied()?)))
        .filter(|(_, i)| !chosen_set.contains(i))
        .take(fits)
        .collect();
    // Everything before the first function left unread counts as done.
    let mut done = ranked.last().map_or(if fits > 0 { rank.len() } else { 0 }, |(j, _)| j + 1);
    let rank_names: Vec<&str> = ranked.iter().map(|(_, i)| functions[*i].name.as_str()).collect();
    let rank_queries = metrics::rank_queries(&rank_names, opts.window);
    // Cold starts, from the REPORT records of the same functions and window,
    // read while CloudWatch answers: neither waits for the other.
    let groups: Vec<String> = chosen
        .iter()
        .map(|i| functions[*i].config.log_group.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Last week's figures of the same functions, for those never read and,
    // once any copy is older than `baseline::REFRESH`, for every copy past
    // half of it, so that the screen's rows are asked together rather than
    // one by one. A window of its own, so calls of their own (shared with
    // the other rooms' week-ago queries); the screen's figures, charged as
    // such, and asked only when the budget affords all of them.
    let age = |i: &usize| sweep.week.get(functions[*i].name.as_str()).map(|(t, _)| t.elapsed());
    let due = chosen.iter().any(|i| age(i).is_some_and(|a| a >= crate::baseline::REFRESH));
    let mut stale: Vec<usize> = if read.metrics() {
        chosen
            .iter()
            .copied()
            .filter(|i| age(i).is_none_or(|a| due && a >= crate::baseline::REFRESH / 2))
            .collect()
    } else {
        Vec::new()
    };
    // The open detail's graphs: last week's minutes of one function, in
    // the same calls, at most every `baseline::REFRESH`.
    let mut minutes: Vec<usize> = if read.metrics() {
        chosen
            .iter()
            .copied()
            .filter(|i| sweep.opened.contains(functions[*i].name.as_str()))
            .filter(|i| {
                sweep
                    .week_series
                    .get(functions[*i].name.as_str())
                    .is_none_or(|(t, _)| t.elapsed() >= crate::baseline::REFRESH)
            })
            .collect()
    } else {
        Vec::new()
    };
    let week_cost = (stale.len() * metrics::WEEK_QUERIES_PER_FUNCTION
        + minutes.len() * metrics::WEEK_SERIES_QUERIES_PER_FUNCTION) as u64;
    if live.budget.headroom(Class::Visible) < week_cost + (names.len() * metrics::QUERIES_PER_FUNCTION) as u64 {
        // Held back: unread, asked again with the next refresh.
        stale.clear();
        minutes.clear();
    }
    let stale_names: Vec<&str> = stale.iter().map(|i| functions[*i].name.as_str()).collect();
    let minutes_names: Vec<&str> = minutes.iter().map(|i| functions[*i].name.as_str()).collect();
    let mut week_queries = metrics::week_queries(&stale_names, opts.window);
    week_queries.extend(metrics::week_series_queries(&minutes_names));
    let target = live.cloudwatch(r);
    let week_read = async {
        if week_queries.is_empty() {
            None
        } else {
            let shift = crate::baseline::WEEK;
            Some(r.gather.fetch(&target, None, week_queries, Vec::new(), start - shift, end - shift).await)
        }
    };
    let metrics_read = async {
        if read.metrics() {
            Some(r.gather.fetch(&target, coming, queries, rank_queries, start, end).await)
        } else {
            None
        }
    };
    let logs_read = async {
        if read.logs() {
            logs::refresh(&clients.logs, live, &groups, opts.rooms.get::<super::ColdMethod>(), start, fetched_at, &mut sweep.cold).await
        } else {
            Vec::new()
        }
    };
    let (metrics_got, errors, week_got) = tokio::join!(metrics_read, logs_read, week_read);
    match week_got {
        Some(Ok(f)) => {
            let now = tokio::time::Instant::now();
            // Functions gone from the inventory leave the cache in time.
            sweep.week.retain(|_, (t, _)| t.elapsed() < crate::baseline::REFRESH * 4);
            for (k, i) in stale.iter().enumerate() {
                // Held back by the budget or failed: unread, asked again next time.
                if let Some(w) = metrics::week_stats(&f, k) {
                    sweep.week.insert(functions[*i].name.to_string(), (now, w));
                }
            }
            // Only the details still open keep their minutes.
            sweep.week_series.retain(|n, _| sweep.opened.contains(n));
            for (k, i) in minutes.iter().enumerate() {
                if let Some(s) = metrics::week_series(&f, k, start - crate::baseline::WEEK, opts.window) {
                    sweep.week_series.insert(functions[*i].name.to_string(), (now, s));
                }
            }
            for e in f.errors {
                out.push(DataMsg::failed(Lambda::KIND, &r.name, e));
            }
        }
        Some(Err(e)) => out.push(DataMsg::failed(Lambda::KIND, &r.name, e)),
        None => {}
    }
    match metrics_got {
        // Not asked: every row keeps what it came with; the totals are the caller's to keep.
        None => {}
        Some(Ok(f)) => {
            if f.optional_rejected {
                sweep.percentile_refused = Some(Instant::now());
            }
            let pct_ok = !f.optional_rejected && percentile.is_some();
            for (k, i) in chosen.iter().enumerate() {
                if f.deferred && !f.values.contains_key(&format!("f{k}_inv")) {
                    // Held back by the budget: what was known stays.
                    continue;
                }
                functions[*i].stats = function_stats(&f, k, start, opts.window, pct_ok);
                functions[*i].stats.pct_pending = later;
                functions[*i].stats.band = metrics::band_stats(&f, k, start, opts.window).map(Box::new);
            }
            for (k, (j, i)) in ranked.iter().enumerate() {
                if !f.values.contains_key(&format!("r{k}_inv")) {
                    done = done.min(*j);
                }
                let before = std::mem::take(&mut functions[*i].stats);
                functions[*i].stats = metrics::rank_stats(&f, k, &before);
            }
            totals = metrics::totals(&f);
            for e in f.errors {
                out.push(DataMsg::failed(Lambda::KIND, &r.name, e));
            }
            if refused {
                let msg = format!(
                    "{} unavailable: refused earlier; asking again within {} min",
                    chosen_pct,
                    PERCENTILE_RETRY.as_secs() / 60
                );
                out.push(DataMsg::failed(
                    Lambda::KIND,
                    &r.name,
                    AwsError::new(ErrorKind::Service, msg).during("GetMetricData"),
                ));
            }
        }
        Some(Err(e)) => {
            // Asked and failed: "-" with the reason, no longer on its way.
            for i in chosen.iter().chain(ranked.iter().map(|(_, i)| i)) {
                functions[*i].stats.pending = false;
            }
            if let Some((j, _)) = ranked.first() {
                done = *j;
            }
            out.push(DataMsg::failed(Lambda::KIND, &r.name, e))
        }
    }
    sweep.ranked = done;
    for i in chosen.iter().chain(ranked.iter().map(|(_, i)| i)) {
        if let Some((_, w)) = sweep.week.get(functions[*i].name.as_str()) {
            functions[*i].stats.week_ago = Some(w.clone());
        }
        if let Some((_, s)) = sweep.week_series.get(functions[*i].name.as_str()) {
            functions[*i].stats.week_series = Some(Box::new(s.clone()));
        }
    }
    let cold = &sweep.cold;
    for i in &chosen {
        let f = &mut functions[*i];
        if let Some(g) = cold.groups.get(&f.config.log_group).filter(|g| g.until.is_some()) {
            let (c, series) = g.tally.summary(start, opts.window);
            f.stats.cold = Some(Box::new(c));
            // Read now, whether or not the metrics were asked again.
            f.stats.cold_pending = false;
            if let Some(s) = f.stats.series.as_mut() {
                s.cold_starts = series;
            }
        } else if !read.logs() {
            // Not read yet, and not failed: the logs come with a later refresh.
            f.stats.cold_pending = true;
        }
    }
    if !errors.is_empty() {
        for i in &chosen {
            functions[*i].stats.cold_pending = false;
        }
    }
    for e in errors {
        out.push(DataMsg::failed(Lambda::KIND, &r.name, e.during("ColdStarts")));
    }
    out.insert(
        0,
        DataMsg::Loaded {
            account: String::new(),
            region: r.name.clone(),
            fetched_at,
            payload: Lambda::wrap(LambdaData {
                functions,
                totals,
                percentile: Some(chosen_pct.clone()),
                budget: None,
                listing: false,
                digest: Default::default(),
            }),
        },
    );
    out
}
