//! The live source: the official AWS SDK for Rust, read-only, one poller per
//! (service, region), each with its own interval, never overlapping itself,
//! backing off with jitter when AWS throttles.

pub mod batch;
pub mod client;
pub mod cloudwatch;
pub mod ecs;
pub mod lambda;
pub mod logs;
pub mod poll;
pub mod sts;

use std::collections::HashSet;

use chrono::Utc;

use crate::app::msg::{DataMsg, Payload, ServiceKind};
use crate::domain::lambda::{Function, LambdaData};
use crate::domain::{Account, ApiError};
use client::{CallCounter, Connection};

#[derive(Debug, Clone)]
pub struct Options {
    pub conn: Connection,
    pub regions: Vec<String>,
    pub window: u32,
    pub percentile: String,
    /// Fetch per-function metrics for every function, not only the rows on screen.
    pub metrics_all: bool,
    pub intervals: poll::Intervals,
    /// How cold starts are read from CloudWatch Logs.
    pub cold_starts: logs::Method,
}

pub struct RegionClients {
    pub name: String,
    pub lambda: aws_sdk_lambda::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub batch: aws_sdk_batch::Client,
}

pub struct Aws {
    pub opts: Options,
    pub counter: CallCounter,
    pub regions: Vec<RegionClients>,
    sts: aws_sdk_sts::Client,
    /// When the percentile was last refused: it is not asked for again for a while.
    percentile_refused: std::sync::Mutex<Option<std::time::Instant>>,
    /// The account id, once STS said it: live tail needs log group ARNs.
    account_id: std::sync::Mutex<Option<String>>,
}

/// How long a refused percentile stays unasked.
const PERCENTILE_RETRY: std::time::Duration = std::time::Duration::from_secs(900);

macro_rules! client {
    ($krate:ident, $cfg:expr, $counter:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($cfg)
                .interceptor($counter.clone())
                .build(),
        )
    };
}

impl Aws {
    /// From ready-made clients: tests hand in mocked ones.
    pub fn from_clients(
        opts: Options,
        regions: Vec<RegionClients>,
        sts: aws_sdk_sts::Client,
    ) -> Aws {
        Aws {
            opts,
            counter: CallCounter::default(),
            regions,
            sts,
            percentile_refused: Default::default(),
            account_id: Default::default(),
        }
    }
}

/// Builds every client. Fails only when no region can be found at all.
pub async fn connect(mut opts: Options) -> Result<Aws, String> {
    let counter = CallCounter::default();
    let mut seen = HashSet::new();
    opts.regions
        .retain(|r| !r.trim().is_empty() && seen.insert(r.clone()));
    if opts.regions.is_empty() {
        let cfg = client::load(&opts.conn, None).await;
        match cfg.region() {
            Some(r) => opts.regions.push(r.to_string()),
            None => return Err("no AWS region: pass --region (for example --region us-east-1) or set AWS_REGION; or try the built-in demo with --demo".into()),
        }
    }
    let mut regions = Vec::new();
    let mut sts = None;
    let custom_endpoint =
        opts.conn.endpoint_url.is_some() || std::env::var_os("AWS_ENDPOINT_URL").is_some();
    for name in &opts.regions {
        let cfg = client::load(&opts.conn, Some(name)).await;
        sts.get_or_insert_with(|| client!(aws_sdk_sts, &cfg, counter));
        regions.push(RegionClients {
            name: name.clone(),
            lambda: client!(aws_sdk_lambda, &cfg, counter),
            cloudwatch: client!(aws_sdk_cloudwatch, &cfg, counter),
            logs: if custom_endpoint {
                // Emulators live at one host: no "stream-" prefix for live tail.
                aws_sdk_cloudwatchlogs::Client::from_conf(
                    aws_sdk_cloudwatchlogs::config::Builder::from(&cfg)
                        .interceptor(counter.clone())
                        .interceptor(client::NoHostPrefix)
                        .build(),
                )
            } else {
                client!(aws_sdk_cloudwatchlogs, &cfg, counter)
            },
            ecs: client!(aws_sdk_ecs, &cfg, counter),
            batch: client!(aws_sdk_batch, &cfg, counter),
        });
    }
    let sts = sts.ok_or("no AWS region given")?;
    Ok(Aws {
        opts,
        counter,
        regions,
        sts,
        percentile_refused: Default::default(),
        account_id: Default::default(),
    })
}

fn failed(service: ServiceKind, region: &str, operation: &str, message: String) -> DataMsg {
    DataMsg::Failed {
        service,
        error: ApiError {
            service: service.label().to_ascii_lowercase(),
            region: region.to_string(),
            operation: operation.to_string(),
            message,
            at: Some(Utc::now()),
        },
    }
}

impl Aws {
    pub async fn account(&self) -> DataMsg {
        let regions = self.opts.regions.clone();
        match sts::caller_identity(&self.sts).await {
            Ok((id, arn)) => {
                if let Ok(mut a) = self.account_id.lock() {
                    *a = Some(id.clone());
                }
                DataMsg::Account(Account {
                    id: Some(id),
                    caller_arn: Some(arn),
                    profile: self.opts.conn.profile.clone(),
                    regions,
                })
            }
            Err(message) => DataMsg::AccountFailed(ApiError {
                service: "sts".into(),
                region: regions.first().cloned().unwrap_or_default(),
                operation: "GetCallerIdentity".into(),
                message,
                at: Some(Utc::now()),
            }),
        }
    }

    /// The ARN StartLiveTail wants for a log group.
    pub fn log_group_arn(&self, region: &str, group: &str) -> String {
        let account = self
            .account_id
            .lock()
            .ok()
            .and_then(|a| a.clone())
            .unwrap_or_default();
        format!("arn:aws:logs:{region}:{account}:log-group:{group}")
    }

    pub fn api(&self) -> DataMsg {
        let c = self.counter.snapshot();
        DataMsg::Api {
            at: Utc::now(),
            calls: c.calls,
            metrics_requested: c.metrics_requested,
            logs_bytes_scanned: c.logs_bytes_scanned,
        }
    }

    pub async fn ecs(&self, r: &RegionClients, metrics: bool) -> Vec<DataMsg> {
        let fetched_at = Utc::now();
        let mut data = match ecs::fetch(&r.ecs, &r.name).await {
            Ok(d) => d,
            Err((op, e)) => return vec![failed(ServiceKind::Ecs, &r.name, &op, e)],
        };
        let mut out = Vec::new();
        let pairs: Vec<(String, String)> = data
            .clusters
            .iter()
            .flat_map(|c| {
                c.services
                    .iter()
                    .map(move |s| (c.name.clone(), s.name.clone()))
            })
            .collect();
        if metrics && !pairs.is_empty() {
            let refs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(c, s)| (c.as_str(), s.as_str()))
                .collect();
            let (start, end) = cloudwatch::window(fetched_at, 5);
            match cloudwatch::fetch(
                &r.cloudwatch,
                &cloudwatch::ecs_queries(&refs),
                start,
                end,
                &self.counter,
            )
            .await
            {
                Ok(f) => {
                    let mut i = 0;
                    for c in &mut data.clusters {
                        for s in &mut c.services {
                            s.cpu_pct = cloudwatch::latest(&f, &format!("s{i}_cpu"));
                            s.memory_pct = cloudwatch::latest(&f, &format!("s{i}_mem"));
                            i += 1;
                        }
                    }
                }
                Err(e) => out.push(failed(ServiceKind::Ecs, &r.name, "GetMetricData", e)),
            }
        }
        out.insert(
            0,
            DataMsg::Loaded {
                region: r.name.clone(),
                fetched_at,
                payload: Payload::Ecs(data),
            },
        );
        out
    }

    pub async fn batch(&self, r: &RegionClients) -> Vec<DataMsg> {
        let fetched_at = Utc::now();
        match batch::fetch(&r.batch, &r.name).await {
            Ok(d) => vec![DataMsg::Loaded {
                region: r.name.clone(),
                fetched_at,
                payload: Payload::Batch(d),
            }],
            Err((op, e)) => vec![failed(ServiceKind::Batch, &r.name, &op, e)],
        }
    }

    /// Inventory plus metrics and cold starts for `want` (all functions when
    /// `None`); functions left out keep the statistics they came with.
    pub async fn lambda(
        &self,
        r: &RegionClients,
        inventory: &[Function],
        want: Option<&HashSet<String>>,
        cold: &mut logs::ColdState,
    ) -> Vec<DataMsg> {
        let fetched_at = Utc::now();
        let mut functions = inventory.to_vec();
        let chosen: Vec<usize> = (0..functions.len())
            .filter(|i| want.is_none_or(|w| w.contains(&functions[*i].name)))
            .collect();
        let names: Vec<&str> = chosen.iter().map(|i| functions[*i].name.as_str()).collect();
        let refused = self
            .percentile_refused
            .lock()
            .ok()
            .and_then(|t| *t)
            .is_some_and(|t| t.elapsed() < PERCENTILE_RETRY);
        let percentile = (!refused).then_some(self.opts.percentile.as_str());
        let queries = cloudwatch::lambda_queries(&names, self.opts.window, percentile);
        let (start, end) = cloudwatch::window(fetched_at, self.opts.window);
        let mut out = Vec::new();
        let mut totals = None;
        match cloudwatch::fetch(&r.cloudwatch, &queries, start, end, &self.counter).await {
            Ok(f) => {
                if f.optional_rejected {
                    if let Ok(mut t) = self.percentile_refused.lock() {
                        *t = Some(std::time::Instant::now());
                    }
                }
                let pct_ok = !f.optional_rejected && percentile.is_some();
                for (k, i) in chosen.iter().enumerate() {
                    functions[*i].stats =
                        cloudwatch::function_stats(&f, k, start, self.opts.window, pct_ok);
                }
                totals = cloudwatch::totals(&f);
                for e in f.errors {
                    out.push(failed(ServiceKind::Lambda, &r.name, "GetMetricData", e));
                }
                if refused {
                    let msg = format!(
                        "{} unavailable: refused earlier; asking again within {} min",
                        self.opts.percentile,
                        PERCENTILE_RETRY.as_secs() / 60
                    );
                    out.push(failed(ServiceKind::Lambda, &r.name, "GetMetricData", msg));
                }
            }
            Err(e) => out.push(failed(ServiceKind::Lambda, &r.name, "GetMetricData", e)),
        }
        // Cold starts, from the REPORT records of the same functions and window.
        let groups: Vec<String> = chosen
            .iter()
            .map(|i| functions[*i].log_group.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let errors = logs::refresh(
            &r.logs,
            &groups,
            self.opts.cold_starts,
            start,
            fetched_at,
            cold,
            &self.counter,
        )
        .await;
        for i in &chosen {
            let f = &mut functions[*i];
            if let Some(g) = cold.groups.get(&f.log_group).filter(|g| g.until.is_some()) {
                let (c, series) = g.tally.summary(start, self.opts.window);
                f.stats.cold = Some(c);
                if let Some(s) = f.stats.series.as_mut() {
                    s.cold_starts = series;
                }
            }
        }
        for e in errors {
            out.push(failed(ServiceKind::Lambda, &r.name, "ColdStarts", e));
        }
        out.insert(
            0,
            DataMsg::Loaded {
                region: r.name.clone(),
                fetched_at,
                payload: Payload::Lambda(LambdaData { functions, totals }),
            },
        );
        out
    }

    /// Everything once, every function's metrics included: `--once`.
    pub async fn once(&self) -> Vec<DataMsg> {
        let mut out = vec![self.account().await];
        let per_region = self.regions.iter().map(|r| async move {
            let mut msgs = Vec::new();
            match lambda::list_functions(&r.lambda, &r.name).await {
                Ok(inv) => msgs.extend(
                    self.lambda(r, &inv, None, &mut logs::ColdState::default())
                        .await,
                ),
                Err(e) => msgs.push(failed(ServiceKind::Lambda, &r.name, "ListFunctions", e)),
            }
            let (e, b) = tokio::join!(self.ecs(r, true), self.batch(r));
            msgs.extend(e);
            msgs.extend(b);
            msgs
        });
        for msgs in futures_util::future::join_all(per_region).await {
            out.extend(msgs);
        }
        out.push(self.api());
        out
    }
}
