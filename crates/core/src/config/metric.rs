//! Settings of the AWS panes beyond names: extra CloudWatch metrics and the Logs queries.
//! Each value is checked as it is read, so a bad one is reported at its line and column.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Statistic;

/// One `[[environments.NAME.metrics]]` entry: a CloudWatch metric shown beside the runbooks'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraMetric {
    /// Shown in the Metrics pane; defaults to the metric's name.
    pub label: Option<String>,
    pub namespace: String,
    pub name: String,
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
    #[serde(default)]
    pub stat: StatSetting,
    #[serde(default)]
    pub period: PeriodSetting,
    #[serde(default)]
    pub unit: String,
}

/// A statistic in CloudWatch's spelling, checked when read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StatSetting(pub Statistic);

impl Default for StatSetting {
    fn default() -> Self {
        Self(Statistic::Average)
    }
}

impl TryFrom<String> for StatSetting {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Statistic::parse(&text).map(Self)
    }
}

impl From<StatSetting> for String {
    fn from(setting: StatSetting) -> Self {
        setting.0.label()
    }
}

/// A metric period in seconds: 1, 5, 10, 20, 30 (high resolution) or a multiple of 60, as
/// GetMetricData accepts ("MetricStat", Amazon CloudWatch API Reference: "the period can be 1,
/// 5, 10, 20, 30, 60, or any multiple of 60").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PeriodSetting(pub u32);

impl Default for PeriodSetting {
    fn default() -> Self {
        Self(60)
    }
}

/// How far back the metric charts reach: a period longer than this gets no whole datapoint
/// in the window.
pub const METRIC_WINDOW_SECONDS: u32 = 3 * 3600;

impl TryFrom<u32> for PeriodSetting {
    type Error = String;
    fn try_from(seconds: u32) -> Result<Self, String> {
        if seconds > METRIC_WINDOW_SECONDS {
            Err(format!(
                "period {seconds} is longer than the charts' 3-hour window ({METRIC_WINDOW_SECONDS} s): GetMetricData would answer with no whole datapoint; use at most {METRIC_WINDOW_SECONDS}"
            ))
        } else if matches!(seconds, 1 | 5 | 10 | 20 | 30)
            || (seconds > 0 && seconds.is_multiple_of(60))
        {
            Ok(Self(seconds))
        } else {
            Err(format!(
                "period {seconds} is not one CloudWatch accepts; expected 1, 5, 10, 20, 30 or a multiple of 60"
            ))
        }
    }
}

impl From<PeriodSetting> for u32 {
    fn from(setting: PeriodSetting) -> Self {
        setting.0
    }
}

/// The Logs pane's window in minutes: 1 to 1440 (a day); longer windows scan, and cost,
/// more than a pane should.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct WindowMinutes(pub u32);

/// Longest Logs window.
const MAX_WINDOW_MINUTES: u32 = 24 * 60;

impl TryFrom<u32> for WindowMinutes {
    type Error = String;
    fn try_from(minutes: u32) -> Result<Self, String> {
        if (1..=MAX_WINDOW_MINUTES).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err(format!(
                "log_window_minutes is {minutes}; expected 1 to {MAX_WINDOW_MINUTES}"
            ))
        }
    }
}

impl From<WindowMinutes> for u32 {
    fn from(setting: WindowMinutes) -> Self {
        setting.0
    }
}

/// A health probe's timeout in seconds: 1 to 60. A health URL slower than a minute is down
/// for anyone who asks it, and the poll must end well inside its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct HealthTimeout(pub u64);

/// Longest health probe timeout.
pub const MAX_HEALTH_TIMEOUT_SECONDS: u64 = 60;

impl TryFrom<u64> for HealthTimeout {
    type Error = String;
    fn try_from(seconds: u64) -> Result<Self, String> {
        if (1..=MAX_HEALTH_TIMEOUT_SECONDS).contains(&seconds) {
            Ok(Self(seconds))
        } else {
            Err(format!(
                "health_timeout_seconds is {seconds}; expected 1 to {MAX_HEALTH_TIMEOUT_SECONDS}"
            ))
        }
    }
}

impl From<HealthTimeout> for u64 {
    fn from(setting: HealthTimeout) -> Self {
        setting.0
    }
}
