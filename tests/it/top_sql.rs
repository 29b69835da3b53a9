//! Top SQL and wait events against a real PostgreSQL: `pg_stat_statements` read twice gives
//! the statements' rates between the readings; a database without the extension and a
//! server without the library each get a message naming what to do; the view shows them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use opsdeck::model::{Statements, WaitSamples};
use opsdeck::source::DatabaseSource;
use opsdeck::source::SourceErrorKind;
use opsdeck::source::postgres::{Dsn, PostgresSource};
use support::postgres::TestPostgres;
use tokio_postgres::NoTls;

async fn admin(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

fn monitor(url: &str) -> PostgresSource {
    PostgresSource::new(
        Dsn::parse(&format!("{url}?sslmode=disable")).unwrap(),
        false,
    )
}

/// Runs `statement` `times` times, each a separate execution.
async fn run(client: &tokio_postgres::Client, statement: &str, times: usize) {
    for _ in 0..times {
        client.simple_query(statement).await.expect("statement");
    }
}

#[tokio::test]
async fn two_readings_give_each_statements_calls_time_and_rows_between_them() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = admin(&server.url).await;
    admin
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
             DROP TABLE IF EXISTS orders;
             CREATE TABLE orders (id int primary key, total numeric);
             INSERT INTO orders SELECT g, g FROM generate_series(1, 1000) g;
             SELECT pg_stat_statements_reset();",
        )
        .await
        .expect("extension and table");
    let source = monitor(&server.url);
    run(&admin, "SELECT count(*) FROM orders WHERE total > 10", 5).await;
    let first = source.statement_stats().await.expect("first reading");
    run(&admin, "SELECT count(*) FROM orders WHERE total > 10", 7).await;
    run(&admin, "SELECT pg_sleep(0.05)", 2).await;
    let second = source.statement_stats().await.expect("second reading");
    assert!(second.observed_at > first.observed_at, "the server's clock");

    let mut statements = Statements::default();
    statements.store(Ok(first));
    statements.store(Ok(second));
    let rates = statements.rates();
    let count = rates
        .iter()
        .find(|rate| rate.totals.query.starts_with("SELECT count(*) FROM orders"))
        .expect("the count query, normalized");
    assert_eq!(
        count.totals.query, "SELECT count(*) FROM orders WHERE total > $1",
        "constants are normalized"
    );
    assert_eq!(count.totals.calls, 12, "calls since the reset");
    assert_eq!(count.totals.rows, 12, "one row per call");
    assert_eq!(count.totals.user, "postgres");
    assert_eq!(count.totals.database, "postgres");
    let delta = count.since_previous.as_ref().expect("in both readings");
    assert_eq!(delta.calls, 7, "calls between the readings");
    assert_eq!(delta.rows, 7);
    assert!(delta.seconds > 0.0);
    assert!(
        delta.shared_blks_hit + delta.shared_blks_read > 0,
        "the scans read blocks"
    );
    let sleep = rates
        .iter()
        .find(|rate| rate.totals.query.starts_with("SELECT pg_sleep"))
        .expect("the sleep");
    assert!(
        sleep.totals.total_ms >= 100.0,
        "total_exec_time is in milliseconds: two 50 ms sleeps took {} ms",
        sleep.totals.total_ms
    );
    assert_eq!(sleep.since_previous, None, "new in the second reading");
    assert!(
        rates
            .windows(2)
            .all(|pair| pair[0].totals.total_ms >= pair[1].totals.total_ms),
        "most total time first"
    );
}

#[tokio::test]
async fn a_database_without_the_extension_is_told_to_create_it() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = admin(&server.url).await;
    admin
        .batch_execute("CREATE DATABASE plain")
        .await
        .expect("a database without the extension");
    let url = format!(
        "{}/plain",
        server.url.rsplit_once('/').expect("a database path").0
    );
    let error = monitor(&url)
        .statement_stats()
        .await
        .expect_err("no extension");
    assert_eq!(error.kind, SourceErrorKind::NotFound);
    assert!(
        error.message.contains(
            "pg_stat_statements is not installed in database plain: run CREATE EXTENSION \
             pg_stat_statements"
        ) && error.message.contains("shared_preload_libraries"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_server_without_the_library_is_told_to_preload_it() {
    let Some(server) = TestPostgres::start_without_statements_library() else {
        return;
    };
    let admin = admin(&server.url).await;
    // CREATE EXTENSION succeeds without the library; reading the view does not.
    admin
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .await
        .expect("extension");
    let error = monitor(&server.url)
        .statement_stats()
        .await
        .expect_err("library not loaded");
    assert_eq!(error.kind, SourceErrorKind::NotFound);
    assert!(
        error
            .message
            .contains("pg_stat_statements must be loaded via shared_preload_libraries")
            && error.message.contains("DB parameter group"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn wait_events_of_a_lock_chain_show_as_lock_load() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = admin(&server.url).await;
    admin
        .batch_execute(
            "DROP TABLE IF EXISTS accounts;
             CREATE TABLE accounts (id int primary key, plan text);
             INSERT INTO accounts VALUES (1, 'free');",
        )
        .await
        .unwrap();
    let holder = self::admin(&server.url).await;
    holder
        .batch_execute("BEGIN; UPDATE accounts SET plan = 'pro' WHERE id = 1")
        .await
        .unwrap();
    let waiter = self::admin(&server.url).await;
    let waiting = tokio::spawn(async move {
        let _ = waiter
            .simple_query("UPDATE accounts SET plan = 'team' WHERE id = 1")
            .await;
    });
    let source = monitor(&server.url);
    let mut samples = WaitSamples::default();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let activity = source.database_activity().await.expect("activity");
        samples.record(
            activity.observed_at.expect("server clock"),
            &activity.sessions,
        );
        let (loads, _) = samples.summary();
        if loads
            .iter()
            .any(|load| load.wait == ("Lock".to_owned(), "transactionid".to_owned()))
        {
            let lock = &loads[0];
            assert_eq!(lock.now, 1, "one session waits on the lock");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no Lock wait seen: {loads:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    holder.batch_execute("ROLLBACK").await.unwrap();
    waiting.await.unwrap();
}
