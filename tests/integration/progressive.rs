//! The first read of an account arrives in steps: the rows as soon as the
//! list answers, then the metrics of the rows on screen, then their cold
//! starts. What has not arrived is `…`, never `-` or 0, and the pane says
//! what it is still loading.

use awstop::app::msg::{DataMsg, Msg};
use awstop::app::update;
use awstop::services::lambda::{Function, FunctionStats, LambdaData};
use awstop::services::room::Registered;
use awstop::services::Lambda;

use crate::common::*;

fn function(name: &str, stats: FunctionStats) -> Function {
    Function {
        name: name.into(),
        region: "us-east-1".into(),
        memory_mb: 128,
        timeout_s: 3,
        architecture: "x86_64".into(),
        config: awstop::services::lambda::Config::new(awstop::services::lambda::FunctionConfig {
            package_type: "Zip".into(),
            log_group: format!("/aws/lambda/{name}"),
            ..Default::default()
        }),
        stats,
        mappings: Some(vec![]),
        ..Default::default()
    }
}

fn loaded(functions: Vec<Function>) -> Msg {
    Msg::Data(DataMsg::Loaded {
        account: Default::default(),
        region: "us-east-1".into(),
        fetched_at: frozen().now(),
        payload: Lambda::wrap(LambdaData {
            functions,
            totals: None,
            percentile: None,
            budget: None,
            listing: false,
            digest: Default::default(),
        }),
    })
}

fn pending() -> FunctionStats {
    FunctionStats {
        pending: true,
        cold_pending: true,
        ..Default::default()
    }
}

fn read(invocations: f64, cold_read: bool) -> FunctionStats {
    FunctionStats {
        invocations: Some(invocations),
        errors: Some(0.0),
        throttles: Some(0.0),
        cold_pending: !cold_read,
        cold: cold_read.then(Default::default),
        ..Default::default()
    }
}

fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no {name}:\n{screen}"))
}

#[test]
fn rows_first_then_their_numbers_and_the_pane_says_what_is_on_its_way() {
    let mut m = awstop::app::model::Model::with_settings(
        awstop::app::model::SourceLabel::Live,
        frozen().now(),
        awstop::services::Settings::default(),
    );
    update(
        &mut m,
        Msg::Resize {
            width: 160,
            height: 30,
        },
    );
    act(&mut m, &[awstop::app::keymap::Action::Pane(LAMBDA)]);
    let names = ["alpha", "bravo", "charlie"];
    update(
        &mut m,
        loaded(names.iter().map(|n| function(n, pending())).collect()),
    );
    let s = screen(&m);
    assert!(s.contains("loading metrics 0/3 · cold starts 0/3"), "{s}");
    for n in names {
        let r = row(&s, n);
        // Every metric on its way; nothing said to be zero.
        assert!(r.matches('…').count() >= 12 && !r.contains(" 0 "), "{r}");
    }
    // The rows on screen: metrics first, their cold starts still to come.
    update(
        &mut m,
        loaded(vec![
            function("alpha", read(12.0, false)),
            function("bravo", read(7.0, false)),
            function("charlie", pending()),
        ]),
    );
    let s = screen(&m);
    assert!(s.contains("loading metrics 2/3 · cold starts 0/3"), "{s}");
    let alpha = row(&s, "alpha");
    assert!(
        alpha.contains("12") && alpha.contains('…'),
        "numbers, and cold starts on their way: {alpha}"
    );
    // Everything read: no more markers, nothing said to be loading.
    update(
        &mut m,
        loaded(names.iter().map(|n| function(n, read(3.0, true))).collect()),
    );
    let s = screen(&m);
    assert!(!s.contains("loading metrics"), "{s}");
    for n in names {
        assert!(!row(&s, n).contains('…'), "{s}");
    }
}

#[tokio::test(start_paused = true)]
async fn lambda_sends_its_cold_starts_before_the_percentile_and_keeps_the_totals_meanwhile() {
    use crate::budget::name;
    let shown = [name(0), name(1)];
    let sent = first::<Lambda>(
        4,
        |r| r.with::<Lambda>(crate::budget::functions(3)),
        &[&shown[0], &shown[1]],
    )
    .await;
    let on_screen = |d: &LambdaData| -> Vec<FunctionStats> {
        d.functions
            .iter()
            .filter(|f| shown.contains(&f.name.to_string()))
            .map(|f| f.stats.clone())
            .collect()
    };
    // The rows, nothing read.
    assert!(
        on_screen(&sent[0])
            .iter()
            .all(|s| s.pending && s.invocations.is_none()),
        "{:?}",
        sent[0]
    );
    // Their metrics, without the percentile, cold starts on their way.
    assert!(
        on_screen(&sent[1])
            .iter()
            .all(|s| s.invocations == Some(7.0) && s.pct_pending && s.cold_pending),
        "{:?}",
        sent[1]
    );
    assert!(sent[1].totals.is_some());
    // Their cold starts, before the percentile is asked; the numbers and the
    // account totals already on screen stay.
    assert!(
        on_screen(&sent[2]).iter().all(|s| s.cold.is_some()
            && !s.cold_pending
            && s.pct_pending
            && s.invocations == Some(7.0)),
        "{:?}",
        sent[2]
    );
    assert_eq!(sent[2].totals, sent[1].totals);
    // The event source mappings, read beside the first numbers, are in by then.
    assert!(sent[2].functions.iter().all(|f| f.mappings.is_some()));
    // Then the percentile.
    assert!(
        on_screen(&sent[3])
            .iter()
            .all(|s| s.duration_pct_ms == Some(7.0) && !s.pct_pending && s.cold.is_some()),
        "{:?}",
        sent[3]
    );
    // The row off screen is left to the sweep throughout.
    assert!(sent.iter().all(|d| d
        .functions
        .iter()
        .any(|f| f.name == name(2) && f.stats.pending)));
}

#[tokio::test(start_paused = true)]
async fn api_gateway_sends_its_apis_before_their_metrics() {
    use awstop::services::apigateway::ApiGatewayData;
    use awstop::services::ApiGateway;
    let sent = first_two::<ApiGateway>(
        |r| r.with::<ApiGateway>(crate::budget::apis()),
        &["a1", "a2"],
    )
    .await;
    let stages = |d: &ApiGatewayData| {
        d.apis
            .iter()
            .flat_map(|a| a.stages.clone())
            .collect::<Vec<_>>()
    };
    // First the APIs, every stage's figures on their way, none said to be 0.
    assert_eq!(sent[0].apis.len(), 2);
    assert!(stages(&sent[0])
        .iter()
        .all(|s| s.metrics.pending && s.metrics.requests.is_none()));
    // Then their metrics.
    assert!(stages(&sent[1])
        .iter()
        .all(|s| !s.metrics.pending && s.metrics.requests == Some(7.0)));

    let (_, s) =
        loads_then_reads::<ApiGateway>(APIGW, &[], sent, "loading stage metrics 0/2", "shown", 6);
    assert!(row(&s, "shown").contains(" 7 "), "{s}");
}

/// The first two rows messages room `S` sends from a live source over mocked
/// clients, with `visible` on screen, every query answered 7.
async fn first_two<S: Registered>(
    with: impl FnOnce(awstop::services::live::RegionClients) -> awstop::services::live::RegionClients,
    visible: &[&str],
) -> Vec<S::Data> {
    first::<S>(2, with, visible).await
}

/// The first `n` rows messages, likewise.
async fn first<S: Registered>(
    n: usize,
    with: impl FnOnce(awstop::services::live::RegionClients) -> awstop::services::live::RegionClients,
    visible: &[&str],
) -> Vec<S::Data> {
    use awstop::services::live::{Live, RegionClients};
    use awstop::services::msg::SourceCmd;
    let region = with(RegionClients::new(
        "eu-west-1",
        crate::shared_calls::cloudwatch(Default::default()),
    ));
    let opts = awstop::services::live::Options {
        metrics_all: false,
        ..crate::common::mock_options()
    };
    let live = Live::from_clients(opts, vec![region], crate::budget::sts());
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    let keys = visible.iter().map(|k| k.to_string()).collect();
    cmd_tx
        .send(SourceCmd::Visible {
            service: S::KIND,
            keys,
        })
        .await
        .unwrap();
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    let mut sent = Vec::new();
    while sent.len() < n {
        let m = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{:?} data within 30 s", S::KIND))
            .expect("the source is running");
        if let DataMsg::Loaded { payload, .. } = m {
            if let Some(d) = S::payload(payload) {
                sent.push(d);
            }
        }
    }
    source.abort();
    sent
}

/// The screen at 160x30 in `pane` after each of `sent`, with `keys` pressed
/// after the first.
fn screens<S: Registered>(
    pane: awstop::app::model::Pane,
    keys: &[awstop::app::keymap::Action],
    sent: Vec<S::Data>,
) -> Vec<String> {
    let mut m = awstop::app::model::Model::with_settings(
        awstop::app::model::SourceLabel::Live,
        frozen().now(),
        awstop::services::Settings::default(),
    );
    update(
        &mut m,
        Msg::Resize {
            width: 160,
            height: 30,
        },
    );
    act(&mut m, &[awstop::app::keymap::Action::Pane(pane)]);
    let mut screens = Vec::new();
    for (i, d) in sent.into_iter().enumerate() {
        update(
            &mut m,
            Msg::Data(DataMsg::Loaded {
                account: Default::default(),
                region: "eu-west-1".into(),
                fetched_at: frozen().now(),
                payload: S::wrap(d),
            }),
        );
        if i == 0 {
            act(&mut m, keys);
        }
        screens.push(screen(&m));
    }
    screens
}

/// On screen at 160x30 in `pane` (and `keys` after the first message): the
/// first message shows `loading` and at least `dots` `…` in `key`'s row, the
/// second neither. Both screens, for more checks.
fn loads_then_reads<S: Registered>(
    pane: awstop::app::model::Pane,
    keys: &[awstop::app::keymap::Action],
    sent: Vec<S::Data>,
    loading: &str,
    key: &str,
    dots: usize,
) -> (String, String) {
    let screens = screens::<S>(pane, keys, sent);
    let (first, last) = (screens[0].clone(), screens[1].clone());
    assert!(first.contains(loading), "{first}");
    assert!(row(&first, key).matches('…').count() >= dots, "{first}");
    // The pane's title (the header's "N loading" counts the rooms this
    // test never feeds, and shows once they no longer fit one by one).
    let title = last.lines().nth(2).unwrap_or_default();
    assert!(
        !title.contains("loading") && !row(&last, key).contains('…'),
        "{last}"
    );
    (first, last)
}

#[tokio::test(start_paused = true)]
async fn eks_sends_its_clusters_before_their_metrics() {
    use awstop::services::Eks;
    let sent = first_two::<Eks>(|r| r.with::<Eks>(crate::shared_calls::eks()), &["prod"]).await;
    let m0 = &sent[0].clusters[0].metrics;
    assert!(m0.pending && m0.apiserver_5xx.is_none(), "{m0:?}");
    let m1 = &sent[1].clusters[0].metrics;
    assert!(!m1.pending && m1.apiserver_429 == Some(7.0), "{m1:?}");

    loads_then_reads::<Eks>(EKS, &[], sent, "loading cluster metrics 0/1", "prod", 4);
}

#[tokio::test(start_paused = true)]
async fn lightsail_sends_its_instances_before_the_metrics_of_those_on_screen() {
    use awstop::services::Lightsail;
    let sent = first_two::<Lightsail>(
        |r| r.with::<Lightsail>(crate::lightsail::lightsail_client()),
        &["wordpress-1"],
    )
    .await;
    let by = |d: &awstop::services::lightsail::LightsailData, n: &str| {
        d.instances
            .iter()
            .find(|i| i.name == n)
            .unwrap()
            .metrics
            .clone()
    };
    // On screen: on its way, then read. Off screen: neither.
    assert!(by(&sent[0], "wordpress-1").pending && by(&sent[0], "wordpress-1").cpu_pct.is_none());
    assert!(!by(&sent[0], "lamp-shop").pending);
    let wp = by(&sent[1], "wordpress-1");
    assert!(!wp.pending && wp.cpu_pct == Some(20.0), "{wp:?}");
    assert!(by(&sent[1], "lamp-shop").read_at.is_none());

    let (s, _) = loads_then_reads::<Lightsail>(
        LIGHTSAIL,
        &[],
        sent,
        "loading instance metrics 0/1",
        "wordpress-1",
        3,
    );
    assert!(!row(&s, "lamp-shop").contains('…'), "{s}");
}

/// One cluster, `web`, with one service and no tasks.
fn ecs() -> aws_sdk_ecs::Client {
    use aws_sdk_ecs::operation::*;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    let arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/web";
    let clusters = mock!(aws_sdk_ecs::Client::list_clusters).then_output(move || {
        list_clusters::ListClustersOutput::builder()
            .cluster_arns(arn)
            .build()
    });
    let describe = mock!(aws_sdk_ecs::Client::describe_clusters).then_output(move || {
        describe_clusters::DescribeClustersOutput::builder()
            .clusters(
                aws_sdk_ecs::types::Cluster::builder()
                    .cluster_arn(arn)
                    .cluster_name("web")
                    .status("ACTIVE")
                    .build(),
            )
            .build()
    });
    let services = mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
        list_services::ListServicesOutput::builder()
            .service_arns("arn:aws:ecs:eu-west-1:123456789012:service/web/checkout")
            .build()
    });
    let service = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        describe_services::DescribeServicesOutput::builder()
            .services(
                aws_sdk_ecs::types::Service::builder()
                    .service_name("checkout")
                    .status("ACTIVE")
                    .desired_count(1)
                    .build(),
            )
            .build()
    });
    let tasks = mock!(aws_sdk_ecs::Client::list_tasks)
        .then_output(|| list_tasks::ListTasksOutput::builder().build());
    let instances = mock!(aws_sdk_ecs::Client::list_container_instances)
        .then_output(|| list_container_instances::ListContainerInstancesOutput::builder().build());
    mock_client!(
        aws_sdk_ecs,
        RuleMode::MatchAny,
        [&clusters, &describe, &services, &service, &tasks, &instances]
    )
}

#[tokio::test(start_paused = true)]
async fn ecs_sends_its_services_before_their_metrics() {
    use awstop::services::Ecs;
    let sent = first_two::<Ecs>(|r| r.with::<Ecs>(ecs()), &[]).await;
    let s0 = &sent[0].clusters[0].services[0];
    assert!(s0.metrics_pending && s0.cpu_pct.is_none(), "{s0:?}");
    let s1 = &sent[1].clusters[0].services[0];
    assert!(
        !s1.metrics_pending && s1.cpu_pct == Some(7.0) && s1.memory_pct == Some(7.0),
        "{s1:?}"
    );

    let enter = [awstop::app::keymap::Action::Enter];
    let (_, s) = loads_then_reads::<Ecs>(
        ECS,
        &enter,
        sent,
        "loading service metrics 0/1",
        "checkout",
        2,
    );
    assert!(row(&s, "checkout").contains(" 7"), "{s}");
}

/// One active cluster, `etl`, waiting, with no groups or steps; no ended ones.
fn emr() -> aws_sdk_emr::Client {
    use aws_sdk_emr::operation::*;
    use aws_sdk_emr::types::*;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    let status = || {
        ClusterStatus::builder()
            .state(ClusterState::Waiting)
            .build()
    };
    let active = mock!(aws_sdk_emr::Client::list_clusters)
        .match_requests(|r| !r.cluster_states().contains(&ClusterState::Terminated))
        .then_output(move || {
            list_clusters::ListClustersOutput::builder()
                .clusters(
                    ClusterSummary::builder()
                        .id("j-ETL")
                        .name("etl")
                        .status(status())
                        .build(),
                )
                .build()
        });
    let ended = mock!(aws_sdk_emr::Client::list_clusters)
        .then_output(|| list_clusters::ListClustersOutput::builder().build());
    let describe = mock!(aws_sdk_emr::Client::describe_cluster).then_output(move || {
        describe_cluster::DescribeClusterOutput::builder()
            .cluster(
                Cluster::builder()
                    .id("j-ETL")
                    .name("etl")
                    .status(status())
                    .build(),
            )
            .build()
    });
    let groups = mock!(aws_sdk_emr::Client::list_instance_groups)
        .then_output(|| list_instance_groups::ListInstanceGroupsOutput::builder().build());
    let fleets = mock!(aws_sdk_emr::Client::list_instance_fleets)
        .then_output(|| list_instance_fleets::ListInstanceFleetsOutput::builder().build());
    let steps = mock!(aws_sdk_emr::Client::list_steps)
        .then_output(|| list_steps::ListStepsOutput::builder().build());
    mock_client!(
        aws_sdk_emr,
        RuleMode::MatchAny,
        [&active, &ended, &describe, &groups, &fleets, &steps]
    )
}

#[tokio::test(start_paused = true)]
async fn emr_sends_its_clusters_before_their_metrics() {
    use awstop::services::Emr;
    let sent = first_two::<Emr>(|r| r.with::<Emr>(emr()), &["j-ETL"]).await;
    let m0 = &sent[0].clusters[0].metrics;
    assert!(m0.pending && m0.apps_running.is_none(), "{m0:?}");
    let m1 = &sent[1].clusters[0].metrics;
    assert!(!m1.pending && m1.apps_running == Some(7.0), "{m1:?}");

    loads_then_reads::<Emr>(EMR, &[], sent, "loading cluster metrics 0/1", "etl", 3);
}

/// The rooms of Lambda's and ECS's Loaded messages in the order they reach
/// the dashboard, with `screen` the room it opens on: until Lambda has sent
/// its rows, their metrics and their cold starts, and ECS its services and
/// their metrics.
async fn arrivals(
    screen: Option<awstop::services::ServiceKind>,
) -> Vec<awstop::services::ServiceKind> {
    use crate::budget::name;
    use awstop::services::live::{Live, RegionClients};
    use awstop::services::msg::SourceCmd;
    use awstop::services::{Ecs, ServiceKind};
    let region = RegionClients::new(
        "eu-west-1",
        crate::shared_calls::cloudwatch(Default::default()),
    )
    .with::<Lambda>(crate::budget::functions(3))
    .with::<Ecs>(ecs());
    let opts = awstop::services::live::Options {
        metrics_all: false,
        screen,
        ..crate::common::mock_options()
    };
    let live = Live::from_clients(opts, vec![region], crate::budget::sts());
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    let keys = vec![name(0), name(1)];
    cmd_tx
        .send(SourceCmd::Visible {
            service: Lambda::KIND,
            keys,
        })
        .await
        .unwrap();
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    let mut order = Vec::new();
    let count = |o: &[ServiceKind], k: ServiceKind| o.iter().filter(|x| **x == k).count();
    while count(&order, ServiceKind::Lambda) < 3 || count(&order, ServiceKind::Ecs) < 2 {
        let m = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("Lambda and ECS data within 30 s: {order:?}"))
            .expect("the source is running");
        if let DataMsg::Loaded { payload, .. } = m {
            if matches!(payload.kind(), ServiceKind::Lambda | ServiceKind::Ecs) {
                order.push(payload.kind());
            }
        }
    }
    source.abort();
    order
}

#[tokio::test(start_paused = true)]
async fn the_room_on_screen_reads_first_and_the_others_start_after_its_first_figures() {
    use awstop::services::ServiceKind::{Ecs, Lambda as L};
    let first = |o: &[awstop::services::ServiceKind], k| o.iter().position(|x| *x == k).unwrap();
    let nth = |o: &[awstop::services::ServiceKind], k, n| {
        o.iter()
            .enumerate()
            .filter(|(_, x)| **x == k)
            .nth(n)
            .unwrap()
            .0
    };
    // Opened on Lambda: ECS lists nothing until the rows on screen have their
    // metrics and cold starts.
    let o = arrivals(Some(L)).await;
    assert!(first(&o, Ecs) > nth(&o, L, 2), "{o:?}");
    // Opened on ECS: Lambda waits for ECS's first refresh, metrics included.
    let o = arrivals(Some(Ecs)).await;
    assert!(first(&o, L) > nth(&o, Ecs, 1), "{o:?}");
    // On the Overview every room starts at once: ECS is in before Lambda's cold starts.
    let o = arrivals(None).await;
    assert!(first(&o, Ecs) < nth(&o, L, 2), "{o:?}");
}

#[tokio::test(start_paused = true)]
async fn lambda_shows_the_first_page_of_functions_while_the_rest_is_listed() {
    use crate::budget::name;
    let sent = first::<Lambda>(
        2,
        |r| r.with::<Lambda>(crate::budget::functions_in_pages(&[2, 1])),
        &[],
    )
    .await;
    // The first page, every number on its way, said to be only the first.
    let names = |d: &LambdaData| {
        d.functions
            .iter()
            .map(|f| f.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&sent[0]), [name(0), name(1)]);
    assert!(
        sent[0].listing
            && sent[0]
                .functions
                .iter()
                .all(|f| f.stats.pending && f.stats.cold_pending)
    );
    // Then the whole list.
    assert_eq!(names(&sent[1]), [name(0), name(1), name(2)]);
    assert!(!sent[1].listing);

    // On screen: the pane says more functions are coming, then no longer.
    let screens = screens::<Lambda>(LAMBDA, &[], sent);
    let s = &screens[0];
    assert!(
        s.contains("loading functions 2+ · metrics 0/2 · cold starts 0/2") && !s.contains(&name(2)),
        "{s}"
    );
    let s = &screens[1];
    assert!(
        s.contains("loading metrics 0/3 · cold starts 0/3") && !s.contains("functions 3+"),
        "{s}"
    );
    assert!(row(s, &name(2)).contains('…'), "{s}");
}
