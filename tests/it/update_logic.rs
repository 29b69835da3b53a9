//! Keys -> actions -> state, without a terminal: the update function is pure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use crossterm::event::{Event, KeyEventKind};
use opsdeck::config::InputMode;
use opsdeck::key::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::msg::{Effect, Msg};
use opsdeck::sim::World;
use opsdeck::source::{SourceError, SourceErrorKind, SourceKind};
use opsdeck::state::{PaneId, State, update};
use support::screen::{demo_state, feed, origin};

fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
    let at = state.now;
    update(
        state,
        Msg::Key {
            key: KeyEvent::new(code, KeyModifiers::NONE),
            at,
        },
    )
}

fn press_char(state: &mut State, c: char) -> Vec<Effect> {
    press(state, KeyCode::Char(c))
}

fn selected_id(state: &State, pane: PaneId) -> Option<String> {
    state.pane(pane).table.selected().map(|row| row.id.clone())
}

#[test]
fn focus_moves_by_tab_shift_tab_and_number() {
    let mut state = demo_state(0);
    assert_eq!(state.focus, PaneId::AutoScaling);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.focus, PaneId::Targets);
    let at = state.now;
    update(
        &mut state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            at,
        },
    );
    let at = state.now;
    update(
        &mut state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            at,
        },
    );
    assert_eq!(state.focus, PaneId::Postgres, "shift-tab wraps backwards");
    press_char(&mut state, '3');
    assert_eq!(state.focus, PaneId::Metrics);
    press_char(&mut state, '7');
    assert_eq!(state.focus, PaneId::Postgres);
}

#[test]
fn zoom_and_help_toggle() {
    let mut state = demo_state(0);
    press_char(&mut state, 'z');
    assert!(state.zoomed);
    press(&mut state, KeyCode::Enter);
    assert!(!state.zoomed);
    press_char(&mut state, '?');
    assert_eq!(state.mode, InputMode::Help);
    // In help, pane keys do nothing and j scrolls the help.
    press_char(&mut state, 'j');
    assert_eq!(state.help_scroll, 1);
    assert_eq!(state.focus, PaneId::AutoScaling);
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.mode, InputMode::Normal);
}

#[test]
fn quit_by_q_and_ctrl_c() {
    let mut state = demo_state(0);
    assert_eq!(press_char(&mut state, 'q'), vec![Effect::Quit]);
    assert!(state.should_quit);
    let mut state = demo_state(0);
    let at = state.now;
    let effects = update(
        &mut state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            at,
        },
    );
    assert_eq!(effects, vec![Effect::Quit]);
}

#[test]
fn only_key_presses_become_messages() {
    use crossterm::event::{KeyCode as TermCode, KeyEvent as TermKey, KeyModifiers as TermMods};
    let at = demo_state(0).now + chrono::Duration::seconds(7);
    let mut release = TermKey::new(TermCode::Char('q'), TermMods::NONE);
    release.kind = KeyEventKind::Release;
    assert_eq!(opsdeck::app::to_msg(Event::Key(release), at), None);
    let mut repeat = TermKey::new(TermCode::Char('q'), TermMods::NONE);
    repeat.kind = KeyEventKind::Repeat;
    assert_eq!(opsdeck::app::to_msg(Event::Key(repeat), at), None);
    let press = TermKey::new(TermCode::Char('q'), TermMods::NONE);
    // The message carries the time the key arrived, so what it stamps is stamped then.
    assert_eq!(
        opsdeck::app::to_msg(Event::Key(press), at),
        Some(Msg::Key {
            key: KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE),
            at,
        })
    );
}

#[test]
fn terminal_keys_keep_their_code_and_modifiers_in_the_core() {
    use crossterm::event::{KeyCode as TermCode, KeyEvent as TermKey, KeyModifiers as TermMods};
    let cases = [
        (
            TermKey::new(TermCode::Char('c'), TermMods::CONTROL),
            Some(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        ),
        (
            TermKey::new(TermCode::BackTab, TermMods::SHIFT),
            Some(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        ),
        (
            TermKey::new(TermCode::F(5), TermMods::ALT | TermMods::SHIFT),
            Some(KeyEvent::new(
                KeyCode::F(5),
                KeyModifiers::ALT | KeyModifiers::SHIFT,
            )),
        ),
        (
            TermKey::new(TermCode::PageDown, TermMods::NONE),
            Some(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE)),
        ),
        // A key no binding can name is not a message.
        (TermKey::new(TermCode::CapsLock, TermMods::NONE), None),
    ];
    let at = demo_state(0).now;
    for (term, core) in cases {
        assert_eq!(
            opsdeck::app::to_msg(Event::Key(term), at),
            core.map(|key| Msg::Key { key, at }),
            "{term:?}"
        );
    }
}

#[test]
fn selection_moves_and_clamps() {
    let mut state = demo_state(0);
    press_char(&mut state, '7');
    let first = selected_id(&state, PaneId::Postgres);
    press_char(&mut state, 'j');
    press(&mut state, KeyCode::Down);
    assert_eq!(state.pane(PaneId::Postgres).table.selected_index(), Some(2));
    press_char(&mut state, 'k');
    assert_eq!(state.pane(PaneId::Postgres).table.selected_index(), Some(1));
    press_char(&mut state, 'G');
    let last = state.pane(PaneId::Postgres).table.rows().len() - 1;
    assert_eq!(
        state.pane(PaneId::Postgres).table.selected_index(),
        Some(last)
    );
    press(&mut state, KeyCode::PageDown);
    assert_eq!(
        state.pane(PaneId::Postgres).table.selected_index(),
        Some(last)
    );
    press(&mut state, KeyCode::Home);
    assert_eq!(selected_id(&state, PaneId::Postgres), first);
    press(&mut state, KeyCode::PageDown);
    assert!(state.pane(PaneId::Postgres).table.selected_index() > Some(1));
}

#[test]
fn selection_filter_and_sort_survive_a_refresh() {
    let mut world = World::new(1, origin());
    let mut state = support::screen::empty_state();
    feed(&mut state, &world);
    press_char(&mut state, '7');
    press_char(&mut state, '/');
    for c in "reporting".chars() {
        press_char(&mut state, c);
    }
    press(&mut state, KeyCode::Enter);
    press_char(&mut state, 'S');
    press_char(&mut state, 'j');
    press_char(&mut state, 'j');
    let chosen = selected_id(&state, PaneId::Postgres).unwrap();
    let sort = state.pane(PaneId::Postgres).table.sort;
    world.advance_to_elapsed(30);
    feed(&mut state, &world);
    let table = &state.pane(PaneId::Postgres).table;
    assert_eq!(table.filter, "reporting");
    assert_eq!(table.sort, sort);
    assert_eq!(
        selected_id(&state, PaneId::Postgres).as_deref(),
        Some(chosen.as_str())
    );
    assert!(
        table
            .rows()
            .iter()
            .all(|row| row.cells[1].text == "reporting")
    );
}

#[test]
fn filter_typing_backspace_and_cancel() {
    let mut state = demo_state(0);
    press_char(&mut state, '4');
    let all = state.pane(PaneId::Alarms).table.rows().len();
    press_char(&mut state, '/');
    assert_eq!(state.mode, InputMode::Filter);
    for c in "cpux".chars() {
        press_char(&mut state, c);
    }
    assert_eq!(state.pane(PaneId::Alarms).table.rows().len(), 0);
    press(&mut state, KeyCode::Backspace);
    assert_eq!(state.pane(PaneId::Alarms).table.filter, "cpu");
    assert_eq!(state.pane(PaneId::Alarms).table.rows().len(), 1);
    // q types a letter while filtering; it does not quit.
    assert!(press_char(&mut state, 'q').is_empty());
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.mode, InputMode::Normal);
    assert_eq!(state.pane(PaneId::Alarms).table.filter, "");
    assert_eq!(state.pane(PaneId::Alarms).table.rows().len(), all);
}

#[test]
fn esc_clears_an_applied_filter() {
    let mut state = demo_state(0);
    press_char(&mut state, '/');
    press_char(&mut state, 'x');
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.pane(PaneId::AutoScaling).table.filter, "x");
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.pane(PaneId::AutoScaling).table.filter, "");
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut state = demo_state(0);
    press_char(&mut state, '2');
    let before = state.pane(PaneId::Targets).table.sort;
    press_char(&mut state, 's');
    let after = state.pane(PaneId::Targets).table.sort;
    assert_eq!(after.column, (before.column + 1) % 5);
    press_char(&mut state, 'S');
    assert_eq!(
        state.pane(PaneId::Targets).table.sort.descending,
        !after.descending
    );
}

#[test]
fn pause_refresh_and_interval_are_sent_to_the_pollers() {
    let mut state = demo_state(0);
    let effects = press_char(&mut state, 'p');
    assert!(state.polling.paused);
    assert_eq!(effects, vec![Effect::ControlPolling(state.polling)]);
    press_char(&mut state, 'p');
    assert!(!state.polling.paused);
    let generation = state.polling.refresh_generation;
    press_char(&mut state, 'r');
    assert_eq!(state.polling.refresh_generation, generation + 1);
    assert_eq!(state.polling.interval_ms, 2000);
    press_char(&mut state, '+');
    assert_eq!(state.polling.interval_ms, 5000);
    press_char(&mut state, '-');
    press_char(&mut state, '-');
    press_char(&mut state, '-');
    assert_eq!(
        state.polling.interval_ms, 1000,
        "the interval never goes below 1 s"
    );
}

#[test]
fn unbound_key_says_so() {
    let mut state = demo_state(0);
    assert!(press_char(&mut state, 'Y').is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("Y is not bound; press ? for help")
    );
    press_char(&mut state, 'j');
    assert_eq!(state.notice, None);
}

#[test]
fn a_failed_poll_keeps_the_data_and_marks_the_pane() {
    let mut state = demo_state(0);
    let rows = state.pane(PaneId::Alarms).table.rows().len();
    let error = SourceError::new(
        SourceErrorKind::Permission,
        "no permission: cloudwatch:DescribeAlarms",
    );
    let at = state.now;
    update(
        &mut state,
        Msg::SourceUpdate {
            source: SourceKind::Alarms,
            result: Err(error.clone()),
            at,
        },
    );
    assert_eq!(state.source(SourceKind::Alarms).error, Some(error));
    assert_eq!(state.pane(PaneId::Alarms).table.rows().len(), rows);
    assert!(state.source(SourceKind::Alarms).updated_at.is_some());
    let world = World::new(1, origin());
    feed(&mut state, &world);
    assert_eq!(state.source(SourceKind::Alarms).error, None);
}

#[test]
fn the_checklist_follows_the_polls_marks_changes_and_jumps_to_the_evidence() {
    use opsdeck::check::Status;
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    let mut state = support::screen::empty_state();
    support::screen::feed(&mut state, &world);
    let status = status_of;
    assert_eq!(status(&state, "latency_p99"), Status::Pass);
    world.advance_to_elapsed(300);
    support::screen::feed(&mut state, &world);
    assert_eq!(status(&state, "latency_p99"), Status::Fail);
    let (from, to, _) = state.checklist.changes["latency_p99"];
    assert_eq!((from, to), (Status::Pass, Status::Fail));

    press_char(&mut state, 'H');
    assert_eq!(state.mode, opsdeck::config::InputMode::Checklist);
    // db_long_queries is the thirteenth check (health_endpoint and certificate_expiry come
    // third and fourth).
    for _ in 0..12 {
        press_char(&mut state, 'j');
    }
    assert_eq!(
        state.checklist.results[state.checklist.selected].id,
        "db_long_queries"
    );
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.mode, opsdeck::config::InputMode::Normal);
    assert_eq!(state.focus, PaneId::Postgres);
    assert!(state.zoomed);
    assert_eq!(
        selected_id(&state, PaneId::Postgres).as_deref(),
        Some("4611"),
        "the offending backend is selected"
    );
    assert!(
        state
            .notice
            .as_deref()
            .unwrap()
            .ends_with("runbook: Kill long-running query"),
        "{:?}",
        state.notice
    );
}

#[test]
fn a_pane_still_waiting_or_failing_makes_its_checks_unknown() {
    use opsdeck::check::Status;
    let mut state = support::screen::empty_state();
    update(
        &mut state,
        Msg::SourceUpdate {
            source: SourceKind::Alarms,
            result: Err(SourceError::new(
                SourceErrorKind::Permission,
                "no permission: cloudwatch:DescribeAlarms",
            )),
            at: support::screen::origin(),
        },
    );
    let alarms = state
        .checklist
        .results
        .iter()
        .find(|r| r.id == "alarms")
        .unwrap();
    assert_eq!(alarms.status, Status::Unknown);
    let asg = state
        .checklist
        .results
        .iter()
        .find(|r| r.id == "asg_in_service")
        .unwrap();
    assert_eq!(
        (asg.status, asg.evidence[0].as_str()),
        (
            Status::Unknown,
            "Auto Scaling could not be read: waiting for the first poll"
        )
    );
}

fn status_of(state: &State, id: &str) -> opsdeck::check::Status {
    state
        .checklist
        .results
        .iter()
        .find(|r| r.id == id)
        .unwrap()
        .status
}

/// Issue 17, item 2: freshness is the data's. When no poll arrives (a hung source, a dead
/// peer between polls, paused polling) the pane turns stale once its data is older than its
/// source's limit, and the checks and war-room vitals on it turn unknown; a poll brings them
/// back.
#[test]
fn data_older_than_its_limit_makes_the_checks_and_vitals_unknown() {
    use opsdeck::check::Status;
    use opsdeck::incident::vitals::Vital;
    let mut state = demo_state(0);
    let fed_at = state.now;
    assert_eq!(status_of(&state, "db_connections"), Status::Pass);
    let db_vital = Vital::ALL
        .iter()
        .position(|v| *v == Vital::DbConnections)
        .unwrap();
    assert!(state.war_room.readings[db_vital].is_some());
    // The demo polls every 2 s; PostgreSQL's deadline is 5 s: its limit is 2 x 2 + 5 = 9 s.
    let limit = opsdeck::state::freshness::limit_seconds(&state, SourceKind::Database);
    assert_eq!(limit, 9);
    update(&mut state, Msg::Tick(fed_at + chrono::Duration::seconds(9)));
    assert_eq!(
        status_of(&state, "db_connections"),
        Status::Pass,
        "at the limit"
    );
    update(
        &mut state,
        Msg::Tick(fed_at + chrono::Duration::seconds(10)),
    );
    let check = state
        .checklist
        .results
        .iter()
        .find(|r| r.id == "db_connections")
        .unwrap();
    assert_eq!(check.status, Status::Unknown);
    assert_eq!(
        check.evidence[0],
        "PostgreSQL could not be read: the last data is 10s old, older than its 9s limit (no poll has answered since)"
    );
    assert!(
        state.war_room.readings[db_vital].is_none(),
        "no vital from stale data"
    );
    let text = support::screen::render_text(&state, 120, 40);
    assert!(text.contains("⚠ stale, 10s old"), "{text}");

    // A poll brings the data, the checks and the vital back.
    let world = World::new(1, origin());
    let (_, data) = world
        .answers()
        .into_iter()
        .find(|(source, _)| *source == SourceKind::Database)
        .unwrap();
    let now = fed_at + chrono::Duration::seconds(11);
    update(
        &mut state,
        Msg::SourceUpdate {
            source: SourceKind::Database,
            result: Ok(data),
            at: now,
        },
    );
    assert_ne!(status_of(&state, "db_connections"), Status::Unknown);
    assert!(state.war_room.readings[db_vital].is_some());
}

/// Issue 17, item 3: a database authentication error stays in the PostgreSQL pane; the
/// header's banner speaks of AWS credentials only for AWS.
#[test]
fn a_database_password_error_is_not_an_aws_credentials_banner() {
    let mut state = demo_state(0);
    let at = state.now;
    update(
        &mut state,
        Msg::SourceUpdate {
            source: SourceKind::Database,
            result: Err(SourceError::new(
                SourceErrorKind::Credentials,
                "PostgreSQL authentication failed for app@db:5432/portal: password authentication failed for user \"app\"; fix the user or password in $PORTAL_DB_URL",
            )),
            at,
        },
    );
    assert_eq!(state.credentials_problem(), None);
    let text = support::screen::render_text(&state, 160, 40);
    assert!(!text.contains("AWS credentials"), "{text}");
    assert!(text.contains("PostgreSQL authentication failed"), "{text}");
}
