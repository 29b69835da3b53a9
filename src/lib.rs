//! opsdeck: a full-screen terminal dashboard for on-call engineers running AWS workloads.
//!
//! Data flows one way: pollers -> messages -> `state::update` -> `ui::render`. The pure part
//! (model, state and update, checks, incidents, action proposals) is the `opsdeck-core`
//! crate, re-exported here under its own module names; this crate adds the adapters, the
//! terminal and the binary's wiring.

pub use opsdeck_core::{check, check_catalog, format, key, key_action, model, msg, state};

pub mod action;
pub mod action_runner;
pub mod app;
pub mod check_command;
pub mod cli;
pub mod clock;
pub mod config;
pub mod durable;
pub mod incident;
pub mod logging;
pub mod poller;
pub mod run;
pub mod sim;
pub mod source;
pub mod tui;
pub mod ui;
pub mod wiring;
