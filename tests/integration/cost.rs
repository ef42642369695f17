//! Cost estimates as a user meets them: the demo's figures add up from each
//! resource to the account and the header, a region without prices says `?`
//! and why, a price file of the user's own and the Spot discount come from
//! the config, and a bad price file fails on its position.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use awstop::app::msg::ServiceKind;
use serde_json::Value;

fn awstop(args: &[&str], config_home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_awstop"))
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("awstop-test-state"),
        )
        .env("XDG_CONFIG_HOME", config_home)
        .args(args)
        .output()
        .unwrap()
}

fn home(name: &str) -> crate::common::Scratch {
    let d = crate::common::scratch(&format!("awstop-test-cost-{name}-"));
    std::fs::create_dir_all(d.join("awstop")).unwrap();
    d
}

fn json(args: &[&str], config_home: &Path) -> Value {
    let out = awstop(args, config_home);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const ONCE: &[&str] = &[
    "--demo",
    "--once",
    "--format",
    "json",
    "--demo-clock",
    FROZEN,
];

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Within the snapshot's micro-dollar rounding, `n` roundings deep.
fn near(a: f64, b: f64, n: usize, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * (n as f64 + 1.0),
        "{what}: {a} != {b}"
    );
}

/// Lambda's price, written out from the AWS pricing page rather than read
/// from awstop: $0.20 a million requests plus GB-seconds by architecture.
fn lambda_window_usd(fun: &Value, usd_per_gb_s: (f64, f64)) -> f64 {
    let m = &fun["metrics"];
    let inv = f(&m["invocations"]);
    let gb_s = inv * f(&m["duration_avg_ms"]) / 1000.0 * f(&fun["memory_mb"]) / 1024.0;
    let rate = if fun["architecture"] == "arm64" {
        usd_per_gb_s.1
    } else {
        usd_per_gb_s.0
    };
    inv / 1e6 * 0.20 + gb_s * rate
}

#[test]
fn the_demos_costs_add_up_from_each_resource_to_the_account() {
    let home = home("sum");
    let snap = json(ONCE, &home);
    let fns = snap["lambda"]["functions"].as_array().unwrap();
    let mut lambda = 0.0;
    for fun in fns {
        let c = &fun["cost"];
        let want = lambda_window_usd(fun, (0.0000166667, 0.0000133334));
        near(f(&c["usd_window"]), want, 1, fun["name"].as_str().unwrap());
        // A 60-minute window is the hour; the month is 730 of them.
        near(f(&c["usd_per_hour"]), want, 1, "hour");
        near(f(&c["usd_per_month_projected"]), want * 730.0, 730, "month");
        lambda += f(&c["usd_per_hour"]);
    }
    assert!(
        fns.iter().any(|x| x["architecture"] == "arm64"),
        "the demo prices both architectures"
    );
    let cost = &snap["cost"];
    near(
        f(&cost["by_service"]["lambda"]),
        lambda,
        fns.len(),
        "lambda sum",
    );

    let services: Vec<&Value> = snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["services"].as_array().unwrap())
        .collect();
    let ecs: f64 = services
        .iter()
        .filter_map(|s| s["cost"]["usd_per_hour"].as_f64())
        .sum();
    near(
        f(&cost["by_service"]["ecs"]),
        ecs,
        services.len(),
        "ecs sum",
    );
    // EC2-backed services are a share of their instances, never a price.
    let share = services
        .iter()
        .find(|s| s["launch_type"] == "EC2")
        .expect("the demo has an EC2 service");
    assert!(
        share["cost"]["usd_per_hour"].is_null()
            && f(&share["cost"]["ec2_capacity_share_pct"]) > 0.0
    );
    let spot = services
        .iter()
        .find(|s| {
            s["cost"]["basis"]
                .as_str()
                .unwrap_or("")
                .contains("on Spot at 70% off (assumed)")
        })
        .expect("a Spot service says its discount is an assumption");
    assert!(f(&spot["cost"]["usd_per_hour"]) > 0.0);

    let eks: Vec<&Value> = snap["eks"]["clusters"].as_array().unwrap().iter().collect();
    let extended = eks.iter().find(|c| c["support"] == "EXTENDED").unwrap();
    assert_eq!(f(&extended["cost"]["usd_per_hour"]), 0.60);
    let eks_sum: f64 = eks.iter().map(|c| f(&c["cost"]["usd_per_hour"])).sum();
    // Nodes are not priced: every demo cluster has some, so each is a floor
    // and the account's basis and count say so.
    for c in &eks {
        let basis = c["cost"]["basis"].as_str().unwrap();
        assert!(
            basis.starts_with("control plane; nodes not priced"),
            "{basis}"
        );
    }
    assert_eq!(cost["partly_priced_resources"], eks.len());
    assert!(
        cost["basis"].as_str().unwrap().contains("partly priced"),
        "{cost}"
    );
    near(f(&cost["by_service"]["eks"]), eks_sum, eks.len(), "eks sum");

    let envs = snap["batch"]["compute_environments"].as_array().unwrap();
    let batch: f64 = envs.iter().map(|c| f(&c["cost"]["usd_per_hour"])).sum();
    near(
        f(&cost["by_service"]["batch"]),
        batch,
        envs.len(),
        "batch sum",
    );

    let rooms: f64 = cost["by_service"]
        .as_object()
        .unwrap()
        .values()
        .map(f)
        .sum();
    near(f(&cost["usd_per_hour"]), rooms, 8, "account");
    near(
        f(&cost["usd_per_month_projected"]),
        rooms * 730.0,
        8 * 730,
        "account month",
    );
    assert_eq!(cost["unpriced_resources"], 0);
    assert!(
        cost["notes"]["lambda"]
            .as_str()
            .unwrap()
            .starts_with("free tier: "),
        "{cost}"
    );
    // What the dashboard's pollers would request an hour on this account,
    // with no rows on screen: Lambda's 4 totals and its 30 offenders by their
    // 5 ranking figures a minute, the other 10 functions ranked in four
    // sweeps; 12 ECS services × 2 a minute; 3 EKS clusters × 8 a minute; 2
    // EMR clusters × 6 and 22 API Gateway queries every other minute: $0.01
    // per 1,000, within the default $0.25/h budget.
    let metrics = 60 * (4 + 30 * 5) + 4 * 10 * 5 + 12 * 2 * 60 + 3 * 8 * 60 + 2 * 6 * 30 + 22 * 30;
    near(
        f(&cost["watching_usd_per_hour"]),
        metrics as f64 * 0.01 / 1000.0,
        1,
        "watching",
    );
}

#[test]
fn the_header_shows_the_sum_of_what_the_panes_price() {
    let mut m = demo_model(160, 48);
    let b = &m.data.burn;
    let lambda = b.room(ServiceKind::Lambda).unwrap().clone();
    let d = &m.data;
    let by_function: f64 = d
        .feed::<awstop::services::Lambda>()
        .state
        .functions
        .iter()
        .filter_map(|x| {
            awstop::services::lambda::cost::estimate(x, &d.settings.prices, d.settings.window)
                .per_hour()
        })
        .sum();
    assert!(
        (lambda.per_hour - by_function).abs() < 1e-9,
        "{} != {by_function}",
        lambda.per_hour
    );
    let rooms: f64 = b.by_service.iter().map(|(_, c)| c.per_hour).sum();
    assert!((b.per_hour - rooms).abs() < 1e-9);
    let hour = awstop::cost::money::usd_hour(b.per_hour);
    let month = awstop::cost::money::usd(b.per_hour * 730.0);
    let header = screen(&m).lines().next().unwrap().to_string();
    // A floor: the demo's EKS clusters are priced without their nodes.
    assert!(b.partly_priced > 0);
    assert!(
        header.contains(&format!("burn ≈{hour}+ ≈{month}/mo+")),
        "{header}"
    );
    // The Overview says it room by room, with Lambda's free tier.
    let _ = b;
    act(
        &mut m,
        &[awstop::app::keymap::Action::Pane(
            awstop::app::model::Pane::Overview,
        )],
    );
    let overview = screen(&m);
    assert!(
        overview.contains(&format!(
            "λ {}",
            awstop::cost::money::usd_hour(lambda.per_hour)
        )),
        "{overview}"
    );
    assert!(overview.contains("λ free tier: "), "{overview}");
}

#[test]
fn a_region_without_prices_shows_a_question_mark_and_says_why() {
    let home = home("noprice");
    let mut args = ONCE.to_vec();
    args.extend(["--region", "sa-east-1"]);
    let snap = json(&args, &home);
    let fun = &snap["lambda"]["functions"][0];
    assert!(fun["cost"]["usd_per_hour"].is_null(), "{}", fun["cost"]);
    assert!(fun["cost"]["basis"]
        .as_str()
        .unwrap()
        .starts_with("no prices for sa-east-1"));
    let cost = &snap["cost"];
    for room in ["lambda", "ecs", "eks", "batch", "emr"] {
        assert!(cost["by_service"][room].is_null(), "{room}: {cost}");
    }
    // Lightsail's prices come from its own API: the account's figure is its
    // alone, and the basis says what was left out.
    let lightsail = f(&cost["by_service"]["lightsail"]);
    near(f(&cost["usd_per_hour"]), lightsail, 2, "account");
    assert!(
        cost["basis"]
            .as_str()
            .unwrap()
            .contains("no prices for sa-east-1"),
        "{cost}"
    );
    assert!(f(&cost["unpriced_resources"]) > 0.0);

    let mut table = args.clone();
    table[3] = "table";
    let out = awstop(&table, &home);
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text
        .lines()
        .find(|l| l.starts_with("NAME ") && l.contains("COST/mo"))
        .unwrap();
    let col = header.find("COST/mo").unwrap();
    let row = text.lines().skip_while(|l| *l != header).nth(1).unwrap();
    assert_eq!(row[col..].trim(), "?", "{row}");
}

#[test]
fn a_bundled_region_prices_what_its_file_has_and_says_why_for_the_rest() {
    let home = home("eu");
    let mut args = ONCE.to_vec();
    args.extend(["--region", "eu-west-1"]);
    let snap = json(&args, &home);
    // eu-west-1's file has Lambda, Fargate and EKS: every function is priced
    // from it, and says so.
    let functions = snap["lambda"]["functions"].as_array().unwrap();
    assert!(!functions.is_empty());
    for fun in functions {
        let basis = fun["cost"]["basis"].as_str().unwrap();
        if !fun["cost"]["usd_per_hour"].is_null() {
            assert!(basis.contains("eu-west-1 list price 2026-10"), "{basis}");
        }
    }
    assert!(functions
        .iter()
        .any(|x| !x["cost"]["usd_per_hour"].is_null()));
    let cost = &snap["cost"];
    assert!(
        cost["by_service"]["lambda"].as_f64().unwrap() > 0.0,
        "{cost}"
    );
    assert!(cost["by_service"]["eks"].as_f64().unwrap() > 0.0, "{cost}");
    // API Gateway's WebSocket price was not found for eu-west-1: its APIs are
    // `?` with the reason, never a price borrowed from another region.
    let api = &snap["apigateway"]["apis"][0];
    assert!(api["cost"]["usd_per_hour"].is_null(), "{api}");
    assert!(
        api["cost"]["basis"]
            .as_str()
            .unwrap()
            .contains("no API Gateway prices for eu-west-1"),
        "{api}"
    );
    assert!(cost["by_service"]["apigateway"].is_null(), "{cost}");
}

#[test]
fn a_price_file_of_ones_own_and_the_spot_discount_come_from_the_config() {
    let home = home("mine");
    let prices = home.join("awstop/mine.toml");
    // Half the list rates, as an enterprise discount might make them.
    std::fs::write(
        &prices,
        "region = \"eu-west-1\"\ndate = \"2026-10\"\n\
         [lambda]\nusd-per-million-requests = 0.10\nusd-per-gb-second-x86-64 = 0.00001\nusd-per-gb-second-arm64 = 0.000008\n\
         free-requests-per-month = 1000000\nfree-gb-seconds-per-month = 400000\n\
         [fargate]\nusd-per-vcpu-hour-x86-64 = 0.02\nusd-per-gb-hour-x86-64 = 0.002\n\
         usd-per-vcpu-hour-arm64 = 0.016\nusd-per-gb-hour-arm64 = 0.0016\n",
    )
    .unwrap();
    std::fs::write(
        home.join("awstop/config.toml"),
        "[cost]\nprices = \"mine.toml\"\nspot-discount-pct = 50\n",
    )
    .unwrap();
    let mut args = ONCE.to_vec();
    args.extend(["--region", "eu-west-1"]);
    let snap = json(&args, &home);
    for fun in snap["lambda"]["functions"].as_array().unwrap() {
        let want = lambda_window_usd(fun, (0.00001, 0.000008))
            - (f(&fun["metrics"]["invocations"]) / 1e6 * 0.10);
        near(
            f(&fun["cost"]["usd_window"]),
            want,
            1,
            fun["name"].as_str().unwrap(),
        );
        assert!(
            fun["cost"]["basis"]
                .as_str()
                .unwrap()
                .contains("mine.toml of 2026-10"),
            "{}",
            fun["cost"]
        );
    }
    // A Fargate Spot service at the configured 50%: its tasks' vCPU and GB at
    // the file's rates, halved.
    let spot = snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["services"].as_array().unwrap())
        .find(|s| {
            s["cost"]["basis"]
                .as_str()
                .unwrap_or("")
                .contains("on Spot at 50% off (assumed)")
        })
        .expect("the Spot service");
    let basis = spot["cost"]["basis"].as_str().unwrap();
    // "2 tasks × 1 vCPU × 2 GB, Fargate arm64, …"
    let words: Vec<&str> = basis.split_whitespace().collect();
    let num = |i: usize| {
        words[i]
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("{basis}"))
    };
    let (n, vcpu, gb) = (num(0), num(3), num(6));
    let (cpu_rate, gb_rate) = if basis.contains("arm64") {
        (0.016, 0.0016)
    } else {
        (0.02, 0.002)
    };
    near(
        f(&spot["cost"]["usd_per_hour"]),
        n * (vcpu * cpu_rate + gb * gb_rate) * 0.5,
        1,
        basis,
    );
    // EKS and EC2 prices are not in the file: `?`, not the list price of another region.
    let eks = &snap["eks"]["clusters"][0]["cost"];
    assert!(eks["usd_per_hour"].is_null(), "{eks}");
    assert!(
        eks["basis"]
            .as_str()
            .unwrap()
            .contains("no EKS prices for eu-west-1"),
        "{eks}"
    );
}

#[test]
fn bad_price_files_and_discounts_fail_on_their_position() {
    let home = home("bad");
    let cfg = home.join("awstop/config.toml");
    let prices = home.join("awstop/bad.toml");
    std::fs::write(&prices, "region = \"eu-west-1\"\ndate = \"2026-10\"\n[eks]\nusd-per-cluster-hour-standard = \"ten cents\"\n").unwrap();
    std::fs::write(&cfg, format!("[cost]\nprices = \"{}\"\n", prices.display())).unwrap();
    let one_line = |out: &Output| {
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    };
    let err = one_line(&awstop(ONCE, &home));
    assert!(
        err.starts_with(&format!("awstop: {}:4:", prices.display())),
        "{err}"
    );

    std::fs::write(&cfg, "[cost]\nprices = \"missing.toml\"\n").unwrap();
    let err = one_line(&awstop(ONCE, &home));
    assert!(err.contains("missing.toml"), "{err}");

    std::fs::write(&cfg, "[cost]\nspot-discount-pct = 150\n").unwrap();
    let err = one_line(&awstop(ONCE, &home));
    assert!(
        err.starts_with(&format!("awstop: {}:2:", cfg.display())),
        "{err}"
    );
    assert!(err.contains("between 0 and 100"), "{err}");
}

/// The header's "watch $/h" after `burst` metrics in the first seconds and
/// then a minute-by-minute schedule, read at `at` seconds.
fn watch_reading(m: &awstop::app::model::Model) -> f64 {
    let header = screen(m).lines().next().unwrap().to_string();
    let at = header.find("watch $").unwrap_or_else(|| panic!("{header}"));
    header[at + 7..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{header}"))
}

#[test]
fn the_first_watch_reading_is_the_steady_one_not_the_startup_burst() {
    use awstop::app::msg::{DataMsg, Msg};
    use awstop::app::update;
    use awstop::source::demo::DemoAccount;
    let t0 = frozen().now();
    let mut m = awstop::app::model::Model::with_settings(
        awstop::app::model::SourceLabel::Live,
        t0,
        awstop::services::Settings::default(),
    );
    update(
        &mut m,
        Msg::Resize {
            width: 200,
            height: 48,
        },
    );
    for msg in DemoAccount::new(42, 40, 60).messages_at(t0) {
        update(&mut m, Msg::Data(msg));
    }
    act(&mut m, &[awstop::app::keymap::Action::Pane(LAMBDA)]);
    let api = |secs: i64, calls: u64, metrics: u64| {
        Msg::Data(DataMsg::Api {
            at: t0 + chrono::Duration::seconds(secs),
            calls: [("cloudwatch.GetMetricData".to_string(), calls)].into(),
            metrics_requested: metrics,
            logs_bytes_scanned: 0,
            latency_ms: Default::default(),
        })
    };
    // Startup: every room's first refresh and Lambda's first full sweep
    // inside ten seconds.
    update(&mut m, api(2, 40, 3000));
    update(&mut m, api(10, 80, 6000));
    let first = watch_reading(&m);
    let calls = screen(&m).lines().next().unwrap().to_string();
    assert!(
        calls.contains(" 80 calls") && !calls.contains("calls/min"),
        "not a rate from ten seconds: {calls}"
    );
    // Then the pollers' steady minute on this account (the demo's shape):
    // Lambda's 40 functions all followed (on screen and offenders) × 7 + 4
    // totals; 12 ECS services × 2; 3 EKS clusters × 8; 2 active EMR clusters
    // × 6 every other minute; API Gateway's 22 stage queries every other minute.
    let per_minute = 40 * 7 + 4 + 12 * 2 + 3 * 8 + 6 + 11;
    let (mut c, mut q) = (80, 6000);
    for minute in 1..=5 {
        c += 20;
        q += per_minute;
        update(&mut m, api(10 + 60 * minute, c, q));
    }
    let steady = per_minute as f64 * 60.0 * 0.01 / 1000.0;
    let later = watch_reading(&m);
    assert!(
        (first - later).abs() <= 0.2 * later,
        "first {first} vs after five minutes {later}"
    );
    assert!(
        (later - steady).abs() <= 0.2 * steady,
        "header {later} vs the schedule's {steady}"
    );
    assert!(screen(&m).lines().next().unwrap().contains("calls/min"));
}
