//! The vocabulary of the sources that the screen state, the checks and the incident logic all
//! read: which source, what it answered, and why it failed (classified so a pane can say what
//! to do about it). The sources themselves (traits, pollers, adapters) live in `source`.

use std::fmt;
use std::time::Duration;

use super::{
    Alarm, AutoScalingGroup, AwsHealthEvent, CacheGroup, Certificate, DatabaseActivity, EcsService,
    HealthProbe, LogErrors, MetricSeries, RdsStatus, TargetGroupHealth,
};

/// Why a poll failed, in categories the UI and the poller act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceErrorKind {
    /// The identity lacks a permission (AccessDenied).
    Permission,
    /// The API asked us to slow down; the poller backs off.
    Throttled,
    /// No answer in time.
    Timeout,
    /// A configured resource does not exist.
    NotFound,
    /// The environment does not configure this source at all.
    NotConfigured,
    /// Credentials are missing or expired.
    Credentials,
    /// The peer could not be reached.
    Unavailable,
    /// Anything else.
    Other,
}

/// A failed poll: a kind and a message a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceError {
    pub kind: SourceErrorKind,
    pub message: String,
}

impl SourceError {
    /// A new error of `kind`.
    pub fn new(kind: SourceErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceError {}

/// Which source a poll result comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    AutoScaling,
    Targets,
    /// The health URLs' probes (HTTP, not an AWS API).
    Health,
    Metrics,
    Alarms,
    Logs,
    Ecs,
    Database,
    /// The database as the RDS API describes it (shown in the PostgreSQL pane).
    Rds,
    /// The load balancers' and the configured ACM certificates (shown in the Targets pane).
    Certificates,
    /// ElastiCache replication groups (shown in the PostgreSQL pane, the data tier's).
    Cache,
    /// AWS Health events of the account (shown in the Alarms pane).
    AwsHealth,
}

impl SourceKind {
    /// How many sources there are.
    pub const COUNT: usize = 12;

    /// Every source, in pane order (the health probes show in the Targets pane).
    pub const ALL: [SourceKind; Self::COUNT] = [
        Self::AutoScaling,
        Self::Targets,
        Self::Health,
        Self::Metrics,
        Self::Alarms,
        Self::Logs,
        Self::Ecs,
        Self::Database,
        Self::Rds,
        Self::Certificates,
        Self::Cache,
        Self::AwsHealth,
    ];

    /// Whether the source is read through the AWS APIs (and so its credential errors are
    /// AWS credential errors).
    pub fn is_aws(self) -> bool {
        !matches!(self, Self::Database | Self::Health)
    }

    /// The position in [`SourceKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One source's answer, as the state receives it.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceData {
    AutoScaling(Vec<AutoScalingGroup>),
    Targets(Vec<TargetGroupHealth>),
    Health(Vec<HealthProbe>),
    Metrics(Vec<MetricSeries>),
    Alarms(Vec<Alarm>),
    Logs(LogErrors),
    Ecs(Vec<EcsService>),
    Database(DatabaseActivity),
    Rds(RdsStatus),
    Certificates(Vec<Certificate>),
    Cache(Vec<CacheGroup>),
    AwsHealth(Vec<AwsHealthEvent>),
}

/// What the UI tells the pollers: pause, interval, and "refresh now" as a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollControl {
    pub paused: bool,
    pub interval_ms: u64,
    /// Bumped to ask every poller to poll at once.
    pub refresh_generation: u64,
}

/// How one source is polled: how long a poll may take, and how often it is worth asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// A poll that has not answered by then is abandoned (for PostgreSQL the connection is
    /// dropped and made anew) and reported as a timeout: a hung peer turns the pane stale
    /// and its checks unknown instead of freezing them as they were.
    pub deadline: Duration,
    /// Not polled again sooner than this, whatever the refresh interval: CloudWatch metrics
    /// change once a period, so a faster poll would pay for the same datapoints again.
    pub min_interval: Duration,
    /// The part of a poll billed per byte scanned (the Logs Insights error query) runs no
    /// more often than this, or when "refresh now" asks; the rest of the poll (the error
    /// tail) runs at the source's own pace. See [`crate::source::ErrorQuery`].
    pub billed_query_interval: Duration,
}

impl Schedule {
    /// A source's default: AWS reads may page through several calls (each attempt has its own
    /// 10 s timeout), Logs Insights runs a query of up to 20 s, and PostgreSQL answers one
    /// query under a 500 ms statement timeout.
    pub fn default_for(kind: SourceKind) -> Self {
        let deadline = match kind {
            SourceKind::Database => Duration::from_secs(5),
            // A probe gives up after its own timeout (5 s unless configured).
            SourceKind::Health => Duration::from_secs(15),
            SourceKind::Logs => Duration::from_secs(45),
            _ => Duration::from_secs(30),
        };
        Self {
            deadline,
            min_interval: Duration::ZERO,
            billed_query_interval: Duration::ZERO,
        }
    }

    /// How old this source's data may grow before the checks on it turn unknown: two polls
    /// missed (at the slower of the refresh interval and the source's own minimum) plus the
    /// deadline of the poll under way.
    pub fn staleness_limit(&self, refresh_interval_ms: u64) -> Duration {
        let interval = Duration::from_millis(refresh_interval_ms).max(self.min_interval);
        interval.saturating_mul(2).saturating_add(self.deadline)
    }
}

/// The schedule of every source, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedules([Schedule; SourceKind::COUNT]);

impl Default for Schedules {
    fn default() -> Self {
        Self(SourceKind::ALL.map(Schedule::default_for))
    }
}

impl Schedules {
    /// The schedule of `kind`.
    pub fn of(&self, kind: SourceKind) -> Schedule {
        self.0[kind.index()]
    }

    /// Changes the schedule of `kind`.
    pub fn set(&mut self, kind: SourceKind, schedule: Schedule) {
        self.0[kind.index()] = schedule;
    }
}
