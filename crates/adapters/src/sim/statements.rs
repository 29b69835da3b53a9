//! The portal's `pg_stat_statements`: counters that grow with the simulated traffic. Every
//! request runs a few statements; their time stretches as the fleet's latency does, and the
//! blocked `UPDATE accounts` waits as long as the lock chain holds.

use super::load::Load;
use crate::model::{StatementReading, StatementTotals, Timestamp};

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

/// Accumulated counters, one per statement.
#[derive(Debug, Clone, Default)]
pub struct SimStatements {
    counters: [Counters; STATEMENTS.len()],
}

#[derive(Debug, Clone, Copy, Default)]
struct Counters {
    calls: f64,
    total_ms: f64,
    rows: f64,
    hit: f64,
    read: f64,
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
            }
            counters.calls += calls;
            counters.total_ms += calls * mean_ms;
            counters.rows += calls * rows;
            // A cold cache under a spike reads more from disk.
            let read_share = if load.utilisation > 1.0 { 0.08 } else { 0.01 };
            counters.hit += calls * blocks * (1.0 - read_share);
            counters.read += calls * blocks * read_share;
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
