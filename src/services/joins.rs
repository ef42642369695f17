//! What rooms publish for each other. A room never reads another room's
//! state or types: it publishes a few documented facts here (`Room::publish`),
//! and a room that shows them declares the topics it reads (`Room::READS`)
//! and takes them in its `join`. So a room can change its internals, or be
//! left out, without the others noticing, and no two rooms import each other.
//!
//! | topic | published by | read by |
//! |---|---|---|
//! | `ImagesInUse` | ECS: what its running tasks run | ECR: each image's `used_by` |
//! | `ImageFindings` | ECR: scan findings by digest | ECS: each service's image findings |
//! | `FunctionErrors` | Lambda: each function's errors | API Gateway: each route's function errors |
//! | `ApiRoutes` | API Gateway: the routes in front of each function | Lambda: its triggers |

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

/// A kind of published fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    ImagesInUse,
    ImageFindings,
    FunctionErrors,
    ApiRoutes,
}

/// Every published fact, each replaced whole by its publisher after a refresh.
#[derive(Debug, Default)]
pub struct Board {
    pub images_in_use: ImagesInUse,
    pub image_findings: ImageFindings,
    pub function_errors: FunctionErrors,
    pub api_routes: ApiRoutes,
}

/// Who runs each container image: "ecs:CLUSTER/SERVICE" (or
/// "ecs:CLUSTER/(standalone)"), by image digest, or by `repo-uri:tag` for
/// tasks that report no digest.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImagesInUse {
    pub by_digest: HashMap<String, BTreeSet<String>>,
    pub by_reference: HashMap<String, BTreeSet<String>>,
    /// What the tasks reporting each digest name their image by
    /// (`repo-uri:tag`): the repository that holds the digest.
    pub references_of: HashMap<String, BTreeSet<String>>,
}

/// Scan findings by severity, as ECR's summary counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub struct Findings {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub informational: u32,
    pub undefined: u32,
}

impl Findings {
    /// "2C 1H": critical and high, the console's Vulnerabilities column; "0" when neither.
    pub fn short(&self) -> String {
        match (self.critical, self.high) {
            (0, 0) => "0".into(),
            (c, 0) => format!("{c}C"),
            (0, h) => format!("{h}H"),
            (c, h) => format!("{c}C {h}H"),
        }
    }

    pub fn add(&mut self, severity: &str, n: u32) {
        match severity {
            "CRITICAL" => self.critical += n,
            "HIGH" => self.high += n,
            "MEDIUM" => self.medium += n,
            "LOW" => self.low += n,
            "INFORMATIONAL" => self.informational += n,
            _ => self.undefined += n,
        }
    }
}

/// What the registry knows of each image: its findings by digest (`None`:
/// no scan summary), and the digest each `repo-uri:tag` points at.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImageFindings {
    pub by_digest: HashMap<String, Option<Findings>>,
    pub digest_of: HashMap<String, String>,
}

/// Each function's errors over the window (`None`: not read), by
/// `function_key(account, region, name)`: a hash rather than the names, so that
/// publishing 10,000 functions copies no strings.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FunctionErrors {
    pub by_function: ByFunction<Option<f64>>,
}

impl FunctionErrors {
    pub fn get(&self, account: &str, region: &str, name: &str) -> Option<f64> {
        self.by_function
            .get(&function_key(account, region, name))
            .copied()
            .flatten()
    }
}

/// The key of a function in `FunctionErrors` and `ApiRoutes`: an API's
/// route invokes the function of its own account and region, not another
/// account's of the same name.
/// A map by `function_key`, whose keys are hashes already: hashed again
/// with the default SipHash, they were most of what publishing and joining
/// 50,000 functions cost.
pub type ByFunction<V> = HashMap<(u64, u64), V, std::hash::BuildHasherDefault<KeyHasher>>;

/// Row indices by a name's id (`hash::str_id`).
pub type ById = HashMap<u64, u32, std::hash::BuildHasherDefault<KeyHasher>>;

/// Mixes the two words of a `function_key` (and, for any other input,
/// its bytes) without SipHash's rounds.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ *b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = crate::hash::mix(self.0 ^ v);
    }
}

pub fn function_key(account: &str, region: &str, name: &str) -> (u64, u64) {
    (place_key(account, region), crate::hash::str_id(name))
}

/// The first word of `function_key`: one for every function of an account
/// and region, so a list of them hashes it once a run, not once a function.
pub fn place_key(account: &str, region: &str) -> u64 {
    crate::hash::str_id(region) ^ crate::hash::str_id(account).rotate_left(17)
}

/// `place_key` of each row of a list whose rows come in runs of one account
/// and region (a scope's rows are merged together): hashed once a run, not
/// once a row.
#[derive(Debug, Default)]
pub struct Places(Option<(std::sync::Arc<str>, String, u64)>);

impl Places {
    pub fn of(&mut self, account: &std::sync::Arc<str>, region: &str) -> u64 {
        match &self.0 {
            Some((a, r, p)) if (std::sync::Arc::ptr_eq(a, account) || **a == **account) && r == region => *p,
            _ => {
                let p = place_key(account, region);
                self.0 = Some((account.clone(), region.to_string(), p));
                p
            }
        }
    }
}

/// An API route that invokes a function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiRoute {
    pub api: String,
    pub api_id: String,
    pub route: String,
}

/// The API routes in front of each function, by `function_key(account, region, name)`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ApiRoutes {
    pub by_function: ByFunction<Vec<ApiRoute>>,
}

/// Where Enter on a row leads when it is another room's resource: the
/// room's name and the key `Room::open` takes (an API route's function
/// opens in the Lambda pane as `("lambda", "orders-api")`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jump {
    pub room: &'static str,
    pub key: String,
    /// The account and region the resource is in (the route's API's).
    pub at: Option<crate::scope::Scope>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_give_place_key_of_each_row_across_runs() {
        let (a, b): (std::sync::Arc<str>, std::sync::Arc<str>) = ("111111111111".into(), "222222222222".into());
        let rows = [(&a, "us-east-1"), (&a, "us-east-1"), (&b, "us-east-1"), (&a, "eu-west-1"), (&a, "us-east-1")];
        let mut places = Places::default();
        for (acct, region) in rows {
            assert_eq!(places.of(acct, region), place_key(acct, region), "{acct} {region}");
        }
        // An equal account in another allocation is the same place.
        let again: std::sync::Arc<str> = "111111111111".into();
        assert_eq!(places.of(&again, "us-east-1"), place_key("111111111111", "us-east-1"));
    }

    #[test]
    fn a_route_finds_its_own_accounts_function_of_a_shared_name() {
        let mut errors = FunctionErrors::default();
        errors.by_function.insert(function_key("111111111111", "us-east-1", "orders"), Some(3.0));
        errors.by_function.insert(function_key("222222222222", "us-east-1", "orders"), Some(40.0));
        assert_eq!(errors.get("111111111111", "us-east-1", "orders"), Some(3.0));
        assert_eq!(errors.get("222222222222", "us-east-1", "orders"), Some(40.0));
        assert_eq!(errors.get("", "us-east-1", "orders"), None);
        assert_eq!(errors.get("111111111111", "eu-west-1", "orders"), None);
    }
}
