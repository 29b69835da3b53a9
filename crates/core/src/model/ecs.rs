//! ECS services, their deployments and events.

use super::Timestamp;

/// One service as `DescribeServices` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct EcsService {
    pub cluster: String,
    pub name: String,
    pub desired_count: u32,
    pub running_count: u32,
    pub pending_count: u32,
    pub deployments: Vec<EcsDeployment>,
    /// Newest first.
    pub events: Vec<EcsEvent>,
}

/// One deployment of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct EcsDeployment {
    pub id: String,
    /// PRIMARY or ACTIVE.
    pub status: String,
    pub task_definition: String,
    pub desired_count: u32,
    pub running_count: u32,
    /// COMPLETED, IN_PROGRESS or FAILED, or [`ROLLOUT_UNKNOWN`] where ECS does not say.
    pub rollout_state: String,
    /// When the deployment last changed (its `updatedAt`, else `createdAt`): how long its
    /// tasks have been pending is measured from here.
    pub updated_at: Option<Timestamp>,
}

/// "Deployment - Amazon Elastic Container Service": `rolloutState` is returned only for
/// services on the rolling update (ECS) controller that are not behind a Classic Load
/// Balancer; CODE_DEPLOY and EXTERNAL services never say. Absent means unknown, never done.
pub const ROLLOUT_UNKNOWN: &str = "UNKNOWN";

impl EcsService {
    /// The deployment the service is converging to.
    pub fn primary(&self) -> Option<&EcsDeployment> {
        self.deployments
            .iter()
            .find(|deployment| deployment.status == "PRIMARY")
    }

    /// A rollout is under way while more than one deployment exists (the old one still
    /// drains) or the primary says IN_PROGRESS.
    pub fn rollout_in_progress(&self) -> bool {
        self.deployments.len() > 1
            || self
                .primary()
                .is_some_and(|primary| primary.rollout_state == "IN_PROGRESS")
    }
}

/// One service event (placement failures, unhealthy tasks, steady state).
#[derive(Debug, Clone, PartialEq)]
pub struct EcsEvent {
    pub id: String,
    pub created_at: Timestamp,
    pub message: String,
}
