//! CloudWatch metric series and what each one means to the runbooks.

use super::Timestamp;

/// The statistic a series was aggregated with.
#[derive(Debug, Clone, PartialEq)]
pub enum Statistic {
    Average,
    Maximum,
    Minimum,
    Sum,
    SampleCount,
    /// A percentile such as p99 (the number is the percentile).
    Percentile(f64),
}

impl Statistic {
    /// CloudWatch's spelling: `Average`, `Maximum`, `Sum`, `p99`.
    pub fn label(&self) -> String {
        match self {
            Self::Average => "Average".to_owned(),
            Self::Maximum => "Maximum".to_owned(),
            Self::Minimum => "Minimum".to_owned(),
            Self::Sum => "Sum".to_owned(),
            Self::SampleCount => "SampleCount".to_owned(),
            Self::Percentile(p) => format!("p{p}"),
        }
    }

    /// Parses CloudWatch's spelling (`Average`, `p99`, `p99.9`); the error lists what is valid.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parsed = match text {
            "Average" => Some(Self::Average),
            "Maximum" => Some(Self::Maximum),
            "Minimum" => Some(Self::Minimum),
            "Sum" => Some(Self::Sum),
            "SampleCount" => Some(Self::SampleCount),
            _ => text
                .strip_prefix('p')
                .and_then(|p| p.parse::<f64>().ok())
                .filter(|p| *p > 0.0 && *p < 100.0)
                .map(Self::Percentile),
        };
        parsed.ok_or_else(|| {
            format!(
                "unknown statistic \"{text}\"; expected Average, Maximum, Minimum, Sum, SampleCount or a percentile such as p99"
            )
        })
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
    /// DynamoDB read and write throttle events of a table, a period's count.
    DynamoThrottles,
    /// DynamoDB consumed capacity as a percent of the provisioned.
    DynamoCapacity,
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
