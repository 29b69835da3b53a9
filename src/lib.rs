//! opsdeck: a full-screen terminal dashboard for on-call engineers running AWS workloads.
//!
//! Data flows one way: pollers -> messages -> `state::update` -> `ui::render`. The crates are
//! the layers (`ARCHITECTURE.md`): `opsdeck-core` (pure: model, state and update, checks,
//! incidents, action proposals), `opsdeck-adapters` (AWS, PostgreSQL, the simulator, files,
//! pollers), `opsdeck-ui` (render and the event loop), and this one, the binary's: the
//! command line, settings files, wiring and subcommands. Every layer's modules are
//! re-exported here under their own names, for the binary's tests.

pub use opsdeck_adapters::{
    action, action_runner, clock, dirs, durable, incident, poller, runtime, sim, source,
};
pub use opsdeck_core::{
    check, check_catalog, discovery, estate, format, key, key_action, model, msg, state,
};
pub use opsdeck_ui::{app, estate_app, tui, ui};

pub mod check_command;
pub mod cli;
pub mod config;
pub mod discover_command;
pub mod estate_command;
pub mod logging;
pub mod report_command;
pub mod run;
pub mod session;
pub mod wiring;
