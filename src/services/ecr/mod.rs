//! Amazon ECR: repositories, their images with scan findings by severity,
//! and what runs each image (the ECS services whose tasks carry its digest).

mod demo;
pub mod domain;
mod fetch;
mod join;
mod live;
mod overview;
mod pane;
mod snapshot;
mod tables;

use std::time::Duration;

pub use domain::{EcrData, Finding, Findings, Image, Repository};

use crate::export::file_safe;
use crate::services::Settings;
use crate::services::feed::Retired;
use crate::services::scope::{replace_scope, Scope};
use crate::services::room::Room;
use crate::table::{all, SectionVisitor, TableVisitor};
use crate::services::joins::{Board, Topic};

pub struct Ecr;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Repositories,
    /// A repository's, of the account and region it was opened in.
    Images { at: Scope, repo: String },
    Image { at: Scope, repo: String, digest: String },
}

impl Room for Ecr {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "ecr",
        label: "ECR",
        badge: "ECR",
        aliases: &["images", "repos", "registry"],
        // Images change on deploys, not by the minute; scan results within minutes of a push.
        interval: Duration::from_secs(600),
        min_interval: (Duration::from_secs(60), "images change on pushes; faster only spends the ECR read rate"),
        iam_actions: &[
            "ecr:DescribeRepositories",
            "ecr:DescribeImages",
            "ecr:DescribeImageScanFindings",
        ],
        reads: &[Topic::ImagesInUse],
        publishes: &[Topic::ImageFindings],
        wants: &[Topic::ImagesInUse],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = EcrData;
    type State = EcrData;
    type View = View;
    type Snapshot = snapshot::EcrOut;

    fn merge(state: &mut EcrData, scope: &Scope, data: EcrData, only: bool, retired: &mut Vec<Retired>) {
        replace_scope(&mut state.repositories, data.repositories, scope, only, retired);
    }

    fn publish(state: &EcrData, board: &mut Board) {
        board.image_findings = join::findings(state);
    }

    fn join(state: &mut EcrData, board: &Board) {
        join::used_by(state, &board.images_in_use);
    }

    /// The images running tasks use: read by name, whatever the page holds.
    fn wants(board: &Board) -> Vec<String> {
        join::wanted(&board.images_in_use)
    }

    fn root() -> View {
        View::Repositories
    }

    fn child(_state: &EcrData, view: &View, row: &crate::table::RowId) -> Option<View> {
        let key = row.key.as_str();
        match view {
            View::Repositories => Some(View::Images {
                at: row.at.clone().unwrap_or_default(),
                repo: key.into(),
            }),
            View::Images { at, repo } => Some(View::Image {
                at: at.clone(),
                repo: repo.clone(),
                digest: key.into(),
            }),
            View::Image { .. } => None,
        }
    }

    fn title(state: &Self::State, view: &View) -> String {
        match view {
            View::Repositories => "ECR repositories".into(),
            View::Images { repo, .. } => format!("Images in {repo}"),
            View::Image { at, repo, digest } => {
                let tag = state.image(at, repo, digest).and_then(|i| i.tags.first());
                let name = tag.map(|t| format!("{repo}:{t}"));
                crate::services::room::named("Image", name.as_deref(), short(digest))
            }
        }
    }

    fn crumb(_state: &Self::State, view: &View) -> String {
        match view {
            View::Repositories => String::new(),
            View::Images { repo, .. } => repo.clone(),
            View::Image { digest, .. } => short(digest).to_string(),
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Repositories => "ecr-repositories".to_string(),
            View::Images { repo, .. } => format!("ecr-{repo}-images"),
            View::Image { repo, digest, .. } => format!("ecr-{repo}-{}-findings", short(digest)),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a EcrData, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Repositories => Some(v.visit(all(&state.repositories))),
            // A repository that left the data is an empty table, not no table.
            View::Images { at, repo } => Some(v.visit(match state.repository(at, repo) {
                Some(r) => all(&r.images).context("region", &r.region).context("repository", &r.name),
                None => all(&[]),
            })),
            View::Image { at, repo, digest } => Some(v.visit(match state.image(at, repo, digest) {
                Some(i) => all(i.details.as_deref().unwrap_or(&[])),
                None => all(&[]),
            })),
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a EcrData, v: &mut V) {
        v.visit("repositories", all(&state.repositories));
        for r in &state.repositories {
            v.visit("images", all(&r.images).context("region", &r.region).context("repository", &r.name));
        }
    }

    /// The opened image: its findings are read for it alone.
    fn visible(view: &View, _on_screen: Vec<String>) -> Vec<String> {
        match view {
            View::Image { at, repo, digest } => vec![crate::services::msg::scoped(at, &format!("{repo}@{digest}"))],
            _ => Vec::new(),
        }
    }

    fn snapshot(state: &EcrData, settings: &Settings) -> snapshot::EcrOut {
        snapshot::ecr(state, &settings.accounts)
    }
}

fn short(digest: &str) -> &str {
    let d = digest.strip_prefix("sha256:").unwrap_or(digest);
    &d[..d.len().min(12)]
}
