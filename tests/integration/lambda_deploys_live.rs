//! The live dashboard's read of a function's versions and aliases, on a
//! virtual clock against mocked clients (moto publishes versions but the
//! poller's timing is the subject here): the function on screen is read once,
//! not again within 5 minutes whatever the refreshes, again after 5 minutes,
//! and at once when its code moved; a version published and an alias moved
//! between two reads come out as changes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_lambda::operation::list_aliases::ListAliasesOutput;
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
use aws_sdk_lambda::types::{AliasConfiguration, FunctionConfiguration};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use chrono::{DateTime, Utc};

use awstop::app::model::{Model, SourceLabel};
use awstop::app::msg::{DataMsg, Msg, ServiceKind};
use awstop::app::update::update;
use awstop::services::lambda;
use awstop::services::live::RegionClients;
use awstop::services::msg::SourceCmd;
use awstop::services::room::Registered;
use awstop::services::Lambda;

const NAME: &str = "orders-api";

/// What the mocked account holds now: the function's code digest, its
/// published versions (number, when) and where its alias `live` points.
struct Account {
    sha: String,
    versions: Vec<(String, DateTime<Utc>)>,
    live: String,
}

fn lambda_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// The Lambda rules answering from `account`: the listing, the versions,
/// the aliases, and no mappings.
fn rules(account: Arc<Mutex<Account>>) -> (Rule, Rule, Rule, Rule) {
    let a = account.clone();
    let list = mock!(aws_sdk_lambda::Client::list_functions).then_compute_output(move |_| {
        let a = a.lock().unwrap();
        ListFunctionsOutput::builder()
            .functions(
                FunctionConfiguration::builder()
                    .function_name(NAME)
                    .memory_size(128)
                    .timeout(3)
                    .code_sha256(&a.sha)
                    // Older than the window: only the digest moves (as moto does).
                    .last_modified("2026-01-01T00:00:00.000+0000")
                    .build(),
            )
            .build()
    });
    let a = account.clone();
    let versions = mock!(aws_sdk_lambda::Client::list_versions_by_function)
        .match_requests(|r| r.function_name() == Some(NAME))
        .then_compute_output(move |_| {
            let a = a.lock().unwrap();
            let mut out = ListVersionsByFunctionOutput::builder()
                .versions(FunctionConfiguration::builder().function_name(NAME).version("$LATEST").last_modified("2026-01-01T00:00:00.000+0000").build());
            for (v, at) in &a.versions {
                out = out.versions(FunctionConfiguration::builder().function_name(NAME).version(v).last_modified(lambda_time(*at)).build());
            }
            out.build()
        });
    let a = account;
    let aliases = mock!(aws_sdk_lambda::Client::list_aliases)
        .match_requests(|r| r.function_name() == Some(NAME))
        .then_compute_output(move |_| {
            let a = a.lock().unwrap();
            ListAliasesOutput::builder()
                .aliases(AliasConfiguration::builder().name("live").function_version(&a.live).build())
                .build()
        });
    let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .then_output(|| ListEventSourceMappingsOutput::builder().build());
    (list, versions, aliases, mappings)
}

fn logs() -> aws_sdk_cloudwatchlogs::Client {
    let none = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .then_output(|| aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput::builder().build());
    mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&none])
}

/// Lambda's `Loaded` messages among `msgs`.
fn loaded(msgs: &[DataMsg]) -> usize {
    msgs.iter()
        .filter(|m| matches!(m, DataMsg::Loaded { payload, .. } if Lambda::payload_ref(payload).is_some()))
        .count()
}

#[tokio::test(start_paused = true)]
async fn versions_and_aliases_are_read_again_after_five_minutes_or_at_once_when_the_code_moves() {
    let published = Utc::now() - chrono::Duration::minutes(20);
    let account = Arc::new(Mutex::new(Account {
        sha: "code-a".into(),
        versions: vec![("1".into(), published)],
        live: "1".into(),
    }));
    let (list, versions, aliases, mappings) = rules(account.clone());
    let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&list, &versions, &aliases, &mappings]);
    let region = RegionClients::new("eu-west-1", crate::common::no_metrics())
        .with::<Lambda>(lambda::Clients { lambda: client, logs: logs() });
    let live = crate::common::mock_live(vec![region]);
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    let got: Arc<Mutex<Vec<DataMsg>>> = Default::default();
    let g = got.clone();
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            g.lock().unwrap().push(m);
        }
    });
    cmd_tx
        .send(SourceCmd::Visible { service: ServiceKind::Lambda, keys: vec![NAME.to_string()] })
        .await
        .unwrap();
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    let reads = || (versions.num_calls(), aliases.num_calls());
    let refreshes = || loaded(&got.lock().unwrap());
    let sleep = |s: u64| tokio::time::sleep(Duration::from_secs(s));

    // The first read of the function on screen: its versions and aliases once.
    sleep(30).await;
    assert_eq!(reads(), (1, 1));
    let first = refreshes();
    assert!(first >= 1, "the rows were sent");

    // Refreshes every minute, a refresh asked for (r) among them: not read again.
    sleep(120).await;
    cmd_tx.send(SourceCmd::RefreshAll).await.unwrap();
    sleep(120).await;
    assert!(refreshes() >= first + 3, "refreshed {} times", refreshes() - first);
    assert_eq!(reads(), (1, 1), "read again within 5 minutes");

    // After 5 minutes (at the first refresh past them): read again.
    sleep(150).await;
    assert_eq!(reads(), (2, 2), "not read again after 5 minutes");
    let list_calls = list.num_calls();

    // A minute later the code moves: a new version is published and the
    // alias moved to it. The next listing (asked for) sees the new digest
    // and reads the versions at once, a minute after the last read.
    sleep(60).await;
    {
        let mut a = account.lock().unwrap();
        a.sha = "code-b".into();
        a.versions.push(("2".into(), Utc::now()));
        a.live = "2".into();
    }
    cmd_tx.send(SourceCmd::RefreshAll).await.unwrap();
    sleep(5).await;
    assert!(list.num_calls() > list_calls, "listed again");
    assert_eq!(reads(), (3, 3), "not read at once after the code moved");
    source.abort();

    // What the dashboard makes of them: the version published and the alias
    // moved between two reads are changes, beside the code update.
    let msgs = std::mem::take(&mut *got.lock().unwrap());
    let mut m = Model::new(SourceLabel::Live, Utc::now());
    for msg in msgs {
        update(&mut m, Msg::Data(msg));
    }
    let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
    let changes: Vec<(String, String, String)> = snap["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["service"] == "lambda" && c["resource"] == NAME)
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (s("action"), s("source"), s("at"))
        })
        .collect();
    let has = |action: &str, source: &str| changes.iter().any(|(a, s, _)| a == action && s == source);
    // The first read: the version published inside the window, the alias on it.
    assert!(has("PublishVersion 1", "service_api"), "{changes:?}");
    assert!(has("Alias live → 1", "service_api"), "{changes:?}");
    // Between the reads: the new code, its version, the alias moved.
    assert!(has("UpdateFunctionCode", "refresh"), "{changes:?}");
    assert!(has("PublishVersion 2", "service_api"), "{changes:?}");
    assert!(has("Alias live 1 → 2", "refresh"), "{changes:?}");
    // Each once, though read three times.
    let once = |action: &str| changes.iter().filter(|(a, _, _)| a == action).count();
    assert_eq!((once("PublishVersion 1"), once("PublishVersion 2"), once("Alias live 1 → 2")), (1, 1, 1), "{changes:?}");
}
