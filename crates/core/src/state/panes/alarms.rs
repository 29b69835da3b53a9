//! Alarms pane rows: ALARM first, then INSUFFICIENT_DATA, then OK.

use crate::format;
use crate::model::{Alarm, AlarmHistoryReading, AlarmState, IncidentNote, Timestamp, episodes};
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Alarm columns.
pub const COLUMNS: &[Column] = &[
    Column::new("State", 14, 0),
    Column::new("Alarm", 30, 0),
    Column::new("Since", 7, 1),
    Column::new("Reason", 40, 2),
];

/// The Alarms pane's views, switched with the view key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AlarmView {
    /// Every alarm as it is now.
    #[default]
    Now,
    /// What fired since the overnight window began (DescribeAlarmHistory).
    Overnight,
}

impl AlarmView {
    pub fn next(self) -> Self {
        match self {
            Self::Now => Self::Overnight,
            Self::Overnight => Self::Now,
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Now => COLUMNS,
            Self::Overnight => HISTORY_COLUMNS,
        }
    }

    pub fn default_sort(self) -> Sort {
        match self {
            Self::Now => DEFAULT_SORT,
            // Oldest first: the night as it happened.
            Self::Overnight => Sort {
                column: 1,
                descending: false,
            },
        }
    }

    /// What the table says with no rows.
    pub fn empty_message(self, reading: Option<&AlarmHistoryReading>) -> String {
        match (self, reading) {
            (Self::Now, _) => "no alarms".to_owned(),
            (Self::Overnight, None) => "reading the alarm history…".to_owned(),
            (Self::Overnight, Some(reading)) => match &reading.changes {
                Err(why) => format!("alarm history: {why}"),
                Ok(_) => format!(
                    "nothing fired since {} UTC",
                    reading.since.format("%a %H:%M")
                ),
            },
        }
    }
}

/// Overnight columns: each time an alarm fired in the window.
pub const HISTORY_COLUMNS: &[Column] = &[
    Column::new("Alarm", 30, 0),
    Column::new("Fired", 11, 0),
    Column::new("For", 7, 0),
    Column::new("Now", 16, 0),
    Column::new("Reason", 40, 2),
];

/// One row per episode of the window, oldest first; durations measured at `at`.
pub fn history_rows(reading: Option<&AlarmHistoryReading>, at: Timestamp) -> Vec<Row> {
    let Some(reading) = reading else {
        return Vec::new();
    };
    let Ok(changes) = &reading.changes else {
        return Vec::new();
    };
    episodes(changes, reading.since)
        .into_iter()
        .map(|episode| {
            let seconds = episode.seconds(at);
            let fired = if episode.firing_before {
                "before".to_owned()
            } else {
                episode.fired_at.format("%a %H:%M").to_string()
            };
            let now = match episode.resolved_at {
                Some(resolved) => {
                    Cell::text(format!("✓ OK {}", resolved.format("%H:%M"))).tone(Tone::Ok)
                }
                None => Cell::text("✗ still ALARM").tone(Tone::Crit),
            };
            Row {
                id: format!("{}|{}", episode.alarm, episode.fired_at.timestamp()),
                cells: vec![
                    Cell::text(&episode.alarm),
                    Cell::number(fired, episode.fired_at.timestamp() as f64),
                    Cell::number(format::duration(seconds), seconds as f64),
                    now,
                    Cell::text(&episode.reason).tone(Tone::Muted),
                ],
            }
        })
        .collect()
}

/// One row per incident of opsdeck's own open now or resolved in the window, beside the
/// alarms (the morning check's "verify resolution of any previously active incidents"); a
/// row saying so when the incident records could not be read.
pub fn incident_rows(
    incidents: Option<&Result<Vec<IncidentNote>, String>>,
    at: Timestamp,
) -> Vec<Row> {
    match incidents {
        None => Vec::new(),
        Some(Err(why)) => vec![Row {
            id: "incidents|unread".to_owned(),
            cells: vec![
                Cell::text("⚑ incidents not read").tone(Tone::Unknown),
                Cell::number("", f64::MAX),
                Cell::number("", -1.0),
                Cell::text("? unknown").tone(Tone::Unknown),
                Cell::text(why).tone(Tone::Muted),
            ],
        }],
        Some(Ok(notes)) => notes.iter().map(|note| incident_row(note, at)).collect(),
    }
}

fn incident_row(note: &IncidentNote, at: Timestamp) -> Row {
    let seconds = format::seconds_between(note.declared_at, note.resolved_at.unwrap_or(at));
    let now = match note.resolved_at {
        Some(resolved) => {
            Cell::text(format!("✓ resolved {}", resolved.format("%H:%M"))).tone(Tone::Ok)
        }
        None => Cell::text("✗ incident OPEN").tone(Tone::Crit),
    };
    Row {
        id: format!("incident|{}", note.id),
        cells: vec![
            Cell::text(format!("⚑ {} {}", note.severity, note.id)),
            Cell::number(
                note.declared_at.format("%a %H:%M").to_string(),
                note.declared_at.timestamp() as f64,
            ),
            Cell::number(format::duration(seconds), seconds as f64),
            now,
            Cell::text(&note.title),
        ],
    }
}

/// Most urgent first.
pub const DEFAULT_SORT: Sort = Sort {
    column: 0,
    descending: false,
};

/// The tone and symbol of an alarm state.
pub fn state_badge(state: AlarmState) -> (Tone, &'static str) {
    match state {
        AlarmState::Alarm => (Tone::Crit, "✗"),
        AlarmState::InsufficientData => (Tone::Unknown, "?"),
        AlarmState::Ok => (Tone::Ok, "✓"),
    }
}

/// One row per alarm; "since" is measured at `at`.
pub fn rows(alarms: &[Alarm], at: Timestamp) -> Vec<Row> {
    alarms
        .iter()
        .map(|alarm| {
            let (tone, symbol) = state_badge(alarm.state);
            let age = format::seconds_between(alarm.state_updated_at, at);
            Row {
                id: alarm.name.clone(),
                cells: vec![
                    Cell::number(
                        format!("{symbol} {}", short_state(alarm.state)),
                        alarm.state as u8 as f64,
                    )
                    .tone(tone),
                    Cell::text(&alarm.name),
                    Cell::number(format::duration(age), age as f64).tone(Tone::Muted),
                    Cell::text(&alarm.reason).tone(Tone::Muted),
                ],
            }
        })
        .collect()
}

/// The state in at most 12 characters, for narrow panes.
fn short_state(state: AlarmState) -> &'static str {
    match state {
        AlarmState::InsufficientData => "INSUFFICIENT",
        other => other.as_str(),
    }
}
