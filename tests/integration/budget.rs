//! The CloudWatch budget holds at any account size: every poller of the live
//! source runs for two simulated hours on a virtual clock against mocked
//! clients, and each metric CloudWatch is asked for is counted where the
//! request arrives, not where awstop thinks it sent it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
use aws_sdk_lambda::types::FunctionConfiguration;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use tokio::time::Instant;

use awstop::services::lambda::{self, LambdaData};
use awstop::services::live::{Live, RegionClients};
use awstop::services::msg::{DataMsg, SourceCmd};
use awstop::services::room::Registered;
use awstop::services::{Lambda, ServiceKind};

/// Each GetMetricData request as CloudWatch saw it: when, how many metrics,
/// and whether it asked for the first function's per-minute series.
type Seen = Arc<Mutex<Vec<(Instant, u64, bool)>>>;

pub(crate) fn name(i: usize) -> String {
    format!("fn-{i:05}")
}

/// A CloudWatch that answers every query and records each request in
/// `seen`, and those over last week's window in `week` as well.
fn cloudwatch(seen: Seen, week: Option<Seen>) -> aws_sdk_cloudwatch::Client {
    let answer = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(move |r| {
            let start = r.start_time().map_or(0, |t| t.secs());
            if let Some(week) = week.as_ref().filter(|_| start < chrono::Utc::now().timestamp() - 6 * 86_400) {
                week.lock().unwrap().push((Instant::now(), r.metric_data_queries().len() as u64, false));
            }
            let first_series = r.metric_data_queries().iter().any(|q| {
                q.metric_stat().is_some_and(|s| {
                    s.period() == Some(60)
                        && s.metric().is_some_and(|m| {
                            m.dimensions().iter().any(|d| d.value() == Some(&name(0)))
                        })
                })
            });
            seen.lock().unwrap().push((
                Instant::now(),
                r.metric_data_queries().len() as u64,
                first_series,
            ));
            true
        })
        .then_compute_output(sevens);
    mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answer])
}

/// Every query answered with 7 at the window's start, under the id it was asked with.
pub(crate) fn sevens(
    r: &aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput,
) -> GetMetricDataOutput {
    let at = r.start_time().cloned().unwrap();
    let results = r
        .metric_data_queries()
        .iter()
        .map(|q| {
            MetricDataResult::builder()
                .id(q.id().unwrap_or_default())
                .timestamps(at)
                .values(7.0)
                .build()
        })
        .collect::<Vec<_>>();
    GetMetricDataOutput::builder()
        .set_metric_data_results(Some(results))
        .build()
}

fn account(n: usize, seen: Seen, week: Seen, metrics_all: bool) -> Live {
    let region = RegionClients::new("eu-west-1", cloudwatch(seen, Some(week))).with::<Lambda>(functions(n));
    let opts = awstop::services::live::Options {
        // The default: rows on screen and offenders, within the budget.
        metrics_all,
        ..crate::common::mock_options()
    };
    Live::from_clients(opts, vec![region], sts())
}

/// `n` functions named by `name`, with no mappings and no REPORT records.
pub(crate) fn functions(n: usize) -> lambda::Clients {
    functions_in_pages(&[n])
}

/// Likewise, listed in pages of these sizes (marker `p1` asks for the second).
pub(crate) fn functions_in_pages(pages: &[usize]) -> lambda::Clients {
    let mut first = 0;
    let mut rules = Vec::new();
    for (k, size) in pages.iter().enumerate() {
        let functions: Vec<FunctionConfiguration> = (first..first + size)
            .map(|i| {
                FunctionConfiguration::builder()
                    .function_name(name(i))
                    .memory_size(128)
                    .timeout(3)
                    .build()
            })
            .collect();
        first += size;
        let marker = (k > 0).then(|| format!("p{k}"));
        let next = (k + 1 < pages.len()).then(|| format!("p{}", k + 1));
        rules.push(
            mock!(aws_sdk_lambda::Client::list_functions)
                .match_requests(move |r| r.marker() == marker.as_deref())
                .then_output(move || {
                    ListFunctionsOutput::builder()
                        .set_functions(Some(functions.clone()))
                        .set_next_marker(next.clone())
                        .build()
                }),
        );
    }
    let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .then_output(|| ListEventSourceMappingsOutput::builder().build());
    rules.push(mappings);
    // Functions never published nor aliased: their versions and aliases
    // (read for the functions on screen) are empty.
    rules.push(mock!(aws_sdk_lambda::Client::list_versions_by_function).then_output(|| {
        aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput::builder().build()
    }));
    rules.push(mock!(aws_sdk_lambda::Client::list_aliases).then_output(|| {
        aws_sdk_lambda::operation::list_aliases::ListAliasesOutput::builder().build()
    }));
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules.iter());
    let no_reports = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_output(|| {
        aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput::builder()
            .build()
    });
    let logs = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&no_reports]);
    lambda::Clients { lambda, logs }
}

pub(crate) fn sts() -> aws_sdk_sts::Client {
    let me = mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
            .account("123456789012")
            .arn("arn:aws:iam::123456789012:user/auditor")
            .build()
    });
    mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&me])
}

/// What simulated hours of watching asked CloudWatch for, the last
/// Lambda data the dashboard was sent, awstop's own count, and the
/// requests over last week's window among them.
async fn watch(
    n: usize,
    rows_on_screen: usize,
    metrics_all: bool,
    hours: u64,
) -> (Vec<(Instant, u64, bool)>, LambdaData, u64, Vec<(Instant, u64, bool)>) {
    let seen: Seen = Default::default();
    let week: Seen = Default::default();
    let live = account(n, seen.clone(), week.clone(), metrics_all);
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    let counted = Arc::new(Mutex::new(0u64));
    let last: Arc<Mutex<Option<LambdaData>>> = Default::default();
    let (c, l) = (counted.clone(), last.clone());
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            match m {
                DataMsg::Loaded { payload, .. } => {
                    if let Some(d) = Lambda::payload(payload) {
                        *l.lock().unwrap() = Some(d);
                    }
                }
                DataMsg::Api {
                    metrics_requested, ..
                } => *c.lock().unwrap() = metrics_requested,
                _ => {}
            }
        }
    });
    cmd_tx
        .send(SourceCmd::Visible {
            service: ServiceKind::Lambda,
            keys: (0..rows_on_screen).map(name).collect(),
        })
        .await
        .unwrap();
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    tokio::time::sleep(Duration::from_secs(hours * 3600)).await;
    source.abort();
    let seen = seen.lock().unwrap().clone();
    let last = last.lock().unwrap().take().expect("Lambda data was sent");
    let counted = *counted.lock().unwrap();
    let week = week.lock().unwrap().clone();
    (seen, last, counted, week)
}

/// The most metrics asked for in any sliding hour.
fn worst_hour(seen: &[(Instant, u64, bool)]) -> u64 {
    (0..seen.len())
        .map(|i| {
            seen[i..]
                .iter()
                .take_while(|(t, _, _)| t.duration_since(seen[i].0) < Duration::from_secs(3600))
                .map(|(_, n, _)| n)
                .sum()
        })
        .max()
        .unwrap_or(0)
}

async fn holds_at(n: usize) -> LambdaData {
    let (seen, last, counted, week) = watch(n, 34, false, 2).await;
    let asked: u64 = seen.iter().map(|(_, n, _)| n).sum();
    let worst = worst_hour(&seen);
    let screen = seen.iter().filter(|(_, _, first)| *first).count();
    let ranked = last
        .functions
        .iter()
        .filter(|f| f.stats.invocations.is_some())
        .count();
    eprintln!(
        "{n} functions: {asked} metrics in 2 h, worst hour {worst} (${:.3}), screen refreshes {screen}, {ranked} ranked, note {:?}",
        worst as f64 * 1e-5,
        last.budget
    );
    assert!(worst <= 25_000, "{worst} metrics in one hour: over $0.25");
    // Week over week is on, and counted within that bound: the 34 rows on
    // screen by four figures of last week's window, every 15 minutes (8
    // reads in two hours, 9 with the first), never more.
    let week_asked: u64 = week.iter().map(|(_, n, _)| n).sum();
    eprintln!("{n} functions: {} week-ago requests, {week_asked} metrics", week.len());
    assert!((8..=9).contains(&week.len()), "{} week-ago requests", week.len());
    assert!(week.iter().all(|(_, q, _)| *q == 34 * 4), "{week:?}");
    assert!(week_asked <= 9 * 34 * 4);
    // awstop's own meter counts what CloudWatch saw, last week's included.
    assert_eq!(counted, asked);
    // The rows on screen were not starved: read about every minute.
    assert!(
        screen >= 110,
        "the first row was read {screen} times in two hours"
    );
    // The budget is used, not left idle: off-screen functions got ranked.
    assert!(ranked > 1000.min(n) / 2, "{ranked} of {n} functions read");
    last
}

#[tokio::test(start_paused = true)]
async fn an_hour_at_a_thousand_functions_stays_within_the_budget() {
    let last = holds_at(1_000).await;
    // A thousand functions fit: every one was read, the screen in full.
    assert!(last.functions.iter().all(|f| f.stats.invocations.is_some()));
    let top = last.functions.iter().find(|f| f.name == name(0)).unwrap();
    assert!(!top.stats.ranked && top.stats.concurrent_max.is_some());
}

#[tokio::test(start_paused = true)]
async fn an_hour_at_ten_thousand_functions_stays_within_the_budget_and_says_so() {
    let last = holds_at(10_000).await;
    // Ten thousand do not fit in a sweep every 15 minutes: the pane says why
    // the off-screen figures are older.
    let note = last.budget.as_deref().unwrap_or_default();
    assert!(
        note.contains("budget $0.25/h") || note.contains("$0.25/h budget"),
        "{note:?}"
    );
    let unread = last.functions.iter().filter(|f| f.stats.pending).count();
    assert!(
        unread > 0,
        "ten thousand functions cannot all be read within the budget in two hours"
    );
}

#[tokio::test(start_paused = true)]
async fn metrics_all_is_read_in_full_and_says_it_is_over_the_budget() {
    let (seen, last, _, _) = watch(100, 34, true, 1).await;
    // Asked for explicitly: every function, every minute, never held back.
    assert!(worst_hour(&seen) > 25_000, "{}", worst_hour(&seen));
    assert!(last
        .functions
        .iter()
        .all(|f| !f.stats.ranked && f.stats.concurrent_max.is_some()));
    // 704 metrics a minute: $0.42 an hour.
    assert_eq!(
        last.budget.as_deref(),
        Some("--metrics all ≈$0.42/h, over the $0.25/h budget")
    );
}

#[test]
fn once_says_what_it_costs_when_that_is_over_the_budget_and_reads_anyway() {
    let moto = crate::common::moto::Moto::start();
    moto.seed("wide");
    let out = moto.awstop(&[
        "--once",
        "--format",
        "json",
        "--cold-starts",
        "filter",
        "--budget",
        "0.001",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let functions = snap["lambda"]["functions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // 100 functions: 7 metrics each, 4 of last week's window each, and the
    // 4 account totals.
    assert!(
        err.contains("asks CloudWatch for 1104 metrics (≈$0.01), more than the $0.001/h budget; reading them anyway"),
        "{err}"
    );
    assert_eq!(functions.len(), 100);
    assert!(
        functions
            .iter()
            .all(|f| f["metrics"]["invocations"].is_number()),
        "read anyway"
    );
    // Within the budget, nothing is said.
    let quiet = moto.awstop(&["--once", "--format", "json", "--cold-starts", "filter"]);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("budget"));
}

/// Two REST APIs with one stage each, and a CloudWatch that answers every
/// query: the budget decides what is asked.
fn two_apis(seen: Seen, usd_per_hour: f64) -> Live {
    let region = RegionClients::new("eu-west-1", cloudwatch(seen, None))
        .with::<awstop::services::ApiGateway>(apis());
    let sts = mock_client!(
        aws_sdk_sts,
        RuleMode::MatchAny,
        Vec::<&aws_smithy_mocks::Rule>::new()
    );
    let opts = awstop::services::live::Options {
        metrics_all: false,
        budget_usd_per_hour: usd_per_hour,
        ..crate::common::mock_options()
    };
    Live::from_clients(opts, vec![region], sts)
}

/// REST APIs `a1` ("shown") and `a2` ("hidden"), a `prod` stage each.
pub(crate) fn apis() -> awstop::services::apigateway::Clients {
    use aws_sdk_apigateway::operation::{
        get_deployments::GetDeploymentsOutput, get_resources::GetResourcesOutput,
        get_rest_apis::GetRestApisOutput, get_stages::GetStagesOutput,
    };
    use aws_sdk_apigateway::types::{RestApi, Stage};
    let apis = mock!(aws_sdk_apigateway::Client::get_rest_apis).then_output(|| {
        GetRestApisOutput::builder()
            .items(RestApi::builder().id("a1").name("shown").build())
            .items(RestApi::builder().id("a2").name("hidden").build())
            .build()
    });
    let stages = mock!(aws_sdk_apigateway::Client::get_stages).then_output(|| {
        GetStagesOutput::builder()
            .item(Stage::builder().stage_name("prod").build())
            .build()
    });
    let resources = mock!(aws_sdk_apigateway::Client::get_resources)
        .then_output(|| GetResourcesOutput::builder().build());
    let deployments = mock!(aws_sdk_apigateway::Client::get_deployments)
        .then_output(|| GetDeploymentsOutput::builder().build());
    let rest = mock_client!(
        aws_sdk_apigateway,
        RuleMode::MatchAny,
        [&apis, &stages, &resources, &deployments]
    );
    let v2 = mock!(aws_sdk_apigatewayv2::Client::get_apis).then_output(|| {
        aws_sdk_apigatewayv2::operation::get_apis::GetApisOutput::builder().build()
    });
    let http = mock_client!(aws_sdk_apigatewayv2, RuleMode::MatchAny, [&v2]);
    awstop::services::apigateway::Clients { rest, http }
}

#[tokio::test(start_paused = true)]
async fn api_gateway_reads_the_apis_on_screen_first_and_the_budget_holds_back_the_rest() {
    use awstop::services::apigateway::ApiGatewayData;
    use awstop::services::ApiGateway;
    let seen: Seen = Default::default();
    // $0.0001 an hour buys 10 metrics: one REST stage's six, for the screen.
    let live = two_apis(seen.clone(), 0.0001);
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    cmd_tx
        .send(SourceCmd::Visible {
            service: ServiceKind::ApiGateway,
            keys: vec!["a1".into()],
        })
        .await
        .unwrap();
    let last: Arc<Mutex<Option<ApiGatewayData>>> = Default::default();
    let l = last.clone();
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if let DataMsg::Loaded { payload, .. } = m {
                if let Some(d) = ApiGateway::payload(payload) {
                    *l.lock().unwrap() = Some(d);
                }
            }
        }
    });
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    tokio::time::sleep(Duration::from_secs(30)).await;
    source.abort();
    let d = last
        .lock()
        .unwrap()
        .take()
        .expect("API Gateway data was sent");
    let stage = |id: &str| {
        d.apis.iter().find(|a| a.id == id).unwrap().stages[0]
            .metrics
            .clone()
    };
    assert_eq!(stage("a1").requests, Some(7.0), "the API on screen is read");
    assert_eq!(
        stage("a2").requests,
        None,
        "the one off screen waits for the budget"
    );
    let asked: u64 = seen.lock().unwrap().iter().map(|(_, n, _)| n).sum();
    assert!(asked <= 10, "{asked} metrics asked for on a budget of 10");
}

/// Last week's window is read for the rows on screen, at most every 15
/// minutes, and the budget holds with it.
#[tokio::test(start_paused = true)]
async fn week_over_week_reads_the_screen_every_fifteen_minutes_within_the_budget() {
    // Each request: when, how many metrics, whether it asked last week's window.
    let seen: Arc<Mutex<Vec<(Instant, u64, bool)>>> = Default::default();
    let s = seen.clone();
    let answer = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(move |r| {
            let start = r.start_time().map_or(0, |t| t.secs());
            let week = start < chrono::Utc::now().timestamp() - 6 * 86_400;
            s.lock().unwrap().push((Instant::now(), r.metric_data_queries().len() as u64, week));
            true
        })
        .then_compute_output(sevens);
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answer]);
    let region = RegionClients::new("eu-west-1", cw).with::<Lambda>(functions(1_000));
    let opts = awstop::services::live::Options {
        metrics_all: false,
        ..crate::common::mock_options()
    };
    let live = Live::from_clients(opts, vec![region], sts());
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    let last: Arc<Mutex<Option<LambdaData>>> = Default::default();
    let l = last.clone();
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if let DataMsg::Loaded { payload, .. } = m {
                if let Some(d) = Lambda::payload(payload) {
                    *l.lock().unwrap() = Some(d);
                }
            }
        }
    });
    cmd_tx
        .send(SourceCmd::Visible {
            service: ServiceKind::Lambda,
            keys: (0..34).map(name).collect(),
        })
        .await
        .unwrap();
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    tokio::time::sleep(Duration::from_secs(2 * 3600)).await;
    source.abort();
    let seen = seen.lock().unwrap().clone();
    let all: Vec<(Instant, u64, bool)> = seen.clone();
    assert!(worst_hour(&all) <= 25_000, "{}", worst_hour(&all));
    let week: Vec<&(Instant, u64, bool)> = seen.iter().filter(|(_, _, w)| *w).collect();
    // Two hours: a read every 15 minutes is 8 of them (9 with the first),
    // each the 34 rows on screen by 4 figures.
    let t0 = seen[0].0;
    assert!((8..=9).contains(&week.len()), "{} week-ago requests: {:?}", week.len(), week.iter().map(|(t, n, _)| (t.duration_since(t0).as_secs(), *n)).collect::<Vec<_>>());
    assert!(week.iter().all(|(_, n, _)| *n == 34 * 4), "{week:?}");
    for pair in week.windows(2) {
        assert!(pair[1].0.duration_since(pair[0].0) >= Duration::from_secs(900));
    }
    let d = last.lock().unwrap().take().expect("Lambda data was sent");
    let on_screen = d.functions.iter().find(|f| f.name == name(0)).unwrap();
    let w = on_screen.stats.week_ago.as_ref().expect("read for the rows on screen");
    assert_eq!((w.invocations, w.errors, w.throttles, w.duration_avg_ms), (7.0, 7.0, 7.0, Some(7.0)));
    // Off screen: ranked, never compared (unknown, not zero).
    assert!(d.functions.iter().filter(|f| f.stats.ranked).all(|f| f.stats.week_ago.is_none()));
}
