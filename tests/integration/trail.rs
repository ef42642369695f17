//! Who changed what (CloudTrail LookupEvents) and which alarms changed
//! state (CloudWatch DescribeAlarmHistory). moto serves neither (500), so
//! the answers are mocked on their real shapes: paging, throttling, the pace
//! of 2 requests a second per account and region (on a paused clock), the
//! actor, and request parameters that are never kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudtrail::operation::lookup_events::{LookupEventsError, LookupEventsOutput};
use aws_sdk_cloudtrail::types::{Event, LookupAttributeKey, Resource};
use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
use aws_sdk_cloudwatch::types::{AlarmHistoryItem, HistoryItemType};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use chrono::{DateTime, Utc};
use tokio::time::Instant;

use awstop::app::model::Model;
use awstop::app::msg::{DataMsg, Msg};
use awstop::app::update;
use awstop::changes::ChangeSource;
use awstop::services::live::{Live, Options, RegionClients};
use awstop::source::trail::Trail;

use crate::common::*;

/// A secret a caller put in a request: it must never leave the event.
const PLANTED: &str = "planted-secret-7c1e";

/// The demo's frozen clock: the changes read here join the demo's own.
fn now() -> DateTime<Utc> {
    FROZEN.parse().unwrap()
}

fn secs(t: DateTime<Utc>) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_secs(t.timestamp())
}

/// An event as LookupEvents returns it: its JSON carries the caller and the
/// request's parameters, among them a secret.
fn event(name: &str, function: &str, at: DateTime<Utc>, arn: &str) -> Event {
    let json = serde_json::json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:alice",
            "arn": arn,
            "accountId": "123456789012",
            "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "Deployer"}}
        },
        "eventTime": at.to_rfc3339(),
        "eventSource": "lambda.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.9",
        "requestParameters": {
            "functionName": function,
            "environment": {"variables": {"DB_PASSWORD": PLANTED}}
        },
        "responseElements": {"functionName": function, "environment": {"variables": {"DB_PASSWORD": PLANTED}}},
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true
    });
    Event::builder()
        .event_id(format!("{name}-{function}-{}", at.timestamp()))
        .event_name(name)
        .read_only("false")
        .event_time(secs(at))
        .event_source("lambda.amazonaws.com")
        .username("alice")
        .resources(Resource::builder().resource_type("AWS::Lambda::Function").resource_name(function).build())
        .cloud_trail_event(json.to_string())
        .build()
}

const ALICE: &str = "arn:aws:sts::123456789012:assumed-role/Deployer/alice";

/// Three pages of events, each request's time kept in `sent`.
fn three_pages(sent: Arc<Mutex<Vec<Instant>>>) -> aws_sdk_cloudtrail::Client {
    let writes_only = |r: &aws_sdk_cloudtrail::operation::lookup_events::LookupEventsInput| {
        let attrs = r.lookup_attributes();
        attrs.len() == 1
            && attrs[0].attribute_key() == &LookupAttributeKey::ReadOnly
            && attrs[0].attribute_value() == "false"
            && r.max_results() == Some(50)
    };
    let page = |token: Option<&'static str>, next: Option<&'static str>, fun: &'static str, min: i64| {
        let sent = sent.clone();
        mock!(aws_sdk_cloudtrail::Client::lookup_events)
            .match_requests(move |r| writes_only(r) && r.next_token() == token)
            .then_output(move || {
                sent.lock().unwrap().push(Instant::now());
                LookupEventsOutput::builder()
                    .events(event("UpdateFunctionCode20150331v2", fun, now() - chrono::Duration::minutes(min), ALICE))
                    .set_next_token(next.map(str::to_string))
                    .build()
            })
    };
    let rules = [
        page(None, Some("p2"), "orders-api", 5),
        page(Some("p2"), Some("p3"), "billing", 20),
        page(Some("p3"), None, "image-resize", 40),
    ];
    mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &rules)
}

fn live_with(regions: Vec<RegionClients>, cloudtrail: bool) -> Live {
    let opts = Options {
        regions: regions.iter().map(|r| r.name.clone()).collect(),
        cloudtrail,
        ..mock_options()
    };
    Live::from_clients(opts, regions, crate::budget::sts())
}

/// No more than 2 of `sent` in any second, its ends included.
fn within_pace(sent: &[Instant]) -> bool {
    sent.iter().all(|t| sent.iter().filter(|u| **u >= *t && **u - *t <= Duration::from_secs(1)).count() <= 2)
}

#[tokio::test(start_paused = true)]
async fn three_pages_are_read_at_two_a_second_per_region_and_regions_do_not_wait_for_each_other() {
    let (east, west) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
    let live = live_with(
        vec![
            RegionClients::new("us-east-1", no_metrics()).with_trail(three_pages(east.clone())),
            RegionClients::new("eu-west-1", no_metrics()).with_trail(three_pages(west.clone())),
        ],
        true,
    );
    let start = Instant::now();
    let msgs = awstop::source::trail::once(&live, start + Duration::from_secs(60), Duration::from_secs(60)).await;
    let (east, west) = (east.lock().unwrap().clone(), west.lock().unwrap().clone());
    assert_eq!((east.len(), west.len()), (3, 3), "every page of both regions");
    assert!(within_pace(&east) && within_pace(&west), "{east:?} {west:?}");
    // A third page waits for the second's second; one limit for all would
    // have made the six requests take two seconds or more.
    assert!(east[2] - start >= Duration::from_secs(1), "{:?}", east[2] - start);
    assert!(start.elapsed() < Duration::from_millis(1500), "{:?}", start.elapsed());
    assert_eq!(msgs.len(), 2);
    for m in &msgs {
        let DataMsg::Changes { changes, unread, .. } = m else {
            panic!("{m:?}");
        };
        assert!(unread.is_empty(), "{unread:?}");
        let got: Vec<_> = changes.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.actor.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("orders-api", "UpdateFunctionCode", Some("alice")),
                ("billing", "UpdateFunctionCode", Some("alice")),
                ("image-resize", "UpdateFunctionCode", Some("alice")),
            ]
        );
        assert!(changes.iter().all(|c| c.source == ChangeSource::CloudTrail && c.service == "lambda"));
    }
}

#[tokio::test(start_paused = true)]
async fn a_throttled_page_is_asked_again_after_a_wait_and_a_lasting_one_gives_up() {
    let throttle = || {
        LookupEventsError::generic(ErrorMetadata::builder().code("ThrottlingException").message("Rate exceeded").build())
    };
    let throttled = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_error(throttle);
    let ok = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_output(|| {
        LookupEventsOutput::builder()
            .events(event("UpdateFunctionConfiguration20150331v2", "orders-api", now(), ALICE))
            .build()
    });
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::Sequential, [&throttled, &ok]);
    let mut pace = awstop::aws::cloudtrail::pace();
    let start = Instant::now();
    let since = now() - chrono::Duration::hours(1);
    let looked = awstop::aws::cloudtrail::look(&client, &mut pace, since, now(), "", "us-east-1", None)
        .await
        .expect("read after the throttle");
    assert_eq!((throttled.num_calls(), ok.num_calls()), (1, 1));
    assert!(start.elapsed() >= awstop::aws::cloudtrail::FIRST_BACKOFF, "{:?}", start.elapsed());
    assert_eq!(looked.changes.len(), 1);
    assert_eq!(looked.changes[0].action, "UpdateFunctionConfiguration");
    assert_eq!(looked.newest, Some(now()));

    // Throttled every time: a few tries, each its own request (the SDK
    // retries nothing behind the pace), then the look gives up.
    let always = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_error(throttle);
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&always]);
    let e = awstop::aws::cloudtrail::look(&client, &mut pace, since, now(), "", "us-east-1", None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, awstop::aws::ErrorKind::Throttled);
    assert_eq!(e.operation, "LookupEvents");
    assert_eq!(always.num_calls() as u32, awstop::aws::cloudtrail::THROTTLED_TRIES + 1);
}

fn alarms() -> (aws_smithy_mocks::Rule, aws_smithy_mocks::Rule) {
    let item = |name: &str, min: i64, old: &str, new: &str| {
        AlarmHistoryItem::builder()
            .alarm_name(name)
            .alarm_type(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
            .timestamp(secs(now() - chrono::Duration::minutes(min)))
            .history_item_type(HistoryItemType::StateUpdate)
            .history_summary(format!("Alarm updated from {old} to {new}"))
            .history_data(
                serde_json::json!({
                    "version": "1.0",
                    "oldState": {"stateValue": old, "stateReason": "Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (5.0)."},
                    "newState": {"stateValue": new, "stateReason": "Threshold Crossed: 1 datapoint [18.0] was greater than the threshold (5.0).",
                        "stateReasonData": {"version": "1.0", "statistic": "Sum", "threshold": 5.0}}
                })
                .to_string(),
            )
            .build()
    };
    let first = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
        .match_requests(|r| r.history_item_type() == Some(&HistoryItemType::StateUpdate) && r.next_token().is_none())
        .then_output(move || {
            DescribeAlarmHistoryOutput::builder()
                .alarm_history_items(item("orders-api-errors", 3, "OK", "ALARM"))
                .next_token("n2")
                .build()
        });
    let second = mock!(aws_sdk_cloudwatch::Client::describe_alarm_history)
        .match_requests(|r| r.history_item_type() == Some(&HistoryItemType::StateUpdate) && r.next_token() == Some("n2"))
        .then_output(move || {
            DescribeAlarmHistoryOutput::builder()
                .alarm_history_items(item("checkout-5xx", 30, "ALARM", "OK"))
                .build()
        });
    (first, second)
}

#[tokio::test(start_paused = true)]
async fn a_denied_lookup_leaves_the_services_changes_with_a_reason_and_alarms_still_listed() {
    let denied = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_error(|| {
        LookupEventsError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("User: arn:aws:sts::123456789012:assumed-role/ReadOnly/x is not authorized to perform: cloudtrail:LookupEvents")
                .build(),
        )
    });
    let (first, second) = alarms();
    let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&denied]);
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&first, &second]);
    let live = live_with(
        vec![RegionClients::new("us-east-1", no_metrics()).with_trail(trail).with_alarms(cw)],
        true,
    );
    let mut t = Trail::default();
    let m1 = t.look(&live, &live.regions[0], now()).await.unwrap();
    // Refused: not asked again for a while, and still said why.
    let m2 = t.look(&live, &live.regions[0], now() + chrono::Duration::minutes(1)).await.unwrap();
    assert_eq!(denied.num_calls(), 1);
    assert_eq!((first.num_calls(), second.num_calls()), (2, 2), "alarms are read, every page, every look");
    for m in [&m1, &m2] {
        let DataMsg::Changes { unread, .. } = m else { panic!("{m:?}") };
        assert_eq!(unread.len(), 1, "{unread:?}");
        assert_eq!((unread[0].operation.as_str(), unread[0].kind), ("LookupEvents", awstop::aws::ErrorKind::AccessDenied));
    }

    let mut m = demo_model(140, 40);
    update(&mut m, Msg::Data(m1));
    let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
    let alarms: Vec<(&str, &str, &str)> = snap["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "alarm")
        .map(|c| (c["resource"].as_str().unwrap(), c["action"].as_str().unwrap(), c["service"].as_str().unwrap()))
        .collect();
    assert_eq!(alarms, [("orders-api-errors", "OK → ALARM", "cloudwatch"), ("checkout-5xx", "ALARM → OK", "cloudwatch")]);
    assert_eq!(snap["changes_unread"][0]["operation"], "LookupEvents");
    assert_eq!(snap["changes_unread"][0]["kind"], "access_denied");
    // Not a failed read of the dashboard's own: the errors stay the rooms'.
    assert!(snap["errors"].as_array().unwrap().iter().all(|e| e["operation"] != "LookupEvents"), "{}", snap["errors"]);
    // `:changes` lists the alarm and says why who is not known.
    colon_changes(&mut m);
    let s = screen(&m);
    assert!(
        s.contains("! CloudTrail not read in us-east-1: changes are the services' own, without who made them (AccessDeniedException"),
        "{s}"
    );
    assert!(s.contains("orders-api-errors") && s.contains("OK → ALARM") && s.contains("alarm history"), "{s}");
}

#[tokio::test(start_paused = true)]
async fn without_cloudtrail_lookup_events_is_never_asked() {
    let any = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_output(|| LookupEventsOutput::builder().build());
    let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&any]);
    let live = live_with(vec![RegionClients::new("us-east-1", no_metrics()).with_trail(trail)], false);
    assert_eq!(Trail::default().look(&live, &live.regions[0], now()).await, None);
    assert_eq!(any.num_calls(), 0);
}

#[tokio::test]
async fn the_actor_is_an_assumed_roles_session_and_request_parameters_go_nowhere() {
    // The demo's orders-api has its code updated a few minutes before each
    // error burst: CloudTrail's event of that minute names who did it.
    let mut m = demo_model(140, 40);
    let suspect = m.data.suspects().next().cloned().expect("the demo names a suspect");
    assert_eq!(suspect.resource, "orders-api");
    assert_eq!(suspect.change.actor, None);
    let at = suspect.change.at + chrono::Duration::seconds(7);
    let ct = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_output(move || {
        LookupEventsOutput::builder()
            .events(event("UpdateFunctionCode20150331v2", "orders-api", at, ALICE))
            .events(event("UpdateFunctionConfiguration20150331v2", "billing", at, "arn:aws:iam::123456789012:user/bob"))
            .build()
    });
    let trail = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&ct]);
    let live = live_with(vec![RegionClients::new("us-east-1", no_metrics()).with_trail(trail)], true);
    let msg = Trail::default().look(&live, &live.regions[0], m.data.now).await.unwrap();

    // Into a recording, as `awstop record` writes it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let header = awstop::record::Header::new(None, vec!["us-east-1".into()], m.data.now);
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let mut w = awstop::record::writer::Writer::create(&path, header, key, false).unwrap();
    w.record(m.data.now, &msg).unwrap();
    w.finish(m.data.now).unwrap();
    let recorded = std::fs::read_to_string(&path).unwrap();
    assert!(recorded.contains("alice") && recorded.contains("orders-api"), "{recorded}");
    assert!(!recorded.contains(PLANTED) && !recorded.contains("DB_PASSWORD") && !recorded.contains("203.0.113.9"), "{recorded}");

    update(&mut m, Msg::Data(msg));
    let s = m.data.suspects().next().cloned().unwrap();
    assert_eq!((s.resource.as_str(), s.change.actor.as_deref()), ("orders-api", Some("alice")));
    let snap = serde_json::to_string(&awstop::snapshot::from_model(&m, 60)).unwrap();
    assert!(!snap.contains(PLANTED) && !snap.contains("DB_PASSWORD"));
    let v: serde_json::Value = serde_json::from_str(&snap).unwrap();
    let changes = v["changes"].as_array().unwrap();
    // The service's change of that minute gained its actor; no second row.
    let orders: Vec<_> = changes.iter().filter(|c| c["resource"] == "orders-api" && c["at"] == v["suspects"][0]["change"]["at"]).collect();
    assert_eq!(orders.len(), 1, "{changes:?}");
    assert_eq!((orders[0]["actor"].as_str(), orders[0]["source"].as_str()), (Some("alice"), Some("service_api")));
    let bob: Vec<_> = changes.iter().filter(|c| c["source"] == "cloudtrail").collect();
    assert_eq!(bob.len(), 1, "{changes:?}");
    assert_eq!((bob[0]["resource"].as_str(), bob[0]["action"].as_str()), (Some("billing"), Some("UpdateFunctionConfiguration")));
    assert_eq!(bob[0]["actor"], "arn:aws:iam::123456789012:user/bob");
    assert_eq!(v["suspects"][0]["change"]["actor"], "alice");
    act(&mut m, &[awstop::app::keymap::Action::Pane(awstop::app::model::Pane::Overview)]);
    let overview = screen(&m);
    let line = overview.lines().find(|l| l.contains("Suspect")).unwrap_or_else(|| panic!("{overview}"));
    assert!(line.contains("since Modified by alice at 13:36"), "{line}");
}

fn colon_changes(m: &mut Model) {
    use awstop::app::keymap::Action::{Pane, StartCommand, Submit};
    act(m, &[Pane(awstop::app::model::Pane::Overview), StartCommand]);
    typed(m, "changes");
    act(m, &[Submit]);
    assert_eq!(m.view(), &awstop::app::model::View::Changes);
}

#[test]
fn against_moto_an_unserved_lookup_is_a_reason_not_a_failure_and_no_cloudtrail_never_asks() {
    let moto = crate::common::moto::Moto::start();
    moto.seed("basic");
    let (snap, out) = moto.once();
    let unread: Vec<&str> = snap["changes_unread"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&out.stderr)))
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    // moto serves neither: both say so, and neither is among the rooms' errors.
    assert_eq!(unread, ["LookupEvents", "DescribeAlarmHistory"]);
    assert_eq!(snap["api"]["calls"]["cloudtrail.LookupEvents"], 1, "{}", snap["api"]["calls"]);
    assert!(snap["errors"].as_array().unwrap().iter().all(|e| e["service"] != "cloudtrail"));
    let out = moto.awstop(&["--once", "--format", "json", "--no-cloudtrail"]);
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(snap["api"]["calls"].get("cloudtrail.LookupEvents").is_none(), "{}", snap["api"]["calls"]);
    assert_eq!(snap["changes_unread"][0]["operation"], "DescribeAlarmHistory");
    assert_eq!(snap["changes_unread"].as_array().unwrap().len(), 1);
}
