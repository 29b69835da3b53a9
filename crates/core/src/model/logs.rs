//! CloudWatch Logs: error counts by service and the newest error lines.

use super::Timestamp;

/// Result of the runbook's error query and error tail.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogErrors {
    /// Window the counts cover, in minutes.
    pub window_minutes: u32,
    /// Sorted by count, highest first.
    pub counts: Vec<LogErrorCount>,
    /// Newest first.
    pub recent: Vec<LogLine>,
    /// Bytes the error queries scanned in the last hour: what Logs Insights bills.
    pub bytes_scanned: u64,
    /// Lines the tail did not show: more matched than a poll reads, so it skipped to the
    /// newest.
    pub tail_gap: Option<TailGap>,
    /// The end of the newest error query the counts include. The query is billed per byte
    /// scanned, so it runs at most once a period while the tail is read every poll: the
    /// counts may be older than the lines below them, and the pane says so. None when no
    /// query has answered.
    pub counted_until: Option<Timestamp>,
}

/// A span of a log group's matching lines the tail skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct TailGap {
    pub log_group: String,
    pub from: Timestamp,
    pub to: Timestamp,
}

/// `stats count() by @service` row.
#[derive(Debug, Clone, PartialEq)]
pub struct LogErrorCount {
    pub service: String,
    pub count: u64,
}

/// One ERROR line from the tail.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Stable id (event id) so the selection survives refreshes.
    pub id: String,
    pub timestamp: Timestamp,
    pub service: String,
    pub message: String,
}
