//! The event loop: select over key events, poller messages, the clock and signals; update the
//! state; draw only when something visible changed.

use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};

use crate::action::runner::ActionRunner;
use crate::config::Theme;
use crate::msg::{Effect, Msg};
use crate::source::{Sources, spawn_pollers};
use crate::state::{PaneId, State, update};
use crate::tui::TerminalGuard;
use crate::ui;

/// Capacity of the message channel: pollers wait when the UI falls behind, never pile up.
const CHANNEL_CAPACITY: usize = 256;
/// The header clock shows seconds, so the screen needs at most one tick a second when idle.
const TICK: Duration = Duration::from_secs(1);

/// How the loop should end early, for benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    pub exit_after_first_full_frame: bool,
    /// Panic in a background task after this long: proves the panic hook restores the terminal.
    pub debug_panic_after: Option<Duration>,
}

/// Runs the dashboard until the user quits or a signal arrives.
pub async fn run(
    mut state: State,
    theme: Theme,
    sources: Sources,
    runner: ActionRunner,
    options: RunOptions,
) -> Result<()> {
    let clock = runner.clock.clone();
    let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
    let (control_tx, control_rx) = watch::channel(state.polling);
    spawn_pollers(&sources, &clock, control_rx, tx.clone());
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
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut terminate = signal(SignalKind::terminate()).wrap_err("cannot watch SIGTERM")?;
    let mut hangup = signal(SignalKind::hangup()).wrap_err("cannot watch SIGHUP")?;
    let mut dirty = true;

    loop {
        if dirty {
            state.now = clock.now();
            guard
                .terminal
                .draw(|frame| ui::render(&state, &theme, frame))?;
            dirty = false;
            if options.exit_after_first_full_frame && every_pane_has_data(&state) {
                break;
            }
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match to_msg(event) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(error)) => return Err(error).wrap_err("cannot read from the terminal"),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
            _ = ticker.tick() => Msg::Tick(clock.now()),
            _ = terminate.recv() => break,
            _ = hangup.recv() => break,
        };
        let effects = Effects {
            polling: &control_tx,
            runner: &runner,
            messages: &tx,
            sources: &sources,
            clock: &clock,
        };
        let mut quit = apply(&mut state, msg, &effects);
        // Coalesce a burst of poller messages into one frame.
        while let Ok(msg) = rx.try_recv() {
            quit |= apply(&mut state, msg, &effects);
        }
        if quit {
            break;
        }
        dirty = true;
    }
    drop(guard);
    Ok(())
}

/// Where effects go.
struct Effects<'a> {
    polling: &'a watch::Sender<crate::source::PollControl>,
    runner: &'a ActionRunner,
    messages: &'a mpsc::Sender<Msg>,
    sources: &'a Sources,
    clock: &'a crate::clock::Clock,
}

/// Updates the state and carries out the effects; true when the app should quit.
fn apply(state: &mut State, msg: Msg, effects: &Effects<'_>) -> bool {
    let mut quit = false;
    for effect in update(state, msg) {
        match effect {
            Effect::Quit => quit = true,
            Effect::ControlPolling(polling) => {
                effects.polling.send_replace(polling);
            }
            Effect::LoadTableSizes => {
                let database = effects.sources.database.clone();
                let messages = effects.messages.clone();
                let clock = effects.clock.clone();
                tokio::spawn(async move {
                    let result = database.table_sizes().await;
                    let _ = messages
                        .send(Msg::TableSizes {
                            result,
                            at: clock.now(),
                        })
                        .await;
                });
            }
            Effect::LoadLaunchTemplateVersions { group } => {
                let auto_scaling = effects.sources.auto_scaling.clone();
                let messages = effects.messages.clone();
                tokio::spawn(async move {
                    let result = auto_scaling.launch_template_versions(&group).await;
                    let _ = messages
                        .send(Msg::LaunchTemplateVersions { group, result })
                        .await;
                });
            }
            Effect::Execute(proposal) => {
                let runner = effects.runner.clone();
                let messages = effects.messages.clone();
                tokio::spawn(async move {
                    let finished = runner.run(*proposal).await;
                    let _ = messages.send(finished).await;
                });
            }
        }
    }
    quit
}

/// Key presses and resizes; key release and repeat events are ignored.
pub fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

fn every_pane_has_data(state: &State) -> bool {
    PaneId::ALL
        .iter()
        .all(|pane| state.pane(*pane).updated_at.is_some())
}
