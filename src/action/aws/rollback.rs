//! Rollback in AWS: UpdateAutoScalingGroup to the earlier launch template version, then
//! StartInstanceRefresh. Preflight: the group still launches the version the operator saw
//! and no refresh is running. Neither call is retried.

use aws_sdk_autoscaling::operation::RequestId;
use aws_sdk_autoscaling::types::LaunchTemplateSpecification;

use super::errors::report;
use crate::action::{Outcome, Report};
use crate::source::aws::{AwsClients, group_template, resolve_version};

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
    let (_, _, setting) = match group_template(clients, group).await {
        Ok(template) => template,
        Err(error) => return refused(format!("{}; nothing was sent", error.message)),
    };
    // `$Latest` / `$Default` are compared by what the operator was shown, a number.
    let in_use = resolve_version(
        &setting,
        Some(plan.from_version),
        Some(i64::from(plan.from_version)),
    );
    if in_use != Some(plan.from_version) {
        return Report {
            outcome: Outcome::Aborted(format!(
                "{group} now launches version {setting}, not the {} you saw; nothing was changed",
                plan.from_version
            )),
            request_id: None,
        };
    }
    let update = clients
        .auto_scaling
        .update_auto_scaling_group()
        .auto_scaling_group_name(group)
        .launch_template(
            LaunchTemplateSpecification::builder()
                .launch_template_id(plan.template_id)
                .version(plan.to_version.to_string())
                .build(),
        )
        .send()
        .await;
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

fn refused(message: String) -> Report {
    Report {
        outcome: Outcome::Refused(message),
        request_id: None,
    }
}
