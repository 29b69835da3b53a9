//! End to end against a real PostgreSQL server in a real terminal: the pane shows the server's
//! sessions, a long query is selected, terminated and confirmed from the keyboard and is gone,
//! then the database is ANALYZEd the same way;
//! a server restart shows the disconnected banner and the pane recovers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Duration;

use support::postgres::TestPostgres;
use support::tmux::{Tmux, binary};
use tokio_postgres::NoTls;

fn exited(screen: &str) -> bool {
    screen.contains("EXIT=")
}

/// The release binary on a live environment watching `server`, with its files in `dir`.
/// AWS points at a closed loopback port (every alarm asked for, so the Alarms pane calls it):
/// the AWS panes say they cannot reach it, and no request ever leaves the machine.
fn live_command(server: &TestPostgres, dir: &std::path::Path) -> String {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "refresh_interval_ms = 1000\n[environments.local]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:9\"\nall_alarms = true\npostgres_url_env = \"OPSDECK_E2E_DB_URL\"\n",
    )
    .unwrap();
    format!(
        "sh -c 'AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing OPSDECK_E2E_DB_URL=\"{}?sslmode=disable\" {} --config {} --env local --journal {} --log-file {} --incident-dir {}; echo EXIT=$?; sleep 600'",
        server.url,
        binary(),
        config.display(),
        dir.join("journal.jsonl").display(),
        dir.join("log").display(),
        dir.join("incidents").display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_a_long_query_on_a_real_server_from_the_keyboard() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    if !server.owned() {
        return;
    }
    let (admin, connection) = tokio_postgres::connect(&server.url, NoTls).await.unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN CREATE ROLE app LOGIN; END IF; END $$;")
        .await
        .unwrap();
    let report_url = format!(
        "{}?application_name=long-report",
        server.url.replace("postgres@", "app@")
    );
    let (report, connection) = tokio_postgres::connect(&report_url, NoTls).await.unwrap();
    tokio::spawn(connection);
    let running = tokio::spawn(async move {
        let result = report
            .simple_query("SELECT pg_sleep(3600) /* nightly revenue report */")
            .await;
        (report, result.map(|_| ()))
    });

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = live_command(&server, dir.path());
    let Some(tmux) = Tmux::start(&command, 140, 40) else {
        return;
    };

    let first = tmux.wait_for("the server's sessions", Duration::from_secs(15), |s| {
        s.contains("long-report")
    });
    tmux.wait_for("the AWS panes' error", Duration::from_secs(30), |s| {
        s.contains("cannot reach AWS")
    });
    assert!(
        first.lines().next().unwrap().contains("local us-east-1"),
        "{first}"
    );

    tmux.send(&["7", "z", "/"]);
    tmux.send(&["-l", "long-report"]);
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("the filtered row", Duration::from_secs(5), |s| {
        s.contains("/long-report")
            && s.lines()
                .any(|l| l.contains("long-report") && l.contains("pg_sleep"))
    });
    let pid: i32 = screen
        .lines()
        .find(|l| l.contains("pg_sleep(3600)") && l.contains("long-report"))
        .and_then(|l| l.split(['┃', ' ']).find_map(|t| t.parse().ok()))
        .unwrap();

    tmux.send(&["x"]);
    let dialog = tmux.wait_for("the dialog", Duration::from_secs(5), |s| {
        s.contains("Confirm: Terminate backend")
    });
    assert!(
        dialog.contains(&format!("pid {pid} app long-report")),
        "{dialog}"
    );
    assert!(dialog.contains("pg_terminate_backend"), "{dialog}");
    // Not production: the buttons, focus on Cancel; y confirms.
    tmux.send(&["y"]);
    tmux.wait_for("the outcome", Duration::from_secs(10), |s| {
        s.contains("1 of 1 terminated")
    });
    tmux.wait_for("the row gone", Duration::from_secs(10), |s| {
        s.contains("no rows match /long-report")
    });

    let (_report, result) = running.await.unwrap();
    let error = result.unwrap_err();
    let message = error
        .as_db_error()
        .map(|db| db.message().to_owned())
        .unwrap_or_else(|| error.to_string());
    assert!(
        message.contains("terminating connection due to administrator command")
            || error.is_closed(),
        "{message}"
    );
    let still = admin
        .query_opt("SELECT 1 FROM pg_stat_activity WHERE pid = $1", &[&pid])
        .await
        .unwrap();
    assert!(still.is_none(), "the backend is gone");
    let lines = std::fs::read_to_string(&journal).unwrap().lines().count();
    assert_eq!(lines, 2);

    // Issue 15, item 8: ANALYZE of the database from the keyboard (the sessions view: the
    // whole database), confirmed, journaled, and its outcome counted from last_analyze.
    admin
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS e2e_orders (id int); INSERT INTO e2e_orders VALUES (1)",
        )
        .await
        .unwrap();
    tmux.send(&["A"]);
    let dialog = tmux.wait_for("the ANALYZE dialog", Duration::from_secs(5), |s| {
        s.contains("Confirm: ANALYZE")
    });
    assert!(dialog.contains("every table of postgres"), "{dialog}");
    assert!(dialog.contains("owner of the table"), "{dialog}");
    tmux.send(&["y"]);
    let done = tmux.wait_for("the ANALYZE outcome", Duration::from_secs(30), |s| {
        s.contains("ANALYZE postgres: succeeded — analyzed")
    });
    assert!(
        !done.contains("not analyzed"),
        "a superuser analyzes every table: {done}"
    );
    let journal_text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(journal_text.lines().count(), 4, "{journal_text}");
    assert!(journal_text.contains("\"analyze\""), "{journal_text}");

    // The server goes away: the pane says so and keeps the last data; it comes back by itself.
    server.stop();
    tmux.wait_for("the disconnected banner", Duration::from_secs(15), |s| {
        s.contains("unreachable") && s.contains("⚠ stale")
    });
    server.start_again();
    tmux.wait_for("the pane recovered", Duration::from_secs(30), |s| {
        !s.contains("unreachable") && !s.contains("⚠ stale")
    });

    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

/// The checklist row of `title`, if the screen shows it.
fn checklist_row<'a>(screen: &'a str, title: &str) -> Option<&'a str> {
    screen.lines().find(|line| line.contains(title))
}

/// Issue 17, Done when: with the PostgreSQL monitoring connection hung (its backend stopped
/// with SIGSTOP: the socket stays open and nothing answers), the pane turns stale with the
/// error in words within its 5 s deadline and the database checks turn unknown; once the
/// backend runs again opsdeck is on a new connection and the checks come back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_monitoring_connection_turns_the_pane_stale_and_the_checks_unknown() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    if !server.owned() {
        return;
    }
    let (admin, connection) = tokio_postgres::connect(&server.url, NoTls).await.unwrap();
    tokio::spawn(connection);
    let dir = tempfile::tempdir().unwrap();
    let command = live_command(&server, dir.path());
    let Some(tmux) = Tmux::start(&command, 160, 45) else {
        return;
    };
    tmux.send(&["H"]);
    tmux.wait_for("the database checks judged", Duration::from_secs(15), |s| {
        checklist_row(s, "Database connections").is_some_and(|row| row.contains("✓ pass"))
    });
    tmux.send(&["Escape"]);

    let [backend] = support::postgres::opsdeck_backends(&admin, 0).await[..] else {
        panic!("not one monitoring connection")
    };
    support::postgres::signal_process("-STOP", backend);
    let screen = tmux.wait_for("the stale pane", Duration::from_secs(12), |s| {
        s.contains("no answer within 5s") && s.contains("⚠ stale")
    });
    assert!(screen.contains("7 PostgreSQL"), "{screen}");
    tmux.send(&["H"]);
    let checklist = tmux.wait_for("the database checks unknown", Duration::from_secs(5), |s| {
        checklist_row(s, "Database connections").is_some_and(|row| row.contains("? unknown"))
    });
    assert!(
        checklist_row(&checklist, "No query active over the limit")
            .is_some_and(|row| row.contains("? unknown")),
        "{checklist}"
    );

    support::postgres::signal_process("-CONT", backend);
    tmux.wait_for("the checks back", Duration::from_secs(20), |s| {
        checklist_row(s, "Database connections").is_some_and(|row| row.contains("✓ pass"))
    });
    let new_backends = support::postgres::opsdeck_backends(&admin, backend).await;
    assert_eq!(new_backends.len(), 1, "opsdeck made a new connection");
    // Escape and q sent together would read as Alt-q: close the checklist first.
    tmux.send(&["Escape"]);
    tmux.wait_for("the panes", Duration::from_secs(5), |s| {
        s.contains("7 PostgreSQL")
    });
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}
