//! Frame cost: `update` plus drawing into a 160x48 buffer, on the demo account
//! at 10,000 and 50,000 functions (`BENCH_SCALES=10000` for one). Prints p50
//! and p99. Run with `cargo bench --bench frame`; `BENCH_PARTS=refresh` (any of
//! `nav,sort,filter,refresh`) runs only those parts, for a profiler.

use std::time::{Duration, Instant};

use awstop::app::keymap::Action;
use awstop::app::model::Pane;
use awstop::app::msg::{Msg, ServiceKind};
use awstop::app::update;
use awstop::source::digest::Digester;
use awstop::services::{Batch, Ecs, Lambda};
use awstop::source::clock::Clock;
use awstop::source::demo::DemoAccount;
use awstop::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * p / 100.0).ceil() as usize).clamp(1, v.len()) - 1]
}

fn main() {
    let scales = std::env::var("BENCH_SCALES").unwrap_or_else(|_| "10000,50000".into());
    for scale in scales.split(',') {
        let scale: usize = scale.trim().parse().expect("BENCH_SCALES: numbers, comma-separated");
        run(scale);
        println!();
    }
}

fn part(name: &str) -> bool {
    std::env::var("BENCH_PARTS").map_or(true, |p| p.split(',').any(|x| x.trim() == name))
}

fn run(scale: usize) {
    let clock = Clock::frozen("2026-11-22T14:03:20Z".parse().unwrap());
    let mut demo = DemoAccount::new(42, scale, 60);
    let t0 = Instant::now();
    // As in the dashboard, every message passes the digest stage (on the
    // source's side) before `update` takes it.
    let mut stage = Digester::new(awstop::services::Settings::default());
    let mut m = awstop::app::Model::with_settings(awstop::app::model::SourceLabel::Demo, clock.now(), awstop::services::Settings::default());
    for mut msg in demo.messages_at(clock.now()) {
        stage.digest(&mut msg);
        update(&mut m, Msg::Data(msg));
    }
    let build = t0.elapsed();
    // As in the dashboard, the story starts when it opens: a refresh finds
    // the functions deployed since, not every function's configuration
    // moved with the clock.
    demo.start_at(clock.now());
    update(
        &mut m,
        Msg::Resize {
            width: 160,
            height: 48,
        },
    );
    let tasks: usize = m
        .state::<Ecs>()
        .clusters
        .iter()
        .map(|c| c.tasks.len())
        .sum();
    let jobs: usize = m.state::<Batch>().queues.iter().map(|q| q.jobs.len()).sum();
    let theme = Theme::dark();
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    awstop::run::reaper::start();
    let mut frame = |m: &mut awstop::app::Model, msg: Msg| {
        let t = Instant::now();
        update(m, msg);
        term.draw(|f| awstop::ui::draw(f, m, &theme)).unwrap();
        // As in the run loop, the rows a refresh replaced go to the reaper
        // thread; handing them over counts as part of the frame.
        awstop::run::reaper::bury(std::mem::take(&mut m.data.retired));
        t.elapsed()
    };
    let report = |name: &str, mut v: Vec<Duration>| {
        println!(
            "{name:<44}{:>10.3} ms{:>10.3} ms{:>8}",
            pct(&mut v, 50.0).as_secs_f64() * 1e3,
            pct(&mut v, 99.0).as_secs_f64() * 1e3,
            v.len()
        );
        if std::env::var_os("BENCH_TAIL").is_some() {
            v.sort();
            eprintln!("  slowest: {:?}", &v[v.len().saturating_sub(8)..]);
        }
    };
    println!(
        "demo at {} functions, {tasks} tasks, {jobs} jobs (built in {:.0} ms); 160x48",
        m.state::<Lambda>().functions.len(),
        build.as_secs_f64() * 1e3
    );
    println!(
        "{:<44}{:>13}{:>13}{:>8}",
        "frame (update + draw)", "p50", "p99", "n"
    );
    let panes = [
        Pane::Room(ServiceKind::Lambda),
        Pane::Room(ServiceKind::Ecs),
        Pane::Room(ServiceKind::Batch),
    ];
    let mut nav = Vec::new();
    for i in 0..if part("nav") { 3000 } else { 0 } {
        let a = if i % 50 == 0 {
            Action::Pane(panes[(i / 50) % 3])
        } else {
            Action::Down
        };
        nav.push(frame(&mut m, Msg::Action(a)));
    }
    if !nav.is_empty() {
        report("move the cursor, switch panes", nav);
    }
    let mut sort = Vec::new();
    update(
        &mut m,
        Msg::Action(Action::Pane(Pane::Room(ServiceKind::Lambda))),
    );
    let mut by_column: std::collections::BTreeMap<usize, Vec<Duration>> = Default::default();
    for _ in 0..if part("sort") { 300 } else { 0 } {
        let d = frame(&mut m, Msg::Action(Action::SortNext));
        sort.push(d);
        by_column.entry(m.table().map_or(0, |t| t.sort)).or_default().push(d);
    }
    if !sort.is_empty() {
        report("re-sort by each column in turn", sort);
    }
    if std::env::var_os("BENCH_COLUMNS").is_some() {
        let cols = awstop::app::tables::columns_for(&m, m.view());
        for (i, mut v) in by_column {
            let title = cols.map_or("?", |c| c.title(i));
            let max = v.iter().max().copied().unwrap_or_default();
            eprintln!(
                "  sort by {title:<12} p50 {:>7.3} ms  max {:>7.3} ms",
                pct(&mut v, 50.0).as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            );
        }
    }
    let mut filter = Vec::new();
    update(&mut m, Msg::Action(Action::StartFilter));
    for c in "orders-api".chars().cycle().take(if part("filter") { 300 } else { 0 }) {
        filter.push(frame(&mut m, Msg::Action(Action::Input(c))));
    }
    update(&mut m, Msg::Action(Action::Cancel));
    if !filter.is_empty() {
        report("filter while typing", filter);
    }
    let mut gen = Vec::new();
    for s in [ServiceKind::Lambda, ServiceKind::Ecs, ServiceKind::Batch] {
        let t = Instant::now();
        let _ = demo.loaded(s, clock.now());
        gen.push(format!("{s:?} {:.1} ms", t.elapsed().as_secs_f64() * 1e3));
    }
    // As in the run loop, refreshes are built and digested on another thread (the source's)
    // and each moves the numbers, so the selected row moves too. One at a time:
    // the source builds the next while the screen idles, not during a frame.
    let (fresh_tx, fresh_rx) = std::sync::mpsc::sync_channel(0);
    let (ack_tx, ack_rx) = std::sync::mpsc::channel::<()>();
    let t0 = clock.now();
    std::thread::scope(|s| {
        let demo = &demo;
        let stage = &mut stage;
        s.spawn(move || {
            for i in 0..if part("refresh") { std::env::var("BENCH_N").ok().and_then(|n| n.parse().ok()).unwrap_or(100) } else { 0 } {
                let at = t0 + chrono::Duration::seconds(60 * (i % 2));
                let mut msg = demo.loaded(ServiceKind::Lambda, at);
                stage.digest(&mut msg);
                if fresh_tx.send(msg).is_err()
                    || ack_rx.recv().is_err()
                {
                    return;
                }
            }
        });
        let mut refresh = Vec::new();
        for msg in fresh_rx.iter() {
            refresh.push(frame(&mut m, Msg::Data(msg)));
            let _ = ack_tx.send(());
        }
        if !refresh.is_empty() {
            report("a refresh of every function arrives", refresh);
        }
    });
    println!("demo refresh, generating each feed: {}", gen.join(", "));
}
