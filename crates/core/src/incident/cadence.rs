//! The runbook's status-update cadence: when the next update is due and how urgent it is.

use super::Incident;
use crate::model::Timestamp;

/// How close the next status update is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// More than a fifth of the interval left.
    OnTime,
    /// The last fifth of the interval (3 min of SEV-1's 15, 6 of SEV-2's 30): write it now.
    DueSoon,
    /// Past due: the war room has gone quiet on its stakeholders.
    Overdue,
}

/// The next status update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextUpdate {
    pub due_at: Timestamp,
    /// Negative once overdue.
    pub seconds_left: i64,
    pub urgency: Urgency,
}

/// When the next update is due at `now`: None for a resolved incident or a severity with no
/// cadence (SEV-3).
pub fn next_update(incident: &Incident, now: Timestamp) -> Option<NextUpdate> {
    if !incident.is_open() {
        return None;
    }
    let every = incident.severity.update_every_seconds()?;
    let due_at = incident.last_update_at() + chrono::Duration::seconds(every);
    let seconds_left = (due_at - now).num_seconds();
    let urgency = if seconds_left < 0 {
        Urgency::Overdue
    } else if seconds_left <= every / 5 {
        Urgency::DueSoon
    } else {
        Urgency::OnTime
    };
    Some(NextUpdate {
        due_at,
        seconds_left,
        urgency,
    })
}
