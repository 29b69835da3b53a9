//! What a run is wired to: the demo simulator, or an environment's real sources. Everything
//! the event loop needs, built before the terminal is entered so a bad setting never leaves a
//! half-drawn screen.

use std::sync::Arc;
use std::time::Duration;

use crate::action::executor::ActionExecutor;
use crate::action::journal::Actor;
use crate::action::routing::RoutingExecutor;
use crate::clock::Clock;
use crate::config::EnvironmentConfig;
use crate::config::{ConfigOrigin, Resolved};
use crate::model::Timestamp;
use crate::sim::Simulator;
use crate::source::aws::AwsExecutor;
use crate::source::aws::{
    AlarmScope, AssumeRole, AwsClients, AwsScope, AwsSettings, AwsSource, CallCounter,
    CertificateScope, LogScope, METRIC_PERIOD, MetricQuery, MetricTargets, RdsScope,
    custom_metric_query, default_metric_queries,
};
use crate::source::health::{self, HealthProbes, HealthScope};
use crate::source::postgres::{Dsn, PostgresSource};
use crate::source::unconfigured::Unconfigured;
use crate::source::{
    AlarmSource, AwsHealthSource, CacheSource, CertificateSource, DatabaseSource, HealthSource,
    LogSource, RdsSource, Schedule, Schedules, SourceKind, Sources,
};
use crate::state::EnvironmentInfo;

/// The role session's name when the environment names none: who made a call, in the
/// customer's CloudTrail.
pub const DEFAULT_ROLE_SESSION_NAME: &str = "opsdeck";

/// The demo environment's name, in the header and the journal.
pub const DEMO_ENVIRONMENT: &str = "basecoat-prod (simulated)";
/// The demo's poll interval: fast enough that the panes visibly live.
const DEMO_REFRESH_INTERVAL_MS: u64 = 2000;
/// Alarms are evaluated once a period (a minute for most), and DescribeAlarms is limited to 9
/// requests a second for the whole account ("CloudWatch service quotas"): a dashboard per
/// engineer polling every few seconds would eat that for everyone.
const ALARMS_MIN_INTERVAL: std::time::Duration = std::time::Duration::from_secs(15);
/// How far back the metric charts reach (one number with the config's period check).
const METRIC_WINDOW_SECONDS: i64 = crate::config::METRIC_WINDOW_SECONDS as i64;

/// Everything a run of the dashboard is connected to.
pub struct Wiring {
    pub environment: EnvironmentInfo,
    pub sources: Sources,
    pub executor: Arc<dyn ActionExecutor>,
    pub actor: Actor,
    /// The database role session actions run as, for the journal.
    pub database_identity: Option<String>,
    pub clock: Clock,
    pub refresh_interval_ms: u64,
    /// Counts the AWS calls of this environment's clients (None for the simulator).
    pub api_calls: Option<CallCounter>,
}

/// Who is at the keyboard, for the journal: the OS user.
fn operator_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The demo: every source and every action served by the simulator.
pub fn demo(resolved: &Resolved, seed: u64, speed: f64, not_before: Timestamp) -> Wiring {
    // The simulated clock runs ahead of the wall at --speed; a reopened drill's incident must
    // not find the clock behind its own timeline.
    let clock = Clock::with_speed(chrono::Utc::now().max(not_before), speed);
    let simulator = Simulator::new(seed, clock.clone());
    let sources = simulator.sources();
    demo_with(
        resolved,
        DEMO_ENVIRONMENT,
        "us-east-1",
        simulator,
        sources,
        clock,
    )
}

/// A simulated environment named `name`, served by `simulator` (its sources may replace
/// some of the simulator's, as the demo estate's hung API does).
pub fn demo_with(
    resolved: &Resolved,
    name: &str,
    region: &str,
    simulator: Arc<Simulator>,
    sources: Sources,
    clock: Clock,
) -> Wiring {
    let refresh_interval_ms = if matches!(resolved.origin, ConfigOrigin::Defaults) {
        DEMO_REFRESH_INTERVAL_MS
    } else {
        resolved.refresh_interval_ms.min(DEMO_REFRESH_INTERVAL_MS)
    };
    Wiring {
        environment: EnvironmentInfo {
            read_only: resolved.read_only,
            read_only_reason: resolved.read_only_reason.clone(),
            region: region.to_owned(),
            ..EnvironmentInfo::demo(name)
        },
        sources,
        executor: simulator,
        actor: Actor {
            environment: name.to_owned(),
            identity: format!("{} (demo)", operator_name()),
            profile: None,
            region: region.to_owned(),
        },
        database_identity: Some(format!("{} (demo database)", operator_name())),
        clock,
        refresh_interval_ms,
        api_calls: None,
    }
}

/// A configured environment. The error says what to fix.
pub async fn live(resolved: &Resolved) -> Result<Wiring, String> {
    live_with_credentials(resolved, None).await
}

/// A configured environment with fixed AWS credentials instead of the default chain (None):
/// for tests against moto.
pub async fn live_with_credentials(
    resolved: &Resolved,
    static_credentials: Option<(String, String)>,
) -> Result<Wiring, String> {
    let name = &resolved.environment_name;
    let environment = resolved.environment.as_ref().ok_or_else(|| {
        "no environment selected: pass --env NAME (see assets/opsdeck.example.toml) or run `opsdeck --demo`"
            .to_owned()
    })?;
    let database = match &environment.postgres_url_env {
        Some(variable) => {
            let dsn = std::env::var(variable).map_err(|_| {
                format!(
                    "environment \"{name}\": postgres_url_env names {variable}, which is not set"
                )
            })?;
            let dsn = Dsn::parse(&dsn).map_err(|message| format!("{variable}: {message}"))?;
            Some(Arc::new(
                PostgresSource::new(dsn, environment.allow_superuser_termination)
                    .with_dsn_variable(variable),
            ))
        }
        None => None,
    };
    let settings = AwsSettings {
        region: environment.region.clone(),
        profile: environment.profile.clone(),
        endpoint_url: environment.endpoint_url.clone(),
        static_credentials,
        max_attempts: 3,
        attempt_timeout: None,
        profile_needs_mfa: environment
            .profile
            .as_deref()
            .is_some_and(crate::source::aws::profile_needs_mfa),
        assume_role: environment.role_arn.as_ref().map(|role_arn| AssumeRole {
            role_arn: role_arn.clone(),
            external_id: environment.external_id.clone(),
            session_name: environment
                .role_session_name
                .clone()
                .unwrap_or_else(|| DEFAULT_ROLE_SESSION_NAME.to_owned()),
        }),
    };
    // One configuration, one credential cache, for the panes and the actions.
    let clients = AwsClients::new(settings).await;
    let api_calls = clients.calls.clone();
    let aws_executor = AwsExecutor::sharing(&clients);
    let identity = caller_identity(&clients).await;
    let aws = AwsSource::new(
        clients,
        AwsScope {
            auto_scaling_groups: environment.auto_scaling_groups.clone(),
            target_groups: environment.target_groups.clone(),
            metrics: metric_queries(environment),
            metric_window_seconds: METRIC_WINDOW_SECONDS,
            metrics_account: environment.metrics_account_id.clone(),
            ecs_cluster: environment.ecs_cluster.clone(),
            ecs_services: environment.ecs_services.clone(),
            logs: log_scope(environment),
            alarms: alarm_scope(environment).unwrap_or_default(),
            rds: RdsScope {
                instances: environment.rds_instances.clone(),
                proxy: environment.rds_proxy.clone(),
            },
            certificates: CertificateScope {
                load_balancers: environment.load_balancers.clone(),
                certificate_arns: environment.certificate_arns.clone(),
            },
            cache_replication_groups: environment.cache_replication_groups.clone(),
        },
    );
    let metrics_requested = aws.metrics_requested_per_refresh();
    let logs: Arc<dyn LogSource> = if environment.log_groups.is_empty() {
        Arc::new(Unconfigured::new(format!(
            "no log groups configured for {name}: set log_groups"
        )))
    } else {
        aws.clone()
    };
    let alarms: Arc<dyn AlarmSource> = match alarm_scope(environment) {
        Some(_) => aws.clone(),
        None => Arc::new(Unconfigured::new(format!(
            "no alarms scoped to {name}: set alarm_name_prefixes or alarm_names (all_alarms = true watches every alarm of the account)"
        ))),
    };
    let database_source: Arc<dyn DatabaseSource> = match &database {
        Some(source) => source.clone(),
        None => Arc::new(Unconfigured::new(format!(
            "no PostgreSQL configured for {name}: set postgres_url_env"
        ))),
    };
    let rds: Arc<dyn RdsSource> = if environment.rds_instances.is_empty() {
        Arc::new(Unconfigured::new(format!(
            "no RDS instances configured for {name}: set rds_instances"
        )))
    } else {
        aws.clone()
    };
    let certificates: Arc<dyn CertificateSource> =
        if environment.load_balancers.is_empty() && environment.certificate_arns.is_empty() {
            Arc::new(Unconfigured::new(format!(
                "no certificates to watch for {name}: set load_balancers or certificate_arns"
            )))
        } else {
            aws.clone()
        };
    let cache: Arc<dyn CacheSource> = if environment.cache_replication_groups.is_empty() {
        Arc::new(Unconfigured::new(format!(
            "no ElastiCache replication groups configured for {name}: set cache_replication_groups"
        )))
    } else {
        aws.clone()
    };
    let aws_health: Arc<dyn AwsHealthSource> = if environment.aws_health == Some(false) {
        Arc::new(Unconfigured::new(format!(
            "AWS Health is turned off for {name} (aws_health = false)"
        )))
    } else {
        aws.clone()
    };
    let (health, health_schedule) = health_source(name, environment);
    let mut sources = Sources {
        auto_scaling: aws.clone(),
        targets: aws.clone(),
        health,
        metrics: aws.clone(),
        alarms,
        logs,
        ecs: aws,
        database: database_source,
        rds,
        certificates,
        cache,
        aws_health,
        schedules: live_schedules(),
    };
    sources.schedules.set(SourceKind::Health, health_schedule);
    let database_identity = database
        .as_ref()
        .map(|source| format!("database role {}", source.describe()));
    let database_name = database.as_ref().map(|source| source.database());
    let executor = RoutingExecutor {
        database: database.map(|source| source as Arc<dyn ActionExecutor>),
        aws: Some(Arc::new(aws_executor)),
        aws_missing: String::new(),
    };
    Ok(Wiring {
        environment: EnvironmentInfo {
            name: name.clone(),
            region: environment.region.clone(),
            read_only: resolved.read_only,
            read_only_reason: resolved.read_only_reason.clone(),
            production: environment.production,
            demo: false,
            identity: identity.as_ref().map(|(short, _)| short.clone()),
            metrics_requested_per_refresh: Some(metrics_requested),
            allow_superuser_termination: environment.allow_superuser_termination,
            database: database_name,
        },
        sources,
        executor: Arc::new(executor),
        actor: Actor {
            environment: name.clone(),
            // The ARN AWS knows the caller by, else the OS user.
            identity: identity.map_or_else(operator_name, |(_, arn)| arn),
            profile: environment.profile.clone(),
            region: environment.region.clone(),
        },
        database_identity,
        clock: Clock::wall(),
        refresh_interval_ms: resolved.refresh_interval_ms,
        api_calls: Some(api_calls),
    })
}

/// The health URLs' probes (or why there are none), and their schedule: a poll's deadline
/// leaves the probes their whole timeout.
fn health_source(name: &str, environment: &EnvironmentConfig) -> (Arc<dyn HealthSource>, Schedule) {
    let timeout = environment
        .health_timeout_seconds
        .map_or(health::DEFAULT_TIMEOUT, |seconds| {
            Duration::from_secs(seconds.into())
        });
    let schedule = Schedule {
        deadline: timeout + Duration::from_secs(5),
        ..Schedule::default_for(SourceKind::Health)
    };
    if environment.health_urls.is_empty() {
        let why = format!("no health URLs configured for {name}: set health_urls");
        return (Arc::new(Unconfigured::new(why)), schedule);
    }
    let probes = HealthProbes::new(HealthScope {
        urls: environment.health_urls.clone(),
        timeout,
        follow_redirects: environment.health_follow_redirects,
        ca_file: environment.health_ca_file.clone(),
    });
    (Arc::new(probes), schedule)
}

/// The alarms the environment names, or None when it names none and does not ask for all:
/// an account's alarms belong to many environments, so none is shown unasked.
fn alarm_scope(environment: &EnvironmentConfig) -> Option<AlarmScope> {
    if environment.all_alarms {
        return Some(AlarmScope::All);
    }
    (!environment.alarm_name_prefixes.is_empty() || !environment.alarm_names.is_empty()).then(
        || AlarmScope::Named {
            prefixes: environment.alarm_name_prefixes.clone(),
            names: environment.alarm_names.clone(),
        },
    )
}

/// The default deadlines, with metrics fetched once per CloudWatch period and the error
/// query run once a minute.
fn live_schedules() -> Schedules {
    let mut schedules = Schedules::default();
    schedules.set(
        SourceKind::Metrics,
        Schedule {
            min_interval: METRIC_PERIOD,
            ..Schedule::default_for(SourceKind::Metrics)
        },
    );
    // Logs Insights bills each error query by the bytes it scans: once a minute, the
    // window's step; the error tail runs on every poll.
    schedules.set(
        SourceKind::Logs,
        Schedule {
            billed_query_interval: METRIC_PERIOD,
            ..Schedule::default_for(SourceKind::Logs)
        },
    );
    schedules.set(
        SourceKind::Alarms,
        Schedule {
            min_interval: ALARMS_MIN_INTERVAL,
            ..Schedule::default_for(SourceKind::Alarms)
        },
    );
    // Each RDS poll asks GetMetricData for the storage and lag figures (billed per metric),
    // which change once a minute; the instance's status is worth asking twice as often.
    schedules.set(
        SourceKind::Rds,
        Schedule {
            min_interval: RDS_MIN_INTERVAL,
            ..Schedule::default_for(SourceKind::Rds)
        },
    );
    // AWS Health events change over minutes: once a minute is enough.
    schedules.set(
        SourceKind::AwsHealth,
        Schedule {
            min_interval: AWS_HEALTH_MIN_INTERVAL,
            ..Schedule::default_for(SourceKind::AwsHealth)
        },
    );
    // A group's status changes over minutes (a failover, a modification).
    schedules.set(
        SourceKind::Cache,
        Schedule {
            min_interval: RDS_MIN_INTERVAL,
            ..Schedule::default_for(SourceKind::Cache)
        },
    );
    // Certificates change over days: every few minutes is plenty, and keeps ACM's
    // DescribeCertificate (10 requests a second per account) quiet.
    schedules.set(
        SourceKind::Certificates,
        Schedule {
            min_interval: CERTIFICATES_MIN_INTERVAL,
            ..Schedule::default_for(SourceKind::Certificates)
        },
    );
    schedules
}

/// The AWS Health source's minimum interval.
const AWS_HEALTH_MIN_INTERVAL: Duration = Duration::from_secs(60);

/// The certificate source's minimum interval.
const CERTIFICATES_MIN_INTERVAL: Duration = Duration::from_secs(300);

/// The RDS and ElastiCache sources' minimum interval.
const RDS_MIN_INTERVAL: Duration = Duration::from_secs(30);

/// The runbooks' metrics for what the environment names, then its extra metrics.
fn metric_queries(environment: &EnvironmentConfig) -> Vec<MetricQuery> {
    let mut queries = default_metric_queries(&MetricTargets {
        load_balancers: &environment.load_balancers,
        auto_scaling_groups: &environment.auto_scaling_groups,
        ecs_cluster: environment.ecs_cluster.as_deref(),
        ecs_services: &environment.ecs_services,
        rds_instances: &environment.rds_instances,
        cache_clusters: &environment.cache_clusters,
        dynamodb_tables: &environment.dynamodb_tables,
        without_percentiles: environment.percentile_metrics == Some(false),
    });
    queries.extend(
        environment
            .metrics
            .iter()
            .enumerate()
            .map(|(index, extra)| {
                custom_metric_query(
                    index,
                    extra.label.as_deref().unwrap_or(&extra.name),
                    (&extra.namespace, &extra.name),
                    extra.dimensions.clone().into_iter().collect(),
                    extra.stat.0.clone(),
                    extra.period.0,
                    &extra.unit,
                )
            }),
    );
    queries
}

/// The Logs pane's groups and queries, the runbook's where the environment is silent.
fn log_scope(environment: &EnvironmentConfig) -> LogScope {
    let defaults = LogScope::default();
    LogScope {
        log_groups: environment.log_groups.clone(),
        error_query: environment
            .log_error_query
            .clone()
            .unwrap_or(defaults.error_query),
        tail_filter: environment
            .log_tail_filter
            .clone()
            .unwrap_or(defaults.tail_filter),
        window_minutes: environment
            .log_window_minutes
            .map_or(defaults.window_minutes, |minutes| minutes.0),
        ..defaults
    }
}

/// The caller's account and role, short for the header, and the ARN for the journal. None when
/// STS cannot say (the panes then show the credential error in words).
pub async fn caller_identity(clients: &AwsClients) -> Option<(String, String)> {
    let call = clients.sts.get_caller_identity().send();
    let answer = match tokio::time::timeout(std::time::Duration::from_secs(5), call).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => {
            let error = crate::source::aws::classify(&error, "sts:GetCallerIdentity", None);
            tracing::debug!("no caller identity: {}", error.message);
            return None;
        }
        Err(_) => return None,
    };
    let arn = answer.arn()?.to_owned();
    let account = answer.account().unwrap_or("?");
    // arn:aws:sts::123456789012:assumed-role/OnCall/jane -> OnCall
    let principal = arn.rsplit(':').next().unwrap_or(&arn);
    let role = principal.split('/').nth(1).unwrap_or(principal);
    Some((format!("{account} {role}"), arn))
}
