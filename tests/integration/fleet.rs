//! Many accounts end to end: the real binary against an organization in
//! moto, every resource marked with the account it lives in.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::moto::Moto;

const ROLE: &str = "OrganizationAccountAccessRole";

/// (account, name) of every item of `list`.
fn owned(list: &Value) -> BTreeSet<(String, String)> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|x| {
            (
                x["account"].as_str().unwrap_or("none").to_string(),
                x["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// moto cannot compute percentiles and has no Lightsail: those failures are
/// expected of every account; any other is not.
fn only_expected_errors(snap: &Value) -> bool {
    snap["errors"].as_array().unwrap().iter().all(|x| {
        (x["operation"] == "GetMetricData" && x["message"].as_str().unwrap_or("").contains("p99"))
            || x["service"] == "lightsail"
    })
}

#[test]
fn org_role_once_shows_every_members_resources_with_their_account() {
    let moto = Moto::start();
    let truth: Value = serde_json::from_str(&moto.ctl(&["org", "2", "0"])).unwrap();
    let mgmt = truth["management"].as_str().unwrap().to_string();
    let members: Vec<String> = truth["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .filter(|id| *id != mgmt)
        .collect();
    assert_eq!(members.len(), 2, "{truth}");
    let (m1, m2) = (members[0].as_str(), members[1].as_str());
    // One function name in two accounts, one function in one, one in the
    // management account (the caller's own credentials), and a service.
    moto.ctl(&["function-in-account", m1, "orders-api"]);
    moto.ctl(&["function-in-account", m2, "orders-api"]);
    moto.ctl(&["function-in-account", m1, "only-in-first"]);
    moto.ctl(&["function-in", "us-east-1", "in-management"]);
    moto.ctl(&["service-in-account", m2, "web", "api"]);

    let out = moto.awstop(&["--org-role", ROLE, "--once", "--format", "json", "--cold-starts", "filter"]);
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("not JSON: {}", String::from_utf8_lossy(&out.stderr))
    });
    assert!(only_expected_errors(&snap), "{}", snap["errors"]);
    assert!(matches!(out.status.code(), Some(0) | Some(3)), "{:?}", out.status);

    let accounts = snap["accounts"].as_array().expect("an accounts list");
    let named: BTreeSet<(String, String)> = accounts
        .iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a["name"].as_str().unwrap().to_string()))
        .collect();
    let listed: BTreeSet<(String, String)> = truth["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a["name"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(named, listed, "every account, named as Organizations names it");
    assert!(accounts.iter().all(|a| a["error"].is_null()), "{accounts:?}");
    let how: BTreeSet<&str> = accounts.iter().map(|a| a["how"].as_str().unwrap()).collect();
    assert_eq!(how, BTreeSet::from(["current", "org-role"]));

    assert_eq!(
        owned(&snap["lambda"]["functions"]),
        pairs(&[
            (m1, "orders-api"),
            (m2, "orders-api"),
            (m1, "only-in-first"),
            (&mgmt, "in-management"),
        ])
    );
    assert_eq!(owned(&snap["ecs"]["clusters"]), pairs(&[(m2, "web")]));
    let api = &snap["ecs"]["clusters"][0]["services"][0];
    assert_eq!(api["name"], "api", "{api}");
}

#[test]
fn an_account_that_cannot_be_reached_fails_alone_and_once_says_so() {
    let moto = Moto::start();
    moto.ctl(&["function-in", "us-east-1", "readable"]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    // The current credentials' account by role is readable; the profile
    // named does not exist, so that account cannot be reached at all.
    std::fs::write(
        &config,
        "[[accounts]]\nname = \"home\"\nrole_arn = \"arn:aws:iam::123456789012:role/reader\"\n\n\
         [[accounts]]\nname = \"gone\"\nprofile = \"no-such-profile\"\n",
    )
    .unwrap();
    let out = moto.awstop(&[
        "--config",
        config.to_str().unwrap(),
        "--once",
        "--format",
        "json",
        "--cold-starts",
        "filter",
    ]);
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("not JSON: {}", String::from_utf8_lossy(&out.stderr))
    });
    assert_eq!(out.status.code(), Some(3), "partly read: {}", String::from_utf8_lossy(&out.stderr));
    let accounts = snap["accounts"].as_array().expect("an accounts list");
    assert_eq!(accounts.len(), 2, "{accounts:?}");
    let home = accounts.iter().find(|a| a["name"] == "home").unwrap();
    let gone = accounts.iter().find(|a| a["name"] == "gone").unwrap();
    assert!(home["error"].is_null(), "{home}");
    assert_eq!(home["id"], "123456789012");
    let why = gone["error"].as_str().expect("the failed account says why");
    assert!(why.contains("no-such-profile"), "{why}");
    // The readable account's rows arrived, marked as its own.
    assert_eq!(
        owned(&snap["lambda"]["functions"]),
        pairs(&[("123456789012", "readable")])
    );
}
