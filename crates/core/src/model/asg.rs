//! Auto Scaling groups, their instances, activities and instance refreshes.

use super::Timestamp;

/// One Auto Scaling group as `DescribeAutoScalingGroups` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoScalingGroup {
    pub name: String,
    pub min_size: u32,
    pub desired_capacity: u32,
    pub max_size: u32,
    pub instances: Vec<Instance>,
    /// Newest first.
    pub activities: Vec<ScalingActivity>,
    pub instance_refresh: Option<InstanceRefresh>,
    /// The group launches from a mixed instances policy's launch template (instance types and
    /// Spot settings a rollback must keep), not a launch template of its own.
    pub mixed_instances_policy: bool,
    /// Why the instances' EC2 details could not be read (they are then absent), in words.
    pub instance_details_error: Option<String>,
}

impl AutoScalingGroup {
    /// Instances that are `InService`: the runbook's scale-up progress counts these.
    pub fn in_service_count(&self) -> usize {
        self.instances
            .iter()
            .filter(|instance| instance.lifecycle == LifecycleState::InService)
            .count()
    }
}

/// One EC2 instance of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub id: String,
    pub availability_zone: String,
    pub lifecycle: LifecycleState,
    /// "Healthy" or "Unhealthy", as the group's health check says.
    pub healthy: bool,
    pub launch_template: String,
    pub launch_template_version: String,
    /// What EC2 says of the instance; None until read (or when the read failed).
    pub details: Option<InstanceDetails>,
}

/// An instance as EC2 describes it (DescribeInstances and DescribeInstanceStatus): what the
/// runbook's high-CPU and patching steps look up by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceDetails {
    pub instance_type: String,
    pub private_ip: Option<String>,
    pub image_id: String,
    pub launch_time: Option<Timestamp>,
    /// `pending`, `running`, `stopping`, ...
    pub state: String,
    /// The status checks; None when EC2 reports none (an instance not running).
    pub status_checks: Option<StatusChecks>,
}

/// EC2's two status checks, as it spells their results (`ok`, `impaired`, `initializing`,
/// `insufficient-data`, `not-applicable`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChecks {
    pub system: String,
    pub instance: String,
}

impl StatusChecks {
    /// Either check reports `impaired`: the instance needs a look (or a replacement).
    pub fn impaired(&self) -> bool {
        self.system == "impaired" || self.instance == "impaired"
    }
}

/// The instance lifecycle states the runbooks care about; anything else keeps its AWS name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LifecycleState {
    Pending,
    InService,
    Terminating,
    Terminated,
    Standby,
    Other(String),
}

impl LifecycleState {
    /// Parses the AWS spelling (`InService`, `Pending:Wait`, ...).
    pub fn from_aws(value: &str) -> Self {
        match value.split(':').next().unwrap_or(value) {
            "Pending" => Self::Pending,
            "InService" => Self::InService,
            "Terminating" => Self::Terminating,
            "Terminated" => Self::Terminated,
            "Standby" | "EnteringStandby" => Self::Standby,
            _ => Self::Other(value.to_owned()),
        }
    }

    /// The AWS spelling, for display.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "Pending",
            Self::InService => "InService",
            Self::Terminating => "Terminating",
            Self::Terminated => "Terminated",
            Self::Standby => "Standby",
            Self::Other(name) => name,
        }
    }
}

/// A scaling activity (launch, terminate, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingActivity {
    pub id: String,
    pub description: String,
    pub status: String,
    pub start_time: Timestamp,
}

/// An instance refresh in progress or recently finished.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceRefresh {
    pub id: String,
    pub status: String,
    pub percentage_complete: u32,
    pub instances_to_update: u32,
    pub status_reason: Option<String>,
    pub start_time: Timestamp,
}

/// One version of the launch template a group launches from (for a rollback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchTemplateVersion {
    pub template_id: String,
    pub template_name: String,
    pub version: u32,
    pub created_at: Timestamp,
    pub description: Option<String>,
    /// The version the group launches new instances from now.
    pub in_use: bool,
}
