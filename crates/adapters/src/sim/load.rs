//! Traffic and what it does to the fleet: the daily shape, the scripted spike, and the
//! queueing curve that turns utilisation into latency and errors.

use std::f64::consts::PI;

use super::rng::Rng;

/// Requests per second on an average day at the daily mean.
const BASE_REQUESTS_PER_SECOND: f64 = 400.0;
/// What one instance serves at 100 % CPU.
pub const INSTANCE_CAPACITY_RPS: f64 = 200.0;
/// The scripted incident starts this many seconds into the demo.
pub const INCIDENT_START_SECONDS: i64 = 60;
/// The spike reaches its peak after this many seconds.
const INCIDENT_RAMP_SECONDS: f64 = 90.0;
/// Peak traffic as a multiple of normal.
const INCIDENT_PEAK_FACTOR: f64 = 2.8;

/// The estate's load and health at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Load {
    pub requests_per_second: f64,
    /// Demand over healthy capacity; above 1 the fleet is overloaded.
    pub utilisation: f64,
    pub cpu_percent: f64,
    pub p99_ms: f64,
    pub average_ms: f64,
    pub maximum_ms: f64,
    pub error_5xx_percent: f64,
    pub error_4xx_percent: f64,
}

/// Traffic multiplier of the scripted spike at `elapsed` seconds.
pub fn incident_factor(elapsed: i64) -> f64 {
    if elapsed < INCIDENT_START_SECONDS {
        return 1.0;
    }
    let progress = ((elapsed - INCIDENT_START_SECONDS) as f64 / INCIDENT_RAMP_SECONDS).min(1.0);
    1.0 + (INCIDENT_PEAK_FACTOR - 1.0) * progress
}

/// Daily traffic shape; the demo's day starts at 09:00, on the morning ramp.
pub fn daily_factor(elapsed: i64) -> f64 {
    let hours_since_nine = elapsed as f64 / 3600.0;
    1.0 + 0.25 * (2.0 * PI * (hours_since_nine - 3.0) / 24.0).cos()
}

/// The load at `elapsed` seconds with `healthy_targets` serving; the scripted incident follows
/// `incident_clock` (the elapsed seconds, or a time it never reaches in a calm estate).
pub fn compute(rng: &mut Rng, elapsed: i64, incident_clock: i64, healthy_targets: usize) -> Load {
    let demand = BASE_REQUESTS_PER_SECOND
        * daily_factor(elapsed)
        * incident_factor(incident_clock)
        * (1.0 + 0.03 * rng.noise());
    let capacity = healthy_targets as f64 * INSTANCE_CAPACITY_RPS;
    let utilisation = if capacity > 0.0 {
        demand / capacity
    } else {
        5.0
    };
    let p99_ms = p99_for(utilisation) * (1.0 + 0.04 * rng.noise());
    Load {
        requests_per_second: demand.max(0.0),
        utilisation,
        cpu_percent: (utilisation * 100.0 + 1.5 * rng.noise()).clamp(1.0, 100.0),
        p99_ms,
        average_ms: p99_ms * 0.32,
        maximum_ms: p99_ms * (1.8 + 0.2 * rng.unit()),
        error_5xx_percent: (0.02 + (utilisation - 0.85).max(0.0) * 35.0 + 0.01 * rng.noise())
            .clamp(0.0, 100.0),
        error_4xx_percent: (2.5 + 0.3 * rng.noise()).max(0.0),
    }
}

/// p99 latency in ms from utilisation: flat when idle, climbing like a queue near saturation.
pub fn p99_for(utilisation: f64) -> f64 {
    const KNEE: f64 = 0.97;
    if utilisation < KNEE {
        80.0 + 40.0 / (1.0 - utilisation.max(0.0))
    } else {
        80.0 + 40.0 / (1.0 - KNEE) + (utilisation - KNEE) * 3000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_rises_with_utilisation() {
        assert!(p99_for(0.4) < p99_for(0.8));
        assert!(p99_for(0.8) < p99_for(1.2));
        assert!(p99_for(0.4) < 200.0);
        assert!(p99_for(1.3) > 1000.0);
    }

    #[test]
    fn spike_ramps_then_holds() {
        assert!((incident_factor(0) - 1.0).abs() < f64::EPSILON);
        assert!(incident_factor(100) > 1.0);
        assert!((incident_factor(3600) - INCIDENT_PEAK_FACTOR).abs() < 1e-9);
    }
}
