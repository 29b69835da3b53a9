//! The estate screen's event loop: keys, the light pollers' readings, the clock and signals in;
//! `estate::update`; draw when something changed. It returns when the user quits or opens an
//! environment; the state and the readings' channel outlive it, so the estate comes back as
//! it was, with what was read meanwhile.

use color_eyre::eyre::{Result, WrapErr};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::app::{event_sources, to_msg};
use crate::estate::{EstateEffect, EstateMsg, EstateState, update};
use crate::model::Timestamp;
use crate::msg::Msg;
use crate::theme::Theme;
use crate::tui::TerminalGuard;

/// Why the estate screen returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EstateExit {
    Quit,
    Open(String),
}

/// Runs the estate screen. `readings` carries the light pollers' messages; `read_all_now`
/// asks them to read every environment at once; `now` is the clock.
pub async fn run_estate(
    state: &mut EstateState,
    theme: &Theme,
    readings: &mut mpsc::UnboundedReceiver<EstateMsg>,
    read_all_now: &dyn Fn(),
    now: &dyn Fn() -> Timestamp,
) -> Result<EstateExit> {
    let mut guard =
        TerminalGuard::enter().wrap_err("cannot enter the terminal's full-screen mode")?;
    let size = guard.terminal.size()?;
    update(
        state,
        EstateMsg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let (mut events, mut ticker, mut signals) = event_sources()?;
    loop {
        state.now = now();
        crate::tui::draw_synchronized(&mut guard.terminal, |frame| {
            let area = frame.area();
            crate::ui::draw_estate(state, theme, area, frame.buffer_mut());
        })?;
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match to_msg(event, now()) {
                    Some(Msg::Key { key, at }) => EstateMsg::Key { key, at },
                    Some(Msg::Resize { width, height }) => EstateMsg::Resize { width, height },
                    _ => continue,
                },
                Some(Err(error)) => return Err(error).wrap_err("cannot read from the terminal"),
                None => return Ok(EstateExit::Quit),
            },
            Some(msg) = readings.recv() => msg,
            _ = ticker.tick() => EstateMsg::Tick(now()),
            () = signals.any() => return Ok(EstateExit::Quit),
        };
        let mut effects = update(state, msg);
        while let Ok(msg) = readings.try_recv() {
            effects.extend(update(state, msg));
        }
        for effect in effects {
            match effect {
                EstateEffect::Quit => return Ok(EstateExit::Quit),
                EstateEffect::Open(name) => return Ok(EstateExit::Open(name)),
                EstateEffect::ReadAllNow => read_all_now(),
            }
        }
    }
}
