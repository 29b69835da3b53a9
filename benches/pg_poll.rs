//! One poll of the PostgreSQL pane (all its queries) against a real server, timed.
//! Reads the DSN from OPSDECK_BENCH_DATABASE_URL; prints nothing and exits 0 without it, so
//! `cargo bench` stays runnable anywhere. `benches/pg_poll.sh` sets up the server and the
//! connections and runs this next to pg_activity.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use opsdeck::source::DatabaseSource;
use opsdeck::source::postgres::{Dsn, PostgresSource};

fn main() {
    let Ok(url) = std::env::var("OPSDECK_BENCH_DATABASE_URL") else {
        return;
    };
    let polls: usize = std::env::var("OPSDECK_BENCH_POLLS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(30);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let source = PostgresSource::new(Dsn::parse(&url).unwrap(), false);
        // The first poll connects; time only the polls after it.
        let first = source.database_activity().await.unwrap();
        let mut times_ms = Vec::with_capacity(polls);
        for _ in 0..polls {
            let started = Instant::now();
            let activity = source.database_activity().await.unwrap();
            times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            assert!(activity.sessions.len() + 5 >= first.sessions.len());
        }
        times_ms.sort_by(f64::total_cmp);
        let median = times_ms[times_ms.len() / 2];
        let mean = times_ms.iter().sum::<f64>() / times_ms.len() as f64;
        println!(
            "opsdeck poll: sessions={} polls={polls} median_ms={median:.2} mean_ms={mean:.2} min_ms={:.2}",
            first.sessions.len(),
            times_ms[0]
        );
    });
}
