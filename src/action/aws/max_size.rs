//! UpdateAutoScalingGroup MaxSize, after checking max is still what the operator saw and the
//! new value still holds the group's desired capacity.

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::operation::RequestId;

use super::errors::report;
use crate::action::{Outcome, Report};

/// Sets `group`'s max size to `max` if it is still `expected`.
pub async fn set_max_size(client: &Client, group: &str, expected: u32, max: u32) -> Report {
    let seen = match client
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(group)
        .send()
        .await
    {
        Ok(answer) => answer,
        Err(error) => return report(&error, "autoscaling:DescribeAutoScalingGroups", group),
    };
    let Some(current) = seen.auto_scaling_groups().first() else {
        return plain(Outcome::Refused(format!(
            "ASG {group} not found; nothing was sent"
        )));
    };
    let now = u32::try_from(current.max_size().unwrap_or(0)).unwrap_or(0);
    let desired = u32::try_from(current.desired_capacity().unwrap_or(0)).unwrap_or(0);
    if now != expected {
        return plain(Outcome::Aborted(format!(
            "max size of {group} is now {now}, not the {expected} you saw; nothing was changed"
        )));
    }
    if max < desired {
        return plain(Outcome::Refused(format!(
            "{max} is below {group}'s desired capacity {desired}; nothing was sent"
        )));
    }
    match client
        .update_auto_scaling_group()
        .auto_scaling_group_name(group)
        .max_size(i32::try_from(max).unwrap_or(i32::MAX))
        .send()
        .await
    {
        Ok(answer) => Report {
            outcome: Outcome::Succeeded(format!("max size {now} -> {max}")),
            request_id: answer.request_id().map(str::to_owned),
        },
        Err(error) => report(&error, "autoscaling:UpdateAutoScalingGroup", group),
    }
}

fn plain(outcome: Outcome) -> Report {
    Report {
        outcome,
        request_id: None,
    }
}
