//! Data sources: one trait per kind of data. The demo simulator and the AWS and PostgreSQL
//! adapters (crate `opsdeck`) implement them, so the panes never know where their data came
//! from.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use crate::model::{
    PollControl, Schedule, Schedules, SourceData, SourceError, SourceErrorKind, SourceKind,
};

use crate::model::{
    Alarm, AlarmStateChange, AutoScalingGroup, AwsHealthEvent, CacheGroup, Certificate,
    DatabaseActivity, EcsService, HealthProbe, InsightsReading, LaunchTemplateVersion, LogErrors,
    MetricSeries, MetricWindow, RdsStatus, StatementReading, TableSize, TargetGroupHealth,
    Timestamp,
};

/// What every source call returns: a boxed future so the traits stay object-safe.
pub type SourceFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, SourceError>> + Send + 'a>>;

/// Auto Scaling groups (the runbook's `describe-auto-scaling-groups`).
pub trait AutoScalingSource: Send + Sync {
    /// All configured groups with their instances, activities and refreshes.
    fn auto_scaling_groups(&self) -> SourceFuture<'_, Vec<AutoScalingGroup>>;

    /// The versions of the launch template `group` launches from, newest first, the one in
    /// use marked: read on demand, for a rollback.
    fn launch_template_versions<'a>(
        &'a self,
        group: &'a str,
    ) -> SourceFuture<'a, Vec<LaunchTemplateVersion>>;
}

/// Target health (the runbook's `describe-target-health`).
pub trait TargetHealthSource: Send + Sync {
    /// Every configured (or attached) target group with its targets.
    fn target_health(&self) -> SourceFuture<'_, Vec<TargetGroupHealth>>;
}

/// The health URLs (the runbook's `curl -v https://<site>/health`).
pub trait HealthSource: Send + Sync {
    /// One probe of every configured URL; a URL that does not answer is a probe's outcome,
    /// not the source's error.
    fn health_probes(&self) -> SourceFuture<'_, Vec<HealthProbe>>;
}

/// CloudWatch metrics (`get-metric-data`).
pub trait MetricsSource: Send + Sync {
    /// All configured series over the look-back window.
    fn metric_series(&self) -> SourceFuture<'_, Vec<MetricSeries>>;

    /// All configured series over `window` at its period (or a series' own, if coarser):
    /// a time range's first fetch, or the periods closed since the last.
    fn metric_window(&self, window: MetricWindow) -> SourceFuture<'_, Vec<MetricSeries>>;
}

/// CloudWatch alarms (`describe-alarms`).
pub trait AlarmSource: Send + Sync {
    /// All alarms, in any order.
    fn alarms(&self) -> SourceFuture<'_, Vec<Alarm>>;

    /// The alarms' state changes from `since` to now (DescribeAlarmHistory), oldest first:
    /// read on demand for the overnight view and the morning report, never every poll.
    fn alarm_history(&self, since: Timestamp) -> SourceFuture<'_, Vec<AlarmStateChange>>;
}

/// Whether a Logs poll runs the error query (billed per byte scanned) or answers with the
/// counts already held. The poller decides, from the source's
/// [`Schedule::billed_query_interval`] and "refresh now", so the schedule has one owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorQuery {
    /// Count what was written since the last query.
    Run,
    /// Answer with the counts held; their `counted_until` says how far they reach.
    Held,
}

/// CloudWatch Logs error queries and error tail.
pub trait LogSource: Send + Sync {
    /// Error counts by service (queried or held, as `query` says) and the newest error lines.
    fn log_errors(&self, query: ErrorQuery) -> SourceFuture<'_, LogErrors>;
}

/// ECS services (`describe-services`).
pub trait EcsSource: Send + Sync {
    /// Every configured service with deployments and events.
    fn ecs_services(&self) -> SourceFuture<'_, Vec<EcsService>>;
}

/// PostgreSQL activity (`pg_stat_activity`).
pub trait DatabaseSource: Send + Sync {
    /// Totals and client sessions.
    fn database_activity(&self) -> SourceFuture<'_, DatabaseActivity>;

    /// Table sizes, largest first: read on demand, never every poll.
    fn table_sizes(&self) -> SourceFuture<'_, Vec<TableSize>>;

    /// The top `pg_stat_statements` entries by total execution time: read only while the
    /// top SQL view is shown. A server without the extension answers with an error naming
    /// the extension and the setting that loads it.
    fn statement_stats(&self) -> SourceFuture<'_, StatementReading>;
}

/// The database as the RDS API describes it (the runbook's `describe-db-instances`).
pub trait RdsSource: Send + Sync {
    /// The configured instances with their replicas, maintenance and storage, and the proxy.
    fn rds_status(&self) -> SourceFuture<'_, RdsStatus>;

    /// The first configured instance's load over the last hour by wait event and by
    /// statement, from Performance Insights: read only while its view is shown. An instance
    /// without Performance Insights answers with an error saying so and how to turn it on.
    fn performance_insights(&self) -> SourceFuture<'_, InsightsReading>;
}

/// The certificates of the load balancers' listeners and those the config names (ACM).
pub trait CertificateSource: Send + Sync {
    /// Every certificate found, each once, with where it was found.
    fn certificates(&self) -> SourceFuture<'_, Vec<Certificate>>;
}

/// ElastiCache replication groups (`describe-replication-groups`).
pub trait CacheSource: Send + Sync {
    /// Every configured group with its member clusters.
    fn cache_groups(&self) -> SourceFuture<'_, Vec<CacheGroup>>;
}

/// AWS Health events (`health describe-events`).
pub trait AwsHealthSource: Send + Sync {
    /// The account's open and upcoming events in its Region.
    fn aws_health_events(&self) -> SourceFuture<'_, Vec<AwsHealthEvent>>;
}

/// The set of sources one environment is watched through.
#[derive(Clone)]
pub struct Sources {
    pub auto_scaling: Arc<dyn AutoScalingSource>,
    pub targets: Arc<dyn TargetHealthSource>,
    pub health: Arc<dyn HealthSource>,
    pub metrics: Arc<dyn MetricsSource>,
    pub alarms: Arc<dyn AlarmSource>,
    pub logs: Arc<dyn LogSource>,
    pub ecs: Arc<dyn EcsSource>,
    pub database: Arc<dyn DatabaseSource>,
    pub rds: Arc<dyn RdsSource>,
    pub certificates: Arc<dyn CertificateSource>,
    pub cache: Arc<dyn CacheSource>,
    pub aws_health: Arc<dyn AwsHealthSource>,
    /// Deadlines and minimum intervals, the pollers' and the staleness limits' one source.
    pub schedules: Schedules,
}

impl Sources {
    /// Every source served by one value (the simulator implements them all).
    pub fn all_from<S>(source: Arc<S>) -> Self
    where
        S: AutoScalingSource
            + TargetHealthSource
            + HealthSource
            + MetricsSource
            + AlarmSource
            + LogSource
            + EcsSource
            + DatabaseSource
            + RdsSource
            + CertificateSource
            + CacheSource
            + AwsHealthSource
            + 'static,
    {
        Self {
            auto_scaling: source.clone(),
            targets: source.clone(),
            health: source.clone(),
            metrics: source.clone(),
            alarms: source.clone(),
            logs: source.clone(),
            ecs: source.clone(),
            database: source.clone(),
            rds: source.clone(),
            certificates: source.clone(),
            cache: source.clone(),
            aws_health: source,
            schedules: Schedules::default(),
        }
    }
}
