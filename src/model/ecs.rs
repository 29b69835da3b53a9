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
    /// COMPLETED, IN_PROGRESS or FAILED.
    pub rollout_state: String,
}

/// One service event (placement failures, unhealthy tasks, steady state).
#[derive(Debug, Clone, PartialEq)]
pub struct EcsEvent {
    pub id: String,
    pub created_at: Timestamp,
    pub message: String,
}
