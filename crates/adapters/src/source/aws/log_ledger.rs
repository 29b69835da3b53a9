//! What the Logs Insights error counts cost, and how to keep it bounded.
//!
//! Logs Insights bills per byte scanned ("Amazon CloudWatch Pricing": $0.005 per GB); the
//! bytes come from GetQueryResults' `statistics.bytesScanned` (CloudWatch Logs API Reference). Counting
//! the last 15 minutes again every minute scans each byte 15 times; instead each query scans
//! only the slice since the last one, and the window's count is the sum of the slices it
//! covers. A slice that reaches back before the window start (the first, which fills the
//! whole window) counts in proportion to its overlap, an estimate that turns exact once it
//! falls out of the window. Queries that keep failing (a query that always times out is paid
//! each time) are retried after a doubling pause.

use std::collections::VecDeque;
use std::time::Duration;

use crate::model::LogErrorCount;

pub use crate::model::DOLLARS_PER_BYTE_SCANNED;
/// The longest pause after repeated failures.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(30 * 60);

/// One query's counts over `[start, end)` seconds since the epoch.
#[derive(Debug, Clone, PartialEq)]
struct Slice {
    start: i64,
    end: i64,
    counts: Vec<LogErrorCount>,
}

/// The counted slices, the scans of the last hour and the failure pause.
#[derive(Debug, Default)]
pub struct Ledger {
    slices: VecDeque<Slice>,
    /// (seconds since the epoch, bytes scanned) of each query in the last hour.
    scans: VecDeque<(i64, u64)>,
    /// When the last query ran, in seconds since the epoch.
    last_query_at: Option<i64>,
    consecutive_failures: u32,
    retry_at: Option<i64>,
}

/// What the next poll should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Query `[start, end)`.
    Query { start: i64, end: i64 },
    /// Nothing new to scan yet: the counts held are current.
    UseHeld,
    /// Failing queries are paused until then.
    Paused { until: i64 },
}

impl Ledger {
    /// What to do at `now` for a window of `window_seconds`, when the poller asks for a
    /// query (`query_due`) or not. A paused query stays paused, asked or not: its error is
    /// the answer until the pause ends, so held counts never pass for current.
    pub fn plan(&self, now: i64, window_seconds: i64, query_due: bool) -> Plan {
        if let Some(until) = self.retry_at.filter(|until| now < *until) {
            return Plan::Paused { until };
        }
        let has_answer = self.last_query_at.is_some() && self.consecutive_failures == 0;
        if !query_due && has_answer {
            return Plan::UseHeld;
        }
        let window_start = now - window_seconds;
        let start = self
            .slices
            .back()
            .map_or(window_start, |last| last.end.max(window_start));
        if now <= start {
            return Plan::UseHeld;
        }
        Plan::Query { start, end: now }
    }

    /// The end of the newest counted slice: how far the counts held reach.
    pub fn counted_until(&self) -> Option<i64> {
        self.slices.back().map(|slice| slice.end)
    }

    /// Takes a query's answer over `[start, end)`.
    pub fn counted(
        &mut self,
        start: i64,
        end: i64,
        counts: Vec<LogErrorCount>,
        bytes_scanned: u64,
        window_seconds: i64,
    ) {
        // A query that overlaps one already counted (two polls at once) adds nothing.
        if self.slices.back().is_none_or(|last| last.end <= start) {
            self.slices.push_back(Slice { start, end, counts });
        }
        let window_start = end - window_seconds;
        while self
            .slices
            .front()
            .is_some_and(|slice| slice.end <= window_start)
        {
            self.slices.pop_front();
        }
        self.scanned(end, bytes_scanned);
        self.last_query_at = Some(end);
        self.consecutive_failures = 0;
        self.retry_at = None;
    }

    /// Notes a failed query at `now` (a timed-out one was scanned, and billed, all the same):
    /// the next waits a minute, then 2, 4, ... up to 30.
    pub fn failed(&mut self, now: i64, bytes_scanned: u64) {
        self.scanned(now, bytes_scanned);
        self.last_query_at = Some(now);
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        let pause = Duration::from_secs(60)
            .saturating_mul(2u32.saturating_pow(self.consecutive_failures - 1))
            .min(MAX_RETRY_PAUSE);
        self.retry_at = Some(now + i64::try_from(pause.as_secs()).unwrap_or(i64::MAX));
    }

    fn scanned(&mut self, at: i64, bytes: u64) {
        self.scans.push_back((at, bytes));
        while self
            .scans
            .front()
            .is_some_and(|(then, _)| at - then >= 3600)
        {
            self.scans.pop_front();
        }
    }

    /// Bytes scanned by the queries of the hour before `now`.
    pub fn bytes_last_hour(&self, now: i64) -> u64 {
        self.scans
            .iter()
            .filter(|(at, _)| now - at < 3600)
            .map(|(_, bytes)| bytes)
            .sum()
    }

    /// The window's counts at `now`, by service, highest first: every slice inside the
    /// window whole, a slice reaching back before it in proportion to its overlap.
    pub fn window_counts(&self, now: i64, window_seconds: i64) -> Vec<LogErrorCount> {
        let window_start = now - window_seconds;
        let mut sums: Vec<(String, f64)> = Vec::new();
        for slice in &self.slices {
            let span = (slice.end - slice.start).max(1) as f64;
            let inside = (slice.end - slice.start.max(window_start)).max(0) as f64;
            let share = (inside / span).min(1.0);
            for count in &slice.counts {
                let part = count.count as f64 * share;
                match sums
                    .iter_mut()
                    .find(|(service, _)| *service == count.service)
                {
                    Some((_, sum)) => *sum += part,
                    None => sums.push((count.service.clone(), part)),
                }
            }
        }
        let mut counts: Vec<LogErrorCount> = sums
            .into_iter()
            .map(|(service, sum)| LogErrorCount {
                service,
                count: sum.round() as u64,
            })
            .filter(|count| count.count > 0)
            .collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.service.cmp(&b.service)));
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: i64 = 15 * 60;

    fn count(service: &str, count: u64) -> Vec<LogErrorCount> {
        vec![LogErrorCount {
            service: service.to_owned(),
            count,
        }]
    }

    #[test]
    fn the_first_query_fills_the_window_and_the_next_scan_only_what_is_new() {
        let mut ledger = Ledger::default();
        let t0 = 1_800_000_000;
        assert_eq!(
            ledger.plan(t0, WINDOW, true),
            Plan::Query {
                start: t0 - WINDOW,
                end: t0
            }
        );
        ledger.counted(t0 - WINDOW, t0, count("api", 150), 15_000, WINDOW);
        // Not asked for: the counts held answer, however long ago they were counted.
        assert_eq!(ledger.plan(t0 + 30, WINDOW, false), Plan::UseHeld);
        assert_eq!(ledger.plan(t0 + 600, WINDOW, false), Plan::UseHeld);
        assert_eq!(
            ledger.plan(t0 + 60, WINDOW, true),
            Plan::Query {
                start: t0,
                end: t0 + 60
            }
        );
        ledger.counted(t0, t0 + 60, count("api", 10), 1_000, WINDOW);
        // The fill slice overlaps 14 of its 15 minutes: 140 of its 150, plus the new 10.
        assert_eq!(ledger.window_counts(t0 + 60, WINDOW), count("api", 150));
        assert_eq!(ledger.bytes_last_hour(t0 + 60), 16_000);
    }

    #[test]
    fn slices_out_of_the_window_are_dropped() {
        let mut ledger = Ledger::default();
        let t0 = 1_800_000_000;
        ledger.counted(t0 - WINDOW, t0, count("api", 150), 0, WINDOW);
        for minute in 1..=15 {
            let end = t0 + minute * 60;
            ledger.counted(end - 60, end, count("api", 2), 0, WINDOW);
        }
        assert_eq!(ledger.window_counts(t0 + WINDOW, WINDOW), count("api", 30));
        assert_eq!(ledger.slices.len(), 15);
    }

    #[test]
    fn failing_queries_pause_longer_each_time() {
        let mut ledger = Ledger::default();
        let t0 = 1_800_000_000;
        ledger.failed(t0, 5_000);
        assert_eq!(
            ledger.plan(t0 + 30, WINDOW, true),
            Plan::Paused { until: t0 + 60 }
        );
        // After the pause the query runs again even if the poller did not ask: no counts
        // are held to answer with.
        assert!(matches!(
            ledger.plan(t0 + 60, WINDOW, false),
            Plan::Query { .. }
        ));
        ledger.failed(t0 + 60, 5_000);
        assert_eq!(
            ledger.plan(t0 + 100, WINDOW, false),
            Plan::Paused {
                until: t0 + 60 + 120
            }
        );
        for _ in 0..10 {
            ledger.failed(t0 + 200, 0);
        }
        assert_eq!(
            ledger.plan(t0 + 200, WINDOW, true),
            Plan::Paused {
                until: t0 + 200 + 1800
            }
        );
        assert_eq!(
            ledger.bytes_last_hour(t0 + 200),
            10_000,
            "timed-out scans are billed"
        );
    }
}
