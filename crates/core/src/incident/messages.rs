//! The runbook's "Communication Templates", filled from the incident, and the status update
//! between them.

use super::{EntryKind, Incident};
use crate::format;
use crate::model::Timestamp;

/// The messages the war room sends, in the order an incident needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Initial,
    StatusUpdate,
    Resolution,
}

impl MessageKind {
    pub const ALL: [Self; 3] = [Self::Initial, Self::StatusUpdate, Self::Resolution];

    /// The runbook's name for it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Initial => "Initial Incident Notification",
            Self::StatusUpdate => "Status Update",
            Self::Resolution => "Resolution Notification",
        }
    }

    /// The file name it is written to, inside the incident's folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Initial => "initial-notification.txt",
            Self::StatusUpdate => "status-update.txt",
            Self::Resolution => "resolution-notification.txt",
        }
    }

    pub fn next(self) -> Self {
        match self {
            Self::Initial => Self::StatusUpdate,
            Self::StatusUpdate => Self::Resolution,
            Self::Resolution => Self::Initial,
        }
    }
}

/// `kind` filled from `incident` at `now`; `vitals` is the one-line reading of the estate
/// ("5XX 0.4 %, p99 820 ms, ..."). Err says why the message cannot be written yet.
pub fn fill(
    kind: MessageKind,
    incident: &Incident,
    vitals: &str,
    now: Timestamp,
) -> Result<String, String> {
    match kind {
        MessageKind::Initial => Ok(initial(incident, now)),
        MessageKind::StatusUpdate => Ok(status_update(incident, vitals, now)),
        MessageKind::Resolution => resolution(incident),
    }
}

/// The runbook's Initial Incident Notification.
fn initial(incident: &Incident, now: Timestamp) -> String {
    format!(
        "🚨 INCIDENT ALERT - Severity {}\n\
         Service: {}\n\
         Impact: {}\n\
         Status: Investigating\n\
         ETA for Update: {}\n",
        incident.severity.number(),
        incident.service,
        incident.title,
        eta(incident, now),
    )
}

/// What changed since the last message went out, and where things stand.
fn status_update(incident: &Incident, vitals: &str, now: Timestamp) -> String {
    let since = incident.last_update_at();
    let mut text = format!(
        "🔄 INCIDENT UPDATE - Severity {}\n\
         Service: {}\n\
         Impact: {}\n\
         Status: {}\n\
         Duration so far: {}\n\
         Now: {vitals}\n\
         Since {}:\n",
        incident.severity.number(),
        incident.service,
        incident.title,
        status_word(incident),
        format::duration(incident.elapsed_seconds(now)),
        clock_time(since),
    );
    let changes: Vec<_> = incident
        .timeline
        .iter()
        .filter(|entry| entry.at > since && entry.kind != EntryKind::StatusUpdate)
        .collect();
    if changes.is_empty() {
        text.push_str("- no change\n");
    }
    for entry in changes {
        text.push_str(&format!(
            "- {} {}: {}\n",
            entry.at.format("%H:%M"),
            entry.kind.tag(),
            entry.text
        ));
    }
    text.push_str(&format!("ETA for Update: {}\n", eta(incident, now)));
    text
}

/// The runbook's Resolution Notification.
fn resolution(incident: &Incident) -> Result<String, String> {
    let resolution = incident.resolution.as_ref().ok_or(
        "written once the incident is resolved (E: resolve, with root cause and prevention)",
    )?;
    Ok(format!(
        "✅ INCIDENT RESOLVED - Severity {}\n\
         Service: {}\n\
         Duration: {} - {} ({})\n\
         Root Cause: {}\n\
         Prevention: {}\n",
        incident.severity.number(),
        incident.service,
        date_time(incident.declared_at),
        date_time(resolution.at),
        format::duration((resolution.at - incident.declared_at).num_seconds()),
        resolution.root_cause,
        resolution.prevention,
    ))
}

/// "Investigating" until someone acts, then "Mitigating".
fn status_word(incident: &Incident) -> &'static str {
    if incident
        .timeline
        .iter()
        .any(|entry| entry.kind == EntryKind::Action)
    {
        "Mitigating"
    } else {
        "Investigating"
    }
}

/// When the next update is due by the severity's cadence (the next one after a message
/// sent now).
fn eta(incident: &Incident, now: Timestamp) -> String {
    match incident.severity.update_every_seconds() {
        Some(every) => {
            let due = now + chrono::Duration::seconds(every);
            // A message sent now restarts the cadence, so its ETA counts from now.
            format!("{} ({} min)", clock_time(due), every / 60)
        }
        None => "with the resolution summary".to_owned(),
    }
}

/// "05:42 UTC".
pub fn clock_time(at: Timestamp) -> String {
    at.format("%H:%M UTC").to_string()
}

/// "2026-11-23 05:42 UTC".
pub fn date_time(at: Timestamp) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}
