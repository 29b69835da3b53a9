//! Overnight (issue 16, item 3): alarm history from DescribeAlarmHistory (moto serves none,
//! so the AWS-shaped server answers as the Amazon CloudWatch API Reference's
//! "DescribeAlarmHistory" and "AlarmHistoryItem" shape it, in two pages), the Alarms pane's
//! overnight view, and the check report's overnight and 12-hour trend sections.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;
use support::cli::opsdeck;

use opsdeck::incident::store::IncidentStore;
use opsdeck::incident::{IncidentEvent, Resolution, Severity};
use opsdeck::model::{AlarmState, AlarmStateChange};
use opsdeck::msg::{Effect, Msg};
use opsdeck::source::AlarmSource;
use opsdeck::source::aws::{AlarmScope, AwsScope, AwsSource};
use opsdeck::state::{PaneId, update};
use support::aws::clients_for;
use support::aws_shaped::{AwsShaped, json};
use support::screen::{demo_state, press, render_text};

/// A StateUpdate item as "AlarmHistoryItem" documents it: `HistoryData` is JSON text.
fn item(alarm: &str, at: i64, from: &str, to: &str) -> serde_json::Value {
    let data = serde_json::json!({
        "version": "1.0",
        "oldState": {"stateValue": from, "stateReason": "before"},
        "newState": {"stateValue": to, "stateReason": format!("Threshold Crossed: {alarm} {to}")},
    });
    serde_json::json!({
        "AlarmName": alarm,
        "AlarmType": "MetricAlarm",
        "Timestamp": at,
        "HistoryItemType": "StateUpdate",
        "HistorySummary": format!("Alarm updated from {from} to {to}"),
        "HistoryData": data.to_string(),
    })
}

#[tokio::test]
async fn the_history_is_read_every_page_state_changes_only_and_scoped() {
    let server = AwsShaped::start().await;
    let night = 1_796_000_000;
    let first = serde_json::json!({
        "AlarmHistoryItems": [
            item("basecoat-portal-target-response-time", night, "OK", "ALARM"),
            item("other-team-disk", night + 60, "OK", "ALARM"),
        ],
        "NextToken": "page-2",
    });
    let second = serde_json::json!({
        "AlarmHistoryItems": [
            item("basecoat-portal-target-response-time", night + 1500, "ALARM", "OK"),
            item("basecoat-db-connections-high", night + 3000, "OK", "ALARM"),
        ],
    });
    server.answer(
        "DescribeAlarmHistory",
        vec![json(&first.to_string()), json(&second.to_string())],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            alarms: AlarmScope::Named {
                prefixes: vec!["basecoat-".to_owned()],
                names: Vec::new(),
            },
            ..AwsScope::default()
        },
    );
    let since = chrono::DateTime::from_timestamp(night - 3600, 0).unwrap();
    let changes = source.alarm_history(since).await.unwrap();

    let requests = server.requests("DescribeAlarmHistory");
    assert_eq!(requests.len(), 2, "every page");
    let request: serde_json::Value = serde_json::from_str(&requests[0]).unwrap();
    assert_eq!(
        request["AlarmTypes"],
        serde_json::json!(["MetricAlarm", "CompositeAlarm"]),
        "without AlarmTypes only metric alarms' history comes back: {request}"
    );
    assert_eq!(request["HistoryItemType"], "StateUpdate", "{request}");
    assert_eq!(request["ScanBy"], "TimestampAscending", "{request}");
    assert_eq!(request["MaxRecords"], 100, "{request}");
    assert_eq!(
        request["StartDate"].as_f64(),
        Some((night - 3600) as f64),
        "epoch seconds: {request}"
    );
    let second_request: serde_json::Value = serde_json::from_str(&requests[1]).unwrap();
    assert_eq!(second_request["NextToken"], "page-2");

    let summary: Vec<(&str, AlarmState, AlarmState)> = changes
        .iter()
        .map(|c| (c.alarm.as_str(), c.from, c.to))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "basecoat-portal-target-response-time",
                AlarmState::Ok,
                AlarmState::Alarm
            ),
            (
                "basecoat-portal-target-response-time",
                AlarmState::Alarm,
                AlarmState::Ok
            ),
            (
                "basecoat-db-connections-high",
                AlarmState::Ok,
                AlarmState::Alarm
            ),
        ],
        "another team's alarm is out of the scope"
    );
    assert_eq!(
        changes[0].reason,
        "Threshold Crossed: basecoat-portal-target-response-time ALARM"
    );
    let episodes = opsdeck::model::episodes(&changes, since);
    assert_eq!(episodes.len(), 2);
    assert_eq!(episodes[0].seconds(since), 1500, "25 minutes in ALARM");
    assert_eq!(episodes[1].resolved_at, None, "still in ALARM");
}

#[tokio::test]
async fn a_refused_history_is_an_error_named_with_its_permission() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeAlarmHistory",
        vec![support::aws_shaped::Answer {
            status: 400,
            ..json(
                r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: cloudwatch:DescribeAlarmHistory"}"#,
            )
        }],
    );
    let source = AwsSource::new(clients_for(&server.endpoint).await, AwsScope::default());
    let error = source
        .alarm_history(chrono::Utc::now() - chrono::Duration::hours(12))
        .await
        .expect_err("refused");
    assert!(
        error.message.contains("cloudwatch:DescribeAlarmHistory"),
        "{}",
        error.message
    );
}

#[test]
fn v_in_the_alarms_pane_shows_what_fired_overnight() {
    let mut state = demo_state(300);
    press(&mut state, '4');
    let effects = press(&mut state, 'v');
    let since = match effects.as_slice() {
        [
            Effect::LoadAlarmHistory { since },
            Effect::LoadOvernightIncidents {
                environment,
                since: incidents_since,
            },
        ] => {
            assert_eq!(environment, "basecoat-prod (simulated)");
            assert_eq!(incidents_since, since, "one window for both");
            *since
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (state.now - since).num_hours(),
        12,
        "the default window is 12 h"
    );
    assert!(
        render_text(&state, 120, 40).contains("reading the alarm history…"),
        "until it answers"
    );
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    world.advance_to_elapsed(300);
    update(
        &mut state,
        Msg::AlarmHistory {
            since,
            result: Ok(world.alarm_history(since)),
        },
    );
    let rows = state.pane(PaneId::Alarms).table.rows();
    let night = rows
        .iter()
        .find(|r| r.cells[0].text == "basecoat-portal-target-response-time")
        .expect("last night's episode");
    assert_eq!(night.cells[2].text, "25m00s");
    assert!(night.cells[3].text.starts_with("✓ OK"), "{:?}", night.cells);
    assert!(
        rows.iter().any(|r| r.cells[3].text == "✗ still ALARM"),
        "the incident's alarms are still firing"
    );
    let screen = render_text(&state, 160, 40);
    assert!(screen.contains("4 Alarms · fired since "), "{screen}");
    press(&mut state, 'v');
    assert_eq!(
        state.pane(PaneId::Alarms).table.rows()[0].cells.len(),
        4,
        "back to the alarms as they are"
    );
}

#[test]
fn the_overnight_window_can_start_at_a_clock_time() {
    let mut state = demo_state(300);
    state.overnight_window = "since 18:00".to_owned();
    press(&mut state, '4');
    let effects = press(&mut state, 'v');
    let [
        Effect::LoadAlarmHistory { since },
        Effect::LoadOvernightIncidents { .. },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(since.format("%H:%M").to_string(), "18:00");
    assert!(*since < state.now && state.now - *since < chrono::Duration::hours(24));
}

/// The morning report on the demo: the overnight episode, the incidents open or resolved in
/// the window from opsdeck's own store, and a sparkline per critical metric.
#[test]
fn the_morning_report_has_overnight_and_12_hour_trends() {
    let dir = tempfile::tempdir().unwrap();
    let store = IncidentStore::new(dir.path());
    let now = chrono::Utc::now();
    let declare = |id: &str, title: &str, hours_ago: i64| IncidentEvent::Declared {
        id: id.to_owned(),
        severity: Severity::Sev2,
        title: title.to_owned(),
        service: "basecoat-portal".to_owned(),
        environment: "basecoat-prod (simulated)".to_owned(),
        at: now - chrono::Duration::hours(hours_ago),
    };
    store
        .append("sev2-open", &declare("sev2-open", "checkout slow", 3))
        .unwrap();
    store
        .append("sev2-old", &declare("sev2-old", "last week's", 200))
        .unwrap();
    store
        .append(
            "sev2-old",
            &IncidentEvent::Resolved(Resolution {
                at: now - chrono::Duration::hours(199),
                root_cause: "x".to_owned(),
                prevention: "y".to_owned(),
            }),
        )
        .unwrap();
    let output = opsdeck(&[
        "check",
        "--demo",
        "--demo-elapsed",
        "120",
        "--format",
        "markdown",
        "--overnight",
        "12h",
        "--incident-dir",
        dir.path().to_str().unwrap(),
    ]);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("### Overnight (since "), "{report}");
    assert!(
        report.contains("- ✓ basecoat-portal-target-response-time: fired ")
            && report.contains(", 25m00s in ALARM, resolved "),
        "{report}"
    );
    assert!(
        report.contains("✗ SEV-2 sev2-open \"checkout slow\": declared"),
        "{report}"
    );
    assert!(
        !report.contains("last week's"),
        "resolved before the window: {report}"
    );
    assert!(report.contains("### 12-hour trends"), "{report}");
    let p99 = report
        .lines()
        .find(|line| line.starts_with("ALB response p99"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(p99.contains('█') && p99.contains("(12 h: "), "{p99}");

    let output = opsdeck(&[
        "check",
        "--demo",
        "--format",
        "json",
        "--incident-dir",
        dir.path().to_str().unwrap(),
    ]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let morning = &value["morning"];
    assert!(morning["alarms"].as_array().unwrap().iter().any(|a| {
        a["alarm"] == "basecoat-portal-target-response-time" && a["seconds_in_alarm"] == 1500
    }));
    assert_eq!(morning["incidents"].as_array().unwrap().len(), 1);
    assert!(morning["trends"].as_array().unwrap().len() >= 10);
}

#[test]
fn a_bad_overnight_window_is_refused_before_anything_runs() {
    let output = opsdeck(&["check", "--demo", "--overnight", "last night"]);
    assert_eq!(output.status.code(), Some(2), "clap's usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read the window \"last night\""),
        "{stderr}"
    );
}

#[test]
fn episodes_of_changes_in_any_order() {
    let at =
        |minutes: i64| chrono::DateTime::from_timestamp(1_796_000_000 + minutes * 60, 0).unwrap();
    let change = |minutes, from, to| AlarmStateChange {
        alarm: "a".to_owned(),
        at: at(minutes),
        from,
        to,
        reason: String::new(),
    };
    let episodes = opsdeck::model::episodes(
        &[
            change(30, AlarmState::Alarm, AlarmState::Ok),
            change(10, AlarmState::Ok, AlarmState::Alarm),
        ],
        at(0),
    );
    assert_eq!(episodes.len(), 1);
    assert_eq!(episodes[0].seconds(at(99)), 20 * 60);
}

/// The overnight view lists opsdeck's own incidents of the environment open now or resolved in
/// the window, read from the incident store by the runtime (after any write before it), beside
/// what fired.
#[tokio::test]
async fn the_overnight_view_lists_the_environments_incidents_open_or_resolved_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let store = IncidentStore::new(dir.path().join("incidents"));
    // The demo's clock, not the wall's: the window is the state's 12 hours.
    let mut state = demo_state(300);
    let now = state.now;
    let environment = "basecoat-prod (simulated)";
    let declare =
        |id: &str, title: &str, hours_ago: i64, environment: &str| IncidentEvent::Declared {
            id: id.to_owned(),
            severity: Severity::Sev1,
            title: title.to_owned(),
            service: "basecoat-portal".to_owned(),
            environment: environment.to_owned(),
            at: now - chrono::Duration::hours(hours_ago),
        };
    let resolve = |hours_ago: i64| {
        IncidentEvent::Resolved(Resolution {
            at: now - chrono::Duration::hours(hours_ago),
            root_cause: "pool exhausted".to_owned(),
            prevention: "alarm on idle in transaction".to_owned(),
        })
    };
    store
        .append(
            "sev1-open",
            &declare("sev1-open", "portal down", 2, environment),
        )
        .unwrap();
    store
        .append(
            "sev1-night",
            &declare("sev1-night", "checkout 502s", 9, environment),
        )
        .unwrap();
    store.append("sev1-night", &resolve(8)).unwrap();
    store
        .append(
            "sev1-old",
            &declare("sev1-old", "last week", 200, environment),
        )
        .unwrap();
    store.append("sev1-old", &resolve(199)).unwrap();
    store
        .append("other-env", &declare("other-env", "not ours", 1, "staging"))
        .unwrap();

    let clock = opsdeck::clock::Clock::wall();
    let simulator = opsdeck::sim::Simulator::new(1, clock.clone());
    let runner = opsdeck::action_runner::ActionRunner {
        timeout: opsdeck::action_runner::ACTION_TIMEOUT,
        executor: simulator.clone(),
        journal: opsdeck::action::journal::Journal::new(dir.path().join("journal.jsonl")),
        actor: opsdeck::action::journal::Actor {
            environment: environment.to_owned(),
            identity: "tester".to_owned(),
            profile: None,
            region: "us-east-1".to_owned(),
        },
        database_identity: None,
        clock,
        run_id: "test".to_owned(),
    };
    let paused = opsdeck::model::PollControl {
        paused: true,
        interval_ms: 60_000,
        refresh_generation: 0,
    };
    let (runtime, mut messages) =
        opsdeck::runtime::Runtime::start(paused, simulator.sources(), runner, store);
    press(&mut state, '4');
    let effects = press(&mut state, 'v');
    let load = effects
        .into_iter()
        .find(|effect| matches!(effect, Effect::LoadOvernightIncidents { .. }))
        .expect("the view asks for the incidents");
    opsdeck::msg::EffectRunner::carry_out(&runtime, load);
    let result = loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), messages.recv()).await {
            Ok(Some(Msg::OvernightIncidents { result })) => break result,
            Ok(Some(_)) => continue,
            other => panic!("no incidents message: {other:?}"),
        }
    };
    let notes = result.unwrap();
    let ids: Vec<&str> = notes.iter().map(|note| note.id.as_str()).collect();
    assert_eq!(
        ids,
        ["sev1-night", "sev1-open"],
        "oldest first; not last week's, not staging's"
    );
    update(&mut state, Msg::OvernightIncidents { result: Ok(notes) });

    let rows = state.pane(PaneId::Alarms).table.rows();
    let open = rows
        .iter()
        .find(|r| r.id == "incident|sev1-open")
        .expect("the open incident");
    assert_eq!(open.cells[0].text, "⚑ SEV-1 sev1-open");
    assert_eq!(open.cells[3].text, "✗ incident OPEN");
    assert_eq!(open.cells[4].text, "portal down");
    let night = rows
        .iter()
        .find(|r| r.id == "incident|sev1-night")
        .expect("the resolved one");
    assert!(
        night.cells[3].text.starts_with("✓ resolved"),
        "{:?}",
        night.cells
    );
    assert_eq!(
        night.cells[2].text, "1h00m",
        "declared 9 h ago, resolved 8 h ago"
    );
}

#[test]
fn incident_records_that_cannot_be_read_are_said_not_hidden() {
    let mut state = demo_state(300);
    press(&mut state, '4');
    press(&mut state, 'v');
    update(
        &mut state,
        Msg::OvernightIncidents {
            result: Err("incident records in /nowhere: permission denied".to_owned()),
        },
    );
    let rows = state.pane(PaneId::Alarms).table.rows();
    let unread = rows
        .iter()
        .find(|r| r.id == "incidents|unread")
        .expect("a row says so");
    assert_eq!(unread.cells[3].text, "? unknown");
    assert!(unread.cells[4].text.contains("permission denied"));
}
