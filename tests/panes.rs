//! Every pane and drill-down view, drawn from the demo at a frozen clock, at
//! 80x24 (the smallest terminal awstop promises to be fully usable on) and 160x48.

mod common;

use awstop::app::keymap::Action::*;
use awstop::app::model::Pane;
use common::*;

fn views() -> Vec<(&'static str, Vec<awstop::app::keymap::Action>)> {
    vec![
        ("overview", vec![Pane(Pane::Overview)]),
        ("lambda", vec![Pane(Pane::Lambda)]),
        ("lambda_detail", vec![Pane(Pane::Lambda), Enter]),
        ("ecs", vec![Pane(Pane::Ecs)]),
        // web-fargate's services, then the crash-looping checkout's tasks.
        ("ecs_services", vec![Pane(Pane::Ecs), Bottom, Enter]),
        ("ecs_tasks", vec![Pane(Pane::Ecs), Bottom, Enter, Down, Enter]),
        ("ecs_task", vec![Pane(Pane::Ecs), Bottom, Enter, Down, Enter, Enter]),
        ("batch", vec![Pane(Pane::Batch)]),
        ("batch_jobs", vec![Pane(Pane::Batch), Down, Enter]),
        ("batch_job_stuck", vec![Pane(Pane::Batch), Down, Enter, StatusNext, StatusNext, StatusNext, Enter]),
        ("help", vec![Pane(Pane::Lambda), ToggleHelp]),
    ]
}

#[test]
fn panes_80x24() {
    for (name, actions) in views() {
        let mut m = demo_model(80, 24);
        act(&mut m, &actions);
        insta::assert_snapshot!(format!("{name}_80x24"), screen(&m));
    }
}

#[test]
fn panes_160x48() {
    for (name, actions) in views() {
        let mut m = demo_model(160, 48);
        act(&mut m, &actions);
        insta::assert_snapshot!(format!("{name}_160x48"), screen(&m));
    }
}
