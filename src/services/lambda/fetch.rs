//! One Lambda refresh of one region: metrics and cold starts for the chosen
//! functions, on top of the inventory.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::coldstart::logs::{self, ColdState};
use super::domain::{Function, LambdaData};
use super::metrics::{self, function_stats, lambda_queries};
use super::Lambda;
use crate::aws::cloudwatch;
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
}

/// Inventory plus metrics and cold starts for `want` (all functions when
/// `None`); functions left out keep the statistics they came with.
pub async fn fetch(
    live: &Live,
    r: &RegionClients,
    inventory: &[Function],
    want: Option<&HashSet<String>>,
    sweep: &mut Sweep,
    read_logs: bool,
) -> Vec<DataMsg> {
    let Some(clients) = r.client::<Lambda>() else {
        return no_client(Lambda::KIND, &r.name);
    };
    let fetched_at = Utc::now();
    let mut functions = inventory.to_vec();
    let chosen: Vec<usize> = (0..functions.len())
        .filter(|i| want.is_none_or(|w| w.contains(&functions[*i].name)))
        .collect();
    let names: Vec<&str> = chosen.iter().map(|i| functions[*i].name.as_str()).collect();
    let opts = &live.opts;
    let refused = sweep
        .percentile_refused
        .is_some_and(|t| t.elapsed() < PERCENTILE_RETRY);
    let later = std::mem::take(&mut sweep.percentile_later);
    let percentile = (!refused && !later).then_some(opts.percentile.as_str());
    let queries = lambda_queries(&names, opts.window, percentile);
    let (start, end) = cloudwatch::window(fetched_at, opts.window);
    let mut out = Vec::new();
    let mut totals = None;
    match cloudwatch::fetch(&live.cloudwatch(r), &queries, start, end).await {
        Ok(f) => {
            if f.optional_rejected {
                sweep.percentile_refused = Some(Instant::now());
            }
            let pct_ok = !f.optional_rejected && percentile.is_some();
            for (k, i) in chosen.iter().enumerate() {
                functions[*i].stats = function_stats(&f, k, start, opts.window, pct_ok);
                functions[*i].stats.pct_pending = later;
            }
            totals = metrics::totals(&f);
            for e in f.errors {
                out.push(DataMsg::failed(Lambda::KIND, &r.name, "GetMetricData", e));
            }
            if refused {
                let msg = format!(
                    "{} unavailable: refused earlier; asking again within {} min",
                    opts.percentile,
                    PERCENTILE_RETRY.as_secs() / 60
                );
                out.push(DataMsg::failed(
                    Lambda::KIND,
                    &r.name,
                    "GetMetricData",
                    AwsError::new(ErrorKind::Service, msg),
                ));
            }
        }
        Err(e) => {
            // Asked and failed: "-" with the reason, no longer on its way.
            for i in &chosen {
                functions[*i].stats.pending = false;
            }
            out.push(DataMsg::failed(Lambda::KIND, &r.name, "GetMetricData", e))
        }
    }
    // Cold starts, from the REPORT records of the same functions and window.
    let groups: Vec<String> = chosen
        .iter()
        .map(|i| functions[*i].log_group.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let cold = &mut sweep.cold;
    // Rows that just scrolled into view need numbers now; their cold starts
    // are read with the next full refresh (what was read so far still shows).
    let errors = if read_logs {
        logs::refresh(&clients.logs, live, &groups, opts.cold_starts, start, fetched_at, cold).await
    } else {
        Vec::new()
    };
    for i in &chosen {
        let f = &mut functions[*i];
        if let Some(g) = cold.groups.get(&f.log_group).filter(|g| g.until.is_some()) {
            let (c, series) = g.tally.summary(start, opts.window);
            f.stats.cold = Some(c);
            if let Some(s) = f.stats.series.as_mut() {
                s.cold_starts = series;
            }
        } else if !read_logs {
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
        out.push(DataMsg::failed(Lambda::KIND, &r.name, "ColdStarts", e));
    }
    out.insert(
        0,
        DataMsg::Loaded {
            region: r.name.clone(),
            fetched_at,
            payload: Lambda::wrap(LambdaData {
                functions,
                totals,
                percentile: Some(opts.percentile.clone()),
            }),
        },
    );
    out
}
