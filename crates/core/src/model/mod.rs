//! Domain types: plain values for everything the runbooks look at, free of SDK and UI types.

mod alarm_history;
mod alarms;
mod asg;
mod aws_health;
mod cache;
mod certificates;
mod db;
mod ecs;
mod health;
mod insights;
mod logs;
mod metrics;
mod prices;
mod rds;
mod snapshot;
mod source;
mod statements;
mod targets;
mod time_range;

pub use alarm_history::{
    AlarmEpisode, AlarmHistoryReading, AlarmStateChange, IncidentNote, episodes,
};
pub use alarms::{Alarm, AlarmState};
pub use asg::{
    AutoScalingGroup, Instance, InstanceDetails, InstanceRefresh, LaunchTemplateVersion,
    LifecycleState, ScalingActivity, StatusChecks,
};
pub use aws_health::AwsHealthEvent;
pub use cache::{CacheGroup, CacheMember};
pub use certificates::Certificate;
pub use db::{BulkRule, DatabaseActivity, DatabaseTotals, DbSession, SessionState, TableSize};
pub use ecs::{EcsDeployment, EcsEvent, EcsService, ROLLOUT_UNKNOWN};
pub use health::{
    HealthProbe, ProbeAnswer, ProbeFailure, ProbeFailureKind, ProbeOutcome, TlsFacts,
};
pub use insights::{
    INSIGHTS_MIN_INTERVAL_SECONDS, INSIGHTS_TOP, INSIGHTS_WINDOW_SECONDS, Insights,
    InsightsReading, LoadShare,
};
pub use logs::{LogErrorCount, LogErrors, LogLine, TailGap};
pub use metrics::{MetricKind, MetricSeries, Statistic};
pub use prices::{DOLLARS_PER_BYTE_SCANNED, DOLLARS_PER_METRIC};
pub use rds::{
    DbSnapshot, GIB, PendingMaintenance, ProxyTarget, RdsInstance, RdsProxy, RdsStatus, StatusInfo,
};
pub use snapshot::Snapshot;
pub use source::{
    PollControl, Schedule, Schedules, SourceData, SourceError, SourceErrorKind, SourceKind,
};
pub use statements::{
    Delta, StatementRate, StatementReading, StatementTotals, Statements, WaitLoad, WaitSamples,
    hit_percent, wait_of,
};
pub use targets::{TargetGroupHealth, TargetHealth, TargetState, healthy_of};
pub use time_range::{
    MAX_POINTS_PER_SERIES, MetricWindow, RangeHistory, TimeRange, WEEK_SECONDS, Which,
    change_percent, closed_periods, range_period, retention_period, window_period,
};

/// A point in time, always UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
