//! Start and cancel an instance refresh (the runbook's rolling replacement and rollback step).

use super::{ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk};
use crate::model::AutoScalingGroup;

/// The runbook's preferences: keep half the fleet healthy, give each instance 300 s to warm up.
pub const DEFAULT_MIN_HEALTHY_PERCENTAGE: u32 = 50;
/// The runbook's instance warm-up.
pub const DEFAULT_INSTANCE_WARMUP_SECONDS: u32 = 300;

/// Longest instance warm-up accepted from the prompt (an hour); longer is a typo.
pub const MAX_INSTANCE_WARMUP_SECONDS: u32 = 3600;

/// Proposes replacing every instance of `group` with the runbook's preferences.
pub fn propose_start(
    id: u64,
    group: &AutoScalingGroup,
    context: &ActionContext,
) -> Result<Proposal, String> {
    propose_start_with(
        id,
        group,
        DEFAULT_MIN_HEALTHY_PERCENTAGE,
        DEFAULT_INSTANCE_WARMUP_SECONDS,
        context,
    )
}

/// Parses the refresh prompt: `MIN_HEALTHY WARMUP`, e.g. `50 300`.
pub fn parse_preferences(input: &str) -> Result<(u32, u32), String> {
    let numbers: Vec<&str> = input.split_whitespace().collect();
    let [min_healthy, warmup] = numbers.as_slice() else {
        return Err(format!(
            "\"{input}\": type two whole numbers, min healthy % and warm-up seconds, e.g. 50 300"
        ));
    };
    let min_healthy: u32 = min_healthy
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("\"{min_healthy}\" is not a whole percentage"))?;
    let warmup: u32 = warmup
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("\"{warmup}\" is not a whole number of seconds"))?;
    if min_healthy > 100 {
        return Err(format!("min healthy {min_healthy}% is above 100%"));
    }
    if warmup > MAX_INSTANCE_WARMUP_SECONDS {
        return Err(format!(
            "warm-up {warmup} s is over {MAX_INSTANCE_WARMUP_SECONDS} s"
        ));
    }
    Ok((min_healthy, warmup))
}

/// Proposes replacing every instance of `group`, keeping `min_healthy` % in service and
/// giving each new instance `warmup` seconds.
pub fn propose_start_with(
    id: u64,
    group: &AutoScalingGroup,
    min_healthy: u32,
    warmup: u32,
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
            Change::new("min healthy", "-", format!("{min_healthy}%")),
            Change::new("instance warm-up", "-", format!("{warmup} s")),
        ],
        affected: group.instances.iter().map(|i| i.id.clone()).collect(),
        risk: Risk::Medium,
        risk_reasons: vec![format!(
            "all {count} instances are replaced, at most {}% at a time",
            100 - min_healthy
        )],
        permission: "autoscaling:StartInstanceRefresh".to_owned(),
        call: format!(
            "StartInstanceRefresh AutoScalingGroupName={} Preferences={{MinHealthyPercentage={min_healthy},InstanceWarmup={warmup}}}",
            group.name
        ),
        typed_confirmation: None,
        request: ActionRequest::StartInstanceRefresh {
            group: group.name.clone(),
            min_healthy_percentage: min_healthy,
            instance_warmup_seconds: warmup,
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
