//! opsdeck's terminal: `ui::render` (a pure function of the state), the themes it draws with,
//! the terminal guard, and the event loop that reads keys, applies messages and hands the
//! effects that are not the terminal's to the core's `EffectRunner`.

// The core's modules under their own names, so paths read the same in every crate.
pub(crate) use opsdeck_core::{
    action, check, config, estate, format, incident, key, model, msg, state,
};

pub mod app;
pub mod estate_app;
pub mod theme;
pub mod tui;
pub mod ui;
