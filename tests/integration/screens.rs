//! Every screen true at 80x24: details name their resource, the Overview
//! says what it leaves for the next page, help and footer keep every key,
//! the header keeps its shape, no figure is cut, long detail lists scroll.

use crate::common::*;
use awstop::app::keymap::Action::*;
use awstop::app::model::{Model, Pane, View};
use awstop::app::msg::{DataMsg, Msg};
use awstop::app::update;
use awstop::services::RoomView;

fn line(m: &Model, y: usize) -> String {
    screen(m).lines().nth(y).unwrap_or("").to_string()
}

/// The first line on screen that holds `needle`.
fn line_with(m: &Model, needle: &str) -> String {
    let s = screen(m);
    s.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{s}"))
        .to_string()
}

/// The pane title: the line under the header and the tabs.
fn title(m: &Model) -> String {
    line(m, 2)
}

#[test]
fn a_detail_is_titled_with_its_name_then_its_id() {
    use awstop::services::{apigateway, batch, emr, ApiGateway, Batch, Emr};
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(APIGW), Enter]);
    let View::Room(RoomView::ApiGateway(apigateway::View::Api { id })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let name = m.state::<ApiGateway>().api(&id).unwrap().name.clone();
    assert_ne!(name, id);
    assert!(
        title(&m).starts_with(&format!(" API {name} · {id}")),
        "{}",
        screen(&m)
    );
    // The breadcrumb names it too.
    assert!(line(&m, 1).contains(&format!("› {name}")), "{}", screen(&m));

    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(EMR), Enter]);
    let View::Room(RoomView::Emr(emr::View::Cluster { id })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let name = m.state::<Emr>().cluster(&id).unwrap().name.clone();
    assert!(
        title(&m).starts_with(&format!(" Cluster {name} · {id}")),
        "{}",
        screen(&m)
    );

    let mut m = demo_model(160, 48);
    act(&mut m, &[Pane(BATCH), Down, Enter, Enter]);
    let View::Room(RoomView::Batch(batch::View::Job { queue, id })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let name = m.state::<Batch>().job(&queue, &id).unwrap().name.clone();
    assert!(
        title(&m).starts_with(&format!(" Job {name} · {id}")),
        "{}",
        screen(&m)
    );
}

/// Words that read as figures cut short: `≈$33…`, `21.3k…`.
fn cut_figures(s: &str) -> Vec<String> {
    s.split([' ', '│', '(', ')'])
        .filter(|w| w.ends_with('…') && awstop::widgets::fit::numeric(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_overview_says_what_is_on_its_next_pages_and_turns_to_them() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(Pane::Overview)]);
    let first = screen(&m);
    let pages = awstop::app::overview::pages(&m);
    assert!(pages.len() > 1, "{first}");
    let lists =
        |p: &awstop::app::overview::Page| -> usize { p.rooms.iter().map(|(_, l)| l.len()).sum() };
    let rest: usize = pages[1..].iter().map(lists).sum();
    assert!(
        first.contains(&format!("+{rest} lists: j/k or PgDn")),
        "{first}"
    );
    // Every list is on some page, once.
    let all: usize = pages.iter().map(lists).sum();
    let expected: usize = awstop::services::ServiceKind::ALL
        .iter()
        .map(|k| {
            let cx = awstop::services::room::ListCtx {
                now: m.data.now,
                settings: &m.data.settings,
                limit: 1,
            };
            k.room().offenders(&m.data.feeds, &cx).len()
        })
        .sum();
    assert_eq!(all, expected);
    // PgDn shows the lists the first page left out, and says how to come back.
    act(&mut m, &[PageDown]);
    let second = screen(&m);
    assert_ne!(first, second);
    let title = pages[1]
        .rooms
        .iter()
        .flat_map(|(_, l)| l)
        .next()
        .unwrap()
        .title;
    assert!(second.contains(title), "{title}:\n{second}");
    assert!(second.contains("PgUp"), "{second}");
    act(&mut m, &[PageUp]);
    assert_eq!(screen(&m), first);
    // The summary lines drop a field rather than cut a figure or its unit.
    for w in [60u16, 80, 100, 120] {
        let mut m = demo_model(w, 24);
        act(&mut m, &[Pane(Pane::Overview)]);
        let s = screen(&m);
        for l in s.lines().skip(3).take(10) {
            assert!(!l.ends_with('…'), "{w}: {l}\n{s}");
        }
    }
}

#[test]
fn help_wraps_and_scrolls_and_the_footer_keeps_help_and_quit() {
    for (w, h) in [(80u16, 24u16), (160, 48), (60, 15), (100, 12)] {
        let mut m = demo_model(w, h);
        act(&mut m, &[Pane(LAMBDA), ToggleHelp]);
        let mut seen = String::new();
        let mut last = String::new();
        for _ in 0..40 {
            let s = screen(&m);
            seen.push_str(&s);
            if s == last {
                break;
            }
            last = s;
            act(&mut m, &[Down]);
        }
        // Every word of every help row was on screen, whole.
        let words: std::collections::HashSet<&str> =
            seen.split([' ', '│']).filter(|w| !w.is_empty()).collect();
        for (k, what) in awstop::app::keymap::help() {
            for word in k
                .split(' ')
                .chain(what.split(' '))
                .filter(|w| !w.is_empty())
            {
                assert!(
                    words.contains(word),
                    "{w}x{h}: {word:?} of {what:?}\n{seen}"
                );
            }
        }
        assert!(
            seen.contains("q:quit") && seen.contains("?:help"),
            "{w}x{h}"
        );
    }
    // The footer keeps ? and q at every width.
    for w in 24..200u16 {
        for path in [
            vec![Pane(LAMBDA)],
            vec![Pane(LAMBDA), Enter],
            vec![Pane(Pane::Overview)],
        ] {
            let mut m = demo_model(w, 24);
            act(&mut m, &path);
            let foot = line(&m, 23);
            assert!(
                foot.contains("?:help") && foot.contains("q:quit"),
                "{w}: {foot}"
            );
        }
    }
}

/// What the header shows: (burn, its month, every room's age, the caller).
fn shape(m: &Model) -> (bool, bool, bool) {
    let h = line(m, 0);
    (h.contains('≈'), h.contains("/mo"), h.contains(" λ "))
}

#[test]
fn the_header_keeps_its_shape_as_ages_and_rates_change() {
    let start = frozen().now();
    for w in 50..=200u16 {
        let mut m = demo_model(w, 24);
        let mut shapes = std::collections::BTreeSet::new();
        for step in 0..40i64 {
            let now = start + chrono::Duration::seconds(step * 97);
            update(&mut m, Msg::Tick(now));
            update(
                &mut m,
                Msg::Data(DataMsg::Api {
                    at: now,
                    // From none to a few hundred a minute: the header keeps
                    // room for up to 999 calls/min.
                    calls: [(
                        "lambda.ListFunctions".to_string(),
                        (step * step * 11) as u64,
                    )]
                    .into(),
                    metrics_requested: 0,
                    logs_bytes_scanned: 0,
                    latency_ms: Default::default(),
                }),
            );
            let s = shape(&m);
            // The burn is the last to go: nothing optional stays without it.
            assert!(s.0 || (!s.1 && !s.2), "{w}: {}", line(&m, 0));
            shapes.insert(s);
        }
        assert_eq!(shapes.len(), 1, "{w}: the header flaps between {shapes:?}");
    }
}

#[test]
fn no_figure_is_cut_at_80_columns() {
    for path in [
        vec![Pane(BATCH)],
        vec![Pane(EMR), Enter],
        vec![Pane(EMR), Down, Enter],
        vec![Pane(Pane::Overview)],
        vec![Pane(LIGHTSAIL), Down, Enter],
        vec![Pane(APIGW), Enter],
    ] {
        let mut m = demo_model(80, 24);
        act(&mut m, &path);
        let s = screen(&m);
        assert!(
            cut_figures(&s).is_empty(),
            "{path:?}: {:?}\n{s}",
            cut_figures(&s)
        );
    }
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(BATCH)]);
    let s = screen(&m);
    let spot = s.lines().find(|l| l.contains("spot-ce")).unwrap();
    assert!(
        spot.contains("/mo"),
        "the compute environment's price: {spot}"
    );
}

#[test]
fn a_long_detail_list_scrolls() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(ECR), Down, Enter, Enter]);
    let s = screen(&m);
    let head = title(&m);
    assert!(head.contains("rows 1-"), "{s}");
    let total: usize = head
        .split(" of ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{head}"));
    let findings = |s: &str| s.lines().filter(|l| l.contains("CVE-")).count();
    assert!(findings(&s) < total, "{s}");
    act(&mut m, &[Bottom]);
    let end = screen(&m);
    assert!(
        title_of(&end).contains(&format!("-{total} of {total}")),
        "{end}"
    );
    assert_ne!(s, end);
    act(&mut m, &[Top, PageDown]);
    assert!(!title(&m).contains("rows 1-"), "{}", screen(&m));
}

fn title_of(s: &str) -> String {
    s.lines().nth(2).unwrap_or("").to_string()
}

#[test]
fn the_live_tail_keeps_an_error_message_at_80_columns() {
    use awstop::services::lambda::coldstart::classify;
    let mut m = demo_model(80, 24);
    act(&mut m, &[Enter, ToggleTail]);
    let View::Room(RoomView::Lambda(awstop::services::lambda::View::Function { name })) =
        m.view().clone()
    else {
        panic!("{:?}", m.view())
    };
    let at = "2026-11-22T14:01:55.338Z".parse().unwrap();
    let text =
        "2026-11-22T14:01:55.338Z\t4ab8dc6d-1c2f-4f7e-9a55-0c6f3a1e9b21\tERROR\tInvalid order id";
    update(
        &mut m,
        Msg::Data(DataMsg::Tail {
            key: name,
            lines: vec![classify(at, text)],
        }),
    );
    let l = line_with(&m, "ERROR");
    assert!(l.contains("14:01:55 ! ERROR Invalid order id"), "{l}");
    assert!(!l.contains("4ab8dc6d") && !l.contains("2026-11-22T"), "{l}");
}

#[test]
fn figures_the_budget_leaves_unread_say_so() {
    use awstop::services::room::Registered;
    use awstop::services::Lambda;
    let mut m = demo_model(160, 48);
    act(&mut m, &[Pane(LAMBDA)]);
    let state = &mut Lambda::feed_mut(&mut m.data.feeds).state;
    state
        .totals
        .entry("us-east-1".into())
        .or_default()
        .invocations = 1.0;
    let n = state.functions.len();
    for f in state.functions.iter_mut().skip(n / 2) {
        f.stats.on_its_way();
    }
    m.data.data_gen += 1;
    act(&mut m, &[Top]);
    let t = title(&m);
    let budget = format!("(budget ${:.2}/h", m.data.settings.budget_usd_per_hour);
    assert!(
        t.contains(&format!("metrics {}/{n} {budget}", n - n / 2)),
        "{t}"
    );
    assert!(!t.contains("loading metrics"), "{t}");
    assert!(t.contains("--budget") && t.contains("--metrics all"), "{t}");
    // With every figure read, nothing is said.
    let mut m = demo_model(160, 48);
    act(&mut m, &[Pane(LAMBDA)]);
    assert!(!title(&m).contains("budget"), "{}", title(&m));
}

#[test]
fn five_minute_graphs_say_so_and_percentages_scale_to_a_hundred() {
    for path in [vec![Pane(LIGHTSAIL), Down, Enter], vec![Pane(EMR), Enter]] {
        let mut m = demo_model(160, 48);
        act(&mut m, &path);
        let s = screen(&m);
        assert!(s.contains("five-minute data"), "{s}");
        assert!(
            !s.contains("busiest minute") && !s.contains("a bar a minute"),
            "{s}"
        );
    }
    // lamp-shop's burst capacity peaks at a few percent: low bars, not full ones.
    let mut m = demo_model(160, 48);
    act(&mut m, &[Pane(LIGHTSAIL), Down, Enter]);
    let s = screen(&m);
    let (y, l) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("burst capacity %"))
        .unwrap_or_else(|| panic!("{s}"));
    let x = l.find("burst capacity %").unwrap();
    let x = l[..x].chars().count();
    let bars: String = s.lines().nth(y + 1).unwrap().chars().skip(x).collect();
    assert!(
        !bars.contains('█') && bars.trim().chars().count() > 0,
        "{bars:?}\n{s}"
    );
}

#[test]
fn an_age_column_sorts_by_age() {
    use awstop::services::{ecs, Ecs};
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(ECS), Bottom, Enter, Down, Enter]);
    let s = screen(&m);
    // The table opens youngest first, and its arrow says so.
    assert!(s.contains("AGE↑"), "{s}");
    let View::Room(RoomView::Ecs(ecs::View::Tasks { cluster, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    // The table's rows index the cluster's tasks.
    let ages = |m: &Model| -> Vec<chrono::Duration> {
        let c = m.state::<Ecs>().cluster(&cluster).unwrap();
        // Tasks not started yet have no age.
        m.ui.rows
            .iter()
            .filter_map(|i| {
                let t = &c.tasks[*i as usize];
                Some(m.data.now - t.stopped_at.or(t.started_at)?)
            })
            .collect()
    };
    let young = ages(&m);
    assert!(
        young.len() > 2 && young[0] < young[young.len() - 1],
        "{young:?}"
    );
    act(&mut m, &[SortReverse]);
    assert!(screen(&m).contains("AGE↓"));
    let old = ages(&m);
    assert!(
        old[0] > old[old.len() - 1],
        "AGE↓ is the oldest first: {old:?}"
    );
}

#[test]
fn the_free_tier_line_says_how_many_times_over() {
    let mut m = demo_model(160, 48);
    act(&mut m, &[Pane(Pane::Overview)]);
    let l = line_with(&m, "free tier");
    assert!(l.contains("× the 1.0M free requests"), "{l}");
    assert!(!l.contains("M of 1.0M"), "{l}");
}

#[test]
fn an_ambiguous_command_lists_its_candidates_and_tab_completes() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[StartCommand]);
    typed(&mut m, "e");
    let foot = line(&m, 23);
    for c in [":ecs", ":eks", ":ecr", ":emr"] {
        assert!(foot.contains(c), "{foot}");
    }
    act(&mut m, &[Submit]);
    assert_eq!(
        m.ui.pane,
        Pane::Room(awstop::services::ServiceKind::Lambda),
        "`:e` goes nowhere"
    );
    assert!(m
        .ui
        .message
        .as_deref()
        .is_some_and(|s| s.contains(":ecs") && s.contains(":emr")));
    for (typed_text, pane) in [
        ("l", None),
        ("li", Some(LIGHTSAIL)),
        ("la", Some(LAMBDA)),
        ("em", Some(EMR)),
    ] {
        let mut m = demo_model(80, 24);
        act(&mut m, &[Pane(Pane::Overview), StartCommand]);
        typed(&mut m, typed_text);
        act(&mut m, &[Submit]);
        assert_eq!(m.ui.pane, pane.unwrap_or(Pane::Overview), ":{typed_text}");
    }
    let mut m = demo_model(80, 24);
    act(&mut m, &[StartCommand]);
    typed(&mut m, "li");
    act(&mut m, &[Complete]);
    assert_eq!(m.ui.input, "lightsail");
}
