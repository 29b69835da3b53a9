//! The confirm dialog: only the confirm keys confirm (typed confirmation for high risk);
//! a confirmed proposal becomes the `Execute` effect.

use crate::key::KeyEvent;

use super::super::State;
use super::super::guard::{ActionRecord, ActionStatus, Button, ConfirmDialog};
use crate::config::InputMode;
use crate::msg::{Action, Effect};

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
    if let Some(c) = key.typed_char() {
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

pub(super) fn confirm(state: &mut State) -> Vec<Effect> {
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
