//! The audit journal: two lines per action, the intent durable before the change is sent,
//! nothing sent when it cannot be written, torn lines tolerated, mode 0600, `opsdeck journal`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use opsdeck::action::executor::{ActionExecutor, ReportFuture};
use opsdeck::action::journal::{Actor, Entry, Journal, Phase};
use opsdeck::action::{ActionContext, ActionRequest, Outcome, Proposal, Report, scale};
use opsdeck::action_runner::ActionRunner;
use opsdeck::clock::Clock;
use opsdeck::msg::Msg;
use opsdeck::sim::Simulator;
use support::screen::origin;

fn actor() -> Actor {
    Actor {
        environment: "basecoat-prod (simulated)".to_owned(),
        identity: "tester (demo)".to_owned(),
        profile: None,
        region: "us-east-1".to_owned(),
    }
}

/// A proposal made from the estate as the operator saw it when the demo opened.
fn scale_proposal(desired: u32) -> Proposal {
    let mut world = opsdeck::sim::World::new(1, origin());
    world.advance_to_elapsed(0);
    let group = world.auto_scaling_groups().remove(0);
    let context = ActionContext {
        environment: "basecoat-prod (simulated)".to_owned(),
        production: true,
        allow_superuser_termination: false,
    };
    scale::propose(1, &group, desired, &context).unwrap()
}

fn runner(executor: Arc<dyn ActionExecutor>, journal: Journal) -> ActionRunner {
    ActionRunner {
        executor,
        journal,
        actor: actor(),
        database_identity: Some("database role tester@local/test".to_owned()),
        clock: Clock::with_speed(origin(), 1.0),
        run_id: "test".to_owned(),
        // A silent executor is given up on this soon (the app waits ACTION_TIMEOUT).
        timeout: std::time::Duration::from_millis(300),
    }
}

fn report_of(msg: Msg) -> Report {
    match msg {
        Msg::ActionFinished { report, .. } => report,
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn an_action_writes_an_intent_and_an_outcome_line() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    let simulator = Simulator::new(1, Clock::with_speed(origin(), 1.0));
    let proposal = scale_proposal(12);
    let report = report_of(
        runner(simulator.clone(), journal.clone())
            .run(proposal)
            .await,
    );
    assert!(
        matches!(report.outcome, Outcome::Succeeded(_)),
        "{report:?}"
    );

    let (entries, warnings) = journal.read().unwrap();
    assert!(warnings.is_empty());
    assert_eq!(entries.len(), 2);
    let (intent, outcome) = (&entries[0], &entries[1]);
    assert_eq!(intent.phase, Phase::Intent);
    assert_eq!(outcome.phase, Phase::Outcome);
    assert_eq!(intent.action_id, outcome.action_id);
    assert_eq!(intent.action, "set_desired_capacity");
    assert_eq!(intent.target, "basecoat-portal-asg");
    assert_eq!(
        intent.call,
        "SetDesiredCapacity AutoScalingGroupName=basecoat-portal-asg DesiredCapacity=12 HonorCooldown=false"
    );
    assert_eq!(intent.changes[0].before, "5");
    assert_eq!(intent.changes[0].after, "12");
    assert_eq!(intent.actor, actor());
    assert_eq!(outcome.result.as_deref(), Some("succeeded"));
    assert_eq!(outcome.detail.as_deref(), Some("desired capacity 5 -> 12"));
    assert!(
        outcome
            .request_id
            .as_deref()
            .is_some_and(|id| id.len() == 36),
        "{:?}",
        outcome.request_id
    );
    let mode = std::fs::metadata(journal.path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// An executor that looks at the journal at the moment it is asked to act.
struct Witness {
    journal: Journal,
    intents_seen: Mutex<Vec<usize>>,
    calls: AtomicUsize,
}

impl ActionExecutor for Witness {
    fn execute(&self, _request: ActionRequest) -> ReportFuture<'_> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        // Read the file from disk, as a crash-survivor would.
        let text = std::fs::read_to_string(self.journal.path()).unwrap_or_default();
        let intents = text
            .lines()
            .filter(|line| line.contains("\"phase\":\"intent\""))
            .count();
        self.intents_seen.lock().unwrap().push(intents);
        Box::pin(async {
            Report {
                outcome: Outcome::Succeeded("done".to_owned()),
                request_id: None,
            }
        })
    }
}

#[tokio::test]
async fn the_intent_is_on_disk_before_the_change_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    let witness = Arc::new(Witness {
        journal: journal.clone(),
        intents_seen: Mutex::new(Vec::new()),
        calls: AtomicUsize::new(0),
    });
    let runner = runner(witness.clone(), journal.clone());
    runner.run(scale_proposal(12)).await;
    runner.run(scale_proposal(8)).await;
    assert_eq!(*witness.intents_seen.lock().unwrap(), vec![1, 2]);
    assert_eq!(journal.read().unwrap().0.len(), 4);
}

#[tokio::test]
async fn nothing_is_sent_when_the_journal_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "a file where a directory should be").unwrap();
    let journal = Journal::new(blocker.join("journal.jsonl"));
    let witness = Arc::new(Witness {
        journal: journal.clone(),
        intents_seen: Mutex::new(Vec::new()),
        calls: AtomicUsize::new(0),
    });
    let report = report_of(
        runner(witness.clone(), journal)
            .run(scale_proposal(12))
            .await,
    );
    assert_eq!(
        witness.calls.load(Ordering::SeqCst),
        0,
        "the change was sent"
    );
    let Outcome::Refused(detail) = report.outcome else {
        panic!("{report:?}");
    };
    assert!(
        detail.starts_with("cannot write the audit journal"),
        "{detail}"
    );
    assert!(detail.ends_with("nothing was changed"), "{detail}");
}

/// An executor that never answers.
struct Silent;

impl ActionExecutor for Silent {
    fn execute(&self, _request: ActionRequest) -> ReportFuture<'_> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn no_answer_is_unknown_and_journaled_never_retried() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    let report = report_of(
        runner(Arc::new(Silent), journal.clone())
            .run(scale_proposal(12))
            .await,
    );
    let Outcome::Unknown(detail) = &report.outcome else {
        panic!("{report:?}");
    };
    assert!(detail.contains("not retried"), "{detail}");
    let (entries, _) = journal.read().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].result.as_deref(), Some("unknown"));
}

#[tokio::test]
async fn the_simulator_aborts_when_the_state_changed_since_the_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    let simulator = Simulator::new(1, Clock::with_speed(origin(), 1.0));
    let runner = runner(simulator.clone(), journal.clone());
    // Someone else scaled to 12 after the operator looked at 5.
    runner.run(scale_proposal(12)).await;
    let stale = scale_proposal(8);
    let report = report_of(runner.run(stale).await);
    assert_eq!(
        report.outcome,
        Outcome::Aborted(
            "desired capacity of basecoat-portal-asg is now 12, not the 5 you saw; nothing was changed".to_owned()
        )
    );
    let (entries, _) = journal.read().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[3].result.as_deref(), Some("aborted"));
}

fn sample_entry(phase: Phase, environment: &str, minutes_ago: i64) -> Entry {
    let time = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
    let mut entry = Entry {
        time,
        phase,
        action_id: format!("run-{minutes_ago}"),
        action: "set_desired_capacity".to_owned(),
        target: "basecoat-portal-asg".to_owned(),
        actor: Actor {
            environment: environment.to_owned(),
            ..actor()
        },
        call: "SetDesiredCapacity".to_owned(),
        changes: vec![opsdeck::action::Change::new("desired capacity", 5, 12)],
        affected: Vec::new(),
        result: None,
        detail: None,
        request_id: None,
    };
    if phase == Phase::Outcome {
        entry.result = Some("succeeded".to_owned());
        entry.detail = Some("desired capacity 5 -> 12".to_owned());
        entry.request_id = Some("req-7".to_owned());
    }
    entry
}

#[test]
fn a_torn_last_line_is_reported_and_skipped_and_the_next_entry_stands_alone() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    journal
        .append(&sample_entry(Phase::Intent, "prod", 5))
        .unwrap();
    // A crash mid-write leaves half a line.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(journal.path())
        .unwrap();
    std::io::Write::write_all(&mut file, b"{\"time\":\"2026-11-2").unwrap();
    drop(file);
    let (entries, warnings) = journal.read().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains(":2: skipped torn last line (a crash mid-write?)"),
        "{}",
        warnings[0]
    );
    journal
        .append(&sample_entry(Phase::Outcome, "prod", 4))
        .unwrap();
    let (entries, warnings) = journal.read().unwrap();
    assert_eq!(entries.len(), 2, "the entry after the torn line is intact");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains(":2: skipped unreadable line"),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_wider_existing_file_is_narrowed_to_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    std::fs::write(&path, "").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    Journal::new(&path)
        .append(&sample_entry(Phase::Intent, "prod", 1))
        .unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

fn opsdeck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env_remove("OPSDECK_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn the_journal_command_filters_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let journal = Journal::new(&path);
    journal
        .append(&sample_entry(Phase::Intent, "prod", 180))
        .unwrap();
    journal
        .append(&sample_entry(Phase::Outcome, "prod", 179))
        .unwrap();
    journal
        .append(&sample_entry(Phase::Intent, "staging", 10))
        .unwrap();
    let path_arg = path.to_str().unwrap();

    let all = opsdeck(&["journal", "--journal", path_arg]);
    assert!(all.status.success());
    let text = String::from_utf8_lossy(&all.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().next().unwrap().contains("  intent   prod  set_desired_capacity  basecoat-portal-asg  desired capacity 5 -> 12  by tester (demo)"), "{text}");
    assert!(text.lines().nth(1).unwrap().contains("  outcome  prod  set_desired_capacity  basecoat-portal-asg  succeeded: desired capacity 5 -> 12  request req-7"), "{text}");

    let staging = opsdeck(&[
        "journal",
        "--journal",
        path_arg,
        "--env",
        "staging",
        "--format",
        "json",
    ]);
    let json = String::from_utf8_lossy(&staging.stdout);
    assert_eq!(json.lines().count(), 1);
    let parsed: Entry = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(parsed.actor.environment, "staging");

    let recent = opsdeck(&["journal", "--journal", path_arg, "--since", "1h"]);
    assert_eq!(String::from_utf8_lossy(&recent.stdout).lines().count(), 1);

    let bad = opsdeck(&["journal", "--journal", path_arg, "--since", "yesterday"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "error: --since \"yesterday\": expected a time such as 2026-11-22T09:00:00Z or an age such as 30m, 2h, 7d"
    );

    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut file, b"{\"phase\":").unwrap();
    let torn = opsdeck(&["journal", "--journal", path_arg]);
    assert!(torn.status.success(), "a torn line is never fatal");
    assert_eq!(String::from_utf8_lossy(&torn.stdout).lines().count(), 3);
    assert!(String::from_utf8_lossy(&torn.stderr).contains(":4: skipped torn last line"));
}

#[test]
fn an_empty_journal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.jsonl");
    let output = opsdeck(&["journal", "--journal", path.to_str().unwrap()]);
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("no actions journaled in"));
}

/// Issue 17, item 7: one line that is not UTF-8 (a damaged block) is skipped with a warning
/// like a torn line; every other entry is still printed.
#[test]
fn a_line_that_is_not_utf8_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let journal = Journal::new(&path);
    journal
        .append(&sample_entry(Phase::Intent, "prod", 10))
        .unwrap();
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut file, b"{\"time\":\"\xff\xfe\"}\n").unwrap();
    drop(file);
    journal
        .append(&sample_entry(Phase::Outcome, "prod", 9))
        .unwrap();
    let output = opsdeck(&["journal", "--journal", path.to_str().unwrap()]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(":2: skipped unreadable line: not UTF-8"),
        "{stderr}"
    );
}

/// Issue 17, item 7: an age past what a date can hold is refused, not a panic.
#[test]
fn an_absurd_since_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let output = opsdeck(&[
        "journal",
        "--journal",
        path.to_str().unwrap(),
        "--since",
        "99999999999h",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        "error: --since \"99999999999h\" reaches back further than a date can; give a smaller age"
    );
}

/// Issue 17, item 7: what the journal holds is printed without anything that would steer the
/// terminal: escape sequences and direction overrides in a target name are neutralised in
/// text, and escaped in JSON (which still decodes to the stored name).
#[test]
fn journal_fields_cannot_steer_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let mut entry = sample_entry(Phase::Intent, "prod", 10);
    entry.target = "web\u{1b}]0;pwned\u{7}-asg\u{202e}gsa".to_owned();
    Journal::new(&path).append(&entry).unwrap();
    let path_arg = path.to_str().unwrap();

    let text = opsdeck(&["journal", "--journal", path_arg]);
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}') && !stdout.contains('\u{202e}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("web�]0;pwned�-asg�gsa"), "{stdout}");

    let json = opsdeck(&["journal", "--journal", path_arg, "--format", "json"]);
    let stdout = String::from_utf8(json.stdout).unwrap();
    assert!(!stdout.contains('\u{202e}'), "{stdout:?}");
    assert!(stdout.contains("\\u202e"), "{stdout}");
    let parsed: Entry = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(parsed.target, entry.target, "the JSON still holds the name");
}
