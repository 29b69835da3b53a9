//! A real terminal for end-to-end tests: tmux on a private socket, keys by send-keys, the
//! screen by capture-pane.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::in_ci;

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// One tmux server with one session, killed on drop.
pub struct Tmux {
    socket: String,
}

/// The binary under test: `$OPSDECK_E2E_BIN` (CI points it at the release build), else the
/// binary cargo built for this test run.
pub fn binary() -> String {
    std::env::var("OPSDECK_E2E_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_opsdeck").to_owned())
}

impl Tmux {
    /// Starts `command` (a shell line) in a `width` x `height` terminal, or returns None
    /// (outside CI) when tmux is not installed.
    pub fn start(command: &str, width: u16, height: u16) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(!in_ci(), "tmux is not installed: apt-get install tmux");
            eprintln!("skipping: tmux is not installed");
            return None;
        }
        let socket = format!(
            "opsdeck-e2e-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::SeqCst)
        );
        let tmux = Self { socket };
        let output = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            command,
        ]);
        assert!(
            output.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("run tmux")
    }

    /// Sends keys as tmux names them (`q`, `Tab`, `BTab`, `Escape`, `C-c`, `Enter`).
    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        let output = self.run(&args);
        assert!(
            output.status.success(),
            "send-keys {keys:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Sets a server option, e.g. `set-clipboard on` (OSC 52 lands in a paste buffer).
    pub fn set_option(&self, name: &str, value: &str) {
        let output = self.run(&["set-option", "-g", name, value]);
        assert!(
            output.status.success(),
            "set-option {name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The newest paste buffer (what an application copied with OSC 52), or "" when none.
    pub fn paste_buffer(&self) -> String {
        String::from_utf8_lossy(&self.run(&["show-buffer"]).stdout).into_owned()
    }

    /// Kills the pane's child process `name` with SIGKILL (a crash: nothing is cleaned up).
    pub fn kill_child(&self, name: &str) {
        let shell = self.display("#{pane_pid}");
        let status = Command::new("pkill")
            .args(["-KILL", "-P", &shell, "-x", name])
            .status()
            .expect("run pkill");
        assert!(status.success(), "no {name} process under pane pid {shell}");
    }

    /// The visible screen as text.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    /// A tmux format value of the pane, e.g. `#{cursor_flag}`.
    pub fn display(&self, format: &str) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["display-message", "-p", "-t", "e2e", format])
                .stdout,
        )
        .trim()
        .to_owned()
    }

    /// Resizes the terminal.
    pub fn resize(&self, width: u16, height: u16) {
        let output = self.run(&[
            "resize-window",
            "-t",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        assert!(
            output.status.success(),
            "resize: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Waits until the screen satisfies `condition` and has settled (the same on a second
    /// look: a capture can land mid-frame, half old, half new); panics with the screen after
    /// `timeout`.
    pub fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        condition: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if condition(&screen) {
                std::thread::sleep(Duration::from_millis(60));
                if self.screen() == screen {
                    return screen;
                }
                continue;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The estate screen's row of environment `name` (`acme-prod` is shown as customer `acme`,
/// environment `prod`), if it is on `screen`.
pub fn estate_row(screen: &str, name: &str) -> Option<String> {
    let (customer, environment) = name.rsplit_once('-').unwrap_or((name, ""));
    screen
        .lines()
        .find(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words
                .windows(2)
                .any(|pair| pair[0] == customer && pair[1] == environment)
        })
        .map(str::to_owned)
}
