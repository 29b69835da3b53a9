//! AWS answers to a change, in words: what was refused and why, or that the answer is not
//! known (the change may or may not have been made; the next poll shows which).

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::action::{Outcome, Report};

/// The report for a failed call of `action` (e.g. `autoscaling:SetDesiredCapacity`) on
/// `target`.
pub fn report<E>(error: &SdkError<E, HttpResponse>, action: &str, target: &str) -> Report
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let outcome = match error {
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("");
            let message = service.err().message().unwrap_or("");
            refused(code, message, action, target)
        }
        SdkError::TimeoutError(_) => Outcome::Unknown(format!(
            "{action}: no answer in time; the next poll shows whether {target} changed; not retried"
        )),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => Outcome::Unknown(format!(
            "{action}: no answer in time; the next poll shows whether {target} changed; not retried"
        )),
        // Per AWS SDK for Rust API docs, "Enum SdkError" (aws-smithy-runtime-api): DispatchFailure means "an HTTP
        // response was not received. The request MAY have been sent." A connection lost after
        // the request was written looks the same as one never made: the change may be made.
        SdkError::DispatchFailure(_) => Outcome::Unknown(format!(
            "{action}: the connection failed ({}); the request may have been sent, so the next poll shows whether {target} changed; not retried",
            aws_smithy_types::error::display::DisplayErrorContext(error)
        )),
        // The request could not even be built: nothing left the machine.
        SdkError::ConstructionFailure(_) => Outcome::Failed(format!(
            "{action}: the request could not be built ({}); nothing was changed",
            aws_smithy_types::error::display::DisplayErrorContext(error)
        )),
        _ => Outcome::Unknown(format!(
            "{action}: {}; the next poll shows whether {target} changed; not retried",
            aws_smithy_types::error::display::DisplayErrorContext(error)
        )),
    };
    Report {
        outcome,
        request_id: service_request_id(error),
    }
}

fn service_request_id<E>(error: &SdkError<E, HttpResponse>) -> Option<String>
where
    E: ProvideErrorMetadata,
{
    match error {
        SdkError::ServiceError(service) => service
            .raw()
            .headers()
            .get("x-amzn-requestid")
            .or_else(|| service.raw().headers().get("x-amz-request-id"))
            .map(str::to_owned)
            .or_else(|| {
                service
                    .err()
                    .meta()
                    .extra("aws_request_id")
                    .map(str::to_owned)
            }),
        _ => None,
    }
}

/// AWS refused the change: nothing was changed. Known codes are explained.
fn refused(code: &str, message: &str, action: &str, target: &str) -> Outcome {
    let explained = match code {
        "ScalingActivityInProgress" => format!(
            "a scaling activity is still in progress on {target}; wait for it to finish, then try again"
        ),
        "ResourceContention" => {
            format!("Auto Scaling is busy with another change to {target}; try again in a moment")
        }
        "InstanceRefreshInProgress" => {
            format!("an instance refresh is already running on {target}")
        }
        "ActiveInstanceRefreshNotFound" => {
            format!("{target} has no instance refresh to cancel")
        }
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
            format!("no permission: {action}")
        }
        "ServiceNotFoundException" | "ClusterNotFoundException" | "DBInstanceNotFound" => {
            format!("{target} not found")
        }
        // CreateDBSnapshot's errors (Amazon RDS API Reference).
        "DBSnapshotAlreadyExists" => {
            "a snapshot of that name already exists; pick another name".to_owned()
        }
        "SnapshotQuotaExceeded" => {
            "the account's manual snapshot quota is reached; delete old snapshots or ask for more"
                .to_owned()
        }
        "InvalidDBInstanceState" => format!("{target} is not available for a snapshot now"),
        "" => format!("{action}: refused without an AWS error code"),
        _ => format!("{code}: {message}"),
    };
    Outcome::Refused(format!("{explained}; nothing was changed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_refusals_are_explained() {
        let outcome = refused(
            "ScalingActivityInProgress",
            "Scaling activity 1234 is in progress and blocks this action.",
            "autoscaling:SetDesiredCapacity",
            "basecoat-portal-asg",
        );
        assert_eq!(
            outcome,
            Outcome::Refused(
                "a scaling activity is still in progress on basecoat-portal-asg; wait for it to finish, then try again; nothing was changed"
                    .to_owned()
            )
        );
        let outcome = refused(
            "ValidationError",
            "New SetDesiredCapacity value 25 is above max value 20 for the AutoScalingGroup.",
            "autoscaling:SetDesiredCapacity",
            "basecoat-portal-asg",
        );
        assert_eq!(
            outcome,
            Outcome::Refused("ValidationError: New SetDesiredCapacity value 25 is above max value 20 for the AutoScalingGroup.; nothing was changed".to_owned())
        );
    }
}
