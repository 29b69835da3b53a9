//! The portal's `pg_stat_statements`: counters that grow with the simulated traffic. Every
//! request runs a few statements; their time stretches as the fleet's latency does, and the
//! blocked `UPDATE accounts` waits as long as the lock chain holds.

use super::load::Load;
use crate::model::{
    INSIGHTS_TOP, INSIGHTS_WINDOW_SECONDS, InsightsReading, LoadShare, StatementReading,
    StatementTotals, Timestamp,
};

/// (queryid, text, calls per request, rows per call, base milliseconds, blocks per call).
const STATEMENTS: [(i64, &str, f64, f64, f64, f64); 6] = [
    (
        -6_841_228_513_994_201_442,
        "SELECT id, plan, last_seen_at FROM accounts WHERE id = $1",
        1.0,
        1.0,
        0.08,
        4.0,
    ),
    (
        3_118_904_771_205_663_019,
        "SELECT * FROM carts WHERE account_id = $1 ORDER BY updated_at DESC LIMIT $2",
        0.6,
        3.0,
        0.4,
        12.0,
    ),
    (
        7_702_115_630_918_224_861,
        "SELECT p.id, p.name, i.on_hand FROM products p JOIN inventory i ON i.product_id = p.id WHERE p.id = ANY($1)",
        0.35,
        8.0,
        1.6,
        40.0,
    ),
    (
        -2_290_553_817_064_412_730,
        "INSERT INTO order_lines (order_id, product_id, quantity, price) VALUES ($1, $2, $3, $4)",
        0.08,
        1.0,
        0.5,
        6.0,
    ),
    (
        5_530_687_442_180_993_016,
        "UPDATE accounts SET last_seen_at = now() WHERE id = $1",
        0.2,
        1.0,
        0.15,
        3.0,
    ),
    (
        1_904_336_215_778_040_582,
        "INSERT INTO audit_log (account_id, action, detail) VALUES ($1, $2, $3)",
        0.25,
        1.0,
        0.3,
        5.0,
    ),
];

/// The `UPDATE accounts` entry: the one the lock chain slows.
const BLOCKED_STATEMENT: usize = 4;

/// Accumulated counters, one per statement, with a copy taken each simulated minute of the
/// last hour (Performance Insights' window is the hour, not the run).
#[derive(Debug, Clone, Default)]
pub struct SimStatements {
    counters: [Counters; STATEMENTS.len()],
    /// Seconds stepped since the simulation began (its hour of history included).
    seconds: i64,
    /// (seconds, counters) at each whole minute, the oldest at most an hour back.
    minutes: std::collections::VecDeque<(i64, [Counters; STATEMENTS.len()])>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counters {
    calls: f64,
    total_ms: f64,
    rows: f64,
    hit: f64,
    read: f64,
    /// The time split by what the sessions waited on, for Performance Insights: on the CPU,
    /// reading data files, on the lock chain.
    cpu_ms: f64,
    io_ms: f64,
    lock_ms: f64,
}

impl SimStatements {
    /// One simulated second of `load`, with `blocked` sessions waiting on the lock chain.
    pub fn step(&mut self, load: &Load, blocked: usize) {
        // Latency beyond the calm average is partly the database's.
        let stretch = (load.average_ms / 80.0).max(1.0);
        for (index, counters) in self.counters.iter_mut().enumerate() {
            let (_, _, per_request, rows, base_ms, blocks) = STATEMENTS[index];
            let calls = load.requests_per_second * per_request;
            let mut mean_ms = base_ms * stretch;
            if index == BLOCKED_STATEMENT && blocked > 0 {
                // Each waiter adds a second of waiting every second.
                mean_ms += blocked as f64 * 1000.0 / calls.max(1.0);
                counters.lock_ms += blocked as f64 * 1000.0;
            }
            counters.calls += calls;
            counters.total_ms += calls * mean_ms;
            counters.rows += calls * rows;
            // A cold cache under a spike reads more from disk.
            let read_share: f64 = if load.utilisation > 1.0 { 0.08 } else { 0.01 };
            // Reading a block from disk costs far more than finding it cached.
            let working_ms = calls * base_ms * stretch;
            let io_part = (read_share * 10.0).min(0.9);
            counters.io_ms += working_ms * io_part;
            counters.cpu_ms += working_ms * (1.0 - io_part);
            counters.hit += calls * blocks * (1.0 - read_share);
            counters.read += calls * blocks * read_share;
        }
        self.seconds += 1;
        if self.seconds % 60 == 0 {
            self.minutes.push_back((self.seconds, self.counters));
            while self
                .minutes
                .front()
                .is_some_and(|(at, _)| self.seconds - at > INSIGHTS_WINDOW_SECONDS)
            {
                self.minutes.pop_front();
            }
        }
    }

    /// What Performance Insights would show of `instance` at `at`: each statement's time over
    /// the last hour (since the oldest minute kept) as average active sessions, split by wait.
    pub fn insights(&self, instance: &str, at: Timestamp) -> InsightsReading {
        let (since, baseline) = self
            .minutes
            .front()
            .copied()
            .unwrap_or((0, [Counters::default(); STATEMENTS.len()]));
        let window = (self.seconds - since).max(1);
        let spent: Vec<Counters> = self
            .counters
            .iter()
            .zip(baseline)
            .map(|(now, then)| Counters {
                cpu_ms: now.cpu_ms - then.cpu_ms,
                io_ms: now.io_ms - then.io_ms,
                lock_ms: now.lock_ms - then.lock_ms,
                ..Counters::default()
            })
            .collect();
        let sessions = |ms: f64| ms / 1000.0 / window as f64;
        let total = |part: fn(&Counters) -> f64| sessions(spent.iter().map(part).sum());
        let mut waits: Vec<LoadShare> = [
            ("CPU", "CPU", total(|c| c.cpu_ms)),
            ("IO", "IO:DataFileRead", total(|c| c.io_ms)),
            ("Lock", "Lock:transactionid", total(|c| c.lock_ms)),
        ]
        .into_iter()
        .filter(|(_, _, load)| *load > 0.0)
        .map(|(group, name, load)| LoadShare {
            group: group.to_owned(),
            name: name.to_owned(),
            load,
        })
        .collect();
        waits.sort_by(|a, b| b.load.total_cmp(&a.load));
        let mut statements: Vec<LoadShare> = spent
            .iter()
            .zip(STATEMENTS)
            .map(|(counters, (query_id, query, ..))| LoadShare {
                group: format!("{:016X}", query_id as u64),
                name: query.to_owned(),
                load: sessions(counters.cpu_ms + counters.io_ms + counters.lock_ms),
            })
            .collect();
        statements.sort_by(|a, b| b.load.total_cmp(&a.load));
        statements.truncate(INSIGHTS_TOP as usize);
        InsightsReading {
            instance: instance.to_owned(),
            window: Some((at - chrono::Duration::seconds(window), at)),
            waits,
            statements,
            read_at: at,
        }
    }

    /// What the view shows at `at`, most total time first.
    pub fn reading(&self, at: Timestamp) -> StatementReading {
        let mut statements: Vec<StatementTotals> = self
            .counters
            .iter()
            .zip(STATEMENTS)
            .map(|(counters, (query_id, query, ..))| StatementTotals {
                query_id,
                user: "basecoat_app".to_owned(),
                database: "basecoat_db".to_owned(),
                query: query.to_owned(),
                calls: counters.calls as i64,
                total_ms: counters.total_ms,
                rows: counters.rows as i64,
                shared_blks_hit: counters.hit as i64,
                shared_blks_read: counters.read as i64,
            })
            .collect();
        statements.sort_by(|a, b| b.total_ms.total_cmp(&a.total_ms));
        StatementReading {
            statements,
            observed_at: at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steady() -> Load {
        Load {
            requests_per_second: 100.0,
            average_ms: 40.0,
            utilisation: 0.5,
            ..Load::default()
        }
    }

    /// The milliseconds a second of `steady()` spends, all statements together: each
    /// statement's calls times its base time (no stretch below 80 ms).
    fn steady_ms_per_second() -> f64 {
        STATEMENTS
            .iter()
            .map(|(_, _, per_request, _, base_ms, _)| 100.0 * per_request * base_ms)
            .sum()
    }

    #[test]
    fn the_load_is_the_last_hours_average_however_long_the_run() {
        let mut statements = SimStatements::default();
        for _ in 0..3 * 3600 {
            statements.step(&steady(), 0);
        }
        let reading = statements.insights("db", chrono::DateTime::default());
        let expected = steady_ms_per_second() / 1000.0;
        assert!(
            (reading.total_load() - expected).abs() < 1e-9,
            "{} against {expected}",
            reading.total_load()
        );
        let (start, end) = reading.window.unwrap();
        assert_eq!(
            (end - start).num_seconds(),
            3600,
            "the hour, not the 3 h run"
        );
    }

    #[test]
    fn a_lock_chain_shows_as_lock_waits_of_one_session_per_waiter() {
        let mut statements = SimStatements::default();
        for _ in 0..600 {
            statements.step(&steady(), 3);
        }
        let reading = statements.insights("db", chrono::DateTime::default());
        let lock = reading
            .waits
            .iter()
            .find(|share| share.name == "Lock:transactionid")
            .expect("lock waits");
        assert!((lock.load - 3.0).abs() < 1e-9, "{}", lock.load);
    }
}
