//! The one clock the app reads: wall time, or compressed time in the demo (`--speed`).

use std::time::Instant;

use crate::model::Timestamp;

/// Maps the monotonic clock onto UTC, optionally running faster than real time.
#[derive(Debug, Clone)]
pub struct Clock {
    origin_utc: Timestamp,
    origin_instant: Instant,
    speed: f64,
}

impl Clock {
    /// Real time.
    pub fn wall() -> Self {
        Self::with_speed(chrono::Utc::now(), 1.0)
    }

    /// Time that starts at `origin_utc` and runs `speed` times faster than real time.
    pub fn with_speed(origin_utc: Timestamp, speed: f64) -> Self {
        Self {
            origin_utc,
            origin_instant: Instant::now(),
            speed,
        }
    }

    /// The current time on this clock.
    pub fn now(&self) -> Timestamp {
        let real_elapsed = self.origin_instant.elapsed().as_secs_f64();
        let scaled_ms = (real_elapsed * self.speed * 1000.0) as i64;
        self.origin_utc + chrono::Duration::milliseconds(scaled_ms)
    }

    /// How many clock seconds pass per real second.
    pub fn speed(&self) -> f64 {
        self.speed
    }
}
