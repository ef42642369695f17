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

/// moto cannot compute percentiles and serves some rooms not at all
/// (`unserved`): those failures are expected of every account; any other is not.
fn only_expected_errors(snap: &Value) -> bool {
    snap["errors"].as_array().unwrap().iter().all(|x| {
        (x["operation"] == "GetMetricData" && x["message"].as_str().unwrap_or("").contains("p99"))
            || crate::common::moto::of_unserved(x)
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
    // One cluster name in two accounts, each with a service of its own.
    moto.ctl(&["service-in-account", m1, "web", "worker"]);

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
    assert_eq!(owned(&snap["ecs"]["clusters"]), pairs(&[(m1, "web"), (m2, "web")]));
    // Each account's services are listed under its own cluster.
    let services: BTreeSet<(String, String)> = snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            let account = c["account"].as_str().unwrap().to_string();
            c["services"].as_array().unwrap().iter().map(move |s| (account.clone(), s["name"].as_str().unwrap().to_string()))
        })
        .collect();
    assert_eq!(services, pairs(&[(m1, "worker"), (m2, "api")]));
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

mod on_screen {
    use crate::common::*;
    use awstop::app::keymap::Action::*;
    use awstop::app::model::{Model, Pane, View};
    use awstop::app::msg::Msg;
    use awstop::app::update;
    use awstop::run::once_model;
    use awstop::source::demo::DemoAccount;

    fn org(n: usize, w: u16, h: u16) -> Model {
        let mut m = once_model(&DemoAccount::new(42, 40, 60).with_accounts(n), &frozen());
        update(&mut m, Msg::Resize { width: w, height: h });
        m
    }

    /// The rows on screen that start with `name`.
    fn rows_named(s: &str, name: &str) -> Vec<String> {
        s.lines().filter(|l| l.starts_with(&format!("{name} "))).map(str::to_string).collect()
    }

    #[test]
    fn several_accounts_show_whose_each_row_is_at_80x24() {
        let mut m = org(4, 80, 24);
        let s = screen(&m);
        assert!(s.lines().next().unwrap().contains("4 accounts · 1 failing"), "{s}");
        act(&mut m, &[Pane(ECS)]);
        let s = screen(&m);
        assert!(s.contains(" ACCOUNT"), "{s}");
        // One cluster name in two accounts: two rows, each saying whose.
        let twins = rows_named(&s, "jobs-ec2");
        assert!(twins.len() >= 2, "{s}");
        let owners: std::collections::BTreeSet<&str> =
            twins.iter().map(|l| l.split_whitespace().last().unwrap()).collect();
        assert_eq!(owners.len(), twins.len(), "{twins:?}");
        assert!(owners.contains("prod") && owners.contains("staging"), "{owners:?}");

        // `/acct:stag` keeps the staging account's rows only.
        act(&mut m, &[StartFilter]);
        typed(&mut m, "acct:stag");
        act(&mut m, &[Submit]);
        let s = screen(&m);
        let rows: Vec<&str> = s.lines().skip(4).filter(|l| l.ends_with("staging") || l.ends_with("prod") || l.ends_with("data")).collect();
        assert!(!rows.is_empty(), "{s}");
        assert!(rows.iter().all(|l| l.ends_with("staging")), "{s}");
    }

    #[test]
    fn the_overview_names_each_items_account() {
        let mut m = org(3, 160, 48);
        act(&mut m, &[Pane(Pane::Overview)]);
        let s = screen(&m);
        assert!(s.contains("[prod] ") && s.contains("[staging] "), "{s}");
        // One account: no brackets.
        let mut m = demo_model(160, 48);
        act(&mut m, &[Pane(Pane::Overview)]);
        assert!(!screen(&m).contains("[prod] "), "{}", screen(&m));
    }

    #[test]
    fn one_account_has_no_account_column_and_its_id_in_the_header() {
        let mut m = demo_model(160, 48);
        assert!(screen(&m).lines().next().unwrap().contains("123456789012"));
        act(&mut m, &[Pane(LAMBDA)]);
        assert!(!screen(&m).contains("ACCOUNT"), "{}", screen(&m));
    }

    /// The account key and name of a shared function's copies, with the
    /// invocations each shows: two accounts, two different figures.
    fn shared_function(m: &Model) -> (String, Vec<(String, f64)>) {
        use awstop::scope::Scoped;
        let fns = &m.state::<awstop::services::Lambda>().functions;
        let mut by_name: std::collections::BTreeMap<&str, Vec<(String, f64)>> = Default::default();
        for f in fns {
            by_name.entry(&f.name).or_default().push((f.account().to_string(), f.stats.invocations.unwrap_or(-1.0)));
        }
        let (name, copies) = by_name
            .into_iter()
            .find(|(_, c)| c.len() >= 2 && c[0].1 != c[1].1)
            .expect("the demo organization shares a function name across accounts");
        (name.to_string(), copies)
    }

    #[test]
    fn enter_on_each_copy_of_a_shared_name_opens_its_own_accounts_detail() {
        use awstop::services::{lambda, RoomView, ServiceKind};
        let mut m = org(3, 160, 48);
        act(&mut m, &[Pane(LAMBDA)]);
        let (name, copies) = shared_function(&m);
        act(&mut m, &[StartFilter]);
        typed(&mut m, &name);
        act(&mut m, &[Submit]);
        let mut opened = Vec::new();
        for pos in 0..m.ui.rows.len() {
            let row = m.ui.rows[pos];
            if awstop::app::tables::row_key(&m, m.view(), row) != Some(name.as_str()) {
                continue;
            }
            let id = awstop::app::tables::row_id(&m, m.view(), row).unwrap();
            let account = id.at.clone().unwrap().account.to_string();
            // From the top of the filtered list down to this row, then in.
            act(&mut m, &[Top]);
            for _ in 0..pos {
                act(&mut m, &[Down]);
            }
            act(&mut m, &[Enter]);
            let View::Room(RoomView::Lambda(lambda::View::Function { at, name: n })) = m.view().clone() else {
                panic!("{:?}", m.view())
            };
            assert_eq!((&*at.account, n.as_str()), (account.as_str(), name.as_str()));
            // Its own figures: this account's invocations, not the other's.
            let inv = copies.iter().find(|(a, _)| *a == account).unwrap().1;
            let s = screen(&m);
            let want = format!("{} in 60 min", awstop::fmt::count(inv));
            assert!(s.contains(&want), "{want} for {account}:\n{s}");
            // The tail and the detail's reads go to this account only.
            let View::Room(v) = m.view() else { unreachable!() };
            let target = ServiceKind::Lambda.room().tail_target(&m.data.feeds, v).unwrap();
            assert_eq!(target.account, account);
            let keys = m.ui.visible.get(&ServiceKind::Lambda).cloned().unwrap_or_default();
            assert!(!keys.is_empty() && keys.iter().all(|k| k.starts_with(&format!("@{account}/"))), "{keys:?}");
            opened.push(account);
            act(&mut m, &[Back]);
        }
        opened.sort();
        let mut owners: Vec<String> = copies.iter().map(|(a, _)| a.clone()).collect();
        owners.sort();
        assert_eq!(opened, owners, "every copy opened");
    }

    #[test]
    fn enter_on_a_cluster_name_two_accounts_share_opens_each_ones_services() {
        use awstop::services::{ecs, RoomView};
        let mut m = org(3, 160, 48);
        act(&mut m, &[Pane(ECS), StartFilter]);
        typed(&mut m, "jobs-ec2");
        act(&mut m, &[Submit]);
        let n = m.ui.rows.len();
        assert!(n >= 2, "{}", screen(&m));
        let mut seen = std::collections::BTreeSet::new();
        for pos in 0..n {
            act(&mut m, &[Top]);
            for _ in 0..pos {
                act(&mut m, &[Down]);
            }
            let id = m.table().unwrap().selected.clone().unwrap();
            act(&mut m, &[Enter]);
            let View::Room(RoomView::Ecs(ecs::View::Services { at, cluster })) = m.view().clone() else {
                panic!("{:?}", m.view())
            };
            assert_eq!(Some(&at), id.at.as_ref());
            assert_eq!(cluster, "jobs-ec2");
            let c = m.state::<awstop::services::Ecs>().cluster(&at, &cluster).unwrap();
            assert_eq!(m.ui.rows.len(), c.services.len(), "{}", screen(&m));
            seen.insert(at.account.to_string());
            act(&mut m, &[Back]);
        }
        assert_eq!(seen.len(), n, "each row opened its own account's cluster");
    }

    #[test]
    fn the_accounts_view_has_each_accounts_pace_and_burn() {
        use awstop::aws::client::AccountCalls;
        use awstop::app::msg::DataMsg;
        let mut m = org(3, 160, 48);
        let book = m.data.settings.accounts.clone();
        let (prod, staging) = (book.accounts[0].key.clone(), book.accounts[1].key.clone());
        let t0 = m.data.now;
        let api = |secs: i64, p: (u64, u64), s: (u64, u64)| {
            Msg::Data(DataMsg::Api {
                at: t0 + chrono::Duration::seconds(secs),
                calls: [("lambda.ListFunctions".to_string(), p.0 + s.0)].into(),
                metrics_requested: p.1 + s.1,
                logs_bytes_scanned: 0,
                latency_ms: Default::default(),
                by_account: [
                    (prod.clone(), AccountCalls { calls: p.0, metrics: p.1 }),
                    (staging.clone(), AccountCalls { calls: s.0, metrics: s.1 }),
                ]
                .into(),
            })
        };
        update(&mut m, api(0, (10, 100), (5, 0)));
        // A minute later: prod made 120 more calls and asked for 600
        // metrics ($0.006 a minute, $0.36 an hour); staging 30 and none.
        update(&mut m, api(60, (130, 700), (35, 0)));
        act(&mut m, &[StartCommand]);
        typed(&mut m, "accounts");
        act(&mut m, &[Submit]);
        let lines = awstop::ui::accounts::lines(&m);
        let cell = |i: usize, t: &str| awstop::ui::accounts::cell(&lines[i], t).unwrap().to_string();
        assert_eq!(cell(0, "CALLS/MIN"), "120");
        assert_eq!(cell(0, "CW $/H"), "$0.360");
        assert_eq!(cell(1, "CALLS/MIN"), "30");
        assert_eq!(cell(1, "CW $/H"), "$0");
        // The failing account: no figures, never 0.
        assert_eq!((cell(2, "CALLS/MIN"), cell(2, "BURN $/H"), cell(2, "STATUS")), ("-".into(), "-".into(), "failing".into()));
        // Each account's burn is its own compute's: together, the header's.
        let burn = awstop::services::account_cost::by_account(&m.data.feeds, &m.data.settings);
        let sum: f64 = burn.values().map(|c| c.per_hour).sum();
        assert!((sum - m.data.burn.per_hour).abs() < 1e-6, "{sum} vs {}", m.data.burn.per_hour);
        assert!(burn[&prod].per_hour > burn[&staging].per_hour, "{burn:?}");
        let s = screen(&m);
        for title in ["CALLS/MIN", "CW $/H", "BURN $/H", "METRICS"] {
            assert!(s.contains(title), "{title}:\n{s}");
        }
        assert!(s.lines().any(|l| l.starts_with("prod ") && l.contains(" 120 ") && l.contains("$0.360")), "{s}");

        // 80 columns: whole figures only, the status and the burn kept.
        update(&mut m, Msg::Resize { width: 80, height: 24 });
        let s = screen(&m);
        assert!(s.contains("STATUS") && s.contains("BURN $/H"), "{s}");
        let prod_line = s.lines().find(|l| l.starts_with("prod ")).unwrap();
        assert!(prod_line.contains(&format!(" {} ", cell(0, "BURN $/H"))), "{prod_line}");
    }

    #[test]
    fn the_accounts_view_says_which_account_fails_and_why() {
        let mut m = org(3, 120, 30);
        act(&mut m, &[StartCommand]);
        typed(&mut m, "accounts");
        act(&mut m, &[Submit]);
        assert_eq!(*m.view(), View::Accounts);
        assert_eq!(m.ui.pane, Pane::Overview);
        let s = screen(&m);
        let line = |name: &str| {
            s.lines()
                .find(|l| l.starts_with(&format!("{name} ")))
                .unwrap_or_else(|| panic!("{name} not listed:\n{s}"))
                .to_string()
        };
        assert!(line("prod").contains(" ok "), "{s}");
        let staging = line("staging");
        assert!(staging.contains(" ok "), "{s}");
        // The denied account: failing, no count (never 0), and why.
        let data = line("data");
        assert!(data.contains("failing"), "{data}");
        assert!(data.contains(" - "), "{data}");
        assert!(data.contains("AccessDenied"), "{data}");
        // Its resources counted: the staging account shows some.
        let n: usize = staging.split_whitespace().nth(4).unwrap().parse().unwrap();
        assert!(n > 0, "{staging}");
        act(&mut m, &[Back]);
        assert_eq!(*m.view(), View::Overview);
    }
}

#[test]
fn the_demo_organization_in_once_and_in_a_signed_recording() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_awstop");
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.args(args);
        crate::common::moto::awstop_env(&mut c);
        c.output().unwrap()
    };
    let out = run(&["--demo", "--demo-accounts", "3", "--demo-clock", "2026-11-22T14:00:00Z", "--once", "--format", "json"]);
    assert_eq!(out.status.code(), Some(3), "a failing account is a partial read");
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let accounts = snap["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 3);
    assert_eq!(accounts.iter().filter(|a| !a["error"].is_null()).count(), 1);
    let ids: BTreeSet<String> = accounts
        .iter()
        .filter(|a| a["error"].is_null())
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let owners: BTreeSet<String> = snap["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["account"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(owners, ids, "every readable account has functions, and only those");

    // A recording keeps every message's account: its replay shows the same.
    let rec = dir.path().join("org.awstop");
    let out = run(&[
        "record", "--out", rec.to_str().unwrap(), "--rounds", "1",
        "--demo", "--demo-accounts", "3", "--demo-clock", "2026-11-22T14:00:00Z",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["verify", rec.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let out = run(&["--once", "--replay", rec.to_str().unwrap(), "--format", "json"]);
    let replayed: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(replayed["accounts"], snap["accounts"]);
    let replayed_owners: BTreeSet<String> = replayed["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["account"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(replayed_owners, ids);
}

#[test]
fn account_flags_that_would_do_nothing_are_refused_in_one_line() {
    use std::process::Command;
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_awstop"));
        c.args(args);
        crate::common::moto::awstop_env(&mut c);
        c.output().unwrap()
    };
    for (args, says) in [
        (&["--org-exclude", "111111111111", "--region", "us-east-1", "--once"][..], "--org-exclude needs --org-role"),
        (&["--demo-accounts", "3", "--once"][..], "--demo-accounts needs --demo"),
        (&["--demo", "--org-role", "R", "--once"][..], "--org-role has no effect with --demo"),
        (&["--org-role", "R", "--org-exclude", "12345", "--once"][..], "'12345' is not an account ID"),
    ] {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
