//! UpdateService desiredCount (the ECS runbook's "manually increase desired task count"),
//! after checking the service still wants the count the operator saw; and forceNewDeployment,
//! both parameters of "UpdateService" in the Amazon ECS API Reference.

use aws_sdk_ecs::Client;
use aws_sdk_ecs::operation::RequestId;

use super::errors::report;
use crate::action::{Outcome, Report};

/// Sets `service`'s desired count to `desired` if it is still `expected`.
pub async fn set_desired_count(
    client: &Client,
    cluster: &str,
    service: &str,
    expected: u32,
    desired: u32,
) -> Report {
    let target = format!("ECS service {service} in cluster {cluster}");
    let seen = match client
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
    {
        Ok(answer) => answer,
        Err(error) => return report(&error, "ecs:DescribeServices", &target),
    };
    let Some(current) = seen.services().first() else {
        return Report {
            outcome: Outcome::Refused(format!("{target} not found; nothing was sent")),
            request_id: None,
        };
    };
    let now = u32::try_from(current.desired_count()).unwrap_or(0);
    if now != expected {
        return Report {
            outcome: Outcome::Aborted(format!(
                "desired count of {service} is now {now}, not the {expected} you saw; nothing was changed"
            )),
            request_id: None,
        };
    }
    match client
        .update_service()
        .cluster(cluster)
        .service(service)
        .desired_count(i32::try_from(desired).unwrap_or(i32::MAX))
        .send()
        .await
    {
        Ok(answer) => Report {
            outcome: Outcome::Succeeded(format!("desired count {now} -> {desired}")),
            request_id: answer.request_id().map(str::to_owned),
        },
        Err(error) => report(&error, "ecs:UpdateService", &target),
    }
}

/// Starts a new deployment of `service` (UpdateService forceNewDeployment).
pub async fn force_new_deployment(client: &Client, cluster: &str, service: &str) -> Report {
    let target = format!("ECS service {service} in cluster {cluster}");
    match client
        .update_service()
        .cluster(cluster)
        .service(service)
        .force_new_deployment(true)
        .send()
        .await
    {
        Ok(answer) => Report {
            outcome: Outcome::Succeeded(format!("new deployment of {service} started")),
            request_id: answer.request_id().map(str::to_owned),
        },
        Err(error) => report(&error, "ecs:UpdateService", &target),
    }
}
