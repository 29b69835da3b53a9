//! The demo's DynamoDB table (`basecoat-sessions`, provisioned capacity): what its metrics
//! read at a given fleet utilisation, one formula for the live hour and the generated week.
//!
//! Shaped as opsdeck reads a real table ("DynamoDB Metrics and dimensions", Amazon DynamoDB
//! Developer Guide): consumed capacity as a percent of the provisioned, and throttle events,
//! which DynamoDB reports only once consumption passes what is provisioned.

/// The series ids, as the simulator's metric set names them.
pub const THROTTLES: &str = "dynamodb_throttles";
pub const READ_CAPACITY: &str = "dynamodb_read_capacity";
pub const WRITE_CAPACITY: &str = "dynamodb_write_capacity";

/// Series `id` of the table at `utilisation`, when `id` is one of its series: the one place
/// that maps the ids to their formulas, for the live hour and the generated week alike.
pub fn value(id: &str, utilisation: f64) -> Option<f64> {
    match id {
        THROTTLES => Some(throttles_per_second(utilisation)),
        READ_CAPACITY => Some(read_capacity_percent(utilisation)),
        WRITE_CAPACITY => Some(write_capacity_percent(utilisation)),
        _ => None,
    }
}

/// Consumed read capacity, percent of the provisioned: sessions are read on every request,
/// so it follows the fleet's utilisation (requests queue past 2.0, they are not read).
pub fn read_capacity_percent(utilisation: f64) -> f64 {
    20.0 + 40.0 * utilisation.clamp(0.0, 2.0)
}

/// Consumed write capacity, percent of the provisioned: a session is written at sign-in.
pub fn write_capacity_percent(utilisation: f64) -> f64 {
    10.0 + 20.0 * utilisation.clamp(0.0, 2.0)
}

/// Throttle events per second: none until a direction consumes more than 90 % of what is
/// provisioned (bursts over a second then exceed it), then three per point above.
pub fn throttles_per_second(utilisation: f64) -> f64 {
    let over = |percent: f64| (percent - 90.0).max(0.0) * 3.0;
    over(read_capacity_percent(utilisation)) + over(write_capacity_percent(utilisation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_stays_under_its_capacity_through_the_demo_surge() {
        // The demo's incident peaks near 1.5 utilisation: capacity reaches the warning
        // (80 %) at most, and nothing is throttled.
        assert_eq!(read_capacity_percent(1.5), 80.0);
        assert_eq!(read_capacity_percent(9.0), 100.0);
        assert!(write_capacity_percent(1.5) < read_capacity_percent(1.5));
        assert_eq!(throttles_per_second(1.5), 0.0);
        assert_eq!(throttles_per_second(0.5), 0.0);
        assert_eq!(value(READ_CAPACITY, 1.5), Some(80.0));
        assert_eq!(value("rds_cpu", 1.5), None);
    }

    #[test]
    fn throttles_start_past_ninety_percent() {
        let reading = |percent: f64| (percent - 20.0) / 40.0;
        assert_eq!(throttles_per_second(reading(90.0)), 0.0);
        assert!((throttles_per_second(reading(92.0)) - 6.0).abs() < 1e-9);
        assert!((throttles_per_second(9.0) - 30.0).abs() < 1e-9);
    }
}
