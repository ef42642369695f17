//! A refresh redoes only what it can change: the rooms it did not touch keep
//! their prices, suspects and row orders, and what they read of each other
//! stays true whichever room refreshed last.

use awstop::app::msg::Msg;
use awstop::app::update;
use awstop::run::once_model;
use awstop::services::account_cost;
use awstop::services::{ApiGateway, Lambda, ServiceKind};
use awstop::source::clock::Clock;
use awstop::source::demo::DemoAccount;

/// Every route's function errors, as joined, against the function's own.
fn routes_agree(m: &awstop::app::Model) -> usize {
    let functions = &m.state::<Lambda>().functions;
    let mut checked = 0;
    for api in &m.state::<ApiGateway>().apis {
        for r in api.routes.iter().flatten() {
            let Some(name) = r.function.as_deref() else { continue };
            let f = functions
                .iter()
                .find(|f| f.name == name && *f.account == *api.account && f.region == api.region);
            assert_eq!(r.errors, f.and_then(|f| f.stats.errors), "route {} of {} → {name}", r.key, api.name);
            checked += 1;
        }
    }
    checked
}

#[test]
fn each_refresh_redoes_only_what_it_changed_and_agrees_with_a_full_pass() {
    let clock = Clock::frozen("2026-11-22T14:03:20Z".parse().unwrap());
    let demo = DemoAccount::new(42, 400, 60);
    let mut m = once_model(&demo, &clock);
    let t0 = clock.now();
    let order = [
        ServiceKind::Ecs,
        ServiceKind::ApiGateway,
        ServiceKind::Lambda,
        ServiceKind::Ecr,
        ServiceKind::Lambda,
        ServiceKind::ApiGateway,
        ServiceKind::Batch,
        ServiceKind::Lambda,
    ];
    let (mut suspects_seen, mut routes_seen) = (0, 0);
    for (i, kind) in order.into_iter().enumerate() {
        let gens: Vec<u64> = ServiceKind::ALL.iter().map(|k| m.data.gen_of(*k)).collect();
        update(&mut m, Msg::Data(demo.loaded(kind, t0 + chrono::Duration::seconds(60 * (i as i64 + 1)))));
        // Only the refreshed room and the rooms that joined it have new rows.
        for (k, was) in ServiceKind::ALL.iter().zip(&gens) {
            let joined = (*k == ServiceKind::Lambda && kind == ServiceKind::ApiGateway)
                || (*k == ServiceKind::ApiGateway && kind == ServiceKind::Lambda)
                || (*k == ServiceKind::Ecr && kind == ServiceKind::Ecs)
                || (*k == ServiceKind::Ecs && kind == ServiceKind::Ecr);
            let moved = m.data.gen_of(*k) != *was;
            assert_eq!(moved, *k == kind || joined, "{k:?}'s rows after a refresh of {kind:?}");
        }
        assert_eq!(
            m.data.burn,
            account_cost::account(&m.data.feeds, &m.data.settings),
            "the burn after a refresh of {kind:?}"
        );
        let kept = m.data.suspects.clone();
        m.data.refind_suspects(true, |_| true);
        assert_eq!(kept, m.data.suspects, "the suspects after a refresh of {kind:?}");
        suspects_seen += kept.len();
        routes_seen += routes_agree(&m);
    }
    assert!(suspects_seen > 0, "the demo's changes name no suspect: nothing was compared");
    assert!(routes_seen > 0, "the demo has no route to a function: nothing was compared");
    // Only the functions a route invokes are published for the routes.
    let published = m.data.feeds.board.function_errors.by_function.len();
    let routed = m.data.feeds.board.api_routes.by_function.len();
    assert!(published <= routed && published > 0, "{published} functions published for {routed} routed");
}
