//! Roll back a deploy (the runbook's "Rollback Deployment"): point the group at an earlier
//! launch template version and replace every instance with an instance refresh, in one
//! guarded flow.

use super::instance_refresh::{DEFAULT_INSTANCE_WARMUP_SECONDS, DEFAULT_MIN_HEALTHY_PERCENTAGE};
use super::{ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk};
use crate::format;
use crate::model::{AutoScalingGroup, LaunchTemplateVersion, Timestamp};

/// The version a rollback is offered first: the newest one older than the one in use.
pub fn suggested_version(versions: &[LaunchTemplateVersion]) -> Option<u32> {
    let in_use = versions.iter().find(|v| v.in_use)?.version;
    versions
        .iter()
        .map(|v| v.version)
        .filter(|v| *v < in_use)
        .max()
}

/// One line per version for the picker: number, age, description, the one in use marked.
pub fn version_lines(versions: &[LaunchTemplateVersion], now: Timestamp) -> Vec<String> {
    versions
        .iter()
        .map(|v| {
            format!(
                "{:>4}  {:>9} ago  {}{}",
                v.version,
                format::duration((now - v.created_at).num_seconds()),
                v.description.as_deref().unwrap_or("-"),
                if v.in_use { "  ← in use" } else { "" }
            )
        })
        .collect()
}

/// The UpdateAutoScalingGroup parameter that points `group` at version `to`: its own launch
/// template, or its mixed instances policy's (sent back with only the version changed; see
/// "LaunchTemplate" in the Amazon EC2 Auto Scaling API Reference). AWS checks
/// `ec2:RunInstances` on such an update ("Control Amazon EC2 launch template usage in Auto
/// Scaling groups", Amazon EC2 Auto Scaling User Guide), which the proposal names.
fn template_setting(group: &AutoScalingGroup, template_id: &str, to: u32) -> String {
    if group.mixed_instances_policy {
        format!(
            "MixedInstancesPolicy={{LaunchTemplate={{LaunchTemplateSpecification={{LaunchTemplateId={template_id},Version={to}}}, overrides and instances distribution as they are}}}}"
        )
    } else {
        format!("LaunchTemplate={{LaunchTemplateId={template_id},Version={to}}}")
    }
}

/// Proposes rolling `group` back to launch template version `to`.
pub fn propose(
    id: u64,
    group: &AutoScalingGroup,
    versions: &[LaunchTemplateVersion],
    to: u32,
    context: &ActionContext,
) -> Result<Proposal, String> {
    let current = versions.iter().find(|v| v.in_use).ok_or_else(|| {
        format!(
            "cannot tell which launch template version {} uses",
            group.name
        )
    })?;
    let target = versions.iter().find(|v| v.version == to).ok_or_else(|| {
        format!(
            "launch template {} has no version {to} among those listed",
            current.template_name
        )
    })?;
    if to == current.version {
        return Err(format!(
            "{} already launches version {to}; nothing to roll back",
            group.name
        ));
    }
    if let Some(refresh) = &group.instance_refresh
        && matches!(
            refresh.status.as_str(),
            "Pending" | "InProgress" | "Cancelling"
        )
    {
        return Err(format!(
            "{} has an instance refresh {}; cancel it first (C)",
            group.name,
            refresh.status.to_lowercase()
        ));
    }
    let count = group.instances.len();
    let (min_healthy, warmup) = (
        DEFAULT_MIN_HEALTHY_PERCENTAGE,
        DEFAULT_INSTANCE_WARMUP_SECONDS,
    );
    let proposal = Proposal {
        id,
        title: "Roll back deploy".to_owned(),
        environment: context.environment.clone(),
        target: group.name.clone(),
        changes: vec![
            Change::new(
                format!("launch template {}", current.template_name),
                format!("version {}", current.version),
                format!("version {to}"),
            ),
            Change::new("instances replaced", 0, count),
            Change::new("min healthy", "-", format!("{min_healthy}%")),
            Change::new("instance warm-up", "-", format!("{warmup} s")),
        ],
        affected: group.instances.iter().map(|i| i.id.clone()).collect(),
        risk: Risk::High,
        risk_reasons: vec![
            format!(
                "every instance is replaced with version {to} ({})",
                target.description.as_deref().unwrap_or("no description")
            ),
            format!("at most {}% of {count} out of service at a time", 100 - min_healthy),
        ],
        permission: "autoscaling:UpdateAutoScalingGroup, autoscaling:StartInstanceRefresh; AWS checks ec2:RunInstances (and iam:PassRole / ec2:CreateTags if the template has a profile / tags)".to_owned(),
        call: format!(
            "UpdateAutoScalingGroup AutoScalingGroupName={name} {template}; StartInstanceRefresh AutoScalingGroupName={name} Preferences={{MinHealthyPercentage={min_healthy},InstanceWarmup={warmup}}}",
            name = group.name,
            template = template_setting(group, &current.template_id, to),
        ),
        typed_confirmation: Some(group.name.clone()),
        request: ActionRequest::RollBack {
            group: group.name.clone(),
            template_id: current.template_id.clone(),
            from_version: current.version,
            to_version: to,
            min_healthy_percentage: min_healthy,
            instance_warmup_seconds: warmup,
        },
    };
    Ok(apply_environment_risk(proposal, context, &group.name))
}
