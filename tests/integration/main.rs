//! The integration tests, as one binary: one link of the AWS SDK instead of
//! one per file. Each module is a subject; `common` holds the shared helpers
//! (a demo Model, moto, a fault proxy, a pseudo-terminal).

mod accounts;
mod apigateway;
mod audit;
mod audit_evidence;
mod audit_moto;
mod audit_tui;
mod audit_update;
mod aws_errors;
mod batch_history;
mod budget;
mod cold_starts_insights;
mod common;
mod config_and_themes;
mod containers;
mod containers_mock;
mod cost;
mod demo_source;
mod e2e_pty;
mod fleet;
mod ecr_history;
mod emr;
mod forgery;
mod gather_windows;
mod help_and_config;
mod hostile;
mod iam_policy;
mod lightsail;
mod live_faults;
mod live_hostile;
mod live_moto;
mod panes;
mod pollers;
mod pricelist;
mod progressive;
mod screens;
mod screenshots;
mod shared_calls;
mod signals;
mod snapshot_contract;
mod triggers;
mod trust;
mod trust_keys;
mod update;
mod week_over_week;
