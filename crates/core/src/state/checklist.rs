//! The health checklist in the dashboard: re-evaluated whenever a poll lands (pure work over
//! the state), transitions remembered, and a jump to the pane holding a check's evidence.

use std::collections::BTreeMap;

use super::{PaneId, State, freshness};
use crate::check::{CHECKS, Status, evaluate_parts};
use crate::config::InputMode;
use crate::incident::{EntryKind, TimelineEntry};
use crate::model::Timestamp;
use crate::model::{SourceErrorKind, SourceKind};

/// Evaluates every check against the state's data; a source in `unread` (see
/// [`unread_sources`]) is *unknown*. Returns the real verdict changes, for the incident
/// timeline.
pub fn reevaluate(
    state: &mut State,
    at: Timestamp,
    unread: &BTreeMap<SourceKind, String>,
    unconfigured: &BTreeMap<SourceKind, String>,
) -> Vec<TimelineEntry> {
    let mut transitions = Vec::new();
    let results = evaluate_parts(
        &state.data,
        Some(at),
        unread,
        unconfigured,
        &state.thresholds,
    );
    let checklist = &mut state.checklist;
    for result in &results {
        if result.status == Status::Unknown {
            continue;
        }
        // Only real verdicts count as transitions, compared with the last real one: leaving
        // "waiting" is not news, and a spell of stale data between a pass and a fail must
        // not hide the change.
        let before = checklist.last_verdicts.insert(result.id, result.status);
        if let Some(before) = before
            && before != result.status
        {
            checklist
                .changes
                .insert(result.id, (before, result.status, at));
            transitions.push(TimelineEntry {
                at,
                kind: EntryKind::Check,
                text: format!(
                    "{}: {} → {} ({})",
                    result.title,
                    before.as_str(),
                    result.status.as_str(),
                    result.observed
                ),
            });
        }
    }
    checklist.results = results;
    checklist.selected = checklist
        .selected
        .min(checklist.results.len().saturating_sub(1));
    transitions
}

/// The sources whose data cannot be judged by at `at` (no data yet, a failed last poll, or
/// data older than its staleness limit), and those the environment does not configure, each
/// with why.
pub fn unread_sources(
    state: &State,
    at: Timestamp,
) -> (BTreeMap<SourceKind, String>, BTreeMap<SourceKind, String>) {
    let mut unread = BTreeMap::new();
    let mut unconfigured = BTreeMap::new();
    for source in SourceKind::ALL {
        let status = state.source(source);
        match &status.error {
            Some(error) if error.kind == SourceErrorKind::NotConfigured => {
                unconfigured.insert(source, error.message.clone());
            }
            Some(error) => {
                unread.insert(source, error.message.clone());
            }
            None if status.updated_at.is_none() => {
                unread.insert(source, "waiting for the first poll".to_owned());
            }
            None => {
                if let Some(why) = freshness::stale_reason(state, source, at) {
                    unread.insert(source, why);
                }
            }
        }
    }
    (unread, unconfigured)
}

/// Closes the checklist and focuses (and zooms) the pane that holds the selected check's
/// evidence.
pub fn jump_to_evidence(state: &mut State) {
    let Some(result) = state
        .checklist
        .results
        .get(state.checklist.selected)
        .cloned()
    else {
        return;
    };
    let Some(spec) = CHECKS.iter().find(|spec| spec.id.as_str() == result.id) else {
        return;
    };
    let pane = PaneId::for_source(spec.source);
    let rows = result.rows.clone();
    state.focus = pane;
    state.zoomed = true;
    // The first offending row that the pane shows is selected.
    let table = &mut state.pane_mut(pane).table;
    for id in &rows {
        if table.select_id(id) {
            break;
        }
    }
    state.mode = InputMode::Normal;
    state.notice = Some(format!(
        "{}: {}{}",
        result.title,
        result.observed,
        if result.status > Status::Pass {
            format!(" — runbook: {}", result.runbook)
        } else {
            String::new()
        }
    ));
}
