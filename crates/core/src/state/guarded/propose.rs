//! Keys become proposals: straight to the confirm dialog, or first through a prompt for the
//! value or preferences, or a read of the versions to roll back to.

use super::super::guard::{Prompt, PromptOption, PromptTarget};
use super::super::text_field::TextField;
use super::super::{PaneId, State};
use super::finish::propose_undo;
use super::select::{
    analyze_target, context, focused_group, focused_service, next_id, open_dialog,
    selected_session, snapshot_target,
};
use crate::action::db_sessions::{self, BulkRule};
use crate::action::{Proposal, analyze, db_snapshot, ecs_desired, instance_refresh, rollback};
use crate::config::InputMode;
use crate::model::{AutoScalingGroup, SourceKind};
use crate::msg::{Action, Effect};

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
        Action::Analyze => analyze_target(state).map(|(database, table)| {
            analyze::propose(next_id(state), &database, table, &context(state))
        }),
        Action::CreateDbSnapshot => return open_snapshot_prompt(state),
        Action::ForceDeployment => focused_service(state).and_then(|service| {
            ecs_desired::propose_force_deployment(next_id(state), &service, &context(state))
        }),
        _ => return Vec::new(),
    };
    open_dialog(state, proposal);
    Vec::new()
}

/// Opens the snapshot name prompt, prefilled with the runbook's name for this moment
/// (`forensics-<epoch>` while an incident is open), or says why not.
fn open_snapshot_prompt(state: &mut State) -> Vec<Effect> {
    match snapshot_target(state) {
        Ok(instance) => {
            let incident_open = state
                .war_room
                .incident
                .as_ref()
                .is_some_and(crate::incident::Incident::is_open);
            let name = db_snapshot::default_name(&instance.identifier, state.now, incident_open);
            state.guarded.prompt = Some(plain_prompt(
                format!("snapshot of {} named", instance.identifier),
                PromptTarget::DbSnapshot {
                    instance: instance.identifier,
                },
                name,
            ));
            state.mode = InputMode::Prompt;
        }
        Err(message) => state.notice = Some(message),
    }
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
        input: TextField::new(input),
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
                && super::super::InFlight::holds(*at, state.now)
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
        input: TextField::new(suggested.map(|v| v.to_string()).unwrap_or_default()),
        error: None,
        choices: rollback::version_lines(&versions, state.now),
        option: None,
        target: PromptTarget::RollBack { group, versions },
    });
    state.mode = InputMode::Prompt;
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
        input: TextField::new(crate::format::age_input(seconds)),
        error: None,
        choices: Vec::new(),
        option: None,
    });
    state.mode = InputMode::Prompt;
    Vec::new()
}

pub(super) fn bulk(state: &mut State, rule: BulkRule) -> Result<Proposal, String> {
    // Ages are measured when the data was read, as the operator saw them.
    let at = state
        .data
        .database
        .observed_at
        .or(state.source(SourceKind::Database).updated_at)
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
            input: TextField::default(),
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
            input: TextField::default(),
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
