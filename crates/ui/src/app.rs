//! The event loop: select over key events, poller messages, the clock and signals; update the
//! state; draw only when something visible changed.

use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::key::{KeyCode, KeyEvent, KeyModifiers};
use crate::model::Timestamp;
use crate::msg::{Effect, EffectRunner, Msg};
use crate::state::{PaneId, State, update};
use crate::theme::Theme;
use crate::tui::TerminalGuard;
use crate::ui;
/// The header clock shows seconds, so the screen needs at most one tick a second when idle.
const TICK: Duration = Duration::from_secs(1);

/// How the loop should end early, for benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    pub exit_after_first_full_frame: bool,
    /// Panic in a background task after this long: proves the panic hook restores the terminal.
    pub debug_panic_after: Option<Duration>,
}

/// How the dashboard ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit, or a signal arrived: leave opsdeck.
    Quit,
    /// Back to the estate screen this environment was opened from.
    Estate,
}

/// Runs the dashboard until the user quits or a signal arrives. `messages` carries what the
/// pollers and `effects`' work report; `effects` carries out what is not the terminal's.
pub async fn run(
    mut state: State,
    theme: Theme,
    mut messages: mpsc::Receiver<Msg>,
    effects: &dyn EffectRunner,
    options: RunOptions,
) -> Result<Ended> {
    if let Some(delay) = options.debug_panic_after {
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            #[allow(clippy::panic)]
            {
                panic!("deliberate panic from --debug-panic-after-ms");
            }
        });
    }

    let mut guard =
        TerminalGuard::enter().wrap_err("cannot enter the terminal's full-screen mode")?;
    let size = guard.terminal.size()?;
    update(
        &mut state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let (mut events, mut ticker, mut signals) = event_sources()?;
    let mut dirty = true;
    let mut ended = Ended::Quit;

    loop {
        if dirty {
            state.now = effects.now();
            crate::tui::draw_synchronized(&mut guard.terminal, |frame| {
                ui::render(&state, &theme, frame);
            })?;
            dirty = false;
            if options.exit_after_first_full_frame && every_pane_has_data(&state) {
                break;
            }
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match to_msg(event, effects.now()) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(error)) => return Err(error).wrap_err("cannot read from the terminal"),
                None => break,
            },
            Some(msg) = messages.recv() => msg,
            _ = ticker.tick() => Msg::Tick(effects.now()),
            () = signals.any() => break,
        };
        let mut leaving = apply(&mut state, msg, effects);
        // Coalesce a burst of poller messages into one frame.
        while let Ok(msg) = messages.try_recv() {
            leaving = leaving.or(apply(&mut state, msg, effects));
        }
        if let Some(how) = leaving {
            ended = how;
            break;
        }
        dirty = true;
    }
    drop(guard);
    Ok(ended)
}

/// What a screen's loop waits on besides its messages: the terminal's events, a tick a
/// second (the clocks on screen show seconds), and the signals that end opsdeck.
pub(crate) fn event_sources() -> Result<(EventStream, tokio::time::Interval, ExitSignals)> {
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    Ok((EventStream::new(), ticker, ExitSignals::watch()?))
}

/// The signals that end opsdeck with the terminal restored.
pub(crate) struct ExitSignals {
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
    quit: tokio::signal::unix::Signal,
}

impl ExitSignals {
    pub(crate) fn watch() -> Result<Self> {
        Ok(Self {
            terminate: signal(SignalKind::terminate()).wrap_err("cannot watch SIGTERM")?,
            hangup: signal(SignalKind::hangup()).wrap_err("cannot watch SIGHUP")?,
            // In raw mode Ctrl-C typed at the keyboard is a key; SIGINT and SIGQUIT come from
            // outside (kill, a supervisor) and would otherwise end the process with the
            // terminal left raw.
            interrupt: signal(SignalKind::interrupt()).wrap_err("cannot watch SIGINT")?,
            quit: signal(SignalKind::quit()).wrap_err("cannot watch SIGQUIT")?,
        })
    }

    /// Resolves when any of them arrives.
    pub(crate) async fn any(&mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
            _ = self.interrupt.recv() => {}
            _ = self.quit.recv() => {}
        }
    }
}

/// Updates the state and carries out the effects; how the dashboard ends, when it should.
/// Quitting, the estate and the clipboard are the terminal's; the rest go to `effects`.
fn apply(state: &mut State, msg: Msg, effects: &dyn EffectRunner) -> Option<Ended> {
    let mut quit = None;
    for effect in update(state, msg) {
        match effect {
            Effect::Quit => quit = Some(Ended::Quit),
            Effect::ShowEstate => quit = quit.or(Some(Ended::Estate)),
            Effect::CopyToClipboard(text) => copy_to_clipboard(&text),
            other => effects.carry_out(other),
        }
    }
    quit
}

/// Puts `text` on the clipboard of the terminal the operator sits at: OSC 52 travels through
/// SSH, and tmux passes it on (with `set-clipboard on`) or keeps it as a paste buffer.
fn copy_to_clipboard(text: &str) {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut stdout = std::io::stdout().lock();
    // A terminal that cannot take it ignores the sequence; the message is saved to a file too.
    let _ = write!(stdout, "\x1b]52;c;{encoded}\x07");
    let _ = stdout.flush();
}

/// Key presses (arrived `at`) and resizes; key release and repeat events are ignored.
pub fn to_msg(event: Event, at: Timestamp) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            core_key(key).map(|key| Msg::Key { key, at })
        }
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

/// The core's spelling of a terminal key press; keys no binding can name (media keys, a lone
/// modifier, Caps Lock) are None.
fn core_key(key: crossterm::event::KeyEvent) -> Option<KeyEvent> {
    use crossterm::event::KeyCode as Term;
    let code = match key.code {
        Term::Backspace => KeyCode::Backspace,
        Term::Enter => KeyCode::Enter,
        Term::Left => KeyCode::Left,
        Term::Right => KeyCode::Right,
        Term::Up => KeyCode::Up,
        Term::Down => KeyCode::Down,
        Term::Home => KeyCode::Home,
        Term::End => KeyCode::End,
        Term::PageUp => KeyCode::PageUp,
        Term::PageDown => KeyCode::PageDown,
        Term::Tab => KeyCode::Tab,
        Term::BackTab => KeyCode::BackTab,
        Term::Delete => KeyCode::Delete,
        Term::Insert => KeyCode::Insert,
        Term::F(number) => KeyCode::F(number),
        Term::Char(c) => KeyCode::Char(c),
        Term::Esc => KeyCode::Esc,
        _ => return None,
    };
    let mut modifiers = KeyModifiers::NONE;
    for (term, core) in [
        (crossterm::event::KeyModifiers::SHIFT, KeyModifiers::SHIFT),
        (
            crossterm::event::KeyModifiers::CONTROL,
            KeyModifiers::CONTROL,
        ),
        (crossterm::event::KeyModifiers::ALT, KeyModifiers::ALT),
    ] {
        if key.modifiers.contains(term) {
            modifiers.insert(core);
        }
    }
    Some(KeyEvent::new(code, modifiers))
}

fn every_pane_has_data(state: &State) -> bool {
    PaneId::ALL
        .iter()
        .all(|pane| state.source(pane.source()).updated_at.is_some())
}
