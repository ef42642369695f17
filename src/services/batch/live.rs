//! Batch against the real account: one fetch per region every interval.

use chrono::Utc;

use super::Batch;
use crate::aws::client::CallCounter;
use crate::services::live::{sdk_client, no_client, Live, RegionClients};
use crate::services::msg::DataMsg;
use crate::services::room::{BoxFuture, Registered, RoomLive};

impl RoomLive for Batch {
    type Client = aws_sdk_batch::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_batch, cfg, counter)
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move {
            let fetched_at = Utc::now();
            let Some(c) = r.client::<Batch>() else {
                return no_client(Batch::KIND, &r.name);
            };
            match super::fetch::fetch(c, &r.name, live).await {
                Ok(mut d) => {
                    // Without the definitions the queues still show: say why
                    // a revision is not seen, and keep the rest.
                    let defs = super::fetch::definitions(c, &r.name, live, &d).await;
                    let failed = defs.map(|v| d.definitions = v).err();
                    let mut out = vec![DataMsg::Loaded {
                        account: String::new(),
                        region: r.name.clone(),
                        fetched_at,
                        payload: Batch::wrap(d),
                    }];
                    out.extend(failed.map(|e| DataMsg::failed(Batch::KIND, &r.name, e)));
                    out
                }
                Err(e) => vec![DataMsg::failed(Batch::KIND, &r.name, e)],
            }
        })
    }
}
