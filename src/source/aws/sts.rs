//! STS: who are we? Shown in the header and written into snapshots.

use aws_sdk_sts::Client;

use super::client::describe;

pub async fn caller_identity(client: &Client) -> Result<(String, String), String> {
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| describe(&e))?;
    Ok((
        out.account().unwrap_or_default().to_string(),
        out.arn().unwrap_or_default().to_string(),
    ))
}
