//! Guarded actions: the proposals and requests live in `opsdeck_core::action`; this adds the
//! journal file they are written to.

pub use opsdeck_core::action::*;

pub mod journal;
