//! ECS services: DescribeServices (10 names a call) with deployments, rollout state and events.

use aws_sdk_ecs::Client;

use super::errors::classify;
use super::time::to_utc;
use crate::model::{EcsDeployment, EcsEvent, EcsService};
use crate::source::{SourceError, SourceErrorKind};

/// DescribeServices takes at most this many services in one call.
const SERVICES_PER_CALL: usize = 10;
const EVENTS_SHOWN: usize = 8;

/// Every configured service of `cluster`, in configuration order.
pub async fn services(
    client: &Client,
    cluster: &str,
    names: &[String],
) -> Result<Vec<EcsService>, SourceError> {
    let mut found = Vec::with_capacity(names.len());
    for chunk in names.chunks(SERVICES_PER_CALL) {
        let answer = client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify(&e, "ecs:DescribeServices", None))?;
        if let Some(failure) = answer.failures().first() {
            return Err(SourceError::new(
                SourceErrorKind::NotFound,
                format!(
                    "ECS service {} in cluster {cluster}: {}",
                    failure
                        .arn()
                        .and_then(|arn| arn.rsplit('/').next())
                        .unwrap_or("?"),
                    failure.reason().unwrap_or("not found").to_lowercase()
                ),
            ));
        }
        found.extend(
            answer
                .services()
                .iter()
                .map(|service| to_service(cluster, service)),
        );
    }
    found.sort_by_key(|service| names.iter().position(|name| *name == service.name));
    Ok(found)
}

fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn to_service(cluster: &str, service: &aws_sdk_ecs::types::Service) -> EcsService {
    EcsService {
        cluster: cluster.to_owned(),
        name: service.service_name().unwrap_or_default().to_owned(),
        desired_count: count(service.desired_count()),
        running_count: count(service.running_count()),
        pending_count: count(service.pending_count()),
        deployments: service
            .deployments()
            .iter()
            .map(|deployment| EcsDeployment {
                id: deployment.id().unwrap_or_default().to_owned(),
                status: deployment.status().unwrap_or_default().to_owned(),
                task_definition: deployment
                    .task_definition()
                    .and_then(|arn| arn.rsplit('/').next())
                    .unwrap_or_default()
                    .to_owned(),
                desired_count: count(deployment.desired_count()),
                running_count: count(deployment.running_count()),
                // "Deployment" (Amazon ECS API Reference): rolloutState is returned only
                // for the rolling update controller without a Classic Load Balancer.
                rollout_state: deployment.rollout_state().map_or_else(
                    || crate::model::ROLLOUT_UNKNOWN.to_owned(),
                    |state| state.as_str().to_owned(),
                ),
                updated_at: deployment
                    .updated_at()
                    .or_else(|| deployment.created_at())
                    .map(to_utc),
            })
            .collect(),
        events: service
            .events()
            .iter()
            .take(EVENTS_SHOWN)
            .map(|event| EcsEvent {
                id: event.id().unwrap_or_default().to_owned(),
                created_at: event.created_at().map(to_utc).unwrap_or_default(),
                message: event.message().unwrap_or_default().to_owned(),
            })
            .collect(),
    }
}
