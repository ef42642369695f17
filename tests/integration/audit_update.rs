//! Export and the replay keys through `update`: commands out, no I/O, no terminal.

use crate::common::{act, demo_model, typed, FROZEN};
use awstop::app::keymap::Action;
use awstop::app::model::{Mode, ReplayStatus};
use awstop::app::msg::{Cmd, Msg, TimelineCmd};
use awstop::app::update;
use awstop::services::Lambda;

#[test]
fn export_asks_the_run_loop_to_write_the_view_named_by_pane_and_time() {
    let mut m = demo_model(120, 30);
    assert_eq!(
        update(&mut m, Msg::Action(Action::Export)),
        vec![Cmd::Export {
            path: "awstop-lambda-20261122T140320Z.csv".into()
        }]
    );
    act(&mut m, &[Action::Pane(awstop::app::model::Pane::Overview)]);
    assert!(update(&mut m, Msg::Action(Action::Export)).is_empty());
    assert!(m
        .ui
        .message
        .as_deref()
        .unwrap()
        .contains("nothing to export"));
}

#[test]
fn the_csv_holds_exactly_the_rows_on_screen_in_their_order() {
    let mut m = demo_model(120, 30);
    act(&mut m, &[Action::StartFilter]);
    typed(&mut m, "-");
    act(
        &mut m,
        &[
            Action::Submit,
            Action::SortPrev,
            Action::SortPrev,
            Action::SortPrev,
        ],
    );
    let (csv, n) = awstop::run::current_view(&m).unwrap();
    assert_eq!(n, m.ui.rows.len());
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |key: &str| header.iter().position(|h| *h == key).unwrap();
    let names: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(col("name")).unwrap())
        .collect();
    let want: Vec<&str> =
        m.ui.rows
            .iter()
            .map(|i| m.state::<Lambda>().functions[*i as usize].name.as_str())
            .collect();
    assert_eq!(names, want);
    assert!(names.iter().all(|n| n.contains('-')) && names.len() > 1);
    assert!(
        names.windows(2).all(|w| w[0] <= w[1]),
        "sorted by name: {names:?}"
    );
    // Exact values, not the rounded text drawn on screen.
    let invoc = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(col("invocations"))
        .unwrap();
    assert!(
        invoc.parse::<f64>().is_ok() && !invoc.ends_with('k'),
        "{invoc}"
    );
}

#[test]
fn timeline_keys_only_act_in_a_replay() {
    let mut m = demo_model(120, 30);
    for a in [
        Action::PlayPause,
        Action::Faster,
        Action::StepBack,
        Action::StartJump,
    ] {
        assert!(update(&mut m, Msg::Action(a)).is_empty());
        assert!(m
            .ui
            .message
            .as_deref()
            .unwrap()
            .contains("awstop replay FILE"));
        assert_eq!(m.ui.mode, Mode::Normal);
    }
    let clock = FROZEN.parse().unwrap();
    update(
        &mut m,
        Msg::Replay(ReplayStatus {
            clock,
            speed: 1,
            playing: false,
            position: 3,
            total: 8,
            broken: false,
            unsigned: false,
            verified: 8,
        }),
    );
    assert_eq!(
        update(&mut m, Msg::Action(Action::PlayPause)),
        vec![Cmd::Timeline(TimelineCmd::PlayPause)]
    );
    assert_eq!(
        update(&mut m, Msg::Action(Action::StepBack)),
        vec![Cmd::Timeline(TimelineCmd::StepBack)]
    );
    assert!(
        update(&mut m, Msg::Action(Action::Refresh)).is_empty(),
        "nothing to refresh in a replay"
    );
    act(&mut m, &[Action::StartJump]);
    assert_eq!(m.ui.mode, Mode::Jump);
    typed(&mut m, "14:00");
    assert_eq!(
        update(&mut m, Msg::Action(Action::Submit)),
        vec![Cmd::Timeline(TimelineCmd::Jump("14:00".into()))]
    );
    assert_eq!(m.ui.mode, Mode::Normal);
    assert!(crate::common::screen(&m).contains("2026-11-22 14:03:20 ‖ 3/8"));
}
