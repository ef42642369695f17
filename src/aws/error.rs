//! One error type for every AWS failure. The kind decides what awstop does
//! (back off when throttled, say what to run when credentials are missing);
//! the message is one short line an operator can act on, never the SDK's
//! error chain.

use std::error::Error as StdError;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// AWS asked us to slow down: the poller backs off.
    Throttled,
    AccessDenied,
    ExpiredCredentials,
    /// No credentials could be found, or AWS does not know them.
    NoCredentials,
    NotFound,
    Timeout,
    /// The endpoint could not be reached at all.
    Unreachable,
    /// AWS answered with an error of its own.
    Service,
    #[default]
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AwsError {
    pub kind: ErrorKind,
    /// The HTTP status, when AWS answered.
    pub status: Option<u16>,
    pub message: String,
    /// What failed, as AWS names the call (`ListClusters`), or what awstop
    /// calls the step (`ColdStarts`, `setup`); empty until `during` says.
    pub operation: &'static str,
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl AwsError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AwsError {
        AwsError {
            kind,
            status: None,
            message: one_line(&message.into()),
            operation: "",
        }
    }

    /// The same failure, said to be of `operation`.
    pub fn during(mut self, operation: &'static str) -> AwsError {
        self.operation = operation;
        self
    }

    /// Classifies an SDK error. `endpoint` names where requests go (a custom
    /// endpoint's host), for "cannot reach" messages.
    pub fn from_sdk<E>(
        err: &SdkError<E, aws_smithy_runtime_api::http::Response>,
        endpoint: Option<&str>,
    ) -> AwsError
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        match err {
            SdkError::ServiceError(e) => {
                let inner = e.err();
                let status = e.raw().status().as_u16();
                let code = inner.code().unwrap_or("ServiceError");
                let text = match inner.message() {
                    Some(m) if !m.is_empty() => format!("{code}: {m}"),
                    _ => format!("{code} (HTTP {status})"),
                };
                AwsError {
                    kind: service_kind(code, inner.message().unwrap_or(""), status),
                    status: Some(status),
                    message: one_line(&text),
                    operation: "",
                }
            }
            SdkError::TimeoutError(_) => AwsError::new(ErrorKind::Timeout, "timed out"),
            SdkError::DispatchFailure(d) => {
                let chain = source_chain(err);
                if d.is_timeout() {
                    AwsError::new(ErrorKind::Timeout, "timed out")
                } else if mentions_credentials(&chain) {
                    no_credentials()
                } else if d.is_io() {
                    let whom = endpoint.unwrap_or("AWS");
                    AwsError::new(
                        ErrorKind::Unreachable,
                        format!("cannot reach {whom}: {}", network_cause(&chain)),
                    )
                } else {
                    AwsError::new(ErrorKind::Other, format!("request failed: {chain}"))
                }
            }
            SdkError::ResponseError(_) => AwsError::new(
                ErrorKind::Other,
                format!("unreadable response: {}", source_chain(err)),
            ),
            SdkError::ConstructionFailure(_) => {
                let chain = source_chain(err);
                if mentions_credentials(&chain) {
                    no_credentials()
                } else {
                    AwsError::new(ErrorKind::Other, format!("request not sent: {chain}"))
                }
            }
            _ => AwsError::new(ErrorKind::Other, source_chain(err)),
        }
    }
}

/// What to do when there are no usable credentials: the first run on a new machine.
pub fn no_credentials() -> AwsError {
    AwsError::new(
        ErrorKind::NoCredentials,
        "no AWS credentials found: run `aws sso login` or `aws configure`, pass --profile NAME, or try the demo with --demo",
    )
}

fn service_kind(code: &str, message: &str, status: u16) -> ErrorKind {
    const THROTTLE: [&str; 7] = [
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
    ];
    if THROTTLE.contains(&code) || status == 429 || message.contains("Rate exceeded") {
        ErrorKind::Throttled
    } else if matches!(
        code,
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired"
    ) {
        ErrorKind::ExpiredCredentials
    } else if matches!(
        code,
        "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "MissingAuthenticationToken"
            | "IncompleteSignature"
    ) {
        ErrorKind::NoCredentials
    } else if code.starts_with("AccessDenied")
        || matches!(
            code,
            "UnauthorizedOperation" | "AuthorizationError" | "UnauthorizedException"
        )
        || status == 403
    {
        ErrorKind::AccessDenied
    } else if code.contains("NotFound") || status == 404 {
        ErrorKind::NotFound
    } else {
        ErrorKind::Service
    }
}

fn mentions_credentials(chain: &str) -> bool {
    let c = chain.to_ascii_lowercase();
    c.contains("loading credentials")
        || c.contains("no credentials")
        || c.contains("credentials provider")
        || c.contains("the credential provider was not enabled")
}

/// The part of a connection failure that says why, in plain words.
fn network_cause(chain: &str) -> String {
    let c = chain.to_ascii_lowercase();
    let known = [
        ("connection refused", "connection refused"),
        ("connection reset", "connection reset"),
        ("broken pipe", "connection reset"),
        ("no route to host", "no route to host"),
        ("network is unreachable", "network unreachable"),
        ("dns error", "host name not found"),
        ("failed to lookup address", "host name not found"),
        ("certificate", "TLS certificate rejected"),
        ("tls", "TLS handshake failed"),
        ("unexpected eof", "connection closed early"),
        ("connection closed", "connection closed early"),
    ];
    for (needle, said) in known {
        if c.contains(needle) {
            return said.to_string();
        }
    }
    crate::fmt::truncate(chain, 120)
}

fn source_chain(err: &dyn StdError) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::fmt::truncate(&s, 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_says_which_operation_failed_wherever_it_goes() {
        let e = AwsError::new(ErrorKind::Throttled, "Rate exceeded").during("ListClusters");
        let m = crate::services::msg::DataMsg::failed(
            crate::services::ServiceKind::Ecs,
            "eu-west-1",
            e,
        );
        let crate::services::msg::DataMsg::Failed { error, .. } = m else {
            panic!("not a failure: {m:?}");
        };
        assert_eq!(error.operation, "ListClusters");
        assert_eq!(error.kind, ErrorKind::Throttled);
        // Said again, the last name stands: a step names what its calls did.
        let e = AwsError::new(ErrorKind::Other, "x")
            .during("StartQuery")
            .during("ColdStarts");
        assert_eq!(e.operation, "ColdStarts");
    }

    #[test]
    fn kinds_come_from_codes_and_statuses_not_from_message_text() {
        assert_eq!(
            service_kind("ThrottlingException", "Rate exceeded", 400),
            ErrorKind::Throttled
        );
        assert_eq!(service_kind("Whatever", "", 429), ErrorKind::Throttled);
        assert_eq!(
            service_kind("AccessDeniedException", "no", 400),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            service_kind("ExpiredToken", "", 400),
            ErrorKind::ExpiredCredentials
        );
        assert_eq!(
            service_kind("UnrecognizedClientException", "", 400),
            ErrorKind::NoCredentials
        );
        assert_eq!(
            service_kind("ResourceNotFoundException", "", 400),
            ErrorKind::NotFound
        );
        assert_eq!(
            service_kind("InternalServiceError", "", 500),
            ErrorKind::Service
        );
        // A message that merely mentions throttling is not a throttle.
        assert_eq!(
            service_kind("ValidationException", "Throttling settings invalid", 400),
            ErrorKind::Service
        );
    }

    #[test]
    fn network_causes_read_as_words() {
        assert_eq!(
            network_cause("dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)"),
            "connection refused"
        );
        assert_eq!(
            network_cause("dns error: failed to lookup address information"),
            "host name not found"
        );
    }
}
