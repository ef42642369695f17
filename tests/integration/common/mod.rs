//! Shared helpers for the integration tests: a demo Model at a frozen time and
//! a renderer into ratatui's TestBackend.
#![allow(dead_code)]

pub mod fault_proxy;
pub mod moto;
pub mod pty;
pub mod recording;

use awstop::app::keymap::Action;
use awstop::app::model::Model;
use awstop::app::msg::Msg;
use awstop::app::update;
use awstop::run::once_model;
use awstop::source::clock::Clock;
use awstop::source::demo::DemoAccount;
use awstop::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

pub const FROZEN: &str = "2026-11-22T14:03:20Z";

pub fn frozen() -> Clock {
    Clock::frozen(FROZEN.parse().unwrap())
}

pub fn demo_model(w: u16, h: u16) -> Model {
    let mut m = once_model(&DemoAccount::new(42, 40, 60), &frozen());
    update(
        &mut m,
        Msg::Resize {
            width: w,
            height: h,
        },
    );
    m
}

pub fn act(m: &mut Model, actions: &[Action]) {
    for a in actions {
        update(m, Msg::Action(*a));
    }
}

pub fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        update(m, Msg::Action(Action::Input(c)));
    }
}

pub fn buffer(m: &Model, theme: &Theme) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(m.ui.width, m.ui.height)).unwrap();
    term.draw(|f| awstop::ui::draw(f, m, theme)).unwrap();
    term.backend().buffer().clone()
}

pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen(m: &Model) -> String {
    text(&buffer(m, &Theme::dark()))
}

/// The options the mock tests run the live source with.
pub fn mock_options() -> awstop::services::live::Options {
    awstop::services::live::Options {
        conn: Default::default(),
        regions: vec!["eu-west-1".into()],
        window: 60,
        metrics_all: true,
        intervals: Default::default(),
        rooms: {
            let mut rooms = awstop::services::default_settings();
            rooms.apply(&awstop::services::lambda::settings::COLD_STARTS, "filter").unwrap();
            rooms
        },
        budget_usd_per_hour: awstop::aws::budget::DEFAULT_USD_PER_HOUR,
        actuals: false,
        cloudtrail: true,
        screen: None,
    }
}

/// A CloudWatch that answers every GetMetricData with no data.
pub fn no_metrics() -> aws_sdk_cloudwatch::Client {
    let empty =
        aws_smithy_mocks::mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_output(|| {
            aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput::builder().build()
        });
    aws_smithy_mocks::mock_client!(
        aws_sdk_cloudwatch,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&empty]
    )
}

/// A fresh folder in the system's temporary folder, removed with the value:
/// a test run leaves nothing behind. Reads as the folder's path.
pub fn scratch(prefix: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .expect("a temporary folder"),
    )
}

pub struct Scratch(pub tempfile::TempDir);

/// The folder of this test run's binaries: their state (`XDG_STATE_HOME`:
/// log, keys), and the configuration and AWS files they must not find. One
/// for the whole run, so tests that share a key see the same one; removed
/// when the test process exits (a static is never dropped, so an exit hook
/// removes it), so a run leaves nothing in the temporary folder.
static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();

extern "C" fn remove_home() {
    if let Some(h) = HOME.get() {
        let _ = std::fs::remove_dir_all(h.path());
    }
}

fn home() -> &'static std::path::Path {
    HOME.get_or_init(|| {
        let d = tempfile::Builder::new()
            .prefix("awstop-test-")
            .tempdir()
            .expect("a temporary folder");
        // SAFETY: registers a plain function with no captured state; it
        // runs once, at exit, after every test thread is done.
        unsafe { libc::atexit(remove_home) };
        d
    })
    .path()
}

/// `XDG_STATE_HOME` for the binary under test.
pub fn state_home() -> std::path::PathBuf {
    home().join("state")
}

/// `XDG_CONFIG_HOME` with no awstop configuration in it (never created).
pub fn no_config_home() -> std::path::PathBuf {
    home().join("no-config")
}

/// A folder that holds no AWS config or credentials file (never created).
pub fn no_aws_config() -> std::path::PathBuf {
    home().join("no-aws-config")
}

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.path().as_os_str()
    }
}

/// A live account of mocked clients; STS answers nothing.
pub fn mock_live(
    regions: Vec<awstop::services::live::RegionClients>,
) -> awstop::services::live::Live {
    let sts = aws_smithy_mocks::mock_client!(
        aws_sdk_sts,
        aws_smithy_mocks::RuleMode::MatchAny,
        Vec::<&aws_smithy_mocks::Rule>::new()
    );
    awstop::services::live::Live::from_clients(mock_options(), regions, sts)
}

/// The panes and views tests talk about, in the services' own terms.
pub mod vocab {
    use awstop::app::model::{Pane, View};
    use awstop::services::{batch, ecs, lambda, RoomView, ServiceKind};

    pub const LAMBDA: Pane = Pane::Room(ServiceKind::Lambda);
    pub const ECS: Pane = Pane::Room(ServiceKind::Ecs);
    pub const BATCH: Pane = Pane::Room(ServiceKind::Batch);
    pub const EKS: Pane = Pane::Room(ServiceKind::Eks);
    pub const ECR: Pane = Pane::Room(ServiceKind::Ecr);
    pub const EMR: Pane = Pane::Room(ServiceKind::Emr);
    pub const LIGHTSAIL: Pane = Pane::Room(ServiceKind::Lightsail);
    pub const APIGW: Pane = Pane::Room(ServiceKind::ApiGateway);

    pub fn functions() -> View {
        View::Room(RoomView::Lambda(lambda::View::Functions))
    }
    pub fn function(name: &str) -> View {
        View::Room(RoomView::Lambda(lambda::View::Function {
            at: awstop::scope::Scope::region(awstop::source::demo::REGION),
            name: name.into(),
        }))
    }
    pub fn clusters() -> View {
        View::Room(RoomView::Ecs(ecs::View::Clusters))
    }
    pub fn queues() -> View {
        View::Room(RoomView::Batch(batch::View::Queues))
    }
    pub fn jobs(queue: &str) -> View {
        View::Room(RoomView::Batch(batch::View::Jobs {
            at: awstop::scope::Scope::region(awstop::source::demo::REGION),
            queue: queue.into(),
        }))
    }
    /// The ECS view, when the view is one.
    pub fn ecs_view(v: &View) -> Option<&ecs::View> {
        match v {
            View::Room(RoomView::Ecs(e)) => Some(e),
            _ => None,
        }
    }
    pub fn batch_view(v: &View) -> Option<&batch::View> {
        match v {
            View::Room(RoomView::Batch(b)) => Some(b),
            _ => None,
        }
    }
}
pub use vocab::*;
