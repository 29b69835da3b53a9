//! The adapters behind the core's source traits: AWS, PostgreSQL, and the stand-in for what
//! an environment does not configure. The traits themselves live in `opsdeck_core::source`.

pub use opsdeck_core::source::*;

pub mod aws;
pub mod health;
pub mod postgres;
pub mod unconfigured;
