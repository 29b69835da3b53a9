//! End to end in a real terminal: the binary under tmux, keys by send-keys, the screen by
//! capture-pane. Checks panes, focus, zoom, help, resize, quit, and that the terminal is left
//! as it was found after quit, SIGTERM, SIGHUP, SIGINT, SIGQUIT and a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Duration;

use support::tmux::{Tmux, binary};

const PANES: [&str; 7] = [
    "1 Auto Scaling",
    "2 Targets",
    "3 Metrics",
    "4 Alarms",
    "5 Logs",
    "6 ECS",
    "7 PostgreSQL",
];

/// Runs the demo, then reports how it ended and whether the tty is back in cooked mode.
fn demo_command(extra: &str) -> String {
    let log = std::env::temp_dir().join(format!("opsdeck-e2e-{}.log", std::process::id()));
    // Incidents of the operator's own data dir stay out of the tests (and theirs out of it).
    let incidents = if extra.contains("--incident-dir") {
        String::new()
    } else {
        format!(
            "--incident-dir {}",
            std::env::temp_dir()
                .join(format!("opsdeck-e2e-incidents-{}", std::process::id()))
                .display()
        )
    };
    format!(
        "sh -c '{} --demo --log-file {} {incidents} {extra}; echo EXIT=$?; stty -a | tr \" \" \"\\n\" | grep -x -- \"-\\?icanon\"; sleep 600'",
        binary(),
        log.display()
    )
}

/// Starts `command` in a `width` x `height` terminal and waits until every pane has data;
/// None where tmux is missing outside CI.
fn start_with_data(command: &str, width: u16, height: u16) -> Option<Tmux> {
    let tmux = Tmux::start(command, width, height)?;
    tmux.wait_for(
        "all seven panes with data",
        Duration::from_secs(10),
        all_panes_have_data,
    );
    Some(tmux)
}

fn all_panes_have_data(screen: &str) -> bool {
    PANES.iter().all(|pane| screen.contains(pane))
        && !screen.contains("waiting")
        && screen.matches(" ago ").count() >= 7
}

/// The app has ended and the shell has reported the tty mode.
fn exited(screen: &str) -> bool {
    screen.contains("EXIT=") && screen.lines().any(|line| line.trim().ends_with("icanon"))
}

fn assert_terminal_restored(tmux: &Tmux, screen: &str) {
    // Raw mode off: the shell's tty is canonical again.
    assert!(
        screen.lines().any(|line| line.trim() == "icanon"),
        "tty left in raw mode:\n{screen}"
    );
    // The alternate screen was left and the cursor is shown.
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(tmux.display("#{cursor_flag}"), "1", "cursor left hidden");
    assert!(
        !screen.contains("7 PostgreSQL"),
        "dashboard still on screen:\n{screen}"
    );
}

#[test]
fn panes_focus_zoom_help_resize_and_quit() {
    let Some(tmux) = Tmux::start(&demo_command("--seed 7"), 120, 40) else {
        return;
    };
    let first = tmux.wait_for(
        "all seven panes with data",
        Duration::from_secs(10),
        all_panes_have_data,
    );
    assert!(
        first.starts_with(" opsdeck │ basecoat-prod (simulated) us-east-1  DEMO"),
        "{first}"
    );
    assert_eq!(tmux.display("#{alternate_on}"), "1");

    // The panes live: data changes between polls.
    let body = |screen: &str| screen.lines().skip(1).collect::<Vec<_>>().join("\n");
    tmux.wait_for("the panes to change", Duration::from_secs(10), |screen| {
        body(screen) != body(&first)
    });

    // Focus by number and by tab: the focused pane gets the thick border.
    tmux.send(&["3"]);
    tmux.wait_for("Metrics focused", Duration::from_secs(5), |s| {
        s.contains("┏ 3 Metrics")
    });
    tmux.send(&["Tab"]);
    tmux.wait_for("Alarms focused", Duration::from_secs(5), |s| {
        s.contains("┏ 4 Alarms")
    });
    tmux.send(&["BTab"]);
    tmux.wait_for("Metrics focused again", Duration::from_secs(5), |s| {
        s.contains("┏ 3 Metrics")
    });

    // Zoom to full screen and back.
    tmux.send(&["z"]);
    let zoomed = tmux.wait_for("Metrics zoomed", Duration::from_secs(5), |s| {
        s.contains("┏ 3 Metrics") && !s.contains("1 Auto Scaling")
    });
    assert!(
        zoomed.contains("now"),
        "the chart's time axis is drawn:\n{zoomed}"
    );
    tmux.send(&["z"]);
    tmux.wait_for(
        "the overview back",
        Duration::from_secs(5),
        all_panes_have_data,
    );

    // Help overlay from the keymap, closed by Escape.
    tmux.send(&["?"]);
    let help = tmux.wait_for("help", Duration::from_secs(5), |s| s.contains(" Keys "));
    assert!(
        help.contains("[global]") && help.contains("Quit opsdeck"),
        "{help}"
    );
    tmux.send(&["Escape"]);
    tmux.wait_for("help closed", Duration::from_secs(5), |s| {
        !s.contains(" Keys ")
    });

    // Selection and filter in the PostgreSQL pane.
    tmux.send(&["7", "/"]);
    for key in ["m", "e", "t", "a", "b", "a", "s", "e"] {
        tmux.send(&[key]);
    }
    tmux.wait_for("filter prompt", Duration::from_secs(5), |s| {
        s.contains(" filter  metabase")
    });
    tmux.send(&["Enter"]);
    tmux.wait_for("filter badge", Duration::from_secs(5), |s| {
        s.contains("/metabase")
    });

    // Too small, then big enough again.
    tmux.resize(60, 20);
    tmux.wait_for("too-small message", Duration::from_secs(5), |s| {
        s.contains("Terminal too small")
    });
    tmux.resize(120, 40);
    tmux.wait_for(
        "the dashboard back",
        Duration::from_secs(5),
        all_panes_have_data,
    );

    tmux.send(&["q"]);
    let after = tmux.wait_for("exit", Duration::from_secs(5), exited);
    assert!(after.contains("EXIT=0"), "{after}");
    assert_terminal_restored(&tmux, &after);
}

#[test]
fn ctrl_c_quits_cleanly() {
    let Some(tmux) = Tmux::start(&demo_command("--seed 8"), 100, 30) else {
        return;
    };
    tmux.wait_for(
        "all seven panes with data",
        Duration::from_secs(10),
        all_panes_have_data,
    );
    tmux.send(&["C-c"]);
    let after = tmux.wait_for("exit", Duration::from_secs(5), exited);
    assert!(after.contains("EXIT=0"), "{after}");
    assert_terminal_restored(&tmux, &after);
}

/// SIGINT and SIGQUIT sent from outside (kill, a supervisor; Ctrl-C typed in raw mode is a
/// key, not a signal) restore the terminal as TERM and HUP do.
#[test]
fn sigterm_sighup_sigint_and_sigquit_restore_the_terminal() {
    for (signal, seed) in [("-TERM", 9), ("-HUP", 11), ("-INT", 12), ("-QUIT", 13)] {
        let Some(tmux) = Tmux::start(&demo_command(&format!("--seed {seed}")), 100, 30) else {
            return;
        };
        tmux.wait_for(
            "all seven panes with data",
            Duration::from_secs(10),
            all_panes_have_data,
        );
        let shell = tmux.display("#{pane_pid}");
        let status = std::process::Command::new("pkill")
            .args([signal, "-P", &shell, "opsdeck"])
            .status()
            .expect("pkill");
        assert!(status.success(), "no opsdeck process to signal");
        let after = tmux.wait_for("exit", Duration::from_secs(5), exited);
        assert_terminal_restored(&tmux, &after);
    }
}

#[test]
fn a_panic_restores_the_terminal_before_the_report() {
    let Some(tmux) = Tmux::start(
        &demo_command("--seed 10 --debug-panic-after-ms 1500"),
        100,
        30,
    ) else {
        return;
    };
    let after = tmux.wait_for("exit", Duration::from_secs(10), exited);
    assert!(after.contains("EXIT=101"), "{after}");
    assert_terminal_restored(&tmux, &after);
}

fn journal_lines(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |text| text.lines().count())
}

#[test]
fn scale_up_from_the_keyboard_then_a_cancelled_proposal_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = demo_command(&format!(
        "--seed 12 --speed 10 --journal {}",
        journal.display()
    ));
    let Some(tmux) = start_with_data(&command, 120, 40) else {
        return;
    };

    // Focus Auto Scaling, propose desired 12.
    tmux.send(&["1", "d"]);
    tmux.wait_for("the value prompt", Duration::from_secs(5), |s| {
        s.contains("Propose a change")
    });
    tmux.send(&["1", "2", "Enter"]);
    let dialog = tmux.wait_for("the confirm dialog", Duration::from_secs(5), |s| {
        s.contains("Confirm: Set desired capacity")
    });
    assert!(dialog.contains("desired capacity  5 → 12"), "{dialog}");
    assert!(
        dialog.contains("Type basecoat-portal-asg to confirm:"),
        "{dialog}"
    );
    // A stray Enter before the name is typed changes nothing.
    tmux.send(&["Enter"]);
    tmux.wait_for("the mismatch hint", Duration::from_secs(5), |s| {
        s.contains("type basecoat-portal-asg exactly to confirm")
    });
    assert_eq!(journal_lines(&journal), 0);
    tmux.send(&["-l", "basecoat-portal-asg"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("the outcome", Duration::from_secs(5), |s| {
        s.contains("✓ Set desired capacity basecoat-portal-asg: succeeded")
    });
    // Watch InService climb to 12 (45 s warm-up, 20 s health checks, at ten times speed).
    tmux.send(&["z"]);
    let done = tmux.wait_for("InService 12/12", Duration::from_secs(30), |s| {
        s.contains("✓ InService 12/12")
            && s.contains("✓ 5→12: InService 12/12 · healthy 12/12 · done")
    });
    assert!(done.contains("min/desired/max 3/12/20"), "{done}");
    assert_eq!(journal_lines(&journal), 2, "one intent and one outcome");
    tmux.send(&["z"]);

    // Propose again and cancel: nothing changes and the journal gains no line.
    tmux.send(&["d", "1", "5", "Enter"]);
    tmux.wait_for("the second dialog", Duration::from_secs(5), |s| {
        s.contains("desired capacity  12 → 15")
    });
    tmux.send(&["Escape"]);
    tmux.wait_for("the cancel notice", Duration::from_secs(5), |s| {
        s.contains("cancelled: nothing was changed")
    });
    std::thread::sleep(Duration::from_secs(3));
    tmux.send(&["z"]);
    // Zoomed, the whole summary fits: desired is still 12.
    tmux.wait_for("desired still 12", Duration::from_secs(5), |s| {
        s.contains("min/desired/max 3/12/20") && !s.contains("2 Targets")
    });
    assert_eq!(journal_lines(&journal), 2);

    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

/// Issue 15, item 8: a DB snapshot from the keyboard in the demo (production: the name is
/// typed to confirm), journaled, its PercentProgress followed in the PostgreSQL pane until
/// it is available (120 simulated seconds, at ten times speed).
#[test]
fn a_db_snapshot_is_taken_from_the_keyboard_and_followed_to_available() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = demo_command(&format!(
        "--seed 15 --speed 10 --journal {}",
        journal.display()
    ));
    let Some(tmux) = start_with_data(&command, 120, 40) else {
        return;
    };
    tmux.send(&["7", "P"]);
    let prompt = tmux.wait_for("the snapshot name prompt", Duration::from_secs(5), |s| {
        s.contains("snapshot of basecoat-portal-db named")
    });
    let name = prompt
        .split_whitespace()
        .find(|word| word.starts_with("basecoat-backup-"))
        .map(|word| {
            word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .unwrap_or_else(|| panic!("no prefilled name:\n{prompt}"));
    assert_eq!(
        name.len(),
        "basecoat-backup-20261130-090000".len(),
        "{name}"
    );
    tmux.send(&["Enter"]);
    let dialog = tmux.wait_for("the confirm dialog", Duration::from_secs(5), |s| {
        s.contains("Confirm: Create DB snapshot")
    });
    assert!(dialog.contains("rds:CreateDBSnapshot"), "{dialog}");
    tmux.send(&["-l", &name]);
    tmux.send(&["Enter"]);
    tmux.wait_for("the outcome", Duration::from_secs(5), |s| {
        s.contains("✓ Create DB snapshot") && s.contains("succeeded")
    });
    tmux.send(&["z"]);
    tmux.wait_for("the snapshot creating", Duration::from_secs(10), |s| {
        s.contains(&format!("⟳ snapshot {name}: creating"))
    });
    tmux.wait_for("the snapshot available", Duration::from_secs(30), |s| {
        s.contains(&format!("✓ snapshot {name}: available · done"))
    });
    let journal_text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(journal_text.lines().count(), 2, "{journal_text}");
    assert!(
        journal_text.contains("\"create_db_snapshot\""),
        "{journal_text}"
    );
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

#[test]
fn terminate_a_long_query_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = demo_command(&format!("--seed 1 --journal {}", journal.display()));
    let Some(tmux) = start_with_data(&command, 120, 40) else {
        return;
    };
    // The nightly analytics query has been running for over an hour: find it, terminate it.
    tmux.send(&["7", "/"]);
    tmux.send(&["-l", "analytics"]);
    tmux.send(&["Enter", "z"]);
    let found = tmux.wait_for("the long query", Duration::from_secs(5), |s| {
        s.contains("analytics-nightly")
    });
    let pid = found
        .lines()
        .find(|line| line.contains("analytics-nightly"))
        .and_then(|line| line.split_whitespace().nth(1).map(str::to_owned))
        .unwrap();
    assert!(pid.parse::<i32>().is_ok(), "{pid}");
    tmux.send(&["x"]);
    tmux.wait_for("the dialog", Duration::from_secs(5), |s| {
        s.contains("Confirm: Terminate backend")
    });
    tmux.send(&["-l", &pid]);
    tmux.send(&["Enter"]);
    tmux.wait_for("the outcome", Duration::from_secs(5), |s| {
        s.contains("1 of 1 terminated")
    });
    tmux.send(&["r"]);
    tmux.wait_for("the row gone", Duration::from_secs(10), |s| {
        s.contains("no rows match /analytics")
    });
    assert_eq!(journal_lines(&journal), 2);
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

#[test]
fn read_only_refuses_actions_in_the_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = demo_command(&format!(
        "--seed 13 --read-only --journal {}",
        journal.display()
    ));
    let Some(tmux) = Tmux::start(&command, 120, 40) else {
        return;
    };
    let screen = tmux.wait_for(
        "all seven panes with data",
        Duration::from_secs(10),
        all_panes_have_data,
    );
    assert!(screen.lines().next().unwrap().contains(" RO "), "{screen}");
    tmux.send(&["1", "d"]);
    tmux.wait_for("the refusal", Duration::from_secs(5), |s| {
        s.contains(
            "read-only (--read-only was given): edit_desired is blocked; nothing was changed",
        )
    });
    assert_eq!(journal_lines(&journal), 0);
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

/// The pid in the first row of the screen whose line mentions `needle`.
fn pid_on_row_with(screen: &str, needle: &str) -> String {
    let line = screen
        .lines()
        .find(|line| line.contains(needle) && !line.contains('/'))
        .unwrap_or_else(|| panic!("no row with {needle}:\n{screen}"));
    // The pane's own cell of the line: another pane beside it may show numbers too.
    let cell = line
        .split(['│', '┃', '║'])
        .find(|cell| cell.contains(needle))
        .unwrap_or(line);
    cell.split(' ')
        .find(|token| token.parse::<i32>().is_ok())
        .unwrap_or_else(|| panic!("no pid on {line}"))
        .to_owned()
}

/// Types `text`, then Enter, into whatever has focus, waiting for each step to show.
fn type_and_enter(tmux: &Tmux, text: &str) {
    tmux.send(&["-l", text]);
    std::thread::sleep(Duration::from_millis(200));
    tmux.send(&["Enter"]);
}

fn confirm_typed(tmux: &Tmux, title: &str, name: &str, outcome: &str) {
    tmux.wait_for(title, Duration::from_secs(5), |s| s.contains(title));
    type_and_enter(tmux, name);
    tmux.wait_for(outcome, Duration::from_secs(10), |s| s.contains(outcome));
}

/// The runbook's "Increase Application Capacity" from the Auto Scaling pane, typed
/// confirmation included.
fn scale_portal_from_5_to_12(tmux: &Tmux) {
    tmux.send(&["1", "d"]);
    tmux.wait_for("the value prompt", Duration::from_secs(5), |s| {
        s.contains("Propose a change")
    });
    type_and_enter(tmux, "12");
    confirm_typed(
        tmux,
        "Confirm: Set desired capacity",
        "basecoat-portal-asg",
        "desired capacity 5 -> 12",
    );
}

/// A note for the incident timeline, typed inline.
fn add_note(tmux: &Tmux, text: &str) {
    tmux.send(&["n"]);
    tmux.wait_for("the note form", Duration::from_secs(5), |s| {
        s.contains("Add a note")
    });
    type_and_enter(tmux, text);
}

/// Terminates (from the PostgreSQL pane) the sessions idle longer than `age`.
fn kill_idle_sessions(tmux: &Tmux, age: &str) {
    tmux.send(&["7", "I"]);
    tmux.wait_for("the age prompt", Duration::from_secs(5), |s| {
        s.contains("idle longer than (e.g.")
    });
    for _ in 0..3 {
        tmux.send(&["BSpace"]);
    }
    type_and_enter(tmux, age);
    tmux.wait_for("the bulk dialog", Duration::from_secs(5), |s| {
        s.contains(&format!("idle longer than {}", age.replace('m', "m00s")))
    });
    type_and_enter(tmux, "basecoat_db");
    tmux.wait_for("the bulk outcome", Duration::from_secs(10), |s| {
        s.lines().last().is_some_and(|l| l.contains(" terminated"))
    });
}

fn terminate_row(tmux: &Tmux, application: &str) {
    tmux.send(&["/"]);
    tmux.wait_for("the filter prompt", Duration::from_secs(5), |s| {
        s.contains(" filter ")
    });
    type_and_enter(tmux, application);
    let screen = tmux.wait_for(application, Duration::from_secs(5), |s| {
        s.contains(&format!("/{application}"))
            && s.lines()
                .any(|l| l.contains(application) && !l.contains('/'))
    });
    let pid = pid_on_row_with(&screen, application);
    tmux.send(&["x"]);
    confirm_typed(
        tmux,
        "Confirm: Terminate backend",
        &pid,
        "1 of 1 terminated",
    );
    tmux.send(&["Escape"]);
    tmux.wait_for("the filter cleared", Duration::from_secs(5), |s| {
        !s.contains(&format!("/{application}"))
    });
}

#[test]
fn the_demo_incident_is_resolved_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let command = demo_command(&format!(
        "--seed 1 --speed 20 --journal {}",
        journal.display()
    ));
    let Some(tmux) = Tmux::start(&command, 140, 45) else {
        return;
    };
    tmux.wait_for("the incident's alarms", Duration::from_secs(30), |s| {
        s.lines()
            .next()
            .is_some_and(|header| header.contains("in ALARM"))
    });

    // The 9 AM checklist says what is broken and where the runbook is.
    tmux.send(&["H"]);
    tmux.wait_for("the checklist failing", Duration::from_secs(10), |s| {
        s.contains("Health check")
            && s.contains("✗ FAIL")
            && s.contains("✗ fail    Response time p99")
    });
    tmux.send(&["Escape"]);
    tmux.wait_for("the checklist closed", Duration::from_secs(5), |s| {
        !s.contains("Health check  ✗ FAIL")
    });

    // Increase Application Capacity: desired 5 -> 12.
    scale_portal_from_5_to_12(&tmux);

    // ECS: manually increase the web service's desired task count.
    tmux.send(&["6", "j", "d"]);
    tmux.wait_for("the value prompt", Duration::from_secs(5), |s| {
        s.contains("desired count for web")
    });
    type_and_enter(&tmux, "8");
    confirm_typed(
        &tmux,
        "Confirm: Set ECS desired count",
        "web",
        "desired count 4 -> 8",
    );

    // Database: the report query and the transaction holding the lock.
    tmux.send(&["7"]);
    terminate_row(&tmux, "metabase");
    terminate_row(&tmux, "admin-console");

    // Kill idle connections: the leaked ones are minutes old, so ask for 1m.
    kill_idle_sessions(&tmux, "1m");

    // Kill long-running queries: whatever still runs past the runbook's hour.
    tmux.send(&["L"]);
    tmux.wait_for("the long-query prompt", Duration::from_secs(5), |s| {
        s.contains("Propose a change")
    });
    tmux.send(&["Enter"]);
    tmux.wait_for("the bulk dialog", Duration::from_secs(5), |s| {
        s.contains("running longer than 1h00m")
    });
    type_and_enter(&tmux, "basecoat_db");
    tmux.wait_for("the bulk outcome", Duration::from_secs(10), |s| {
        s.lines().last().is_some_and(|l| l.contains(" terminated"))
    });

    // The alarms clear as the estate recovers.
    let calm = tmux.wait_for("no alarm firing", Duration::from_secs(90), |s| {
        s.lines()
            .next()
            .is_some_and(|header| !header.contains("in ALARM"))
            && s.contains("✗ 0 ALARM")
    });
    assert!(calm.contains("✓ InService 12/12"), "{calm}");
    // Capacity is back, so the app has stopped leaking connections: the ones leaked since the
    // first sweep go too.
    kill_idle_sessions(&tmux, "1m");
    // And the 9 AM checklist is green again, each recovery marked as a change.
    tmux.send(&["H"]);
    let checklist = tmux.wait_for("every check passing", Duration::from_secs(60), |s| {
        s.contains("Health check  ✓ PASS")
    });
    assert!(checklist.contains("fail→pass"), "{checklist}");
    tmux.send(&["Escape"]);

    // Seven actions, an intent and an outcome each.
    assert_eq!(journal_lines(&journal), 14);
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

fn war_room_command(dir: &std::path::Path, extra: &str) -> String {
    demo_command(&format!(
        "--journal {} --incident-dir {} {extra}",
        dir.join("journal.jsonl").display(),
        dir.join("incidents").display()
    ))
}

#[test]
fn a_crash_mid_incident_loses_nothing_and_reopening_continues_it() {
    let dir = tempfile::tempdir().unwrap();
    let command = war_room_command(dir.path(), "--seed 3");
    let Some(tmux) = Tmux::start(&command, 120, 40) else {
        return;
    };
    tmux.wait_for(
        "every pane with data",
        Duration::from_secs(30),
        all_panes_have_data,
    );

    // Declare a SEV-2 from the keyboard, add a note.
    tmux.send(&["D"]);
    tmux.wait_for("the declare form", Duration::from_secs(5), |s| {
        s.contains("Declare an incident")
    });
    tmux.send(&["2", "Tab"]);
    type_and_enter(&tmux, "search is slow for EU users");
    tmux.wait_for("the war room", Duration::from_secs(5), |s| {
        s.contains("SEV-2 OPEN") && s.contains("incident clock")
    });
    add_note(&tmux, "rolled back the search tier");
    tmux.wait_for("the note in the timeline", Duration::from_secs(5), |s| {
        s.contains("note     rolled back the search tier")
    });

    // A crash: SIGKILL, nothing cleaned up.
    tmux.kill_child("opsdeck");
    tmux.wait_for("the process gone", Duration::from_secs(5), |s| {
        s.contains("EXIT=137")
    });
    drop(tmux);

    let Some(tmux) = Tmux::start(&command, 120, 40) else {
        return;
    };
    let screen = tmux.wait_for("the incident continued", Duration::from_secs(15), |s| {
        s.contains("SEV-2 OPEN")
            && s.contains("search is slow for EU users")
            && s.contains("note     rolled back the search tier")
    });
    assert!(
        screen.contains("continuing SEV-2 \"search is slow for EU users\""),
        "{screen}"
    );

    // One incident at a time: declaring another from the command line is refused.
    let output = std::process::Command::new(binary())
        .args(["--demo", "--incident-dir"])
        .arg(dir.path().join("incidents"))
        .args(["--incident", "SEV1", "checkout down"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SEV-2 \"search is slow for EU users\"")
            && stderr.contains("is still open"),
        "{stderr}"
    );
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

#[test]
fn bad_incident_arguments_are_refused_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (
            vec!["--incident", "SEV4", "checkout down"],
            "error: --incident: \"SEV4\" is not a severity; expected SEV1, SEV2 or SEV3",
        ),
        (
            vec!["--incident", "SEV1", "  "],
            "error: --incident: the title is empty; say what is broken for whom",
        ),
    ] {
        let output = std::process::Command::new(binary())
            .arg("--demo")
            .arg("--incident-dir")
            .arg(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr).trim(),
            expected,
            "{args:?}"
        );
    }
    // Nothing was written.
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());

    // An incident folder that cannot be a folder is named, before the terminal is touched.
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, "").unwrap();
    let output = std::process::Command::new(binary())
        .arg("--demo")
        .arg("--incident-dir")
        .arg(&not_a_dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: cannot read incidents in {}: Not a directory",
            not_a_dir.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_demo_incident_runs_in_the_war_room_from_declaration_to_postmortem() {
    let dir = tempfile::tempdir().unwrap();
    let command = war_room_command(
        dir.path(),
        "--seed 1 --speed 20 --incident SEV1 \"checkout 5XX for all users\"",
    );
    let Some(tmux) = Tmux::start(&command, 200, 50) else {
        return;
    };
    tmux.set_option("set-clipboard", "on");
    tmux.wait_for("the declared incident", Duration::from_secs(30), |s| {
        s.contains("SEV-1 OPEN")
            && s.contains("checkout 5XX for all users")
            && s.contains("in ALARM")
    });

    // Issue 15, item 7: the triage row answers the SEV-1 runbook's "assess what's down"
    // (health URLs, targets, database from the RDS API, cache), each with its age. The
    // demo's health URLs fail once the fleet is overloaded.
    tmux.wait_for("the triage row", Duration::from_secs(30), |s| {
        s.lines().any(|line| {
            line.contains("triage")
                && line.contains("health ✗ 503")
                && line.contains("targets ✓")
                && line.contains("database ✓ available")
                && line.contains("cache ✓ available")
        })
    });

    add_note(&tmux, "paged the DB team");

    // Act from the panes: scale up, terminate the report query.
    tmux.send(&["W"]);
    scale_portal_from_5_to_12(&tmux);
    tmux.send(&["7"]);
    terminate_row(&tmux, "metabase");
    // And roll the last deploy back (the suggested version is the previous one).
    tmux.send(&["1", "B"]);
    tmux.wait_for("the version prompt", Duration::from_secs(5), |s| {
        s.contains("back to launch template version")
    });
    tmux.send(&["Enter"]);
    confirm_typed(
        &tmux,
        "Confirm: Roll back deploy",
        "basecoat-portal-asg",
        "Roll back deploy basecoat-portal-asg: succeeded",
    );

    // Back in the war room, each action is on the timeline with its outcome.
    tmux.send(&["W"]);
    tmux.wait_for("the actions in the timeline", Duration::from_secs(10), |s| {
        s.contains("action   Set desired capacity basecoat-portal-asg: desired capacity 5 → 12 — succeeded")
            && s.contains("action   Terminate backend")
            && s.contains("action   Roll back deploy basecoat-portal-asg: launch template basecoat-lt version 7 → version 6")
            && s.contains("note     paged the DB team")
    });

    // The initial notification, copied through tmux (OSC 52) and saved.
    tmux.send(&["m"]);
    tmux.wait_for("the messages", Duration::from_secs(5), |s| {
        s.contains("Incident messages") && s.contains("🚨")
    });
    tmux.send(&["y"]);
    tmux.wait_for("the copy", Duration::from_secs(5), |s| {
        s.contains("written to")
    });
    let copied = tmux.paste_buffer();
    assert!(
        copied.starts_with("🚨 INCIDENT ALERT - Severity 1\nService: basecoat-portal\nImpact: checkout 5XX for all users\nStatus: Investigating\nETA for Update: "),
        "{copied}"
    );
    tmux.send(&["Escape"]);
    // An Escape and a key read together are Alt+key to a terminal: wait for the overlay to
    // close before the next key (a busy machine once delivered them as one read).
    tmux.wait_for("the messages to close", Duration::from_secs(5), |s| {
        !s.contains("Incident messages")
    });

    // Resolve with root cause and prevention.
    tmux.send(&["E"]);
    tmux.wait_for("the resolve form", Duration::from_secs(5), |s| {
        s.contains("Resolve the incident")
    });
    tmux.send(&["-l", "leaked DB connections under load"]);
    tmux.send(&["Tab"]);
    type_and_enter(&tmux, "pool idle timeout; alarm on idle connections");
    tmux.wait_for("resolved", Duration::from_secs(5), |s| {
        s.contains("SEV-1 RESOLVED") && s.contains("resolved after")
    });
    let incidents = dir.path().join("incidents");
    let postmortem = std::fs::read_dir(&incidents)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.to_string_lossy().ends_with("-postmortem.md"))
        .expect("a post-incident timeline");
    let text = std::fs::read_to_string(postmortem).unwrap();
    for expected in [
        "# SEV-1 incident: checkout 5XX for all users",
        "- **Root cause:** leaked DB connections under load",
        "| note | paged the DB team |",
        "| action | Set desired capacity basecoat-portal-asg: desired capacity 5 → 12 — succeeded |",
        "| update | Initial Incident Notification sent |",
        "| action | Roll back deploy basecoat-portal-asg: launch template basecoat-lt version 7 → version 6",
        "| alarm | basecoat-portal-5xx-rate: ",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }

    // The resolution notification is ready to copy.
    tmux.send(&["m"]);
    tmux.wait_for("the resolution message", Duration::from_secs(5), |s| {
        s.contains("✅")
    });
    tmux.send(&["y"]);
    tmux.wait_for("the resolution copied", Duration::from_secs(5), |s| {
        s.contains("resolution-notification.txt")
    });
    assert!(
        tmux.paste_buffer()
            .starts_with("✅ INCIDENT RESOLVED - Severity 1\nService: basecoat-portal\nDuration: "),
        "{}",
        tmux.paste_buffer()
    );
    tmux.send(&["Escape"]);
    tmux.wait_for("the messages closed", Duration::from_secs(5), |s| {
        !s.contains("Incident messages")
    });
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), exited);
}

/// Issue 17, Done when: after AWS is killed, no pane or check looks fresh past its limit. The
/// release binary watches a seeded moto estate; moto is killed; the panes polled every second
/// turn stale within their deadline, and the Metrics pane (fetched once a minute) shows the
/// true age of its data, never "1s ago", until its next poll fails too; the checklist then
/// judges every AWS check unknown.
#[test]
fn after_aws_is_killed_no_pane_or_check_looks_fresh() {
    let Some(moto) = support::moto::MotoServer::start() else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    moto.seed_with_script();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let example = std::fs::read_to_string(root.join("assets/opsdeck.example.toml")).unwrap();
    std::fs::write(
        &config,
        format!(
            "refresh_interval_ms = 1000\n{}",
            example
                .replace("http://127.0.0.1:5000", &moto.endpoint)
                .replacen("refresh_interval_ms", "# refresh_interval_ms", 1)
        ),
    )
    .unwrap();
    let command = format!(
        "sh -c 'AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing {} --config {} --env local-moto --journal {} --log-file {} --incident-dir {}; echo EXIT=$?; sleep 600'",
        binary(),
        config.display(),
        dir.path().join("journal.jsonl").display(),
        dir.path().join("log").display(),
        dir.path().join("incidents").display()
    );
    let Some(tmux) = Tmux::start(&command, 160, 45) else {
        return;
    };
    tmux.wait_for("the AWS panes with data", Duration::from_secs(30), |s| {
        ["1 Auto Scaling", "2 Targets", "3 Metrics", "4 Alarms"]
            .iter()
            .all(|pane| pane_title_line(s, pane).is_some_and(|line| line.contains(" ago")))
            && s.contains("InService 5/5")
    });
    drop(moto);

    let screen = tmux.wait_for("the polled panes stale", Duration::from_secs(40), |s| {
        ["1 Auto Scaling", "2 Targets", "4 Alarms"]
            .iter()
            .all(|pane| pane_title_line(s, pane).is_some_and(|line| line.contains("⚠ stale")))
    });
    // The metrics were fetched at most a minute ago and are not polled again before their
    // period: their pane shows their real age, not the age of a poll.
    let metrics = pane_title_line(&screen, "3 Metrics").unwrap();
    assert!(
        !metrics.contains(" 1s ago") && !metrics.contains(" 0s ago"),
        "{metrics}"
    );

    let screen = tmux.wait_for("the Metrics pane stale", Duration::from_secs(100), |s| {
        pane_title_line(s, "3 Metrics").is_some_and(|line| line.contains("⚠ stale"))
    });
    assert!(screen.contains("3 Metrics"), "{screen}");
    tmux.send(&["H"]);
    let checklist = tmux.wait_for("the checklist", Duration::from_secs(5), |s| {
        s.contains("Health check")
    });
    for title in [
        "Auto Scaling: InService equals desired",
        "ALB: no unhealthy target",
        "5XX error rate",
        "CPU utilisation",
        "CloudWatch alarms: none in ALARM",
        "ECS: running equals desired",
        "ERROR lines in the window",
    ] {
        let row = checklist
            .lines()
            .find(|line| line.contains(title))
            .unwrap_or_else(|| panic!("no row {title}:\n{checklist}"));
        assert!(row.contains("? unknown"), "{row}");
    }
    tmux.send(&["q"]);
    tmux.wait_for("the panes", Duration::from_secs(5), |s| {
        s.contains("1 Auto Scaling")
    });
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), |s| s.contains("EXIT="));
}

/// `pane`'s top border: from its title to the border's corner, which holds its age or stale
/// badge (panes side by side share a screen line).
fn pane_title_line<'a>(screen: &'a str, pane: &str) -> Option<&'a str> {
    let line = screen.lines().find(|line| line.contains(pane))?;
    let start = line.find(pane)?;
    let rest = &line[start..];
    let end = rest.find(['┐', '┓']).map_or(rest.len(), |corner| corner);
    Some(&rest[..end])
}

/// Issue 16, items 1 and 2, in a real terminal: `]` widens the Metrics pane to 3 h, 12 h and
/// 7 d (the title says which, the chart's axis follows), `[` comes back, `w` draws last week
/// muted and names it in the legend, and the list shows the change against it.
#[test]
fn range_keys_change_the_chart_and_its_title_and_w_overlays_last_week() {
    let Some(tmux) = start_with_data(&demo_command("--seed 3"), 160, 44) else {
        return;
    };
    tmux.send(&["3", "z"]);
    tmux.wait_for(
        "the zoomed chart over the hour",
        Duration::from_secs(5),
        |s| s.contains("1h of 10s periods") && s.contains("-1h00m"),
    );
    tmux.send(&["]", "]"]);
    let twelve = tmux.wait_for("the 12-hour range", Duration::from_secs(10), |s| {
        s.contains("12h of 1m periods") && s.contains("-12h00m")
    });
    assert!(twelve.contains("┏ 3 Metrics"), "{twelve}");
    tmux.send(&["]", "]"]);
    tmux.wait_for("the 7-day range", Duration::from_secs(10), |s| {
        s.contains("7d of 1m periods") && s.contains("-7d")
    });
    tmux.send(&["["]);
    tmux.wait_for("back to 24 hours", Duration::from_secs(10), |s| {
        s.contains("24h of 1m periods")
    });
    tmux.send(&["w"]);
    let overlay = tmux.wait_for("last week's overlay", Duration::from_secs(10), |s| {
        s.contains("vs last week") && s.contains("same window a week earlier (-7d)")
    });
    let change = overlay
        .lines()
        .find(|line| line.contains("ALB requests"))
        .unwrap_or_else(|| panic!("no requests row:\n{overlay}"));
    assert!(
        change.contains('%') && (change.contains(" +") || change.contains(" -")),
        "the change against last week: {change}"
    );
}
