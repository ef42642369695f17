//! CloudTrail's write events and CloudWatch's alarm state changes as
//! `Change`s. Of an event only its time, its name, the service, the
//! resource's *name* and who made it are kept: the event's JSON is read for
//! `userIdentity` and for one name key of `requestParameters`, and dropped
//! with everything else in it (request parameters can hold secrets).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Change, ChangeSource};

/// One LookupEvents event, as far as it is read.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub time: DateTime<Utc>,
    /// `EventName`, with Lambda's API version on it (`UpdateFunctionCode20150331v2`).
    pub name: &'a str,
    /// `EventSource` (`lambda.amazonaws.com`).
    pub source: &'a str,
    /// `Resources`: each one's type and name (or ARN).
    pub resources: &'a [(&'a str, &'a str)],
    /// `Username`: for an assumed role, its session name.
    pub username: Option<&'a str>,
    /// `CloudTrailEvent`: the event's JSON.
    pub json: Option<&'a str>,
}

/// The rooms whose services' write events are kept, by event source: a
/// busy account's other writes (IAM, S3, KMS) would push them out.
const SOURCES: &[(&str, &str)] = &[
    ("lambda.amazonaws.com", "lambda"),
    ("ecs.amazonaws.com", "ecs"),
    ("batch.amazonaws.com", "batch"),
    ("eks.amazonaws.com", "eks"),
    ("ecr.amazonaws.com", "ecr"),
    ("elasticmapreduce.amazonaws.com", "emr"),
    ("lightsail.amazonaws.com", "lightsail"),
    ("apigateway.amazonaws.com", "apigateway"),
];

/// The `requestParameters` keys that name the resource a write is about,
/// most telling first. Only these are read, and only a string's value.
const NAME_KEYS: &[&str] = &[
    "functionName",
    "serviceName",
    "service",
    "nodegroupName",
    "clusterName",
    "jobQueue",
    "jobDefinitionName",
    "computeEnvironment",
    "repositoryName",
    "restApiId",
    "apiId",
    "instanceName",
    "family",
    "name",
];

/// The room a service's event source belongs to, if awstop shows it.
pub fn room_of(source: &str) -> Option<&'static str> {
    SOURCES.iter().find(|(s, _)| *s == source).map(|(_, r)| *r)
}

/// The change an event says, in `account` (its key) and `region`; none for
/// a service awstop does not show, or an event that names no resource.
pub fn change(account: &str, region: &str, e: &Event) -> Option<Change> {
    let service = room_of(e.source)?;
    let json: Option<Value> = e.json.and_then(|j| serde_json::from_str(j).ok());
    let params = json.as_ref().map(|j| &j["requestParameters"]);
    let resource = resource(service, e.resources, params)?;
    let actor = json.as_ref().and_then(|j| actor(&j["userIdentity"])).or_else(|| e.username.map(str::to_string));
    Some(Change {
        at: e.time,
        account: account.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        resource,
        action: action(e.name).to_string(),
        actor,
        source: ChangeSource::CloudTrail,
    })
}

/// An event name without the API version Lambda's carry:
/// `UpdateFunctionCode20150331v2` is `UpdateFunctionCode`.
pub fn action(name: &str) -> &str {
    let b = name.as_bytes();
    let mut end = b.len();
    // `v2` after the date.
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && end > digits && b[end - digits - 1] == b'v' {
        let before = end - digits - 1;
        if before >= 8 && b[before - 8..before].iter().all(u8::is_ascii_digit) {
            end = before;
        }
    }
    let date = b[..end].iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if date == 8 && end > 8 {
        end -= 8;
    }
    &name[..end]
}

/// Who made a call: an assumed role's session name (`…:assumed-role/Deployer/alice`
/// is `alice`), else the caller's ARN, else the service that called on
/// someone's behalf.
pub fn actor(identity: &Value) -> Option<String> {
    if let Some(arn) = identity["arn"].as_str().filter(|a| !a.is_empty()) {
        if let Some((_, rest)) = arn.split_once(":assumed-role/") {
            if let Some((_, session)) = rest.split_once('/') {
                return Some(session.to_string());
            }
        }
        return Some(arn.to_string());
    }
    identity["invokedBy"].as_str().map(str::to_string)
}

/// The resource's name as its room's rows key it: a function's name, an
/// ECS service as `CLUSTER/SERVICE`. ARNs are reduced to the name.
fn resource(service: &str, resources: &[(&str, &str)], params: Option<&Value>) -> Option<String> {
    let param = |k: &str| params.and_then(|p| p[k].as_str()).filter(|v| !v.is_empty());
    if service == "ecs" {
        if let Some(s) = param("service").or_else(|| param("serviceName")) {
            let cluster = param("cluster").map(name_in_arn).unwrap_or("default");
            return Some(format!("{cluster}/{}", name_in_arn(s)));
        }
    }
    if service == "lambda" {
        if let Some(f) = param("functionName") {
            return Some(function_name(f).to_string());
        }
        if let Some((_, f)) = resources.iter().find(|(t, n)| *t == "AWS::Lambda::Function" && !n.is_empty()) {
            return Some(function_name(f).to_string());
        }
    }
    NAME_KEYS
        .iter()
        .find_map(|k| param(*k))
        .or_else(|| resources.iter().map(|(_, n)| *n).find(|n| !n.is_empty()))
        .map(|n| name_in_arn(n).to_string())
}

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`, or
/// `NAME[:QUALIFIER]`, as the function's name.
fn function_name(f: &str) -> &str {
    match f.strip_prefix("arn:") {
        Some(_) => f.split(':').nth(6).unwrap_or(f),
        None => f.split(':').next().unwrap_or(f),
    }
}

/// The name at the end of an ARN's resource (`service/web/api` is `api`).
fn name_in_arn(s: &str) -> &str {
    let s = s.rsplit(':').next().unwrap_or(s);
    s.rsplit('/').next().unwrap_or(s)
}

/// One state change of an alarm: `OK → ALARM`, from the item's data (its
/// summary when the data does not say).
pub fn alarm(account: &str, region: &str, name: &str, at: DateTime<Utc>, summary: Option<&str>, data: Option<&str>) -> Change {
    let states = data.and_then(|d| serde_json::from_str::<Value>(d).ok()).and_then(|v| {
        let old = v["oldState"]["stateValue"].as_str()?.to_string();
        let new = v["newState"]["stateValue"].as_str()?.to_string();
        Some((old, new))
    });
    let states = states.or_else(|| {
        // "Alarm updated from OK to ALARM"
        let (_, rest) = summary?.split_once(" from ")?;
        let (old, new) = rest.split_once(" to ")?;
        Some((old.trim().to_string(), new.trim().to_string()))
    });
    let action = match states {
        Some((old, new)) => format!("{old} → {new}"),
        None => "StateUpdate".to_string(),
    };
    Change {
        at,
        account: account.to_string(),
        region: region.to_string(),
        service: "cloudwatch".to_string(),
        resource: name.to_string(),
        action,
        actor: None,
        source: ChangeSource::Alarm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn lambdas_api_versions_are_dropped_from_event_names() {
        assert_eq!(action("UpdateFunctionCode20150331v2"), "UpdateFunctionCode");
        assert_eq!(action("UpdateFunctionConfiguration20150331v2"), "UpdateFunctionConfiguration");
        assert_eq!(action("PublishVersion20150331"), "PublishVersion");
        assert_eq!(action("UpdateAlias20150331"), "UpdateAlias");
        assert_eq!(action("UpdateService"), "UpdateService");
        assert_eq!(action("PutObjectV2"), "PutObjectV2");
        assert_eq!(action("Create2"), "Create2");
        assert_eq!(action("20150331"), "20150331");
    }

    #[test]
    fn an_assumed_role_is_its_session_name_and_a_user_its_arn() {
        let v: Value = serde_json::from_str(
            r#"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/Deployer/alice","sessionContext":{}}"#,
        )
        .unwrap();
        assert_eq!(actor(&v).as_deref(), Some("alice"));
        let v: Value = serde_json::from_str(r#"{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/bob"}"#).unwrap();
        assert_eq!(actor(&v).as_deref(), Some("arn:aws:iam::123456789012:user/bob"));
        let v: Value = serde_json::from_str(r#"{"type":"AWSService","invokedBy":"ecs.amazonaws.com"}"#).unwrap();
        assert_eq!(actor(&v).as_deref(), Some("ecs.amazonaws.com"));
    }

    #[test]
    fn the_resource_is_a_name_and_nothing_else_of_the_parameters_is_kept() {
        let json = r#"{"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/Deployer/alice"},
            "requestParameters":{"functionName":"arn:aws:lambda:us-east-1:1:function:orders-api:live",
            "environment":{"variables":{"DB_PASSWORD":"hunter2"}}}}"#;
        let e = Event {
            time: at(),
            name: "UpdateFunctionConfiguration20150331v2",
            source: "lambda.amazonaws.com",
            resources: &[],
            username: Some("alice"),
            json: Some(json),
        };
        let c = change("", "us-east-1", &e).unwrap();
        assert_eq!(
            (c.service.as_str(), c.resource.as_str(), c.action.as_str(), c.actor.as_deref(), c.source),
            ("lambda", "orders-api", "UpdateFunctionConfiguration", Some("alice"), ChangeSource::CloudTrail)
        );
        assert!(!format!("{c:?}").contains("hunter2"));
        // ECS: the service under its cluster, as the ECS rows key it.
        let json = r#"{"requestParameters":{"cluster":"arn:aws:ecs:us-east-1:1:cluster/shop","service":"checkout","taskDefinition":"checkout:8"}}"#;
        let e = Event { source: "ecs.amazonaws.com", name: "UpdateService", json: Some(json), ..e };
        assert_eq!(change("", "us-east-1", &e).unwrap().resource, "shop/checkout");
        // From Resources when the parameters say nothing.
        let res = [("AWS::Lambda::Function", "billing")];
        let e = Event { source: "lambda.amazonaws.com", name: "DeleteFunction20150331", json: None, resources: &res, ..e };
        let c = change("", "us-east-1", &e).unwrap();
        assert_eq!((c.resource.as_str(), c.actor.as_deref()), ("billing", Some("alice")));
        // A service awstop does not show, or no resource at all: nothing.
        assert!(change("", "us-east-1", &Event { source: "iam.amazonaws.com", ..e }).is_none());
        assert!(change("", "us-east-1", &Event { resources: &[], ..e }).is_none());
    }

    #[test]
    fn an_alarm_state_change_says_from_what_to_what() {
        let data = r#"{"version":"1.0","oldState":{"stateValue":"OK","stateReason":"fine"},"newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed"}}"#;
        let c = alarm("", "us-east-1", "orders-api-errors", at(), Some("Alarm updated from OK to ALARM"), Some(data));
        assert_eq!((c.action.as_str(), c.source, c.service.as_str()), ("OK → ALARM", ChangeSource::Alarm, "cloudwatch"));
        let c = alarm("", "us-east-1", "x", at(), Some("Alarm updated from ALARM to OK"), None);
        assert_eq!(c.action, "ALARM → OK");
        assert_eq!(alarm("", "us-east-1", "x", at(), None, Some("{}")).action, "StateUpdate");
    }
}
