//! SDK configuration shared by every service client: the credential chain,
//! endpoint override, timeouts, and the interceptor that counts every request.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Counts HTTP attempts by `service.Operation`: what the account's rate limits
/// see, and what the read-only audit lists.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<Mutex<Counts>>);

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Counts {
    pub calls: BTreeMap<String, u64>,
    pub metrics_requested: u64,
    /// Bytes Logs Insights scanned: what it is billed on.
    pub logs_bytes_scanned: u64,
}

impl CallCounter {
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
        if let Some(m) = cfg.load::<Metadata>() {
            let key = format!("{}.{}", iam_prefix(m.service()), m.name());
            if let Ok(mut c) = self.0.lock() {
                *c.calls.entry(key).or_default() += 1;
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
    loader.load().await
}

/// The first line of an SDK error an operator can act on: code and message.
pub fn describe<E>(
    err: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::http::Response,
    >,
) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    let text = match err {
        SdkError::ServiceError(e) => {
            let inner = e.err();
            let code = inner.code().unwrap_or("ServiceError");
            let status = e.raw().status().as_u16();
            match inner.message() {
                Some(m) if !m.is_empty() => format!("{code}: {m}"),
                _ => format!("{code} (HTTP {status})"),
            }
        }
        SdkError::TimeoutError(_) => "timed out".to_string(),
        SdkError::DispatchFailure(e) => {
            if e.is_timeout() {
                "timed out".to_string()
            } else if e.is_io() {
                format!("connection failed: {}", source_chain(err))
            } else {
                format!("request failed: {}", source_chain(err))
            }
        }
        SdkError::ResponseError(_) => format!("unreadable response: {}", source_chain(err)),
        SdkError::ConstructionFailure(_) => format!("request not sent: {}", source_chain(err)),
        _ => source_chain(err),
    };
    one_line(&text)
}

fn source_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::fmt::truncate(&s, 300)
}

/// Codes AWS uses when it wants us to slow down.
pub fn is_throttle(message: &str) -> bool {
    const CODES: [&str; 6] = [
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ThrottledException",
        "SlowDown",
    ];
    CODES.iter().any(|c| message.starts_with(c)) || message.contains("Rate exceeded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_is_recognised() {
        assert!(is_throttle("ThrottlingException: Rate exceeded"));
        assert!(is_throttle("TooManyRequestsException: slow down"));
        assert!(!is_throttle("AccessDeniedException: no"));
    }
}
