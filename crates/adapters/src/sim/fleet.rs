//! The simulated Auto Scaling group and its ALB targets: launches, warm-up, health checks,
//! draining and termination, driven by the desired capacity.

use super::rng::Rng;
use crate::model::{
    AutoScalingGroup, Instance, InstanceDetails, InstanceRefresh, LaunchTemplateVersion,
    LifecycleState, ScalingActivity, StatusChecks, TargetGroupHealth, TargetHealth, TargetState,
};

/// Seconds from launch to InService.
pub const WARMUP_SECONDS: i64 = 45;
/// Seconds of health checks before a new target is healthy.
pub const HEALTH_CHECK_SECONDS: i64 = 20;
/// Seconds a deregistered target drains before its instance is gone.
pub const DRAIN_SECONDS: i64 = 30;

const AVAILABILITY_ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const MAX_ACTIVITIES: usize = 10;
/// The simulated portal's Auto Scaling group.
pub const GROUP_NAME: &str = "basecoat-portal-asg";

/// Where an instance's ALB target is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TargetPhase {
    Unregistered,
    Initial { since: i64 },
    Healthy,
    Draining { since: i64 },
}

#[derive(Debug, Clone)]
struct SimInstance {
    id: String,
    availability_zone: &'static str,
    lifecycle: LifecycleState,
    lifecycle_since: i64,
    target: TargetPhase,
    template_version: u32,
    launched_at: i64,
    private_ip: String,
}

/// Seconds EC2's status checks report `initializing` after an instance starts running.
const STATUS_CHECKS_INITIALIZING_SECONDS: i64 = 120;

impl SimInstance {
    /// The instance as DescribeInstances and DescribeInstanceStatus would show it at `now`.
    fn details(
        &self,
        now: i64,
        to_time: &impl Fn(i64) -> crate::model::Timestamp,
    ) -> InstanceDetails {
        let state = match self.lifecycle {
            LifecycleState::Pending => "pending",
            LifecycleState::Terminating => "shutting-down",
            LifecycleState::Terminated => "terminated",
            _ => "running",
        };
        let status_checks = (state == "running").then(|| {
            let result = if now - self.lifecycle_since < STATUS_CHECKS_INITIALIZING_SECONDS {
                "initializing"
            } else {
                "ok"
            };
            StatusChecks {
                system: result.to_owned(),
                instance: result.to_owned(),
            }
        });
        InstanceDetails {
            instance_type: "m5.large".to_owned(),
            private_ip: Some(self.private_ip.clone()),
            image_id: format!(
                "ami-0{:016x}",
                0x5eed_0000_u64 + u64::from(self.template_version)
            ),
            launch_time: Some(to_time(self.launched_at)),
            state: state.to_owned(),
            status_checks,
        }
    }
}

/// An instance refresh: replaces the instances that existed when it started, a batch at a
/// time, keeping `min_healthy_percentage` of the group healthy.
#[derive(Debug, Clone)]
struct SimRefresh {
    id: String,
    started: i64,
    min_healthy_percentage: u32,
    warmup_seconds: i64,
    to_replace: Vec<String>,
    status: &'static str,
}

/// Versions of the demo's launch template; the group starts on the newest.
const NEWEST_TEMPLATE_VERSION: u32 = 7;

/// The basecoat portal group: 3/5/20 behind one target group.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub name: String,
    pub min_size: u32,
    pub desired_capacity: u32,
    pub max_size: u32,
    pub template_version: u32,
    launch_template: String,
    target_group_name: String,
    target_group_arn: String,
    instances: Vec<SimInstance>,
    activities: Vec<(i64, ScalingActivity)>,
    launches: usize,
    refresh: Option<SimRefresh>,
}

impl Fleet {
    /// A settled fleet of `desired` healthy instances.
    pub fn new(rng: &mut Rng, now: i64) -> Self {
        let mut fleet = Self {
            name: GROUP_NAME.to_owned(),
            min_size: 3,
            desired_capacity: 5,
            max_size: 20,
            template_version: NEWEST_TEMPLATE_VERSION,
            launch_template: "basecoat-lt".to_owned(),
            target_group_name: "basecoat-portal".to_owned(),
            target_group_arn:
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/basecoat-portal/6d0ecf831eec9f09"
                    .to_owned(),
            instances: Vec::new(),
            activities: Vec::new(),
            launches: 0,
            refresh: None,
        };
        for _ in 0..fleet.desired_capacity {
            let mut instance = fleet.launch(rng, now);
            instance.lifecycle = LifecycleState::InService;
            instance.target = TargetPhase::Healthy;
            fleet.instances.push(instance);
        }
        fleet.activities.clear();
        fleet
    }

    /// Targets that receive traffic.
    pub fn healthy_targets(&self) -> usize {
        self.instances
            .iter()
            .filter(|instance| instance.target == TargetPhase::Healthy)
            .count()
    }

    /// Advances one second: launches or terminates toward desired, moves every instance and
    /// target along its life.
    pub fn step(&mut self, rng: &mut Rng, now: i64) {
        self.advance_refresh(rng, now);
        self.converge_to_desired(rng, now);
        for instance in &mut self.instances {
            advance_instance(instance, now);
        }
        self.instances
            .retain(|instance| instance.lifecycle != LifecycleState::Terminated);
    }

    /// Starts replacing every current instance; the refresh id, or why not.
    pub fn start_refresh(
        &mut self,
        rng: &mut Rng,
        now: i64,
        min_healthy_percentage: u32,
        warmup_seconds: u32,
    ) -> Result<String, String> {
        if self
            .refresh
            .as_ref()
            .is_some_and(|r| r.status == "InProgress")
        {
            return Err(format!(
                "InstanceRefreshInProgress: An Instance Refresh is already in progress and blocks the execution of this Instance Refresh for {}",
                self.name
            ));
        }
        let id = format!("{}-{}-{}", rng.hex(8), rng.hex(4), rng.hex(12));
        self.refresh = Some(SimRefresh {
            id: id.clone(),
            started: now,
            min_healthy_percentage: min_healthy_percentage.min(100),
            warmup_seconds: i64::from(warmup_seconds),
            to_replace: self
                .instances
                .iter()
                .filter(|i| {
                    i.lifecycle == LifecycleState::InService
                        || i.lifecycle == LifecycleState::Pending
                })
                .map(|i| i.id.clone())
                .collect(),
            status: "InProgress",
        });
        Ok(id)
    }

    /// Points the group at launch template `version` if it still launches `expected`; the
    /// version before, or the error AWS would give.
    pub fn set_template_version(&mut self, expected: u32, version: u32) -> Result<u32, String> {
        if self.template_version != expected {
            return Err(format!(
                "{} now launches version {}, not the {expected} you saw",
                self.name, self.template_version
            ));
        }
        if !(1..=NEWEST_TEMPLATE_VERSION).contains(&version) {
            return Err(format!(
                "ValidationError: launch template {} has no version {version}",
                self.launch_template
            ));
        }
        let before = self.template_version;
        self.template_version = version;
        Ok(before)
    }

    /// The launch template's versions, newest first, as DescribeLaunchTemplateVersions
    /// would list them: one release every three days, the newest two hours ago.
    pub fn launch_template_versions(
        &self,
        now: i64,
        to_time: impl Fn(i64) -> crate::model::Timestamp,
    ) -> Vec<LaunchTemplateVersion> {
        (1..=NEWEST_TEMPLATE_VERSION)
            .rev()
            .map(|version| {
                let age = 2 * 3600 + i64::from(NEWEST_TEMPLATE_VERSION - version) * 3 * 86_400;
                LaunchTemplateVersion {
                    template_id: "lt-0b5e6f1c2d3a4b5c6".to_owned(),
                    template_name: self.launch_template.clone(),
                    version,
                    created_at: to_time(now - age),
                    description: Some(format!("portal 2.{}.0", 7 + version)),
                    in_use: version == self.template_version,
                }
            })
            .collect()
    }

    /// True while an instance refresh is replacing instances.
    pub fn instance_refresh_running(&self) -> bool {
        self.refresh
            .as_ref()
            .is_some_and(|refresh| refresh.status == "InProgress")
    }

    /// Cancels the refresh in progress; instances already replaced stay.
    pub fn cancel_refresh(&mut self) -> Result<String, String> {
        match self.refresh.as_mut() {
            Some(refresh) if refresh.status == "InProgress" => {
                refresh.status = "Cancelled";
                Ok(refresh.id.clone())
            }
            _ => Err(format!(
                "ActiveInstanceRefreshNotFound: No in progress or pending Instance Refresh found for Auto Scaling group {}",
                self.name
            )),
        }
    }

    /// Instances of the refresh still to replace (still live).
    fn refresh_remaining(&self, refresh: &SimRefresh) -> usize {
        self.instances
            .iter()
            .filter(|i| refresh.to_replace.contains(&i.id))
            .filter(|i| {
                matches!(
                    i.lifecycle,
                    LifecycleState::Pending | LifecycleState::InService
                )
            })
            .count()
    }

    /// Replacements launched by the refresh that have not yet warmed up, plus old instances
    /// still draining: while any exist the next batch waits.
    fn refresh_in_flight(&self, refresh: &SimRefresh, now: i64) -> usize {
        self.instances
            .iter()
            .filter(|i| {
                let replacement = !refresh.to_replace.contains(&i.id);
                let warming = match i.lifecycle {
                    LifecycleState::Pending => true,
                    LifecycleState::InService => {
                        now - i.lifecycle_since < refresh.warmup_seconds
                            || i.target != TargetPhase::Healthy
                    }
                    _ => false,
                };
                (replacement && warming)
                    || (!replacement && i.lifecycle == LifecycleState::Terminating)
            })
            .count()
    }

    fn advance_refresh(&mut self, rng: &mut Rng, now: i64) {
        let Some(refresh) = self.refresh.clone() else {
            return;
        };
        if refresh.status != "InProgress" {
            return;
        }
        let remaining = self.refresh_remaining(&refresh);
        if self.refresh_in_flight(&refresh, now) > 0 {
            return;
        }
        if remaining == 0 {
            if let Some(refresh) = self.refresh.as_mut() {
                refresh.status = "Successful";
            }
            return;
        }
        let total = refresh.to_replace.len().max(1);
        let batch = (total * (100 - refresh.min_healthy_percentage as usize) / 100)
            .max(1)
            .min(remaining);
        let victims: Vec<String> = self
            .instances
            .iter()
            .filter(|i| refresh.to_replace.contains(&i.id))
            .filter(|i| {
                matches!(
                    i.lifecycle,
                    LifecycleState::Pending | LifecycleState::InService
                )
            })
            .take(batch)
            .map(|i| i.id.clone())
            .collect();
        for id in victims {
            if let Some(instance) = self.instances.iter_mut().find(|i| i.id == id) {
                instance.lifecycle = LifecycleState::Terminating;
                instance.lifecycle_since = now;
                instance.target = TargetPhase::Draining { since: now };
            }
            self.record_activity(
                rng,
                now,
                format!("Terminating EC2 instance: {id} (instance refresh)"),
            );
        }
    }

    fn refresh_snapshot(
        &self,
        now: i64,
        to_time: &impl Fn(i64) -> crate::model::Timestamp,
    ) -> Option<InstanceRefresh> {
        let refresh = self.refresh.as_ref()?;
        let total = refresh.to_replace.len().max(1);
        let remaining = self.refresh_remaining(refresh);
        let warming = self.refresh_in_flight(refresh, now);
        let done = total.saturating_sub(remaining + warming).min(total);
        let percentage = if refresh.status == "Successful" {
            100
        } else {
            done * 100 / total
        };
        Some(InstanceRefresh {
            id: refresh.id.clone(),
            status: refresh.status.to_owned(),
            percentage_complete: percentage as u32,
            instances_to_update: remaining as u32,
            status_reason: (refresh.status == "InProgress" && warming > 0).then(|| {
                format!(
                    "Waiting for {warming} instance(s) to warm up (InstanceWarmup {} s)",
                    refresh.warmup_seconds
                )
            }),
            start_time: to_time(refresh.started),
        })
    }

    fn live_instances(&self) -> usize {
        self.instances
            .iter()
            .filter(|instance| {
                matches!(
                    instance.lifecycle,
                    LifecycleState::Pending | LifecycleState::InService
                )
            })
            .count()
    }

    fn converge_to_desired(&mut self, rng: &mut Rng, now: i64) {
        let live = self.live_instances();
        let desired = self.desired_capacity as usize;
        if live < desired {
            for _ in live..desired {
                let instance = self.launch(rng, now);
                self.record_activity(
                    rng,
                    now,
                    format!("Launching a new EC2 instance: {}", instance.id),
                );
                self.instances.push(instance);
            }
        } else if live > desired {
            for _ in desired..live {
                self.terminate_one(rng, now);
            }
        }
    }

    fn launch(&mut self, rng: &mut Rng, now: i64) -> SimInstance {
        let availability_zone = AVAILABILITY_ZONES[self.launches % AVAILABILITY_ZONES.len()];
        self.launches += 1;
        SimInstance {
            id: format!("i-0{}", rng.hex(16)),
            availability_zone,
            lifecycle: LifecycleState::Pending,
            lifecycle_since: now,
            target: TargetPhase::Unregistered,
            template_version: self.template_version,
            launched_at: now,
            private_ip: format!(
                "10.0.{}.{}",
                self.launches % AVAILABILITY_ZONES.len() + 1,
                10 + self.launches % 240
            ),
        }
    }

    /// Terminates as the default policy would: oldest template version first, then the
    /// newest instance (Pending before InService), so scale-in undoes a scale-up.
    fn terminate_one(&mut self, rng: &mut Rng, now: i64) {
        let victim = self
            .instances
            .iter_mut()
            .enumerate()
            .filter(|(_, instance)| {
                matches!(
                    instance.lifecycle,
                    LifecycleState::Pending | LifecycleState::InService
                )
            })
            .min_by_key(|(index, instance)| (instance.template_version, usize::MAX - index))
            .map(|(_, instance)| instance);
        let Some(victim) = victim else { return };
        victim.lifecycle = LifecycleState::Terminating;
        victim.lifecycle_since = now;
        victim.target = match victim.target {
            TargetPhase::Unregistered => TargetPhase::Unregistered,
            _ => TargetPhase::Draining { since: now },
        };
        let description = format!("Terminating EC2 instance: {}", victim.id);
        self.record_activity(rng, now, description);
    }

    fn record_activity(&mut self, rng: &mut Rng, now: i64, description: String) {
        let activity = ScalingActivity {
            id: format!("{}-{}-{}", rng.hex(8), rng.hex(4), rng.hex(12)),
            description,
            status: "InProgress".to_owned(),
            start_time: chrono::DateTime::UNIX_EPOCH,
        };
        self.activities.insert(0, (now, activity));
        self.activities.truncate(MAX_ACTIVITIES);
    }

    /// The group as `DescribeAutoScalingGroups` would show it at `now`.
    pub fn snapshot(
        &self,
        now: i64,
        to_time: impl Fn(i64) -> crate::model::Timestamp,
    ) -> AutoScalingGroup {
        AutoScalingGroup {
            name: self.name.clone(),
            min_size: self.min_size,
            desired_capacity: self.desired_capacity,
            max_size: self.max_size,
            instances: self
                .instances
                .iter()
                .map(|instance| Instance {
                    id: instance.id.clone(),
                    availability_zone: instance.availability_zone.to_owned(),
                    lifecycle: instance.lifecycle.clone(),
                    healthy: true,
                    launch_template: self.launch_template.clone(),
                    launch_template_version: instance.template_version.to_string(),
                    details: Some(instance.details(now, &to_time)),
                })
                .collect(),
            activities: self
                .activities
                .iter()
                .map(|(started, activity)| ScalingActivity {
                    status: activity_status(now - started),
                    start_time: to_time(*started),
                    ..activity.clone()
                })
                .collect(),
            instance_details_error: None,
            instance_refresh: self.refresh_snapshot(now, &to_time),
            mixed_instances_policy: false,
        }
    }

    /// The target group as `DescribeTargetHealth` would show it.
    pub fn target_health(&self) -> TargetGroupHealth {
        TargetGroupHealth {
            target_group_name: self.target_group_name.clone(),
            target_group_arn: self.target_group_arn.clone(),
            targets: self
                .instances
                .iter()
                .filter_map(|instance| {
                    let (state, reason, description) = match instance.target {
                        TargetPhase::Unregistered => return None,
                        TargetPhase::Healthy => (TargetState::Healthy, None, None),
                        TargetPhase::Initial { .. } => (
                            TargetState::Initial,
                            Some("Elb.InitialHealthChecking"),
                            Some("Initial health checks in progress"),
                        ),
                        TargetPhase::Draining { .. } => (
                            TargetState::Draining,
                            Some("Target.DeregistrationInProgress"),
                            Some("Target deregistration is in progress"),
                        ),
                    };
                    Some(TargetHealth {
                        id: instance.id.clone(),
                        port: 80,
                        availability_zone: instance.availability_zone.to_owned(),
                        state,
                        reason: reason.map(str::to_owned),
                        description: description.map(str::to_owned),
                    })
                })
                .collect(),
        }
    }
}

fn advance_instance(instance: &mut SimInstance, now: i64) {
    let in_state = now - instance.lifecycle_since;
    match instance.lifecycle {
        LifecycleState::Pending if in_state >= WARMUP_SECONDS => {
            instance.lifecycle = LifecycleState::InService;
            instance.lifecycle_since = now;
            instance.target = TargetPhase::Initial { since: now };
        }
        LifecycleState::Terminating if in_state >= DRAIN_SECONDS => {
            instance.lifecycle = LifecycleState::Terminated;
            instance.target = TargetPhase::Unregistered;
        }
        _ => {}
    }
    if let TargetPhase::Initial { since } = instance.target
        && now - since >= HEALTH_CHECK_SECONDS
    {
        instance.target = TargetPhase::Healthy;
    }
    if let TargetPhase::Draining { since } = instance.target
        && now - since >= DRAIN_SECONDS
    {
        instance.target = TargetPhase::Unregistered;
    }
}

fn activity_status(age_seconds: i64) -> String {
    if age_seconds < WARMUP_SECONDS {
        "InProgress".to_owned()
    } else {
        "Successful".to_owned()
    }
}
