//! Start and cancel an instance refresh (the runbook's rolling replacement and rollback step).

use super::{ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk};
use crate::model::AutoScalingGroup;

/// The runbook's preferences: keep half the fleet healthy, give each instance 300 s to warm up.
pub const DEFAULT_MIN_HEALTHY_PERCENTAGE: u32 = 50;
/// The runbook's instance warm-up.
pub const DEFAULT_INSTANCE_WARMUP_SECONDS: u32 = 300;

/// Proposes replacing every instance of `group`.
pub fn propose_start(
    id: u64,
    group: &AutoScalingGroup,
    context: &ActionContext,
) -> Result<Proposal, String> {
    if let Some(refresh) = &group.instance_refresh
        && matches!(
            refresh.status.as_str(),
            "Pending" | "InProgress" | "Cancelling"
        )
    {
        return Err(format!(
            "{} already has an instance refresh {} ({}% done); cancel it first",
            group.name,
            refresh.status.to_lowercase(),
            refresh.percentage_complete
        ));
    }
    let count = group.instances.len();
    let proposal = Proposal {
        id,
        title: "Start instance refresh".to_owned(),
        environment: context.environment.clone(),
        target: group.name.clone(),
        changes: vec![
            Change::new("instances replaced", 0, count),
            Change::new(
                "min healthy",
                "-",
                format!("{DEFAULT_MIN_HEALTHY_PERCENTAGE}%"),
            ),
            Change::new(
                "instance warm-up",
                "-",
                format!("{DEFAULT_INSTANCE_WARMUP_SECONDS} s"),
            ),
        ],
        affected: group.instances.iter().map(|i| i.id.clone()).collect(),
        risk: Risk::Medium,
        risk_reasons: vec![format!(
            "all {count} instances are replaced, at most half at a time"
        )],
        permission: "autoscaling:StartInstanceRefresh".to_owned(),
        call: format!(
            "StartInstanceRefresh AutoScalingGroupName={} Preferences={{MinHealthyPercentage={DEFAULT_MIN_HEALTHY_PERCENTAGE},InstanceWarmup={DEFAULT_INSTANCE_WARMUP_SECONDS}}}",
            group.name
        ),
        typed_confirmation: None,
        request: ActionRequest::StartInstanceRefresh {
            group: group.name.clone(),
            min_healthy_percentage: DEFAULT_MIN_HEALTHY_PERCENTAGE,
            instance_warmup_seconds: DEFAULT_INSTANCE_WARMUP_SECONDS,
        },
    };
    Ok(apply_environment_risk(proposal, context, &group.name))
}

/// Proposes cancelling the refresh in progress on `group`.
pub fn propose_cancel(
    id: u64,
    group: &AutoScalingGroup,
    context: &ActionContext,
) -> Result<Proposal, String> {
    let refresh = group
        .instance_refresh
        .as_ref()
        .filter(|refresh| matches!(refresh.status.as_str(), "Pending" | "InProgress"))
        .ok_or_else(|| format!("{} has no instance refresh in progress", group.name))?;
    let proposal = Proposal {
        id,
        title: "Cancel instance refresh".to_owned(),
        environment: context.environment.clone(),
        target: group.name.clone(),
        changes: vec![Change::new(
            "instance refresh",
            format!("{} {}%", refresh.status, refresh.percentage_complete),
            "Cancelled (replaced instances stay)",
        )],
        affected: Vec::new(),
        risk: Risk::Low,
        risk_reasons: vec!["instances already replaced are not rolled back".to_owned()],
        permission: "autoscaling:CancelInstanceRefresh".to_owned(),
        call: format!("CancelInstanceRefresh AutoScalingGroupName={}", group.name),
        typed_confirmation: None,
        request: ActionRequest::CancelInstanceRefresh {
            group: group.name.clone(),
        },
    };
    Ok(apply_environment_risk(proposal, context, &group.name))
}
