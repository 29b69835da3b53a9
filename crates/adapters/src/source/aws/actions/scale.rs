//! SetDesiredCapacity, after checking the group still has the desired capacity the operator
//! saw and the new value is within its min and max. Per "SetDesiredCapacity" (Amazon EC2
//! Auto Scaling API Reference): a lower value scales in by the group's termination policy,
//! the cooldown is not honored unless HonorCooldown says so, and ResourceContention and
//! ScalingActivityInProgress are its own errors.

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::operation::RequestId;

use super::errors::report;
use crate::action::{Outcome, Report};

const ACTION: &str = "autoscaling:SetDesiredCapacity";

/// Sets `group`'s desired capacity to `desired` if it is still `expected`.
pub async fn set_desired_capacity(
    client: &Client,
    group: &str,
    expected: u32,
    desired: u32,
    honor_cooldown: bool,
) -> Report {
    let current = match super::group::current(client, group).await {
        Ok(current) => super::group::sizes(&current),
        Err(report) => return report,
    };
    let (now, min, max) = (current.desired, current.min, current.max);
    if now != expected {
        return Report {
            outcome: Outcome::Aborted(format!(
                "desired capacity of {group} is now {now}, not the {expected} you saw; nothing was changed"
            )),
            request_id: None,
        };
    }
    if desired < min || desired > max {
        return refused(format!(
            "{desired} is outside {group}'s min {min} and max {max}; nothing was sent"
        ));
    }
    let call = client
        .set_desired_capacity()
        .auto_scaling_group_name(group)
        .desired_capacity(i32::try_from(desired).unwrap_or(i32::MAX))
        .honor_cooldown(honor_cooldown)
        .send()
        .await;
    match call {
        Ok(answer) => Report {
            outcome: Outcome::Succeeded(format!("desired capacity {now} -> {desired}")),
            request_id: answer.request_id().map(str::to_owned),
        },
        Err(error) => report(&error, ACTION, group),
    }
}

fn refused(message: String) -> Report {
    Report {
        outcome: Outcome::Refused(message),
        request_id: None,
    }
}
