//! `--actuals`: Cost Explorer's figures beside the estimate. moto answers
//! GetCostAndUsage with nothing, so the answers are mocked.

use aws_sdk_costexplorer::operation::get_cost_and_usage::GetCostAndUsageOutput;
use aws_sdk_costexplorer::types::{Granularity, Group, MetricValue, ResultByTime};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use chrono::NaiveDate;

use awstop::app::msg::{DataMsg, Msg};
use awstop::app::update;
use awstop::cost::actuals::Actuals;

use crate::common::*;

fn usd(v: &str) -> MetricValue {
    MetricValue::builder().amount(v).unit("USD").build()
}

fn group(service: &str, v: &str) -> Group {
    Group::builder().keys(service).metrics("UnblendedCost", usd(v)).build()
}

#[tokio::test]
async fn yesterday_by_service_over_every_page_and_the_month_so_far() {
    let first = mock!(aws_sdk_costexplorer::Client::get_cost_and_usage)
        .match_requests(|r| r.granularity() == Some(&Granularity::Daily) && r.next_page_token().is_none())
        .then_output(|| {
            GetCostAndUsageOutput::builder()
                .results_by_time(
                    ResultByTime::builder()
                        .groups(group("AWS Lambda", "30.25"))
                        .groups(group("Amazon Elastic Container Service", "10.00"))
                        .build(),
                )
                .next_page_token("p2")
                .build()
        });
    let second = mock!(aws_sdk_costexplorer::Client::get_cost_and_usage)
        .match_requests(|r| r.next_page_token() == Some("p2"))
        .then_output(|| {
            GetCostAndUsageOutput::builder()
                .results_by_time(ResultByTime::builder().groups(group("AWS Lambda", "1.25")).groups(group("Tax", "not a number")).build())
                .build()
        });
    let month = mock!(aws_sdk_costexplorer::Client::get_cost_and_usage)
        .match_requests(|r| {
            r.granularity() == Some(&Granularity::Monthly)
                && r.time_period().map(|p| (p.start(), p.end())) == Some(("2026-12-01", "2026-12-07"))
        })
        .then_output(|| {
            GetCostAndUsageOutput::builder()
                .results_by_time(ResultByTime::builder().total("UnblendedCost", usd("250.5")).build())
                .build()
        });
    let ce = mock_client!(aws_sdk_costexplorer, RuleMode::MatchAny, [&first, &second, &month]);
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let a = awstop::aws::actuals::read(&ce, today, None).await.unwrap();
    assert_eq!(a.yesterday_by_service["AWS Lambda"], 31.5);
    assert_eq!(a.yesterday_by_service["Amazon Elastic Container Service"], 10.0);
    // An amount that is not a number is no money, never a guess.
    assert_eq!(a.yesterday_by_service["Tax"], 0.0);
    assert_eq!(a.yesterday_usd, 41.5);
    assert_eq!(a.month_to_date_usd, Some(250.5));
    assert_eq!((first.num_calls(), second.num_calls(), month.num_calls()), (1, 1, 1));

    // On the first of the month there is no whole day of it: not asked.
    let ce = mock_client!(aws_sdk_costexplorer, RuleMode::MatchAny, [&first, &second, &month]);
    let a = awstop::aws::actuals::read(&ce, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), None).await.unwrap();
    assert_eq!(a.month_to_date_usd, None);
    assert_eq!(month.num_calls(), 1, "no second month request");
}

#[test]
fn the_bill_stands_under_the_estimate_on_the_overview_and_in_the_snapshot() {
    use awstop::app::model::Pane;
    let mut m = demo_model(120, 40);
    act(&mut m, &[awstop::app::keymap::Action::Pane(Pane::Overview)]);
    assert!(!screen(&m).contains("Bill "), "no --actuals, no line");
    let bill = Actuals {
        read_at: "2026-11-22T13:10:00Z".parse().unwrap(),
        yesterday_usd: 41.5,
        month_to_date_usd: Some(250.5),
        yesterday_by_service: [("AWS Lambda".to_string(), 41.5)].into(),
    };
    update(&mut m, Msg::Data(DataMsg::Actuals(Ok(bill))));
    let s = screen(&m);
    let line = s.lines().find(|l| l.starts_with("Bill ")).unwrap_or_else(|| panic!("{s}"));
    assert!(line.contains("yesterday $") && line.contains("month so far $") && line.contains("read 13:10"), "{line}");
    let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
    assert_eq!(snap["cost"]["actuals"]["yesterday_usd"], 41.5);
    assert_eq!(snap["cost"]["actuals"]["month_to_date_usd"], 250.5);

    update(&mut m, Msg::Data(DataMsg::Actuals(Err("GetCostAndUsage: AccessDeniedException: no".into()))));
    let s = screen(&m);
    let line = s.lines().find(|l| l.starts_with("Bill ")).unwrap();
    assert!(line.contains("? GetCostAndUsage: AccessDenied"), "{line}");
    let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
    assert!(snap["cost"]["actuals"]["error"].as_str().unwrap().contains("AccessDenied"));
}

#[test]
fn iam_policy_with_actuals_adds_cost_explorer_and_demo_refuses_it() {
    let run = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
        c.args(args);
        crate::common::moto::awstop_env(&mut c);
        c.output().unwrap()
    };
    let out = run(&["iam-policy", "--actuals"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions = doc["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.iter().any(|a| a == "ce:GetCostAndUsage"));
    let plain: serde_json::Value = serde_json::from_slice(&run(&["iam-policy"]).stdout).unwrap();
    assert!(!plain["Statement"][0]["Action"].as_array().unwrap().iter().any(|a| a == "ce:GetCostAndUsage"));
    let out = run(&["--demo", "--actuals", "--once"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--actuals has no effect with --demo"));
}
