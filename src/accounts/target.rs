//! The accounts to try, before their IDs are known: each with the
//! `SdkConfig` that reaches it, built without a single network call.

use aws_config::identity::IdentityCache;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};

use super::entries::AccountEntry;
use super::org::{self, OrgRole};
use super::profiles::SharedFiles;
use super::resolve::{identity, ResolveOptions};
use super::{AccountError, How};
use crate::aws::AwsError;

/// The session name member accounts see in CloudTrail when none is set.
pub const SESSION_NAME: &str = "awstop";

#[derive(Debug, Clone)]
pub struct Target {
    /// The name Organizations or the config entry gives; `None` for profiles
    /// and the default credentials (then the profile name or the ID is used).
    pub name: Option<String>,
    pub how: How,
    /// The account this should be, when known before asking STS (an
    /// Organizations listing, a role ARN): shown on a failed row.
    pub expected_id: Option<String>,
    /// The role assumed to reach it, if any.
    pub role_arn: Option<String>,
    /// The profile whose credentials reach it, if any.
    pub profile: Option<String>,
    pub config: SdkConfig,
}

impl Target {
    /// The account the current credentials belong to.
    pub fn current(base: &SdkConfig) -> Target {
        Target {
            name: None,
            how: How::Default,
            expected_id: None,
            role_arn: None,
            profile: None,
            config: base.clone(),
        }
    }

    /// A shared-config profile, with `base`'s region, endpoint, HTTP client
    /// and timeouts. Only the profile's credentials are used: the default
    /// chain would let environment credentials win over the profile and
    /// quietly watch the wrong account.
    pub fn profile(base: &SdkConfig, profile: &str) -> Target {
        Target::profile_in(base, profile, None)
    }

    /// [`Target::profile`] read from these config and credentials files
    /// instead of the ones the environment names.
    pub fn profile_in(base: &SdkConfig, profile: &str, files: Option<&SharedFiles>) -> Target {
        let mut pc = ProviderConfig::without_region().with_region(base.region().cloned());
        if let Some(http) = base.http_client() {
            pc = pc.with_http_client(http);
        }
        if let Some(sleep) = base.sleep_impl() {
            pc = pc.with_sleep_impl(sleep);
        }
        let mut provider = ProfileFileCredentialsProvider::builder()
            .configure(&pc)
            .profile_name(profile);
        if let Some(f) = files {
            provider = provider.profile_files(
                EnvConfigFiles::builder()
                    .include_default_config_file(false)
                    .include_default_credentials_file(false)
                    .with_file(EnvConfigFileKind::Config, &f.config)
                    .with_file(EnvConfigFileKind::Credentials, &f.credentials)
                    .build(),
            );
        }
        let provider = provider.build();
        Target {
            name: None,
            how: How::Profile(profile.to_string()),
            expected_id: None,
            role_arn: None,
            profile: Some(profile.to_string()),
            config: with_credentials(base, SharedCredentialsProvider::new(provider)),
        }
    }

    /// An account reached by assuming `role_arn` with `base`'s credentials.
    /// aws-config's AssumeRoleProvider behind a lazy identity cache: the role
    /// is assumed on first use and again shortly before the credentials
    /// expire, by the SDK.
    pub async fn role(
        base: &SdkConfig,
        role_arn: &str,
        external_id: Option<&str>,
        session_name: Option<&str>,
        how: How,
        name: Option<String>,
    ) -> Target {
        let mut b = AssumeRoleProvider::builder(role_arn)
            .configure(base)
            .session_name(session_name.unwrap_or(SESSION_NAME));
        if let Some(x) = external_id {
            b = b.external_id(x);
        }
        let provider = b.build().await;
        Target {
            name,
            how,
            expected_id: super::entries::role_arn_account(role_arn).map(str::to_string),
            role_arn: Some(role_arn.to_string()),
            profile: None,
            config: with_credentials(base, SharedCredentialsProvider::new(provider)),
        }
    }

    /// The name to show before (or without) an ID from STS.
    pub fn label(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match (&self.how, &self.expected_id) {
            (How::Profile(p), _) => p.clone(),
            (_, Some(id)) => id.clone(),
            (how, None) => how.to_string(),
        }
    }

    /// How the account is reached ("profile prod", "role arn:…"): two
    /// targets with the same way reach the same account the same way.
    pub fn way(&self) -> String {
        match (&self.role_arn, &self.profile) {
            (Some(arn), _) => format!("role {arn}"),
            (None, Some(p)) => format!("profile {p}"),
            (None, None) => "current credentials".into(),
        }
    }
}

/// One credentials cache per account, shared by every client and region
/// built from this config: the role is assumed once, not once per client.
fn with_credentials(base: &SdkConfig, creds: SharedCredentialsProvider) -> SdkConfig {
    base.to_builder()
        .credentials_provider(creds)
        .identity_cache(IdentityCache::lazy().build())
        .build()
}

/// The ways of naming accounts the user combined. All empty: the current
/// credentials alone, today's single account.
#[derive(Debug, Clone, Default)]
pub struct Naming {
    /// Profiles already selected (see [`super::profiles::select`]).
    pub profiles: Vec<String>,
    pub org: Option<OrgRole>,
    pub entries: Vec<AccountEntry>,
    /// Where profiles are read; `None`: where the SDK reads them.
    pub profile_files: Option<SharedFiles>,
}

impl Naming {
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty() && self.org.is_none() && self.entries.is_empty()
    }
}

/// Why the organization's accounts could not be listed: this stops `--org-role`
/// as a whole, since the current credentials themselves fail.
#[derive(Debug, Clone, PartialEq)]
pub enum NamingError {
    /// GetCallerIdentity with the current credentials failed.
    Caller(AccountError),
    /// ListAccounts failed (not the management or a delegated administrator
    /// account, or no `organizations:ListAccounts`).
    Organization(AwsError),
    /// Nothing left to watch: the listing had no ACTIVE account (moto
    /// without an organization answers so), or every one was excluded.
    NoAccounts { listed: usize, excluded: usize },
}

impl std::fmt::Display for NamingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NamingError::Caller(e) => write!(f, "the current credentials: {e}"),
            NamingError::Organization(e) => write!(f, "listing the organization's accounts: {e}"),
            NamingError::NoAccounts { listed, excluded } => write!(
                f,
                "the organization lists {listed} ACTIVE account{}, {excluded} of them excluded: nothing to watch",
                if *listed == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for NamingError {}

/// Every account to try, in order: the profiles (as selected), then the
/// organization's (the current credentials' own account first, then by
/// name and ID), then the config entries (in file order); each way of
/// reaching an account once, and each account ID known in advance once.
pub async fn targets(
    base: &SdkConfig,
    naming: &Naming,
    opts: &ResolveOptions,
) -> Result<Vec<Target>, NamingError> {
    if naming.is_empty() {
        return Ok(vec![Target::current(base)]);
    }
    let mut out: Vec<Target> = naming
        .profiles
        .iter()
        .map(|p| Target::profile_in(base, p, naming.profile_files.as_ref()))
        .collect();
    if let Some(o) = &naming.org {
        out.extend(org_targets(base, o, opts).await?);
    }
    for e in &naming.entries {
        out.push(entry_target(base, e, naming.profile_files.as_ref()).await);
    }
    Ok(dedup(out))
}

fn dedup(all: Vec<Target>) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::with_capacity(all.len());
    for t in all {
        let same_way = out.iter().any(|o| o.way() == t.way());
        let same_id = t.expected_id.is_some() && out.iter().any(|o| o.expected_id == t.expected_id);
        if !same_way && !same_id {
            out.push(t);
        }
    }
    out
}

/// One `[[accounts]]` entry (already validated).
pub async fn entry_target(
    base: &SdkConfig,
    e: &AccountEntry,
    files: Option<&SharedFiles>,
) -> Target {
    let how = How::Entry(e.name.clone());
    match (&e.role_arn, &e.profile) {
        (Some(arn), _) => {
            Target::role(
                base,
                arn,
                e.external_id.as_deref(),
                None,
                how,
                Some(e.name.clone()),
            )
            .await
        }
        (None, profile) => {
            let mut t = Target::profile_in(base, profile.as_deref().unwrap_or("default"), files);
            t.how = how;
            t.name = Some(e.name.clone());
            t
        }
    }
}

/// The organization's ACTIVE accounts less `exclude`, each through the role;
/// the account the current credentials belong to is read with them instead
/// (it is usually the management account, where the member role does not exist).
pub async fn org_targets(
    base: &SdkConfig,
    o: &OrgRole,
    opts: &ResolveOptions,
) -> Result<Vec<Target>, NamingError> {
    let endpoint = opts.endpoint.as_deref();
    let client = aws_sdk_organizations::Client::new(base);
    let (caller, members) = tokio::join!(
        tokio::time::timeout(opts.timeout, identity(base, None, endpoint)),
        org::active_members(&client, org::PAGE_SIZE, endpoint),
    );
    let caller = caller
        .unwrap_or(Err(AccountError::Timeout {
            after: opts.timeout,
        }))
        .map_err(NamingError::Caller)?;
    let mut members = members.map_err(NamingError::Organization)?;
    let listed = members.len();
    members.retain(|m| !o.exclude.contains(&m.id));
    if members.is_empty() {
        return Err(NamingError::NoAccounts {
            listed,
            excluded: listed,
        });
    }
    members.sort_by(|a, b| {
        (a.id != caller.0, &a.name, &a.id).cmp(&(b.id != caller.0, &b.name, &b.id))
    });
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let t = if m.id == caller.0 {
            Target {
                name: Some(m.name.clone()),
                expected_id: Some(m.id.clone()),
                ..Target::current(base)
            }
        } else {
            let mut t = Target::role(
                base,
                &o.role_arn(&m),
                o.external_id.as_deref(),
                o.session_name.as_deref(),
                How::OrgRole(o.role.clone()),
                Some(m.name.clone()),
            )
            .await;
            t.expected_id = Some(m.id.clone());
            t
        };
        out.push(t);
    }
    Ok(out)
}
