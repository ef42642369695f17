//! Every pane and drill-down view, drawn from the demo at a frozen clock, at
//! 80x24 (the smallest terminal awstop promises to be fully usable on) and 160x48.

use crate::common::*;
use awstop::app::keymap::Action::*;
use awstop::app::model::Pane;
use awstop::services::Lambda;

fn views() -> Vec<(&'static str, Vec<awstop::app::keymap::Action>)> {
    vec![
        ("overview", vec![Pane(Pane::Overview)]),
        ("lambda", vec![Pane(LAMBDA)]),
        ("lambda_detail", vec![Pane(LAMBDA), Enter]),
        // orders-api: two API routes in front of it and its resource policy.
        (
            "lambda_triggers",
            vec![
                Pane(LAMBDA),
                StartFilter,
                Input('o'),
                Input('r'),
                Input('d'),
                Input('e'),
                Input('r'),
                Input('s'),
                Input('-'),
                Input('a'),
                Submit,
                Enter,
            ],
        ),
        // ddb-stream-proc: its stream mapping's last batch failed.
        (
            "lambda_trigger_failing",
            vec![
                Pane(LAMBDA),
                StartFilter,
                Input('d'),
                Input('d'),
                Input('b'),
                Submit,
                Enter,
            ],
        ),
        ("ecs", vec![Pane(ECS)]),
        // web-fargate's services, then the crash-looping checkout's tasks.
        ("ecs_services", vec![Pane(ECS), Bottom, Enter]),
        ("ecs_tasks", vec![Pane(ECS), Bottom, Enter, Down, Enter]),
        (
            "ecs_task",
            vec![Pane(ECS), Bottom, Enter, Down, Enter, Enter],
        ),
        ("batch", vec![Pane(BATCH)]),
        ("batch_jobs", vec![Pane(BATCH), Down, Enter]),
        (
            "batch_job_stuck",
            vec![
                Pane(BATCH),
                Down,
                Enter,
                StatusNext,
                StatusNext,
                StatusNext,
                Enter,
            ],
        ),
        ("eks", vec![Pane(EKS)]),
        // prod: its node groups, then the one a version behind.
        ("eks_cluster", vec![Pane(EKS), Down, Enter]),
        ("eks_nodegroup", vec![Pane(EKS), Down, Enter, Bottom, Enter]),
        ("ecr", vec![Pane(ECR)]),
        // checkout's images, newest (the running one) first, then it.
        ("ecr_images", vec![Pane(ECR), Down, Enter]),
        ("ecr_image", vec![Pane(ECR), Down, Enter, Enter]),
        // etl-hourly (busy, with a failed step) sorts before the idle one by name.
        ("emr", vec![Pane(EMR)]),
        ("emr_cluster", vec![Pane(EMR), Enter]),
        // lamp-shop, out of burst credits, is second by name.
        ("lightsail", vec![Pane(LIGHTSAIL)]),
        ("lightsail_instance", vec![Pane(LIGHTSAIL), Down, Enter]),
        ("apigateway", vec![Pane(APIGW)]),
        // The busiest API first: its routes and the functions behind them.
        ("apigateway_api", vec![Pane(APIGW), Enter]),
        ("help", vec![Pane(LAMBDA), ToggleHelp]),
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

fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> (u16, u16) {
    let text = text(buf);
    for (y, line) in text.lines().enumerate() {
        if let Some(x) = line.find(needle) {
            // Columns before the match are single-width here (names, digits).
            return (line[..x].chars().count() as u16, y as u16);
        }
    }
    panic!("{needle:?} not on screen:\n{text}");
}

#[test]
fn colour_marks_errors_and_the_selection_and_markers_survive_without_it() {
    use ratatui::style::{Color, Modifier};
    let m = demo_model(80, 24);
    let buf = buffer(&m, &awstop::theme::Theme::dark());
    // csv-export has errors in the window: the count is red and bold.
    let errors = m
        .state::<Lambda>()
        .function(&awstop::scope::Scope::region(awstop::source::demo::REGION), "csv-export")
        .unwrap()
        .stats
        .errors
        .unwrap();
    assert!(errors > 0.0);
    let (x, y) = find(&buf, "csv-export");
    let line: String = (0..80).map(|i| buf[(i, y)].symbol().to_string()).collect();
    let ex = line
        .find(&format!(" {} ", awstop::fmt::count(errors)))
        .expect("error count on the row") as u16
        + 1;
    assert_eq!(buf[(ex, y)].fg, Color::Red);
    assert!(buf[(ex, y)].modifier.contains(Modifier::BOLD));
    // Its name is plain.
    assert_eq!(buf[(x, y)].fg, Color::Reset);
    // The selected (first) row is highlighted across the table.
    let (_, sel) = find(&buf, "etl-ingest");
    assert_eq!(buf[(0, sel)].bg, Color::Cyan);
    assert_eq!(buf[(79, sel)].bg, Color::Cyan);

    // Monochrome: no colour anywhere, yet the selection and the error count still stand out.
    let buf = buffer(&m, &awstop::theme::Theme::monochrome());
    for c in buf.content() {
        assert_eq!(
            (c.fg, c.bg),
            (Color::Reset, Color::Reset),
            "colour in monochrome at {:?}",
            c.symbol()
        );
    }
    assert!(buf[(0, sel)].modifier.contains(Modifier::REVERSED));
    assert!(buf[(ex, y)].modifier.contains(Modifier::BOLD));
}

#[test]
fn failing_service_is_red_and_says_so_in_words() {
    use ratatui::style::Color;
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(ECS), Bottom, Enter]);
    let buf = buffer(&m, &awstop::theme::Theme::dark());
    let (x, y) = find(&buf, "!!failing");
    assert_eq!(buf[(x, y)].fg, Color::Red);
}
