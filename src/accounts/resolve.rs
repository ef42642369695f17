//! Learning each account's ID through its own credentials, a bounded number
//! at once, each with its own time limit: a slow or denied account costs the
//! others nothing.

use std::time::Duration;

use aws_config::SdkConfig;
use futures_util::StreamExt;
use tokio::time::Instant;

use super::{Account, AccountError, How, Target};

/// At most this many accounts are asked at once.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// How long one account may take to answer, AssumeRole included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct ResolveOptions {
    pub concurrency: usize,
    pub timeout: Duration,
    /// A custom endpoint's `host:port`, for "cannot reach" messages.
    pub endpoint: Option<String>,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            concurrency: DEFAULT_CONCURRENCY,
            timeout: DEFAULT_TIMEOUT,
            endpoint: None,
        }
    }
}

/// One target's outcome.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub target: Target,
    pub result: Result<Account, AccountError>,
    /// From the moment its turn came to its answer (or its time limit).
    pub took: Duration,
}

impl Resolved {
    /// The account's ID: from STS, else the one expected (an Organizations listing, a role ARN).
    pub fn id(&self) -> Option<&str> {
        match &self.result {
            Ok(a) => Some(&a.id),
            Err(_) => self.target.expected_id.as_deref(),
        }
    }

    pub fn name(&self) -> String {
        match &self.result {
            Ok(a) => a.name.clone(),
            Err(_) => self.target.label(),
        }
    }
}

/// `sts:GetCallerIdentity` through `config`: the account ID and the caller's
/// ARN. When `config` assumes a role, this is also where a refused AssumeRole
/// shows.
pub async fn identity(
    config: &SdkConfig,
    role_arn: Option<&str>,
    endpoint: Option<&str>,
) -> Result<(String, String), AccountError> {
    let client = aws_sdk_sts::Client::new(config);
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| AccountError::from_identity_call(&e, role_arn, endpoint))?;
    let id = out.account().unwrap_or_default().to_string();
    if !super::is_account_id(&id) {
        return Err(AccountError::Other {
            message: format!("GetCallerIdentity answered no account ID ('{id}')"),
        });
    }
    Ok((id, out.arn().unwrap_or_default().to_string()))
}

/// One target, within `opts.timeout`.
pub async fn resolve(target: Target, opts: &ResolveOptions) -> Resolved {
    let start = Instant::now();
    let asked = identity(
        &target.config,
        target.role_arn.as_deref(),
        opts.endpoint.as_deref(),
    );
    let result = match tokio::time::timeout(opts.timeout, asked).await {
        Ok(Ok((id, caller_arn))) => Ok(Account {
            name: target.name.clone().unwrap_or_else(|| match &target.how {
                How::Profile(p) => p.clone(),
                _ => id.clone(),
            }),
            id,
            how: target.how.clone(),
            caller_arn,
            config: target.config.clone(),
        }),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(AccountError::Timeout {
            after: opts.timeout,
        }),
    };
    Resolved {
        target,
        result,
        took: start.elapsed(),
    }
}

/// Every target, at most `opts.concurrency` at once, in the targets' order.
/// An account reached twice (two profiles, a profile and a role into the
/// same account) is kept once, where it came first; failures are all kept.
pub async fn resolve_all(targets: Vec<Target>, opts: &ResolveOptions) -> Vec<Resolved> {
    let mut done: Vec<(usize, Resolved)> =
        futures_util::stream::iter(targets.into_iter().enumerate())
            .map(|(i, t)| async move { (i, resolve(t, opts).await) })
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
    done.sort_by_key(|(i, _)| *i);
    let mut out: Vec<Resolved> = Vec::with_capacity(done.len());
    for (_, r) in done {
        let dup = match &r.result {
            Ok(a) => out
                .iter()
                .any(|o| matches!(&o.result, Ok(b) if b.id == a.id)),
            Err(_) => false,
        };
        if !dup {
            out.push(r);
        }
    }
    out
}
