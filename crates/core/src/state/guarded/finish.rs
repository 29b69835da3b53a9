//! A finished action: its record, the follow-through of its convergence, and the undo it
//! offers (proposed through the same dialog).

use super::super::State;
use super::super::guard::{ActionStatus, FollowTarget, FollowUp, FollowVerdict, Undo};
use super::select::{context, group_named, next_id, service_named};
use crate::action::{
    ActionRequest, Outcome, Proposal, Report, ecs_desired, instance_refresh, scale,
};
use crate::model::Timestamp;

/// How long a change is followed before it is called stuck.
const FOLLOW_TIMEOUT_SECONDS: i64 = 15 * 60;
/// A snapshot copies the whole database: a large one takes hours, not minutes.
const SNAPSHOT_TIMEOUT_SECONDS: i64 = 4 * 3600;

/// A confirmed action finished: record it, follow its convergence, offer its undo.
/// Records how the action ended; returns its incident timeline entry.
pub fn on_action_finished(
    state: &mut State,
    proposal_id: u64,
    report: Report,
    at: Timestamp,
) -> Option<crate::incident::TimelineEntry> {
    let record = state
        .guarded
        .history
        .iter_mut()
        .find(|record| record.proposal.id == proposal_id)?;
    record.finished_at = Some(at);
    record.status = ActionStatus::Finished(report.clone());
    let proposal = record.proposal.clone();
    let symbol = match report.outcome {
        Outcome::Succeeded(_) => "✓",
        Outcome::Unknown(_) => "?",
        _ => "✗",
    };
    state.notice = Some(format!(
        "{symbol} {} {}: {} — {}",
        proposal.title,
        proposal.target,
        report.outcome.word(),
        report.outcome.detail()
    ));
    if matches!(report.outcome, Outcome::Succeeded(_)) {
        follow_and_offer_undo(state, &proposal.request, at);
    }
    Some(super::super::incident_update::action_entry(
        &proposal, &report, at,
    ))
}

fn follow_and_offer_undo(state: &mut State, request: &ActionRequest, at: Timestamp) {
    let timeout = match request {
        ActionRequest::CreateDbSnapshot { .. } => SNAPSHOT_TIMEOUT_SECONDS,
        _ => FOLLOW_TIMEOUT_SECONDS,
    };
    let deadline = at + chrono::Duration::seconds(timeout);
    let (follow, undo) = match request {
        ActionRequest::SetDesiredCapacity {
            group,
            expected_desired,
            desired,
            ..
        } => (
            Some(FollowTarget::GroupCapacity {
                group: group.clone(),
                from: *expected_desired,
                to: *desired,
            }),
            Some(Undo::RestoreDesiredCapacity {
                group: group.clone(),
                desired: *expected_desired,
            }),
        ),
        ActionRequest::SetEcsDesiredCount {
            service,
            expected_desired,
            desired,
            ..
        } => (
            Some(FollowTarget::ServiceCount {
                service: service.clone(),
                from: *expected_desired,
                to: *desired,
            }),
            Some(Undo::RestoreEcsDesiredCount {
                service: service.clone(),
                desired: *expected_desired,
            }),
        ),
        ActionRequest::StartInstanceRefresh { group, .. }
        | ActionRequest::RollBack { group, .. } => (
            None,
            Some(Undo::CancelInstanceRefresh {
                group: group.clone(),
            }),
        ),
        // A snapshot is not undone from here: deleting one is a decision of its own.
        ActionRequest::CreateDbSnapshot { instance, snapshot } => (
            Some(FollowTarget::DbSnapshot {
                instance: instance.clone(),
                snapshot: snapshot.clone(),
            }),
            None,
        ),
        _ => (None, None),
    };
    if let Some(target) = follow {
        state
            .guarded
            .follow
            .retain(|existing| !same_subject(&existing.target, &target));
        state.guarded.follow.push(FollowUp {
            target,
            started_at: at,
            deadline,
            progress: None,
            verdict: FollowVerdict::Converging,
        });
    }
    if undo.is_some() {
        state.guarded.undo = undo;
    }
}

fn same_subject(a: &FollowTarget, b: &FollowTarget) -> bool {
    match (a, b) {
        (
            FollowTarget::GroupCapacity { group: x, .. },
            FollowTarget::GroupCapacity { group: y, .. },
        ) => x == y,
        (
            FollowTarget::ServiceCount { service: x, .. },
            FollowTarget::ServiceCount { service: y, .. },
        ) => x == y,
        (
            FollowTarget::DbSnapshot { snapshot: x, .. },
            FollowTarget::DbSnapshot { snapshot: y, .. },
        ) => x == y,
        _ => false,
    }
}

/// The undo on offer, as a proposal through the same dialog.
pub(super) fn propose_undo(state: &mut State) -> Result<Proposal, String> {
    let undo = state
        .guarded
        .undo
        .clone()
        .ok_or_else(|| "nothing to undo".to_owned())?;
    let id = next_id(state);
    let context = context(state);
    match undo {
        Undo::RestoreDesiredCapacity { group, desired } => group_named(state, &group)
            .and_then(|group| scale::propose(id, group, desired, &context)),
        Undo::RestoreEcsDesiredCount { service, desired } => service_named(state, &service)
            .and_then(|service| ecs_desired::propose(id, service, desired, &context)),
        Undo::CancelInstanceRefresh { group } => group_named(state, &group)
            .and_then(|group| instance_refresh::propose_cancel(id, group, &context)),
    }
}
