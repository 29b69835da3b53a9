//! The newest answer of every source: what the screen, the checks and the incident vitals
//! are computed from.

use super::{
    Alarm, AlarmHistoryReading, AutoScalingGroup, AwsHealthEvent, CacheGroup, Certificate,
    DatabaseActivity, EcsService, HealthProbe, Insights, LogErrors, MetricSeries, RangeHistory,
    RdsStatus, SourceData, Statements, TableSize, TargetGroupHealth, Timestamp, WaitSamples,
};

/// The newest data from every source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub auto_scaling: Vec<AutoScalingGroup>,
    pub targets: Vec<TargetGroupHealth>,
    pub health: Vec<HealthProbe>,
    pub metrics: Vec<MetricSeries>,
    pub alarms: Vec<Alarm>,
    pub logs: LogErrors,
    pub ecs: Vec<EcsService>,
    pub database: DatabaseActivity,
    pub rds: RdsStatus,
    pub certificates: Vec<Certificate>,
    pub cache: Vec<CacheGroup>,
    pub aws_health: Vec<AwsHealthEvent>,
    /// Table sizes and when they were read (on demand only).
    pub table_sizes: Option<(Vec<TableSize>, Timestamp)>,
    /// `pg_stat_statements` readings, read while the top SQL view is shown.
    pub statements: Statements,
    /// The active sessions' waits at each of the last database polls.
    pub waits: WaitSamples,
    /// The RDS instance's load from Performance Insights, read while its view is shown.
    pub insights: Insights,
    /// The Metrics pane's time range and week-over-week series, beyond the live hour.
    pub metric_range: RangeHistory,
    /// The overnight alarm history, read when its view is shown.
    pub alarm_history: Option<AlarmHistoryReading>,
    /// opsdeck's own incidents of the environment open or resolved in the same window, read
    /// with the history; the error in words when the incident files could not be read.
    pub overnight_incidents: Option<Result<Vec<super::IncidentNote>, String>>,
}

impl Snapshot {
    /// Takes one source's answer in place of the last one.
    pub fn store(&mut self, data: SourceData) {
        match data {
            SourceData::AutoScaling(groups) => self.auto_scaling = groups,
            SourceData::Targets(groups) => self.targets = groups,
            SourceData::Health(probes) => self.health = probes,
            SourceData::Metrics(series) => self.metrics = series,
            SourceData::Alarms(alarms) => self.alarms = alarms,
            SourceData::Logs(logs) => self.logs = logs,
            SourceData::Ecs(services) => self.ecs = services,
            SourceData::Database(activity) => {
                if let Some(at) = activity.observed_at {
                    self.waits.record(at, &activity.sessions);
                }
                self.database = activity;
            }
            SourceData::Rds(status) => self.rds = status,
            SourceData::Certificates(certificates) => self.certificates = certificates,
            SourceData::Cache(groups) => self.cache = groups,
            SourceData::AwsHealth(events) => self.aws_health = events,
        }
    }
}
