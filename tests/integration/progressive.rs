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
        package_type: "Zip".into(),
        log_group: format!("/aws/lambda/{name}"),
        stats,
        mappings: Some(vec![]),
        ..Default::default()
    }
}

fn loaded(functions: Vec<Function>) -> Msg {
    Msg::Data(DataMsg::Loaded {
        region: "us-east-1".into(),
        fetched_at: frozen().now(),
        payload: Lambda::wrap(LambdaData {
            functions,
            totals: None,
            percentile: None,
            budget: None,
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
async fn api_gateway_sends_its_apis_before_their_metrics() {
    use awstop::services::apigateway::ApiGatewayData;
    use awstop::services::live::{Live, RegionClients};
    use awstop::services::msg::SourceCmd;
    use awstop::services::{ApiGateway, ServiceKind};
    let region = RegionClients::new("eu-west-1", crate::shared_calls::cloudwatch(Default::default()))
        .with::<ApiGateway>(crate::budget::apis());
    let opts = awstop::services::live::Options {
        metrics_all: false,
        ..crate::common::mock_options()
    };
    let live = Live::from_clients(opts, vec![region], crate::budget::sts());
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    cmd_tx
        .send(SourceCmd::Visible {
            service: ServiceKind::ApiGateway,
            keys: vec!["a1".into(), "a2".into()],
        })
        .await
        .unwrap();
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    let mut sent: Vec<ApiGatewayData> = Vec::new();
    while sent.len() < 2 {
        let m = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
            .await
            .expect("API Gateway data within 30 s")
            .expect("the source is running");
        if let DataMsg::Loaded { payload, .. } = m {
            if let Some(d) = ApiGateway::payload(payload) {
                sent.push(d);
            }
        }
    }
    source.abort();
    let stages = |d: &ApiGatewayData| d.apis.iter().flat_map(|a| a.stages.clone()).collect::<Vec<_>>();
    // First the APIs, every stage's figures on their way, none said to be 0.
    assert_eq!(sent[0].apis.len(), 2);
    assert!(stages(&sent[0]).iter().all(|s| s.metrics.pending && s.metrics.requests.is_none()));
    // Then their metrics.
    assert!(stages(&sent[1]).iter().all(|s| !s.metrics.pending && s.metrics.requests == Some(7.0)));

    // On screen: `…` and what is loading, then the numbers.
    let mut m = awstop::app::model::Model::with_settings(
        awstop::app::model::SourceLabel::Live,
        frozen().now(),
        awstop::services::Settings::default(),
    );
    update(&mut m, Msg::Resize { width: 160, height: 30 });
    act(&mut m, &[awstop::app::keymap::Action::Pane(APIGW)]);
    let load = |d: ApiGatewayData| {
        Msg::Data(DataMsg::Loaded {
            region: "eu-west-1".into(),
            fetched_at: frozen().now(),
            payload: ApiGateway::wrap(d),
        })
    };
    update(&mut m, load(sent[0].clone()));
    let s = screen(&m);
    assert!(s.contains("loading stage metrics 0/2"), "{s}");
    assert!(row(&s, "shown").matches('…').count() >= 6, "{s}");
    update(&mut m, load(sent[1].clone()));
    let s = screen(&m);
    assert!(!s.contains("loading") && !row(&s, "shown").contains('…'), "{s}");
    assert!(row(&s, "shown").contains(" 7 "), "{s}");
}
