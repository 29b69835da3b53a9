//! Raise (or lower) a group's max size: the explicit change a scale-up beyond max needs,
//! never made as a side effect of setting desired capacity.

use super::{ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk};
use crate::model::AutoScalingGroup;

/// Proposes setting `group`'s max size to `max`.
pub fn propose(
    id: u64,
    group: &AutoScalingGroup,
    max: u32,
    context: &ActionContext,
) -> Result<Proposal, String> {
    if max == group.max_size {
        return Err(format!(
            "{} already has max size {max}; nothing to change",
            group.name
        ));
    }
    if max < group.desired_capacity {
        return Err(format!(
            "{max} is below the desired capacity {}: scale in first",
            group.desired_capacity
        ));
    }
    if max < group.min_size {
        return Err(format!("{max} is below the min size {}", group.min_size));
    }
    let reason = if max > group.max_size {
        format!(
            "allows up to {} more instance(s) (cost, and any scaling policy may use them)",
            max - group.max_size
        )
    } else {
        "scaling policies can no longer scale out as far".to_owned()
    };
    let proposal = Proposal {
        id,
        title: "Set max size".to_owned(),
        environment: context.environment.clone(),
        target: group.name.clone(),
        changes: vec![Change::new("max size", group.max_size, max)],
        affected: Vec::new(),
        risk: Risk::Medium,
        risk_reasons: vec![reason],
        permission: "autoscaling:UpdateAutoScalingGroup".to_owned(),
        call: format!(
            "UpdateAutoScalingGroup AutoScalingGroupName={} MaxSize={max}",
            group.name
        ),
        typed_confirmation: None,
        request: ActionRequest::SetMaxSize {
            group: group.name.clone(),
            expected_max: group.max_size,
            max,
        },
    };
    Ok(apply_environment_risk(proposal, context, &group.name))
}
