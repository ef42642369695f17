//! Paged inventories: the names every page of a List call returns, then
//! their details from the Describe call, as many a call as it takes (its
//! documented maximum).

use std::future::Future;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::AwsError;

/// The names on every page of a List call, in order: `pages` is what its
/// paginator collected (`.into_paginator().send().try_collect().await`),
/// `names` reads them off one page. A failed page fails the listing, as
/// `operation`; `endpoint` names a custom endpoint in "cannot reach".
pub fn listed<P, E>(
    pages: Result<Vec<P>, SdkError<E, aws_smithy_runtime_api::http::Response>>,
    operation: &'static str,
    endpoint: Option<&str>,
    names: impl Fn(&P) -> &[String],
) -> Result<Vec<String>, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let pages = pages.map_err(|e| AwsError::from_sdk(&e, endpoint).during(operation))?;
    Ok(pages
        .iter()
        .flat_map(|p| names(p).iter().cloned())
        .collect())
}

/// What `describe` says of `names`, asked `max` names a call (the Describe
/// call's documented maximum; 1 for a call that describes one), in the
/// order of `names`. The first failure ends it.
pub async fn described<T, I, F, Fut>(
    names: &[String],
    max: usize,
    mut describe: F,
) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Vec<String>) -> Fut,
    Fut: Future<Output = Result<I, AwsError>>,
    I: IntoIterator<Item = T>,
{
    let mut out = Vec::with_capacity(names.len());
    for chunk in names.chunks(max.max(1)) {
        out.extend(describe(chunk.to_vec()).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_are_described_at_most_max_a_call_in_order_until_a_call_fails() {
        let names: Vec<String> = (0..25).map(|i| format!("n{i}")).collect();
        let mut calls = Vec::new();
        let got = described(&names, 10, |chunk| {
            calls.push(chunk.len());
            async move { Ok::<_, AwsError>(chunk.into_iter().map(|n| n.to_uppercase())) }
        })
        .await
        .unwrap();
        assert_eq!(calls, [10, 10, 5]);
        assert_eq!(got.len(), 25);
        assert_eq!((got[0].as_str(), got[24].as_str()), ("N0", "N24"));
        // One a call: as many calls as names.
        let mut n = 0;
        let one = described(&names[..3], 1, |chunk| {
            n += 1;
            async move { Ok::<_, AwsError>(chunk) }
        })
        .await
        .unwrap();
        assert_eq!((n, one.len()), (3, 3));
        // The second call fails: no third, and the failure is the answer.
        let mut asked = 0;
        let failed = described(&names, 10, |chunk| {
            asked += 1;
            let fail = asked == 2;
            async move {
                if fail {
                    Err(
                        AwsError::new(super::super::ErrorKind::Throttled, "slow down")
                            .during("DescribeServices"),
                    )
                } else {
                    Ok(chunk)
                }
            }
        })
        .await;
        assert_eq!(asked, 2);
        assert_eq!(failed.unwrap_err().operation, "DescribeServices");
    }
}
