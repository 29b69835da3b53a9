//! Follow-through lines: a confirmed change converging (InService k/N, healthy k/N, running
//! k/N) until it is done or has timed out, with the undo key when one is on offer. `update`
//! judges the progress and latches the verdict (`state::guarded::judge_follow_ups`); this
//! only draws it.

use ratatui::text::{Line, Span};

use crate::format;
use crate::model::{AutoScalingGroup, EcsService};
use crate::msg::Action;
use crate::state::State;
use crate::state::guard::{FollowTarget, FollowUp, FollowVerdict};
use crate::state::guarded::subject;
use crate::theme::Theme;

/// The follow line of `group`, if a change to it is being followed.
pub fn group_line(state: &State, group: &AutoScalingGroup, theme: &Theme) -> Option<Line<'static>> {
    let (follow, from, to) =
        state
            .guarded
            .follow
            .iter()
            .find_map(|follow| match &follow.target {
                FollowTarget::GroupCapacity {
                    group: name,
                    from,
                    to,
                } if *name == group.name => Some((follow, *from, *to)),
                _ => None,
            })?;
    Some(status_line(state, follow, &format!("{from}→{to}"), theme))
}

/// The follow line of `service`, if a change to it is being followed.
pub fn service_line(state: &State, service: &EcsService, theme: &Theme) -> Option<Line<'static>> {
    let follow = state.guarded.follow.iter().find(|follow| {
        matches!(&follow.target, FollowTarget::ServiceCount { service: name, .. } if *name == service.name)
    })?;
    Some(status_line(state, follow, &subject(&follow.target), theme))
}

/// The follow lines of the DB snapshots being taken from this screen.
pub fn snapshot_lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    state
        .guarded
        .follow
        .iter()
        .filter(|follow| matches!(follow.target, FollowTarget::DbSnapshot { .. }))
        .map(|follow| status_line(state, follow, &subject(&follow.target), theme))
        .collect()
}

/// Draws the verdict `update` judged and stored; decides nothing.
fn status_line(state: &State, follow: &FollowUp, what: &str, theme: &Theme) -> Line<'static> {
    let since = |until| format::duration(format::seconds_between(follow.started_at, until));
    let (symbol, style, tail) = match follow.verdict {
        FollowVerdict::Done { .. } => ("✓", theme.ok, "done".to_owned()),
        FollowVerdict::TimedOut { at } => (
            "✗",
            theme.crit,
            format!("not converged after {}", since(at)),
        ),
        FollowVerdict::Converging => ("⟳", theme.warn, since(state.now)),
    };
    let progress = follow
        .progress
        .as_deref()
        .unwrap_or("waiting for a poll after the change");
    let mut spans = vec![Span::styled(
        format!("{symbol} {what}: {progress} · {tail}"),
        style,
    )];
    if state.guarded.undo.is_some()
        && let Some(key) = state.keymap.keys_for(Action::UndoLastAction).first()
    {
        spans.push(Span::styled(format!(" · {key} undo"), theme.muted));
    }
    Line::from(spans)
}
