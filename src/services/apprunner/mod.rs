//! AWS App Runner: each service's status, instance size, requests, 4xx and
//! 5xx responses and latency, and what its instances cost. Read-only:
//! ListServices, DescribeService and CloudWatch's `AWS/AppRunner` metrics.

pub mod cost;
mod demo;
pub mod domain;
mod fetch;
mod live;
mod metrics;
mod overview;
mod pane;
mod snapshot;
mod tables;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use domain::{AppRunnerData, Service, ServiceMetrics};

use crate::export::file_safe;
use crate::services::feed::Retired;
use crate::services::room::Room;
use crate::services::scope::{replace_scope, Scope};
use crate::services::Settings;
use crate::table::{all, SectionVisitor, TableVisitor};

pub struct AppRunner;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Services,
    Service { at: Scope, name: String },
}

impl Room for AppRunner {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "apprunner",
        label: "App Runner",
        badge: "AR",
        aliases: &["runner", "ar"],
        interval: Duration::from_secs(60),
        min_interval: (Duration::from_secs(60), "App Runner metrics are one-minute data"),
        // Exactly the calls fetch.rs makes, all reads (GetMetricData is the
        // shared CloudWatch path's).
        iam_actions: &["apprunner:ListServices", "apprunner:DescribeService"],
        prices: &[cost::PRICES],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = AppRunnerData;
    type State = AppRunnerData;
    type View = View;
    type Snapshot = snapshot::AppRunnerOut;

    fn merge(state: &mut AppRunnerData, scope: &Scope, data: AppRunnerData, only: bool, retired: &mut Vec<Retired>) {
        replace_scope(&mut state.services, data.services, scope, only, retired);
    }

    fn root() -> View {
        View::Services
    }

    fn loading(state: &AppRunnerData) -> Option<String> {
        let waiting = state.services.iter().filter(|s| s.metrics.pending).count();
        crate::services::room::still_loading("service metrics", waiting, state.services.len())
    }

    fn child(_state: &AppRunnerData, view: &View, row: &crate::table::RowId) -> Option<View> {
        match view {
            View::Services => Some(View::Service { at: row.at.clone().unwrap_or_default(), name: row.key.clone() }),
            View::Service { .. } => None,
        }
    }

    fn title(state: &AppRunnerData, view: &View) -> String {
        match view {
            View::Services => "App Runner services".into(),
            View::Service { at, name } => {
                crate::services::room::named("Service", Some(name), state.service(at, name).map_or(name, |s| &s.id))
            }
        }
    }

    fn crumb(_state: &AppRunnerData, view: &View) -> String {
        match view {
            View::Services => String::new(),
            View::Service { name, .. } => name.clone(),
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Services => "apprunner-services".to_string(),
            View::Service { name, .. } => format!("apprunner-{name}"),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a AppRunnerData, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Services => Some(v.visit(all(&state.services))),
            View::Service { .. } => None,
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a AppRunnerData, v: &mut V) {
        v.visit("services", all(&state.services));
    }

    /// Metrics follow the rows on screen, and the open service.
    fn visible(view: &View, on_screen: Vec<String>) -> Vec<String> {
        match view {
            View::Services => on_screen,
            View::Service { at, name } => vec![crate::services::msg::scoped(at, name)],
        }
    }

    fn watch_metrics_per_hour(state: &AppRunnerData, cx: &crate::services::room::WatchCtx) -> f64 {
        let n = if cx.settings.metrics_all { state.services.len() } else { cx.on_screen.min(state.services.len()) };
        (n * metrics::PER_SERVICE) as f64 * cx.refreshes()
    }

    fn snapshot(state: &AppRunnerData, settings: &Settings) -> snapshot::AppRunnerOut {
        snapshot::apprunner(state, settings)
    }

    fn cost(state: &AppRunnerData, settings: &Settings) -> Option<crate::cost::RoomCost> {
        let e: Vec<_> = state.services.iter().map(|s| cost::estimate(s, &settings.prices)).collect();
        Some(crate::cost::RoomCost::of(&e))
    }

    fn cost_by_account(state: &AppRunnerData, settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        crate::cost::RoomCost::by_account(state.services.iter().map(|s| (&*s.account, cost::estimate(s, &settings.prices))))
    }
}
