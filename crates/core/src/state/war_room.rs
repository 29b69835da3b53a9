//! Screen state of the war room: the incident (if one is declared), the form being typed, the
//! messages view, the timeline's scroll and the vitals' recent history.

use super::text_field::TextField;
use crate::incident::messages::MessageKind;
use crate::incident::vitals::{History, Reading};
use crate::incident::{Incident, Severity};

/// Which field of a form has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Severity,
    Title,
    Service,
    RootCause,
    Prevention,
    Note,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Self::Severity => "Severity",
            Self::Title => "Title (the impact)",
            Self::Service => "Service",
            Self::RootCause => "Root cause",
            Self::Prevention => "Prevention",
            Self::Note => "Note",
        }
    }
}

/// What a form does when submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Declare,
    Resolve,
    Note,
}

/// A small form typed inline: declare, resolve or note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub severity: Severity,
    /// (field, text), in tab order; the severity field has no text.
    pub fields: Vec<(Field, TextField)>,
    pub cursor: usize,
    /// Why the last submit was refused.
    pub error: Option<String>,
}

impl Form {
    /// Declaring: severity (SEV-1 first), title, service (prefilled).
    pub fn declare(service: &str) -> Self {
        Self::new(
            FormKind::Declare,
            vec![
                (Field::Severity, TextField::default()),
                (Field::Title, TextField::default()),
                (Field::Service, TextField::new(service)),
            ],
        )
    }

    /// Resolving: root cause and prevention, both required.
    pub fn resolve() -> Self {
        Self::new(
            FormKind::Resolve,
            vec![
                (Field::RootCause, TextField::default()),
                (Field::Prevention, TextField::default()),
            ],
        )
    }

    /// A note for the timeline.
    pub fn note() -> Self {
        Self::new(FormKind::Note, vec![(Field::Note, TextField::default())])
    }

    fn new(kind: FormKind, fields: Vec<(Field, TextField)>) -> Self {
        Self {
            kind,
            severity: Severity::Sev1,
            fields,
            cursor: 0,
            error: None,
        }
    }

    pub fn focused(&self) -> Field {
        self.fields
            .get(self.cursor)
            .map_or(Field::Note, |(field, _)| *field)
    }

    /// The trimmed text of `field`.
    pub fn text(&self, field: Field) -> &str {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, text)| text.trim())
    }

    /// The text being typed, None on the severity field.
    pub fn focused_text_mut(&mut self) -> Option<&mut TextField> {
        match self.fields.get_mut(self.cursor) {
            Some((Field::Severity, _)) | None => None,
            Some((_, text)) => Some(text),
        }
    }

    pub fn next_field(&mut self) {
        self.cursor = (self.cursor + 1) % self.fields.len().max(1);
    }
}

/// The war room.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarRoom {
    /// The war-room layout replaces the panes (which keep polling).
    pub showing: bool,
    pub incident: Option<Incident>,
    pub form: Option<Form>,
    /// The messages view, open on this message.
    pub message: Option<MessageKind>,
    /// Timeline lines scrolled up from the newest.
    pub timeline_scroll: usize,
    /// The vitals as of the last poll.
    pub readings: [Option<Reading>; 7],
    pub history: History,
    /// The service new incidents name (the environment's first group, without `-asg`).
    pub default_service: String,
    /// The last failure to write the incident to disk: shown until a write succeeds.
    pub write_problem: Option<String>,
}
