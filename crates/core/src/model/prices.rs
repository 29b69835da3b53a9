//! What the AWS reads cost, for the cost lines the screen shows (Amazon CloudWatch pricing).

/// GetMetricData's price: $0.01 per 1,000 metrics requested.
pub const DOLLARS_PER_METRIC: f64 = 0.01 / 1000.0;

/// Logs Insights' price per byte scanned: $0.005 per GB.
pub const DOLLARS_PER_BYTE_SCANNED: f64 = 0.005 / 1_000_000_000.0;
