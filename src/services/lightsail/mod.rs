//! Amazon Lightsail: instances with their bundle's monthly price, CPU, burst
//! capacity and status checks, and container services below them. Lightsail
//! instances are burstable: one out of burst capacity runs at its baseline
//! whatever its CPU graph says, so burst is what this room watches.

pub mod cost;
mod demo;
pub mod domain;
mod fetch;
mod live;
mod metrics;
pub mod operations;
mod overview;
mod pane;
mod snapshot;
mod tables;
mod weekago;

use std::time::Duration;

pub use domain::{ContainerService, Instance, InstanceMetrics, InstanceSeries, LightsailData};

use crate::export::file_safe;
use crate::services::feed::Retired;
use crate::services::scope::{replace_scope, replace_small, Scope};
use crate::services::room::Room;
use crate::table::{all, SectionVisitor, TableVisitor};
use crate::services::Settings;

pub struct Lightsail;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    /// The instances, with the container services listed below them.
    Instances,
    Instance { at: Scope, name: String },
}

impl Room for Lightsail {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "lightsail",
        label: "Lightsail",
        badge: "LS",
        aliases: &["ls", "vps", "instances"],
        // Instances and container services change on a person's click, and the
        // metrics are five-minute data: every five minutes misses nothing.
        interval: Duration::from_secs(300),
        min_interval: (Duration::from_secs(60), "Lightsail metrics are five-minute data"),
        // Exactly the calls fetch.rs makes, all reads.
        iam_actions: &[
            "lightsail:GetInstances",
            "lightsail:GetBundles",
            "lightsail:GetInstanceMetricData",
            "lightsail:GetContainerServices",
            "lightsail:GetContainerServicePowers",
            // What changed: reboots, stops, container service updates.
            "lightsail:GetOperations",
        ],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = LightsailData;
    type State = LightsailData;
    type View = View;
    type Snapshot = snapshot::LightsailOut;

    fn merge(state: &mut LightsailData, scope: &Scope, mut data: LightsailData, only: bool, retired: &mut Vec<Retired>) {
        // A handful of container services a region: no need to retire them.
        replace_small(&mut state.container_services, std::mem::take(&mut data.container_services), scope);
        replace_scope(&mut state.instances, data.instances, scope, only, retired);
    }

    fn changes(_state: &LightsailData, scope: &Scope, data: &LightsailData, cx: &crate::services::room::ChangeCtx) -> Vec<crate::changes::Change> {
        operations::changes(scope, data, cx)
    }

    fn root() -> View {
        View::Instances
    }

    /// Only the instances on screen are read, so only those are counted.
    fn loading(state: &LightsailData) -> Option<String> {
        let waiting = state.instances.iter().filter(|i| i.metrics.pending).count();
        let read = state.instances.iter().filter(|i| i.metrics.read_at.is_some()).count();
        crate::services::room::still_loading("instance metrics", waiting, read + waiting)
    }

    fn child(_state: &LightsailData, view: &View, row: &crate::table::RowId) -> Option<View> {
        match view {
            View::Instances => Some(View::Instance {
                at: row.at.clone().unwrap_or_default(),
                name: row.key.clone(),
            }),
            View::Instance { .. } => None,
        }
    }

    fn title(_state: &Self::State, view: &View) -> String {
        match view {
            View::Instances => "Lightsail instances".into(),
            View::Instance { name, .. } => format!("Instance {name}"),
        }
    }

    fn crumb(_state: &Self::State, view: &View) -> String {
        match view {
            View::Instances => String::new(),
            View::Instance { name, .. } => name.clone(),
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Instances => "lightsail-instances".to_string(),
            View::Instance { name, .. } => format!("lightsail-{name}"),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a LightsailData, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Instances => Some(v.visit(all(&state.instances))),
            View::Instance { .. } => None,
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a LightsailData, v: &mut V) {
        v.visit("instances", all(&state.instances));
        v.visit("container_services", all(&state.container_services));
    }

    /// Metrics follow the rows on screen, and the open instance: three
    /// calls an instance, so never the whole fleet unasked.
    fn visible(view: &View, on_screen: Vec<String>) -> Vec<String> {
        match view {
            View::Instances => on_screen,
            View::Instance { at, name } => vec![crate::services::msg::scoped(at, name)],
        }
    }

    fn unusual(state: &LightsailData) -> Vec<crate::baseline::Unusual> {
        weekago::unusual(&state.instances)
    }

    fn snapshot(state: &LightsailData, settings: &Settings) -> snapshot::LightsailOut {
        snapshot::lightsail(state, &settings.accounts)
    }

    fn cost(state: &LightsailData, _settings: &Settings) -> Option<crate::cost::RoomCost> {
        Some(crate::cost::RoomCost::of(&cost::all(state)))
    }

    fn cost_by_account(state: &LightsailData, _settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        let instances = state.instances.iter().map(|i| (&*i.account, cost::instance(i)));
        let services = state.container_services.iter().map(|s| (&*s.account, cost::container_service(s)));
        crate::cost::RoomCost::by_account(instances.chain(services))
    }
}
