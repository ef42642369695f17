//! Data sources: the demo account and the live account. Each sends
//! `DataMsg`s and serves `SourceCmd`s; neither knows the UI, and neither
//! imports the other.

pub mod clock;
pub mod demo;
pub mod demo_images;
pub mod live;

pub use crate::services::msg::{DataTx, SourceCmd};
