//! The value prompt: typing, the option toggle, and a submitted value becoming a proposal.

use crate::key::KeyEvent;

use super::super::State;
use super::super::guard::{Prompt, PromptTarget};
use super::propose::bulk;
use super::select::{
    context, group_named, next_id, open_dialog, rds_instance_named, service_named,
};
use crate::action::db_sessions::BulkRule;
use crate::action::{
    Proposal, db_snapshot, ecs_desired, instance_refresh, max_size, rollback, scale,
};
use crate::config::InputMode;
use crate::msg::{Action, Effect};

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
            prompt.input.delete_char();
            prompt.error = None;
        }
        Some(Action::PromptSubmit) => submit_prompt(state),
        Some(Action::PromptToggle) => {
            if let Some(option) = prompt.option.as_mut() {
                option.on = !option.on;
            }
        }
        _ => {
            if prompt.input.type_key(key) {
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
        PromptTarget::DbSnapshot { instance } => {
            let id = next_id(state);
            let context = context(state);
            rds_instance_named(state, instance)
                .and_then(|rds| db_snapshot::propose(id, &rds, &prompt.input, &context))
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
        | PromptTarget::RefreshPreferences { .. }
        | PromptTarget::DbSnapshot { .. } => Err("not a value prompt".to_owned()),
    }
}

fn set_prompt_error(state: &mut State, message: String) {
    if let Some(prompt) = state.guarded.prompt.as_mut() {
        prompt.error = Some(message);
    }
}
