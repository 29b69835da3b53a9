//! The health check: each check against the demo estate calm and mid-incident, unknown when a
//! source could not be read, the three report formats, and `opsdeck check` as cron runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;
use support::cli::opsdeck;

use insta::assert_snapshot;
use opsdeck::check::report::{self, Format};
use opsdeck::check::{CHECKS, CheckInput, CheckResult, Status, evaluate, overall};
use opsdeck::config::Thresholds;
use opsdeck::sim::World;
use opsdeck::source::SourceKind;

fn demo_input(elapsed: i64) -> CheckInput {
    let mut world = World::new(1, support::screen::origin());
    world.advance_to_elapsed(elapsed);
    let mut input = CheckInput {
        at: Some(world.time_of(world.elapsed())),
        ..CheckInput::default()
    };
    for (_, data) in world.answers() {
        input.absorb(data);
    }
    input
}

fn ids_with(results: &[CheckResult], status: Status) -> Vec<&'static str> {
    results
        .iter()
        .filter(|r| r.status == status)
        .map(|r| r.id)
        .collect()
}

#[test]
fn the_calm_estate_fails_only_the_long_report_query() {
    let results = evaluate(&demo_input(30), &Thresholds::default());
    assert_eq!(ids_with(&results, Status::Fail), ["db_long_queries"]);
    assert_eq!(ids_with(&results, Status::Warn), ["db_idle_connections"]);
    assert!(ids_with(&results, Status::Unknown).is_empty());
    let long = results.iter().find(|r| r.id == "db_long_queries").unwrap();
    assert!(
        long.evidence[0].starts_with("pid 4611 "),
        "{:?}",
        long.evidence
    );
    assert_eq!(long.runbook, "Kill long-running query");
}

#[test]
fn the_incident_fails_exactly_the_checks_it_breaks() {
    let results = evaluate(&demo_input(300), &Thresholds::default());
    assert_eq!(
        ids_with(&results, Status::Fail),
        [
            "health_endpoint",
            "latency_p99",
            "error_rate_5xx",
            "cpu",
            "memory",
            "alarms",
            "db_connections",
            "db_long_queries",
            "log_errors"
        ]
    );
    let latency = results.iter().find(|r| r.id == "latency_p99").unwrap();
    assert_eq!(latency.observed, "2490 ms (ALB response p99)");
    assert_eq!(overall(&results), Status::Fail);
    assert_eq!(report::exit_code(&results), 2);
}

#[test]
fn a_source_that_could_not_be_read_is_unknown_never_pass() {
    let mut input = demo_input(30);
    input.snapshot.alarms.clear();
    input.unread.insert(
        SourceKind::Alarms,
        "no permission: cloudwatch:DescribeAlarms".to_owned(),
    );
    let results = evaluate(&input, &Thresholds::default());
    let alarms = results.iter().find(|r| r.id == "alarms").unwrap();
    assert_eq!(alarms.status, Status::Unknown);
    assert_eq!(
        alarms.evidence,
        ["CloudWatch alarms could not be read: no permission: cloudwatch:DescribeAlarms"]
    );
    // What the environment does not configure is skipped, and counts as neither pass nor fail.
    let mut bare = demo_input(30);
    bare.snapshot.ecs.clear();
    bare.unconfigured.insert(
        SourceKind::Logs,
        "no log groups configured for basecoat-prod: set log_groups".to_owned(),
    );
    let results = evaluate(&bare, &Thresholds::default());
    let ecs = results.iter().find(|r| r.id == "ecs_running").unwrap();
    assert_eq!(ecs.status, Status::Skip);
    let logs = results.iter().find(|r| r.id == "log_errors").unwrap();
    assert_eq!(
        (logs.status, logs.evidence[0].as_str()),
        (
            Status::Skip,
            "no log groups configured for basecoat-prod: set log_groups"
        )
    );
}

#[test]
fn thresholds_from_the_config_move_the_verdicts() {
    let thresholds = Thresholds {
        long_query_seconds: 4 * 3600,
        ..Thresholds::default()
    };
    let results = evaluate(&demo_input(30), &thresholds);
    assert!(ids_with(&results, Status::Fail).is_empty());
    assert_eq!(report::exit_code(&results), 1, "warnings only");
}

#[test]
fn the_three_formats() {
    let results = evaluate(&demo_input(300), &Thresholds::default());
    let at = support::screen::origin();
    assert_snapshot!(
        "text",
        report::render(Format::Text, "basecoat-prod", at, &results)
    );
    assert_snapshot!(
        "markdown",
        report::render(Format::Markdown, "basecoat-prod", at, &results)
    );
    let json = report::render(Format::Json, "basecoat-prod", at, &results);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["environment"], "basecoat-prod");
    assert_eq!(value["generated_at"], "2026-11-23T09:00:00Z");
    assert_eq!(value["status"], "fail");
    let first = &value["checks"][0];
    for field in ["id", "title", "status", "observed", "threshold", "evidence"] {
        assert!(!first[field].is_null(), "{field} missing: {first}");
    }
    assert_snapshot!("json", json);
}

#[test]
fn opsdeck_check_runs_without_a_terminal_and_says_how_it_went_in_its_exit_status() {
    let output = opsdeck(&[
        "check",
        "--demo",
        "--demo-elapsed",
        "300",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["status"], "fail");
    assert_eq!(value["checks"].as_array().unwrap().len(), CHECKS.len());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.md");
    let output = opsdeck(&[
        "check",
        "--demo",
        "--format",
        "markdown",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("**Health check basecoat-prod (simulated)**"));
    assert!(
        !written.contains('\u{1b}'),
        "no colour codes when not a terminal"
    );
}

#[test]
fn a_check_that_cannot_run_exits_3_with_the_reason() {
    let output = opsdeck(&[
        "check",
        "--config",
        concat!(env!("CARGO_MANIFEST_DIR"), "/assets/opsdeck.example.toml"),
        "--env",
        "staging",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown environment \"staging\""),
        "{stderr}"
    );
    let output = opsdeck(&["check", "--demo", "--output", "/nonexistent-dir/report.txt"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .starts_with("error: cannot write the report to /nonexistent-dir/report.txt:")
    );
}

#[test]
fn checks_from_the_config_can_be_turned_off_or_given_their_own_limits() {
    let text = r#"
[[checks]]
id = "log_errors"
enabled = false

[[checks]]
id = "cpu"
warn = 40
fail = 95
"#;
    let resolved = opsdeck::config::resolve(
        std::path::Path::new("checks.toml"),
        text,
        &opsdeck::config::Overrides::default(),
        None,
    )
    .unwrap();
    let results = evaluate(&demo_input(30), &resolved.thresholds);
    let by_id = |id: &str| results.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(by_id("log_errors").status, Status::Skip);
    assert_eq!(
        by_id("log_errors").evidence,
        ["disabled in the config ([[checks]] enabled = false)"]
    );
    let cpu = by_id("cpu");
    assert_eq!(
        cpu.status,
        Status::Warn,
        "46.8 % is over the new warn of 40"
    );
    assert_eq!(cpu.threshold, "≤ 40.0% (warn above, fail above 95.0%)");
}

/// The runbook's Certificate Renewal acts at 30 days: the health URLs' certificates warn
/// below `certificate_warn_days` and fail below `certificate_fail_days`, each named.
#[test]
fn certificates_near_expiry_warn_then_fail_as_the_thresholds_say() {
    let input = demo_input(30);
    let certificate = |thresholds: &Thresholds| {
        evaluate(&input, thresholds)
            .into_iter()
            .find(|r| r.id == "certificate_expiry")
            .unwrap()
    };
    // The demo's certificates have 41 (portal) and 52 (API) days left, seen by the health
    // probes and in ACM (the API's imported, so renewed by hand).
    let default = certificate(&Thresholds::default());
    assert_eq!(default.status, Status::Pass);
    assert_eq!(default.observed, "41 days left (soonest of 4)");
    assert!(default.evidence.is_empty());
    let warned = certificate(&Thresholds {
        certificate_warn_days: 45,
        ..Thresholds::default()
    });
    assert_eq!(warned.status, Status::Warn);
    assert_eq!(
        warned.evidence,
        [
            "https://portal.basecoat.example/health: expires in 41 days",
            "portal.basecoat.example (arn:aws:acm:us-east-1:123456789012:certificate/4f3c2a1b-0d9e-4c8b-9a7f-1e2d3c4b5a60): expires in 41 days"
        ]
    );
    let failed = certificate(&Thresholds {
        certificate_warn_days: 60,
        certificate_fail_days: 45,
        ..Thresholds::default()
    });
    assert_eq!(failed.status, Status::Fail);
    assert_eq!(failed.evidence.len(), 4, "{:?}", failed.evidence);
    assert!(
        failed.evidence[3].ends_with("expires in 52 days; renewal by hand (imported)"),
        "{:?}",
        failed.evidence
    );

    // A certificate ACM no longer has as issued fails whatever the others say.
    let mut revoked = demo_input(30);
    revoked.snapshot.certificates[1].status = "REVOKED".to_owned();
    let revoked = evaluate(&revoked, &Thresholds::default())
        .into_iter()
        .find(|r| r.id == "certificate_expiry")
        .unwrap();
    assert_eq!(revoked.status, Status::Fail);
    assert!(
        revoked.evidence[0].ends_with(": status REVOKED"),
        "{:?}",
        revoked.evidence
    );

    // Plain-HTTP health URLs and no certificate in ACM: skipped, and said so.
    let mut plain = demo_input(30);
    plain.snapshot.certificates.clear();
    for probe in &mut plain.snapshot.health {
        if let opsdeck::model::ProbeOutcome::Answered(answer) = &mut probe.outcome {
            answer.tls = None;
        }
    }
    let none = evaluate(&plain, &Thresholds::default())
        .into_iter()
        .find(|r| r.id == "certificate_expiry")
        .unwrap();
    assert_eq!(none.status, Status::Skip);
    assert_eq!(none.observed, "no certificate seen");
    assert_eq!(
        none.evidence,
        ["no https health URL answered with a certificate, and no ACM certificate is in use"]
    );
}

/// `--env` twice is for `opsdeck check`: the dashboard and the journal refuse it by name
/// before the terminal is touched.
#[test]
fn several_environments_are_for_check_only() {
    for args in [
        vec!["--env", "acme-prod", "--env", "globex-prod"],
        vec!["journal", "--env", "acme-prod", "--env", "globex-prod"],
    ] {
        let output = opsdeck(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(
                "--env given 2 times: the dashboard and the journal show one environment"
            ),
            "{stderr}"
        );
    }
    let output = opsdeck(&["check", "--all", "--demo"]);
    assert_eq!(output.status.code(), Some(2), "--all and --demo conflict");
}
