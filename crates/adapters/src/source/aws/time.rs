//! SDK timestamps to domain timestamps.

use crate::model::Timestamp;

/// An SDK `DateTime` as UTC; the epoch if it cannot be represented (never in practice).
pub fn to_utc(time: &aws_smithy_types::DateTime) -> Timestamp {
    chrono::DateTime::from_timestamp(time.secs(), time.subsec_nanos()).unwrap_or_default()
}

/// A domain timestamp as an SDK `DateTime`.
pub fn from_utc(time: Timestamp) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_secs(time.timestamp())
}
