//! The pure core of opsdeck: the domain model, the screen state and `update`, check
//! evaluation, incident logic, action proposals, the settings' formats, and the traits the
//! adapters implement. No runtime, no terminal, no AWS SDK, no database driver, no clock and
//! no filesystem: the compiler keeps it so (this crate does not depend on them), and
//! `clippy.toml` bans reading the clock or the filesystem here.
//!
//! Data flows one way: pollers -> messages -> `state::update` -> render.

pub mod action;
pub mod check;
pub mod check_catalog;
pub mod config;
pub mod discovery;
pub mod estate;
pub mod format;
pub mod incident;
pub mod key;
pub mod key_action;
pub mod model;
pub mod msg;
pub mod source;
pub mod state;
