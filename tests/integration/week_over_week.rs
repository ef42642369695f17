//! Week-over-week against moto, which keeps datapoints with old timestamps
//! (DESIGN.md §9): the same metrics seeded now and seven days ago come back
//! as `metrics_week_ago`, and `unusual` names the function far above its own
//! last week and not the busy steady one.

use serde_json::Value;

use crate::common::moto::Moto;

#[test]
fn once_reads_last_weeks_window_and_names_the_spiking_function() {
    let moto = Moto::start();
    let truth: Value = serde_json::from_str(&moto.ctl(&["week-over-week"])).expect("truth is JSON");
    let out = moto.awstop(&["--once", "--format", "json", "--metrics", "all", "--cold-starts", "filter"]);
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    // moto computes no percentiles and serves some rooms not at all: those failures only.
    for e in snap["errors"].as_array().expect("a snapshot") {
        let p99 = e["operation"] == "GetMetricData" && e["message"].as_str().unwrap_or("").contains("p99");
        assert!(p99 || crate::common::moto::of_unserved(e), "unexpected failure: {e}");
    }
    let fns = snap["lambda"]["functions"].as_array().unwrap();
    assert_eq!(fns.len(), 3);
    for f in fns {
        let name = f["name"].as_str().unwrap();
        for (label, key) in [("now", "metrics"), ("week_ago", "metrics_week_ago")] {
            let want = &truth[name][label];
            for k in ["invocations", "errors", "throttles", "duration_avg_ms"] {
                assert_eq!(f[key][k], want[k], "{name} {key}.{k}");
            }
        }
        // Not read a week ago: null, never zero.
        assert!(f["metrics_week_ago"]["concurrent_max"].is_null());
    }
    let unusual = snap["unusual"].as_array().unwrap();
    assert_eq!(unusual.len(), 1, "{unusual:?}");
    let u = &unusual[0];
    assert_eq!((u["service"].as_str(), u["resource"].as_str(), u["metric"].as_str()), (Some("lambda"), Some("spiking"), Some("errors")));
    assert_eq!((u["now"].as_f64(), u["week_ago"].as_f64(), u["ratio"].as_f64()), (Some(20.0), Some(1.0), Some(20.0)));
    assert!(u["why"].as_str().unwrap().contains("20 against 1"), "{u}");
}

#[test]
fn last_weeks_window_is_asked_once_and_counted() {
    let moto = Moto::start();
    moto.ctl(&["week-over-week"]);
    let out = moto.awstop(&["--once", "--format", "json", "--metrics", "all", "--cold-starts", "filter"]);
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    // Three functions: seven queries each (the percentile's refused call
    // counts nothing), four totals, and four week-ago queries each.
    let metrics = snap["api"]["cloudwatch_metrics_requested"].as_u64().unwrap();
    let without_week = 3 * 6 + 4;
    assert_eq!(metrics, without_week + 3 * 4, "{}", snap["api"]);
}

#[test]
fn an_open_detail_draws_last_weeks_minutes_under_its_graphs() {
    use crate::common::pty::Session;
    let moto = Moto::start();
    moto.ctl(&["week-over-week"]);
    let env = crate::common::moto::isolated_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut s = Session::start_with_env(
        &["--endpoint-url", &moto.url, "--region", "us-east-1", "--pane", "lambda", "--cold-starts", "filter"],
        &env,
        48,
        160,
    );
    s.wait_for("the functions", |sc| sc.contains("spiking") && sc.contains("steady"));
    s.send("/spiking");
    s.wait_for("the filter", |sc| sc.contains("1 rows"));
    s.send("\r\r");
    // Seeded: 30 calls a minute in both weeks; 2 errors a minute now, one
    // error in all of last week's minutes.
    let title = |sc: &str, what: &str| sc.lines().find(|l| l.contains(what)).map(str::to_string);
    s.wait_for("last week's minutes", |sc| {
        sc.contains("Function spiking")
            && title(sc, "invocations  peak").is_some_and(|l| l.contains("peak 30  now") && l.contains("wk peak 30"))
            && title(sc, "errors  peak").is_some_and(|l| l.contains("errors  peak 2  now") && l.contains("wk peak 1"))
            && sc.contains("dim under each: the same minutes a week ago")
    });
    // Nothing ran last week: said so under every graph read from CloudWatch.
    s.send("\x1b");
    s.wait_for("the table", |sc| !sc.contains("Function spiking"));
    s.send("/");
    s.send("\x7f\x7f\x7f\x7f\x7f\x7f\x7ffresh");
    s.wait_for("the filter", |sc| sc.contains("1 rows") && sc.contains("fresh"));
    s.send("\r\r");
    s.wait_for("a new function", |sc| {
        sc.contains("Function fresh") && sc.matches("a week ago: nothing ran (new)").count() == 4
    });
    s.send("q");
    assert!(s.exit().success());
}

#[test]
fn once_reads_last_weeks_window_of_apis_and_ecs_services() {
    let moto = Moto::start();
    let truth: Value = serde_json::from_str(&moto.ctl(&["week-over-week-rooms"])).expect("truth is JSON");
    let out = moto.awstop(&["--once", "--format", "json", "--metrics", "all", "--cold-starts", "filter"]);
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    // moto computes no percentiles and serves some rooms not at all: those failures only.
    for e in snap["errors"].as_array().expect("a snapshot") {
        let p99 = e["operation"] == "GetMetricData" && e["message"].as_str().unwrap_or("").contains("p99");
        assert!(p99 || crate::common::moto::of_unserved(e), "unexpected failure: {e}");
    }
    let mut stages = 0;
    for api in snap["apigateway"]["apis"].as_array().unwrap() {
        for s in api["stages"].as_array().unwrap() {
            let name = format!("{}/{}", api["name"].as_str().unwrap(), s["name"].as_str().unwrap());
            let want = &truth["apis"][&name];
            for (label, key) in [("now", "metrics"), ("week_ago", "metrics_week_ago")] {
                for k in ["requests", "errors_4xx", "errors_5xx", "latency_avg_ms"] {
                    assert_eq!(s[key][k].as_f64(), want[label][k].as_f64(), "{name} {key}.{k}");
                }
            }
            // Not read a week back: null, never zero.
            assert!(s["metrics_week_ago"]["latency_p99_ms"].is_null(), "{name}");
            stages += 1;
        }
    }
    assert_eq!(stages, 2);
    let mut services = 0;
    for c in snap["ecs"]["clusters"].as_array().unwrap() {
        for s in c["services"].as_array().unwrap() {
            let name = format!("{}/{}", c["name"].as_str().unwrap(), s["name"].as_str().unwrap());
            let want = &truth["ecs"][&name];
            for k in ["cpu_pct", "memory_pct"] {
                assert_eq!(s[k].as_f64(), want["now"][k].as_f64(), "{name} {k}");
                assert_eq!(s["metrics_week_ago"][k].as_f64(), want["week_ago"][k].as_f64(), "{name} week ago {k}");
            }
            services += 1;
        }
    }
    assert_eq!(services, 2);
    // The seeded spikes are named, the steady API and service are not.
    let unusual = snap["unusual"].as_array().unwrap();
    let named: Vec<(&str, &str, &str)> = unusual
        .iter()
        .map(|u| (u["service"].as_str().unwrap(), u["resource"].as_str().unwrap(), u["metric"].as_str().unwrap()))
        .collect();
    assert_eq!(named, [("apigateway", "orders/prod", "errors_5xx"), ("ecs", "web/api", "cpu_pct")], "{unusual:?}");
    let api = &unusual[0];
    assert_eq!((api["now"].as_f64(), api["week_ago"].as_f64(), api["ratio"].as_f64()), (Some(20.0), Some(1.0), Some(20.0)));
    let ecs = &unusual[1];
    assert_eq!((ecs["now"].as_f64(), ecs["week_ago"].as_f64()), (Some(85.0), Some(30.0)));
}

/// The Overview's "Unusual now" holds every room's unusual resources,
/// ranked by ratio with the Lambda function's, and Enter opens each: an
/// API stage its API, an EMR cluster, a Lightsail instance, an ECS service
/// its tasks.
#[test]
fn unusual_now_ranks_every_rooms_resources_and_opens_them() {
    use crate::common::{act, demo_model, frozen};
    use awstop::app::keymap::Action::*;
    use awstop::app::model::{Pane, View};
    use awstop::app::msg::{DataMsg, Msg};
    use awstop::app::update;
    use awstop::app::msg::{Payload, ServiceKind};
    use awstop::services::{apigateway, ecs, emr, lightsail, RoomView};
    use awstop::source::demo::DemoAccount;

    let mut m = demo_model(160, 72);
    let demo = DemoAccount::new(42, 40, 60);
    let now = frozen().now();
    let unusual_list = |m: &awstop::app::model::Model| {
        let pages = awstop::app::overview::pages(m);
        let (list, read) = pages[0].across.iter().find(|(l, _)| l.title == "Unusual now").unwrap();
        assert!(read);
        list.items.iter().map(|i| i.what.clone()).collect::<Vec<_>>()
    };
    // The demo's rooms as busy as last week: only the Lambda function.
    let before = unusual_list(&m);
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(before[0].starts_with("ERR ×"), "{before:?}");

    // One API stage's 5XX at 40 against 1 last week (×40, above the
    // function's ×22), one ECS service's CPU at 90% against 30% (×3).
    let DataMsg::Loaded { account, region, fetched_at, payload: Payload::ApiGateway(mut d) } = demo.loaded(ServiceKind::ApiGateway, now) else {
        panic!()
    };
    let (ai, si) = d
        .apis
        .iter()
        .enumerate()
        .find_map(|(i, a)| a.stages.iter().position(|s| s.metrics.week_ago.is_some() && s.metrics.requests > Some(100.0)).map(|j| (i, j)))
        .unwrap();
    let api_id = d.apis[ai].id.clone();
    let stage_name = format!("{}/{}", d.apis[ai].name, d.apis[ai].stages[si].name);
    let s = &mut d.apis[ai].stages[si].metrics;
    s.errors_5xx = Some(40.0);
    let w = s.week_ago.as_mut().unwrap();
    w.errors_5xx = 1.0;
    w.requests = s.requests.unwrap();
    update(&mut m, Msg::Data(DataMsg::Loaded { account, region, fetched_at, payload: Payload::ApiGateway(d) }));
    let DataMsg::Loaded { account, region, fetched_at, payload: Payload::Ecs(mut d) } = demo.loaded(ServiceKind::Ecs, now) else {
        panic!()
    };
    let (ci, vi) = d
        .clusters
        .iter()
        .enumerate()
        .find_map(|(i, c)| c.services.iter().position(|s| s.week_ago.is_some() && s.cpu_pct.is_some()).map(|j| (i, j)))
        .unwrap();
    let (cluster, service) = (d.clusters[ci].name.clone(), d.clusters[ci].services[vi].name.clone());
    let s = &mut d.clusters[ci].services[vi];
    s.cpu_pct = Some(90.0);
    s.week_ago.as_mut().unwrap().cpu_pct = Some(30.0);
    s.week_ago.as_mut().unwrap().memory_pct = s.memory_pct;
    update(&mut m, Msg::Data(DataMsg::Loaded { account, region, fetched_at, payload: Payload::Ecs(d) }));
    // An EMR cluster's queue at 12 against 1 (×12), a Lightsail
    // instance's CPU at 70% against 10% (×7).
    let DataMsg::Loaded { account, region, fetched_at, payload: Payload::Emr(mut d) } = demo.loaded(ServiceKind::Emr, now) else {
        panic!()
    };
    let e = d.clusters.iter().position(|c| c.active() && c.metrics.week_ago.is_some()).unwrap();
    let emr_id = d.clusters[e].id.clone();
    let c = &mut d.clusters[e].metrics;
    c.apps_pending = Some(12.0);
    c.week_ago.as_mut().unwrap().apps_pending = Some(1.0);
    c.week_ago.as_mut().unwrap().apps_running = c.apps_running;
    update(&mut m, Msg::Data(DataMsg::Loaded { account, region, fetched_at, payload: Payload::Emr(d) }));
    let DataMsg::Loaded { account, region, fetched_at, payload: Payload::Lightsail(mut d) } = demo.loaded(ServiceKind::Lightsail, now) else {
        panic!()
    };
    let l = d.instances.iter().position(|i| i.metrics.week_ago.is_some() && i.metrics.cpu_pct.is_some()).unwrap();
    let instance = d.instances[l].name.clone();
    d.instances[l].metrics.cpu_pct = Some(70.0);
    d.instances[l].metrics.week_ago.as_mut().unwrap().cpu_pct = Some(10.0);
    update(&mut m, Msg::Data(DataMsg::Loaded { account, region, fetched_at, payload: Payload::Lightsail(d) }));

    let pages = awstop::app::overview::pages(&m);
    let (list, _) = pages[0].across.iter().find(|(l, _)| l.title == "Unusual now").unwrap();
    let named: Vec<(&str, &str)> = list.items.iter().map(|i| (i.name.as_str(), i.what.as_str())).collect();
    assert_eq!(named.len(), 5, "{named:?}");
    assert_eq!(named[0], (stage_name.as_str(), "5XX ×40"), "{named:?}");
    assert_eq!(named[1].1, before[0], "{named:?}");
    assert_eq!(named[2].1, "PEND ×12", "{named:?}");
    assert_eq!(named[3], (instance.as_str(), "CPU ×7"), "{named:?}");
    assert_eq!(named[4], (format!("{cluster}/{service}").as_str(), "CPU ×3"), "{named:?}");

    // Enter on each opens the resource.
    let first = awstop::app::overview::first_item(&m, 0);
    let rooms: usize = pages[0].rooms.iter().flat_map(|(_, ls)| ls).map(|l| l.items.len()).sum();
    assert_eq!(first, 0);
    let go = |m: &mut awstop::app::model::Model, n: usize| {
        act(m, &[Pane(Pane::Overview), Top]);
        act(m, &vec![Down; rooms + n]);
        act(m, &[Enter]);
    };
    go(&mut m, 0);
    assert_eq!(m.ui.pane, Pane::Room(ServiceKind::ApiGateway));
    let View::Room(RoomView::ApiGateway(apigateway::View::Api { id, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    assert_eq!(id, api_id);
    go(&mut m, 2);
    let View::Room(RoomView::Emr(emr::View::Cluster { id, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    assert_eq!(id, emr_id);
    go(&mut m, 3);
    let View::Room(RoomView::Lightsail(lightsail::View::Instance { name, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    assert_eq!(name, instance);
    go(&mut m, 4);
    let View::Room(RoomView::Ecs(ecs::View::Tasks { cluster: c, service: s, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    assert_eq!((c, s), (cluster, service));
}

