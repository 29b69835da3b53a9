//! The demo's week of metric history before the hour it simulates: generated from the daily
//! traffic shape and the seed at any instant asked for (nothing stepped), with last night's
//! scripted event (the portal's response time over its alarm from 02:10 to 02:35) and the
//! ECS web service running near 70 % CPU through the working day.

use super::load::{daily_factor, p99_for};
use super::sessions_table;

/// The demo's day starts at 09:00 (elapsed 0); last night's event, in elapsed seconds.
pub const OVERNIGHT_EVENT: (i64, i64) = (-(6 * 3600 + 50 * 60), -(6 * 3600 + 25 * 60));

/// Requests per second on an average day, as the live simulation's.
const BASE_REQUESTS_PER_SECOND: f64 = 400.0;
/// What the five instances serve at 100 % CPU.
const FLEET_CAPACITY_RPS: f64 = 5.0 * 200.0;

/// A value in [-1, 1) that depends only on the seed, the series and the minute: the same
/// instant always reads the same, however it is asked for.
fn noise(seed: u64, series: &str, elapsed: i64) -> f64 {
    let mut hash = seed ^ 0x9E37_79B9_7F4A_7C15;
    for byte in series.bytes().chain(elapsed.div_euclid(60).to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01B3);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    hash ^= hash >> 33;
    (hash >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// True while last night's event runs.
fn overnight(elapsed: i64) -> bool {
    (OVERNIGHT_EVENT.0..OVERNIGHT_EVENT.1).contains(&elapsed)
}

/// Series `id` at `elapsed` seconds (negative: before the demo's day), per second for
/// counts (a period's sum is this times its length).
pub fn value(seed: u64, id: &str, elapsed: i64) -> f64 {
    let wobble = noise(seed, id, elapsed);
    let requests = BASE_REQUESTS_PER_SECOND * daily_factor(elapsed) * (1.0 + 0.03 * wobble);
    let utilisation = requests / FLEET_CAPACITY_RPS;
    let p99 = p99_for(utilisation) * (1.0 + 0.04 * wobble);
    // Working hours (09:00-18:00) bring the web service's batch of exports.
    let hour = (elapsed.rem_euclid(24 * 3600) as f64 / 3600.0 + 9.0) % 24.0;
    let working = (9.0..18.0).contains(&hour);
    match id {
        "alb_response_p99" if overnight(elapsed) => 1400.0 + 80.0 * wobble,
        "alb_response_p99" => p99,
        "alb_response_avg" if overnight(elapsed) => 450.0 + 30.0 * wobble,
        "alb_response_avg" => p99 * 0.32,
        "alb_response_max" => p99 * (1.9 + 0.1 * wobble),
        "alb_5xx_rate" => (0.02 + 0.01 * wobble).max(0.0),
        "alb_4xx_rate" => (2.5 + 0.3 * wobble).max(0.0),
        "alb_requests" => requests,
        "asg_cpu" => (utilisation * 100.0 + 1.5 * wobble).clamp(1.0, 100.0),
        "ecs_web_cpu" if working => 69.0 + 2.5 * wobble,
        "ecs_web_cpu" => 38.0 + 3.0 * wobble,
        "ecs_web_memory" => (52.0 + 8.0 * utilisation + wobble).clamp(5.0, 99.5),
        "rds_connections" => (110.0 + 50.0 * utilisation + 4.0 * wobble).round(),
        "rds_read_latency" => (3.5 + 0.3 * wobble).max(0.5),
        "rds_write_latency" => (5.5 + 0.4 * wobble).max(0.5),
        "rds_cpu" => (18.0 + utilisation.min(1.5) * 15.0 + 2.0 * wobble).min(100.0),
        // Capacity wobbles a little; a throttle count of zero stays zero.
        sessions_table::THROTTLES => sessions_table::throttles_per_second(utilisation),
        id => sessions_table::value(id, utilisation).map_or(0.0, |value| value + 0.5 * wobble),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_instant_always_reads_the_same() {
        assert_eq!(value(1, "asg_cpu", -86_400), value(1, "asg_cpu", -86_400));
        assert_ne!(value(1, "asg_cpu", -86_400), value(2, "asg_cpu", -86_400));
    }

    #[test]
    fn last_night_the_response_time_crossed_its_alarm_and_came_back() {
        let during = (OVERNIGHT_EVENT.0 + OVERNIGHT_EVENT.1) / 2;
        assert!(value(1, "alb_response_p99", during) > 1000.0);
        assert!(value(1, "alb_response_p99", OVERNIGHT_EVENT.1 + 600) < 1000.0);
    }

    #[test]
    fn the_web_service_runs_near_seventy_percent_in_working_hours() {
        let noon = 3 * 3600 - 86_400;
        let cpu = value(1, "ecs_web_cpu", noon);
        assert!((66.0..72.0).contains(&cpu), "{cpu}");
        assert!(value(1, "ecs_web_cpu", noon + 12 * 3600) < 45.0);
    }
}
