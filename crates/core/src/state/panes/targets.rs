//! Targets pane rows: one per registered target.

use crate::model::{TargetGroupHealth, TargetState};
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Target columns.
pub const COLUMNS: &[Column] = &[
    Column::new("Target", 19, 0),
    Column::new("Port", 5, 3),
    Column::new("AZ", 10, 2),
    Column::new("State", 13, 0),
    Column::new("Reason", 30, 1),
];

/// Worst state first.
pub const DEFAULT_SORT: Sort = Sort {
    column: 3,
    descending: true,
};

/// The tone and symbol of a target state.
pub fn state_badge(state: &TargetState) -> (Tone, &'static str) {
    match state {
        TargetState::Healthy => (Tone::Ok, "✓"),
        TargetState::Initial => (Tone::Warn, "…"),
        TargetState::Draining => (Tone::Muted, "↓"),
        TargetState::Unhealthy => (Tone::Crit, "✗"),
        TargetState::Unused | TargetState::Unavailable | TargetState::Other(_) => {
            (Tone::Unknown, "?")
        }
    }
}

/// Sort rank: unhealthy is the most urgent.
fn urgency(state: &TargetState) -> f64 {
    match state {
        TargetState::Unhealthy => 5.0,
        TargetState::Unavailable | TargetState::Other(_) => 4.0,
        TargetState::Initial => 3.0,
        TargetState::Draining => 2.0,
        TargetState::Unused => 1.0,
        TargetState::Healthy => 0.0,
    }
}

/// One row per target.
pub fn rows(groups: &[TargetGroupHealth]) -> Vec<Row> {
    groups
        .iter()
        .flat_map(|group| {
            group.targets.iter().map(move |target| {
                let (tone, symbol) = state_badge(&target.state);
                let reason = match (&target.reason, &target.description) {
                    (Some(reason), _) => reason.clone(),
                    (None, Some(description)) => description.clone(),
                    (None, None) => String::new(),
                };
                Row {
                    id: format!("{}:{}:{}", group.target_group_name, target.id, target.port),
                    cells: vec![
                        Cell::text(&target.id),
                        Cell::number(target.port.to_string(), f64::from(target.port)),
                        Cell::text(&target.availability_zone),
                        Cell::number(
                            format!("{symbol} {}", target.state.as_str()),
                            urgency(&target.state),
                        )
                        .tone(tone),
                        Cell::text(reason).tone(Tone::Muted),
                    ],
                }
            })
        })
        .collect()
}
