//! Naming and reaching the accounts awstop watches: each one's ID, display
//! name, how it was named and the `SdkConfig` whose credentials reach it.
//!
//! Three ways to name accounts, combinable: shared-config profiles (a list
//! and globs), every ACTIVE account of the organization reached through one
//! role, and `[[accounts]]` entries of the config file. They become
//! [`Target`]s (what to try), and [`resolve_all`] learns each one's ID with
//! `sts:GetCallerIdentity` through its own credentials, a bounded number at
//! once, each on its own timeout, so one failing account never holds up the
//! others.

pub mod account;
pub mod entries;
pub mod error;
pub mod org;
pub mod profiles;
pub mod resolve;
pub mod target;

pub use account::{Account, How};
pub use entries::{AccountEntry, EntryError};
pub use error::AccountError;
pub use org::{OrgMember, OrgRole};
pub use profiles::{ProfileError, SharedFiles};
pub use resolve::{resolve_all, ResolveOptions, Resolved};
pub use target::{targets, Naming, NamingError, Target};

/// Whether `s` is an AWS account ID: exactly twelve ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `--org-exclude 111111111111,222222222222`: the IDs, or the first word
/// that is not one.
pub fn parse_account_ids(list: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        if !is_account_id(word) {
            return Err(format!("'{word}' is not an account ID (12 digits)"));
        }
        if !out.iter().any(|o| o == word) {
            out.push(word.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits_and_a_bad_one_is_named() {
        assert_eq!(
            parse_account_ids(" 111111111111, 222222222222,111111111111,").unwrap(),
            vec!["111111111111", "222222222222"]
        );
        assert_eq!(
            parse_account_ids("111111111111,12345").unwrap_err(),
            "'12345' is not an account ID (12 digits)"
        );
        assert!(parse_account_ids("11111111111a").is_err());
        assert!(parse_account_ids("").unwrap().is_empty());
    }
}
