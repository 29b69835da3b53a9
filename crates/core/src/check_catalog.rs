//! Which checks exist, what each reads and which runbook section it comes from: the catalog
//! both the configuration (validating `[[checks]]`) and the checks themselves read.

use crate::model::SourceKind;

/// A check as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSpec {
    pub id: &'static str,
    pub title: &'static str,
    pub source: SourceKind,
    pub runbook: &'static str,
}

const fn spec(
    id: &'static str,
    title: &'static str,
    source: SourceKind,
    runbook: &'static str,
) -> CheckSpec {
    CheckSpec {
        id,
        title,
        source,
        runbook,
    }
}

const SCALE_UP: &str = "Increase Application Capacity";
const MORNING: &str = "Morning Health Check";
const CRITICAL: &str = "Critical Alert Response";
const DATABASE: &str = "Database Operations: connection usage";
const DB_SCENARIO: &str = "Scenario 2: Database Performance Degradation";

/// Every check, in report order.
pub const CHECKS: [CheckSpec; 15] = [
    spec(
        "asg_in_service",
        "Auto Scaling: InService equals desired",
        SourceKind::AutoScaling,
        SCALE_UP,
    ),
    spec(
        "targets_healthy",
        "ALB: no unhealthy target",
        SourceKind::Targets,
        "Scenario 3: Application Load Balancer Issues",
    ),
    spec(
        "latency_p99",
        "Response time p99",
        SourceKind::Metrics,
        SCALE_UP,
    ),
    spec(
        "error_rate_5xx",
        "5XX error rate",
        SourceKind::Metrics,
        CRITICAL,
    ),
    spec(
        "error_rate_4xx",
        "4XX error rate",
        SourceKind::Metrics,
        "Warning Alert Response",
    ),
    spec("cpu", "CPU utilisation", SourceKind::Metrics, SCALE_UP),
    spec(
        "memory",
        "Memory utilisation",
        SourceKind::Metrics,
        CRITICAL,
    ),
    spec(
        "ecs_running",
        "ECS: running equals desired",
        SourceKind::Ecs,
        MORNING,
    ),
    spec(
        "alarms",
        "CloudWatch alarms: none in ALARM",
        SourceKind::Alarms,
        MORNING,
    ),
    spec(
        "db_connections",
        "Database connections",
        SourceKind::Database,
        DATABASE,
    ),
    spec(
        "db_long_queries",
        "No query active over the limit",
        SourceKind::Database,
        "Kill long-running query",
    ),
    spec(
        "db_idle_connections",
        "No connection idle over the limit",
        SourceKind::Database,
        "Kill idle connections",
    ),
    spec(
        "db_latency",
        "Database read/write latency",
        SourceKind::Metrics,
        DB_SCENARIO,
    ),
    spec(
        "cache_evictions",
        "Cache evictions",
        SourceKind::Metrics,
        "Performance Alert Response",
    ),
    spec(
        "log_errors",
        "ERROR lines in the window",
        SourceKind::Logs,
        MORNING,
    ),
];
