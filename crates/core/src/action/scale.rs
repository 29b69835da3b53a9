//! Set desired capacity (the runbook's "Increase Application Capacity" and "Scale Down").

use super::{
    ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk, halving_risk,
};
use crate::model::AutoScalingGroup;

/// Proposes setting `group`'s desired capacity to `desired`, validated against min and max,
/// without waiting for the group's cooldown (the runbook's emergency scale-up).
pub fn propose(
    id: u64,
    group: &AutoScalingGroup,
    desired: u32,
    context: &ActionContext,
) -> Result<Proposal, String> {
    propose_with_cooldown(id, group, desired, false, context)
}

/// As [`propose`], with HonorCooldown as chosen: true waits out the group's cooldown and
/// AWS refuses the change while it runs.
pub fn propose_with_cooldown(
    id: u64,
    group: &AutoScalingGroup,
    desired: u32,
    honor_cooldown: bool,
    context: &ActionContext,
) -> Result<Proposal, String> {
    let current = group.desired_capacity;
    if desired == current {
        return Err(format!(
            "{} is already at desired capacity {current}; nothing to change",
            group.name
        ));
    }
    if desired > group.max_size {
        return Err(format!(
            "{desired} is above the group's max size {}: raising max is a separate change (M)",
            group.max_size
        ));
    }
    if desired < group.min_size {
        return Err(format!(
            "{desired} is below the group's min size {}: lowering min is a separate change",
            group.min_size
        ));
    }
    let halving = halving_risk(current, desired);
    let risk = if halving.is_some() {
        Risk::High
    } else {
        Risk::Medium
    };
    let mut risk_reasons: Vec<String> = halving.into_iter().collect();
    if desired < current {
        risk_reasons.push(format!(
            "{} instance(s) will drain and terminate",
            current - desired
        ));
    } else {
        risk_reasons.push(format!("{} instance(s) will launch", desired - current));
    }
    let proposal = Proposal {
        id,
        title: "Set desired capacity".to_owned(),
        environment: context.environment.clone(),
        target: group.name.clone(),
        changes: vec![Change::new("desired capacity", current, desired)],
        affected: Vec::new(),
        risk,
        risk_reasons,
        permission: "autoscaling:SetDesiredCapacity".to_owned(),
        call: format!(
            "SetDesiredCapacity AutoScalingGroupName={} DesiredCapacity={desired} HonorCooldown={honor_cooldown}",
            group.name
        ),
        typed_confirmation: None,
        request: ActionRequest::SetDesiredCapacity {
            group: group.name.clone(),
            expected_desired: current,
            desired,
            honor_cooldown,
        },
    };
    Ok(apply_environment_risk(proposal, context, &group.name))
}
