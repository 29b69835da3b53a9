//! Update logic of guarded actions: keys become proposals (through a value prompt where a
//! number is needed), the dialog's keys confirm or cancel, and finished actions start the
//! follow-through and offer an undo. Pure, like the rest of update.

use crate::key::{KeyCode, KeyEvent, KeyModifiers};

use super::guard::{
    ActionRecord, ActionStatus, Button, ConfirmDialog, FollowTarget, FollowUp, Prompt,
    PromptOption, PromptTarget, Undo,
};
use super::{PaneId, State};
use crate::action::db_sessions::{self, BulkRule};
use crate::action::{
    ActionContext, ActionRequest, Outcome, Proposal, Report, ecs_desired, instance_refresh,
    max_size, rollback, scale,
};
use crate::config::InputMode;
use crate::model::{AutoScalingGroup, EcsService, Timestamp};
use crate::msg::{Action, Effect};

/// How long a change is followed before it is called stuck.
const FOLLOW_TIMEOUT_SECONDS: i64 = 15 * 60;

/// A key bound to a guarded action, on the normal screen.
pub fn on_action_key(state: &mut State, action: Action) -> Vec<Effect> {
    if state.environment.read_only {
        let reason = state
            .environment
            .read_only_reason
            .clone()
            .unwrap_or_else(|| "read-only".to_owned());
        state.notice = Some(format!(
            "read-only ({reason}): {} is blocked; nothing was changed",
            action.name()
        ));
        return Vec::new();
    }
    let proposal = match action {
        Action::EditDesired => return open_prompt(state),
        Action::CancelQuery => selected_session(state).and_then(|session| {
            db_sessions::propose_cancel(next_id(state), &session, &context(state))
        }),
        Action::TerminateBackend => selected_session(state).and_then(|session| {
            db_sessions::propose_terminate(next_id(state), &session, &context(state))
        }),
        Action::TerminateLongQueries => return open_age_prompt(state, PromptTarget::LongQueries),
        Action::TerminateIdleSessions => return open_age_prompt(state, PromptTarget::IdleSessions),
        Action::StartInstanceRefresh => return open_refresh_prompt(state),
        Action::CancelInstanceRefresh => focused_group(state).and_then(|group| {
            instance_refresh::propose_cancel(next_id(state), &group, &context(state))
        }),
        Action::UndoLastAction => propose_undo(state),
        Action::RollBack => return load_versions(state),
        Action::EditMax => return open_max_prompt(state),
        Action::ForceDeployment => focused_service(state).and_then(|service| {
            ecs_desired::propose_force_deployment(next_id(state), &service, &context(state))
        }),
        _ => return Vec::new(),
    };
    open_dialog(state, proposal);
    Vec::new()
}

/// Opens the prompt `make` builds for the focused Auto Scaling group, or says why not.
fn open_group_prompt(state: &mut State, make: impl FnOnce(AutoScalingGroup) -> Prompt) {
    match focused_group(state) {
        Ok(group) => {
            state.guarded.prompt = Some(make(group));
            state.mode = InputMode::Prompt;
        }
        Err(message) => state.notice = Some(message),
    }
}

/// A prompt with no choices and no option.
fn plain_prompt(label: String, target: PromptTarget, input: String) -> Prompt {
    Prompt {
        label,
        target,
        input,
        error: None,
        choices: Vec::new(),
        option: None,
    }
}

/// The refresh preferences prompt, prefilled with the runbook's 50 % and 300 s.
fn open_refresh_prompt(state: &mut State) -> Vec<Effect> {
    open_group_prompt(state, |group| {
        plain_prompt(
            format!(
                "refresh {}: min healthy % and instance warm-up s (runbook: 50 300)",
                group.name
            ),
            PromptTarget::RefreshPreferences { group: group.name },
            format!(
                "{} {}",
                instance_refresh::DEFAULT_MIN_HEALTHY_PERCENTAGE,
                instance_refresh::DEFAULT_INSTANCE_WARMUP_SECONDS
            ),
        )
    });
    Vec::new()
}

/// The max size prompt of the focused group.
fn open_max_prompt(state: &mut State) -> Vec<Effect> {
    open_group_prompt(state, |group| {
        plain_prompt(
            format!(
                "max size for {} (now {}, desired {}, min {})",
                group.name, group.max_size, group.desired_capacity, group.min_size
            ),
            PromptTarget::MaxSize { group: group.name },
            String::new(),
        )
    });
    Vec::new()
}

/// A rollback starts by reading the versions to pick from.
fn load_versions(state: &mut State) -> Vec<Effect> {
    match focused_group(state) {
        Ok(group) => {
            state.notice = Some(format!(
                "reading the launch template versions of {}…",
                group.name
            ));
            if let Some((asked, at)) = &state.in_flight.versions
                && *asked == group.name
                && super::InFlight::holds(*at, state.now)
            {
                return Vec::new();
            }
            state.in_flight.versions = Some((group.name.clone(), state.now));
            vec![Effect::LoadLaunchTemplateVersions { group: group.name }]
        }
        Err(message) => {
            state.notice = Some(message);
            Vec::new()
        }
    }
}

/// The versions arrived: the picker is a prompt listing them, prefilled with the newest
/// version older than the one in use.
pub fn on_launch_template_versions(
    state: &mut State,
    group: String,
    result: Result<Vec<crate::model::LaunchTemplateVersion>, crate::model::SourceError>,
) {
    let versions = match result {
        Ok(versions) if versions.is_empty() => {
            state.notice = Some(format!("{group}: its launch template lists no versions"));
            return;
        }
        Ok(versions) => versions,
        Err(error) => {
            state.notice = Some(format!(
                "cannot list launch template versions of {group}: {}",
                error.message
            ));
            return;
        }
    };
    if state.mode != InputMode::Normal {
        return;
    }
    state.notice = None;
    let suggested = rollback::suggested_version(&versions);
    state.guarded.prompt = Some(Prompt {
        label: format!("roll {group} back to launch template version:"),
        input: suggested.map(|v| v.to_string()).unwrap_or_default(),
        error: None,
        choices: rollback::version_lines(&versions, state.now),
        option: None,
        target: PromptTarget::RollBack { group, versions },
    });
    state.mode = InputMode::Prompt;
}

fn context(state: &State) -> ActionContext {
    ActionContext {
        environment: state.environment.name.clone(),
        production: state.environment.production,
        allow_superuser_termination: state.environment.allow_superuser_termination,
    }
}

fn next_id(state: &mut State) -> u64 {
    state.guarded.next_proposal_id += 1;
    state.guarded.next_proposal_id
}

fn open_dialog(state: &mut State, proposal: Result<Proposal, String>) {
    match proposal {
        Ok(proposal) => {
            state.guarded.dialog = Some(ConfirmDialog::new(proposal));
            state.mode = InputMode::Confirm;
        }
        Err(message) => state.notice = Some(message),
    }
}

/// The group the Auto Scaling pane's selection belongs to (the first group if none).
fn focused_group(state: &State) -> Result<AutoScalingGroup, String> {
    if state.focus != PaneId::AutoScaling {
        return Err("focus Auto Scaling (1) for instance refresh actions".to_owned());
    }
    let selected = selected_id(state, PaneId::AutoScaling);
    let groups = &state.data.auto_scaling;
    selected
        .and_then(|id| {
            groups
                .iter()
                .find(|g| g.instances.iter().any(|i| i.id == id))
        })
        .or_else(|| groups.first())
        .cloned()
        .ok_or_else(|| "no Auto Scaling group has been read yet".to_owned())
}

/// The id of the selected row of `pane`.
fn selected_id(state: &State, pane: PaneId) -> Option<String> {
    state.pane(pane).table.selected().map(|row| row.id.clone())
}

/// The group named `name` in the latest data.
fn group_named<'a>(state: &'a State, name: &str) -> Result<&'a AutoScalingGroup, String> {
    state
        .data
        .auto_scaling
        .iter()
        .find(|group| group.name == name)
        .ok_or_else(|| format!("group {name} is no longer in the data"))
}

/// The ECS service named `name` in the latest data.
fn service_named<'a>(state: &'a State, name: &str) -> Result<&'a EcsService, String> {
    state
        .data
        .ecs
        .iter()
        .find(|service| service.name == name)
        .ok_or_else(|| format!("service {name} is no longer in the data"))
}

fn focused_service(state: &State) -> Result<EcsService, String> {
    let selected = selected_id(state, PaneId::Ecs);
    selected
        .and_then(|id| {
            state
                .data
                .ecs
                .iter()
                .find(|s| format!("{}/{}", s.cluster, s.name) == id)
        })
        .cloned()
        .ok_or_else(|| "select an ECS service first".to_owned())
}

fn selected_session(state: &State) -> Result<crate::model::DbSession, String> {
    if state.focus != PaneId::Postgres {
        return Err("focus PostgreSQL (7) and select a session first".to_owned());
    }
    if !state.pg_view.rows_are_sessions() {
        return Err(format!(
            "the {} view lists no sessions: press v for sessions, active, idle or blocking",
            state.pg_view.label()
        ));
    }
    let selected = selected_id(state, PaneId::Postgres);
    selected
        .and_then(|id| {
            state
                .data
                .database
                .sessions
                .iter()
                .find(|s| s.pid.to_string() == id)
        })
        .cloned()
        .ok_or_else(|| "select a session first".to_owned())
}

/// The bulk rules ask how old is too old, prefilled with the runbook's limit.
fn open_age_prompt(state: &mut State, target: PromptTarget) -> Vec<Effect> {
    if state.focus != PaneId::Postgres {
        state.notice = Some("focus PostgreSQL (7) for session actions".to_owned());
        return Vec::new();
    }
    let (label, seconds) = match target {
        PromptTarget::LongQueries => (
            "terminate active queries running longer than (e.g. 90s, 30m, 1h)",
            state.thresholds.long_query_seconds,
        ),
        _ => (
            "terminate idle sessions idle longer than (e.g. 90s, 30m, 1h)",
            state.thresholds.idle_session_seconds,
        ),
    };
    state.guarded.prompt = Some(Prompt {
        target,
        label: label.to_owned(),
        input: crate::format::age_input(seconds),
        error: None,
        choices: Vec::new(),
        option: None,
    });
    state.mode = InputMode::Prompt;
    Vec::new()
}

fn bulk(state: &mut State, rule: BulkRule) -> Result<Proposal, String> {
    // Ages are measured when the data was read, as the operator saw them.
    let at = state
        .data
        .database
        .observed_at
        .or(state.pane(PaneId::Postgres).updated_at)
        .unwrap_or(state.now);
    let id = next_id(state);
    db_sessions::propose_bulk(id, &state.data.database.sessions, rule, at, &context(state))
}

fn open_prompt(state: &mut State) -> Vec<Effect> {
    let prompt = match state.focus {
        PaneId::AutoScaling => focused_group(state).map(|group| Prompt {
            label: format!(
                "desired capacity for {} (now {}, min {}, max {})",
                group.name, group.desired_capacity, group.min_size, group.max_size
            ),
            target: PromptTarget::DesiredCapacity { group: group.name },
            input: String::new(),
            error: None,
            choices: Vec::new(),
            option: Some(PromptOption {
                label: "honor cooldown".to_owned(),
                on: false,
            }),
        }),
        PaneId::Ecs => focused_service(state).map(|service| Prompt {
            label: format!(
                "desired count for {} (now {}, running {})",
                service.name, service.desired_count, service.running_count
            ),
            target: PromptTarget::EcsDesiredCount {
                cluster: service.cluster,
                service: service.name,
            },
            input: String::new(),
            error: None,
            choices: Vec::new(),
            option: None,
        }),
        _ => Err("desired capacity is set from Auto Scaling (1) or ECS (6)".to_owned()),
    };
    match prompt {
        Ok(prompt) => {
            state.guarded.prompt = Some(prompt);
            state.mode = InputMode::Prompt;
        }
        Err(message) => state.notice = Some(message),
    }
    Vec::new()
}

/// A key while the value prompt is open.
pub fn on_prompt_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Vec<Effect> {
    let Some(prompt) = state.guarded.prompt.as_mut() else {
        state.mode = InputMode::Normal;
        return Vec::new();
    };
    match action {
        Some(Action::PromptCancel) => {
            state.guarded.prompt = None;
            state.mode = InputMode::Normal;
            state.notice = Some("cancelled: nothing was changed".to_owned());
        }
        Some(Action::PromptDeleteChar) => {
            prompt.input.pop();
            prompt.error = None;
        }
        Some(Action::PromptSubmit) => submit_prompt(state),
        Some(Action::PromptToggle) => {
            if let Some(option) = prompt.option.as_mut() {
                option.on = !option.on;
            }
        }
        _ => {
            if let Some(c) = printable(key) {
                prompt.input.push(c);
                prompt.error = None;
            }
        }
    }
    Vec::new()
}

fn submit_prompt(state: &mut State) {
    let Some(prompt) = state.guarded.prompt.clone() else {
        return;
    };
    let proposal = match &prompt.target {
        PromptTarget::LongQueries | PromptTarget::IdleSessions => {
            match crate::format::parse_age_seconds(&prompt.input) {
                Ok(seconds) => bulk(
                    state,
                    if prompt.target == PromptTarget::LongQueries {
                        BulkRule::LongQueries {
                            longer_than_seconds: seconds,
                        }
                    } else {
                        BulkRule::IdleSessions {
                            longer_than_seconds: seconds,
                        }
                    },
                ),
                Err(message) => Err(message),
            }
        }
        PromptTarget::RefreshPreferences { group } => {
            let id = next_id(state);
            let context = context(state);
            instance_refresh::parse_preferences(&prompt.input).and_then(|(min, warmup)| {
                group_named(state, group).and_then(|group| {
                    instance_refresh::propose_start_with(id, group, min, warmup, &context)
                })
            })
        }
        _ => propose_value(state, &prompt),
    };
    match proposal {
        Ok(proposal) => {
            state.guarded.prompt = None;
            open_dialog(state, Ok(proposal));
        }
        Err(message) => set_prompt_error(state, message),
    }
}

/// A proposal from a number typed for a desired capacity or count.
fn propose_value(state: &mut State, prompt: &Prompt) -> Result<Proposal, String> {
    let value: u32 = prompt
        .input
        .trim()
        .parse()
        .map_err(|_| format!("\"{}\" is not a whole number", prompt.input))?;
    let id = next_id(state);
    let context = context(state);
    match &prompt.target {
        PromptTarget::DesiredCapacity { group } => {
            let honor_cooldown = prompt.option.as_ref().is_some_and(|option| option.on);
            group_named(state, group).and_then(|group| {
                scale::propose_with_cooldown(id, group, value, honor_cooldown, &context)
            })
        }
        PromptTarget::EcsDesiredCount { service, .. } => service_named(state, service)
            .and_then(|service| ecs_desired::propose(id, service, value, &context)),
        PromptTarget::MaxSize { group } => group_named(state, group)
            .and_then(|group| max_size::propose(id, group, value, &context)),
        PromptTarget::RollBack { group, versions } => group_named(state, group)
            .and_then(|group| rollback::propose(id, group, versions, value, &context)),
        PromptTarget::LongQueries
        | PromptTarget::IdleSessions
        | PromptTarget::RefreshPreferences { .. } => Err("not a value prompt".to_owned()),
    }
}

fn set_prompt_error(state: &mut State, message: String) {
    if let Some(prompt) = state.guarded.prompt.as_mut() {
        prompt.error = Some(message);
    }
}

/// A printable character typed into a field (no ctrl/alt chords).
pub fn printable(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// A key while the confirm dialog is open. Only the confirm keys confirm; any other key does
/// nothing but say how to confirm.
pub fn on_dialog_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Vec<Effect> {
    let Some(dialog) = state.guarded.dialog.as_mut() else {
        state.mode = InputMode::Normal;
        return Vec::new();
    };
    dialog.hint = None;
    let decision = match dialog.proposal.typed_confirmation.clone() {
        Some(expected) => typed_decision(dialog, key, action, &expected),
        None => button_decision(dialog, action),
    };
    match decision {
        Decision::Confirm => confirm(state),
        Decision::Cancel => {
            state.guarded.dialog = None;
            state.mode = InputMode::Normal;
            state.notice = Some("cancelled: nothing was changed".to_owned());
            Vec::new()
        }
        Decision::Stay => Vec::new(),
    }
}

enum Decision {
    Confirm,
    Cancel,
    Stay,
}

fn button_decision(dialog: &mut ConfirmDialog, action: Option<Action>) -> Decision {
    match action {
        Some(Action::DialogConfirm) => Decision::Confirm,
        Some(Action::DialogCancel) => Decision::Cancel,
        Some(Action::DialogSwitchButton) => {
            dialog.focus = match dialog.focus {
                Button::Cancel => Button::Confirm,
                Button::Confirm => Button::Cancel,
            };
            Decision::Stay
        }
        Some(Action::DialogPress) => match dialog.focus {
            Button::Confirm => Decision::Confirm,
            Button::Cancel => Decision::Cancel,
        },
        _ => {
            dialog.hint = Some("y confirms, Esc or n cancels; nothing else acts".to_owned());
            Decision::Stay
        }
    }
}

/// Typed confirmation: every character types (even y and n), Enter confirms an exact match.
fn typed_decision(
    dialog: &mut ConfirmDialog,
    key: &KeyEvent,
    action: Option<Action>,
    expected: &str,
) -> Decision {
    if let Some(c) = printable(key) {
        dialog.typed.push(c);
        return Decision::Stay;
    }
    match action {
        Some(Action::DialogCancel) => Decision::Cancel,
        Some(Action::DialogDeleteChar) => {
            dialog.typed.pop();
            Decision::Stay
        }
        Some(Action::DialogPress) if dialog.typed == expected => Decision::Confirm,
        Some(Action::DialogPress) => {
            dialog.hint = Some(format!(
                "type {expected} exactly to confirm, or Esc to cancel"
            ));
            Decision::Stay
        }
        _ => Decision::Stay,
    }
}

fn confirm(state: &mut State) -> Vec<Effect> {
    let Some(dialog) = state.guarded.dialog.take() else {
        return Vec::new();
    };
    state.mode = InputMode::Normal;
    let proposal = dialog.proposal;
    state.notice = Some(format!("{} {}: running…", proposal.title, proposal.target));
    state.guarded.history.push(ActionRecord {
        proposal: proposal.clone(),
        started_at: state.now,
        finished_at: None,
        status: ActionStatus::Running,
    });
    vec![Effect::Execute(Box::new(proposal))]
}

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
    Some(super::incident_update::action_entry(&proposal, &report, at))
}

fn follow_and_offer_undo(state: &mut State, request: &ActionRequest, at: Timestamp) {
    let deadline = at + chrono::Duration::seconds(FOLLOW_TIMEOUT_SECONDS);
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
        _ => false,
    }
}

/// The undo on offer, as a proposal through the same dialog.
fn propose_undo(state: &mut State) -> Result<Proposal, String> {
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
