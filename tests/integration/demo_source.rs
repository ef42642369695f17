//! The demo source as the dashboard runs it: numbers for every function, the
//! per-minute history only for the rows on screen, as the live source fetches it.

use std::time::Duration;

use awstop::app::msg::{DataMsg, Payload};
use awstop::services::lambda::Function;
use awstop::services::ServiceKind;
use awstop::source::clock::Clock;
use awstop::source::demo::{self, DemoAccount};
use awstop::source::SourceCmd;
use tokio::sync::mpsc;

async fn next_lambda(rx: &mut mpsc::Receiver<DataMsg>) -> Vec<Function> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("no Lambda refresh in 20 s")
            .expect("the demo hung up");
        if let DataMsg::Loaded {
            payload: Payload::Lambda(d),
            ..
        } = msg
        {
            return d.functions;
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn history_follows_the_rows_on_screen() {
    let clock = Clock::frozen("2026-11-22T14:03:20Z".parse().unwrap());
    let (tx, mut rx) = mpsc::channel(16);
    let (cmd_tx, cmd_rx) = mpsc::channel(16);
    tokio::spawn(demo::run(DemoAccount::new(42, 3000, 60), clock, tx, cmd_rx));

    // Before the screen says what it shows: numbers for all, history for none.
    let first = next_lambda(&mut rx).await;
    assert_eq!(first.len(), 3000);
    assert!(first
        .iter()
        .all(|f| f.stats.invocations.is_some() && f.stats.cold.is_some()));
    assert!(first
        .iter()
        .all(|f| f.stats.series.is_none() && f.stats.cold.as_ref().unwrap().recent.is_empty()));

    // A function's own view asks for that one function: its history follows at
    // once, not a minute later.
    cmd_tx
        .send(SourceCmd::Visible {
            service: ServiceKind::Lambda,
            keys: vec!["orders-api".into()],
        })
        .await
        .unwrap();
    let t = std::time::Instant::now();
    let second = next_lambda(&mut rx).await;
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    for f in &second {
        assert_eq!(
            f.stats.series.is_some(),
            f.name == "orders-api",
            "{}",
            f.name
        );
    }
    let orders = second.iter().find(|f| f.name == "orders-api").unwrap();
    assert_eq!(
        orders.stats.series.as_ref().unwrap().invocations.0.len(),
        60
    );

    // Scrolling a list (rows show numbers, which all have) costs no extra refresh...
    let on_screen = ["orders-api", "report-builder-0042"];
    cmd_tx
        .send(SourceCmd::Visible {
            service: ServiceKind::Lambda,
            keys: on_screen.iter().map(|s| s.to_string()).collect(),
        })
        .await
        .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(1500), next_lambda(&mut rx))
            .await
            .is_err(),
        "a list scroll refreshed Lambda"
    );
    // ...and the next refresh carries the history of the rows then on screen.
    cmd_tx.send(SourceCmd::RefreshAll).await.unwrap();
    let second = next_lambda(&mut rx).await;
    for f in &second {
        let shown = on_screen.contains(&f.name.as_str());
        assert_eq!(f.stats.series.is_some(), shown, "{}", f.name);
        if !shown {
            assert!(
                f.stats.cold.as_ref().unwrap().recent.is_empty(),
                "{}",
                f.name
            );
        }
    }
    for n in on_screen {
        let c = second
            .iter()
            .find(|f| f.name == n)
            .unwrap()
            .stats
            .cold
            .clone()
            .unwrap();
        assert_eq!(c.recent.len() as u64, c.count.min(10), "{n}");
    }
    assert!(
        on_screen.iter().any(|n| second
            .iter()
            .any(|f| f.name == *n && f.stats.cold.as_ref().unwrap().count > 0)),
        "no cold starts on screen, so recent was not tested"
    );
    // The same numbers as the full account at the same moment: only history was left out.
    let full = DemoAccount::new(42, 3000, 60).loaded(
        awstop::app::msg::ServiceKind::Lambda,
        "2026-11-22T14:03:20Z".parse().unwrap(),
    );
    let DataMsg::Loaded {
        payload: Payload::Lambda(full),
        ..
    } = full
    else {
        panic!()
    };
    let pick = |v: &[Function], n: &str| {
        v.iter().find(|f| f.name == n).map(|f| {
            (
                f.stats.invocations,
                f.stats.errors,
                f.stats
                    .cold
                    .as_ref()
                    .map(|c| (c.count, c.records, c.init_p50_ms)),
            )
        })
    };
    for n in ["pdf-render-0003", "orders-api"] {
        assert_eq!(pick(&second, n), pick(&full.functions, n), "{n}");
    }
}

/// Opening a function (Enter, or a jump from an API route) asks for it and
/// its policy (`open:NAME`): the detail is whole at once, its history, its
/// policy and its last cold starts, not after the next minute's refresh.
#[tokio::test(flavor = "current_thread")]
async fn an_opened_function_is_complete_at_once() {
    let clock = Clock::frozen("2026-11-22T14:03:20Z".parse().unwrap());
    let (tx, mut rx) = mpsc::channel(16);
    let (cmd_tx, cmd_rx) = mpsc::channel(16);
    tokio::spawn(demo::run(DemoAccount::new(42, 40, 60), clock, tx, cmd_rx));
    let first = next_lambda(&mut rx).await;
    assert!(first
        .iter()
        .all(|f| f.stats.series.is_none() && f.invokers.is_none()));

    for name in ["report-builder", "image-resize"] {
        cmd_tx
            .send(SourceCmd::Visible {
                service: ServiceKind::Lambda,
                keys: vec![
                    name.into(),
                    awstop::services::lambda::triggers::opened(name),
                ],
            })
            .await
            .unwrap();
        let t = std::time::Instant::now();
        let fns = next_lambda(&mut rx).await;
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{name}: {:?}",
            t.elapsed()
        );
        let f = fns.iter().find(|f| f.name == name).unwrap();
        assert_eq!(
            f.stats.series.as_ref().map(|s| s.invocations.0.len()),
            Some(60),
            "{name}"
        );
        assert!(f.invokers.is_some(), "{name}: the policy was not read");
        let c = f.stats.cold.as_ref().unwrap();
        assert!(c.count > 0, "{name} has cold starts to list");
        assert_eq!(c.recent.len() as u64, c.count.min(10), "{name}");
    }
}

/// A live tail that stops leaves the detail to say what it saw: the room
/// refreshes at once, so the cold starts the tail showed are counted.
#[tokio::test(flavor = "current_thread")]
async fn a_stopped_tail_refreshes_the_detail_at_once() {
    let clock = Clock::frozen("2026-11-22T14:03:20Z".parse().unwrap());
    let (tx, mut rx) = mpsc::channel(16);
    let (cmd_tx, cmd_rx) = mpsc::channel(16);
    tokio::spawn(demo::run(DemoAccount::new(42, 40, 60), clock, tx, cmd_rx));
    next_lambda(&mut rx).await;
    let target = awstop::services::msg::TailTarget {
        service: ServiceKind::Lambda,
        key: "image-resize".into(),
        account: String::new(),
        region: demo::REGION.into(),
        log_group: "/aws/lambda/image-resize".into(),
    };
    cmd_tx.send(SourceCmd::Tail(Some(target))).await.unwrap();
    // A tick of the tail, then stop it.
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        if matches!(msg, DataMsg::Tail { .. }) {
            break;
        }
    }
    cmd_tx.send(SourceCmd::Tail(None)).await.unwrap();
    let t = std::time::Instant::now();
    next_lambda(&mut rx).await;
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}
