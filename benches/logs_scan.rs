//! Logs Insights bytes scanned per hour at a steady log rate, before and after the ledger
//! (issue 12, item 3): the old way re-counted the whole 15-minute window once a minute; the
//! ledger scans each minute once. Prints figures for BENCHMARKS.md:
//! `cargo bench --bench logs_scan`.

use opsdeck::source::aws::log_ledger::{Ledger, Plan};

/// A steady log group: 10 MB of logs a minute.
const BYTES_PER_MINUTE: u64 = 10_000_000;
const WINDOW_SECONDS: i64 = 15 * 60;
const MIN_REFRESH_SECONDS: i64 = 60;
const POLL_SECONDS: i64 = 5;

fn scanned(start: i64, end: i64) -> u64 {
    BYTES_PER_MINUTE * u64::try_from(end - start).unwrap_or(0) / 60
}

/// Before: every query (once a minute) scanned the whole window.
fn before(hours: i64) -> Vec<u64> {
    let mut per_hour = vec![0; usize::try_from(hours).unwrap_or(0)];
    let mut last_query: Option<i64> = None;
    for now in (0..hours * 3600).step_by(POLL_SECONDS as usize) {
        if last_query.is_some_and(|at| now - at < MIN_REFRESH_SECONDS) {
            continue;
        }
        last_query = Some(now);
        per_hour[usize::try_from(now / 3600).unwrap_or(0)] += scanned(now - WINDOW_SECONDS, now);
    }
    per_hour
}

/// After: the ledger's plan, polled every 5 s, the query asked for once a minute (as the
/// poller asks, by the Logs schedule's `billed_query_interval`).
fn after(hours: i64) -> Vec<u64> {
    let mut per_hour = vec![0; usize::try_from(hours).unwrap_or(0)];
    let mut ledger = Ledger::default();
    let origin = 1_800_000_000;
    let mut last_asked: Option<i64> = None;
    for elapsed in (0..hours * 3600).step_by(POLL_SECONDS as usize) {
        let now = origin + elapsed;
        let due = last_asked.is_none_or(|at| now - at >= MIN_REFRESH_SECONDS);
        if due {
            last_asked = Some(now);
        }
        if let Plan::Query { start, end } = ledger.plan(now, WINDOW_SECONDS, due) {
            let bytes = scanned(start, end);
            ledger.counted(start, end, Vec::new(), bytes, WINDOW_SECONDS);
            per_hour[usize::try_from(elapsed / 3600).unwrap_or(0)] += bytes;
        }
    }
    per_hour
}

fn main() {
    let hours = 3;
    let dollars = |bytes: u64| bytes as f64 * 0.005 / 1_000_000_000.0;
    println!(
        "steady log rate {} MB/min, 15-minute window, polls every {POLL_SECONDS} s, queries at most once a minute",
        BYTES_PER_MINUTE / 1_000_000
    );
    println!("hour  before (GB scanned, $)   after (GB scanned, $)   ratio");
    for (hour, (old, new)) in before(hours).into_iter().zip(after(hours)).enumerate() {
        println!(
            "{:>4}  {:>8.2} GB  ${:.4}       {:>8.2} GB  ${:.4}      {:.1}x",
            hour + 1,
            old as f64 / 1e9,
            dollars(old),
            new as f64 / 1e9,
            dollars(new),
            old as f64 / new.max(1) as f64
        );
    }
}
