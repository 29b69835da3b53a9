//! Issue 14, items 1 and 6: the estate screen. Its table drawn from fixed readings (snapshot,
//! colours beside symbols), the demo estate read through the estate's own read path (one
//! customer mid-incident, one whose Alarms API hangs and goes unknown at the poll deadline,
//! one read-only, the rest passing), and the binary under tmux: the estate, Enter into an
//! environment, an action there journaled under that environment, and back.

use std::time::Duration;

use insta::assert_snapshot;
use opsdeck::check::{CheckResult, Status};
use opsdeck::clock::Clock;
use opsdeck::config::{Keymap, Theme, Thresholds};
use opsdeck::estate::{EstateEnvironment, EstateMsg, EstateState, OpenIncident, Reading, update};
use opsdeck::incident::Severity;
use opsdeck::sim::estate::DEMO_CUSTOMERS;
use opsdeck::source::SourceKind;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support;
use crate::support::screen::{buffer_text, origin};
use crate::support::tmux::{Tmux, estate_row};

fn check(id: &'static str, title: &'static str, status: Status, observed: &str) -> CheckResult {
    CheckResult {
        id,
        title,
        status,
        observed: observed.to_owned(),
        threshold: String::new(),
        evidence: Vec::new(),
        runbook: "",
        rows: Vec::new(),
    }
}

fn reading(seconds_ago: i64, outcome: Result<Vec<CheckResult>, String>, alarms: usize) -> Reading {
    Reading {
        at: origin() - chrono::Duration::seconds(seconds_ago),
        outcome,
        alarms_firing: alarms,
        calls: None,
        dollars: None,
    }
}

/// Five customers: one failing with an incident open for 12 minutes, one whose role cannot be
/// assumed, one whose profile has no credentials (its checks unknown, the fix in its row), one
/// read-only and passing, one whose data is 3 minutes old.
fn fixed_estate() -> EstateState {
    let rows = [
        ("acme-prod", "us-east-1", false),
        ("globex-prod", "eu-west-1", false),
        ("initech-prod", "eu-central-1", true),
        ("umbrella-staging", "us-west-2", false),
        ("hooli-prod", "us-east-1", false),
    ]
    .map(|(name, region, read_only)| EstateEnvironment::new(name, region, read_only))
    .to_vec();
    let mut state = EstateState::new(rows, Keymap::builtin_default().unwrap(), 60, origin());
    state.environments[0].incident = Some(OpenIncident {
        severity: Severity::Sev1,
        title: "checkout down".to_owned(),
        declared_at: origin() - chrono::Duration::minutes(12),
    });
    let readings = [
        (
            "acme-prod",
            reading(
                4,
                Ok(vec![
                    check("asg_in_service", "Auto Scaling: InService equals desired", Status::Pass, "InService 5/5"),
                    check("error_rate_5xx", "5XX error rate", Status::Fail, "16.7% (ALB 5XX rate)"),
                    check("cpu", "CPU utilisation", Status::Warn, "78%"),
                ]),
                3,
            ),
        ),
        (
            "globex-prod",
            reading(
                9,
                Err("sts:AssumeRole: access denied; the base identity needs sts:AssumeRole on arn:aws:iam::210987654321:role/OpsdeckReadOnly".to_owned()),
                0,
            ),
        ),
        (
            "initech-prod",
            reading(20, Ok(vec![check("cpu", "CPU utilisation", Status::Pass, "31%")]), 0),
        ),
        (
            "hooli-prod",
            reading(
                30,
                Ok(vec![CheckResult {
                    evidence: vec![
                        "Auto Scaling could not be read: AWS credentials missing or expired; run: aws sso login --profile hooli".to_owned(),
                    ],
                    ..check(
                        "asg_in_service",
                        "Auto Scaling: InService equals desired",
                        Status::Unknown,
                        "no data",
                    )
                }]),
                0,
            ),
        ),
        (
            "umbrella-staging",
            reading(180, Ok(vec![check("cpu", "CPU utilisation", Status::Pass, "12%")]), 0),
        ),
    ];
    for (name, mut reading) in readings {
        // Counted reads: acme-prod's 42 calls (36 metrics, 120 MB scanned), initech-prod's 18.
        match name {
            "acme-prod" => {
                reading.calls = Some(42);
                reading.dollars = Some(36.0 * 0.01 / 1000.0 + 0.12 * 0.005);
            }
            "initech-prod" => {
                reading.calls = Some(18);
                reading.dollars = Some(0.0);
            }
            _ => {}
        }
        update(
            &mut state,
            EstateMsg::Read {
                name: name.to_owned(),
                reading,
            },
        );
    }
    state.api_budget_per_minute = Some(50);
    for (name, account) in [
        ("acme-prod", "123456789012"),
        ("initech-prod", "345678901234"),
    ] {
        update(
            &mut state,
            EstateMsg::Account {
                name: name.to_owned(),
                account: account.to_owned(),
            },
        );
    }
    state
}

fn draw(state: &EstateState, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let theme = Theme::builtin("default").unwrap();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            let area = frame.area();
            opsdeck::ui::draw_estate(state, &theme, area, frame.buffer_mut());
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn estate_screen_160x12() {
    assert_snapshot!(buffer_text(&draw(&fixed_estate(), 160, 12)));
}

#[test]
fn estate_screen_filtered_100x10() {
    let mut state = fixed_estate();
    state.filter = "eu-".to_owned();
    assert_snapshot!(buffer_text(&draw(&state, 100, 10)));
}

/// Issue 14, item 3: an environment whose credentials fail shows the fix. The table's column
/// cuts it, so the selected row's reason is written out in full under the table.
#[test]
fn the_selected_rows_reason_is_written_out_with_its_fix() {
    let mut state = fixed_estate();
    state.selected = Some("hooli-prod".to_owned());
    let text = buffer_text(&draw(&state, 160, 12));
    assert!(
        text.contains(" hooli-prod: Auto Scaling could not be read: AWS credentials missing or expired; run: aws sso login --profile hooli"),
        "{text}"
    );
}

/// Colour carries the status, always beside its symbol and word.
#[test]
fn estate_statuses_are_coloured_by_meaning_beside_their_symbol() {
    let theme = Theme::builtin("default").unwrap();
    let buffer = draw(&fixed_estate(), 160, 12);
    let text = buffer_text(&buffer);
    let style_at = |needle: &str| {
        let row = text.lines().position(|line| line.contains(needle)).unwrap();
        let column = text
            .lines()
            .nth(row)
            .unwrap()
            .chars()
            .position(|c| c == needle.chars().next().unwrap())
            .unwrap();
        let cell = &buffer[(u16::try_from(column).unwrap(), u16::try_from(row).unwrap())];
        cell.style()
    };
    assert_eq!(style_at("✗ fail").fg, theme.crit.fg);
    assert_eq!(style_at("? unknown").fg, theme.unknown.fg);
    assert_eq!(style_at("✓ pass").fg, theme.ok.fg);
}

/// The demo estate through the estate's read path; the Alarms deadline is cut to 300 ms so
/// the hung API reaches it without the test waiting the real 30 s.
#[tokio::test]
async fn the_demo_estate_has_an_incident_a_hung_source_a_read_only_customer_and_calm_ones() {
    let clock = Clock::wall();
    let rows = DEMO_CUSTOMERS
        .iter()
        .map(|c| EstateEnvironment::new(c.name, c.region, c.read_only))
        .collect();
    let mut state = EstateState::new(rows, Keymap::builtin_default().unwrap(), 10, clock.now());
    for customer in DEMO_CUSTOMERS {
        let (_simulator, mut sources) = customer.start(clock.clone());
        let mut alarms = sources.schedules.of(SourceKind::Alarms);
        alarms.deadline = Duration::from_millis(300);
        sources.schedules.set(SourceKind::Alarms, alarms);
        let reading =
            opsdeck::estate_command::read_checks(&sources, &Thresholds::default(), &clock, None)
                .await;
        update(
            &mut state,
            EstateMsg::Read {
                name: customer.name.to_owned(),
                reading,
            },
        );
    }
    let shown: Vec<(&str, Status)> = state
        .visible()
        .iter()
        .map(|row| (row.name.as_str(), row.status()))
        .collect();
    assert_eq!(
        shown,
        [
            ("acme-prod", Status::Fail),
            ("globex-prod", Status::Unknown),
            ("initech-prod", Status::Pass),
            ("umbrella-prod", Status::Pass),
            ("umbrella-staging", Status::Pass),
        ]
    );
    let acme = &state.environments[0];
    assert!(
        acme.reading.as_ref().unwrap().alarms_firing > 0,
        "the incident fires alarms"
    );
    let globex = &state.environments[1];
    let alarms = globex.worst_check().unwrap();
    assert_eq!(
        (alarms.id, alarms.status),
        ("alarms", Status::Unknown),
        "{alarms:?}"
    );
    assert!(state.environments[2].read_only);
}

/// The Age column of `name`'s row.
fn age_of(screen: &str, name: &str) -> Option<String> {
    let line = estate_row(screen, name)?;
    let age = line.trim_end_matches('│').split_whitespace().last()?;
    Some(age.to_owned())
}

fn journal_entries(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The binary in a real terminal: the demo estate, a customer opened with Enter, desired
/// capacity changed there (typed confirmation: the demo is production) and journaled under
/// that customer, `e` back to the estate, which kept reading, and q.
#[test]
fn the_estate_opens_an_environment_whose_action_is_journaled_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = format!(
        "sh -c '{} --demo --estate --speed 10 --journal {} --incident-dir {} --log-file {}; echo EXIT=$?; sleep 600'",
        support::tmux::binary(),
        journal.display(),
        dir.path().join("incidents").display(),
        dir.path().join("opsdeck.log").display()
    );
    let Some(tmux) = Tmux::start(&command, 160, 30) else {
        return;
    };
    let estate = tmux.wait_for("the estate", Duration::from_secs(10), |s| {
        s.contains("opsdeck estate (simulated) 5 environments")
            && estate_row(s, "umbrella-prod").is_some_and(|row| row.contains("✓ pass"))
    });
    let acme = estate_row(&estate, "acme-prod").unwrap();
    assert!(acme.contains("✗ fail"), "{estate}");
    tmux.send(&["/"]);
    tmux.send(&["-l", "umbrella-prod"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("the filtered table", Duration::from_secs(5), |s| {
        s.contains("/umbrella-prod") && estate_row(s, "acme-prod").is_none()
    });
    tmux.send(&["Enter"]);
    tmux.wait_for("umbrella-prod's dashboard", Duration::from_secs(10), |s| {
        s.contains("umbrella-prod (simulated) us-west-2") && s.contains("InService 5/5")
    });
    tmux.send(&["1", "d"]);
    tmux.wait_for("the value prompt", Duration::from_secs(5), |s| {
        s.contains("Propose a change")
    });
    tmux.send(&["-l", "7"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("the confirm dialog", Duration::from_secs(5), |s| {
        s.contains("Type basecoat-portal-asg to confirm:")
    });
    tmux.send(&["-l", "basecoat-portal-asg"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("the outcome", Duration::from_secs(10), |s| {
        s.contains("✓ Set desired capacity basecoat-portal-asg: succeeded")
    });
    let entries = journal_entries(&journal);
    assert_eq!(entries.len(), 2, "intent and outcome: {entries:?}");
    for entry in &entries {
        assert_eq!(entry["environment"], "umbrella-prod (simulated)", "{entry}");
    }
    tmux.send(&["e"]);
    let back = tmux.wait_for("the estate again", Duration::from_secs(5), |s| {
        s.contains("opsdeck estate (simulated)")
    });
    assert!(
        back.contains("/umbrella-prod"),
        "the filter is kept: {back}"
    );
    tmux.send(&["Escape"]);
    // The light reads went on while umbrella-prod was open: acme-prod's data is seconds old
    // (a read every 10 simulated seconds), and globex-prod's hung API has reached its
    // deadline, so its row is read and unknown.
    tmux.wait_for(
        "every environment, still read",
        Duration::from_secs(40),
        |s| {
            age_of(s, "acme-prod").is_some_and(|age| age.ends_with('s') && !age.contains('m'))
                && estate_row(s, "globex-prod").is_some_and(|row| row.contains("? unknown"))
                && !s.contains("not read yet")
        },
    );
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), |s| s.contains("EXIT=0"));
}

/// `--incident` names no environment on the estate: refused before the terminal is entered,
/// nothing declared.
#[test]
fn an_incident_without_an_environment_is_refused_on_the_estate() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args([
            "--demo",
            "--estate",
            "--incident",
            "SEV1",
            "checkout down",
            "--incident-dir",
        ])
        .arg(dir.path())
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --incident declares an incident in one environment; pass --env NAME with it (the estate shows every environment)\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing declared"
    );
}
