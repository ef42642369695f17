//! `[[accounts]]` entries of the config file: one account each, reached
//! through a profile or by assuming a role.
//!
//! ```toml
//! [[accounts]]
//! name = "payments-prod"
//! role_arn = "arn:aws:iam::111111111111:role/awstop-read"
//! external_id = "7f3a9c"
//!
//! [[accounts]]
//! name = "data"
//! profile = "data-sso"
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    /// What the account is called on screen and in the snapshot.
    pub name: String,
    /// A profile of the shared config or credentials file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// A role to assume with the current credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// The external ID the role's trust policy asks for (with `role_arn` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// What is wrong with one entry; `index` counts from 1 in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    pub index: usize,
    pub name: String,
    pub problem: String,
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "[[accounts]] entry {}: {}", self.index, self.problem)
        } else {
            write!(
                f,
                "[[accounts]] entry {} ('{}'): {}",
                self.index, self.name, self.problem
            )
        }
    }
}

impl std::error::Error for EntryError {}

impl AccountEntry {
    /// The account a `role_arn` names (`arn:aws:iam::ID:role/...`).
    pub fn role_account(&self) -> Option<&str> {
        self.role_arn.as_deref().and_then(role_arn_account)
    }

    /// Checks one entry; `index` is its place in the file (from 1).
    pub fn validate(&self, index: usize) -> Result<(), EntryError> {
        let err = |problem: String| EntryError {
            index,
            name: self.name.clone(),
            problem,
        };
        if self.name.trim().is_empty() {
            return Err(err("`name` is empty".into()));
        }
        match (&self.profile, &self.role_arn) {
            (Some(_), Some(_)) => Err(err(
                "set exactly one of `profile` and `role_arn`, not both".into()
            )),
            (None, None) => Err(err("set exactly one of `profile` and `role_arn`".into())),
            (Some(p), None) => {
                if p.trim().is_empty() {
                    Err(err("`profile` is empty".into()))
                } else if self.external_id.is_some() {
                    Err(err(
                        "`external_id` goes with `role_arn`; a profile sets its own".into(),
                    ))
                } else {
                    Ok(())
                }
            }
            (None, Some(arn)) => {
                if role_arn_account(arn).is_none() {
                    Err(err(format!(
                        "`role_arn` '{arn}' is not a role ARN (arn:aws:iam::123456789012:role/NAME)"
                    )))
                } else if self
                    .external_id
                    .as_deref()
                    .is_some_and(|x| x.trim().is_empty())
                {
                    Err(err("`external_id` is empty".into()))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Checks every entry, and that no two share a name (a name is how rows,
/// filters and the snapshot tell accounts apart).
pub fn validate_all(entries: &[AccountEntry]) -> Result<(), EntryError> {
    for (i, e) in entries.iter().enumerate() {
        e.validate(i + 1)?;
        if let Some(first) = entries[..i].iter().position(|o| o.name == e.name) {
            return Err(EntryError {
                index: i + 1,
                name: e.name.clone(),
                problem: format!("the same name as entry {}", first + 1),
            });
        }
    }
    Ok(())
}

/// The account ID in a role ARN, any partition: `arn:PARTITION:iam::ID:role/PATH/NAME`.
pub fn role_arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_word, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let ok = arn_word == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && super::is_account_id(account)
        && resource
            .strip_prefix("role/")
            .is_some_and(|n| !n.is_empty());
    ok.then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        accounts: Vec<AccountEntry>,
    }

    fn parse(text: &str) -> Result<Vec<AccountEntry>, String> {
        let doc: Doc = toml::from_str(text).map_err(|e| e.to_string())?;
        validate_all(&doc.accounts).map_err(|e| e.to_string())?;
        Ok(doc.accounts)
    }

    #[test]
    fn parse_reads_both_kinds_of_entry() {
        let got = parse(
            r#"
[[accounts]]
name = "payments-prod"
role_arn = "arn:aws:iam::111111111111:role/awstop-read"
external_id = "7f3a9c"

[[accounts]]
name = "data"
profile = "data-sso"
"#,
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].role_account(), Some("111111111111"));
        assert_eq!(got[0].external_id.as_deref(), Some("7f3a9c"));
        assert_eq!(got[1].profile.as_deref(), Some("data-sso"));
        assert_eq!(got[1].role_arn, None);
    }

    #[test]
    fn a_bad_entry_is_named_with_its_place_and_problem() {
        let both = "[[accounts]]\nname = \"a\"\nprofile = \"p\"\nrole_arn = \"arn:aws:iam::111111111111:role/R\"\n";
        assert_eq!(
            parse(both).unwrap_err(),
            "[[accounts]] entry 1 ('a'): set exactly one of `profile` and `role_arn`, not both"
        );
        let neither = "[[accounts]]\nname = \"a\"\nprofile = \"p\"\n[[accounts]]\nname = \"b\"\n";
        assert_eq!(
            parse(neither).unwrap_err(),
            "[[accounts]] entry 2 ('b'): set exactly one of `profile` and `role_arn`"
        );
        let bad_arn = "[[accounts]]\nname = \"a\"\nrole_arn = \"arn:aws:iam::1111:role/R\"\n";
        assert!(parse(bad_arn).unwrap_err().contains("is not a role ARN"));
        let ext_on_profile = "[[accounts]]\nname = \"a\"\nprofile = \"p\"\nexternal_id = \"x\"\n";
        assert!(parse(ext_on_profile)
            .unwrap_err()
            .contains("`external_id` goes with `role_arn`"));
        let twice = "[[accounts]]\nname = \"a\"\nprofile = \"p\"\n[[accounts]]\nname = \"a\"\nprofile = \"q\"\n";
        assert_eq!(
            parse(twice).unwrap_err(),
            "[[accounts]] entry 2 ('a'): the same name as entry 1"
        );
        // Unknown keys are refused, with the key named.
        let typo = "[[accounts]]\nname = \"a\"\nrole = \"x\"\n";
        assert!(
            parse(typo).unwrap_err().contains("role"),
            "{}",
            parse(typo).unwrap_err()
        );
        let no_name = "[[accounts]]\nprofile = \"p\"\n";
        assert!(parse(no_name).unwrap_err().contains("name"));
    }

    #[test]
    fn role_arns_name_their_account() {
        assert_eq!(
            role_arn_account("arn:aws:iam::123456789012:role/a/b/R"),
            Some("123456789012")
        );
        assert_eq!(
            role_arn_account("arn:aws-us-gov:iam::123456789012:role/R"),
            Some("123456789012")
        );
        assert_eq!(role_arn_account("arn:aws:iam::123456789012:user/R"), None);
        assert_eq!(role_arn_account("arn:aws:iam::123456789012:role/"), None);
        assert_eq!(role_arn_account("arn:aws:sts::123456789012:role/R"), None);
    }
}
