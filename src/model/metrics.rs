//! CloudWatch metric series and what each one means to the runbooks.

use super::Timestamp;

/// The statistic a series was aggregated with.
#[derive(Debug, Clone, PartialEq)]
pub enum Statistic {
    Average,
    Maximum,
    Sum,
    /// A percentile such as p99 (the number is the percentile).
    Percentile(f64),
}

impl Statistic {
    /// CloudWatch's spelling: `Average`, `Maximum`, `Sum`, `p99`.
    pub fn label(&self) -> String {
        match self {
            Self::Average => "Average".to_owned(),
            Self::Maximum => "Maximum".to_owned(),
            Self::Sum => "Sum".to_owned(),
            Self::Percentile(p) => format!("p{p}"),
        }
    }
}

/// Which runbook quantity a series measures; ties a series to its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricKind {
    ResponseTimeAvg,
    ResponseTimeMax,
    ResponseTimeP99,
    ErrorRate5xx,
    ErrorRate4xx,
    RequestCount,
    Cpu,
    Memory,
    DbConnections,
    DbReadLatency,
    DbWriteLatency,
    DbCpu,
    CacheEvictions,
    /// A user-configured metric with no runbook threshold.
    Custom,
}

/// One metric over time. Values are in `unit`; timestamps ascend.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSeries {
    /// Stable id, e.g. `alb_p99`.
    pub id: String,
    pub label: String,
    pub kind: MetricKind,
    pub statistic: Statistic,
    /// Display unit: `ms`, `%`, `count`, ...
    pub unit: String,
    pub period_seconds: u32,
    pub timestamps: Vec<Timestamp>,
    pub values: Vec<f64>,
}

impl MetricSeries {
    /// The newest value, if any.
    pub fn latest(&self) -> Option<f64> {
        self.values.last().copied()
    }
}
