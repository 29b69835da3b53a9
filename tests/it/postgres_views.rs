//! The PostgreSQL pane's views: active, idle, connection hogs, the blocking tree, table sizes,
//! top SQL and wait events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use insta::assert_snapshot;
use opsdeck::key::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::msg::{Effect, Msg};
use opsdeck::sim::INCIDENT_START_SECONDS;
use opsdeck::state::panes::postgres::PgView;
use opsdeck::state::{PaneId, State, update};
use support::screen::{demo_state, press, render_text};

const INCIDENT: i64 = INCIDENT_START_SECONDS + 240;

fn cells(state: &State, column: usize) -> Vec<String> {
    state
        .pane(PaneId::Postgres)
        .table
        .rows()
        .iter()
        .map(|row| row.cells[column].text.clone())
        .collect()
}

#[test]
fn v_cycles_the_views_and_each_shows_what_it_says() {
    let mut state = demo_state(INCIDENT);
    press(&mut state, '7');
    press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Active);
    assert!(
        cells(&state, 2)
            .iter()
            .all(|s| s == "active" || s.starts_with("⛔ blocked by")),
        "{:?}",
        cells(&state, 2)
    );

    press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Idle);
    assert!(cells(&state, 2).iter().all(|s| s.starts_with("idle")));

    press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Hogs);
    let top = &state.pane(PaneId::Postgres).table.rows()[0];
    assert_eq!(
        top.cells[0].text, "portal-api",
        "the leaking app has the most connections"
    );
    let conns: u32 = top.cells[2].text.parse().unwrap();
    assert!(conns > 100, "{conns}");

    press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Blocking);
    let pids = cells(&state, 0);
    let states = cells(&state, 2);
    assert_eq!(
        cells(&state, 1)[0],
        "admin-console",
        "the lock holder is the root"
    );
    assert!(states[0].starts_with("blocks "), "{states:?}");
    assert!(
        pids[1..].iter().all(|pid| pid.starts_with("└ ")),
        "{pids:?}"
    );
    assert_eq!(states[0], format!("blocks {}", pids.len() - 1));

    let effects = press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Tables);
    assert_eq!(
        effects,
        vec![Effect::LoadTableSizes],
        "table sizes are read on demand"
    );
    let at = state.now;
    let tables = vec![
        opsdeck::model::TableSize {
            schema: "public".into(),
            name: "small".into(),
            total_bytes: 8192,
        },
        opsdeck::model::TableSize {
            schema: "public".into(),
            name: "big".into(),
            total_bytes: 9_000_000_000,
        },
    ];
    update(
        &mut state,
        Msg::TableSizes {
            result: Ok(tables),
            at,
        },
    );
    assert_eq!(cells(&state, 0), ["public.big", "public.small"]);
    assert_eq!(cells(&state, 1), ["9.0 GB", "8.2 KB"]);

    let effects = press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::TopSql);
    assert_eq!(
        effects,
        vec![Effect::LoadStatements],
        "pg_stat_statements is read while the view is shown"
    );
    assert_eq!(
        state.pg_view.empty_message(&state.data),
        "reading pg_stat_statements…"
    );
    let reading = |seconds: i64, calls: i64, total_ms: f64| opsdeck::model::StatementReading {
        statements: vec![opsdeck::model::StatementTotals {
            query_id: 42,
            user: "portal_app".into(),
            database: "portal".into(),
            query: "SELECT * FROM accounts WHERE id = $1".into(),
            calls,
            total_ms,
            rows: calls,
            shared_blks_hit: calls * 3,
            shared_blks_read: 0,
        }],
        observed_at: at + chrono::Duration::seconds(seconds),
    };
    update(
        &mut state,
        Msg::Statements {
            result: Ok(reading(0, 1000, 500.0)),
        },
    );
    assert_eq!(cells(&state, 0), ["—"], "no rate from one reading");
    update(
        &mut state,
        Msg::Statements {
            result: Ok(reading(5, 1500, 800.0)),
        },
    );
    assert_eq!(cells(&state, 0), ["60.0"], "300 ms over 5 s");
    assert_eq!(cells(&state, 1), ["100.00"], "500 calls over 5 s");
    assert_eq!(cells(&state, 2), ["0.60"], "the interval's mean");
    assert_eq!(cells(&state, 6), ["100.0"], "every block a hit");

    press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Waits);
    let waits = cells(&state, 0);
    assert!(
        waits.contains(&"Lock".to_owned()),
        "the blocked sessions wait on a lock: {waits:?}"
    );

    let effects = press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Insights);
    assert_eq!(
        effects,
        vec![Effect::LoadInsights],
        "Performance Insights is read when its view opens"
    );

    press(&mut state, 'v');
    assert_eq!(state.pg_view, PgView::Sessions);
}

/// The top SQL view reads `pg_stat_statements` at each database poll while it is shown,
/// never while another view is, and says why it has no rows when the extension is missing.
#[test]
fn top_sql_is_read_at_the_database_pace_only_while_shown() {
    let mut state = demo_state(INCIDENT);
    press(&mut state, '7');
    let poll = |state: &mut State| {
        let at = state.now;
        update(
            state,
            Msg::SourceUpdate {
                source: opsdeck::model::SourceKind::Database,
                result: Ok(opsdeck::model::SourceData::Database(
                    state.data.database.clone(),
                )),
                at,
            },
        )
    };
    assert!(
        !poll(&mut state).contains(&Effect::LoadStatements),
        "not while the sessions are shown"
    );
    while state.pg_view != PgView::TopSql {
        press(&mut state, 'v');
    }
    assert!(
        !poll(&mut state).contains(&Effect::LoadStatements),
        "not again while one is in flight"
    );
    update(
        &mut state,
        Msg::Statements {
            result: Err(opsdeck::model::SourceError::new(
                opsdeck::model::SourceErrorKind::NotFound,
                "pg_stat_statements is not installed in database portal: run CREATE EXTENSION pg_stat_statements; there",
            )),
        },
    );
    assert_eq!(
        state.pg_view.empty_message(&state.data),
        "pg_stat_statements is not installed in database portal: run CREATE EXTENSION pg_stat_statements; there"
    );
    assert!(
        poll(&mut state).contains(&Effect::LoadStatements),
        "answered: the next poll asks again"
    );
}

#[test]
fn session_actions_explain_themselves_in_views_without_sessions() {
    let mut state = demo_state(INCIDENT);
    state.environment.production = false;
    press(&mut state, '7');
    for _ in 0..3 {
        press(&mut state, 'v');
    }
    assert_eq!(state.pg_view, PgView::Hogs);
    press(&mut state, 'x');
    assert_eq!(
        state.notice.as_deref(),
        Some(
            "the connection hogs view lists no sessions: press v for sessions, active, idle or blocking"
        )
    );
    assert!(state.guarded.dialog.is_none());
    // In the blocking view the root is a session: terminating it is one key away.
    press(&mut state, 'v');
    press(&mut state, 'x');
    let proposal = state.guarded.dialog.clone().expect("a dialog").proposal;
    assert_eq!(proposal.title, "Terminate backend");
    assert!(
        proposal.affected[0].contains("admin-console"),
        "{:?}",
        proposal.affected
    );
}

#[test]
fn the_filter_survives_a_view_change() {
    let mut state = demo_state(INCIDENT);
    press(&mut state, '7');
    press(&mut state, '/');
    for c in "portal".chars() {
        press(&mut state, c);
    }
    let at = state.now;
    update(
        &mut state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            at,
        },
    );
    press(&mut state, 'v');
    assert_eq!(state.pane(PaneId::Postgres).table.filter, "portal");
}

#[test]
fn views_outside_the_postgres_pane_say_where_they_work() {
    let mut state = demo_state(0);
    press(&mut state, 'v');
    assert_eq!(
        state.notice.as_deref(),
        Some("views cycle in the PostgreSQL (7) and Alarms (4) panes")
    );
}

#[test]
fn snapshot_blocking_tree_zoomed() {
    let mut state = demo_state(INCIDENT);
    for c in "7zvvvv".chars() {
        press(&mut state, c);
    }
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn snapshot_connection_hogs_zoomed() {
    let mut state = demo_state(INCIDENT);
    for c in "7zvvv".chars() {
        press(&mut state, c);
    }
    assert_snapshot!(render_text(&state, 120, 40));
}

/// Issue 13, item 4: table sizes are asked once while the read is in flight, however often
/// the Tables view comes round again before the answer.
#[test]
fn table_sizes_in_flight_are_not_asked_again() {
    let mut state = demo_state(INCIDENT_START_SECONDS);
    press(&mut state, '7');
    let mut asked = 0;
    for _ in 0..PgView::ALL.len() * 2 {
        asked += press(&mut state, 'v')
            .iter()
            .filter(|effect| **effect == Effect::LoadTableSizes)
            .count();
    }
    assert_eq!(asked, 1);
    let at = state.now;
    update(
        &mut state,
        Msg::TableSizes {
            result: Ok(Vec::new()),
            at,
        },
    );
    let mut again = 0;
    for _ in 0..PgView::ALL.len() {
        again += press(&mut state, 'v')
            .iter()
            .filter(|effect| **effect == Effect::LoadTableSizes)
            .count();
    }
    assert_eq!(again, 1, "answered: the next showing reads them again");
}

/// Issue 15, item 8: `A` proposes ANALYZE of the table selected in the table sizes view, or
/// of the whole database elsewhere; quoted identifiers in the statement shown and journaled.
#[test]
fn analyze_targets_the_selected_table_or_the_database() {
    use opsdeck::action::ActionRequest;
    let mut state = demo_state(INCIDENT);
    state.environment.production = false;
    press(&mut state, '7');
    press(&mut state, 'A');
    let dialog = state.guarded.dialog.as_ref().expect("a dialog");
    assert_eq!(dialog.proposal.call, "ANALYZE");
    assert_eq!(dialog.proposal.target, "basecoat_db");
    assert_eq!(
        dialog.proposal.request,
        ActionRequest::Analyze {
            database: "basecoat_db".to_owned(),
            table: None,
        }
    );
    state.guarded.dialog = None;
    state.mode = opsdeck::config::InputMode::Normal;

    for _ in 0..5 {
        press(&mut state, 'v');
    }
    assert_eq!(state.pg_view, PgView::Tables);
    // No sizes read yet: nothing to select, and the notice says what to do.
    press(&mut state, 'A');
    assert!(state.guarded.dialog.is_none());
    assert_eq!(
        state.notice.as_deref(),
        Some("select a table first (or leave the table sizes view to analyze the database)")
    );
    let at = state.now;
    update(
        &mut state,
        Msg::TableSizes {
            result: Ok(opsdeck::sim::demo_table_sizes()),
            at,
        },
    );
    press(&mut state, 'j');
    press(&mut state, 'A');
    let dialog = state.guarded.dialog.as_ref().expect("a dialog");
    assert_eq!(dialog.proposal.call, r#"ANALYZE "public"."orders""#);
    assert_snapshot!(render_text(&state, 120, 40));
}

/// The top SQL view zoomed on the demo's statements read 30 s apart during the incident: the
/// `UPDATE accounts` the lock chain holds up takes tens of milliseconds a call.
#[test]
fn snapshot_top_sql_zoomed() {
    let mut state = demo_state(INCIDENT);
    for c in "7z".chars() {
        press(&mut state, c);
    }
    while state.pg_view != PgView::TopSql {
        press(&mut state, 'v');
    }
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    world.advance_to_elapsed(INCIDENT - 30);
    update(
        &mut state,
        Msg::Statements {
            result: Ok(world.statement_stats()),
        },
    );
    world.advance_to_elapsed(INCIDENT);
    update(
        &mut state,
        Msg::Statements {
            result: Ok(world.statement_stats()),
        },
    );
    let update_accounts = state
        .pane(PaneId::Postgres)
        .table
        .rows()
        .iter()
        .find(|row| {
            row.cells[7]
                .text
                .starts_with("UPDATE accounts SET last_seen_at")
        })
        .expect("the statement the lock chain holds up");
    let mean_ms: f64 = update_accounts.cells[2].text.parse().unwrap();
    assert!(
        mean_ms > 10.0,
        "its calls wait on the lock: {mean_ms} ms a call against under 1 ms calm"
    );
    assert_snapshot!(render_text(&state, 120, 40));
}
