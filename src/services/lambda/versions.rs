//! A function's published versions and aliases (ListVersionsByFunction,
//! ListAliases), read for the functions on screen, and the changes they
//! show: a version published inside the window, an alias moved to another
//! version, its routing weights moving. A version's configuration carries the
//! environment's values: only its number and time are kept, at the SDK
//! boundary.

use aws_sdk_lambda::Client;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::aws::AwsError;

/// ListVersionsByFunction's documented page: "a value between 1 and 50".
pub const VERSIONS_PAGE: i32 = 50;
/// ListAliases' documented maximum page (MaxItems 1 to 10,000).
pub const ALIASES_PAGE: i32 = 10_000;

/// What a function's versions and aliases say, as of one read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deploys {
    /// Published versions (never `$LATEST`) inside the window when read, by
    /// number, and when each was published (its `LastModified`).
    pub versions: Vec<(String, DateTime<Utc>)>,
    /// Every alias, by name.
    pub aliases: Vec<Alias>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    /// The version it points at.
    pub version: String,
    /// Other versions it sends a share of the calls to (`RoutingConfig`'s
    /// `AdditionalVersionWeights`, 0 to 1), by version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<(String, f64)>,
}

impl Alias {
    /// `12:90% 13:10%`: the version pointed at, with what the others leave
    /// it, then the others by version.
    pub fn routing(&self) -> String {
        let others: f64 = self.weights.iter().map(|(_, w)| w).sum();
        let mut out = format!("{}:{}", self.version, pct(1.0 - others));
        for (v, w) in &self.weights {
            out.push_str(&format!(" {v}:{}", pct(*w)));
        }
        out
    }
}

/// A share as a percentage, never rounded away (`2.5%`, `0.25%`, `90%`).
fn pct(w: f64) -> String {
    let p = (w * 100.0 * 1e6).round() / 1e6;
    let s = format!("{p:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// The function's versions published at or after `since`, and its aliases.
/// `endpoint` names an emulator in errors.
pub async fn read(client: &Client, endpoint: Option<&str>, name: &str, since: DateTime<Utc>) -> Result<Deploys, AwsError> {
    let mut out = Deploys::default();
    let mut pages = client
        .list_versions_by_function()
        .function_name(name)
        .max_items(VERSIONS_PAGE)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| AwsError::from_sdk(&e, endpoint).during("ListVersionsByFunction"))?;
        // Number and time only: the rest of each configuration (its
        // environment's values first) is dropped here.
        for v in page.versions() {
            let Some(n) = v.version().filter(|n| *n != "$LATEST") else { continue };
            let Some(at) = v.last_modified().and_then(super::list::parse_lambda_time) else { continue };
            if at >= since {
                out.versions.push((n.to_string(), at));
            }
        }
    }
    let mut pages = client.list_aliases().function_name(name).max_items(ALIASES_PAGE).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| AwsError::from_sdk(&e, endpoint).during("ListAliases"))?;
        for a in page.aliases() {
            let mut weights: Vec<(String, f64)> = a
                .routing_config()
                .and_then(|r| r.additional_version_weights())
                .map(|w| w.iter().map(|(v, w)| (v.clone(), *w)).collect())
                .unwrap_or_default();
            weights.sort_by(|a, b| by_version(&a.0, &b.0));
            out.aliases.push(Alias {
                name: a.name().unwrap_or_default().to_string(),
                version: a.function_version().unwrap_or_default().to_string(),
                weights,
            });
        }
    }
    out.versions.sort_by(|a, b| by_version(&a.0, &b.0));
    out.aliases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Versions are numbers: 9 before 10.
fn by_version(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// `Option<Arc<Deploys>>` written and read as `Option<Deploys>` (a
/// recording keeps them, so that a replay finds the same changes).
pub mod shared {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Deploys;

    pub fn serialize<S: Serializer>(v: &Option<Arc<Deploys>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_deref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<Deploys>>, D::Error> {
        Ok(Option::<Deploys>::deserialize(d)?.map(Arc::new))
    }
}

/// One change found in a function's versions and aliases.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub at: DateTime<Utc>,
    pub action: String,
    /// Only seen between two reads: `at` is the second one's time.
    pub between_reads: bool,
}

/// The changes `new` shows against `old` (the last read; `None`: none was
/// made), for a read at `read_at`. A version published at or after `since`
/// is a change at its time. An alias whose version or weights moved since
/// the last read is a change at this read's time; with no last read, an
/// alias pointing at (or sending calls to) a version published inside the
/// window was moved there, no earlier than that version was published.
pub fn changes(old: Option<&Deploys>, new: &Deploys, since: DateTime<Utc>, read_at: DateTime<Utc>) -> Vec<Found> {
    let mut out: Vec<Found> = new
        .versions
        .iter()
        .filter(|(_, at)| *at >= since)
        .map(|(v, at)| Found { at: *at, action: format!("PublishVersion {v}"), between_reads: false })
        .collect();
    let published = |v: &str| new.versions.iter().find(|(n, _)| n == v).map(|(_, at)| *at).filter(|at| *at >= since);
    for a in &new.aliases {
        match old {
            Some(old) => {
                let seen = |action: String| Found { at: read_at, action, between_reads: true };
                match old.aliases.iter().find(|o| o.name == a.name) {
                    None => out.push(seen(format!("CreateAlias {} → {}", a.name, a.version))),
                    Some(o) => {
                        if o.version != a.version {
                            out.push(seen(format!("Alias {} {} → {}", a.name, o.version, a.version)));
                        }
                        if o.weights != a.weights && !(o.version != a.version && a.weights.is_empty()) {
                            out.push(seen(format!("Alias {} weights {}", a.name, a.routing())));
                        }
                    }
                }
            }
            None => {
                if let Some(at) = published(&a.version) {
                    out.push(Found { at, action: format!("Alias {} → {}", a.name, a.version), between_reads: false });
                }
                if let Some(at) = a.weights.iter().filter_map(|(v, _)| published(v)).max() {
                    out.push(Found { at, action: format!("Alias {} weights {}", a.name, a.routing()), between_reads: false });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap()
    }

    fn alias(version: &str, weights: &[(&str, f64)]) -> Alias {
        Alias {
            name: "live".into(),
            version: version.into(),
            weights: weights.iter().map(|(v, w)| (v.to_string(), *w)).collect(),
        }
    }

    fn deploys(versions: &[(&str, i64)], aliases: Vec<Alias>) -> Deploys {
        Deploys { versions: versions.iter().map(|(v, m)| (v.to_string(), t(*m))).collect(), aliases }
    }

    fn actions(found: &[Found]) -> Vec<(&str, DateTime<Utc>, bool)> {
        found.iter().map(|f| (f.action.as_str(), f.at, f.between_reads)).collect()
    }

    #[test]
    fn routing_names_each_share_without_rounding_it_away() {
        assert_eq!(alias("12", &[("13", 0.1)]).routing(), "12:90% 13:10%");
        assert_eq!(alias("12", &[]).routing(), "12:100%");
        assert_eq!(alias("3", &[("4", 0.025)]).routing(), "3:97.5% 4:2.5%");
        assert_eq!(alias("3", &[("4", 0.0025)]).routing(), "3:99.75% 4:0.25%");
    }

    #[test]
    fn weights_moving_between_reads_are_a_change_and_the_same_weights_are_none() {
        let before = deploys(&[], vec![alias("12", &[("13", 0.1)])]);
        let after = deploys(&[], vec![alias("12", &[("13", 0.5)])]);
        let found = changes(Some(&before), &after, t(0), t(30));
        assert_eq!(actions(&found), [("Alias live weights 12:50% 13:50%", t(30), true)]);
        assert!(changes(Some(&after), &after, t(0), t(31)).is_empty());
        // Weights gone: all calls to the version pointed at.
        let done = deploys(&[], vec![alias("12", &[])]);
        assert_eq!(actions(&changes(Some(&after), &done, t(0), t(32))), [("Alias live weights 12:100%", t(32), true)]);
        // Weights first put on.
        assert_eq!(
            actions(&changes(Some(&done), &before, t(0), t(33))),
            [("Alias live weights 12:90% 13:10%", t(33), true)]
        );
    }

    #[test]
    fn an_alias_moved_between_reads_names_both_versions() {
        let before = deploys(&[("11", -300)], vec![alias("11", &[("12", 0.1)])]);
        let after = deploys(&[("11", -300), ("12", 20)], vec![alias("12", &[])]);
        let found = changes(Some(&before), &after, t(0), t(30));
        // The move says where the calls go: no weights change beside it.
        assert_eq!(actions(&found), [("PublishVersion 12", t(20), false), ("Alias live 11 → 12", t(30), true)]);
        // Moved with new weights: both.
        let split = deploys(&[], vec![alias("13", &[("12", 0.2)])]);
        let found = changes(Some(&after), &split, t(0), t(40));
        assert_eq!(actions(&found), [("Alias live 12 → 13", t(40), true), ("Alias live weights 13:80% 12:20%", t(40), true)]);
        // A new alias.
        let more = Deploys { aliases: vec![alias("12", &[]), Alias { name: "beta".into(), ..alias("13", &[]) }], ..Default::default() };
        let found = changes(Some(&after), &more, t(0), t(50));
        assert_eq!(actions(&found), [("CreateAlias beta → 13", t(50), true)]);
    }

    #[test]
    fn a_first_read_knows_only_versions_published_inside_the_window() {
        let d = deploys(&[("4", -30), ("5", 10), ("6", 12)], vec![alias("5", &[("6", 0.1)]), Alias { name: "old".into(), ..alias("4", &[]) }]);
        let found = changes(None, &d, t(0), t(30));
        assert_eq!(
            actions(&found),
            [
                ("PublishVersion 5", t(10), false),
                ("PublishVersion 6", t(12), false),
                ("Alias live → 5", t(10), false),
                ("Alias live weights 5:90% 6:10%", t(12), false),
            ]
        );
    }

    #[tokio::test]
    async fn every_page_is_read_and_the_environment_never_kept() {
        use aws_sdk_lambda::operation::list_aliases::ListAliasesOutput;
        use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
        use aws_sdk_lambda::types::{AliasConfiguration, AliasRoutingConfiguration, EnvironmentResponse, FunctionConfiguration};
        use aws_smithy_mocks::{mock, mock_client, RuleMode};
        let version = |n: &str, at: &str| {
            FunctionConfiguration::builder()
                .function_name("orders-api")
                .version(n)
                .last_modified(at)
                .environment(EnvironmentResponse::builder().variables("DB_PASSWORD", "hunter2-secret").build())
                .build()
        };
        let first = mock!(aws_sdk_lambda::Client::list_versions_by_function)
            .match_requests(|r| r.marker().is_none() && r.max_items() == Some(VERSIONS_PAGE))
            .then_output(move || {
                ListVersionsByFunctionOutput::builder()
                    .versions(version("$LATEST", "2027-01-15T08:20:00.000+0000"))
                    .versions(version("1", "2020-01-01T00:00:00.000+0000"))
                    .next_marker("p2")
                    .build()
            });
        let second = mock!(aws_sdk_lambda::Client::list_versions_by_function)
            .match_requests(|r| r.marker() == Some("p2"))
            .then_output(move || {
                ListVersionsByFunctionOutput::builder()
                    .versions(version("10", "2027-01-15T08:10:00.000+0000"))
                    .versions(version("9", "2027-01-15T08:05:00.000+0000"))
                    .build()
            });
        let aliases = mock!(aws_sdk_lambda::Client::list_aliases)
            .match_requests(|r| r.function_name() == Some("orders-api") && r.max_items() == Some(ALIASES_PAGE))
            .then_output(|| {
                ListAliasesOutput::builder()
                    .aliases(
                        AliasConfiguration::builder()
                            .name("live")
                            .function_version("9")
                            .routing_config(AliasRoutingConfiguration::builder().additional_version_weights("10", 0.1).build())
                            .build(),
                    )
                    .build()
            });
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&first, &second, &aliases]);
        let since: DateTime<Utc> = "2027-01-15T07:00:00Z".parse().unwrap();
        let d = read(&client, None, "orders-api", since).await.unwrap();
        assert_eq!(first.num_calls() + second.num_calls(), 2);
        let got: Vec<(&str, String)> = d.versions.iter().map(|(v, at)| (v.as_str(), at.to_rfc3339())).collect();
        // The old version and $LATEST left out; 9 before 10.
        assert_eq!(got, [("9", "2027-01-15T08:05:00+00:00".to_string()), ("10", "2027-01-15T08:10:00+00:00".to_string())]);
        assert_eq!(d.aliases, [alias("9", &[("10", 0.1)])]);
        let dump = format!("{d:?}{}", serde_json::to_string(&d).unwrap());
        assert!(!dump.contains("hunter2") && !dump.contains("DB_PASSWORD"), "{dump}");
    }
}
