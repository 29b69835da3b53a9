//! The PostgreSQL source and session actions against a real server: states, durations and the
//! blocking tree of sessions the test makes; cancel and terminate; the bulk rules; the safety
//! rules (own backend, recycled pid, superuser, no permission); the journal; a restart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use opsdeck::action::db_sessions::{self, BulkRule};
use opsdeck::action::executor::ActionExecutor;
use opsdeck::action::journal::{Actor, Journal};
use opsdeck::action::{ActionContext, ActionRequest, Outcome, SessionRef};
use opsdeck::action_runner::ActionRunner;
use opsdeck::clock::Clock;
use opsdeck::model::{DatabaseActivity, DbSession, SessionState};
use opsdeck::source::postgres::{Dsn, PostgresSource};
use opsdeck::source::{DatabaseSource, SourceErrorKind};
use support::postgres::TestPostgres;
use tokio_postgres::{Client, NoTls};

/// A connection as `role`, tagged with `application`.
async fn connect(server: &TestPostgres, role: &str, application: &str) -> Client {
    let url = format!(
        "{}?application_name={application}",
        server.url.replace("postgres@", &format!("{role}@"))
    );
    let (client, connection) = tokio_postgres::connect(&url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

async fn setup_roles(admin: &Client) {
    admin
        .batch_execute(
            "DROP TABLE IF EXISTS accounts;
             CREATE TABLE accounts (id int primary key, plan text);
             INSERT INTO accounts VALUES (1, 'free');
             DO $$ BEGIN
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN CREATE ROLE app LOGIN; END IF;
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'watcher') THEN CREATE ROLE watcher LOGIN; END IF;
             END $$;
             GRANT ALL ON accounts TO app;",
        )
        .await
        .expect("set up roles");
}

fn source(server: &TestPostgres, role: &str, allow_superuser: bool) -> PostgresSource {
    let url = server.url.replace("postgres@", &format!("{role}@"));
    PostgresSource::new(
        Dsn::parse(&format!("{url}?sslmode=disable")).unwrap(),
        allow_superuser,
    )
}

async fn activity(source: &PostgresSource) -> DatabaseActivity {
    source.database_activity().await.expect("activity")
}

fn by_app<'a>(activity: &'a DatabaseActivity, application: &str) -> &'a DbSession {
    activity
        .sessions
        .iter()
        .find(|s| s.application == application)
        .unwrap_or_else(|| {
            panic!(
                "no session of {application}: {:?}",
                activity
                    .sessions
                    .iter()
                    .map(|s| &s.application)
                    .collect::<Vec<_>>()
            )
        })
}

fn seen(session: &DbSession) -> SessionRef {
    db_sessions::session_ref(session)
}

/// Waits until `condition` holds on the activity (sessions take a moment to show a state).
async fn wait_for(
    source: &PostgresSource,
    what: &str,
    condition: impl Fn(&DatabaseActivity) -> bool,
) -> DatabaseActivity {
    for _ in 0..100 {
        let now = activity(source).await;
        if condition(&now) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn sessions_states_durations_and_the_blocking_tree() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = connect(&server, "postgres", "admin").await;
    setup_roles(&admin).await;
    let sleeper = connect(&server, "app", "sleeper").await;
    // The task hands the client back so the session outlives its cancelled query.
    let sleeping = tokio::spawn(async move {
        let result = sleeper
            .simple_query("SELECT pg_sleep(60)")
            .await
            .map(|_| ());
        (sleeper, result)
    });
    let _idler = connect(&server, "app", "idler").await;
    let in_tx = connect(&server, "app", "in-tx").await;
    in_tx.batch_execute("BEGIN; SELECT 1").await.unwrap();
    let holder = connect(&server, "app", "holder").await;
    holder
        .batch_execute("BEGIN; UPDATE accounts SET plan = 'pro' WHERE id = 1")
        .await
        .unwrap();
    let waiter = connect(&server, "app", "waiter").await;
    let waiting = tokio::spawn(async move {
        waiter
            .simple_query("UPDATE accounts SET plan = 'team' WHERE id = 1")
            .await
            .map(|_| ())
    });

    let monitor = source(&server, "postgres", false);
    let now = wait_for(&monitor, "the waiter to block", |a| {
        a.sessions
            .iter()
            .any(|s| s.application == "waiter" && !s.blocked_by.is_empty())
    })
    .await;
    assert_eq!(by_app(&now, "sleeper").state, SessionState::Active);
    assert_eq!(by_app(&now, "sleeper").query, "SELECT pg_sleep(60)");
    assert_eq!(by_app(&now, "idler").state, SessionState::Idle);
    assert_eq!(by_app(&now, "in-tx").state, SessionState::IdleInTransaction);
    assert_eq!(
        by_app(&now, "holder").state,
        SessionState::IdleInTransaction
    );
    assert_eq!(
        by_app(&now, "waiter").blocked_by,
        vec![by_app(&now, "holder").pid]
    );
    assert_eq!(by_app(&now, "waiter").user, "app");
    assert_eq!(
        by_app(&now, "waiter").wait_event_type.as_deref(),
        Some("Lock"),
        "pg_stat_activity.wait_event_type"
    );
    assert_eq!(by_app(&now, "waiter").client_addr, "127.0.0.1");
    assert!(!by_app(&now, "idler").superuser);
    assert!(by_app(&now, "admin").superuser);
    assert!(
        now.sessions.iter().all(|s| s.application != "opsdeck"),
        "the dashboard's own session is excluded"
    );
    assert_eq!(now.totals.max_connections, 200);
    assert_eq!(now.totals.total() as usize, now.sessions.len());
    let observed = now.observed_at.expect("server clock");
    // The blocking tree: the holder is the root, the waiter hangs below it.
    let snapshot = opsdeck::model::Snapshot {
        database: now.clone(),
        ..Default::default()
    };
    let tree = opsdeck::state::panes::postgres::rows(
        opsdeck::state::panes::postgres::PgView::Blocking,
        &snapshot,
        &opsdeck::config::Thresholds::default(),
        observed,
    );
    assert_eq!(tree.len(), 2);
    assert_eq!(tree[0].id, by_app(&now, "holder").pid.to_string());
    assert_eq!(tree[0].cells[2].text, "blocks 1");
    assert_eq!(
        tree[1].cells[0].text,
        format!("└ {}", by_app(&now, "waiter").pid)
    );
    // Table sizes, on demand: the runbook's query.
    let tables = monitor.table_sizes().await.unwrap();
    assert!(
        tables
            .iter()
            .any(|t| t.schema == "public" && t.name == "accounts" && t.total_bytes > 0),
        "{tables:?}"
    );
    let running = observed - by_app(&now, "sleeper").query_start.unwrap();
    assert!(
        running >= chrono::Duration::zero() && running < chrono::Duration::seconds(30),
        "{running}"
    );

    // Cancel the sleeper's query: the statement fails, the session stays, idle.
    let cancel = ActionRequest::CancelQuery {
        session: seen(by_app(&now, "sleeper")),
    };
    let report = monitor.execute(cancel).await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded("1 of 1 cancelled".to_owned())
    );
    let (_sleeper, result) = sleeping.await.unwrap();
    let error = result.unwrap_err();
    let message = error
        .as_db_error()
        .map(|db| db.message().to_owned())
        .unwrap_or_default();
    assert_eq!(message, "canceling statement due to user request");
    let after = wait_for(&monitor, "the sleeper idle", |a| {
        a.sessions
            .iter()
            .any(|s| s.application == "sleeper" && s.state == SessionState::Idle)
    })
    .await;
    assert!(after.sessions.iter().any(|s| s.application == "sleeper"));

    // Terminate the lock holder: its row disappears and the waiter goes through.
    let terminate = ActionRequest::TerminateBackends {
        database: "postgres".to_owned(),
        sessions: vec![seen(by_app(&now, "holder"))],
    };
    assert_eq!(
        monitor.execute(terminate).await.outcome,
        Outcome::Succeeded("1 of 1 terminated".to_owned())
    );
    waiting.await.unwrap().unwrap();
    let after = wait_for(&monitor, "the holder gone", |a| {
        a.sessions.iter().all(|s| s.application != "holder")
    })
    .await;
    assert!(after.sessions.iter().all(|s| s.blocked_by.is_empty()));
}

#[tokio::test]
async fn the_bulk_rules_hit_exactly_the_sessions_they_should() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = connect(&server, "postgres", "admin").await;
    setup_roles(&admin).await;
    let _idle_a = connect(&server, "app", "idle-a").await;
    let _idle_b = connect(&server, "app", "idle-b").await;
    let in_tx = connect(&server, "app", "in-tx").await;
    in_tx.batch_execute("BEGIN; SELECT 1").await.unwrap();
    let busy = connect(&server, "app", "busy").await;
    let busy_task =
        tokio::spawn(async move { busy.simple_query("SELECT pg_sleep(60)").await.map(|_| ()) });
    // Ages are whole seconds and the rules say "longer than": wait past 2 s.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let monitor = source(&server, "postgres", false);
    let now = wait_for(&monitor, "busy active", |a| {
        a.sessions
            .iter()
            .any(|s| s.application == "busy" && s.state == SessionState::Active)
    })
    .await;
    let context = ActionContext {
        environment: "test".to_owned(),
        production: false,
        allow_superuser_termination: false,
    };
    let at = now.observed_at.unwrap();

    let idle = db_sessions::propose_bulk(
        1,
        &now.sessions,
        BulkRule::IdleSessions {
            longer_than_seconds: 1,
        },
        at,
        &context,
    )
    .unwrap();
    let ActionRequest::TerminateBackends { sessions, .. } = &idle.request else {
        panic!()
    };
    let mut apps: Vec<&str> = sessions.iter().map(|s| s.application.as_str()).collect();
    apps.sort_unstable();
    // The admin connection is idle too, but a superuser's: the SQL would skip it, so the
    // preview leaves it out and names it (the rule hits idle sessions, not idle in
    // transaction).
    assert_eq!(apps, ["idle-a", "idle-b"]);
    let admin_pid = by_app(&now, "admin").pid;
    assert!(
        idle.risk_reasons.iter().any(|reason| reason
            == &format!("skipped: pid {admin_pid} (postgres) is a superuser session, which allow_superuser_termination = false leaves alone")),
        "{:?}",
        idle.risk_reasons
    );
    assert!(!idle.affected.iter().any(|row| row.contains("admin")));
    // The statement shown and journaled is the one the executor sends.
    assert!(
        idle.call.starts_with(db_sessions::TERMINATE_SQL),
        "{}",
        idle.call
    );
    assert!(idle.call.ends_with("$3=false"), "{}", idle.call);
    // Nothing is idle for an hour.
    assert!(
        db_sessions::propose_bulk(
            2,
            &now.sessions,
            BulkRule::IdleSessions {
                longer_than_seconds: 3600
            },
            at,
            &context
        )
        .is_err()
    );

    let long = db_sessions::propose_bulk(
        3,
        &now.sessions,
        BulkRule::LongQueries {
            longer_than_seconds: 1,
        },
        at,
        &context,
    )
    .unwrap();
    let ActionRequest::TerminateBackends {
        sessions: long_sessions,
        ..
    } = &long.request
    else {
        panic!()
    };
    assert_eq!(
        long_sessions
            .iter()
            .map(|s| s.application.as_str())
            .collect::<Vec<_>>(),
        ["busy"]
    );

    // The SQL still guards on its own: a request that names the admin anyway (a preview
    // taken before the role became a superuser) skips it.
    let mut with_admin = idle.request.clone();
    if let ActionRequest::TerminateBackends { sessions, .. } = &mut with_admin {
        sessions.push(db_sessions::session_ref(by_app(&now, "admin")));
    }
    let report = monitor.execute(with_admin).await;
    let Outcome::Succeeded(detail) = &report.outcome else {
        panic!("{report:?}")
    };
    assert!(detail.starts_with("2 of 3 terminated; pid "), "{detail}");
    assert!(
        detail.ends_with("skipped: is a superuser session (allow_superuser_termination is off)"),
        "{detail}"
    );
    let after = wait_for(&monitor, "the idle sessions gone", |a| {
        a.sessions
            .iter()
            .all(|s| !s.application.starts_with("idle-"))
    })
    .await;
    assert!(
        after.sessions.iter().any(|s| s.application == "in-tx"),
        "idle in transaction is not idle"
    );
    assert!(after.sessions.iter().any(|s| s.application == "admin"));
    busy_task.abort();
}

#[tokio::test]
async fn safety_rules_refuse_the_own_backend_a_recycled_pid_and_superusers() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = connect(&server, "postgres", "admin").await;
    setup_roles(&admin).await;
    let _victim = connect(&server, "app", "victim").await;
    let monitor = source(&server, "postgres", false);
    let now = activity(&monitor).await;
    let victim = by_app(&now, "victim").clone();

    // The dashboard's own backend, seen from another session.
    let own = admin
        .query_one(
            "SELECT pid, backend_start FROM pg_stat_activity WHERE application_name = 'opsdeck'",
            &[],
        )
        .await
        .unwrap();
    let own_ref = SessionRef {
        pid: own.get(0),
        backend_start: own.get(1),
        ..seen(&victim)
    };
    let report = monitor
        .execute(ActionRequest::TerminateBackends {
            database: "postgres".to_owned(),
            sessions: vec![own_ref.clone()],
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(format!(
            "0 of 1 terminated; pid {} skipped: is opsdeck's own connection",
            own_ref.pid
        ))
    );

    // A recycled pid: same pid, another backend_start.
    let recycled = SessionRef {
        backend_start: victim.backend_start - chrono::Duration::seconds(1),
        ..seen(&victim)
    };
    let report = monitor
        .execute(ActionRequest::TerminateBackends {
            database: "postgres".to_owned(),
            sessions: vec![recycled],
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(format!(
            "0 of 1 terminated; pid {} skipped: is another backend now (pid recycled)",
            victim.pid
        ))
    );
    assert!(
        activity(&monitor)
            .await
            .sessions
            .iter()
            .any(|s| s.pid == victim.pid),
        "still there"
    );

    // A cancel of a query that is no longer the one seen.
    let stale = SessionRef {
        query_start: Some(victim.backend_start - chrono::Duration::hours(1)),
        ..seen(&victim)
    };
    let report = monitor
        .execute(ActionRequest::CancelQuery { session: stale })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(format!(
            "0 of 1 cancelled; pid {} skipped: runs another query now",
            victim.pid
        ))
    );

    // A superuser session is refused unless the config allows it: at the proposal, so the
    // dialog never offers what the SQL would skip, ...
    let admin_session = by_app(&now, "admin").clone();
    let strict = ActionContext {
        environment: "test".to_owned(),
        production: false,
        allow_superuser_termination: false,
    };
    let refused = db_sessions::propose_terminate(9, &admin_session, &strict).unwrap_err();
    assert!(
        refused.contains(
            "is a superuser session, which allow_superuser_termination = false leaves alone"
        ),
        "{refused}"
    );
    let allowed = db_sessions::propose_terminate(
        9,
        &admin_session,
        &ActionContext {
            allow_superuser_termination: true,
            ..strict
        },
    )
    .unwrap();
    assert_eq!(allowed.risk, opsdeck::action::Risk::High);
    assert!(
        allowed.affected[0].contains("[SUPERUSER]"),
        "{:?}",
        allowed.affected
    );
    assert!(allowed.call.ends_with("$3=true"), "{}", allowed.call);
    // ... and by the SQL itself.

    let request = ActionRequest::TerminateBackends {
        database: "postgres".to_owned(),
        sessions: vec![seen(&admin_session)],
    };
    let report = monitor.execute(request.clone()).await;
    assert!(
        matches!(&report.outcome, Outcome::Aborted(d) if d.ends_with("is a superuser session (allow_superuser_termination is off)")),
        "{report:?}"
    );
    let permissive = source(&server, "postgres", true);
    assert_eq!(
        permissive.execute(request).await.outcome,
        Outcome::Succeeded("1 of 1 terminated".to_owned())
    );

    // A pid that is gone.
    let gone = SessionRef {
        pid: 999_999,
        ..seen(&victim)
    };
    let report = monitor
        .execute(ActionRequest::TerminateBackends {
            database: "postgres".to_owned(),
            sessions: vec![gone],
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted("0 of 1 terminated; pid 999999 already gone".to_owned())
    );
}

#[tokio::test]
async fn a_role_without_pg_signal_backend_is_told_what_it_lacks() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = connect(&server, "postgres", "admin").await;
    setup_roles(&admin).await;
    // A monitoring role sees every session through pg_monitor, but may not signal them.
    admin
        .batch_execute("GRANT pg_monitor TO watcher")
        .await
        .unwrap();
    let _victim = connect(&server, "app", "victim").await;
    let watcher = source(&server, "watcher", false);
    let now = activity(&watcher).await;
    let victim = by_app(&now, "victim");
    let report = watcher
        .execute(ActionRequest::TerminateBackends {
            database: "postgres".to_owned(),
            sessions: vec![seen(victim)],
        })
        .await;
    let Outcome::Refused(detail) = &report.outcome else {
        panic!("{report:?}")
    };
    assert!(detail.contains("permission denied"), "{detail}");
    assert!(
        detail.ends_with("the role needs pg_signal_backend"),
        "{detail}"
    );
    // Granted the role, the same request goes through.
    admin
        .batch_execute("GRANT pg_signal_backend TO watcher")
        .await
        .unwrap();
    let report = watcher
        .execute(ActionRequest::TerminateBackends {
            database: "postgres".to_owned(),
            sessions: vec![seen(victim)],
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded("1 of 1 terminated".to_owned())
    );
}

#[tokio::test]
async fn the_journal_has_two_lines_per_database_action() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = connect(&server, "postgres", "admin").await;
    setup_roles(&admin).await;
    let _victim = connect(&server, "app", "victim").await;
    let monitor = Arc::new(source(&server, "postgres", false));
    let now = activity(&monitor).await;
    let context = ActionContext {
        environment: "test".to_owned(),
        production: false,
        allow_superuser_termination: false,
    };
    let proposal = db_sessions::propose_terminate(1, by_app(&now, "victim"), &context).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    let runner = ActionRunner {
        timeout: opsdeck::action_runner::ACTION_TIMEOUT,
        executor: monitor.clone(),
        journal: journal.clone(),
        actor: Actor {
            environment: "test".to_owned(),
            identity: "tester".to_owned(),
            profile: None,
            region: "local".to_owned(),
        },
        database_identity: Some("database role tester@local/test".to_owned()),
        clock: Clock::wall(),
        run_id: "pg".to_owned(),
    };
    runner.run(proposal).await;
    let (entries, warnings) = journal.read().unwrap();
    assert!(warnings.is_empty());
    assert_eq!(entries.len(), 2);
    assert!(
        entries[0].call.contains("pg_terminate_backend"),
        "{}",
        entries[0].call
    );
    assert!(
        entries[0]
            .call
            .contains(&format!("$1={}", by_app(&now, "victim").pid))
    );
    assert!(!entries[0].call.contains("postgresql://"), "never the DSN");
    // One statement text: the journal holds the SQL the executor sent, superuser filter and
    // role join included, and the database role as the identity.
    assert!(
        entries[0].call.starts_with(db_sessions::TERMINATE_SQL),
        "{}",
        entries[0].call
    );
    assert!(entries[0].call.contains("rolsuper"), "{}", entries[0].call);
    assert_eq!(entries[0].actor.identity, "database role tester@local/test");
    assert_eq!(entries[0].actor.profile, None);
    assert_eq!(entries[1].detail.as_deref(), Some("1 of 1 terminated"));
}

#[tokio::test]
async fn a_restart_shows_as_unreachable_and_the_source_recovers() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    if !server.owned() {
        return;
    }
    let monitor = source(&server, "postgres", false);
    activity(&monitor).await;
    server.stop();
    let error = monitor.database_activity().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Unavailable);
    assert!(
        error.message.contains("unreachable") || error.message.contains("closed"),
        "{}",
        error.message
    );
    // Still down: the reconnect attempt fails with the address in words.
    let error = monitor.database_activity().await.unwrap_err();
    assert!(
        error.message.starts_with(&format!(
            "PostgreSQL postgres@127.0.0.1:{}/postgres unreachable",
            server.port
        )),
        "{}",
        error.message
    );
    server.start_again();
    let back = activity(&monitor).await;
    assert!(back.observed_at.is_some());
}

#[tokio::test]
async fn a_bad_password_or_database_is_named() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let missing = PostgresSource::new(
        Dsn::parse(&format!(
            "{}/no_such_db?sslmode=disable",
            server.url.rsplit_once('/').unwrap().0
        ))
        .unwrap(),
        false,
    );
    let error = missing.database_activity().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::NotFound);
    assert!(
        error
            .message
            .contains("database \"no_such_db\" does not exist"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn tls_require_and_verify_full_against_a_tls_server() {
    let Some((server, certificate)) = TestPostgres::start_with_tls() else {
        return;
    };
    let admin = connect(&server, "postgres", "admin").await;
    let ssl_in_use = || async {
        admin
            .query_one(
                "SELECT coalesce(bool_and(l.ssl), false) FROM pg_stat_ssl l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'opsdeck'",
                &[],
            )
            .await
            .unwrap()
            .get::<_, bool>(0)
    };

    // require: encrypted, the self-signed certificate accepted unverified, as libpq does.
    let require = PostgresSource::new(
        Dsn::parse(&format!("{}?sslmode=require", server.url)).unwrap(),
        false,
    );
    activity(&require).await;
    assert!(ssl_in_use().await, "the monitoring connection is encrypted");
    drop(require);

    // verify-full against the test CA: verified, host name checked.
    let url = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        server.url,
        certificate.display()
    );
    let verified = PostgresSource::new(Dsn::parse(&url).unwrap(), false);
    activity(&verified).await;

    // verify-full against the public roots: the test CA is unknown, refused in words.
    let public = PostgresSource::new(
        Dsn::parse(&format!("{}?sslmode=verify-full", server.url)).unwrap(),
        false,
    );
    let error = public.database_activity().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Unavailable);
    assert!(error.message.contains("certificate"), "{}", error.message);

    // A missing CA bundle file is named.
    let missing = PostgresSource::new(
        Dsn::parse(&format!(
            "{}?sslmode=verify-full&sslrootcert=/no/such/rds-ca.pem",
            server.url
        ))
        .unwrap(),
        false,
    );
    let error = missing.database_activity().await.unwrap_err();
    assert!(
        error
            .message
            .starts_with("cannot read sslrootcert /no/such/rds-ca.pem"),
        "{}",
        error.message
    );
}

/// Sources with only the database: the rest say they are not configured.
fn database_only(database: Arc<PostgresSource>) -> opsdeck::source::Sources {
    let none = Arc::new(opsdeck::source::unconfigured::Unconfigured::new(
        "not in this test",
    ));
    opsdeck::source::Sources {
        database,
        ..opsdeck::source::Sources::all_from(none)
    }
}

/// Issue 17, item 1: a monitoring connection that stops answering without closing (the
/// backend stopped with SIGSTOP, as a hung server or proxy would) is abandoned at the poll's
/// deadline with a timeout in words, and the next poll runs on a new connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_connection_times_out_at_the_deadline_and_is_made_anew() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    if !server.owned() {
        return;
    }
    let admin = connect(&server, "postgres", "admin").await;
    let sources = database_only(Arc::new(source(&server, "postgres", false)));
    let kind = opsdeck::source::SourceKind::Database;
    opsdeck::poller::poll_within_deadline(&sources, kind)
        .await
        .unwrap();
    let [hung] = support::postgres::opsdeck_backends(&admin, 0).await[..] else {
        panic!("not one monitoring connection")
    };
    support::postgres::signal_process("-STOP", hung);
    let error = opsdeck::poller::poll_within_deadline(&sources, kind)
        .await
        .unwrap_err();
    support::postgres::signal_process("-CONT", hung);
    assert_eq!(error.kind, SourceErrorKind::Timeout, "{error}");
    assert!(error.message.starts_with("no answer within 5s"), "{error}");
    // The next poll connects again instead of queueing behind the hung one.
    opsdeck::poller::poll_within_deadline(&sources, kind)
        .await
        .unwrap();
    let others = support::postgres::opsdeck_backends(&admin, hung).await;
    assert_eq!(others.len(), 1, "a new connection");
}

/// Issue 17, item 1: a DSN that points at a listener that accepts and never answers turns
/// into a timeout at the deadline, not minutes of "waiting for the first poll".
#[tokio::test]
async fn a_listener_that_never_answers_times_out_at_the_deadline() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let silent = PostgresSource::new(
        Dsn::parse(&format!(
            "postgresql://ops@127.0.0.1:{port}/app?sslmode=disable"
        ))
        .unwrap(),
        false,
    );
    let sources = database_only(Arc::new(silent));
    let error =
        opsdeck::poller::poll_within_deadline(&sources, opsdeck::source::SourceKind::Database)
            .await
            .unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Timeout, "{error}");
    held.abort();
}

/// Issue 17, item 3: a wrong database password is a database authentication error that names
/// the variable to fix, never an AWS credentials problem.
#[tokio::test]
async fn a_wrong_password_names_the_dsn_variable_not_aws() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    if !server.owned() {
        return;
    }
    let role = support::postgres::PASSWORD_CHECKED_ROLE;
    let admin = connect(&server, "postgres", "admin").await;
    admin
        .batch_execute(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN PASSWORD 'right'; END IF; END $$;"
        ))
        .await
        .unwrap();
    let url = server.url.replace("postgres@", &format!("{role}:wrong@"));
    let source = PostgresSource::new(
        Dsn::parse(&format!("{url}?sslmode=disable")).unwrap(),
        false,
    )
    .with_dsn_variable("PORTAL_DB_URL");
    let error = source.database_activity().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Credentials, "{error}");
    assert!(
        error
            .message
            .starts_with(&format!("PostgreSQL authentication failed for {role}@")),
        "{error}"
    );
    assert!(
        error
            .message
            .ends_with("fix the user or password in $PORTAL_DB_URL"),
        "{error}"
    );
    assert!(!error.message.to_lowercase().contains("aws"), "{error}");
}

/// Issue 15, item 8: ANALYZE against the real server, as a role that owns one table of two.
/// PostgreSQL 15 documentation, "ANALYZE": tables the role may not analyze are skipped with a
/// WARNING and no error, so the outcome is read back from `pg_stat_user_tables.last_analyze`
/// and names what was skipped; a table gone since the proposal aborts before anything runs.
#[tokio::test]
async fn analyze_reports_what_it_analyzed_and_what_the_role_could_not() {
    use opsdeck::action::analyze::TableName;
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let admin = connect(&server, "postgres", "admin").await;
    // One statement a call: DROP and CREATE DATABASE refuse a (multi-statement) transaction.
    for statement in [
        "DROP DATABASE IF EXISTS analyze_probe",
        "CREATE DATABASE analyze_probe",
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'analyst') THEN CREATE ROLE analyst LOGIN; END IF; END $$",
    ] {
        admin.batch_execute(statement).await.unwrap();
    }
    let probe_url = format!("{}/analyze_probe", server.url.rsplit_once('/').unwrap().0);
    let (probe_admin, connection) = tokio_postgres::connect(&probe_url, NoTls).await.unwrap();
    tokio::spawn(connection);
    probe_admin
        .batch_execute(
            "CREATE TABLE mine (id int); INSERT INTO mine SELECT generate_series(1, 500);
             ALTER TABLE mine OWNER TO analyst;
             CREATE TABLE theirs (id int); INSERT INTO theirs SELECT generate_series(1, 500);",
        )
        .await
        .unwrap();
    let analyst = PostgresSource::new(
        Dsn::parse(&format!(
            "{}?sslmode=disable",
            probe_url.replace("postgres@", "analyst@")
        ))
        .unwrap(),
        false,
    );
    assert_eq!(analyst.database(), "analyze_probe");
    let table = |name: &str| TableName {
        schema: "public".to_owned(),
        name: name.to_owned(),
    };
    let analyze = |table: Option<TableName>| ActionRequest::Analyze {
        database: "analyze_probe".to_owned(),
        table,
    };

    let whole = analyst.execute(analyze(None)).await;
    assert_eq!(
        whole.outcome,
        Outcome::Succeeded(
            "analyzed 1 of 2 tables; not analyzed: public.theirs (only the owner of a table, the database owner or a superuser may analyze it)"
                .to_owned()
        )
    );
    let analyzed: Option<chrono::DateTime<chrono::Utc>> = probe_admin
        .query_one(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'mine'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(analyzed.is_some(), "the server recorded the ANALYZE");

    let refused = analyst.execute(analyze(Some(table("theirs")))).await;
    assert!(
        matches!(&refused.outcome, Outcome::Refused(detail) if detail.starts_with("public.theirs was not analyzed")),
        "{refused:?}"
    );
    let mine = analyst.execute(analyze(Some(table("mine")))).await;
    assert_eq!(
        mine.outcome,
        Outcome::Succeeded("analyzed public.mine".to_owned())
    );
    let gone = analyst.execute(analyze(Some(table("gone")))).await;
    assert_eq!(
        gone.outcome,
        Outcome::Aborted("table public.gone no longer exists; nothing was run".to_owned())
    );
    let elsewhere = analyst
        .execute(ActionRequest::Analyze {
            database: "basecoat_db".to_owned(),
            table: None,
        })
        .await;
    assert_eq!(
        elsewhere.outcome,
        Outcome::Aborted(
            "the DSN now connects to analyze_probe, not basecoat_db; nothing was run".to_owned()
        )
    );
}
