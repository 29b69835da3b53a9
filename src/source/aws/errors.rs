//! SDK errors in words a user can act on: the permission that is missing, the resource that
//! does not exist, throttling (the poller backs off), timeouts, and credentials with the
//! command that fixes them.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::source::{SourceError, SourceErrorKind};

/// Classifies an SDK error of the call `action` (e.g. `autoscaling:DescribeAutoScalingGroups`).
pub fn classify<E>(
    error: &SdkError<E, HttpResponse>,
    action: &str,
    profile: Option<&str>,
) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = DisplayErrorContext(error).to_string();
    match error {
        SdkError::TimeoutError(_) => SourceError::new(
            SourceErrorKind::Timeout,
            format!("{action}: no answer in time"),
        ),
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("");
            let message = service.err().message().unwrap_or("");
            if code.is_empty() && message.is_empty() {
                // Not an AWS error document (a proxy's or an emulator's error page): the
                // HTTP status is all there is to say.
                let status = service.raw().status().as_u16();
                return SourceError::new(
                    SourceErrorKind::Other,
                    format!("{action}: the endpoint answered HTTP {status} without an AWS error"),
                );
            }
            from_code(code, message, action, profile)
        }
        _ if looks_like_credentials(&detail) => credentials(profile, &detail),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => SourceError::new(
            SourceErrorKind::Timeout,
            format!("{action}: no answer in time"),
        ),
        SdkError::DispatchFailure(_) => SourceError::new(
            SourceErrorKind::Unavailable,
            format!("{action}: cannot reach AWS: {detail}"),
        ),
        _ => SourceError::new(SourceErrorKind::Other, format!("{action}: {detail}")),
    }
}

fn from_code(code: &str, message: &str, action: &str, profile: Option<&str>) -> SourceError {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "AuthorizationError" => SourceError::new(
            SourceErrorKind::Permission,
            format!("no permission: {action}"),
        ),
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException" => SourceError::new(
            SourceErrorKind::Throttled,
            format!("{action}: throttled by AWS; backing off"),
        ),
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch" => credentials(profile, message),
        "TargetGroupNotFound"
        | "LoadBalancerNotFound"
        | "ResourceNotFound"
        | "ResourceNotFoundException" => {
            SourceError::new(SourceErrorKind::NotFound, format!("{action}: {message}"))
        }
        _ => SourceError::new(
            SourceErrorKind::Other,
            format!("{action}: {code}: {message}").replace(": : ", ": "),
        ),
    }
}

fn looks_like_credentials(detail: &str) -> bool {
    let lower = detail.to_lowercase();
    lower.contains("credential") || lower.contains("token has expired") || lower.contains("sso")
}

/// Missing or expired credentials, with the command that fixes them.
fn credentials(profile: Option<&str>, detail: &str) -> SourceError {
    let fix = match profile {
        Some(profile) => format!("run: aws sso login --profile {profile}"),
        None => "set AWS credentials (aws configure, or aws sso login --profile NAME)".to_owned(),
    };
    SourceError::new(
        SourceErrorKind::Credentials,
        format!(
            "AWS credentials missing or expired; {fix} ({})",
            first_line(detail)
        ),
    )
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
