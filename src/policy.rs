//! The AWS actions awstop may call: the IAM policy that `awstop iam-policy`
//! prints, made of the shared reads and each room's own, and that a test
//! checks against the SDK calls in `src/`.

use crate::services::ServiceKind;

/// What every room shares: who we are, and CloudWatch metrics.
const SHARED: &[&str] = &["sts:GetCallerIdentity", "cloudwatch:GetMetricData"];

/// Every action, as IAM spells it, each once. Read-only by construction: a
/// test fails when the code calls an operation missing here, or when one here
/// is not a read.
pub fn actions() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = SHARED.to_vec();
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
}
