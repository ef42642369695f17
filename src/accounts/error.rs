//! Why one account cannot be read. Each account fails on its own: the
//! reason is shown on its row, and the others go on.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::aws::{AwsError, ErrorKind};

#[derive(Debug, Clone, PartialEq)]
pub enum AccountError {
    /// STS refused AssumeRole. AWS answers a missing role and a role whose
    /// trust policy does not name the caller alike (AccessDenied), so the
    /// message says both.
    RoleDenied {
        role_arn: String,
        message: String,
    },
    /// STS is not enabled in the region the role was assumed in.
    RegionDisabled {
        message: String,
    },
    /// The credentials this account is reached with have expired (an SSO
    /// session, a session token).
    ExpiredCredentials {
        message: String,
    },
    /// No usable credentials: an incomplete profile, an unknown key.
    NoCredentials {
        message: String,
    },
    /// AWS refused the call for another reason (an SCP, a permission boundary).
    Denied {
        message: String,
    },
    /// No answer within the account's own time limit.
    Timeout {
        after: Duration,
    },
    Unreachable {
        message: String,
    },
    Other {
        message: String,
    },
}

impl AccountError {
    /// A stable word for the snapshot (`accounts[].error.kind`) and filters.
    pub fn kind(&self) -> &'static str {
        match self {
            AccountError::RoleDenied { .. } => "role_denied",
            AccountError::RegionDisabled { .. } => "region_disabled",
            AccountError::ExpiredCredentials { .. } => "expired_credentials",
            AccountError::NoCredentials { .. } => "no_credentials",
            AccountError::Denied { .. } => "access_denied",
            AccountError::Timeout { .. } => "timeout",
            AccountError::Unreachable { .. } => "unreachable",
            AccountError::Other { .. } => "other",
        }
    }

    /// Why GetCallerIdentity through an account's credentials failed. A
    /// refused AssumeRole shows up here, inside the credentials error, and is
    /// named as such rather than as "no credentials".
    pub fn from_identity_call<E>(
        err: &SdkError<E, Response>,
        role_arn: Option<&str>,
        endpoint: Option<&str>,
    ) -> AccountError
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        if let Some(assume) = assume_role_error(err) {
            return from_assume_role(assume, role_arn.unwrap_or("the role"), endpoint);
        }
        from_aws(AwsError::from_sdk(err, endpoint))
    }
}

fn from_assume_role(
    err: &SdkError<AssumeRoleError, Response>,
    role_arn: &str,
    endpoint: Option<&str>,
) -> AccountError {
    let SdkError::ServiceError(se) = err else {
        // STS itself could not be reached: the transport's reason.
        return from_aws(AwsError::from_sdk(err, endpoint));
    };
    let code = se.err().code().unwrap_or("ServiceError");
    let message = one_line(se.err().message().unwrap_or(code));
    match se.err() {
        AssumeRoleError::RegionDisabledException(_) => AccountError::RegionDisabled { message },
        AssumeRoleError::ExpiredTokenException(_) => AccountError::ExpiredCredentials { message },
        _ if code.starts_with("AccessDenied") || se.raw().status().as_u16() == 403 => {
            AccountError::RoleDenied {
                role_arn: role_arn.to_string(),
                message,
            }
        }
        _ => from_aws(AwsError::from_sdk(err, endpoint)),
    }
}

fn from_aws(e: AwsError) -> AccountError {
    let message = e.message;
    match e.kind {
        ErrorKind::AccessDenied => AccountError::Denied { message },
        ErrorKind::ExpiredCredentials => AccountError::ExpiredCredentials { message },
        ErrorKind::NoCredentials => AccountError::NoCredentials { message },
        ErrorKind::Unreachable => AccountError::Unreachable { message },
        ErrorKind::Timeout => AccountError::Timeout {
            after: Duration::ZERO,
        },
        _ => AccountError::Other { message },
    }
}

/// The AssumeRole failure somewhere in `err`'s chain of causes.
fn assume_role_error<'a>(
    err: &'a (dyn StdError + 'static),
) -> Option<&'a SdkError<AssumeRoleError, Response>> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(found) = e.downcast_ref::<SdkError<AssumeRoleError, Response>>() {
            return Some(found);
        }
        cur = e.source();
    }
    None
}

fn one_line(s: &str) -> String {
    crate::fmt::truncate(&s.split_whitespace().collect::<Vec<_>>().join(" "), 300)
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountError::RoleDenied { role_arn, message } => write!(
                f,
                "cannot assume {role_arn} (missing, or its trust policy does not allow this caller): {message}"
            ),
            AccountError::RegionDisabled { message } => {
                write!(f, "STS is not enabled in this region: {message}")
            }
            AccountError::ExpiredCredentials { message } => {
                write!(f, "credentials expired: {message}")
            }
            AccountError::NoCredentials { message }
            | AccountError::Denied { message }
            | AccountError::Unreachable { message }
            | AccountError::Other { message } => f.write_str(message),
            AccountError::Timeout { after } if after.is_zero() => f.write_str("timed out"),
            AccountError::Timeout { after } => {
                write!(f, "no answer within {}", humantime::format_duration(*after))
            }
        }
    }
}

impl StdError for AccountError {}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sts::types::error::RegionDisabledException;
    use aws_smithy_types::body::SdkBody;

    fn refused(err: AssumeRoleError, status: u16) -> SdkError<AssumeRoleError, Response> {
        let raw = Response::new(status.try_into().unwrap(), SdkBody::empty());
        SdkError::service_error(err, raw)
    }

    #[test]
    fn a_refused_assume_role_is_named_with_its_role_and_reason() {
        let denied = AssumeRoleError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("User: arn:aws:iam::111111111111:user/x is not authorized to perform: sts:AssumeRole")
                .build(),
        );
        let e = from_assume_role(
            &refused(denied, 403),
            "arn:aws:iam::222222222222:role/R",
            None,
        );
        assert_eq!(e.kind(), "role_denied");
        let text = e.to_string();
        assert!(text.contains("arn:aws:iam::222222222222:role/R"), "{text}");
        assert!(
            text.contains("not authorized to perform: sts:AssumeRole"),
            "{text}"
        );

        let region = AssumeRoleError::RegionDisabledException(
            RegionDisabledException::builder()
                .message("STS is not activated in ap-east-1")
                .build(),
        );
        let e = from_assume_role(&refused(region, 403), "arn", None);
        assert_eq!(e.kind(), "region_disabled");
        // A code that is neither: the generic classification (a throttle is "other" here).
        let throttled = AssumeRoleError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("Throttling")
                .build(),
        );
        assert_eq!(
            from_assume_role(&refused(throttled, 400), "arn", None).kind(),
            "other"
        );
    }

    #[test]
    fn a_timeout_says_how_long_it_waited() {
        let e = AccountError::Timeout {
            after: Duration::from_secs(20),
        };
        assert_eq!(e.to_string(), "no answer within 20s");
    }
}
