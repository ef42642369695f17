//! The AWS actions awstop may call: the IAM policy that `awstop iam-policy`
//! prints, made of the shared reads and each room's own, and that a test
//! checks against the SDK calls in `src/`.

use crate::services::ServiceKind;

pub mod stackset;

/// What every room shares: who we are, CloudWatch metrics, and list prices
/// from the Price List (read once at start; without it, the bundled prices).
const SHARED: &[&str] = &[
    "sts:GetCallerIdentity",
    "cloudwatch:GetMetricData",
    "pricing:GetProducts",
];

/// What changed: who made it (CloudTrail's LookupEvents: free, limited to 2
/// requests a second per account and region) and which alarms changed state.
/// Refused, the changes are the services' own, without who made them.
pub const CHANGES: &[&str] = &["cloudtrail:LookupEvents", "cloudwatch:DescribeAlarmHistory"];

/// Every action, as IAM spells it, each once. Read-only by construction: a
/// test fails when the code calls an operation missing here, or when one here
/// is not a read.
pub fn actions() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = SHARED.to_vec();
    out.extend(CHANGES);
    for k in ServiceKind::ALL {
        for a in k.room().info().iam_actions {
            if !out.contains(a) {
                out.push(a);
            }
        }
    }
    out
}

/// Operations that only read even though their names do not say so.
const READ_ONLY_EXTRAS: &[&str] = &[
    "StartQuery",
    "GetQueryResults",
    "StopQuery",
    "StartLiveTail",
    "FilterLogEvents",
    "GetCallerIdentity",
    // CloudTrail's event history: reads the account's past calls.
    "LookupEvents",
    // API Gateway's management API is authorised by HTTP verb: `apigateway:GET`.
    "GET",
];

/// Whether an operation (without its service prefix) only reads.
pub fn is_read(operation: &str) -> bool {
    ["Describe", "List", "Get"]
        .iter()
        .any(|p| operation.starts_with(p))
        || READ_ONLY_EXTRAS.contains(&operation)
}

/// The minimal policy document, as JSON in the order IAM documents use.
pub fn document() -> String {
    let actions: Vec<String> = actions()
        .iter()
        .map(|a| format!("        \"{a}\""))
        .collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"AwstopReadOnly\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n{}\n      ],\n      \"Resource\": \"*\"\n    }}\n  ]\n}}\n",
        actions.join(",\n")
    )
}

/// What the caller needs on top of the read-only actions to watch an
/// organization: the list of its accounts. (`sts:AssumeRole` is asked for
/// by the SDK's role provider, on the member role only: see [`org_caller_document`].)
/// With it, `oam:ListSinks` and `oam:ListAttachedLinks`: whether the caller's
/// account is a CloudWatch monitoring account whose links carry the others'
/// metrics (optional: refused, each account's metrics are read in it).
pub const ORG_CALLER: &[&str] = &["organizations:ListAccounts", "oam:ListSinks", "oam:ListAttachedLinks"];

/// What `--actuals` adds: Cost Explorer's figures ($0.01 a request).
pub const ACTUALS: &[&str] = &["ce:GetCostAndUsage"];

/// The single account's policy with `--actuals`' action.
pub fn document_with_actuals() -> String {
    let mut read: Vec<&str> = actions();
    read.extend(ACTUALS);
    let quoted: Vec<String> = read.iter().map(|a| format!("        \"{a}\"")).collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"AwstopReadOnly\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n{}\n      ],\n      \"Resource\": \"*\"\n    }}\n  ]\n}}\n",
        quoted.join(",\n")
    )
}

/// `iam-policy --org ROLE`, for the credentials awstop runs with: the
/// read-only actions (their own account is watched with them), listing the
/// organization's accounts, and assuming ROLE in any account.
pub fn org_caller_document(role: &str) -> String {
    let mut read: Vec<&str> = actions();
    read.extend(ORG_CALLER);
    let quoted: Vec<String> = read.iter().map(|a| format!("        \"{a}\"")).collect();
    let role = role.trim_start_matches('/');
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"AwstopReadOnlyAndOrganization\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n{}\n      ],\n      \"Resource\": \"*\"\n    }},\n    {{\n      \"Sid\": \"AwstopAssumeMemberRole\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRole\",\n      \"Resource\": \"arn:aws:iam::*:role/{}\"\n    }}\n  ]\n}}\n",
        quoted.join(",\n"),
        json_escape(role)
    )
}

/// `iam-policy --org ROLE`, for ROLE in each member account: the same
/// read-only policy as a single account's.
pub fn org_member_document() -> String {
    document()
}

fn json_escape(s: &str) -> String {
    serde_json::to_string(s)
        .map(|q| q[1..q.len() - 1].to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads() {
        for a in actions() {
            let (_, op) = a.split_once(':').unwrap();
            assert!(is_read(op), "{a} is not a read");
        }
        assert!(!is_read("UpdateFunctionCode"));
        assert!(!is_read("StopTask"));
    }

    #[test]
    fn the_org_caller_may_list_accounts_and_assume_only_the_member_role() {
        let doc: serde_json::Value =
            serde_json::from_str(&org_caller_document("OrganizationAccountAccessRole")).unwrap();
        let st = doc["Statement"].as_array().unwrap();
        assert_eq!(st.len(), 2);
        let read: Vec<&str> = st[0]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(read.contains(&"organizations:ListAccounts"));
        // Its own account is watched with these credentials: every read action too.
        for a in actions() {
            assert!(read.contains(&a), "{a} missing from the caller's policy");
        }
        for a in &read {
            assert!(is_read(a.split_once(':').unwrap().1), "{a} is not a read");
        }
        assert_eq!(st[1]["Action"], "sts:AssumeRole");
        assert_eq!(
            st[1]["Resource"],
            "arn:aws:iam::*:role/OrganizationAccountAccessRole"
        );
        assert_eq!(st[1]["Effect"], "Allow");
        // A path stays; a quote cannot break out of the string.
        let doc: serde_json::Value =
            serde_json::from_str(&org_caller_document("/ops/aw\"stop")).unwrap();
        assert_eq!(
            doc["Statement"][1]["Resource"],
            "arn:aws:iam::*:role/ops/aw\"stop"
        );
        // The member role gets the single account's read-only policy, nothing more.
        let member: serde_json::Value = serde_json::from_str(&org_member_document()).unwrap();
        let m: Vec<&str> = member["Statement"][0]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(m, actions());
        assert!(
            !org_member_document().contains("organizations:")
                && !org_member_document().contains("AssumeRole")
        );
    }
}
