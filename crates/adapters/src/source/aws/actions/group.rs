//! The preflight read the Auto Scaling actions share: the group as it is now, by
//! "DescribeAutoScalingGroups" (Amazon EC2 Auto Scaling API Reference).

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types::AutoScalingGroup;

use super::errors::report;
use crate::action::{Outcome, Report};
use crate::source::aws::describe_groups;

/// Desired capacity, min and max of a group now.
pub struct Sizes {
    pub desired: u32,
    pub min: u32,
    pub max: u32,
}

/// `group` as DescribeAutoScalingGroups shows it now, or the report that ends the action
/// (not found, no permission, AWS unreachable) with nothing sent.
pub async fn current(client: &Client, group: &str) -> Result<AutoScalingGroup, Report> {
    describe_groups(client, &[group.to_owned()])
        .await
        .map_err(|error| report(&error, "autoscaling:DescribeAutoScalingGroups", group))?
        .into_iter()
        .next()
        .ok_or_else(|| Report {
            outcome: Outcome::Refused(format!("ASG {group} not found; nothing was sent")),
            request_id: None,
        })
}

/// The sizes of `group`.
pub fn sizes(group: &AutoScalingGroup) -> Sizes {
    let size = |value: Option<i32>| u32::try_from(value.unwrap_or(0)).unwrap_or(0);
    Sizes {
        desired: size(group.desired_capacity()),
        min: size(group.min_size()),
        max: size(group.max_size()),
    }
}
