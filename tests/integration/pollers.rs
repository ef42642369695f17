//! Every room's poller is the one loop of `services::poller`: a region a
//! room was given no client for is said once, not at every interval, and
//! its poller ends.

use std::collections::BTreeMap;
use std::time::Duration;

use awstop::services::live::RegionClients;
use awstop::services::msg::DataMsg;
use awstop::services::ServiceKind;

#[tokio::test(start_paused = true)]
async fn a_room_without_a_client_in_a_region_says_so_once() {
    let live = crate::common::mock_live(vec![RegionClients::new(
        "eu-west-1",
        crate::common::no_metrics(),
    )]);
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (_cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    let said = tokio::spawn(async move {
        let mut said: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        while let Some(m) = rx.recv().await {
            if let DataMsg::Failed { service, error } = m {
                said.entry(service.name())
                    .or_default()
                    .push(error.operation);
            }
        }
        said
    });
    // Two hours: many intervals of every room.
    tokio::time::sleep(Duration::from_secs(2 * 3600)).await;
    source.abort();
    let said = said.await.unwrap();
    for kind in ServiceKind::ALL {
        assert_eq!(
            said.get(kind.name()).map(Vec::as_slice),
            Some(&["setup".to_string()][..]),
            "{}: {said:?}",
            kind.name()
        );
    }
}
