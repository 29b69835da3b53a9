//! War-room transitions: declaring, noting, resolving, the messages view, and the timeline
//! entries that polls and actions add while an incident is open. Every durable change comes
//! back as an effect; nothing here touches a file or the terminal.

use crate::key::KeyEvent;

use super::State;
use super::war_room::{Field, Form, FormKind};
use crate::config::InputMode;
use crate::incident::messages::{self, MessageKind};
use crate::incident::{
    EntryKind, Incident, IncidentEvent, Resolution, TimelineEntry, new_id, postmortem, vitals,
};
use crate::model::Timestamp;
use crate::msg::{Action, Effect};

/// War-room actions of the normal screen.
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let open = state.war_room.incident.as_ref().filter(|i| i.is_open());
    match action {
        Action::ToggleWarRoom => {
            state.war_room.showing = !state.war_room.showing;
            state.war_room.timeline_scroll = 0;
        }
        Action::DeclareIncident => match open {
            Some(incident) => {
                state.notice = Some(format!(
                    "{} \"{}\" is open since {}; E resolves it",
                    incident.severity.label(),
                    incident.title,
                    messages::clock_time(incident.declared_at)
                ));
            }
            None => {
                let service = service_name(state);
                open_form(state, Form::declare(&service));
            }
        },
        Action::AddNote | Action::ResolveIncident if open.is_none() => {
            state.notice = Some("no incident is open; D declares one".to_owned());
        }
        Action::AddNote => open_form(state, Form::note()),
        Action::ResolveIncident => open_form(state, Form::resolve()),
        Action::ShowMessages => {
            // A resolved incident still has its resolution notification to send.
            let Some(incident) = state.war_room.incident.as_ref() else {
                state.notice = Some("no incident is declared; D declares one".to_owned());
                return Vec::new();
            };
            let first = if !incident.is_open() {
                MessageKind::Resolution
            } else if incident.updates_sent.is_empty() {
                MessageKind::Initial
            } else {
                MessageKind::StatusUpdate
            };
            state.notice = None;
            state.war_room.message = Some(first);
            state.mode = InputMode::Messages;
        }
        _ => {}
    }
    Vec::new()
}

/// The service a new incident names: the first Auto Scaling group seen (without `-asg`),
/// else the one the config suggests.
fn service_name(state: &State) -> String {
    state
        .data
        .auto_scaling
        .first()
        .map(|group| group.name.trim_end_matches("-asg").to_owned())
        .unwrap_or_else(|| state.war_room.default_service.clone())
}

fn open_form(state: &mut State, form: Form) {
    state.war_room.form = Some(form);
    state.mode = InputMode::Form;
}

/// A key while a form is open: bound form actions, else the character types into the focused
/// field (or picks a severity by its digit).
pub fn on_form_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Vec<Effect> {
    let Some(form) = state.war_room.form.as_mut() else {
        state.mode = InputMode::Normal;
        return Vec::new();
    };
    match action {
        Some(Action::FormCancel) => {
            state.war_room.form = None;
            state.mode = InputMode::Normal;
            state.notice = Some("nothing recorded".to_owned());
        }
        Some(Action::FormNextField) => form.next_field(),
        Some(Action::FormDeleteChar) => {
            if let Some(text) = form.focused_text_mut() {
                text.delete_char();
            }
        }
        Some(Action::FormChoiceUp) if form.focused() == Field::Severity => {
            form.severity = step_severity(form.severity, -1);
        }
        Some(Action::FormChoiceDown) if form.focused() == Field::Severity => {
            form.severity = step_severity(form.severity, 1);
        }
        Some(Action::FormSubmit) => return submit(state),
        _ => type_into(form, key),
    }
    Vec::new()
}

fn step_severity(severity: crate::incident::Severity, step: isize) -> crate::incident::Severity {
    use crate::incident::Severity;
    let index = Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(0);
    Severity::ALL[index
        .saturating_add_signed(step)
        .min(Severity::ALL.len() - 1)]
}

fn type_into(form: &mut Form, key: &KeyEvent) {
    let Some(typed) = key.typed_char() else {
        return;
    };
    if form.focused() == Field::Severity {
        if let Ok(severity) = crate::incident::Severity::parse(&typed.to_string()) {
            form.severity = severity;
        }
        return;
    }
    if let Some(text) = form.focused_text_mut() {
        text.type_key(key);
    }
}

/// Submits the open form: refused with a reason when a required field is empty.
fn submit(state: &mut State) -> Vec<Effect> {
    let Some(form) = state.war_room.form.clone() else {
        return Vec::new();
    };
    let missing = form
        .fields
        .iter()
        .find(|(field, text)| *field != Field::Severity && text.trim().is_empty())
        .map(|(field, _)| *field);
    if let Some(field) = missing {
        if let Some(open) = state.war_room.form.as_mut() {
            open.error = Some(format!("{} is required", field.label()));
            open.cursor = open
                .fields
                .iter()
                .position(|(f, _)| *f == field)
                .unwrap_or(0);
        }
        return Vec::new();
    }
    state.war_room.form = None;
    state.mode = InputMode::Normal;
    let now = state.now;
    match form.kind {
        FormKind::Declare => declare(
            state,
            form.severity,
            form.text(Field::Title),
            form.text(Field::Service),
            now,
        ),
        FormKind::Note => record(
            state,
            vec![TimelineEntry {
                at: now,
                kind: EntryKind::Note,
                text: form.text(Field::Note).to_owned(),
            }],
        ),
        FormKind::Resolve => resolve(
            state,
            form.text(Field::RootCause),
            form.text(Field::Prevention),
            now,
        ),
    }
}

/// Declares an incident at `now`: the war room opens on it, and the alarms already firing and
/// the checks already failing start its timeline.
pub fn declare(
    state: &mut State,
    severity: crate::incident::Severity,
    title: &str,
    service: &str,
    now: Timestamp,
) -> Vec<Effect> {
    let event = IncidentEvent::Declared {
        id: new_id(severity, now),
        severity,
        title: title.to_owned(),
        service: service.to_owned(),
        environment: state.environment.name.clone(),
        at: now,
    };
    let Some(incident) = Incident::from_declared(&event) else {
        return Vec::new();
    };
    let id = incident.id.clone();
    state.notice = Some(format!(
        "{} declared; status updates every {}",
        severity.label(),
        severity.update_every_seconds().map_or(
            "— (initial and resolution only)".to_owned(),
            |s| format!("{} min", s / 60)
        )
    ));
    state.war_room.incident = Some(incident);
    state.war_room.showing = true;
    state.war_room.timeline_scroll = 0;
    let mut effects = vec![Effect::RecordIncident { id, event }];
    effects.extend(record(state, standing_problems(state, now)));
    effects
}

/// Where things stand at declaration: firing alarms and failing checks.
fn standing_problems(state: &State, now: Timestamp) -> Vec<TimelineEntry> {
    let mut entries = crate::incident::observe::alarm_changes(&[], &state.data.alarms, now);
    entries.extend(
        state
            .checklist
            .results
            .iter()
            .filter(|result| result.status == crate::check::Status::Fail)
            .map(|result| TimelineEntry {
                at: now,
                kind: EntryKind::Check,
                text: format!("{} failing: {}", result.title, result.observed),
            }),
    );
    entries
}

fn resolve(state: &mut State, root_cause: &str, prevention: &str, now: Timestamp) -> Vec<Effect> {
    let Some(incident) = state.war_room.incident.as_mut() else {
        return Vec::new();
    };
    let event = IncidentEvent::Resolved(Resolution {
        at: now,
        root_cause: root_cause.to_owned(),
        prevention: prevention.to_owned(),
    });
    incident.apply(&event);
    let id = incident.id.clone();
    let markdown = postmortem::markdown(incident);
    state.notice = Some(format!(
        "{} resolved after {}; writing the post-incident timeline",
        incident.severity.label(),
        crate::format::duration(incident.elapsed_seconds(now))
    ));
    vec![
        Effect::RecordIncident {
            id: id.clone(),
            event,
        },
        Effect::WriteIncidentFile {
            id,
            name: "postmortem.md".to_owned(),
            text: markdown,
        },
    ]
}

/// Adds `entries` to the open incident's timeline (nothing without one).
pub fn record(state: &mut State, entries: Vec<TimelineEntry>) -> Vec<Effect> {
    let Some(incident) = state.war_room.incident.as_mut().filter(|i| i.is_open()) else {
        return Vec::new();
    };
    let id = incident.id.clone();
    entries
        .into_iter()
        .map(|entry| {
            let event = IncidentEvent::Entry(entry);
            incident.apply(&event);
            Effect::RecordIncident {
                id: id.clone(),
                event,
            }
        })
        .collect()
}

/// Keys of the messages view.
pub fn on_messages_action(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    let Some(kind) = state.war_room.message else {
        state.mode = InputMode::Normal;
        return Vec::new();
    };
    state.notice = None;
    match action {
        Some(Action::CloseMessages) => {
            state.war_room.message = None;
            state.mode = InputMode::Normal;
        }
        Some(Action::NextMessage) => state.war_room.message = Some(kind.next()),
        Some(Action::CopyMessage) => return copy_message(state, kind),
        _ => {}
    }
    Vec::new()
}

/// The text of `kind` as it would be sent now.
pub fn message_text(state: &State, kind: MessageKind) -> Result<String, String> {
    let incident = state
        .war_room
        .incident
        .as_ref()
        .ok_or("no incident is declared")?;
    let vitals = vitals::summary_line(&state.war_room.readings);
    messages::fill(kind, incident, &vitals, state.now)
}

/// Copies the message (OSC 52), writes it beside the incident, and, for the notification and
/// the status update, restarts the update cadence: the message is on its way.
fn copy_message(state: &mut State, kind: MessageKind) -> Vec<Effect> {
    let text = match message_text(state, kind) {
        Ok(text) => text,
        Err(reason) => {
            state.notice = Some(format!("{}: {reason}", kind.title()));
            return Vec::new();
        }
    };
    let Some(incident) = state.war_room.incident.as_mut() else {
        return Vec::new();
    };
    let id = incident.id.clone();
    let mut effects = vec![
        Effect::CopyToClipboard(text.clone()),
        Effect::WriteIncidentFile {
            id: id.clone(),
            name: kind.file_name().to_owned(),
            text,
        },
    ];
    if incident.is_open() && kind != MessageKind::Resolution {
        let event = IncidentEvent::UpdateSent {
            at: state.now,
            message: kind.title().to_owned(),
        };
        incident.apply(&event);
        effects.push(Effect::RecordIncident { id, event });
    }
    state.notice = Some(format!(
        "{} copied to the clipboard (OSC 52) and saved",
        kind.title()
    ));
    effects
}

/// The timeline line of a finished action.
pub fn action_entry(
    proposal: &crate::action::Proposal,
    report: &crate::action::Report,
    at: Timestamp,
) -> TimelineEntry {
    let changes = proposal
        .changes
        .iter()
        .map(|change| format!("{} {} → {}", change.what, change.before, change.after))
        .collect::<Vec<_>>()
        .join(", ");
    TimelineEntry {
        at,
        kind: EntryKind::Action,
        text: format!(
            "{} {}: {changes} — {}",
            proposal.title,
            proposal.target,
            report.outcome.word()
        ),
    }
}
