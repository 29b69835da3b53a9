//! Query statistics: `pg_stat_statements` counters, the rates between two readings of them,
//! and the wait events of active sessions sampled at every poll (the runbook's "top SQL
//! statements by execution time" and "wait events").

use std::collections::VecDeque;

use super::{DbSession, SessionState, Timestamp};

/// One `pg_stat_statements` row: counters accumulated since the statistics were last reset.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTotals {
    /// `queryid`, `userid` and `dbid` together identify an entry (the view's own key).
    pub query_id: i64,
    pub user: String,
    pub database: String,
    /// The normalized text (`$1` for constants); `<insufficient privilege>` for another
    /// role's statement without `pg_read_all_stats`.
    pub query: String,
    pub calls: i64,
    /// `total_exec_time`, in milliseconds.
    pub total_ms: f64,
    pub rows: i64,
    pub shared_blks_hit: i64,
    pub shared_blks_read: i64,
}

impl StatementTotals {
    /// The entry's identity across readings.
    pub fn key(&self) -> (i64, &str, &str) {
        (self.query_id, &self.user, &self.database)
    }

    /// The entry's identity as one string: the top SQL view's row id.
    pub fn id(&self) -> String {
        format!("{}|{}|{}", self.query_id, self.user, self.database)
    }

    /// Mean execution time since the reset, in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        if self.calls > 0 {
            self.total_ms / self.calls as f64
        } else {
            0.0
        }
    }
}

/// One reading of `pg_stat_statements`: its top entries and the server's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementReading {
    pub statements: Vec<StatementTotals>,
    /// The server's clock when it answered: rates are measured between two of these.
    pub observed_at: Timestamp,
}

/// The two latest readings (rates need both) or why there are none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statements {
    pub latest: Option<Result<StatementReading, String>>,
    pub previous: Option<StatementReading>,
}

impl Statements {
    /// Takes a new reading; the last good one becomes the one rates are measured from.
    pub fn store(&mut self, reading: Result<StatementReading, String>) {
        if let Some(Ok(latest)) = self.latest.take() {
            self.previous = Some(latest);
        }
        self.latest = Some(reading);
    }

    /// Each entry of the latest reading with its rates since the previous one.
    pub fn rates(&self) -> Vec<StatementRate> {
        let Some(Ok(latest)) = &self.latest else {
            return Vec::new();
        };
        latest
            .statements
            .iter()
            .map(|now| StatementRate {
                totals: now.clone(),
                since_previous: self
                    .previous
                    .as_ref()
                    .and_then(|previous| delta(previous, now, latest.observed_at)),
            })
            .collect()
    }
}

/// An entry and what it did between the two readings.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementRate {
    pub totals: StatementTotals,
    /// None when the entry is new in this reading, its counters went back (a reset or an
    /// evicted entry) or no time passed.
    pub since_previous: Option<Delta>,
}

/// Counter differences between two readings, over `seconds` of the server's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    pub seconds: f64,
    pub calls: i64,
    pub total_ms: f64,
    pub rows: i64,
    pub shared_blks_hit: i64,
    pub shared_blks_read: i64,
}

impl Delta {
    pub fn calls_per_second(&self) -> f64 {
        self.calls as f64 / self.seconds
    }

    /// Execution milliseconds spent per second of wall time: the statement's share of the
    /// database's load (1000 = one backend busy with it all the time).
    pub fn ms_per_second(&self) -> f64 {
        self.total_ms / self.seconds
    }

    /// Mean time of the calls in the interval, or None without calls.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.total_ms / self.calls as f64)
    }
}

fn delta(previous: &StatementReading, now: &StatementTotals, at: Timestamp) -> Option<Delta> {
    let before = previous
        .statements
        .iter()
        .find(|entry| entry.key() == now.key())?;
    let seconds = (at - previous.observed_at).num_milliseconds() as f64 / 1000.0;
    let went_back = now.calls < before.calls || now.total_ms < before.total_ms;
    if seconds <= 0.0 || went_back {
        return None;
    }
    Some(Delta {
        seconds,
        calls: now.calls - before.calls,
        total_ms: now.total_ms - before.total_ms,
        rows: now.rows - before.rows,
        shared_blks_hit: now.shared_blks_hit - before.shared_blks_hit,
        shared_blks_read: now.shared_blks_read - before.shared_blks_read,
    })
}

/// The share of blocks found in shared buffers, in percent; None without block reads.
pub fn hit_percent(hit: i64, read: i64) -> Option<f64> {
    let all = hit + read;
    (all > 0).then(|| 100.0 * hit as f64 / all as f64)
}

/// What an active session waits on: `wait_event_type` and `wait_event`, or "CPU" for one
/// that waits on nothing (Performance Insights' name for it).
pub fn wait_of(session: &DbSession) -> (String, String) {
    match (&session.wait_event_type, &session.wait_event) {
        (Some(kind), Some(event)) => (kind.clone(), event.clone()),
        (Some(kind), None) => (kind.clone(), String::new()),
        (None, Some(event)) => (String::new(), event.clone()),
        (None, None) => ("CPU".to_owned(), String::new()),
    }
}

/// The active sessions' waits at each of the last polls: the database's load by wait, as
/// average active sessions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaitSamples {
    samples: VecDeque<(Timestamp, WaitCounts)>,
}

/// (`wait_event_type`, `wait_event`) -> active sessions waiting on it, at one poll.
type WaitCounts = Vec<((String, String), u32)>;

impl WaitSamples {
    /// How many polls the average spans (5 minutes at the 5-second default).
    pub const KEPT: usize = 60;

    /// Counts the active sessions of one poll by what they wait on.
    pub fn record(&mut self, at: Timestamp, sessions: &[DbSession]) {
        let mut counts: WaitCounts = Vec::new();
        for session in sessions.iter().filter(|s| s.state == SessionState::Active) {
            let wait = wait_of(session);
            match counts.iter_mut().find(|(known, _)| *known == wait) {
                Some((_, count)) => *count += 1,
                None => counts.push((wait, 1)),
            }
        }
        self.samples.push_back((at, counts));
        while self.samples.len() > Self::KEPT {
            self.samples.pop_front();
        }
    }

    /// Per wait: sessions in the latest sample and the average over the kept samples,
    /// most load first; and the time the samples reach back to.
    pub fn summary(&self) -> (Vec<WaitLoad>, Option<Timestamp>) {
        let mut loads: Vec<WaitLoad> = Vec::new();
        let latest = self.samples.back().map(|(_, counts)| counts);
        for (_, counts) in &self.samples {
            for (wait, count) in counts {
                let index = match loads.iter().position(|load| load.wait == *wait) {
                    Some(index) => index,
                    None => {
                        loads.push(WaitLoad {
                            wait: wait.clone(),
                            now: 0,
                            average: 0.0,
                        });
                        loads.len() - 1
                    }
                };
                loads[index].average += f64::from(*count);
            }
        }
        let polls = self.samples.len().max(1) as f64;
        for load in &mut loads {
            load.average /= polls;
            load.now = latest
                .and_then(|counts| counts.iter().find(|(wait, _)| *wait == load.wait))
                .map_or(0, |(_, count)| *count);
        }
        loads.sort_by(|a, b| b.average.total_cmp(&a.average));
        (loads, self.samples.front().map(|(at, _)| *at))
    }
}

/// One wait's share of the load.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitLoad {
    /// (`wait_event_type`, `wait_event`); ("CPU", "") for sessions waiting on nothing.
    pub wait: (String, String),
    /// Active sessions waiting on it at the latest poll.
    pub now: u32,
    /// Average active sessions waiting on it over the kept polls.
    pub average: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("valid")
    }

    fn totals(query_id: i64, calls: i64, total_ms: f64) -> StatementTotals {
        StatementTotals {
            query_id,
            user: "app".to_owned(),
            database: "portal".to_owned(),
            query: format!("SELECT {query_id}"),
            calls,
            total_ms,
            rows: calls * 2,
            shared_blks_hit: calls * 9,
            shared_blks_read: calls,
        }
    }

    fn reading(seconds: i64, statements: Vec<StatementTotals>) -> StatementReading {
        StatementReading {
            statements,
            observed_at: at(seconds),
        }
    }

    #[test]
    fn rates_are_the_difference_between_two_readings_over_the_server_clock() {
        let mut statements = Statements::default();
        statements.store(Ok(reading(0, vec![totals(1, 100, 1_000.0)])));
        assert_eq!(statements.rates()[0].since_previous, None, "one reading");
        statements.store(Ok(reading(
            10,
            vec![totals(1, 150, 3_000.0), totals(2, 5, 50.0)],
        )));
        let rates = statements.rates();
        let delta = rates[0].since_previous.as_ref().expect("seen twice");
        assert_eq!(delta.calls, 50);
        assert!((delta.calls_per_second() - 5.0).abs() < 1e-9);
        assert!((delta.ms_per_second() - 200.0).abs() < 1e-9);
        assert_eq!(delta.mean_ms(), Some(40.0));
        assert_eq!(delta.rows, 100);
        assert_eq!(rates[1].since_previous, None, "new in this reading");
    }

    #[test]
    fn a_reset_or_a_failed_reading_gives_no_rate_and_keeps_the_last_good_one() {
        let mut statements = Statements::default();
        statements.store(Ok(reading(0, vec![totals(1, 100, 1_000.0)])));
        statements.store(Err("statement timeout".to_owned()));
        statements.store(Ok(reading(20, vec![totals(1, 10, 90.0)])));
        assert_eq!(
            statements.previous.as_ref().map(|r| r.observed_at),
            Some(at(0)),
            "the failed reading did not replace the last good one"
        );
        assert_eq!(statements.rates()[0].since_previous, None, "counters reset");
    }

    #[test]
    fn hit_percent_counts_shared_buffer_hits_among_all_blocks() {
        assert_eq!(hit_percent(90, 10), Some(90.0));
        assert_eq!(hit_percent(0, 0), None);
    }

    fn session(state: SessionState, wait: Option<(&str, &str)>) -> DbSession {
        DbSession {
            pid: 1,
            user: "app".to_owned(),
            database: "portal".to_owned(),
            application: "web".to_owned(),
            client_addr: "10.0.0.1".to_owned(),
            state,
            wait_event_type: wait.map(|(kind, _)| kind.to_owned()),
            wait_event: wait.map(|(_, event)| event.to_owned()),
            query: String::new(),
            backend_start: at(0),
            xact_start: None,
            query_start: None,
            state_change: None,
            blocked_by: Vec::new(),
            superuser: false,
        }
    }

    #[test]
    fn wait_load_averages_active_sessions_over_the_polls() {
        let mut samples = WaitSamples::default();
        let lock = Some(("Lock", "transactionid"));
        samples.record(
            at(0),
            &[
                session(SessionState::Active, lock),
                session(SessionState::Active, lock),
                session(SessionState::Idle, Some(("Client", "ClientRead"))),
            ],
        );
        samples.record(
            at(5),
            &[
                session(SessionState::Active, None),
                session(SessionState::Active, lock),
            ],
        );
        let (loads, since) = samples.summary();
        assert_eq!(since, Some(at(0)));
        assert_eq!(
            loads,
            vec![
                WaitLoad {
                    wait: ("Lock".to_owned(), "transactionid".to_owned()),
                    now: 1,
                    average: 1.5,
                },
                WaitLoad {
                    wait: ("CPU".to_owned(), String::new()),
                    now: 1,
                    average: 0.5,
                },
            ],
            "idle sessions are not load"
        );
    }

    #[test]
    fn wait_samples_keep_only_the_last_polls() {
        let mut samples = WaitSamples::default();
        for second in 0..(WaitSamples::KEPT as i64 + 5) {
            samples.record(at(second), &[]);
        }
        assert_eq!(samples.summary().1, Some(at(5)));
    }
}
