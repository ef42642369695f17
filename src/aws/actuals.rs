//! Cost Explorer's GetCostAndUsage for `--actuals`: yesterday by service and
//! the month so far, two requests ($0.01 each). Its endpoint is global
//! (us-east-1).

use aws_sdk_costexplorer::types::{DateInterval, Granularity, GroupDefinition, GroupDefinitionType};
use aws_sdk_costexplorer::Client;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::AwsError;
use serde::{Deserialize, Serialize};

/// How long an answer is used before Cost Explorer is asked again (its
/// figures themselves change a few times a day).
pub const MAX_AGE_MINUTES: i64 = 60;

/// What Cost Explorer says the account spent (unblended, USD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actuals {
    pub read_at: DateTime<Utc>,
    /// The last whole UTC day.
    pub yesterday_usd: f64,
    /// From the first of the month to today, `None` on the first (no whole day yet).
    pub month_to_date_usd: Option<f64>,
    /// Yesterday's by Cost Explorer's service names ("AWS Lambda").
    pub yesterday_by_service: std::collections::BTreeMap<String, f64>,
}

impl Actuals {
    /// Still fresh at `now`.
    pub fn fresh(&self, now: DateTime<Utc>) -> bool {
        let age = now.signed_duration_since(self.read_at).num_minutes();
        (0..MAX_AGE_MINUTES).contains(&age)
    }
}

const METRIC: &str = "UnblendedCost";

/// A client for the account `cfg` reaches, counted by `counter`.
pub fn client(cfg: &aws_config::SdkConfig, counter: &super::client::CallCounter) -> Client {
    Client::from_conf(
        aws_sdk_costexplorer::config::Builder::from(cfg)
            .region(aws_config::Region::new("us-east-1"))
            .interceptor(counter.clone())
            .build(),
    )
}

fn period(start: NaiveDate, end: NaiveDate) -> DateInterval {
    DateInterval::builder()
        .start(start.format("%Y-%m-%d").to_string())
        .end(end.format("%Y-%m-%d").to_string())
        .build()
        .expect("start and end are set")
}

fn amount(m: Option<&aws_sdk_costexplorer::types::MetricValue>) -> f64 {
    m.and_then(|v| v.amount())
        .and_then(|a| a.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
}

/// Yesterday by service and the month to `today`.
pub async fn read(client: &Client, today: NaiveDate, endpoint: Option<&str>) -> Result<Actuals, AwsError> {
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut by_service = std::collections::BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .get_cost_and_usage()
            .time_period(period(yesterday, today))
            .granularity(Granularity::Daily)
            .metrics(METRIC)
            .group_by(
                GroupDefinition::builder()
                    .r#type(GroupDefinitionType::Dimension)
                    .key("SERVICE")
                    .build(),
            )
            .set_next_page_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&e, endpoint).during("GetCostAndUsage"))?;
        for r in out.results_by_time() {
            for g in r.groups() {
                let name = g.keys().first().cloned().unwrap_or_default();
                let v = amount(g.metrics().and_then(|m| m.get(METRIC)));
                *by_service.entry(name).or_insert(0.0) += v;
            }
        }
        match out.next_page_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let month_to_date_usd = if today.day() > 1 {
        let first = today.with_day(1).unwrap_or(today);
        let out = client
            .get_cost_and_usage()
            .time_period(period(first, today))
            .granularity(Granularity::Monthly)
            .metrics(METRIC)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&e, endpoint).during("GetCostAndUsage"))?;
        Some(
            out.results_by_time()
                .iter()
                .map(|r| amount(r.total().and_then(|t| t.get(METRIC))))
                .sum(),
        )
    } else {
        None
    };
    Ok(Actuals {
        read_at: Utc::now(),
        yesterday_usd: by_service.values().sum(),
        month_to_date_usd,
        yesterday_by_service: by_service,
    })
}
