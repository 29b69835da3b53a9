//! StartInstanceRefresh (the runbook's rolling deploy and rollback) and CancelInstanceRefresh,
//! as their pages of the Amazon EC2 Auto Scaling API Reference document them: one refresh at a
//! time per group (InstanceRefreshInProgress), and nothing to cancel when none is active
//! (ActiveInstanceRefreshNotFound).

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::operation::RequestId;
use aws_sdk_autoscaling::operation::start_instance_refresh::{
    StartInstanceRefreshError, StartInstanceRefreshOutput,
};
use aws_sdk_autoscaling::types::{InstanceRefreshStatus, RefreshPreferences};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

use super::errors::report;
use crate::action::{Outcome, Report};

/// Starts a refresh of `group` unless one is already running.
pub async fn start(
    client: &Client,
    group: &str,
    min_healthy_percentage: u32,
    instance_warmup_seconds: u32,
) -> Report {
    match running_refresh(client, group).await {
        Err(report) => return report,
        Ok(Some(id)) => {
            return Report {
                outcome: Outcome::Aborted(format!(
                    "instance refresh {id} is already running on {group}; nothing was started"
                )),
                request_id: None,
            };
        }
        Ok(None) => {}
    }
    match send_start(
        client,
        group,
        min_healthy_percentage,
        instance_warmup_seconds,
    )
    .await
    {
        Ok(answer) => Report {
            outcome: Outcome::Succeeded(format!(
                "instance refresh {} started",
                answer.instance_refresh_id().unwrap_or("?")
            )),
            request_id: answer.request_id().map(str::to_owned),
        },
        Err(error) => report(&error, "autoscaling:StartInstanceRefresh", group),
    }
}

/// StartInstanceRefresh with the given preferences, nothing checked first.
pub async fn send_start(
    client: &Client,
    group: &str,
    min_healthy_percentage: u32,
    instance_warmup_seconds: u32,
) -> Result<StartInstanceRefreshOutput, SdkError<StartInstanceRefreshError, HttpResponse>> {
    let preferences = RefreshPreferences::builder()
        .min_healthy_percentage(i32::try_from(min_healthy_percentage).unwrap_or(100))
        .instance_warmup(i32::try_from(instance_warmup_seconds).unwrap_or(i32::MAX))
        .build();
    client
        .start_instance_refresh()
        .auto_scaling_group_name(group)
        .preferences(preferences)
        .send()
        .await
}

/// Cancels the running refresh of `group`.
pub async fn cancel(client: &Client, group: &str) -> Report {
    match client
        .cancel_instance_refresh()
        .auto_scaling_group_name(group)
        .send()
        .await
    {
        Ok(answer) => Report {
            outcome: Outcome::Succeeded(format!(
                "instance refresh {} cancelling",
                answer.instance_refresh_id().unwrap_or("?")
            )),
            request_id: answer.request_id().map(str::to_owned),
        },
        Err(error) => report(&error, "autoscaling:CancelInstanceRefresh", group),
    }
}

/// The id of a refresh of `group` that is pending or in progress, if any.
async fn running_refresh(client: &Client, group: &str) -> Result<Option<String>, Report> {
    let answer = client
        .describe_instance_refreshes()
        .auto_scaling_group_name(group)
        .max_records(5)
        .send()
        .await
        .map_err(|error| report(&error, "autoscaling:DescribeInstanceRefreshes", group))?;
    Ok(answer
        .instance_refreshes()
        .iter()
        .find(|refresh| {
            matches!(
                refresh.status(),
                Some(
                    InstanceRefreshStatus::Pending
                        | InstanceRefreshStatus::InProgress
                        | InstanceRefreshStatus::Cancelling
                        | InstanceRefreshStatus::RollbackInProgress
                        | InstanceRefreshStatus::Baking
                )
            )
        })
        .map(|refresh| refresh.instance_refresh_id().unwrap_or("?").to_owned()))
}
