//! Target health: the configured target groups (names or ARNs), else those attached to the
//! configured Auto Scaling groups; DescribeTargetHealth for each.

use super::errors::classify;
use super::{AwsClients, AwsScope};
use crate::model::{TargetGroupHealth, TargetHealth, TargetState};
use crate::source::SourceError;

/// DescribeTargetGroups' largest `PageSize`.
const TARGET_GROUPS_PER_PAGE: i32 = 400;

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

/// (name, ARN) of every watched target group. DescribeTargetGroups (Elastic Load Balancing
/// API Reference) takes names or ARNs, not both in one call, and pages its answer
/// (`NextMarker`, up to 400 a page): each kind is asked apart and every page read.
async fn target_groups(
    clients: &AwsClients,
    scope: &AwsScope,
) -> Result<Vec<(String, String)>, SourceError> {
    let (mut arns, names): (Vec<String>, Vec<String>) = scope
        .target_groups
        .iter()
        .cloned()
        .partition(|group| group.starts_with("arn:"));
    if scope.target_groups.is_empty() {
        arns = attached_target_groups(clients, scope).await?;
    }
    let mut found = Vec::new();
    for (arns, names) in [(arns, Vec::new()), (Vec::new(), names)] {
        if arns.is_empty() && names.is_empty() {
            continue;
        }
        let mut pages = clients
            .elb
            .describe_target_groups()
            .set_target_group_arns((!arns.is_empty()).then_some(arns))
            .set_names((!names.is_empty()).then_some(names))
            .page_size(TARGET_GROUPS_PER_PAGE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| classify(&e, "elasticloadbalancing:DescribeTargetGroups", None))?;
            found.extend(page.target_groups().iter().map(|group| {
                (
                    group.target_group_name().unwrap_or_default().to_owned(),
                    group.target_group_arn().unwrap_or_default().to_owned(),
                )
            }));
        }
    }
    Ok(found)
}

async fn attached_target_groups(
    clients: &AwsClients,
    scope: &AwsScope,
) -> Result<Vec<String>, SourceError> {
    if scope.auto_scaling_groups.is_empty() {
        return Ok(Vec::new());
    }
    let groups =
        super::auto_scaling::describe_groups(&clients.auto_scaling, &scope.auto_scaling_groups)
            .await
            .map_err(|e| classify(&e, "autoscaling:DescribeAutoScalingGroups", None))?;
    let mut arns: Vec<String> = groups
        .iter()
        .flat_map(|group| group.target_group_arns().iter().cloned())
        .collect();
    arns.sort();
    arns.dedup();
    Ok(arns)
}
