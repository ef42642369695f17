//! AWS Batch: compute environments, job queues with their jobs by status,
//! and the jobs stuck in RUNNABLE.

mod changes;
pub mod cost;
mod demo;
pub mod domain;
mod fetch;
mod live;
mod overview;
mod pane;
mod snapshot;
mod tables;

use std::time::Duration;

pub use domain::{BatchData, ComputeEnvironment, Job, JobQueue, JOB_STATUSES};

use crate::export::file_safe;
use crate::services::Settings;
use crate::services::feed::Retired;
use crate::services::scope::{replace_scope, replace_small, Scope};
use crate::services::room::Room;
use crate::table::{all, SectionVisitor, TableVisitor};

pub struct Batch;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Queues,
    /// A queue's, of the account and region it was opened in.
    Jobs { at: Scope, queue: String },
    Job { at: Scope, queue: String, id: String },
}

impl Room for Batch {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "batch",
        label: "Batch",
        badge: "Batch",
        aliases: &["jobs", "queues", "b"],
        interval: Duration::from_secs(30),
        min_interval: (Duration::from_secs(5), "faster only spends the account's ListJobs rate"),
        iam_actions: &[
            "batch:DescribeComputeEnvironments",
            "batch:DescribeJobQueues",
            "batch:ListJobs",
            "batch:DescribeJobDefinitions",
        ],
        keys: &[("[ ]", "Batch jobs: previous / next status")],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = BatchData;
    type State = BatchData;
    type View = View;
    type Snapshot = snapshot::BatchOut;

    fn merge(state: &mut BatchData, scope: &Scope, mut data: BatchData, only: bool, retired: &mut Vec<Retired>) {
        replace_small(&mut state.compute_environments, std::mem::take(&mut data.compute_environments), scope);
        replace_scope(&mut state.queues, data.queues, scope, only, retired);
        replace_small(&mut state.definitions, data.definitions, scope);
    }

    fn changes(state: &BatchData, scope: &Scope, data: &BatchData, cx: &crate::services::room::ChangeCtx) -> Vec<crate::changes::Change> {
        changes::changes(state, scope, data, cx)
    }

    fn suspects(state: &BatchData, found: &[&crate::changes::Change]) -> Vec<crate::changes::Suspect> {
        changes::suspects(state, found)
    }

    fn root() -> View {
        View::Queues
    }

    fn child(_state: &BatchData, view: &View, row: &crate::table::RowId) -> Option<View> {
        let key = row.key.as_str();
        match view {
            View::Queues => Some(View::Jobs {
                at: row.at.clone().unwrap_or_default(),
                queue: key.into(),
            }),
            View::Jobs { at, queue } => Some(View::Job {
                at: at.clone(),
                queue: queue.clone(),
                id: key.into(),
            }),
            View::Job { .. } => None,
        }
    }

    fn title(state: &Self::State, view: &View) -> String {
        match view {
            View::Queues => "Batch job queues".into(),
            View::Jobs { queue, .. } => format!("Jobs in {queue}"),
            View::Job { at, queue, id } => crate::services::room::named("Job", state.job(at, queue, id).map(|j| j.name.as_str()), id),
        }
    }

    fn crumb(state: &Self::State, view: &View) -> String {
        match view {
            View::Queues => String::new(),
            View::Jobs { queue, .. } => queue.clone(),
            View::Job { at, queue, id } => match state.job(at, queue, id) {
                Some(j) => j.name.clone(),
                None => id.chars().take(8).collect(),
            },
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Queues => "batch-queues".to_string(),
            View::Jobs { queue, .. } => format!("batch-{queue}-jobs"),
            View::Job { queue, id, .. } => format!("batch-{queue}-{id}"),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a BatchData, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Queues => Some(v.visit(all(&state.queues))),
            // A queue that left the data is an empty table, not no table.
            View::Jobs { at, queue } => Some(v.visit(match state.queue(at, queue) {
                Some(q) => all(&q.jobs).context("region", &q.region).context("queue", &q.name),
                None => all(&[]),
            })),
            View::Job { .. } => None,
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a BatchData, v: &mut V) {
        v.visit("queues", all(&state.queues));
        for q in &state.queues {
            v.visit("jobs", all(&q.jobs).context("region", &q.region).context("queue", &q.name));
        }
    }

    fn snapshot(state: &BatchData, settings: &Settings) -> snapshot::BatchOut {
        snapshot::batch(state, &settings.prices, &settings.accounts)
    }

    fn cost(state: &BatchData, settings: &Settings) -> Option<crate::cost::RoomCost> {
        let envs = state.compute_environments.iter();
        let estimates: Vec<_> = envs.map(|c| cost::estimate(c, &settings.prices)).collect();
        Some(crate::cost::RoomCost::of(&estimates))
    }

    fn cost_by_account(state: &BatchData, settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        let envs = state.compute_environments.iter();
        crate::cost::RoomCost::by_account(envs.map(|c| (&*c.account, cost::estimate(c, &settings.prices))))
    }
}
