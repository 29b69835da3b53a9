//! Which checks exist, what each reads and which runbook section it comes from: the catalog
//! both the configuration (validating `[[checks]]`) and the checks themselves read.
//!
//! A check is a `CheckId`; its name, title, source and runbook are matched exhaustively here,
//! its evaluation in `check::evaluate` and its limits in `config::Thresholds`, so a check added
//! without any of them does not compile.

use crate::model::SourceKind;

/// Every health check, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckId {
    AsgInService,
    TargetsHealthy,
    HealthEndpoint,
    CertificateExpiry,
    LatencyP99,
    ErrorRate5xx,
    ErrorRate4xx,
    Cpu,
    Memory,
    EcsRunning,
    Alarms,
    DbConnections,
    DbLongQueries,
    DbIdleConnections,
    DbLatency,
    DbInstanceAvailable,
    ReplicaLag,
    DbStorage,
    CacheEvictions,
    DynamoThrottling,
    LogErrors,
}

impl CheckId {
    /// Every check, in report order.
    pub const ALL: [Self; 21] = [
        Self::AsgInService,
        Self::TargetsHealthy,
        Self::HealthEndpoint,
        Self::CertificateExpiry,
        Self::LatencyP99,
        Self::ErrorRate5xx,
        Self::ErrorRate4xx,
        Self::Cpu,
        Self::Memory,
        Self::EcsRunning,
        Self::Alarms,
        Self::DbConnections,
        Self::DbLongQueries,
        Self::DbIdleConnections,
        Self::DbLatency,
        Self::DbInstanceAvailable,
        Self::ReplicaLag,
        Self::DbStorage,
        Self::CacheEvictions,
        Self::DynamoThrottling,
        Self::LogErrors,
    ];

    /// The name in `[[checks]]`, reports and `opsdeck check` output.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AsgInService => "asg_in_service",
            Self::TargetsHealthy => "targets_healthy",
            Self::HealthEndpoint => "health_endpoint",
            Self::CertificateExpiry => "certificate_expiry",
            Self::LatencyP99 => "latency_p99",
            Self::ErrorRate5xx => "error_rate_5xx",
            Self::ErrorRate4xx => "error_rate_4xx",
            Self::Cpu => "cpu",
            Self::Memory => "memory",
            Self::EcsRunning => "ecs_running",
            Self::Alarms => "alarms",
            Self::DbConnections => "db_connections",
            Self::DbLongQueries => "db_long_queries",
            Self::DbIdleConnections => "db_idle_connections",
            Self::DbLatency => "db_latency",
            Self::DbInstanceAvailable => "db_instance_available",
            Self::ReplicaLag => "replica_lag",
            Self::DbStorage => "db_storage",
            Self::CacheEvictions => "cache_evictions",
            Self::DynamoThrottling => "dynamodb_throttling",
            Self::LogErrors => "log_errors",
        }
    }

    /// The check named `name`, if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|id| id.as_str() == name)
    }

    /// What the check says, reads and follows.
    pub const fn spec(self) -> CheckSpec {
        use SourceKind as S;
        let (title, source, runbook) = match self {
            Self::AsgInService => (
                "Auto Scaling: InService equals desired",
                S::AutoScaling,
                SCALE_UP,
            ),
            Self::TargetsHealthy => ("ALB: no unhealthy target", S::Targets, ALB),
            Self::HealthEndpoint => ("Health URLs answer 2xx", S::Health, SEV1),
            // ACM's (the listeners' and the configured), and those the health URLs present.
            Self::CertificateExpiry => (
                "Certificates: none expiring soon",
                S::Certificates,
                CERTIFICATE,
            ),
            Self::LatencyP99 => ("Response time p99", S::Metrics, SCALE_UP),
            Self::ErrorRate5xx => ("5XX error rate", S::Metrics, CRITICAL),
            Self::ErrorRate4xx => ("4XX error rate", S::Metrics, WARNING),
            Self::Cpu => ("CPU utilisation", S::Metrics, SCALE_UP),
            Self::Memory => ("Memory utilisation", S::Metrics, CRITICAL),
            Self::EcsRunning => ("ECS: running equals desired", S::Ecs, MORNING),
            Self::Alarms => ("CloudWatch alarms: none in ALARM", S::Alarms, MORNING),
            Self::DbConnections => ("Database connections", S::Database, DATABASE),
            Self::DbLongQueries => ("No query active over the limit", S::Database, LONG_QUERY),
            Self::DbIdleConnections => ("No connection idle over the limit", S::Database, IDLE),
            Self::DbLatency => ("Database read/write latency", S::Metrics, DB_SCENARIO),
            Self::DbInstanceAvailable => ("RDS: every instance available", S::Rds, SEV1),
            Self::ReplicaLag => ("RDS: read replicas replicating, lag", S::Rds, REPLICATION),
            Self::DbStorage => ("RDS: storage used", S::Rds, DATABASE_STORAGE),
            Self::CacheEvictions => ("Cache evictions", S::Metrics, PERFORMANCE),
            Self::DynamoThrottling => ("DynamoDB: no throttling, capacity", S::Metrics, WARNING),
            Self::LogErrors => ("ERROR lines in the window", S::Logs, MORNING),
        };
        let also = match self {
            Self::CertificateExpiry => Some(S::Health),
            _ => None,
        };
        CheckSpec {
            id: self,
            title,
            source,
            also,
            runbook,
        }
    }
}

/// A check as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSpec {
    pub id: CheckId,
    pub title: &'static str,
    pub source: SourceKind,
    /// A second source the check reads: the check is skipped only when neither is
    /// configured, and unknown when either configured one could not be read.
    pub also: Option<SourceKind>,
    pub runbook: &'static str,
}

impl CheckSpec {
    /// Every source the check reads.
    pub fn sources(&self) -> impl Iterator<Item = SourceKind> {
        std::iter::once(self.source).chain(self.also)
    }
}

const SCALE_UP: &str = "Increase Application Capacity";
const MORNING: &str = "Morning Health Check";
const CRITICAL: &str = "Critical Alert Response";
const WARNING: &str = "Warning Alert Response";
const PERFORMANCE: &str = "Performance Alert Response";
const ALB: &str = "Scenario 3: Application Load Balancer Issues";
const SEV1: &str = "SEV-1: Complete Service Down";
const CERTIFICATE: &str = "Certificate Renewal";
const DATABASE: &str = "Database Operations: connection usage";
const DB_SCENARIO: &str = "Scenario 2: Database Performance Degradation";
const LONG_QUERY: &str = "Kill long-running query";
const IDLE: &str = "Kill idle connections";
const REPLICATION: &str = "SEV-2: Data Inconsistency (check replication lag)";
const DATABASE_STORAGE: &str = "Capacity Planning: database connection and storage growth";

/// Every check, in report order.
pub const CHECKS: [CheckSpec; CheckId::ALL.len()] = {
    let mut specs = [CheckId::AsgInService.spec(); CheckId::ALL.len()];
    let mut index = 0;
    while index < CheckId::ALL.len() {
        specs[index] = CheckId::ALL[index].spec();
        index += 1;
    }
    specs
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_has_one_name_that_parses_back() {
        let mut names: Vec<&str> = CheckId::ALL.iter().map(|id| id.as_str()).collect();
        for id in CheckId::ALL {
            assert_eq!(CheckId::parse(id.as_str()), Some(id));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CheckId::ALL.len(), "two checks share a name");
        assert_eq!(CheckId::parse("nonsense"), None);
        assert_eq!(CHECKS.map(|spec| spec.id), CheckId::ALL);
    }
}
