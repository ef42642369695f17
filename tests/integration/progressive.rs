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
