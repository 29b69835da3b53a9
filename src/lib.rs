//! opsdeck: a full-screen terminal dashboard for on-call engineers running AWS workloads.
//!
//! Data flows one way: pollers -> messages -> `state::update` -> `ui::render`.

pub mod action;
pub mod action_runner;
pub mod app;
pub mod check;
pub mod check_catalog;
pub mod check_command;
pub mod cli;
pub mod clock;
pub mod config;
pub mod durable;
pub mod format;
pub mod incident;
pub mod key_action;
pub mod logging;
pub mod model;
pub mod msg;
pub mod poller;
pub mod run;
pub mod sim;
pub mod source;
pub mod state;
pub mod tui;
pub mod ui;
pub mod wiring;
