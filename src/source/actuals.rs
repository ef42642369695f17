//! `--actuals` for the live source: the bill from Cost Explorer, from the
//! cache while it is under an hour old, else asked (two requests, $0.02).

use chrono::Utc;

use crate::aws::client::{self, CallCounter};
use crate::cost::actuals::{cached, keep, path};
use crate::services::live::Options;
use crate::services::msg::DataMsg;

/// How often the dashboard looks again: the cache decides whether that costs anything.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The bill now: cached or read, or why not.
pub async fn now(opts: &Options, counter: &CallCounter) -> DataMsg {
    let at = Utc::now();
    let file = path();
    if let Some(a) = file.as_deref().and_then(|p| cached(p, at)) {
        return DataMsg::Actuals(Ok(a));
    }
    let cfg = client::load(&opts.conn, Some("us-east-1")).await;
    let ce = crate::aws::actuals::client(&cfg, counter);
    match crate::aws::actuals::read(&ce, at.date_naive(), opts.conn.endpoint_label().as_deref()).await {
        Ok(a) => {
            if let Some(p) = &file {
                if let Err(e) = keep(p, &a) {
                    tracing::warn!("the bill is not kept, and will be asked again: {e}");
                }
            }
            DataMsg::Actuals(Ok(a))
        }
        Err(e) => {
            tracing::warn!(operation = e.operation, "Cost Explorer: {}", e.message);
            DataMsg::Actuals(Err(crate::cost::BillError { operation: e.operation.to_string(), message: e.message }))
        }
    }
}
