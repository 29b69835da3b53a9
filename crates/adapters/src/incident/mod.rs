//! Incidents: the logic lives in `opsdeck_core::incident`; this adds the store on disk.

pub use opsdeck_core::incident::*;

pub mod store;
