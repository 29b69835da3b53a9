//! PostgreSQL pane rows: one per client session, the longest-running first.

use crate::config::Thresholds;
use crate::format;
use crate::model::{DatabaseActivity, DbSession, SessionState, Timestamp};
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Session columns.
pub const COLUMNS: &[Column] = &[
    Column::new("PID", 6, 0),
    Column::new("App", 14, 2),
    Column::new("State", 13, 0),
    Column::new("For", 7, 0),
    Column::new("Wait", 13, 3),
    Column::new("Query", 16, 1),
];

/// Longest in its state first.
pub const DEFAULT_SORT: Sort = Sort {
    column: 3,
    descending: true,
};

/// Seconds the session has been in its current state (running, idle) at `at`.
pub fn seconds_in_state(session: &DbSession, at: Timestamp) -> i64 {
    let since = match session.state {
        SessionState::Active => session.query_start,
        _ => session.state_change,
    };
    since.map_or(0, |since| format::seconds_between(since, at))
}

/// One row per session.
pub fn rows(activity: &DatabaseActivity, thresholds: &Thresholds, at: Timestamp) -> Vec<Row> {
    // The server's clock, when it told us, else when the answer arrived.
    let at = activity.observed_at.unwrap_or(at);
    activity
        .sessions
        .iter()
        .map(|session| {
            let seconds = seconds_in_state(session, at);
            let (state_tone, duration_tone) = tones(session, seconds, thresholds);
            let state = if session.blocked_by.is_empty() {
                session.state.as_str().to_owned()
            } else {
                format!("⛔ blocked by {}", join_pids(&session.blocked_by))
            };
            Row {
                id: session.pid.to_string(),
                cells: vec![
                    Cell::number(session.pid.to_string(), f64::from(session.pid)),
                    Cell::text(&session.application),
                    Cell::text(state).tone(state_tone),
                    Cell::number(format::duration(seconds), seconds as f64).tone(duration_tone),
                    Cell::text(session.wait_event.clone().unwrap_or_default()).tone(Tone::Muted),
                    Cell::text(format::one_line(&session.query)),
                ],
            }
        })
        .collect()
}

fn tones(session: &DbSession, seconds: i64, thresholds: &Thresholds) -> (Tone, Tone) {
    let seconds = seconds.max(0) as u64;
    match session.state {
        SessionState::Active if !session.blocked_by.is_empty() => (Tone::Crit, Tone::Warn),
        SessionState::Active if seconds > thresholds.long_query_seconds => (Tone::Ok, Tone::Crit),
        SessionState::Active if seconds > 60 => (Tone::Ok, Tone::Warn),
        SessionState::Active => (Tone::Ok, Tone::Plain),
        SessionState::IdleInTransaction | SessionState::IdleInTransactionAborted => {
            (Tone::Warn, Tone::Warn)
        }
        SessionState::Idle if seconds > thresholds.idle_session_seconds => {
            (Tone::Muted, Tone::Warn)
        }
        _ => (Tone::Muted, Tone::Muted),
    }
}

fn join_pids(pids: &[i32]) -> String {
    pids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
