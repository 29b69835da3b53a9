//! Alarms pane rows: ALARM first, then INSUFFICIENT_DATA, then OK.

use crate::format;
use crate::model::{Alarm, AlarmState, Timestamp};
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Alarm columns.
pub const COLUMNS: &[Column] = &[
    Column::new("State", 14, 0),
    Column::new("Alarm", 30, 0),
    Column::new("Since", 7, 1),
    Column::new("Reason", 40, 2),
];

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
