//! UpdateAutoScalingGroup MaxSize, after checking max is still what the operator saw and the
//! new value still holds the group's desired capacity: per "UpdateAutoScalingGroup" (Amazon
//! EC2 Auto Scaling API Reference), a MaxSize below the group's current size without a
//! DesiredCapacity is an implicit SetDesiredCapacity to the new max, a scale-in the operator
//! did not ask for.

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::operation::RequestId;

use super::errors::report;
use crate::action::{Outcome, Report};

/// Sets `group`'s max size to `max` if it is still `expected`.
pub async fn set_max_size(client: &Client, group: &str, expected: u32, max: u32) -> Report {
    let current = match super::group::current(client, group).await {
        Ok(current) => super::group::sizes(&current),
        Err(report) => return report,
    };
    let (now, desired) = (current.max, current.desired);
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
