//! SDK configuration shared by every service client: the credential chain,
//! endpoint override, timeouts, and the interceptor that counts every request.
//! Nothing here knows which services exist: each service room builds its own
//! clients from the `SdkConfig` loaded here.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Counts HTTP attempts by `service.Operation`: what the account's rate limits
/// see, and what the read-only audit lists.
/// One counter is shared by every account watched; each account's clients
/// hold a handle marked with its key (`for_account`), so its own requests
/// and metrics are counted apart as well.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<Mutex<Counts>>, Option<Arc<str>>);

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Counts {
    pub calls: BTreeMap<String, u64>,
    pub metrics_requested: u64,
    /// Bytes Logs Insights scanned: what it is billed on.
    pub logs_bytes_scanned: u64,
    /// `service.Operation` attempts sent and not yet answered.
    pub in_flight: BTreeMap<String, u32>,
    /// Per service: the slowest attempt of the last minute, and when it ended.
    pub slowest: BTreeMap<String, (Duration, Instant)>,
    /// Per account key (`for_account`): its requests and metrics requested.
    pub by_account: BTreeMap<String, AccountCalls>,
}

/// One account's share of the counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountCalls {
    pub calls: u64,
    pub metrics: u64,
}

/// How long ago an attempt may have ended to count as "recent".
pub const RECENT: Duration = Duration::from_secs(60);

impl Counts {
    /// The slowest recent attempt per service, in milliseconds.
    pub fn recent_latency_ms(&self) -> BTreeMap<String, u64> {
        self.slowest
            .iter()
            .filter(|(_, (_, at))| at.elapsed() <= RECENT)
            .map(|(k, (d, _))| (k.clone(), d.as_millis() as u64))
            .collect()
    }
    /// The operations still waiting for an answer.
    pub fn waiting(&self) -> Vec<String> {
        self.in_flight
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// When the attempt in this request's config bag was sent.
#[derive(Debug, Clone, Copy)]
struct Sent(Instant);

impl aws_smithy_types::config_bag::Storable for Sent {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

fn op_key(cfg: &ConfigBag) -> Option<String> {
    cfg.load::<Metadata>()
        .map(|m| format!("{}.{}", iam_prefix(m.service()), m.name()))
}

impl CallCounter {
    /// The same counter, counting what goes through this handle as the
    /// account keyed `key`'s too.
    pub fn for_account(&self, key: &str) -> CallCounter {
        CallCounter(self.0.clone(), Some(Arc::from(key)))
    }

    fn mine<'c>(&self, c: &'c mut Counts) -> Option<&'c mut AccountCalls> {
        let key = self.1.as_deref()?;
        if !c.by_account.contains_key(key) {
            c.by_account.insert(key.to_string(), AccountCalls::default());
        }
        c.by_account.get_mut(key)
    }

    pub fn snapshot(&self) -> Counts {
        self.0.lock().map(|c| c.clone()).unwrap_or_default()
    }
    pub fn add_logs_bytes(&self, n: u64) {
        if let Ok(mut c) = self.0.lock() {
            c.logs_bytes_scanned += n;
        }
    }
    pub fn add_metrics(&self, n: u64) {
        if let Ok(mut c) = self.0.lock() {
            c.metrics_requested += n;
            if let Some(a) = self.mine(&mut c) {
                a.metrics += n;
            }
        }
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "awstop-call-counter"
    }

    fn read_before_transmit(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(key) = op_key(cfg) {
            if let Ok(mut c) = self.0.lock() {
                *c.calls.entry(key.clone()).or_default() += 1;
                *c.in_flight.entry(key).or_default() += 1;
                if let Some(a) = self.mine(&mut c) {
                    a.calls += 1;
                }
            }
            cfg.interceptor_state().store_put(Sent(Instant::now()));
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        _ctx: &aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (Some(key), Some(Sent(at))) = (op_key(cfg), cfg.load::<Sent>().copied()) else {
            return Ok(());
        };
        let took = at.elapsed();
        let service = key.split('.').next().unwrap_or("").to_string();
        if let Ok(mut c) = self.0.lock() {
            if let Some(n) = c.in_flight.get_mut(&key) {
                *n = n.saturating_sub(1);
            }
            let slow = c.slowest.entry(service).or_insert((took, Instant::now()));
            if slow.1.elapsed() > RECENT || took >= slow.0 {
                *slow = (took, Instant::now());
            }
        }
        Ok(())
    }
}

/// Drops the operation's host prefix (StartLiveTail's `stream-`): with a custom
/// endpoint (LocalStack, moto) there is one host, and a prefixed name does not resolve.
#[derive(Debug, Clone, Copy)]
pub struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "awstop-no-host-prefix"
    }

    fn modify_before_retry_loop(
        &self,
        _ctx: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state()
            .unset::<aws_smithy_runtime_api::client::endpoint::EndpointPrefix>();
        Ok(())
    }
}

/// The SDK's service name as IAM spells its action prefix ("CloudWatch Logs" is `logs`).
pub fn iam_prefix(service: &str) -> String {
    match service {
        "CloudWatch Logs" => "logs".into(),
        other => other.to_ascii_lowercase().replace(' ', ""),
    }
}

#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// How long one HTTP attempt may take; `None` for the default.
    pub attempt_timeout: Option<Duration>,
}

pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// One SdkConfig per region, all from the default chain: environment, profile,
/// SSO, assume-role, credential_process; `AWS_ENDPOINT_URL` is honoured by the chain.
pub async fn load(conn: &Connection, region: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        // A dashboard must not hang on one slow call: give up and show the reason.
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(conn.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT))
            .operation_timeout(conn.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT) * 3)
            .build(),
    );
    if let Some(p) = &conn.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_string()));
    }
    if let Some(url) = &conn.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.http_client(shared_http_client()).load().await
}

/// One HTTPS client for every service client of every region. Left to the
/// SDK, each service client builds its own, and with it its own TLS setup and
/// copy of the system's trusted roots: about 1 MB of heap for nine services.
/// Built as the SDK builds its default (rustls with aws-lc, the proxy from the
/// environment); the connector is made on first use, per timeout setting.
pub fn shared_http_client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            aws_smithy_http_client::Builder::new().build_with_connector_fn(
                |settings, components| {
                    let mut conn = aws_smithy_http_client::ConnectorBuilder::default()
                        .tls_provider(tls::Provider::Rustls(
                            tls::rustls_provider::CryptoMode::AwsLc,
                        ));
                    conn.set_connector_settings(settings.cloned());
                    if let Some(c) = components {
                        conn.set_sleep_impl(c.sleep_impl());
                    }
                    conn.set_proxy_config(Some(ProxyConfig::from_env()));
                    conn.build()
                },
            )
        })
        .clone()
}

impl Connection {
    /// Where requests go when not to AWS itself: `host:port` of the custom
    /// endpoint (`--endpoint-url` or `AWS_ENDPOINT_URL`), for error messages.
    pub fn endpoint_label(&self) -> Option<String> {
        let url = self
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .filter(|u| !u.trim().is_empty())?;
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        Some(rest.split('/').next().unwrap_or(rest).to_string())
    }

    /// Whether requests go to one custom endpoint (an emulator) rather than AWS.
    pub fn custom_endpoint(&self) -> bool {
        self.endpoint_label().is_some()
    }
}
