//! How old each source's data is, and when it is too old to judge by: freshness is the data's,
//! not the poll's, so a source whose polls stopped arriving (hung, paused, backed off) turns
//! stale and the checks and vitals on it unknown, even before any poll reports an error.

use super::{PaneId, State};
use crate::format;
use crate::model::Timestamp;
use crate::model::{Schedules, SourceKind};

/// What the staleness limits are computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Freshness {
    /// Each source's deadline and minimum interval, as its poller uses them.
    pub schedules: Schedules,
    /// Clock seconds per real second (the demo's `--speed`): polls are scheduled in real
    /// time while data ages on the clock.
    pub clock_speed: f64,
    /// Which sources were stale at the last look, by [`SourceKind::index`].
    pub stale: [bool; SourceKind::COUNT],
}

impl Default for Freshness {
    fn default() -> Self {
        Self {
            schedules: Schedules::default(),
            clock_speed: 1.0,
            stale: [false; SourceKind::COUNT],
        }
    }
}

/// How many clock seconds old `source`'s data may grow before it is stale.
pub fn limit_seconds(state: &State, source: SourceKind) -> i64 {
    let real = state
        .freshness
        .schedules
        .of(source)
        .staleness_limit(state.polling.interval_ms);
    let clock = real.as_secs_f64() * state.freshness.clock_speed.max(1.0);
    clock.ceil() as i64
}

/// The age of `source`'s last good data at `now`, in seconds; None before the first.
pub fn age_seconds(state: &State, source: SourceKind, now: Timestamp) -> Option<i64> {
    let updated_at = state.source(source).updated_at?;
    Some(format::seconds_between(updated_at, now))
}

/// Why `source`'s data is too old to judge by at `now`, or None while it is fresh enough.
pub fn stale_reason(state: &State, source: SourceKind, now: Timestamp) -> Option<String> {
    let age = age_seconds(state, source, now)?;
    let limit = limit_seconds(state, source);
    (age > limit).then(|| {
        let why = if state.polling.paused {
            "polling is paused"
        } else {
            "no poll has answered since"
        };
        format!(
            "the last data is {} old, older than its {} limit ({why})",
            format::duration(age),
            format::duration(limit)
        )
    })
}

/// Every source's staleness at `now`.
pub fn stale_now(state: &State, now: Timestamp) -> [bool; SourceKind::COUNT] {
    SourceKind::ALL.map(|source| stale_reason(state, source, now).is_some())
}

/// Whether `pane`'s own source's data is too old (the frame's stale badge).
pub fn pane_is_stale(state: &State, pane: PaneId) -> bool {
    state.freshness.stale[pane.source().index()]
}
