//! `update` without a terminal: sequences of messages in, Model out.

use crate::common::*;
use awstop::app::keymap::Action::*;
use awstop::app::model::{Mode, Model, Pane};
use awstop::app::msg::{DataMsg, Msg, ServiceKind};
use awstop::app::tables::row_key;
use awstop::app::update;
use awstop::services::lambda::coldstart::classify;
use awstop::services::msg::ApiError;
use awstop::services::{Batch, Lambda};
use awstop::source::demo::DemoAccount;

fn names(m: &Model) -> Vec<String> {
    m.ui.rows
        .iter()
        .map(|i| row_key(m, m.view(), *i).unwrap().to_string())
        .collect()
}

fn selected(m: &Model) -> Option<String> {
    m.table().and_then(|t| t.selected.as_ref().map(|r| r.key.clone()))
}

#[test]
fn lambda_is_the_first_pane_sorted_by_invocations() {
    let m = demo_model(80, 24);
    assert_eq!(m.ui.pane, LAMBDA);
    assert_eq!(m.ui.rows.len(), 40);
    let inv: Vec<f64> =
        m.ui.rows
            .iter()
            .map(|i| {
                m.state::<Lambda>().functions[*i as usize]
                    .stats
                    .invocations
                    .unwrap()
            })
            .collect();
    assert!(inv.windows(2).all(|w| w[0] >= w[1]), "{inv:?}");
}

#[test]
fn sort_by_name_and_reverse() {
    let mut m = demo_model(80, 24);
    // From INVOC back to NAME: three columns to the left.
    act(&mut m, &[SortPrev, SortPrev, SortPrev]);
    let n = names(&m);
    let mut sorted = n.clone();
    sorted.sort();
    assert_eq!(n, sorted);
    act(&mut m, &[SortReverse]);
    sorted.reverse();
    assert_eq!(names(&m), sorted);
}

#[test]
fn filter_is_live_and_escape_clears_it() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[StartFilter]);
    assert_eq!(m.ui.mode, Mode::Filter);
    typed(&mut m, "PAY");
    assert_eq!(names(&m), vec!["payments-webhook"]);
    act(&mut m, &[Submit]);
    assert_eq!(m.ui.mode, Mode::Normal);
    assert_eq!(names(&m), vec!["payments-webhook"]);
    // Filtering by runtime works too.
    act(&mut m, &[StartFilter, Backspace, Backspace, Backspace]);
    typed(&mut m, "java21");
    assert!(names(&m).len() >= 2);
    assert!(names(&m).contains(&"pricing-engine".to_string()));
    act(&mut m, &[Cancel]);
    assert_eq!(m.ui.rows.len(), 40);
    assert_eq!(m.table().unwrap().filter, "");
}

#[test]
fn selection_follows_the_row_across_refreshes() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[Down, Down, Down, Down, Down]);
    let key = selected(&m).unwrap();
    let before = m.table().unwrap().cursor;
    // Later, every number has moved; find a refresh that moves this row.
    let demo = DemoAccount::new(42, 40, 60);
    let t0 = m.data.now;
    let mut moved = false;
    for hours in 1..24 {
        update(
            &mut m,
            Msg::Data(demo.loaded(ServiceKind::Lambda, t0 + chrono::Duration::hours(hours))),
        );
        assert_eq!(selected(&m).as_deref(), Some(key.as_str()));
        let at = m.table().unwrap().cursor;
        assert_eq!(names(&m)[at], key);
        moved |= at != before;
    }
    assert!(
        moved,
        "no refresh moved the selected row, so nothing was tested"
    );
}

#[test]
fn drill_in_and_out_of_every_pane() {
    let mut m = demo_model(80, 24);
    let first = selected(&m).unwrap();
    act(&mut m, &[Enter]);
    assert_eq!(m.view(), &function(&first));
    act(&mut m, &[Back]);
    assert_eq!(m.view(), &functions());

    act(&mut m, &[Pane(ECS)]);
    assert_eq!(m.view(), &clusters());
    act(&mut m, &[Enter]);
    let Some(awstop::services::ecs::View::Services { cluster, .. }) = ecs_view(m.view()).cloned()
    else {
        panic!("{:?}", m.view())
    };
    assert_eq!(cluster, "jobs-ec2");
    act(&mut m, &[Enter]);
    assert!(
        matches!(ecs_view(m.view()), Some(awstop::services::ecs::View::Tasks { service, .. }) if service == "ingest")
    );
    assert!(!m.ui.rows.is_empty());
    act(&mut m, &[Enter]);
    assert!(matches!(
        ecs_view(m.view()),
        Some(awstop::services::ecs::View::Task { .. })
    ));
    act(&mut m, &[Back, Back, Back]);
    assert_eq!(m.view(), &clusters());
    act(&mut m, &[Back]);
    assert_eq!(m.view(), &clusters(), "Back at the root stays put");

    act(&mut m, &[Pane(BATCH), Enter]);
    assert_eq!(m.view(), &jobs("etl"));
    act(&mut m, &[Enter]);
    assert!(
        matches!(batch_view(m.view()), Some(awstop::services::batch::View::Job { queue, .. }) if queue == "etl")
    );
    // Each pane keeps its own place.
    act(&mut m, &[Pane(ECS)]);
    assert_eq!(m.view(), &clusters());
    act(&mut m, &[Pane(BATCH)]);
    assert!(matches!(
        batch_view(m.view()),
        Some(awstop::services::batch::View::Job { .. })
    ));
}

#[test]
fn jobs_status_filter_cycles_through_the_seven_states() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(BATCH), Down, Enter]);
    let all = m.ui.rows.len();
    act(&mut m, &[StatusNext, StatusNext, StatusNext]);
    let status = |m: &Model| -> Vec<String> {
        let q = m.state::<Batch>().queue(&awstop::scope::Scope::region(awstop::source::demo::REGION), "ml-training").unwrap();
        m.ui.rows
            .iter()
            .map(|i| q.jobs[*i as usize].status.clone())
            .collect()
    };
    let runnable = status(&m);
    assert!(!runnable.is_empty());
    assert!(runnable.iter().all(|s| *s == "RUNNABLE"), "{runnable:?}");
    act(&mut m, &[StatusPrev, StatusPrev, StatusPrev]);
    assert_eq!(m.ui.rows.len(), all);
    act(&mut m, &[StatusPrev]);
    let failed = status(&m);
    assert!(
        !failed.is_empty() && failed.iter().all(|s| s == "FAILED"),
        "{failed:?}"
    );
}

#[test]
fn panes_switch_by_number_tab_and_command() {
    let mut m = demo_model(80, 24);
    // Tab walks the rooms in the registry's order, then round to the
    // Overview; Shift-Tab walks them back.
    assert_eq!(m.ui.pane, Pane::Room(ServiceKind::ALL[0]));
    for k in &ServiceKind::ALL[1..] {
        act(&mut m, &[NextPane]);
        assert_eq!(m.ui.pane, Pane::Room(*k));
    }
    act(&mut m, &[NextPane]);
    assert_eq!(m.ui.pane, Pane::Overview);
    for k in ServiceKind::ALL.iter().rev() {
        act(&mut m, &[PrevPane]);
        assert_eq!(m.ui.pane, Pane::Room(*k));
    }
    act(&mut m, &[PrevPane]);
    assert_eq!(m.ui.pane, Pane::Overview);
    act(&mut m, &[PrevPane]);
    assert_eq!(m.ui.pane, Pane::Room(ServiceKind::ALL[ServiceKind::ALL.len() - 1]));
    assert_ne!(m.ui.pane, LAMBDA);
    act(&mut m, &[StartCommand]);
    typed(&mut m, "lambda");
    act(&mut m, &[Submit]);
    assert_eq!(m.ui.pane, LAMBDA);
    act(&mut m, &[StartCommand]);
    typed(&mut m, "nosuch");
    act(&mut m, &[Submit]);
    assert!(m
        .ui
        .message
        .as_deref()
        .unwrap()
        .contains("unknown command :nosuch"));
    assert!(!m.quit);
    act(&mut m, &[StartCommand]);
    typed(&mut m, "q");
    act(&mut m, &[Submit]);
    assert!(m.quit);
}

#[test]
fn paging_keeps_the_cursor_on_screen() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[PageDown, PageDown]);
    let st = m.table().unwrap();
    let page = (24 - awstop::app::update::CHROME_ROWS) as usize;
    assert_eq!(st.cursor, 2 * page);
    assert!(st.cursor >= st.offset && st.cursor < st.offset + page);
    act(&mut m, &[Bottom]);
    assert_eq!(m.table().unwrap().cursor, 39);
    act(&mut m, &[Top]);
    assert_eq!(m.table().unwrap().offset, 0);
}

#[test]
fn ticks_redraw_only_when_an_age_changes() {
    let mut m = demo_model(80, 24);
    m.dirty = false;
    let t0 = m.data.now;
    update(&mut m, Msg::Tick(t0 + chrono::Duration::seconds(3)));
    assert!(!m.dirty, "0s and 3s read the same");
    update(&mut m, Msg::Tick(t0 + chrono::Duration::seconds(12)));
    assert!(m.dirty);
}

#[test]
fn failures_keep_the_last_good_rows_and_say_why() {
    let mut m = demo_model(140, 24);
    let error = ApiError {
        service: "lambda".into(),
        account: Default::default(),
        region: "us-east-1".into(),
        operation: "ListFunctions".into(),
        message: "ThrottlingException: Rate exceeded".into(),
        kind: awstop::aws::ErrorKind::Throttled,
        retry_in_s: None,
        at: None,
    };
    update(
        &mut m,
        Msg::Data(DataMsg::Failed {
            service: ServiceKind::Lambda,
            error,
        }),
    );
    let later = m.data.now + chrono::Duration::minutes(3);
    update(&mut m, Msg::Tick(later));
    assert_eq!(m.ui.rows.len(), 40);
    let s = screen(&m);
    assert!(
        s.contains("! ListFunctions: ThrottlingException: Rate exceeded (last good data 3m ago)"),
        "{s}"
    );
    // A good load clears the error.
    let demo = DemoAccount::new(42, 40, 60);
    let now = m.data.now;
    update(&mut m, Msg::Data(demo.loaded(ServiceKind::Lambda, now)));
    assert!(!screen(&m).contains("ThrottlingException"));
}

#[test]
fn a_pane_without_data_says_loading_not_empty() {
    let mut m = Model::new(
        awstop::app::model::SourceLabel::Demo,
        FROZEN.parse().unwrap(),
    );
    update(
        &mut m,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let s = screen(&m);
    assert!(s.contains("loading Lambda…"), "{s}");
    assert!(!s.contains("NAME"));
}

#[test]
fn the_overview_keeps_a_space_after_every_room_not_read_yet() {
    let mut m = Model::new(
        awstop::app::model::SourceLabel::Demo,
        FROZEN.parse().unwrap(),
    );
    update(
        &mut m,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    act(&mut m, &[Pane(Pane::Overview)]);
    let s = screen(&m);
    // "Lightsail" is longer than the other labels: it must not run into the dash.
    for label in ["Lambda", "ECS", "Lightsail", "API GW"] {
        let line = s
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label}:\n{s}"));
        assert!(
            line[label.len()..].starts_with(' ') && line.contains(" -  loading…"),
            "{line}"
        );
    }
}

#[test]
fn every_view_draws_at_every_size_without_panicking() {
    let paths: Vec<Vec<awstop::app::keymap::Action>> = vec![
        vec![Pane(Pane::Overview)],
        vec![],
        vec![Enter],
        vec![Pane(ECS), Enter, Enter, Enter],
        vec![Pane(BATCH), Enter, Enter],
        vec![ToggleHelp],
        vec![StartFilter],
    ];
    for path in &paths {
        for w in [1u16, 2, 3, 7, 20, 41, 80, 133] {
            for h in [1u16, 2, 3, 5, 8, 24, 50] {
                let mut m = demo_model(w, h);
                act(&mut m, path);
                act(&mut m, &[Down, PageDown, Bottom]);
                let _ = screen(&m);
            }
        }
    }
}

#[test]
fn live_tail_starts_in_the_function_view_and_stops_when_leaving_it() {
    use awstop::app::msg::Cmd;
    let mut m = demo_model(80, 24);
    let cmds = update(&mut m, Msg::Action(ToggleTail));
    assert!(
        cmds.is_empty() && m.data.tail.is_none(),
        "no tail outside a function"
    );
    assert!(m.ui.message.as_deref().unwrap().contains("open a function"));

    let name = selected(&m).unwrap();
    act(&mut m, &[Enter]);
    let cmds = update(&mut m, Msg::Action(ToggleTail));
    let target = cmds.iter().find_map(|c| match c {
        Cmd::Tail(Some(t)) => Some(t.clone()),
        _ => None,
    });
    let target = target.expect("a tail command");
    assert_eq!(
        (target.key.as_str(), target.log_group.as_str()),
        (name.as_str(), format!("/aws/lambda/{name}").as_str())
    );
    let at = m.data.now;
    let lines = vec![
        classify(
            at,
            "REPORT RequestId: a\tDuration: 1.0 ms\tInit Duration: 300.0 ms",
        ),
        classify(at, "2026-11-22T14:00:00Z\tb\tERROR\tboom"),
    ];
    assert!(lines[0].cold && !lines[1].cold && lines[1].error);
    update(
        &mut m,
        Msg::Data(DataMsg::Tail {
            key: name.clone(),
            lines,
        }),
    );
    // Lines for another function are not this tail's.
    update(
        &mut m,
        Msg::Data(DataMsg::Tail {
            key: "other".into(),
            lines: vec![classify(at, "x")],
        }),
    );
    assert_eq!(m.data.tail.as_ref().unwrap().lines.len(), 2);
    let s = screen(&m);
    assert!(
        s.contains("Live tail (t stops)") && s.contains("* cold 1.0 ms  init 300 ms  a"),
        "{s}"
    );

    let cmds = update(&mut m, Msg::Action(Back));
    assert!(cmds.contains(&Cmd::Tail(None)));
    assert!(m.data.tail.is_none());
}

#[test]
fn refreshes_resort_and_ties_keep_name_order_however_rows_arrive() {
    use awstop::app::msg::Payload;
    let mut m = demo_model(80, 24);
    let demo = DemoAccount::new(42, 40, 60);
    let inv = |m: &Model| -> Vec<f64> {
        m.ui.rows
            .iter()
            .map(|i| {
                m.state::<Lambda>().functions[*i as usize]
                    .stats
                    .invocations
                    .unwrap()
            })
            .collect()
    };
    let before = inv(&m);
    // Moving the cursor reuses the row order; new numbers must still re-sort it.
    act(&mut m, &[Down, Up]);
    let later = demo.loaded(ServiceKind::Lambda, m.data.now + chrono::Duration::hours(5));
    update(&mut m, Msg::Data(later));
    let after = inv(&m);
    assert_ne!(
        before, after,
        "the refresh changed nothing, so nothing was tested"
    );
    assert!(after.windows(2).all(|w| w[0] >= w[1]), "{after:?}");

    // Rows delivered out of name order: MEM has many ties, broken by name both ways.
    let DataMsg::Loaded {
        region, account,
        fetched_at,
        payload: Payload::Lambda(mut d),
    } = demo.loaded(ServiceKind::Lambda, m.data.now + chrono::Duration::hours(3))
    else {
        panic!()
    };
    d.functions.reverse();
    act(&mut m, &[Down, Down, Down]);
    let chosen = selected(&m).unwrap();
    let cursor_before = m.table().unwrap().cursor;
    update(
        &mut m,
        Msg::Data(DataMsg::Loaded {
            account,
            region,
            fetched_at,
            payload: Payload::Lambda(d),
        }),
    );
    // The selection is found in rows that are not in name order too.
    assert_eq!(names(&m)[m.table().unwrap().cursor], chosen);
    assert_ne!(
        m.table().unwrap().cursor,
        cursor_before,
        "the row did not move, so the search was not tested"
    );
    act(&mut m, &[SortPrev]);
    let rows: Vec<(u32, String)> =
        m.ui.rows
            .iter()
            .map(|i| {
                let f = &m.state::<Lambda>().functions[*i as usize];
                (f.memory_mb, f.name.to_string())
            })
            .collect();
    let mut want = rows.clone();
    want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(rows, want);
    assert!(
        rows.windows(2).any(|w| w[0].0 == w[1].0),
        "no ties, so nothing was tested"
    );
    act(&mut m, &[SortReverse]);
    let reversed: Vec<String> = names(&m);
    want.reverse();
    assert_eq!(reversed, want.into_iter().map(|r| r.1).collect::<Vec<_>>());
}

#[test]
fn replaced_rows_wait_to_be_freed_but_never_pile_up() {
    let mut m = demo_model(80, 24);
    let demo = DemoAccount::new(42, 40, 60);
    let t0 = m.data.now;
    for minutes in 1..10 {
        update(
            &mut m,
            Msg::Data(demo.loaded(ServiceKind::Lambda, t0 + chrono::Duration::minutes(minutes))),
        );
        assert!(!m.data.retired.is_empty());
        assert!(m.data.retired.len() <= awstop::app::model::RETIRED_MAX);
    }
}

#[test]
fn what_rooms_show_of_each_other_holds_whatever_order_they_refresh_in() {
    // A refresh reruns only the joins that read the room it changed; a room
    // whose reads were not declared keeps the other room's old figures (or
    // none), and its section of the snapshot differs.
    let demo = DemoAccount::new(7, 60, 60);
    let t0: chrono::DateTime<chrono::Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
    let t1 = t0 + chrono::Duration::minutes(7);
    let kinds: Vec<ServiceKind> = ServiceKind::ALL.to_vec();
    let json_after = |loads: &[(ServiceKind, chrono::DateTime<chrono::Utc>)]| {
        let mut m = Model::new(awstop::app::model::SourceLabel::Demo, t1);
        update(&mut m, Msg::Data(DataMsg::Account(demo.account())));
        for (k, at) in loads {
            update(&mut m, Msg::Data(demo.loaded(*k, *at)));
        }
        // The snapshot and every table (the route table's function errors
        // are in no snapshot field). What changed is left out: a timeline
        // remembers what earlier reads saw, which a single read cannot
        // (checked below).
        let mut snap: serde_json::Value =
            serde_json::from_str(&awstop::once::json(&awstop::snapshot::from_model(&m, 60))).unwrap();
        let obj = snap.as_object_mut().unwrap();
        assert!(obj.remove("changes").is_some() && obj.remove("suspects").is_some());
        serde_json::to_string_pretty(&snap).unwrap() + &awstop::once::csv(&m)
    };
    let at = |order: &[ServiceKind], t| order.iter().map(|k| (*k, t)).collect::<Vec<_>>();
    let forward = json_after(&at(&kinds, t0));
    assert!(forward.contains("\"ecs:"), "the demo joins ECR to ECS");
    let mut reverse = kinds.clone();
    reverse.reverse();
    assert_eq!(json_after(&at(&reverse, t0)), forward, "reverse order");
    for i in 1..kinds.len() {
        let mut rotated = kinds.clone();
        rotated.rotate_left(i);
        assert_eq!(json_after(&at(&rotated, t0)), forward, "order {rotated:?}");
    }
    // One room refreshing later moves what the others show of it, exactly
    // as if it had been read at that time in the first place.
    let mut moved = 0;
    for k in &kinds {
        let mut later = at(&kinds, t0);
        later.push((*k, t1));
        let mut direct = at(&kinds, t0);
        direct
            .iter_mut()
            .filter(|(j, _)| j == k)
            .for_each(|(_, t)| *t = t1);
        let a = json_after(&later);
        assert_eq!(a, json_after(&direct), "{k:?} refreshed later");
        moved += usize::from(a != forward);
    }
    assert!(moved > 0, "the demo moves between the two times");
    // What a later read changed is remembered by the timeline, never by a
    // single read: the demo's image-resize deploys between t0 and t1.
    let changes = |loads: &[(ServiceKind, chrono::DateTime<chrono::Utc>)]| {
        let mut m = Model::new(awstop::app::model::SourceLabel::Demo, t1);
        update(&mut m, Msg::Data(DataMsg::Account(demo.account())));
        for (k, at) in loads {
            update(&mut m, Msg::Data(demo.loaded(*k, *at)));
        }
        m.data.changes_now().map(|c| format!("{} {} {}", c.resource, c.action, c.at.format("%H:%M"))).collect::<Vec<_>>()
    };
    let mut later = at(&kinds, t0);
    later.push((ServiceKind::Lambda, t1));
    let seen_twice = changes(&later);
    let seen_once = changes(&at(&kinds, t1));
    assert!(seen_twice.contains(&"image-resize UpdateFunctionCode 14:07".to_string()), "{seen_twice:?}");
    assert!(seen_twice.contains(&"image-resize Modified 13:37".to_string()), "{seen_twice:?}");
    assert!(seen_once.contains(&"image-resize Modified 14:07".to_string()), "{seen_once:?}");
    assert!(!seen_once.iter().any(|c| c.contains("UpdateFunctionCode")), "{seen_once:?}");
}
