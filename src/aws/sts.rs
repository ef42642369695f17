//! STS: who are we? Shown in the header and written into snapshots.

use aws_sdk_sts::Client;

use super::error::AwsError;

pub async fn caller_identity(
    client: &Client,
    endpoint: Option<&str>,
) -> Result<(String, String), AwsError> {
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&e, endpoint).during("GetCallerIdentity"))?;
    Ok((
        out.account().unwrap_or_default().to_string(),
        out.arn().unwrap_or_default().to_string(),
    ))
}
