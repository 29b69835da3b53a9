//! CloudWatch alarms.

use super::Timestamp;

/// One alarm as `DescribeAlarms` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub state: AlarmState,
    pub reason: String,
    pub state_updated_at: Timestamp,
    pub metric: Option<String>,
}

/// Alarm states, ordered so the most urgent sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlarmState {
    Alarm,
    InsufficientData,
    Ok,
}

impl AlarmState {
    /// Parses the CloudWatch spelling.
    pub fn from_aws(value: &str) -> Self {
        match value {
            "ALARM" => Self::Alarm,
            "OK" => Self::Ok,
            _ => Self::InsufficientData,
        }
    }

    /// The CloudWatch spelling, for display.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
            Self::Ok => "OK",
        }
    }
}
