//! Alert thresholds, defaulting to the runbooks' numbers.

use serde::{Deserialize, Serialize};

use crate::check_catalog::CheckId;
use crate::model::MetricKind;

/// A pair of limits on a quantity where higher is worse: above `warn` warns, above `crit` is
/// critical.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    #[serde(deserialize_with = "super::validate::finite")]
    pub warn: f64,
    #[serde(deserialize_with = "super::validate::finite")]
    pub crit: f64,
}

impl Limit {
    const fn new(warn: f64, crit: f64) -> Self {
        Self { warn, crit }
    }

    /// How `value` stands against the limit.
    pub fn level(&self, value: f64) -> Level {
        if value > self.crit {
            Level::Crit
        } else if value > self.warn {
            Level::Warn
        } else {
            Level::Ok
        }
    }
}

/// Ok, warn or critical: the three colours of a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Ok,
    Warn,
    Crit,
}

/// `[thresholds]` in the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Runbook: response time p99 < 500 ms; target response time > 1000 ms alerts.
    pub latency_p99_ms: Limit,
    /// Runbook: error rate < 0.1 %; 5XX > 5 % is critical.
    pub error_rate_5xx_percent: Limit,
    /// Runbook: 4XX > 10 % warns.
    pub error_rate_4xx_percent: Limit,
    /// Runbook: CPU > 70 % warns, > 85 % is critical (success criterion < 60 %).
    pub cpu_percent: Limit,
    /// Runbook: memory > 90 % is critical.
    pub memory_percent: Limit,
    /// Runbook: pool exhaustion at > 800 connections.
    pub db_connections: Limit,
    /// Runbook: read/write latency > 100 ms, query latency > 200 ms.
    pub db_latency_ms: Limit,
    /// Seconds a read replica may lag (CloudWatch `ReplicaLag`). The runbook checks the lag
    /// before trusting a replica; these defaults warn at half a minute, fail at five.
    pub replica_lag_seconds: Limit,
    /// Storage used as a percentage of allocated (from CloudWatch `FreeStorageSpace`): the
    /// capacity review's "storage growth", caught before `storage-full` stops writes.
    pub db_storage_used_percent: Limit,
    /// Runbook: evictions should be 0.
    pub cache_evictions: Limit,
    /// DynamoDB throttle events a minute (read and write, per table): the runbook's warning
    /// trigger "DynamoDB throttling"; any throttling warns.
    pub dynamodb_throttles: Limit,
    /// DynamoDB consumed capacity as a percent of the provisioned (per table and direction).
    pub dynamodb_capacity_percent: Limit,
    /// ERROR lines in the Logs window. The runbook only says to look for error patterns; the
    /// defaults let a healthy baseline pass and a surge fail.
    pub log_errors: Limit,
    /// Runbook: kill queries running longer than 1 h.
    pub long_query_seconds: u64,
    /// Runbook: kill connections idle longer than 30 min.
    pub idle_session_seconds: u64,
    /// An ECS service whose tasks have been pending longer than this since its deployment
    /// last changed is failing, not converging (tasks that cannot be placed or keep
    /// failing their health checks never start).
    pub ecs_pending_grace_seconds: u64,
    /// A server certificate with fewer days left warns (the runbook's Certificate Renewal
    /// acts at 30 days).
    pub certificate_warn_days: u32,
    /// A server certificate with fewer days left fails.
    pub certificate_fail_days: u32,
    /// `[[checks]]` from the config: per-check switches and limits (not part of `[thresholds]`).
    #[serde(skip)]
    pub check_overrides: Vec<CheckOverride>,
}

/// One `[[checks]]` entry: turn a check off, or give it its own warn / fail limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOverride {
    pub id: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "super::validate::finite_option")]
    pub warn: Option<f64>,
    #[serde(default, deserialize_with = "super::validate::finite_option")]
    pub fail: Option<f64>,
}

fn enabled_by_default() -> bool {
    true
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            latency_p99_ms: Limit::new(500.0, 1000.0),
            error_rate_5xx_percent: Limit::new(0.1, 5.0),
            error_rate_4xx_percent: Limit::new(10.0, 25.0),
            cpu_percent: Limit::new(70.0, 85.0),
            memory_percent: Limit::new(80.0, 90.0),
            db_connections: Limit::new(700.0, 800.0),
            db_latency_ms: Limit::new(100.0, 200.0),
            replica_lag_seconds: Limit::new(30.0, 300.0),
            db_storage_used_percent: Limit::new(80.0, 90.0),
            cache_evictions: Limit::new(0.0, 100.0),
            dynamodb_throttles: Limit::new(0.0, 100.0),
            dynamodb_capacity_percent: Limit::new(80.0, 95.0),
            log_errors: Limit::new(1000.0, 10000.0),
            long_query_seconds: 3600,
            idle_session_seconds: 1800,
            ecs_pending_grace_seconds: 600,
            certificate_warn_days: 30,
            certificate_fail_days: 7,
            check_overrides: Vec::new(),
        }
    }
}

impl Thresholds {
    /// The limit that applies to a metric, if the runbooks give one.
    pub fn for_metric(&self, kind: MetricKind) -> Option<Limit> {
        match kind {
            MetricKind::ResponseTimeP99 => Some(self.latency_p99_ms),
            MetricKind::ErrorRate5xx => Some(self.error_rate_5xx_percent),
            MetricKind::ErrorRate4xx => Some(self.error_rate_4xx_percent),
            MetricKind::Cpu | MetricKind::DbCpu => Some(self.cpu_percent),
            MetricKind::Memory => Some(self.memory_percent),
            MetricKind::DbConnections => Some(self.db_connections),
            MetricKind::DbReadLatency | MetricKind::DbWriteLatency => Some(self.db_latency_ms),
            MetricKind::CacheEvictions => Some(self.cache_evictions),
            MetricKind::DynamoThrottles => Some(self.dynamodb_throttles),
            MetricKind::DynamoCapacity => Some(self.dynamodb_capacity_percent),
            MetricKind::ResponseTimeAvg
            | MetricKind::ResponseTimeMax
            | MetricKind::RequestCount
            | MetricKind::Custom => None,
        }
    }

    /// Each limit by its config name, for validation messages.
    pub fn named_limits(&self) -> [(&'static str, Limit); 13] {
        [
            ("latency_p99_ms", self.latency_p99_ms),
            ("error_rate_5xx_percent", self.error_rate_5xx_percent),
            ("error_rate_4xx_percent", self.error_rate_4xx_percent),
            ("cpu_percent", self.cpu_percent),
            ("memory_percent", self.memory_percent),
            ("db_connections", self.db_connections),
            ("db_latency_ms", self.db_latency_ms),
            ("replica_lag_seconds", self.replica_lag_seconds),
            ("db_storage_used_percent", self.db_storage_used_percent),
            ("cache_evictions", self.cache_evictions),
            ("dynamodb_throttles", self.dynamodb_throttles),
            ("dynamodb_capacity_percent", self.dynamodb_capacity_percent),
            ("log_errors", self.log_errors),
        ]
    }

    /// The first limit whose warn level is above its crit level, as a message.
    pub fn inverted_limit(&self) -> Option<String> {
        if self.certificate_fail_days > self.certificate_warn_days {
            return Some(format!(
                "thresholds.certificate_fail_days ({}) must not be above certificate_warn_days ({})",
                self.certificate_fail_days, self.certificate_warn_days
            ));
        }
        self.named_limits()
            .into_iter()
            .find(|(_, limit)| limit.warn > limit.crit)
            .map(|(name, limit)| {
                format!(
                    "thresholds.{name}: warn ({}) must not be above crit ({})",
                    limit.warn, limit.crit
                )
            })
    }
}

impl Thresholds {
    /// The warn / fail limits of check `id`, for checks whose verdict rests on them (which
    /// `[[checks]]` may set); None for the others.
    pub fn limit_of_check(&mut self, id: CheckId) -> Option<&mut Limit> {
        Some(match id {
            CheckId::LatencyP99 => &mut self.latency_p99_ms,
            CheckId::ErrorRate5xx => &mut self.error_rate_5xx_percent,
            CheckId::ErrorRate4xx => &mut self.error_rate_4xx_percent,
            CheckId::Cpu => &mut self.cpu_percent,
            CheckId::Memory => &mut self.memory_percent,
            CheckId::DbConnections => &mut self.db_connections,
            CheckId::DbLatency => &mut self.db_latency_ms,
            CheckId::ReplicaLag => &mut self.replica_lag_seconds,
            CheckId::DbStorage => &mut self.db_storage_used_percent,
            CheckId::CacheEvictions => &mut self.cache_evictions,
            CheckId::DynamoThrottling => &mut self.dynamodb_throttles,
            CheckId::LogErrors => &mut self.log_errors,
            // Verdicts on counts and states, or on seconds set in `[thresholds]` alone.
            CheckId::AsgInService
            | CheckId::TargetsHealthy
            | CheckId::HealthEndpoint
            | CheckId::CertificateExpiry
            | CheckId::EcsRunning
            | CheckId::Alarms
            | CheckId::DbLongQueries
            | CheckId::DbIdleConnections
            | CheckId::DbInstanceAvailable => return None,
        })
    }

    /// Whether check `id` has warn / fail limits to set.
    pub fn check_takes_limits(id: CheckId) -> bool {
        Self::default().limit_of_check(id).is_some()
    }
}

/// What is wrong with a `[[checks]]` entry, if anything: an unknown id, limits on a check
/// that has none, or warn above fail.
pub fn override_problem(entry: &CheckOverride) -> Option<String> {
    let Some(id) = CheckId::parse(&entry.id) else {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|id| id.as_str()).collect();
        return Some(format!(
            "unknown check \"{}\"; expected one of: {}",
            entry.id,
            ids.join(", ")
        ));
    };
    let has_limits = entry.warn.is_some() || entry.fail.is_some();
    if has_limits && !Thresholds::check_takes_limits(id) {
        return Some(format!(
            "check \"{}\" has no warn / fail limits to set (only enabled = false)",
            id.as_str()
        ));
    }
    match (entry.warn, entry.fail) {
        (Some(warn), Some(fail)) if warn > fail => Some(format!(
            "check \"{}\": warn {warn} is above fail {fail}",
            id.as_str()
        )),
        _ => None,
    }
}
