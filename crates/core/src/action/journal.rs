//! The audit journal: one JSON line for the intent of every action (written, flushed and
//! fsynced before the change is sent) and one for its outcome. Append-only, mode 0600, never a
//! secret. A torn last line (a crash mid-write) is reported and skipped, never fatal. The file
//! itself is written by `opsdeck::action::journal::Journal`.

use serde::{Deserialize, Serialize};

use super::{Change, Proposal, Report};
use crate::model::Timestamp;

/// Intent or outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Intent,
    Outcome,
}

/// Who acted, and where: written into every line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub environment: String,
    /// The caller identity (an STS ARN for AWS; the OS user for the demo).
    pub identity: String,
    pub profile: Option<String>,
    pub region: String,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub time: Timestamp,
    pub phase: Phase,
    /// Ties an outcome to its intent: `<run start>-<proposal id>`.
    pub action_id: String,
    pub action: String,
    pub target: String,
    #[serde(flatten)]
    pub actor: Actor,
    /// The exact call or SQL with its parameters.
    pub call: String,
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Entry {
    /// The intent line of `proposal`.
    pub fn intent(proposal: &Proposal, actor: &Actor, action_id: &str, time: Timestamp) -> Self {
        Self {
            time,
            phase: Phase::Intent,
            action_id: action_id.to_owned(),
            action: proposal.request.name().to_owned(),
            target: proposal.target.clone(),
            actor: actor.clone(),
            call: proposal.call.clone(),
            changes: proposal.changes.clone(),
            affected: proposal.affected.clone(),
            result: None,
            detail: None,
            request_id: None,
        }
    }

    /// The outcome line that answers `intent`.
    pub fn outcome(intent: &Self, report: &Report, time: Timestamp) -> Self {
        Self {
            time,
            phase: Phase::Outcome,
            affected: Vec::new(),
            result: Some(report.outcome.word().to_owned()),
            detail: Some(report.outcome.detail().to_owned()),
            request_id: report.request_id.clone(),
            ..intent.clone()
        }
    }
}
