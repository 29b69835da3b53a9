//! Follow-through: a confirmed change to a group's or a service's size, judged on each poll
//! (and each tick, for the deadline) until it converges or times out. The verdict is stored
//! and latched here, in update, and lands in the incident timeline; render only draws it.

use super::super::State;
use super::super::guard::{FollowTarget, FollowUp, FollowVerdict};
use crate::format;
use crate::incident::{EntryKind, TimelineEntry};
use crate::model::{
    AutoScalingGroup, DbSnapshot, EcsService, LifecycleState, Snapshot, SourceKind, TargetState,
    Timestamp,
};

/// Judges every change still converging at `at`: its progress from data read after it was
/// made, done when that data shows the new size, timed out past its deadline. Returns the
/// timeline entries of the verdicts reached now.
pub fn judge_follow_ups(state: &mut State, at: Timestamp) -> Vec<TimelineEntry> {
    let read_at = |source| state.source(source).updated_at;
    let (groups_read, services_read, rds_read) = (
        read_at(SourceKind::AutoScaling),
        read_at(SourceKind::Ecs),
        read_at(SourceKind::Rds),
    );
    let mut entries = Vec::new();
    for follow in &mut state.guarded.follow {
        if follow.verdict != FollowVerdict::Converging {
            continue;
        }
        let read = match follow.target {
            FollowTarget::GroupCapacity { .. } => groups_read,
            FollowTarget::ServiceCount { .. } => services_read,
            FollowTarget::DbSnapshot { .. } => rds_read,
        };
        // Data read before the change says nothing about it.
        let judged = read
            .filter(|read| *read > follow.started_at)
            .and_then(|_| progress_of(&follow.target, &state.data));
        if let Some((progress, done)) = judged {
            follow.progress = Some(progress);
            if done {
                follow.verdict = FollowVerdict::Done { at };
                entries.push(entry(follow, at, "converged"));
                continue;
            }
        }
        if at > follow.deadline {
            follow.verdict = FollowVerdict::TimedOut { at };
            entries.push(entry(follow, at, "not converged"));
        }
    }
    entries
}

/// What the change is about, in the words of its follow line ("5→12", "web desired 2 → 4").
pub fn subject(target: &FollowTarget) -> String {
    match target {
        FollowTarget::GroupCapacity { group, from, to } => format!("{group} {from}→{to}"),
        FollowTarget::ServiceCount { service, from, to } => {
            format!("{service} desired {from} → {to}")
        }
        FollowTarget::DbSnapshot { snapshot, .. } => format!("snapshot {snapshot}"),
    }
}

fn entry(follow: &FollowUp, at: Timestamp, verdict: &str) -> TimelineEntry {
    let elapsed = format::duration(format::seconds_between(follow.started_at, at));
    let progress = follow
        .progress
        .as_deref()
        .map(|progress| format!(" ({progress})"))
        .unwrap_or_default();
    TimelineEntry {
        at,
        kind: EntryKind::Scaling,
        text: format!(
            "{} {verdict} after {elapsed}{progress}",
            subject(&follow.target)
        ),
    }
}

/// The progress line and whether the change is done, from `data`; None when the group or
/// service is not in it.
fn progress_of(target: &FollowTarget, data: &Snapshot) -> Option<(String, bool)> {
    match target {
        FollowTarget::GroupCapacity { group, from, to } => {
            let group = data.auto_scaling.iter().find(|g| g.name == *group)?;
            Some(group_progress(group, data, *from, *to))
        }
        FollowTarget::ServiceCount { service, to, .. } => {
            let service = data.ecs.iter().find(|s| s.name == *service)?;
            Some(service_progress(service, *to))
        }
        FollowTarget::DbSnapshot { snapshot, .. } => {
            let snapshot = data
                .rds
                .snapshots
                .iter()
                .find(|s| s.identifier == *snapshot)?;
            Some(snapshot_progress(snapshot))
        }
    }
}

/// Scaling out is done when the new size is InService and healthy behind the load balancer;
/// scaling in when the group has shrunk and nothing is still terminating or draining.
fn group_progress(group: &AutoScalingGroup, data: &Snapshot, from: u32, to: u32) -> (String, bool) {
    let in_service = group.in_service_count();
    let instance_ids: Vec<&str> = group.instances.iter().map(|i| i.id.as_str()).collect();
    let targets = data
        .targets
        .iter()
        .flat_map(|tg| &tg.targets)
        .filter(|target| instance_ids.contains(&target.id.as_str()));
    let (mut healthy, mut draining) = (0, 0);
    for target in targets {
        match target.state {
            TargetState::Healthy => healthy += 1,
            TargetState::Draining => draining += 1,
            _ => {}
        }
    }
    let leaving = group
        .instances
        .iter()
        .filter(|i| i.lifecycle == LifecycleState::Terminating)
        .count();
    let to_usize = to as usize;
    let done = if to >= from {
        in_service >= to_usize && healthy >= to_usize
    } else {
        group.instances.len() == to_usize && leaving == 0 && draining == 0
    };
    let mut progress = format!("InService {in_service}/{to} · healthy {healthy}/{to}");
    if draining > 0 {
        progress.push_str(&format!(" · draining {draining}"));
    }
    (progress, done)
}

/// `creating 45%` until `available`; a snapshot that failed never converges (its status
/// says so in the progress, and the deadline turns the verdict).
fn snapshot_progress(snapshot: &DbSnapshot) -> (String, bool) {
    match snapshot.status.as_str() {
        "available" => ("available".to_owned(), true),
        status => (format!("{status} {}%", snapshot.percent_progress), false),
    }
}

fn service_progress(service: &EcsService, to: u32) -> (String, bool) {
    let done = service.running_count == to && service.pending_count == 0;
    (format!("running {}/{to}", service.running_count), done)
}
