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
        SdkError::ServiceError(service) if is_not_an_aws_answer(error) => {
            // A proxy's or an emulator's error page: the HTTP status is all there is to say.
            let status = service.raw().status().as_u16();
            SourceError::new(
                SourceErrorKind::Other,
                format!("{action}: the endpoint answered HTTP {status} without an AWS error"),
            )
        }
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("");
            let message = service.err().message().unwrap_or("");
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

/// An error answer that is no AWS error document (no code, no message): what an emulator
/// sends for a call it does not serve.
pub fn is_not_an_aws_answer<E>(error: &SdkError<E, HttpResponse>) -> bool
where
    E: ProvideErrorMetadata,
{
    matches!(error, SdkError::ServiceError(service)
        if service.err().code().unwrap_or("").is_empty()
            && service.err().message().unwrap_or("").is_empty())
}

fn from_code(code: &str, message: &str, action: &str, profile: Option<&str>) -> SourceError {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "AuthorizationError"
        // Performance Insights' own ("DescribeDimensionKeys", Errors, Performance Insights
        // API Reference: "The user is not authorized to perform this request").
        | "NotAuthorizedException" => SourceError::new(
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
        | "UnrecognizedClientException" => credentials(profile, message),
        // A wrong secret key, or a clock far enough off that the signature's time is wrong
        // ("Common Errors" in the CloudWatch Logs and ECS API Reference; AuthFailure in the
        // Amazon EC2 API Reference's error codes).
        "SignatureDoesNotMatch" | "InvalidSignatureException" | "AuthFailure" => {
            credential_problem(
                &format!("AWS rejected the request's signature ({code})"),
                "check the secret access key and this machine's clock",
                message,
            )
        }
        // The signed time is outside AWS's window (5 minutes on most services).
        "RequestExpired" | "RequestTimeTooSkewed" | "SignatureExpired" => credential_problem(
            &format!("AWS says the request's time is wrong ({code})"),
            "sync this machine's clock (timedatectl set-ntp true)",
            message,
        ),
        // "CloudWatch Logs quotas": 30 concurrent Logs Insights queries per account, shared
        // by every console tab and dashboard of the account.
        "LimitExceededException" if action.starts_with("logs:StartQuery") => SourceError::new(
            SourceErrorKind::Throttled,
            format!(
                "{action}: the account's 30 concurrent Logs Insights queries are all in use (LimitExceededException); backing off"
            ),
        ),
        "LimitExceededException" | "LimitExceeded" => SourceError::new(
            SourceErrorKind::Throttled,
            format!("{action}: an AWS limit is reached ({code}: {message}); backing off"),
        ),
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
    credential_problem("AWS credentials missing or expired", &fix, detail)
}

/// A credentials problem as "what; fix (detail)": the header shows the fix alone.
fn credential_problem(what: &str, fix: &str, detail: &str) -> SourceError {
    SourceError::new(
        SourceErrorKind::Credentials,
        format!("{what}; {fix} ({})", first_line(detail)),
    )
}

/// What to do for a profile that asks for an MFA code (`mfa_serial`): the AWS SDK for Rust
/// cannot prompt for one, so the fix is session credentials made outside opsdeck.
pub fn mfa_fix(profile: &str) -> String {
    format!(
        "profile {profile} needs an MFA code, which opsdeck (the AWS SDK for Rust) cannot ask for: get session credentials first, e.g. aws-vault exec {profile} -- opsdeck, or export the keys from aws sts get-session-token --serial-number ARN --token-code CODE"
    )
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod code_tests {
    use super::*;

    /// EC2 answers AuthFailure for keys it cannot validate and RequestExpired for a request
    /// signed with a clock too far off ("Error codes for the Amazon EC2 API"): each says what
    /// to fix, and the header shows the fix alone.
    #[test]
    fn signature_and_clock_errors_say_what_to_fix() {
        let auth = from_code(
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
            "ec2:DescribeLaunchTemplateVersions",
            None,
        );
        assert_eq!(auth.kind, SourceErrorKind::Credentials);
        assert!(
            auth.message
                .starts_with("AWS rejected the request's signature (AuthFailure); check the secret access key and this machine's clock"),
            "{}",
            auth.message
        );
        let expired = from_code(
            "RequestExpired",
            "Request has expired.",
            "ec2:DescribeLaunchTemplateVersions",
            None,
        );
        assert_eq!(expired.kind, SourceErrorKind::Credentials);
        assert_eq!(
            expired.message,
            "AWS says the request's time is wrong (RequestExpired); sync this machine's clock (timedatectl set-ntp true) (Request has expired.)"
        );
    }

    #[test]
    fn a_profile_that_needs_mfa_is_told_how_to_get_session_credentials() {
        let fix = mfa_fix("prod");
        assert!(fix.starts_with("profile prod needs an MFA code"), "{fix}");
        assert!(fix.contains("aws sts get-session-token"), "{fix}");
        assert!(!fix.contains("sso login"), "{fix}");
    }
}
