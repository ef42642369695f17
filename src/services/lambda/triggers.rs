//! What invokes a function: its event source mappings (SQS, Kinesis,
//! DynamoDB streams, Kafka, MQ, DocumentDB), the API routes in front of it
//! (joined from the API Gateway room), and, read when its detail is opened,
//! the services its resource policy lets invoke it (S3, EventBridge, SNS).

use serde::{Deserialize, Serialize};

use super::domain::Function;

/// An event source mapping, as the function's trigger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// sqs, kinesis, dynamodb, kafka, mq, docdb or other.
    pub kind: String,
    /// The source's ARN (a Kafka cluster's bootstrap servers when self-managed).
    pub source: String,
    /// Enabled, Disabled, Creating, Updating…
    pub state: String,
    pub batch_size: Option<i32>,
    /// "OK", "No records processed", or "PROBLEM: …" (streams and Kafka only).
    pub last_result: Option<String>,
}

/// An API route that invokes the function, as the API room publishes it.
pub use crate::services::joins::ApiRoute;

/// Who the resource policy lets invoke the function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Invoker {
    /// s3, schedule (EventBridge), sns, apigateway, account or other.
    pub kind: String,
    /// The principal (`s3.amazonaws.com`, an account).
    pub principal: String,
    /// The policy's `AWS:SourceArn` condition, when it names one.
    pub source: Option<String>,
}

// A function's detail is open when its `visible` keys hold `opened(name)`
// (its policy is read then); function names hold no `:`.
pub use crate::services::msg::{opened, opened_name};

/// The kind of an event source, from its ARN's service.
pub fn source_kind(arn: &str) -> &'static str {
    match arn.split(':').nth(2).unwrap_or("") {
        "sqs" => "sqs",
        "kinesis" => "kinesis",
        "dynamodb" => "dynamodb",
        "kafka" => "kafka",
        "mq" => "mq",
        "rds" | "docdb" => "docdb",
        _ => "other",
    }
}

/// The function's name from `arn:aws:lambda:REGION:ACCT:function:NAME[:QUALIFIER]`.
pub fn function_name(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    parts.by_ref().position(|p| p == "function")?;
    parts.next().filter(|n| !n.is_empty())
}

impl Mapping {
    /// Disabled, or its last poll failed: events wait, or are lost.
    pub fn bad(&self) -> Option<String> {
        if self.state != "Enabled" && !matches!(self.state.as_str(), "Creating" | "Enabling" | "Updating") {
            return Some(format!("{} {}", self.kind, self.state.to_ascii_lowercase()));
        }
        match self.last_result.as_deref() {
            Some(r) if r.starts_with("PROBLEM") => Some(format!("{} {r}", self.kind)),
            _ => None,
        }
    }
}

/// The kinds a policy's principal stands for.
fn principal_kind(p: &str) -> &'static str {
    match p {
        "s3.amazonaws.com" => "s3",
        "events.amazonaws.com" | "scheduler.amazonaws.com" => "schedule",
        "sns.amazonaws.com" => "sns",
        "apigateway.amazonaws.com" => "apigateway",
        "logs.amazonaws.com" => "logs",
        "iot.amazonaws.com" => "iot",
        "cognito-idp.amazonaws.com" => "cognito",
        p if p.chars().all(|c| c.is_ascii_digit()) || p.starts_with("arn:aws:iam::") => "account",
        _ => "other",
    }
}

/// The statements of a resource policy that allow invoking. A policy that
/// is not JSON yields nothing rather than a guess.
pub fn invokers(policy: &str) -> Vec<Invoker> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(policy) else {
        return Vec::new();
    };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(v) => v.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => Vec::new(),
    };
    let text = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for s in statements.iter().filter(|s| s["Effect"] == "Allow") {
        let p = &s["Principal"];
        let principals = if p.is_object() {
            let mut v = text(&p["Service"]);
            v.extend(text(&p["AWS"]));
            v
        } else {
            text(p)
        };
        let cond = &s["Condition"];
        let source = ["ArnLike", "ArnEquals", "StringEquals", "StringLike"]
            .iter()
            .find_map(|op| {
                let c = &cond[*op];
                c["AWS:SourceArn"].as_str().or(c["aws:SourceArn"].as_str()).map(str::to_string)
            });
        for principal in principals {
            out.push(Invoker {
                kind: principal_kind(&principal).to_string(),
                principal,
                source: source.clone(),
            });
        }
    }
    out
}

/// The function's main trigger for the table: a mapping, an API, or what the
/// policy allows (when read).
pub fn main_kind(f: &Function) -> Option<&str> {
    if let Some(m) = f.mappings.as_ref().and_then(|m| m.first()) {
        return Some(&m.kind);
    }
    if !f.api_routes.is_empty() {
        return Some("api");
    }
    f.invokers.as_ref()?.iter().map(|i| i.kind.as_str()).find(|k| *k != "account" && *k != "apigateway")
}

/// The first trigger in a bad state, said in a few words.
pub fn bad(f: &Function) -> Option<String> {
    f.mappings.iter().flatten().find_map(Mapping::bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_functions_are_read_from_their_arns() {
        assert_eq!(source_kind("arn:aws:sqs:us-east-1:123456789012:orders"), "sqs");
        assert_eq!(source_kind("arn:aws:dynamodb:us-east-1:1:table/t/stream/2026"), "dynamodb");
        assert_eq!(source_kind("b-1.kafka.local:9092"), "other");
        assert_eq!(function_name("arn:aws:lambda:us-east-1:1:function:orders-api"), Some("orders-api"));
        assert_eq!(function_name("arn:aws:lambda:us-east-1:1:function:orders-api:live"), Some("orders-api"));
        assert_eq!(function_name("arn:aws:sqs:us-east-1:1:q"), None);
    }

    #[test]
    fn a_disabled_mapping_or_a_failing_poll_is_bad() {
        let m = |state: &str, last: Option<&str>| Mapping {
            kind: "sqs".into(),
            state: state.into(),
            last_result: last.map(str::to_string),
            ..Default::default()
        };
        assert_eq!(m("Enabled", Some("OK")).bad(), None);
        assert_eq!(m("Creating", None).bad(), None);
        assert_eq!(m("Disabled", None).bad().as_deref(), Some("sqs disabled"));
        assert!(m("Enabled", Some("PROBLEM: Function call failed")).bad().unwrap().contains("PROBLEM"));
    }

    #[test]
    fn the_policy_says_who_may_invoke() {
        let policy = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",
             "Resource":"arn:aws:lambda:us-east-1:1:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}},
            {"Sid":"cron","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction",
             "Resource":"arn:aws:lambda:us-east-1:1:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:1:rule/nightly"}}},
            {"Sid":"no","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}]}"#;
        let v = invokers(policy);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!((v[0].kind.as_str(), v[0].source.as_deref()), ("s3", Some("arn:aws:s3:::uploads")));
        assert_eq!(v[1].kind, "schedule");
        assert!(invokers("not json").is_empty());
    }
}
