//! ElastiCache replication groups: DescribeReplicationGroups for each configured group (the
//! runbook's `describe-replication-groups --replication-group-id`), and DescribeCacheClusters
//! for each member's status and engine version (a replication group carries no engine
//! version of its own).

use aws_sdk_elasticache::Client;
use aws_sdk_elasticache::types::ReplicationGroup;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::classify;
use crate::model::{CacheGroup, CacheMember};
use crate::source::{SourceError, SourceErrorKind};

/// Every group in `ids`, in that order. A group ElastiCache does not know is an error naming
/// it (DescribeReplicationGroups, Amazon ElastiCache API Reference: `ReplicationGroupNotFoundFault`,
/// HTTP 404).
pub async fn groups(client: &Client, ids: &[String]) -> Result<Vec<CacheGroup>, SourceError> {
    let mut groups = Vec::with_capacity(ids.len());
    for id in ids {
        let answer = match client
            .describe_replication_groups()
            .replication_group_id(id)
            .send()
            .await
        {
            Ok(answer) => answer,
            Err(error) if error.code() == Some("ReplicationGroupNotFoundFault") => {
                return Err(SourceError::new(
                    SourceErrorKind::NotFound,
                    format!("ElastiCache replication group {id} not found"),
                ));
            }
            Err(error) => {
                return Err(classify(
                    &error,
                    "elasticache:DescribeReplicationGroups",
                    None,
                ));
            }
        };
        for group in answer.replication_groups() {
            groups.push(with_members(client, group).await?);
        }
    }
    Ok(groups)
}

async fn with_members(
    client: &Client,
    group: &ReplicationGroup,
) -> Result<CacheGroup, SourceError> {
    let roles: Vec<(String, String)> = group
        .node_groups()
        .iter()
        .flat_map(|node_group| node_group.node_group_members())
        .filter_map(|member| {
            Some((
                member.cache_cluster_id()?.to_owned(),
                member.current_role()?.to_owned(),
            ))
        })
        .collect();
    let role_of = |id: &str| {
        roles
            .iter()
            .find(|(member, _)| member == id)
            .map(|(_, role)| role.clone())
    };
    let mut members = Vec::new();
    for id in group.member_clusters() {
        // A member being replaced can be listed by its group before DescribeCacheClusters
        // knows it (`CacheClusterNotFound`): that member is "not found", not the pane's error.
        let answer = match client
            .describe_cache_clusters()
            .cache_cluster_id(id)
            .send()
            .await
        {
            Ok(answer) => answer,
            Err(error) if error.code() == Some("CacheClusterNotFound") => {
                members.push(CacheMember {
                    id: id.clone(),
                    status: "not found".to_owned(),
                    engine_version: String::new(),
                    role: role_of(id),
                });
                continue;
            }
            Err(error) => return Err(classify(&error, "elasticache:DescribeCacheClusters", None)),
        };
        for cluster in answer.cache_clusters() {
            members.push(CacheMember {
                id: id.clone(),
                status: cluster
                    .cache_cluster_status()
                    .unwrap_or_default()
                    .to_owned(),
                engine_version: cluster.engine_version().unwrap_or_default().to_owned(),
                role: role_of(id),
            });
        }
    }
    Ok(CacheGroup {
        id: group.replication_group_id().unwrap_or_default().to_owned(),
        status: group.status().unwrap_or_default().to_owned(),
        node_type: group.cache_node_type().unwrap_or_default().to_owned(),
        automatic_failover: group
            .automatic_failover()
            .map_or_else(String::new, |s| s.as_str().to_owned()),
        multi_az: group
            .multi_az()
            .map_or_else(String::new, |s| s.as_str().to_owned()),
        engine: group.engine().unwrap_or("redis").to_owned(),
        members,
    })
}
