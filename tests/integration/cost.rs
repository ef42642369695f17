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
            crate::common::state_home(),
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
    // Extended support's $0.60 and its two t3.large Spot nodes ($0.0832 at 70% off).
    near(f(&extended["cost"]["usd_per_hour"]), 0.60 + 2.0 * 0.0832 * 0.3, 1, "extended");
    let eks_sum: f64 = eks.iter().map(|c| f(&c["cost"]["usd_per_hour"])).sum();
    // Every demo cluster's node groups are priced with it (see
    // an_eks_cluster_costs_its_control_plane_and_its_nodes): only `data`'s
    // Fargate pods, which the EKS API does not show, leave a floor.
    for c in &eks {
        let basis = c["cost"]["basis"].as_str().unwrap();
        assert!(basis.starts_with("control plane + "), "{basis}");
        assert_eq!(
            basis.contains("Fargate pods are not visible"),
            !c["fargate_profiles"].as_array().unwrap().is_empty(),
            "{basis}"
        );
    }
    assert_eq!(cost["partly_priced_resources"], 1);
    assert!(
        cost["basis"].as_str().unwrap().contains("1 resources partly priced"),
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
    // EMR clusters × 6 and 22 API Gateway queries every other minute; last
    // week's window of the 12 ECS services (2 each) and the 2 EMR clusters
    // (2 each) every 15 minutes (no rows on screen: no stage's nor
    // function's): $0.01 per 1,000, within the default $0.25/h budget.
    let metrics = 60 * (4 + 30 * 5) + 4 * 10 * 5 + 12 * 2 * 60 + 3 * 8 * 60 + 2 * 6 * 30 + 22 * 30 + 4 * (12 * 2 + 2 * 2);
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
    // A floor: the demo's `data` cluster runs Fargate pods the EKS API does not show.
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

/// A demo cluster by name.
fn cluster<'a>(snap: &'a Value, name: &str) -> &'a Value {
    snap["eks"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

#[test]
fn an_eks_cluster_costs_its_control_plane_and_its_nodes() {
    let dir = home("eks");
    let snap = json(ONCE, &dir);
    // us-east-1's list prices (prices/us-east-1.toml): control plane $0.10
    // (extended $0.60); m6i.large $0.096, m5.xlarge $0.192, g5.xlarge $1.006,
    // t3.large $0.0832, r6i.2xlarge $0.504 an hour; Spot at the default 70% off.
    let prod = cluster(&snap, "prod");
    near(
        f(&prod["cost"]["usd_per_hour"]),
        0.10 + 6.0 * 0.096 + 4.0 * 0.192 * 0.3 + 2.0 * 1.006,
        1,
        "prod",
    );
    near(
        f(&prod["cost"]["usd_per_month_projected"]),
        (0.10 + 6.0 * 0.096 + 4.0 * 0.192 * 0.3 + 2.0 * 1.006) * 730.0,
        730,
        "prod month",
    );
    assert_eq!(
        prod["cost"]["basis"],
        "control plane + 12 nodes (6 × m6i.large, 4 × m5.xlarge (the first of its 3 types) \
         on Spot at 70% off (assumed), 2 × g5.xlarge): standard support, us-east-1 bundled 2026-11"
    );
    // More than the control plane alone, which was all it used to count.
    assert!(f(&prod["cost"]["usd_per_hour"]) > 0.10 * 20.0);
    let staging = cluster(&snap, "staging");
    near(f(&staging["cost"]["usd_per_hour"]), 0.60 + 2.0 * 0.0832 * 0.3, 1, "staging");
    assert_eq!(
        staging["cost"]["basis"],
        "control plane + 2 nodes (2 × t3.large on Spot at 70% off (assumed)): \
         extended support, 6× the standard price, us-east-1 bundled 2026-11"
    );
    let data = cluster(&snap, "data");
    near(f(&data["cost"]["usd_per_hour"]), 0.10 + 3.0 * 0.504, 1, "data");
    assert_eq!(
        data["cost"]["basis"],
        "control plane + 3 nodes (3 × r6i.2xlarge): standard support, us-east-1 bundled 2026-11; \
         its Fargate pods are not visible and not counted"
    );
    // The dashboard shows the same: a figure for prod, a floor for data.
    let mut args = ONCE.to_vec();
    args[3] = "table";
    let out = awstop(&args, &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    let clusters: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "EKS.CLUSTERS")
        .take_while(|l| !l.is_empty())
        .collect();
    let header = clusters.get(1).unwrap_or_else(|| panic!("no EKS clusters:\n{text}"));
    let col = header.find("COST/mo").unwrap();
    let cost = |name: &str| {
        let row = clusters
            .iter()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} row:\n{text}"));
        // The cost column is right-aligned under its header's last letter.
        row[..col + "COST/mo".len()].split_whitespace().last().unwrap().to_string()
    };
    assert_eq!(cost("prod"), "$2.1k");
    assert_eq!(cost("staging"), "$474");
    assert_eq!(cost("data"), "$1.2k+");
    // The support column keeps the control plane's own rate.
    assert!(clusters.iter().any(|l| l.starts_with("prod ") && l.contains(" standard $0.100/h ")), "{text}");

    // Spot at the configured discount.
    let half = home("eks-half");
    std::fs::write(half.join("awstop/config.toml"), "[cost]\nspot-discount-pct = 50\n").unwrap();
    let snap = json(ONCE, &half);
    near(
        f(&cluster(&snap, "staging")["cost"]["usd_per_hour"]),
        0.60 + 2.0 * 0.0832 * 0.5,
        1,
        "staging at 50% off",
    );
}

#[test]
fn a_node_group_of_a_type_the_price_file_lacks_leaves_a_floor_that_names_it() {
    // A file of one's own with EC2's m5.large rate and none of the demo's node types.
    let home = home("eks-eu");
    std::fs::write(
        home.join("awstop/mine.toml"),
        "region = \"eu-west-1\"\ndate = \"2026-10\"\n\
         [eks]\nusd-per-cluster-hour-standard = 0.10\nusd-per-cluster-hour-extended = 0.60\n\
         [ec2]\nusd-per-vcpu-hour = 0.0535\n[ec2.instance-types]\n\"m5.large\" = 0.107\n",
    )
    .unwrap();
    std::fs::write(home.join("awstop/config.toml"), "[cost]\nprices = \"mine.toml\"\n").unwrap();
    let mut args = ONCE.to_vec();
    args.extend(["--region", "eu-west-1"]);
    let snap = json(&args, &home);
    let prod = cluster(&snap, "prod");
    let basis = prod["cost"]["basis"].as_str().unwrap();
    assert!(basis.starts_with("control plane: standard support, eu-west-1 "), "{basis}");
    assert!(basis.contains("mine.toml of 2026-10; node groups not priced: "), "{basis}");
    for (group, n, t) in [("general", 6, "m6i.large"), ("spot-batch", 4, "m5.xlarge"), ("gpu", 2, "g5.xlarge")] {
        assert!(
            basis.contains(&format!("{group}: {n} × {t} (no {t} rate for eu-west-1 in ")),
            "{basis}"
        );
    }
    // What is priced is counted: the control plane, the file's $0.10 an hour.
    near(f(&prod["cost"]["usd_per_hour"]), 0.10, 1, "prod in eu-west-1");
    // Each of the three clusters is a floor; none is left out of the sums.
    let eks = snap["eks"]["clusters"].as_array().unwrap();
    assert_eq!(eks.len(), 3);
    assert_eq!(snap["cost"]["partly_priced_resources"], 3);
    assert!(eks.iter().all(|c| c["cost"]["basis"].as_str().unwrap().contains("node groups not priced: ")));

    // A bundled file that lacks one type: ap-southeast-1 has no g5.xlarge
    // rate, so prod's GPU group alone is named and the rest is priced at
    // ap-southeast-1's own rates (m6i.large $0.12, m5.xlarge $0.24).
    let home = self::home("eks-apse1");
    let mut args = ONCE.to_vec();
    args.extend(["--region", "ap-southeast-1"]);
    let snap = json(&args, &home);
    let prod = cluster(&snap, "prod");
    assert_eq!(
        prod["cost"]["basis"],
        "control plane + 10 nodes (6 × m6i.large, 4 × m5.xlarge (the first of its 3 types) on Spot \
         at 70% off (assumed)): standard support, ap-southeast-1 bundled 2026-09; node groups not \
         priced: gpu: 2 × g5.xlarge (no g5.xlarge rate for ap-southeast-1 in the bundled prices)"
    );
    near(f(&prod["cost"]["usd_per_hour"]), 0.10 + 6.0 * 0.12 + 4.0 * 0.24 * 0.3, 1, "prod in ap-southeast-1");
}

/// A bundled region's demo, priced from its own file.
struct Regional {
    region: &'static str,
    label: &'static str,
    /// m6i.large, m5.xlarge, g5.xlarge, t3.large, r6i.2xlarge an hour.
    nodes: [f64; 5],
    /// EC2's rate a vCPU-hour (m5.large / 2), for Batch.
    vcpu: f64,
}

#[test]
fn eu_west_1_and_ap_northeast_1_price_every_node_and_batch_from_their_own_rates() {
    // The rates, from each file's AWS Price List source (prices/*.toml).
    let regions = [
        Regional {
            region: "eu-west-1",
            label: "eu-west-1 bundled 2026-10",
            nodes: [0.107, 0.214, 1.123, 0.0912, 0.564],
            vcpu: 0.107 / 2.0,
        },
        Regional {
            region: "ap-northeast-1",
            label: "ap-northeast-1 bundled 2026-09",
            nodes: [0.124, 0.248, 1.459, 0.1088, 0.608],
            vcpu: 0.124 / 2.0,
        },
    ];
    for r in regions {
        let home = home(r.region);
        let mut args = ONCE.to_vec();
        args.extend(["--region", r.region]);
        let snap = json(&args, &home);
        let [m6i, m5, g5, t3, r6i] = r.nodes;
        let prod = 0.10 + 6.0 * m6i + 4.0 * m5 * 0.3 + 2.0 * g5;
        let staging = 0.60 + 2.0 * t3 * 0.3;
        let data = 0.10 + 3.0 * r6i;
        near(f(&cluster(&snap, "prod")["cost"]["usd_per_hour"]), prod, 1, r.region);
        assert_eq!(
            cluster(&snap, "prod")["cost"]["basis"],
            format!(
                "control plane + 12 nodes (6 × m6i.large, 4 × m5.xlarge (the first of its 3 types) \
                 on Spot at 70% off (assumed), 2 × g5.xlarge): standard support, {}",
                r.label
            )
        );
        near(f(&cluster(&snap, "staging")["cost"]["usd_per_hour"]), staging, 1, r.region);
        near(f(&cluster(&snap, "data")["cost"]["usd_per_hour"]), data, 1, r.region);
        let cost = &snap["cost"];
        near(f(&cost["by_service"]["eks"]), prod + staging + data, 3, r.region);
        // Batch's Spot environment names m5.xlarge: its 32 desired vCPU are 8
        // instances at that type's rate, 70% off (m5.xlarge is twice
        // m5.large, so the same as 32 vCPU at the per-vCPU m5 rate).
        let spot_ce = snap["batch"]["compute_environments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "spot-ce")
            .unwrap();
        near(f(&spot_ce["cost"]["usd_per_hour"]), 8.0 * m5 * 0.3, 1, r.region);
        near(8.0 * m5, 32.0 * r.vcpu, 0, r.region);
        assert_eq!(
            spot_ce["cost"]["basis"],
            format!(
                "32 desired vCPU as 8 × m5.xlarge (4 vCPU each) on Spot at 70% off (assumed), \
                 EC2 on-demand ${m5}/h, {}",
                r.label
            )
        );
        // As in us-east-1, only `data`'s Fargate pods, which the EKS API does
        // not show, leave a floor.
        assert_eq!(cost["partly_priced_resources"], 1, "{cost}");
        // EMR's fees for these regions were not found in AWS's data: the 2
        // running clusters are `?`, with why.
        let emr = snap["emr"]["clusters"].as_array().unwrap();
        assert_eq!(emr.iter().filter(|c| c["cost"]["usd_per_hour"].is_null()).count(), 2);
        assert!(emr.iter().any(|c| c["cost"]["basis"]
            .as_str()
            .unwrap()
            .contains(&format!("no EMR prices for {}", r.region))));
        assert!(cost["by_service"]["emr"].is_null(), "{cost}");
    }
}

/// What a bundled region's file leaves out, and how many of the demo's
/// resources that leaves `?`: the reason each shows, and the count.
struct Gaps {
    region: &'static str,
    unpriced: &'static [(&'static str, usize)],
}

/// The demo in every bundled region: each resource is priced from the
/// region's own file, or is `?` for exactly the prices its file says were
/// not found in AWS's data (prices/REGION.toml), and says which.
#[test]
fn every_bundled_region_prices_the_demo_or_says_which_price_is_missing() {
    const EMR: &str = "no EMR prices for {r} in the bundled prices";
    const FARGATE: &str = "no Fargate prices for {r} in the bundled prices";
    const REST: &str = "no API Gateway REST request price for {r} in the bundled prices";
    const HTTP: &str = "no API Gateway HTTP API request price for {r} in the bundled prices";
    const WS: &str = "no API Gateway WebSocket message price for {r} in the bundled prices";
    // A file with no API Gateway price at all.
    const API: &str = "no API Gateway prices for {r} in the bundled prices";
    // A file without App Runner's section: the 3 running services (the
    // paused one costs nothing anywhere).
    const AR: &str = "no App Runner prices for {r} in the bundled prices";
    // The demo runs 2 EMR clusters, 4 APIs (2 REST, 1 HTTP, 1 WebSocket), and
    // 6 Fargate services and 1 Fargate compute environment.
    let regions = [
        Gaps { region: "us-east-1", unpriced: &[] },
        Gaps { region: "us-west-2", unpriced: &[] },
        Gaps { region: "us-east-2", unpriced: &[(WS, 1), (EMR, 2)] },
        Gaps { region: "eu-west-1", unpriced: &[(WS, 1), (EMR, 2)] },
        Gaps { region: "ap-northeast-1", unpriced: &[(REST, 2), (WS, 1), (EMR, 2)] },
        Gaps { region: "us-west-1", unpriced: &[(FARGATE, 7), (REST, 2), (WS, 1), (EMR, 2), (AR, 3)] },
        Gaps { region: "eu-central-1", unpriced: &[(FARGATE, 7), (HTTP, 1), (WS, 1), (EMR, 2), (AR, 3)] },
        Gaps { region: "eu-west-2", unpriced: &[(API, 4), (EMR, 2), (AR, 3)] },
        Gaps { region: "ap-southeast-1", unpriced: &[(API, 4), (EMR, 2), (AR, 3)] },
        Gaps { region: "ap-southeast-2", unpriced: &[(FARGATE, 7), (API, 4), (EMR, 2), (AR, 3)] },
    ];
    for g in regions {
        let home = home(g.region);
        let mut args = ONCE.to_vec();
        args.extend(["--region", g.region]);
        let snap = json(&args, &home);
        // Every resource with a cost, by its basis when it has no figure.
        let mut missing: std::collections::BTreeMap<String, usize> = Default::default();
        fn walk(v: &Value, out: &mut std::collections::BTreeMap<String, usize>) {
            match v {
                Value::Object(m) => {
                    if let Some(c) = m.get("cost").filter(|c| c.get("basis").is_some()) {
                        if c["usd_per_hour"].is_null() && c.get("ec2_capacity_share_pct").is_none_or(Value::is_null) {
                            *out.entry(c["basis"].as_str().unwrap().to_string()).or_default() += 1;
                        }
                    }
                    m.values().for_each(|v| walk(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        for (room, v) in snap.as_object().unwrap() {
            if room != "cost" {
                walk(v, &mut missing);
            }
        }
        let want: std::collections::BTreeMap<String, usize> =
            g.unpriced.iter().map(|(why, n)| (why.replace("{r}", g.region), *n)).collect();
        assert_eq!(missing, want, "{}", g.region);
        let total: usize = g.unpriced.iter().map(|(_, n)| n).sum();
        assert_eq!(snap["cost"]["unpriced_resources"], total, "{}: {}", g.region, snap["cost"]);
        // What is priced names this region's bundled file.
        let label = format!("{} bundled 20", g.region);
        let batch = &snap["batch"]["compute_environments"][0]["cost"]["basis"];
        assert!(batch.as_str().unwrap().contains(&label), "{}: {batch}", g.region);
    }
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
            assert!(basis.contains("eu-west-1 bundled 2026-10"), "{basis}");
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
    // API Gateway's WebSocket price was not found for eu-west-1: its
    // WebSocket API is `?` with the reason, never a price borrowed from
    // another region or protocol; its REST and HTTP APIs are priced.
    let apis = snap["apigateway"]["apis"].as_array().unwrap();
    for api in apis {
        let basis = api["cost"]["basis"].as_str().unwrap();
        if api["protocol"] == "WEBSOCKET" {
            assert!(api["cost"]["usd_per_hour"].is_null(), "{api}");
            assert_eq!(basis, "no API Gateway WebSocket message price for eu-west-1 in the bundled prices");
        } else {
            assert!(basis.ends_with("eu-west-1 bundled 2026-10"), "{basis}");
            let rate = if api["protocol"] == "REST" { "$3.5/M" } else { "$1.11/M" };
            assert!(basis.contains(rate), "{basis}");
        }
    }
    assert!(apis.iter().any(|a| a["protocol"] == "WEBSOCKET"));
    assert!(cost["by_service"]["apigateway"].as_f64().unwrap() > 0.0, "{cost}");
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
            by_account: Default::default(),
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
