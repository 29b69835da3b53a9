//! opsdeck's adapters: the outside world behind the core's traits. The AWS and PostgreSQL
//! sources and action executors, the demo simulator, the clock, the pollers that own each
//! source's schedule, the action runner (journal, then execute), the journal and incident
//! files, and the runtime that carries out `update`'s effects.

// The core's modules under their own names, so paths read the same in every crate.
pub(crate) use opsdeck_core::{discovery, format, model, msg};

pub mod action;
pub mod action_runner;
pub mod clock;
pub mod dirs;
pub mod durable;
pub mod incident;
pub mod poller;
pub mod runtime;
pub mod sim;
pub mod source;
pub mod tls;
