//! Data sources: the demo account, the live account and a recording played
//! back. Each sends `DataMsg`s and serves `SourceCmd`s; none knows the UI,
//! and none imports another.

pub mod clock;
pub mod demo;
pub mod actuals;
pub mod fleet;
pub mod demo_images;
pub mod digest;
pub mod live;
pub mod replay;
pub mod trail;

pub use crate::services::msg::{DataTx, SourceCmd};
