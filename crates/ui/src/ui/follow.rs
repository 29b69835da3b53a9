//! Follow-through lines: a confirmed change converging (InService k/N, healthy k/N, running
//! k/N) until it is done or has timed out, with the undo key when one is on offer.

use ratatui::text::{Line, Span};

use crate::format;
use crate::model::{AutoScalingGroup, EcsService, LifecycleState, TargetState};
use crate::msg::Action;
use crate::state::State;
use crate::state::guard::{FollowTarget, FollowUp};
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
    let in_service = group.in_service_count();
    let instance_ids: Vec<&str> = group.instances.iter().map(|i| i.id.as_str()).collect();
    let targets = state
        .data
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
    Some(status_line(
        state,
        follow,
        &format!("{from}→{to}"),
        &progress,
        done,
        theme,
    ))
}

/// The follow line of `service`, if a change to it is being followed.
pub fn service_line(state: &State, service: &EcsService, theme: &Theme) -> Option<Line<'static>> {
    let (follow, from, to) =
        state
            .guarded
            .follow
            .iter()
            .find_map(|follow| match &follow.target {
                FollowTarget::ServiceCount {
                    service: name,
                    from,
                    to,
                } if *name == service.name => Some((follow, *from, *to)),
                _ => None,
            })?;
    let done = service.running_count == to && service.pending_count == 0;
    let progress = format!("running {}/{to}", service.running_count);
    Some(status_line(
        state,
        follow,
        &format!("{} desired {from} → {to}", service.name),
        &progress,
        done,
        theme,
    ))
}

fn status_line(
    state: &State,
    follow: &FollowUp,
    what: &str,
    progress: &str,
    done: bool,
    theme: &Theme,
) -> Line<'static> {
    let elapsed = format::duration(format::seconds_between(follow.started_at, state.now));
    let (symbol, style, tail) = if done {
        ("✓", theme.ok, "done".to_owned())
    } else if state.now > follow.deadline {
        ("✗", theme.crit, format!("not converged after {elapsed}"))
    } else {
        ("⟳", theme.warn, elapsed)
    };
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
