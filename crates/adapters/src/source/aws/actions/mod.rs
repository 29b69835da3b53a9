//! Guarded actions carried out in AWS through the SDK: each reads the state again first
//! (preflight), aborts if it is not what the operator saw, then makes one call. The clients
//! here never retry: a change is sent at most once, and an unanswered one is reported as
//! unknown for the next poll to settle.

mod db_snapshot;
mod ecs_desired;
mod errors;
mod group;
mod instance_refresh;
mod max_size;
mod rollback;
mod scale;

use crate::action::executor::{ActionExecutor, ReportFuture};
use crate::action::{ActionRequest, Outcome, Report};
use crate::source::aws::{AwsClients, AwsSettings};

/// Carries out AWS requests for one environment.
pub struct AwsExecutor {
    clients: AwsClients,
}

impl AwsExecutor {
    /// An executor with its own clients: same endpoint and credentials as the panes', one
    /// attempt per call.
    pub async fn new(settings: AwsSettings) -> Self {
        Self::sharing(&AwsClients::new(settings).await)
    }

    /// An executor on the panes' own configuration (one credential cache: per AWS SDK for
    /// Rust Developer Guide, clients built from one SdkConfig share its identity cache), one
    /// attempt per call.
    pub fn sharing(clients: &AwsClients) -> Self {
        Self {
            clients: clients.single_attempt(),
        }
    }
}

impl ActionExecutor for AwsExecutor {
    fn execute(&self, request: ActionRequest) -> ReportFuture<'_> {
        Box::pin(async move {
            match request {
                ActionRequest::SetDesiredCapacity {
                    group,
                    expected_desired,
                    desired,
                    honor_cooldown,
                } => {
                    scale::set_desired_capacity(
                        &self.clients.auto_scaling,
                        &group,
                        expected_desired,
                        desired,
                        honor_cooldown,
                    )
                    .await
                }
                ActionRequest::SetMaxSize {
                    group,
                    expected_max,
                    max,
                } => {
                    max_size::set_max_size(&self.clients.auto_scaling, &group, expected_max, max)
                        .await
                }
                ActionRequest::StartInstanceRefresh {
                    group,
                    min_healthy_percentage,
                    instance_warmup_seconds,
                } => {
                    instance_refresh::start(
                        &self.clients.auto_scaling,
                        &group,
                        min_healthy_percentage,
                        instance_warmup_seconds,
                    )
                    .await
                }
                ActionRequest::RollBack {
                    group,
                    template_id,
                    from_version,
                    to_version,
                    min_healthy_percentage,
                    instance_warmup_seconds,
                } => {
                    let plan = rollback::RollBack {
                        group: &group,
                        template_id: &template_id,
                        from_version,
                        to_version,
                        min_healthy_percentage,
                        instance_warmup_seconds,
                    };
                    rollback::roll_back(&self.clients, plan).await
                }
                ActionRequest::CancelInstanceRefresh { group } => {
                    instance_refresh::cancel(&self.clients.auto_scaling, &group).await
                }
                ActionRequest::SetEcsDesiredCount {
                    cluster,
                    service,
                    expected_desired,
                    desired,
                } => {
                    ecs_desired::set_desired_count(
                        &self.clients.ecs,
                        &cluster,
                        &service,
                        expected_desired,
                        desired,
                    )
                    .await
                }
                ActionRequest::ForceNewDeployment { cluster, service } => {
                    ecs_desired::force_new_deployment(&self.clients.ecs, &cluster, &service).await
                }
                // CreateDBSnapshot (Amazon RDS API Reference), after its preflight.
                ActionRequest::CreateDbSnapshot { instance, snapshot } => {
                    db_snapshot::create(&self.clients.rds, &instance, &snapshot).await
                }
                ActionRequest::CancelQuery { .. }
                | ActionRequest::TerminateBackends { .. }
                | ActionRequest::Analyze { .. } => Report {
                    outcome: Outcome::Refused(
                        "database actions go to PostgreSQL, not AWS; nothing was sent".to_owned(),
                    ),
                    request_id: None,
                },
            }
        })
    }
}
