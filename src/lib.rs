//! awstop: a live terminal dashboard for AWS Lambda, ECS/Fargate and Batch.

pub mod app;
pub mod cli;
pub mod coldstart;
pub mod config;
pub mod domain;
pub mod export;
pub mod fmt;
pub mod logging;
pub mod once;
pub mod policy;
pub mod record;
pub mod replay;
pub mod run;
pub mod snapshot;
pub mod source;
pub mod terminal;
pub mod theme;
pub mod ui;
