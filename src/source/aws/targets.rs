//! Target health: the configured target groups (names or ARNs), else those attached to the
//! configured Auto Scaling groups; DescribeTargetHealth for each.

use super::errors::classify;
use super::{AwsClients, AwsScope};
use crate::model::{TargetGroupHealth, TargetHealth, TargetState};
use crate::source::SourceError;

/// Health of every target of every watched target group.
pub async fn target_health(
    clients: &AwsClients,
    scope: &AwsScope,
) -> Result<Vec<TargetGroupHealth>, SourceError> {
    let groups = target_groups(clients, scope).await?;
    let mut result = Vec::with_capacity(groups.len());
    for (name, arn) in groups {
        let answer = clients
            .elb
            .describe_target_health()
            .target_group_arn(&arn)
            .send()
            .await
            .map_err(|e| classify(&e, "elasticloadbalancing:DescribeTargetHealth", None))?;
        let targets = answer
            .target_health_descriptions()
            .iter()
            .map(|description| {
                let target = description.target();
                let health = description.target_health();
                TargetHealth {
                    id: target.and_then(|t| t.id()).unwrap_or_default().to_owned(),
                    port: target
                        .and_then(|t| t.port())
                        .and_then(|port| u16::try_from(port).ok())
                        .unwrap_or(0),
                    availability_zone: target
                        .and_then(|t| t.availability_zone())
                        .unwrap_or_default()
                        .to_owned(),
                    state: TargetState::from_aws(
                        health.and_then(|h| h.state()).map_or("", |s| s.as_str()),
                    ),
                    reason: health
                        .and_then(|h| h.reason())
                        .map(|r| r.as_str().to_owned()),
                    description: health.and_then(|h| h.description()).map(str::to_owned),
                }
            })
            .collect();
        result.push(TargetGroupHealth {
            target_group_name: name,
            target_group_arn: arn,
            targets,
        });
    }
    Ok(result)
}

/// (name, ARN) of every watched target group.
async fn target_groups(
    clients: &AwsClients,
    scope: &AwsScope,
) -> Result<Vec<(String, String)>, SourceError> {
    let describe = clients.elb.describe_target_groups();
    let request = if scope.target_groups.is_empty() {
        let arns = attached_target_groups(clients, scope).await?;
        if arns.is_empty() {
            return Ok(Vec::new());
        }
        describe.set_target_group_arns(Some(arns))
    } else if scope.target_groups.iter().all(|g| g.starts_with("arn:")) {
        describe.set_target_group_arns(Some(scope.target_groups.clone()))
    } else {
        describe.set_names(Some(scope.target_groups.clone()))
    };
    let answer = request
        .send()
        .await
        .map_err(|e| classify(&e, "elasticloadbalancing:DescribeTargetGroups", None))?;
    Ok(answer
        .target_groups()
        .iter()
        .map(|group| {
            (
                group.target_group_name().unwrap_or_default().to_owned(),
                group.target_group_arn().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

async fn attached_target_groups(
    clients: &AwsClients,
    scope: &AwsScope,
) -> Result<Vec<String>, SourceError> {
    if scope.auto_scaling_groups.is_empty() {
        return Ok(Vec::new());
    }
    let answer = clients
        .auto_scaling
        .describe_auto_scaling_groups()
        .set_auto_scaling_group_names(Some(scope.auto_scaling_groups.clone()))
        .send()
        .await
        .map_err(|e| classify(&e, "autoscaling:DescribeAutoScalingGroups", None))?;
    let mut arns: Vec<String> = answer
        .auto_scaling_groups()
        .iter()
        .flat_map(|group| group.target_group_arns().iter().cloned())
        .collect();
    arns.sort();
    arns.dedup();
    Ok(arns)
}
