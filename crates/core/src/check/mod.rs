//! The 9 AM health check: the runbooks' success criteria and alert thresholds as data, each
//! evaluated against one snapshot of every source to pass / warn / fail / unknown with the
//! value seen and the evidence. Data that could not be read is *unknown*, never pass.

pub mod capacity;
mod evaluate;
mod finding;
pub mod morning;
mod rds;
pub mod report;

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::check_catalog::{CHECKS, CheckId, CheckSpec};
pub use evaluate::{evaluate, evaluate_parts};

use crate::model::Snapshot;
use crate::model::{SourceData, SourceKind};

/// A check's outcome; ordered from best to worst for the overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing to check: the environment does not configure what the check reads.
    Skip,
    Pass,
    Warn,
    Fail,
    Unknown,
}

impl Status {
    /// The word in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Skip => "skip",
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
        }
    }

    /// A symbol that carries the status without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Skip => "-",
            Self::Pass => "✓",
            Self::Warn => "!",
            Self::Fail => "✗",
            Self::Unknown => "?",
        }
    }
}

/// One evaluated check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    /// The value seen, in words ("InService 3/5", "p99 612 ms").
    pub observed: String,
    /// What passes ("< 500 ms").
    pub threshold: String,
    /// What the status rests on: the offending rows, or why it is unknown.
    pub evidence: Vec<String>,
    /// The runbook procedure that applies.
    pub runbook: &'static str,
    /// Ids of the offending rows in the evidence pane (instances, targets, alarms, services,
    /// backends), for the checklist's jump.
    #[serde(skip)]
    pub rows: Vec<String>,
}

/// What the checks read: one snapshot, and the sources that could not be read with why.
#[derive(Debug, Clone, Default)]
pub struct CheckInput {
    pub snapshot: Snapshot,
    /// When the snapshot was read (how long ECS tasks have been pending is measured to it).
    pub at: Option<crate::model::Timestamp>,
    pub unread: BTreeMap<SourceKind, String>,
    /// Sources the environment does not configure, with what to set.
    pub unconfigured: BTreeMap<SourceKind, String>,
}

impl CheckInput {
    /// Takes one source's answer into the snapshot.
    pub fn absorb(&mut self, data: SourceData) {
        self.snapshot.store(data);
    }
}

/// The worst status of all, unknown counting as worst (the check could not be made);
/// skipped checks count as passed, and nothing checked at all is unknown.
pub fn overall(results: &[CheckResult]) -> Status {
    match results.iter().map(|result| result.status).max() {
        None => Status::Unknown,
        Some(Status::Skip) => Status::Unknown,
        Some(worst) => worst,
    }
}

/// A check result with nothing but its id, title and status, for tests.
#[cfg(test)]
pub(crate) fn result_for_test(
    id: &'static str,
    title: &'static str,
    status: Status,
) -> CheckResult {
    CheckResult {
        id,
        title,
        status,
        observed: String::new(),
        threshold: String::new(),
        evidence: Vec::new(),
        runbook: "",
        rows: Vec::new(),
    }
}
