//! What one check found, shared by the checks' evaluations.

use super::Status;
use crate::config::Level;

/// What one check found.
pub(super) struct Finding {
    pub status: Status,
    pub observed: String,
    pub threshold: String,
    pub evidence: Vec<String>,
    pub rows: Vec<String>,
}

impl Finding {
    pub fn skip(why: impl Into<String>) -> Self {
        Self {
            status: Status::Skip,
            observed: "not configured".to_owned(),
            threshold: String::new(),
            evidence: vec![why.into()],
            rows: Vec::new(),
        }
    }

    pub fn unknown(why: impl Into<String>, threshold: impl Into<String>) -> Self {
        Self {
            status: Status::Unknown,
            observed: "no data".to_owned(),
            threshold: threshold.into(),
            evidence: vec![why.into()],
            rows: Vec::new(),
        }
    }
}

/// A threshold's level as a check's status.
pub(super) fn status_of(level: Level) -> Status {
    match level {
        Level::Ok => Status::Pass,
        Level::Warn => Status::Warn,
        Level::Crit => Status::Fail,
    }
}
