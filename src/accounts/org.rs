//! `--org-role ROLE`: the organization's ACTIVE accounts, from
//! `organizations:ListAccounts` with the current credentials, every page.

use aws_sdk_organizations::types::{AccountState, AccountStatus};
use aws_sdk_organizations::Client;
use serde::{Deserialize, Serialize};

use crate::aws::AwsError;

/// How to reach the organization's accounts: one role, the same name in
/// every member. The config's `[org]` table, or `--org-role`/`--org-exclude`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrgRole {
    /// The role's name (with its path, if any): `OrganizationAccountAccessRole`.
    pub role: String,
    /// Account IDs not to watch.
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// What the member accounts' CloudTrail shows as the session; `awstop` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
}

impl OrgRole {
    /// The role in one account, in the partition of that account's ARN.
    pub fn role_arn(&self, member: &OrgMember) -> String {
        let name = self.role.trim_start_matches('/');
        format!("arn:{}:iam::{}:role/{name}", member.partition(), member.id)
    }
}

/// One account of the organization, as Organizations lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgMember {
    pub id: String,
    pub name: String,
    /// `arn:aws:organizations::MANAGEMENT:account/o-x/ID`.
    pub arn: String,
}

impl OrgMember {
    /// `aws`, `aws-cn`, `aws-us-gov`: from the account's ARN.
    pub fn partition(&self) -> &str {
        self.arn
            .split(':')
            .nth(1)
            .filter(|p| p.starts_with("aws"))
            .unwrap_or("aws")
    }
}

/// ListAccounts' documented largest page.
pub const PAGE_SIZE: i32 = 20;

/// Every ACTIVE account on every page, in the order listed. An account is
/// ACTIVE by its `State`, or by the older `Status` where no `State` is given
/// (the field AWS is retiring). A failed page fails the listing: a partial
/// organization would look like a complete one.
pub async fn active_members(
    client: &Client,
    page_size: i32,
    endpoint: Option<&str>,
) -> Result<Vec<OrgMember>, AwsError> {
    let pages = client
        .list_accounts()
        .max_results(page_size)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk(&e, endpoint).during("ListAccounts"))?;
    let mut out = Vec::new();
    for page in &pages {
        for a in page.accounts() {
            let active = match a.state() {
                Some(s) => *s == AccountState::Active,
                None => a.status() == Some(&AccountStatus::Active),
            };
            let Some(id) = a.id().filter(|_| active) else {
                continue;
            };
            if out.iter().any(|m: &OrgMember| m.id == id) {
                continue;
            }
            out.push(OrgMember {
                id: id.to_string(),
                name: a.name().filter(|n| !n.is_empty()).unwrap_or(id).to_string(),
                arn: a.arn().unwrap_or_default().to_string(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_arn_follows_the_member_partition() {
        let org = OrgRole {
            role: "OrganizationAccountAccessRole".into(),
            ..OrgRole::default()
        };
        let m = OrgMember {
            id: "111111111111".into(),
            name: "a".into(),
            arn: "arn:aws-cn:organizations::999999999999:account/o-x/111111111111".into(),
        };
        assert_eq!(
            org.role_arn(&m),
            "arn:aws-cn:iam::111111111111:role/OrganizationAccountAccessRole"
        );
        let bare = OrgMember {
            arn: String::new(),
            ..m
        };
        let pathed = OrgRole {
            role: "/ops/awstop".into(),
            ..org
        };
        assert_eq!(
            pathed.role_arn(&bare),
            "arn:aws:iam::111111111111:role/ops/awstop"
        );
    }
}
