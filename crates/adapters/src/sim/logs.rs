//! Simulated application logs: ERROR lines at the rate the 5XX share implies, counted per
//! service over the runbook's 15-minute window.

use std::collections::VecDeque;

use super::load::Load;
use super::rng::Rng;
use crate::model::{LogErrorCount, LogErrors, LogLine, Timestamp};

/// The runbook's error query window.
pub const WINDOW_SECONDS: usize = 15 * 60;
const MAX_RECENT_LINES: usize = 200;
/// Lines written per second at most; the counts still include every error.
const MAX_LINES_PER_SECOND: usize = 3;
/// Average size of one log event, for the bytes-scanned estimate.
const BYTES_PER_EVENT: u64 = 420;

const SERVICES: [&str; 3] = ["portal-web", "portal-api", "worker"];
const MESSAGES: [(&str, &str); 6] = [
    (
        "portal-web",
        "upstream timed out (110: Connection timed out) while reading response header from upstream",
    ),
    (
        "portal-web",
        "502 Bad Gateway: no live upstreams while connecting to upstream",
    ),
    (
        "portal-api",
        "psycopg2.OperationalError: FATAL: remaining connection slots are reserved for non-replication superuser connections",
    ),
    (
        "portal-api",
        "TimeoutError: query exceeded statement_timeout of 30000 ms (UPDATE accounts SET last_seen_at ...)",
    ),
    (
        "portal-api",
        "redis.exceptions.ResponseError: OOM command not allowed when used memory > 'maxmemory'",
    ),
    (
        "worker",
        "job send_invoice_email failed: ConnectionResetError: [Errno 104] Connection reset by peer",
    ),
];

/// Per-second error counts and the newest lines.
#[derive(Debug, Clone)]
pub struct SimLogs {
    /// Newest last; one entry per second, one count per service.
    per_second: VecDeque<[u64; 3]>,
    recent: VecDeque<(i64, u64, &'static str, &'static str)>,
    next_event: u64,
}

impl SimLogs {
    /// Empty logs.
    pub fn new() -> Self {
        Self {
            per_second: VecDeque::with_capacity(WINDOW_SECONDS),
            recent: VecDeque::with_capacity(MAX_RECENT_LINES),
            next_event: 0,
        }
    }

    /// Writes one second of errors.
    pub fn step(&mut self, rng: &mut Rng, now: i64, load: &Load, blocked_writers: usize) {
        let failed_requests = load.requests_per_second * load.error_5xx_percent / 100.0;
        let counts = [
            poisson_ish(rng, failed_requests * 0.6),
            poisson_ish(rng, failed_requests * 0.4 + blocked_writers as f64 * 0.2),
            poisson_ish(rng, 0.002),
        ];
        if self.per_second.len() == WINDOW_SECONDS {
            self.per_second.pop_front();
        }
        self.per_second.push_back(counts);
        let total: u64 = counts.iter().sum();
        for _ in 0..(total as usize).min(MAX_LINES_PER_SECOND) {
            let (service, message) = MESSAGES[rng.below(MESSAGES.len())];
            self.next_event += 1;
            if self.recent.len() == MAX_RECENT_LINES {
                self.recent.pop_back();
            }
            self.recent
                .push_front((now, self.next_event, service, message));
        }
    }

    /// The error query's answer and the tail.
    /// The counts and lines as of `now` (elapsed seconds); the simulated query counts to then.
    pub fn snapshot(&self, now: i64, to_time: &impl Fn(i64) -> Timestamp) -> LogErrors {
        let mut counts: Vec<LogErrorCount> = SERVICES
            .iter()
            .enumerate()
            .map(|(index, service)| LogErrorCount {
                service: (*service).to_owned(),
                count: self.per_second.iter().map(|second| second[index]).sum(),
            })
            .filter(|count| count.count > 0)
            .collect();
        counts.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.service.cmp(&b.service))
        });
        let events: u64 = self.per_second.iter().flatten().sum();
        LogErrors {
            window_minutes: (WINDOW_SECONDS / 60) as u32,
            counts,
            recent: self
                .recent
                .iter()
                .map(|(at, sequence, service, message)| LogLine {
                    id: format!("evt-{sequence:08}"),
                    timestamp: to_time(*at),
                    service: (*service).to_owned(),
                    message: (*message).to_owned(),
                })
                .collect(),
            // Scanning only each minute's new slice, an hour of queries reads 60 minutes of
            // logs: four windows' worth.
            bytes_scanned: events * BYTES_PER_EVENT * 4,
            tail_gap: None,
            counted_until: Some(to_time(now)),
        }
    }
}

/// A whole count with mean `mean`: the integer part plus one with the fraction's chance.
fn poisson_ish(rng: &mut Rng, mean: f64) -> u64 {
    let mean = mean.max(0.0);
    let whole = mean.floor();
    whole as u64 + u64::from(rng.chance(mean - whole))
}
