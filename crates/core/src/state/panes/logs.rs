//! Logs pane rows: the newest ERROR lines.

use crate::format;
use crate::model::LogErrors;
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Log line columns.
pub const COLUMNS: &[Column] = &[
    Column::new("Time", 8, 0),
    Column::new("Service", 10, 1),
    Column::new("Message", 30, 0),
];

/// Newest first.
pub const DEFAULT_SORT: Sort = Sort {
    column: 0,
    descending: true,
};

/// One row per recent error line.
pub fn rows(logs: &LogErrors) -> Vec<Row> {
    logs.recent
        .iter()
        .map(|line| Row {
            id: line.id.clone(),
            cells: vec![
                Cell::number(
                    format::clock(line.timestamp),
                    line.timestamp.timestamp_millis() as f64,
                )
                .tone(Tone::Muted),
                Cell::text(&line.service),
                Cell::text(format::one_line(&line.message)).tone(Tone::Crit),
            ],
        })
        .collect()
}
