//! What a room's live poller works with: the clients of every region, the
//! options, the call counter, and the helpers every room's refresh shares
//! (sending, logging). The poller's loop itself is in `poller`.

use std::any::Any;
use std::collections::HashSet;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::msg::{Account, ApiError, DataMsg, DataTx};
use super::room::Registered;
use super::{Intervals, Payload, ServiceKind};
use crate::aws::client::{self, CallCounter, Connection};
use crate::aws::{AwsError, ErrorKind};

/// Neither the flags nor the profile name a region: nothing can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRegion;

impl std::fmt::Display for NoRegion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no AWS region: pass --region (for example --region us-east-1) or set AWS_REGION; or try the built-in demo with --demo")
    }
}

impl std::error::Error for NoRegion {}

#[derive(Debug, Clone)]
pub struct Options {
    pub conn: Connection,
    pub regions: Vec<String>,
    pub window: u32,
    /// Fetch per-row metrics for every row, not only the rows on screen.
    pub metrics_all: bool,
    pub intervals: Intervals,
    /// The settings rooms own (Lambda: how its cold starts are read).
    pub rooms: crate::room_settings::RoomSettings,
    /// What watching may spend on CloudWatch metrics an hour (`--budget`).
    pub budget_usd_per_hour: f64,
    /// `--actuals`: the bill from Cost Explorer, at most once an hour.
    pub actuals: bool,
    /// Who changed what, from CloudTrail's LookupEvents (`--no-cloudtrail`: not asked).
    pub cloudtrail: bool,
    /// The room the dashboard opens on, read before the others (see
    /// `after_screen`); `None` (the Overview, `--once`) starts every room at once.
    pub screen: Option<ServiceKind>,
}

/// One region's clients: the shared CloudWatch client and each room's own.
pub struct RegionClients {
    pub name: String,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// The rooms' GetMetricData calls, shared when they refresh together.
    pub gather: crate::aws::gather::Gather,
    /// CloudTrail, for who changed what (`source::trail`).
    pub trail: Option<aws_sdk_cloudtrail::Client>,
    /// The account's own CloudWatch, for its alarms' history (`source::trail`)
    /// and its anomaly detectors: `cloudwatch` may be a monitoring account's.
    pub alarms: Option<aws_sdk_cloudwatch::Client>,
    /// The account's anomaly detectors here, looked up once for every room.
    pub detectors: crate::aws::anomaly::Looked,
    rooms: Vec<Option<Box<dyn Any + Send + Sync>>>,
}

impl RegionClients {
    pub fn new(name: impl Into<String>, cloudwatch: aws_sdk_cloudwatch::Client) -> RegionClients {
        RegionClients {
            name: name.into(),
            cloudwatch,
            gather: Default::default(),
            trail: None,
            alarms: None,
            detectors: Default::default(),
            rooms: ServiceKind::ALL.iter().map(|_| None).collect(),
        }
    }

    /// Hands the region its CloudTrail client (tests hand in mocked ones).
    pub fn with_trail(mut self, client: aws_sdk_cloudtrail::Client) -> RegionClients {
        self.trail = Some(client);
        self
    }

    /// Hands the region the CloudWatch client its alarms' history is read with.
    pub fn with_alarms(mut self, client: aws_sdk_cloudwatch::Client) -> RegionClients {
        self.alarms = Some(client);
        self
    }

    /// Hands room `S` its client (tests hand in mocked ones).
    pub fn with<S: Registered>(mut self, client: S::Client) -> RegionClients {
        self.set(S::KIND, Box::new(client));
        self
    }

    fn set(&mut self, kind: ServiceKind, client: Box<dyn Any + Send + Sync>) {
        if let Some(slot) = self.rooms.get_mut(kind.index()) {
            *slot = Some(client);
        }
    }

    pub fn client<S: Registered>(&self) -> Option<&S::Client> {
        self.rooms.get(S::KIND.index())?.as_ref()?.downcast_ref()
    }
}

/// The live account: every region's clients and what they have cost so far.
pub struct Live {
    pub opts: Options,
    /// The key of the account these clients reach (`scope::Scope`): empty
    /// for the current credentials' account. Every read is marked with it.
    pub key: String,
    /// Set when this account's metrics are read through a monitoring
    /// account's CloudWatch (OAM): the account's ID, sent as `AccountId`.
    pub metrics_of: Option<String>,
    pub counter: CallCounter,
    /// Every poller's CloudWatch spend, charged before each call.
    pub budget: crate::aws::budget::Budget,
    pub regions: Vec<RegionClients>,
    sts: aws_sdk_sts::Client,
    /// A custom endpoint's `host:port`, for "cannot reach" messages.
    endpoint: Option<String>,
    /// The account id, once STS said it: live tail needs log group ARNs.
    account_id: Mutex<Option<String>>,
    /// Where the pollers' shared refresh grid starts.
    pub epoch: tokio::time::Instant,
}

macro_rules! sdk_client {
    ($krate:ident, $cfg:expr, $counter:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($cfg)
                .interceptor($counter.clone())
                .build(),
        )
    };
}
pub(crate) use sdk_client;

impl Live {
    /// A watch of mocked clients with every row's metrics asked, for a
    /// room's own tests (`aws-smithy-mocks`), in one account and region.
    #[cfg(test)]
    pub fn for_tests(regions: Vec<RegionClients>) -> Live {
        let opts = Options {
            conn: Default::default(),
            regions: regions.iter().map(|r| r.name.clone()).collect(),
            window: 60,
            metrics_all: true,
            intervals: Default::default(),
            rooms: crate::services::default_settings(),
            budget_usd_per_hour: crate::aws::budget::DEFAULT_USD_PER_HOUR,
            actuals: false,
            cloudtrail: false,
            screen: None,
        };
        let sts = aws_smithy_mocks::mock_client!(aws_sdk_sts, aws_smithy_mocks::RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
        Live::from_clients(opts, regions, sts)
    }

    /// From ready-made clients: tests hand in mocked ones.
    pub fn from_clients(
        opts: Options,
        regions: Vec<RegionClients>,
        sts: aws_sdk_sts::Client,
    ) -> Live {
        // Reading every row is an explicit request: counted, never held back.
        let budget = if opts.metrics_all {
            crate::aws::budget::Budget::unlimited(opts.budget_usd_per_hour)
        } else {
            crate::aws::budget::Budget::new(opts.budget_usd_per_hour)
        };
        Live {
            key: String::new(),
            metrics_of: None,
            endpoint: opts.conn.endpoint_label(),
            budget,
            opts,
            counter: CallCounter::default(),
            regions,
            sts,
            account_id: Default::default(),
            epoch: tokio::time::Instant::now(),
        }
    }

    /// Builds every client for every region. Fails only when no region can be found.
    pub async fn connect(mut opts: Options) -> Result<Live, NoRegion> {
        Live::settle_regions(&mut opts).await?;
        let mut configs = Vec::new();
        for name in &opts.regions {
            configs.push((name.clone(), client::load(&opts.conn, Some(name)).await));
        }
        Ok(Live::from_configs(opts, &configs, &CallCounter::default()))
    }

    /// The regions asked for, each once; none: the profile's own.
    pub async fn settle_regions(opts: &mut Options) -> Result<(), NoRegion> {
        let mut seen = HashSet::new();
        opts.regions
            .retain(|r| !r.trim().is_empty() && seen.insert(r.clone()));
        if opts.regions.is_empty() {
            let cfg = client::load(&opts.conn, None).await;
            match cfg.region() {
                Some(r) => opts.regions.push(r.to_string()),
                None => return Err(NoRegion),
            }
        }
        Ok(())
    }

    /// Every room's client in every region from that region's SDK config,
    /// all counted by `counter`.
    pub fn from_configs(
        opts: Options,
        configs: &[(String, aws_config::SdkConfig)],
        counter: &CallCounter,
    ) -> Live {
        let custom = opts.conn.custom_endpoint();
        let mut regions = Vec::new();
        let mut sts = None;
        for (name, cfg) in configs {
            sts.get_or_insert_with(|| sdk_client!(aws_sdk_sts, cfg, counter));
            let mut r =
                RegionClients::new(name.clone(), sdk_client!(aws_sdk_cloudwatch, cfg, counter));
            for kind in ServiceKind::ALL {
                r.set(*kind, kind.room().client(cfg, counter, custom));
            }
            r.alarms = Some(r.cloudwatch.clone());
            if opts.cloudtrail {
                r.trail = Some(sdk_client!(aws_sdk_cloudtrail, cfg, counter));
            }
            regions.push(r);
        }
        let sts = sts.unwrap_or_else(|| {
            let cfg = aws_config::SdkConfig::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .build();
            sdk_client!(aws_sdk_sts, &cfg, counter)
        });
        let mut live = Live::from_clients(opts, regions, sts);
        live.counter = counter.clone();
        live
    }

    /// Reads this account's metrics, in `regions`, through `monitor`'s
    /// CloudWatch clients (a monitoring account it is linked to), as `id`.
    /// Whether any region was switched.
    pub fn metrics_through(&mut self, monitor: &Live, id: &str, regions: &[String]) -> bool {
        let mut any = false;
        for r in self.regions.iter_mut().filter(|r| regions.contains(&r.name)) {
            if let Some(m) = monitor.regions.iter().find(|m| m.name == r.name) {
                r.cloudwatch = m.cloudwatch.clone();
                any = true;
            }
        }
        if any {
            self.metrics_of = Some(id.to_string());
        }
        any
    }

    /// The account's ID, known before any read (an account named by ID).
    pub fn set_account_id(&self, id: &str) {
        if let Ok(mut a) = self.account_id.lock() {
            *a = Some(id.to_string());
        }
    }

    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// An SDK error of `operation` as awstop says it.
    pub fn error<E>(
        &self,
        operation: &'static str,
        e: &aws_smithy_runtime_api::client::result::SdkError<
            E,
            aws_smithy_runtime_api::http::Response,
        >,
    ) -> AwsError
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    {
        AwsError::from_sdk(e, self.endpoint()).during(operation)
    }

    /// Where CloudWatch queries of region `r` go.
    pub fn cloudwatch<'a>(&'a self, r: &'a RegionClients) -> crate::aws::cloudwatch::Target<'a> {
        crate::aws::cloudwatch::Target {
            client: &r.cloudwatch,
            counter: &self.counter,
            endpoint: self.endpoint(),
            budget: &self.budget,
            account_id: self.metrics_of.as_deref(),
        }
    }

    /// The account's anomaly detectors in region `r`, shared by its rooms.
    /// Through the account's own CloudWatch, never a monitoring account's:
    /// with metrics read through one (`metrics_of`) the band would not be
    /// the account's, and none is read.
    pub async fn detectors(&self, r: &RegionClients) -> std::sync::Arc<std::collections::BTreeSet<crate::aws::anomaly::Detector>> {
        match (r.alarms.as_ref(), self.metrics_of.as_ref()) {
            (Some(client), None) => r.detectors.get(client, self.endpoint(), &r.name, crate::baseline::REFRESH).await,
            _ => Default::default(),
        }
    }

    pub async fn account(&self) -> DataMsg {
        let regions = self.opts.regions.clone();
        match crate::aws::sts::caller_identity(&self.sts, self.endpoint()).await {
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
            Err(e) => DataMsg::AccountFailed(ApiError::new(
                "sts",
                regions.first().map_or("", String::as_str),
                e,
            )),
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
        let latency_ms = c.recent_latency_ms();
        DataMsg::Api {
            at: Utc::now(),
            calls: c.calls,
            metrics_requested: c.metrics_requested,
            logs_bytes_scanned: c.logs_bytes_scanned,
            latency_ms,
            by_account: c.by_account,
        }
    }
}

/// One line per fetch in the log file: what was read, or why not.
pub fn log(m: &DataMsg) {
    match m {
        DataMsg::Loaded {
            region, payload, ..
        } => tracing::debug!(region, service = payload.kind().name(), "loaded"),
        DataMsg::Failed { error, .. } => {
            tracing::warn!(service = %error.service, region = %error.region, operation = %error.operation, "{}", error.message)
        }
        DataMsg::AccountFailed(e) => tracing::warn!(operation = %e.operation, "{}", e.message),
        DataMsg::Account(a) => tracing::info!(
            account = a.id.as_deref().unwrap_or("?"),
            caller = a.caller_arn.as_deref().unwrap_or("?"),
            "connected"
        ),
        DataMsg::TailEnded { key, reason } => {
            tracing::info!(key, "live tail ended: {reason}")
        }
        _ => {}
    }
}

/// Sends `msgs` and the call counts; false once the app has hung up.
pub async fn send_all(tx: &DataTx, live: &Live, msgs: Vec<DataMsg>) -> bool {
    for m in msgs {
        let m = m.in_account(&live.key);
        log(&m);
        if tx.send(m).await.is_err() {
            return false;
        }
    }
    tx.send(live.api()).await.is_ok()
}

/// Sends a region's rows ahead of their metrics, each marked as on its way
/// by the room: the dashboard's first read, so the table fills in the time
/// the listing takes. A dashboard that has gone ends the poller with its
/// next send, so the result is not needed here.
pub async fn rows_first(
    tx: &DataTx,
    live: &Live,
    region: &str,
    fetched_at: DateTime<Utc>,
    payload: Payload,
) {
    let rows = DataMsg::Loaded {
        account: String::new(),
        region: region.to_string(),
        fetched_at,
        payload,
    };
    let _ = send_all(tx, live, vec![rows]).await;
}

/// A room asked for a region it was given no client for (a test's wiring).
pub fn no_client(kind: ServiceKind, region: &str) -> Vec<DataMsg> {
    vec![DataMsg::failed(
        kind,
        region,
        AwsError::new(
            ErrorKind::Other,
            "no client for this service in this region",
        )
        .during("setup"),
    )]
}
