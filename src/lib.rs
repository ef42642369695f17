//! awstop: a live terminal dashboard for the compute side of an AWS account.

pub mod app;
pub mod aws;
pub mod cli;
pub mod config;
pub mod cost;
pub mod export;
pub mod files;
pub mod fmt;
pub mod hash;
pub mod logging;
pub mod once;
pub mod policy;
pub mod pricing;
pub mod record;
pub mod region;
pub mod replay;
pub mod run;
pub mod series;
pub mod services;
pub mod snapshot;
pub mod source;
pub mod table;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod widgets;
