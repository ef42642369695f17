//! CloudWatch cross-account observability: whether the current account is a
//! monitoring account, and which source accounts share their metrics with
//! it. Then those accounts' metrics are read from the monitoring account,
//! `AccountId` in each query, instead of through a role in each account.

use aws_sdk_oam::Client;

use super::AwsError;

/// The resource type a link must share for its account's metrics to be read here.
pub const METRICS: &str = "AWS::CloudWatch::Metric";

/// [`linked_accounts`] through the account `cfg` reaches, counted by `counter`.
pub async fn linked_in(
    cfg: &aws_config::SdkConfig,
    counter: &super::client::CallCounter,
    endpoint: Option<&str>,
) -> Result<Vec<String>, AwsError> {
    let client = Client::from_conf(
        aws_sdk_oam::config::Builder::from(cfg)
            .interceptor(counter.clone())
            .build(),
    );
    linked_accounts(&client, endpoint).await
}

/// The source accounts linked to any sink of this account that share their
/// metrics, each once, in the order listed. Empty: not a monitoring account.
pub async fn linked_accounts(client: &Client, endpoint: Option<&str>) -> Result<Vec<String>, AwsError> {
    let mut sinks = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_sinks()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&e, endpoint).during("ListSinks"))?;
        sinks.extend(out.items().iter().map(|s| s.arn().unwrap_or_default().to_string()));
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let mut accounts: Vec<String> = Vec::new();
    for sink in sinks.iter().filter(|s| !s.is_empty()) {
        let mut token: Option<String> = None;
        loop {
            let out = client
                .list_attached_links()
                .sink_identifier(sink)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(&e, endpoint).during("ListAttachedLinks"))?;
            for link in out.items() {
                if !link.resource_types().iter().any(|t| t == METRICS) {
                    continue;
                }
                if let Some(id) = link.link_arn().and_then(account_of) {
                    if !accounts.iter().any(|a| a == id) {
                        accounts.push(id.to_string());
                    }
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }
    Ok(accounts)
}

/// The account of an ARN (`arn:aws:oam:REGION:ACCOUNT:link/ID`), if it is one.
pub fn account_of(arn: &str) -> Option<&str> {
    let id = arn.split(':').nth(4)?;
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_arn_names_its_source_account() {
        assert_eq!(
            super::account_of("arn:aws:oam:us-east-1:222222222222:link/a1b2"),
            Some("222222222222")
        );
        assert_eq!(super::account_of("arn:aws:oam:us-east-1:xyz:link/a1b2"), None);
        assert_eq!(super::account_of("nonsense"), None);
    }
}
