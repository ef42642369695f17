//! Where a room's data comes from: an account and a region. Every room keeps
//! its rows per scope, so each account and each region refreshes (and fails)
//! on its own.
//!
//! An account is named in the data by a short key, not its ID: the empty
//! key is "the account the current credentials reach", whose ID is learned
//! from STS while the rows already arrive, so nothing waits for it. Accounts
//! named explicitly (profiles, an organization role, the config) are keyed
//! by their 12-digit ID, which awstop learned before reading them. The
//! [`AccountBook`] turns a key into the ID and the name shown.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// One account in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// The account's key: empty for the current credentials' account.
    pub account: Arc<str>,
    pub region: String,
}

impl Scope {
    pub fn new(account: &str, region: &str) -> Scope {
        Scope {
            account: Arc::from(account),
            region: region.to_string(),
        }
    }

    /// Where the row `x` was read.
    pub fn of<T: Scoped + ?Sized>(x: &T) -> Scope {
        Scope::new(x.account(), x.region())
    }

    /// The current credentials' account in `region`: one account, as before.
    pub fn region(region: &str) -> Scope {
        Scope::new("", region)
    }
}

/// A row that belongs to one scope. Rows carry their region from the fetch;
/// their account is set when they are merged (`replace_scope`), so the
/// rooms' fetches know nothing of accounts.
pub trait Scoped {
    fn account(&self) -> &str;
    fn region(&self) -> &str;
    fn set_account(&mut self, account: &Arc<str>);

    fn in_scope(&self, s: &Scope) -> bool {
        self.region() == s.region && self.account() == &*s.account
    }
}

/// `impl Scoped` for row types with `account: Arc<str>` and `region: String`.
#[macro_export]
macro_rules! scoped {
    ($($t:ty),+ $(,)?) => {
        $(impl $crate::scope::Scoped for $t {
            fn account(&self) -> &str {
                &self.account
            }
            fn region(&self) -> &str {
                &self.region
            }
            fn set_account(&mut self, account: &std::sync::Arc<str>) {
                if *self.account != **account {
                    self.account = account.clone();
                }
            }
        })+
    };
}

/// How an account was named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum HowNamed {
    /// The credentials awstop started with.
    #[default]
    Current,
    Profile,
    OrgRole,
    Config,
    Oam,
    Demo,
}

/// One account watched: what the `accounts` pane and the snapshot say of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// The key its rows carry (empty: the current credentials' account).
    #[serde(default)]
    pub key: String,
    /// The 12-digit ID, once known.
    pub id: Option<String>,
    pub name: String,
    pub how: HowNamed,
    pub regions: Vec<String>,
    /// Why it cannot be read, when it cannot (its rows are then absent).
    pub error: Option<String>,
    /// The monitoring account its metrics are read through (OAM), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_via: Option<String>,
}

/// Every account watched. Shared by the cells that draw the ACCOUNT column
/// and the snapshot, so it is an `Arc` replaced whole when it changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountBook {
    pub accounts: Vec<AccountInfo>,
}

impl AccountBook {
    fn find(&self, key: &str) -> Option<&AccountInfo> {
        self.accounts.iter().find(|a| a.key == key)
    }

    /// The 12-digit ID of the account keyed `key`, once known.
    pub fn id<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        match self.find(key) {
            Some(a) => a.id.as_deref(),
            None if key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit()) => Some(key),
            None => None,
        }
    }

    /// What the ACCOUNT column shows: its name, else its ID, else `?`.
    pub fn name<'a>(&'a self, key: &'a str) -> &'a str {
        match self.find(key) {
            Some(a) if !a.name.is_empty() => &a.name,
            Some(a) => a.id.as_deref().unwrap_or("?"),
            None if !key.is_empty() => key,
            None => "?",
        }
    }

    /// More than one account is watched: the tables show whose a row is.
    pub fn several(&self) -> bool {
        self.accounts.len() > 1
    }

    /// Accounts were named (several, or one by profile, role or config):
    /// the snapshot lists them.
    pub fn named(&self) -> bool {
        self.several() || self.accounts.iter().any(|a| a.how != HowNamed::Current || !a.key.is_empty())
    }

    /// Accounts whose metrics come through a monitoring account.
    pub fn through_oam(&self) -> usize {
        self.accounts.iter().filter(|a| a.metrics_via.is_some()).count()
    }

    pub fn failing(&self) -> usize {
        self.accounts.iter().filter(|a| a.error.is_some()).count()
    }

    /// The current credentials' account, named once STS said who it is.
    pub fn with_current(&self, id: Option<&str>, regions: &[String]) -> AccountBook {
        let mut b = self.clone();
        let none = b.accounts.is_empty();
        match b.accounts.iter_mut().find(|a| a.key.is_empty()) {
            Some(a) => {
                a.id = id.map(str::to_string);
                if a.name.is_empty() {
                    a.name = id.unwrap_or_default().to_string();
                }
            }
            None if none => b.accounts.push(AccountInfo {
                key: String::new(),
                id: id.map(str::to_string),
                name: id.unwrap_or_default().to_string(),
                how: HowNamed::Current,
                regions: regions.to_vec(),
                error: None,
                metrics_via: None,
            }),
            None => {}
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_names_an_account_by_its_name_then_its_id() {
        let book = AccountBook::default().with_current(Some("123456789012"), &["us-east-1".into()]);
        assert_eq!(book.name(""), "123456789012");
        assert_eq!(book.id(""), Some("123456789012"));
        assert!(!book.several());
        let unknown = AccountBook::default();
        assert_eq!(unknown.name(""), "?");
        assert_eq!(unknown.id(""), None);
        assert_eq!(unknown.id("222222222222"), Some("222222222222"));
    }
}
