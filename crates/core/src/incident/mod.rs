//! War-room incidents: severity, the incident clock, the update cadence, the timeline and the
//! runbook's message templates. Plain data: the incident is rebuilt from its events, so the
//! same `apply` serves a live session and a reopened one.

pub mod cadence;
pub mod messages;
pub mod observe;
pub mod postmortem;
pub mod vitals;

use serde::{Deserialize, Serialize};

use crate::model::Timestamp;

/// The runbook's incident classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "SEV1")]
    Sev1,
    #[serde(rename = "SEV2")]
    Sev2,
    #[serde(rename = "SEV3")]
    Sev3,
}

impl Severity {
    pub const ALL: [Self; 3] = [Self::Sev1, Self::Sev2, Self::Sev3];

    /// 1, 2 or 3: the `{X}` of the runbook's templates.
    pub fn number(self) -> u8 {
        match self {
            Self::Sev1 => 1,
            Self::Sev2 => 2,
            Self::Sev3 => 3,
        }
    }

    /// "SEV-1", as the runbooks write it.
    pub fn label(self) -> String {
        format!("SEV-{}", self.number())
    }

    /// The runbook's definition, shown when declaring.
    pub fn definition(self) -> &'static str {
        match self {
            Self::Sev1 => "Critical: complete service outage affecting all users",
            Self::Sev2 => "High: partial service degradation affecting a subset of users",
            Self::Sev3 => "Medium: performance issues with a workaround available",
        }
    }

    /// How often the runbook asks for a status update; SEV-3 asks only for an initial
    /// response and a resolution summary.
    pub fn update_every_seconds(self) -> Option<i64> {
        match self {
            Self::Sev1 => Some(15 * 60),
            Self::Sev2 => Some(30 * 60),
            Self::Sev3 => None,
        }
    }

    /// The runbook's resolution target.
    pub fn resolution_target(self) -> &'static str {
        match self {
            Self::Sev1 => "1 hour",
            Self::Sev2 => "4 hours",
            Self::Sev3 => "24 hours",
        }
    }

    /// Reads `SEV1`, `SEV-1`, `sev1` or `1`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim().to_ascii_uppercase();
        let digits = trimmed
            .strip_prefix("SEV")
            .map(|rest| rest.trim_start_matches(['-', ' ']))
            .unwrap_or(&trimmed);
        match digits {
            "1" => Ok(Self::Sev1),
            "2" => Ok(Self::Sev2),
            "3" => Ok(Self::Sev3),
            _ => Err(format!(
                "\"{text}\" is not a severity; expected SEV1, SEV2 or SEV3"
            )),
        }
    }
}

/// What a timeline entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Declared,
    Alarm,
    Check,
    Scaling,
    Deployment,
    Action,
    Note,
    StatusUpdate,
    Resolved,
}

impl EntryKind {
    /// The short tag shown in the timeline.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Declared => "declared",
            Self::Alarm => "alarm",
            Self::Check => "check",
            Self::Scaling => "scaling",
            Self::Deployment => "deploy",
            Self::Action => "action",
            Self::Note => "note",
            Self::StatusUpdate => "update",
            Self::Resolved => "resolved",
        }
    }
}

/// One line of the incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub kind: EntryKind,
    pub text: String,
}

/// How the incident ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub at: Timestamp,
    pub root_cause: String,
    pub prevention: String,
}

/// One durable fact about an incident: the file is a list of these, and replaying them
/// rebuilds the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum IncidentEvent {
    Declared {
        id: String,
        severity: Severity,
        title: String,
        service: String,
        environment: String,
        at: Timestamp,
    },
    Entry(TimelineEntry),
    /// A status message went out (copied or written): the cadence restarts from here.
    UpdateSent {
        at: Timestamp,
        message: String,
    },
    Resolved(Resolution),
}

/// A declared incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    /// The service the messages name (the environment's Auto Scaling group or name).
    pub service: String,
    pub environment: String,
    pub declared_at: Timestamp,
    /// When each status message went out, oldest first.
    pub updates_sent: Vec<Timestamp>,
    pub timeline: Vec<TimelineEntry>,
    pub resolution: Option<Resolution>,
}

impl Incident {
    /// What the overnight view and the morning report show of it.
    pub fn note(&self) -> crate::model::IncidentNote {
        crate::model::IncidentNote {
            id: self.id.clone(),
            severity: self.severity.label(),
            title: self.title.clone(),
            declared_at: self.declared_at,
            resolved_at: self.resolution.as_ref().map(|resolution| resolution.at),
        }
    }

    /// The incident a `Declared` event starts; None for any other event.
    pub fn from_declared(event: &IncidentEvent) -> Option<Self> {
        let IncidentEvent::Declared {
            id,
            severity,
            title,
            service,
            environment,
            at,
        } = event
        else {
            return None;
        };
        Some(Self {
            id: id.clone(),
            severity: *severity,
            title: title.clone(),
            service: service.clone(),
            environment: environment.clone(),
            declared_at: *at,
            updates_sent: Vec::new(),
            timeline: vec![TimelineEntry {
                at: *at,
                kind: EntryKind::Declared,
                text: format!("{} declared: {title}", severity.label()),
            }],
            resolution: None,
        })
    }

    /// Replays `events` (the first must be `Declared`).
    pub fn replay(events: &[IncidentEvent]) -> Option<Self> {
        let (first, rest) = events.split_first()?;
        let mut incident = Self::from_declared(first)?;
        for event in rest {
            incident.apply(event);
        }
        Some(incident)
    }

    /// Takes one event after `Declared`.
    pub fn apply(&mut self, event: &IncidentEvent) {
        match event {
            IncidentEvent::Declared { .. } => {}
            IncidentEvent::Entry(entry) => self.timeline.push(entry.clone()),
            IncidentEvent::UpdateSent { at, message } => {
                self.updates_sent.push(*at);
                self.timeline.push(TimelineEntry {
                    at: *at,
                    kind: EntryKind::StatusUpdate,
                    text: format!("{message} sent"),
                });
            }
            IncidentEvent::Resolved(resolution) => {
                self.timeline.push(TimelineEntry {
                    at: resolution.at,
                    kind: EntryKind::Resolved,
                    text: format!("resolved; root cause: {}", resolution.root_cause),
                });
                self.resolution = Some(resolution.clone());
            }
        }
    }

    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }

    /// Seconds from declaration to `now` (or to the resolution).
    pub fn elapsed_seconds(&self, now: Timestamp) -> i64 {
        let end = self.resolution.as_ref().map_or(now, |r| r.at);
        (end - self.declared_at).num_seconds().max(0)
    }

    /// Whether `entry` (an alarm found firing) says what the timeline's last word on that
    /// alarm already says: it was recorded firing and never recorded leaving ALARM.
    pub fn already_firing(&self, entry: &TimelineEntry) -> bool {
        let Some((name, _)) = entry.text.split_once(": ") else {
            return false;
        };
        self.timeline
            .iter()
            .rev()
            .filter(|old| old.kind == EntryKind::Alarm)
            .find(|old| old.text.split_once(": ").is_some_and(|(n, _)| n == name))
            .is_some_and(|old| old.text.ends_with("ALARM"))
    }

    /// When the last status message went out, else when the incident was declared.
    pub fn last_update_at(&self) -> Timestamp {
        self.updates_sent
            .last()
            .copied()
            .unwrap_or(self.declared_at)
    }
}

/// A file-safe id from the declaration time: `20261123T0542Z-sev1`.
pub fn new_id(severity: Severity, at: Timestamp) -> String {
    format!("{}-sev{}", at.format("%Y%m%dT%H%M%SZ"), severity.number())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_parse_in_every_spelling_and_name_a_bad_one() {
        for text in ["SEV1", "sev-1", "Sev 1", "1"] {
            assert_eq!(Severity::parse(text), Ok(Severity::Sev1), "{text}");
        }
        assert_eq!(Severity::parse("SEV3"), Ok(Severity::Sev3));
        assert_eq!(
            Severity::parse("SEV4"),
            Err("\"SEV4\" is not a severity; expected SEV1, SEV2 or SEV3".to_owned())
        );
        assert!(Severity::parse("").is_err());
    }
}
