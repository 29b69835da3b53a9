//! Shared test support: a demo screen at a fixed time, and real peers (PostgreSQL, moto).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod aws;
pub mod aws_shaped;
pub mod cbor;
pub mod cli;
pub mod http_peer;
pub mod moto;
pub mod postgres;
pub mod proxy;
pub mod screen;
pub mod tmux;

/// True when running in CI, where a missing peer must fail the test, never skip it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false")
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("no free loopback port")
}

/// Runs openssl with `args` in `dir`, quietly; panics when it fails (the tests' certificates).
pub fn openssl(dir: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run openssl");
    assert!(status.success(), "openssl {args:?} failed");
}
