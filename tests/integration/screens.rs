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
    let View::Room(RoomView::ApiGateway(apigateway::View::Api { at, id })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let name = m.state::<ApiGateway>().api(&at, &id).unwrap().name.clone();
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
    let View::Room(RoomView::Emr(emr::View::Cluster { at, id })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let name = m.state::<Emr>().cluster(&at, &id).unwrap().name.clone();
    assert!(
        title(&m).starts_with(&format!(" Cluster {name} · {id}")),
        "{}",
        screen(&m)
    );

    let mut m = demo_model(160, 48);
    act(&mut m, &[Pane(BATCH), Down, Enter, Enter]);
    let View::Room(RoomView::Batch(batch::View::Job { at, queue, id })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let name = m.state::<Batch>().job(&at, &queue, &id).unwrap().name.clone();
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
                    by_account: Default::default(),
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
    let View::Room(RoomView::Lambda(awstop::services::lambda::View::Function { name, .. })) =
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
        .entry(awstop::scope::Scope::region("us-east-1"))
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
    let View::Room(RoomView::Ecs(ecs::View::Tasks { at, cluster, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    // The table's rows index the cluster's tasks.
    let ages = |m: &Model| -> Vec<chrono::Duration> {
        let c = m.state::<Ecs>().cluster(&at, &cluster).unwrap();
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

/// A scrolled list's last line: "lines 1-4 of 13 · 9 more: j/PgDn".
fn list_status(s: &str) -> Option<String> {
    s.lines()
        .map(str::trim)
        .find(|l| l.starts_with("lines ") && l.contains(" of "))
        .map(str::to_string)
}

#[test]
fn a_function_s_cold_starts_scroll_under_their_title() {
    use awstop::services::{lambda, Lambda};
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(LAMBDA), Enter]);
    let View::Room(RoomView::Lambda(lambda::View::Function { at, name })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let f = m.state::<Lambda>().function(&at, &name).unwrap();
    let ids: Vec<String> = f.stats.cold.as_ref().unwrap().recent.iter().map(|e| e.request_id.clone()).collect();
    assert!(ids.len() > 4, "{ids:?}");
    let first = screen(&m);
    let status = list_status(&first).unwrap_or_else(|| panic!("nothing says more exist:\n{first}"));
    assert!(status.starts_with("lines 1-") && status.contains("more: j/PgDn"), "{status}");
    assert!(!first.contains(ids.last().unwrap().as_str()), "{first}");
    // Paging down shows every cold start, the title pinned above them.
    let mut seen = first.clone();
    for _ in 0..ids.len() {
        act(&mut m, &[PageDown]);
        let s = screen(&m);
        assert!(s.contains("Last cold starts"), "{s}");
        seen.push_str(&s);
    }
    for id in &ids {
        assert!(seen.contains(id.as_str()), "{id} never shown");
    }
    act(&mut m, &[Bottom]);
    let end = screen(&m);
    assert!(end.contains(ids.last().unwrap().as_str()), "{end}");
    assert!(list_status(&end).unwrap().contains("back: k/g"), "{end}");
    // Down at the end does nothing; the next Up moves at once.
    act(&mut m, &[Down]);
    assert_eq!(screen(&m), end);
    act(&mut m, &[Up]);
    assert!(!screen(&m).contains(ids.last().unwrap().as_str()), "{}", screen(&m));
    act(&mut m, &[Top]);
    assert_eq!(screen(&m), first);
    // With a live tail on, the movement keys scroll the tail, not the list.
    act(&mut m, &[ToggleTail]);
    let at = "2026-11-22T14:01:55Z".parse().unwrap();
    let lines = (0..40)
        .map(|i| awstop::services::lambda::coldstart::classify(at, &format!("line {i}")))
        .collect();
    update(&mut m, Msg::Data(DataMsg::Tail { key: name, lines }));
    act(&mut m, &[Up, Up]);
    assert_eq!(m.ui.tail_scroll, 2);
    assert_eq!(awstop::app::scroll::offset(&m), 0);
    assert!(screen(&m).contains("2 newer below"), "{}", screen(&m));
}

#[test]
fn a_task_with_more_containers_than_the_screen_scrolls_to_each() {
    use awstop::services::room::Registered;
    use awstop::services::{ecs, Ecs};
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(ECS), Bottom, Enter, Down, Enter, Enter]);
    let View::Room(RoomView::Ecs(ecs::View::Task { cluster, id, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let state = &mut Ecs::feed_mut(&mut m.data.feeds).state;
    let task = state
        .clusters
        .iter_mut()
        .find(|c| c.name == cluster)
        .and_then(|c| c.tasks.iter_mut().find(|t| t.id == id))
        .unwrap();
    let c0 = task.containers[0].clone();
    task.containers = (0..30)
        .map(|i| awstop::services::ecs::domain::Container { name: format!("sidecar-{i:02}").into(), ..c0.clone() })
        .collect();
    m.data.data_gen += 1;
    let first = screen(&m);
    assert!(first.contains("sidecar-00") && !first.contains("sidecar-29"), "{first}");
    assert!(list_status(&first).is_some_and(|s| s.contains("more: j/PgDn")), "{first}");
    act(&mut m, &[Bottom]);
    let end = screen(&m);
    assert!(end.contains("sidecar-29") && !end.contains("stop code"), "{end}");
    // The section's title stays above its lines.
    assert!(end.lines().any(|l| l == "Containers"), "{end}");
    act(&mut m, &[Top]);
    assert_eq!(screen(&m), first);
}

#[test]
fn a_node_group_s_health_issues_scroll() {
    use awstop::services::room::Registered;
    use awstop::services::{eks, Eks};
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(EKS), Down, Enter, Bottom, Enter]);
    let View::Room(RoomView::Eks(eks::View::Nodegroup { cluster, name, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let state = &mut Eks::feed_mut(&mut m.data.feeds).state;
    let n = state
        .clusters
        .iter_mut()
        .find(|c| c.name == cluster)
        .and_then(|c| c.nodegroups.iter_mut().find(|n| n.name == name))
        .unwrap();
    n.health_issues = (0..25).map(|i| format!("Ec2LaunchTemplateNotFound issue {i:02}")).collect();
    m.data.data_gen += 1;
    let first = screen(&m);
    assert!(!first.contains("issue 24"), "{first}");
    assert!(list_status(&first).is_some(), "{first}");
    act(&mut m, &[Bottom]);
    assert!(screen(&m).contains("! Ec2LaunchTemplateNotFound issue 24"), "{}", screen(&m));
}

#[test]
fn lists_beside_a_table_scroll_with_the_capitals_and_leave_its_cursor() {
    use awstop::services::room::Registered;
    use awstop::services::{apigateway, emr, lightsail, ApiGateway, Emr, Lightsail};
    // EMR: nine more task groups than the cluster had.
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(EMR), Enter]);
    let View::Room(RoomView::Emr(emr::View::Cluster { id, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let state = &mut Emr::feed_mut(&mut m.data.feeds).state;
    let c = state.clusters.iter_mut().find(|c| c.id == id).unwrap();
    let groups = c.groups.as_mut().unwrap();
    let g0 = groups[0].clone();
    groups.extend((0..9).map(|i| emr::domain::InstanceGroup { instance_type: format!("x{i}.big"), ..g0.clone() }));
    m.data.data_gen += 1;
    let first = screen(&m);
    assert!(list_status(&first).is_some_and(|s| s.contains("more: J")), "{first}");
    assert!(!first.contains("x8.big"), "{first}");
    for _ in 0..12 {
        act(&mut m, &[ListDown]);
    }
    let end = screen(&m);
    assert!(end.contains("x8.big") && end.contains("Instance groups"), "{end}");
    assert_eq!(m.table().unwrap().cursor, 0, "J leaves the steps' cursor");
    // j moves the steps' cursor and leaves the groups where they are.
    act(&mut m, &[Down]);
    assert_eq!(m.table().unwrap().cursor, 1);
    assert!(screen(&m).contains("x8.big"), "{}", screen(&m));
    act(&mut m, &[ListUp]);
    assert!(!screen(&m).contains("x8.big"), "{}", screen(&m));

    // API Gateway: every stage, not the busiest four.
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(APIGW), Enter]);
    let View::Room(RoomView::ApiGateway(apigateway::View::Api { id, .. })) = m.view().clone() else {
        panic!("{:?}", m.view())
    };
    let state = &mut ApiGateway::feed_mut(&mut m.data.feeds).state;
    let a = state.apis.iter_mut().find(|a| a.id == id).unwrap();
    let s0 = a.stages[0].clone();
    a.stages.extend((0..6).map(|i| apigateway::domain::Stage { name: format!("canary{i}"), ..s0.clone() }));
    m.data.data_gen += 1;
    let mut seen = screen(&m);
    assert!(list_status(&seen).is_some_and(|s| s.contains("more: J")), "{seen}");
    for _ in 0..8 {
        act(&mut m, &[ListDown]);
        seen.push_str(&screen(&m));
    }
    for i in 0..6 {
        assert!(seen.contains(&format!("canary{i}")), "canary{i} never shown");
    }

    // Lightsail: the container services below the instances.
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(LIGHTSAIL)]);
    let state = &mut Lightsail::feed_mut(&mut m.data.feeds).state;
    let c0 = state.container_services[0].clone();
    state.container_services = (0..12)
        .map(|i| lightsail::domain::ContainerService { name: format!("svc-{i:02}"), ..c0.clone() })
        .collect();
    m.data.data_gen += 1;
    let first = screen(&m);
    assert!(list_status(&first).is_some_and(|s| s.contains("more: J")), "{first}");
    for _ in 0..12 {
        act(&mut m, &[ListDown]);
    }
    assert!(screen(&m).contains("svc-11"), "{}", screen(&m));
    assert_eq!(m.table().unwrap().cursor, 0);

    // Batch: the compute environments below the queues, which keep their room.
    use awstop::services::{batch, Batch};
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(BATCH)]);
    let state = &mut Batch::feed_mut(&mut m.data.feeds).state;
    let c0 = state.compute_environments[1].clone();
    state.compute_environments.extend(
        (0..15).map(|i| batch::domain::ComputeEnvironment { name: format!("ce-{i:02}"), ..c0.clone() }),
    );
    m.data.data_gen += 1;
    let first = screen(&m);
    assert!(list_status(&first).is_some_and(|s| s.contains("more: J")), "{first}");
    let queues = m.state::<Batch>().queues.len();
    let queue_rows = first.lines().filter(|l| m.state::<Batch>().queues.iter().any(|q| l.starts_with(&q.name))).count();
    assert_eq!(queue_rows, queues, "{first}");
    for _ in 0..20 {
        act(&mut m, &[ListDown]);
    }
    assert!(screen(&m).contains("ce-14"), "{}", screen(&m));
}

#[test]
fn every_add_on_is_named_at_80_columns() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(EKS), Down, Enter]);
    let s = screen(&m);
    for a in ["vpc-cni", "coredns", "kube-proxy v1.34.0-eksbuild.1"] {
        assert!(s.contains(a), "{a}:\n{s}");
    }
}
