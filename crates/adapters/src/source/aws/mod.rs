//! The AWS sources through the AWS SDK for Rust: one module per service, plain domain values
//! out, SDK errors classified into words a user can act on.

pub mod actions;
mod alarm_history;
mod alarms;
mod auto_scaling;
mod aws_health;
mod cache;
mod certificates;
mod clients;
pub mod discovery;
mod ecs;
mod errors;
mod insights;
mod instances;
mod launch_templates;
pub mod log_ledger;
mod log_tail;
mod logs;
mod metrics;
mod rds;
mod targets;
mod time;

pub use actions::AwsExecutor;
pub use alarms::AlarmScope;
pub use auto_scaling::describe_groups;
pub use certificates::CertificateScope;
pub use clients::{
    AssumeRole, AwsClients, AwsSettings, CallCounter, https_client, profile_needs_mfa,
};
pub use errors::classify;
pub use launch_templates::{resolve_now, template_of};
pub use logs::{LogScope, counts_from_rows, service_and_text};
pub use metrics::{MetricQuery, MetricTargets, custom_metric_query, default_metric_queries};
pub use rds::RdsScope;

use std::sync::Arc;

use super::{
    AlarmSource, AutoScalingSource, AwsHealthSource, CacheSource, CertificateSource, EcsSource,
    ErrorQuery, LogSource, MetricsSource, RdsSource, SourceError, SourceErrorKind, SourceFuture,
    TargetHealthSource,
};
use crate::model::{
    Alarm, AutoScalingGroup, AwsHealthEvent, CacheGroup, Certificate, EcsService,
    LaunchTemplateVersion, LogErrors, MetricSeries, RdsStatus, TargetGroupHealth,
};

/// What one environment watches in AWS.
#[derive(Debug, Clone, Default)]
pub struct AwsScope {
    pub auto_scaling_groups: Vec<String>,
    /// Names or ARNs; empty means those attached to the groups.
    pub target_groups: Vec<String>,
    pub metrics: Vec<MetricQuery>,
    /// How far back metric charts reach, in seconds.
    pub metric_window_seconds: i64,
    /// The linked source account whose metrics these are, read through a CloudWatch
    /// cross-account monitoring account (None: the credentials' own account).
    pub metrics_account: Option<String>,
    /// The ECS cluster and the services watched in it.
    pub ecs_cluster: Option<String>,
    pub ecs_services: Vec<String>,
    /// The Logs pane's log groups and queries.
    pub logs: LogScope,
    /// The alarms the Alarms pane watches (DescribeAlarms, Amazon CloudWatch API Reference:
    /// by `AlarmNamePrefix` or up to 100 `AlarmNames`).
    pub alarms: AlarmScope,
    /// The RDS instances and proxy whose status the PostgreSQL pane shows.
    pub rds: RdsScope,
    /// The load balancers whose listeners' certificates are watched, and more by ARN.
    pub certificates: CertificateScope,
    /// ElastiCache replication groups whose status is shown.
    pub cache_replication_groups: Vec<String>,
}

/// CloudWatch's default metric period, and so the metrics poller's minimum interval (see
/// [`crate::source::Schedule`]): the poller owns that schedule, so the pane's age is always
/// the age of what was fetched.
pub const METRIC_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// The AWS panes' sources.
pub struct AwsSource {
    clients: AwsClients,
    scope: AwsScope,
    logs: logs::LogState,
}

impl AwsSource {
    /// Sources over `clients` for `scope`.
    pub fn new(clients: AwsClients, scope: AwsScope) -> Arc<Self> {
        Arc::new(Self {
            clients,
            scope,
            logs: logs::LogState::default(),
        })
    }
}

impl AwsSource {
    /// Credential errors name the environment's profile in the command that fixes them.
    fn for_profile<T>(&self, result: Result<T, SourceError>) -> Result<T, SourceError> {
        result.map_err(|mut error| {
            if error.kind == SourceErrorKind::Credentials
                && let Some(profile) = &self.clients.settings.profile
            {
                let generic =
                    "set AWS credentials (aws configure, or aws sso login --profile NAME)";
                let fix = if self.clients.settings.profile_needs_mfa {
                    errors::mfa_fix(profile)
                } else {
                    format!("run: aws sso login --profile {profile}")
                };
                error.message = error.message.replace(generic, &fix);
            }
            error
        })
    }
}

impl AwsSource {
    /// Metrics one GetMetricData refresh requests (what CloudWatch bills).
    pub fn metrics_requested_per_refresh(&self) -> usize {
        metrics::requested(&self.scope.metrics)
    }
}

impl AutoScalingSource for AwsSource {
    fn auto_scaling_groups(&self) -> SourceFuture<'_, Vec<AutoScalingGroup>> {
        Box::pin(async move {
            let groups = auto_scaling::groups(
                &self.clients.auto_scaling,
                &self.scope.auto_scaling_groups,
                self.clients.settings.endpoint_url.is_some(),
            );
            let mut groups = self.for_profile(groups.await)?;
            auto_scaling::add_instance_details(&self.clients.ec2, &mut groups).await;
            Ok(groups)
        })
    }

    fn launch_template_versions<'a>(
        &'a self,
        group: &'a str,
    ) -> SourceFuture<'a, Vec<LaunchTemplateVersion>> {
        Box::pin(
            async move { self.for_profile(launch_templates::versions(&self.clients, group).await) },
        )
    }
}

impl TargetHealthSource for AwsSource {
    fn target_health(&self) -> SourceFuture<'_, Vec<TargetGroupHealth>> {
        Box::pin(async move {
            self.for_profile(targets::target_health(&self.clients, &self.scope).await)
        })
    }
}

impl MetricsSource for AwsSource {
    fn metric_series(&self) -> SourceFuture<'_, Vec<MetricSeries>> {
        Box::pin(async move {
            let series = metrics::series(
                &self.clients.cloudwatch,
                &self.scope.metrics,
                self.scope.metric_window_seconds,
                self.scope.metrics_account.as_deref(),
            );
            self.for_profile(series.await)
        })
    }

    /// GetMetricData over the window (Amazon CloudWatch API Reference: `EndTime` exclusive,
    /// the period a multiple of what retention keeps for `StartTime`).
    fn metric_window(
        &self,
        window: crate::model::MetricWindow,
    ) -> SourceFuture<'_, Vec<MetricSeries>> {
        Box::pin(async move {
            let series = metrics::series_over(
                &self.clients.cloudwatch,
                &self.scope.metrics,
                window,
                self.scope.metrics_account.as_deref(),
            );
            self.for_profile(series.await)
        })
    }
}

impl AlarmSource for AwsSource {
    fn alarms(&self) -> SourceFuture<'_, Vec<Alarm>> {
        Box::pin(async move {
            self.for_profile(alarms::alarms(&self.clients.cloudwatch, &self.scope.alarms).await)
        })
    }

    /// DescribeAlarmHistory (Amazon CloudWatch API Reference), state changes of both alarm
    /// types, scoped as the alarms are.
    fn alarm_history(
        &self,
        since: crate::model::Timestamp,
    ) -> SourceFuture<'_, Vec<crate::model::AlarmStateChange>> {
        Box::pin(async move {
            let changes =
                alarm_history::state_changes(&self.clients.cloudwatch, &self.scope.alarms, since);
            self.for_profile(changes.await)
        })
    }
}

impl EcsSource for AwsSource {
    fn ecs_services(&self) -> SourceFuture<'_, Vec<EcsService>> {
        Box::pin(async move {
            let Some(cluster) = &self.scope.ecs_cluster else {
                return Ok(Vec::new());
            };
            self.for_profile(
                ecs::services(&self.clients.ecs, cluster, &self.scope.ecs_services).await,
            )
        })
    }
}

impl LogSource for AwsSource {
    fn log_errors(&self, query: ErrorQuery) -> SourceFuture<'_, LogErrors> {
        Box::pin(async move {
            let errors = logs::log_errors(&self.clients.logs, &self.scope.logs, &self.logs, query);
            self.for_profile(errors.await)
        })
    }
}

/// DescribeDBInstances and its companions (Amazon RDS API Reference); see `rds`.
impl RdsSource for AwsSource {
    fn rds_status(&self) -> SourceFuture<'_, RdsStatus> {
        Box::pin(async move {
            let status = rds::status(&self.clients.rds, &self.clients.cloudwatch, &self.scope.rds);
            self.for_profile(status.await)
        })
    }

    /// DescribeDBInstances, then DescribeDimensionKeys (Performance Insights API Reference)
    /// by wait event and by statement; see `insights`.
    fn performance_insights(&self) -> SourceFuture<'_, crate::model::InsightsReading> {
        Box::pin(async move {
            let reading = insights::reading(
                &self.clients.rds,
                &self.clients.pi,
                &self.scope.rds.instances,
                chrono::Utc::now(),
            );
            self.for_profile(reading.await)
        })
    }
}

/// DescribeListenerCertificates (Elastic Load Balancing API Reference) and DescribeCertificate
/// (AWS Certificate Manager API Reference); see `certificates`.
impl CertificateSource for AwsSource {
    fn certificates(&self) -> SourceFuture<'_, Vec<Certificate>> {
        Box::pin(async move {
            let found = certificates::certificates(
                &self.clients.elb,
                &self.clients.acm,
                &self.scope.certificates,
            );
            self.for_profile(found.await)
        })
    }
}

/// DescribeReplicationGroups and DescribeCacheClusters (Amazon ElastiCache API Reference).
impl CacheSource for AwsSource {
    fn cache_groups(&self) -> SourceFuture<'_, Vec<CacheGroup>> {
        Box::pin(async move {
            let groups = cache::groups(
                &self.clients.elasticache,
                &self.scope.cache_replication_groups,
            );
            self.for_profile(groups.await)
        })
    }
}

/// DescribeEvents (AWS Health API Reference), at the global endpoint.
impl AwsHealthSource for AwsSource {
    fn aws_health_events(&self) -> SourceFuture<'_, Vec<AwsHealthEvent>> {
        Box::pin(async move {
            let events = aws_health::events(
                &self.clients.aws_health,
                &self.clients.settings.region,
                self.clients.settings.endpoint_url.is_some(),
            );
            self.for_profile(events.await)
        })
    }
}
