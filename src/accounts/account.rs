//! One watched account, once its ID is known.

use std::fmt;

use aws_config::{Region, SdkConfig};
use serde::Serialize;

/// How an account was named: what the snapshot's `accounts[].how` says and
/// which credentials reach it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum How {
    /// The current credentials (the default chain, or `--profile` alone). In
    /// `--org-role` mode, also the account those credentials belong to: its
    /// own role is not assumed (the management account has no
    /// OrganizationAccountAccessRole of its own).
    Default,
    /// A profile of the shared config or credentials file.
    Profile(String),
    /// A member of the organization, reached by assuming this role in it.
    OrgRole(String),
    /// An `[[accounts]]` entry of the config file, by its `name`.
    Entry(String),
}

impl fmt::Display for How {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            How::Default => f.write_str("default credentials"),
            How::Profile(p) => write!(f, "profile {p}"),
            How::OrgRole(r) => write!(f, "org role {r}"),
            How::Entry(n) => write!(f, "config entry {n}"),
        }
    }
}

/// An account awstop can read: its ID as STS reported it through the
/// account's own credentials, and those credentials.
#[derive(Debug, Clone)]
pub struct Account {
    /// Twelve digits, from `sts:GetCallerIdentity`.
    pub id: String,
    /// From Organizations or the config entry; else the profile's name; else the ID.
    pub name: String,
    pub how: How,
    /// Who the credentials are (`arn:aws:sts::ID:assumed-role/ROLE/awstop`).
    pub caller_arn: String,
    /// Credentials, endpoint and timeouts for this account. Role credentials
    /// come from aws-config's `AssumeRoleProvider` behind the SDK's identity
    /// cache, which assumes the role again shortly before they expire.
    pub config: SdkConfig,
}

impl Account {
    /// The same account in another region: one credentials cache for all.
    pub fn config_in(&self, region: &str) -> SdkConfig {
        self.config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build()
    }
}
