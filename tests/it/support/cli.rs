//! The opsdeck binary as a user runs it, without a terminal and away from the user's own
//! config.

use std::process::{Command, Output};

/// Runs `opsdeck ARGS` with no config file of the user's.
pub fn opsdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env_remove("OPSDECK_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .expect("run the opsdeck binary")
}
