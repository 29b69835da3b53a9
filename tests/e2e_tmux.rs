//! End to end in a real terminal: the binary under tmux, keys by send-keys, the screen by
//! capture-pane. Checks panes, focus, zoom, help, resize, quit, and that the terminal is left
//! as it was found after quit, SIGTERM and a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

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
    format!(
        "sh -c '{} --demo --log-file {} {extra}; echo EXIT=$?; stty -a | tr \" \" \"\\n\" | grep -x -- \"-\\?icanon\"; sleep 600'",
        binary(),
        log.display()
    )
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

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for (signal, seed) in [("-TERM", 9), ("-HUP", 11)] {
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
