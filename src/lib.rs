//! awstop: a live terminal dashboard for AWS Lambda, ECS/Fargate and Batch.

pub mod app;
pub mod cli;
pub mod coldstart;
pub mod domain;
pub mod fmt;
pub mod once;
pub mod run;
pub mod snapshot;
pub mod source;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod policy;
pub mod record;
