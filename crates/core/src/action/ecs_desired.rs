//! Set an ECS service's desired count (the runbook's "manually increase desired task count").

use super::{
    ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk, halving_risk,
};
use crate::model::EcsService;

/// Upper bound on one change, against a typo such as 400 for 40.
pub const MAX_DESIRED_COUNT: u32 = 1000;

/// Proposes setting `service`'s desired count to `desired`.
pub fn propose(
    id: u64,
    service: &EcsService,
    desired: u32,
    context: &ActionContext,
) -> Result<Proposal, String> {
    let current = service.desired_count;
    if desired == current {
        return Err(format!(
            "{} already wants {current} tasks; nothing to change",
            service.name
        ));
    }
    if desired > MAX_DESIRED_COUNT {
        return Err(format!(
            "{desired} is above {MAX_DESIRED_COUNT} tasks; that looks like a typo"
        ));
    }
    let halving = halving_risk(current, desired);
    let risk = if halving.is_some() {
        Risk::High
    } else {
        Risk::Medium
    };
    let risk_reasons: Vec<String> = halving.into_iter().collect();
    let proposal = Proposal {
        id,
        title: "Set ECS desired count".to_owned(),
        environment: context.environment.clone(),
        target: format!("{}/{}", service.cluster, service.name),
        changes: vec![Change::new("desired tasks", current, desired)],
        affected: Vec::new(),
        risk,
        risk_reasons,
        permission: "ecs:UpdateService".to_owned(),
        call: format!(
            "UpdateService cluster={} service={} desiredCount={desired}",
            service.cluster, service.name
        ),
        typed_confirmation: None,
        request: ActionRequest::SetEcsDesiredCount {
            cluster: service.cluster.clone(),
            service: service.name.clone(),
            expected_desired: current,
            desired,
        },
    };
    Ok(apply_environment_risk(proposal, context, &service.name))
}

/// Proposes a new deployment of `service`'s current task definition: every task is replaced
/// (the ECS runbook's restart of unhealthy tasks).
pub fn propose_force_deployment(
    id: u64,
    service: &EcsService,
    context: &ActionContext,
) -> Result<Proposal, String> {
    // "Deployment" (Amazon ECS API Reference): while the old deployment still runs tasks the
    // service lists more than one; a forced deployment on top would replace tasks mid-rollout.
    if service.rollout_in_progress() {
        return Err(format!(
            "{} is still rolling out a deployment ({} deployments); wait for it to finish",
            service.name,
            service.deployments.len()
        ));
    }
    let task_definition = service
        .primary()
        .map_or("-", |d| d.task_definition.as_str());
    let proposal = Proposal {
        id,
        title: "Force new deployment".to_owned(),
        environment: context.environment.clone(),
        target: service.name.clone(),
        changes: vec![
            Change::new("tasks replaced", 0, service.running_count),
            Change::new("task definition", task_definition, task_definition),
        ],
        affected: Vec::new(),
        risk: Risk::Medium,
        risk_reasons: vec![format!(
            "all {} running tasks are replaced by the deployment's rolling rules",
            service.running_count
        )],
        permission: "ecs:UpdateService".to_owned(),
        call: format!(
            "UpdateService cluster={} service={} forceNewDeployment=true",
            service.cluster, service.name
        ),
        typed_confirmation: None,
        request: ActionRequest::ForceNewDeployment {
            cluster: service.cluster.clone(),
            service: service.name.clone(),
        },
    };
    Ok(apply_environment_risk(proposal, context, &service.name))
}
