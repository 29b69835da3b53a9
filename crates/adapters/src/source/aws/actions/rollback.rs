//! Rollback in AWS: UpdateAutoScalingGroup to the earlier launch template version, then
//! StartInstanceRefresh. Preflight: the group still launches the template and version the
//! operator saw (`$Latest` / `$Default` asked of EC2 now) and no refresh is running. Neither
//! call is retried.
//!
//! A group with a mixed instances policy launches from the policy's launch template: the
//! rollback changes that version and sends the policy back otherwise as it was ("LaunchTemplate"
//! in the Amazon EC2 Auto Scaling API Reference: updating the launch template or overrides
//! keeps the running instances). Sending a top-level `LaunchTemplate` instead would convert
//! the group to a single launch template and drop its instance types and Spot settings.

use aws_sdk_autoscaling::operation::RequestId;
use aws_sdk_autoscaling::types::{LaunchTemplateSpecification, MixedInstancesPolicy};

use super::errors::report;
use crate::action::{Outcome, Report};
use crate::source::aws::{AwsClients, resolve_now, template_of};

/// What to roll back and how.
pub struct RollBack<'a> {
    pub group: &'a str,
    pub template_id: &'a str,
    pub from_version: u32,
    pub to_version: u32,
    pub min_healthy_percentage: u32,
    pub instance_warmup_seconds: u32,
}

/// Points the group at `to_version` and starts the refresh that replaces every instance.
pub async fn roll_back(clients: &AwsClients, plan: RollBack<'_>) -> Report {
    let group = plan.group;
    let found = match super::group::current(&clients.auto_scaling, group).await {
        Ok(found) => found,
        Err(report) => return report,
    };
    let Some(template) = template_of(&found) else {
        return refused(format!(
            "{group} does not launch from a launch template; nothing was sent"
        ));
    };
    let template_id = template.launch_template_id().unwrap_or_default();
    if template_id != plan.template_id {
        return aborted(format!(
            "{group} now launches template {template_id}, not the {} you saw; nothing was changed",
            plan.template_id
        ));
    }
    let setting = template.version().unwrap_or("$Default");
    let in_use = match resolve_now(clients, template_id, setting).await {
        Ok(in_use) => in_use,
        Err(error) => return refused(format!("{}; nothing was sent", error.message)),
    };
    if in_use != Some(plan.from_version) {
        let now = match (setting, in_use) {
            (number, _) if !number.starts_with('$') => number.to_owned(),
            (word, Some(number)) => format!("{number} ({word})"),
            (word, None) => word.to_owned(),
        };
        return aborted(format!(
            "{group} now launches version {now}, not the {} you saw; nothing was changed",
            plan.from_version
        ));
    }
    let update = clients
        .auto_scaling
        .update_auto_scaling_group()
        .auto_scaling_group_name(group);
    let update = match found.mixed_instances_policy() {
        Some(policy) => update.mixed_instances_policy(with_version(policy, plan.to_version)),
        None => update.launch_template(
            LaunchTemplateSpecification::builder()
                .launch_template_id(plan.template_id)
                .version(plan.to_version.to_string())
                .build(),
        ),
    };
    let update = update.send().await;
    if let Err(error) = update {
        return report(&error, "autoscaling:UpdateAutoScalingGroup", group);
    }
    let started = super::instance_refresh::send_start(
        &clients.auto_scaling,
        group,
        plan.min_healthy_percentage,
        plan.instance_warmup_seconds,
    );
    match started.await {
        Ok(answer) => Report {
            outcome: Outcome::Succeeded(format!(
                "{group} launches version {} (was {}); instance refresh {} started",
                plan.to_version,
                plan.from_version,
                answer.instance_refresh_id().unwrap_or("?")
            )),
            request_id: answer.request_id().map(str::to_owned),
        },
        Err(error) => {
            // Half done: say exactly which half, so the operator can finish it (R).
            let mut half = report(&error, "autoscaling:StartInstanceRefresh", group);
            half.outcome = Outcome::Failed(format!(
                "{group} now launches version {} but the instance refresh did not start ({}); start it with R",
                plan.to_version,
                half.outcome.detail()
            ));
            half
        }
    }
}

/// `policy` as it is, but launching `version` of its launch template. The template is named by
/// id alone ("LaunchTemplateSpecification": an id or a name, not both).
fn with_version(policy: &MixedInstancesPolicy, version: u32) -> MixedInstancesPolicy {
    let mut policy = policy.clone();
    if let Some(template) = policy.launch_template.as_mut() {
        if let Some(specification) = template.launch_template_specification.as_mut() {
            specification.version = Some(version.to_string());
            named_by_id_alone(specification);
        }
        for other in template
            .overrides
            .iter_mut()
            .flatten()
            .filter_map(|o| o.launch_template_specification.as_mut())
        {
            named_by_id_alone(other);
        }
    }
    policy
}

fn named_by_id_alone(specification: &mut LaunchTemplateSpecification) {
    if specification.launch_template_id.is_some() {
        specification.launch_template_name = None;
    }
}

fn aborted(message: String) -> Report {
    Report {
        outcome: Outcome::Aborted(message),
        request_id: None,
    }
}

fn refused(message: String) -> Report {
    Report {
        outcome: Outcome::Refused(message),
        request_id: None,
    }
}
