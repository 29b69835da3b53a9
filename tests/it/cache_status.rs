//! Issue 15, item 3: ElastiCache replication groups read through the real SDK from moto and
//! from AWS-shaped answers (a member mid-failover, a group that does not exist).

use crate::support;

use opsdeck::source::CacheSource;
use opsdeck::source::aws::{AwsScope, AwsSource};
use support::aws::{clients, clients_for};
use support::aws_shaped::{Answer, AwsShaped, xml};
use support::moto::MotoServer;

const GROUP: &str = "basecoat-portal-cache";

fn scope() -> AwsScope {
    AwsScope {
        cache_replication_groups: vec![GROUP.to_owned()],
        ..AwsScope::default()
    }
}

/// The runbook's replication group created in moto: status, node type, automatic failover
/// and its member clusters (DescribeCacheClusters gives each member's engine version: a
/// group has none of its own, so the runbook's `EngineVersion` query comes back empty). moto
/// lists the members but does not serve them as cache clusters (`CacheClusterNotFound`):
/// each is then "not found", which the pane says, instead of failing the group.
#[tokio::test]
async fn the_runbooks_replication_group_is_read_from_moto() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    clients
        .elasticache
        .create_replication_group()
        .replication_group_id(GROUP)
        .replication_group_description("basecoat portal sessions")
        .engine("redis")
        .engine_version("7.1")
        .cache_node_type("cache.r6g.large")
        .num_cache_clusters(2)
        .automatic_failover_enabled(true)
        .send()
        .await
        .unwrap();
    let groups = AwsSource::new(clients, scope())
        .cache_groups()
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    let group = &groups[0];
    assert_eq!(
        (
            group.id.as_str(),
            group.node_type.as_str(),
            group.automatic_failover.as_str()
        ),
        (GROUP, "cache.r6g.large", "enabled")
    );
    assert!(!group.members.is_empty(), "{group:?}");
    assert!(
        group.members.iter().all(|m| m.status == "not found"),
        "{group:?}"
    );
    assert!(!group.available(), "a member not found is not available");
}

/// DescribeReplicationGroups as the Amazon ElastiCache API Reference shapes it: a group
/// whose replica is being promoted (`modifying`), roles from `NodeGroupMembers`.
const DESCRIBE_GROUP: &str = r#"<DescribeReplicationGroupsResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"><DescribeReplicationGroupsResult><ReplicationGroups><ReplicationGroup><ReplicationGroupId>basecoat-portal-cache</ReplicationGroupId><Status>modifying</Status><MemberClusters><ClusterId>basecoat-portal-cache-001</ClusterId><ClusterId>basecoat-portal-cache-002</ClusterId></MemberClusters><NodeGroups><NodeGroup><NodeGroupId>0001</NodeGroupId><Status>modifying</Status><NodeGroupMembers><NodeGroupMember><CacheClusterId>basecoat-portal-cache-001</CacheClusterId><CacheNodeId>0001</CacheNodeId><CurrentRole>replica</CurrentRole></NodeGroupMember><NodeGroupMember><CacheClusterId>basecoat-portal-cache-002</CacheClusterId><CacheNodeId>0001</CacheNodeId><CurrentRole>primary</CurrentRole></NodeGroupMember></NodeGroupMembers></NodeGroup></NodeGroups><AutomaticFailover>enabled</AutomaticFailover><MultiAZ>enabled</MultiAZ><CacheNodeType>cache.r6g.large</CacheNodeType><Engine>redis</Engine></ReplicationGroup></ReplicationGroups></DescribeReplicationGroupsResult><ResponseMetadata><RequestId>5c1d0000-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeReplicationGroupsResponse>"#;

fn cache_cluster(id: &str, status: &str) -> String {
    format!(
        r#"<DescribeCacheClustersResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"><DescribeCacheClustersResult><CacheClusters><CacheCluster><CacheClusterId>{id}</CacheClusterId><CacheNodeType>cache.r6g.large</CacheNodeType><Engine>redis</Engine><EngineVersion>7.1.0</EngineVersion><CacheClusterStatus>{status}</CacheClusterStatus><ReplicationGroupId>basecoat-portal-cache</ReplicationGroupId></CacheCluster></CacheClusters></DescribeCacheClustersResult><ResponseMetadata><RequestId>5c1d0000-0000-4000-8000-000000000002</RequestId></ResponseMetadata></DescribeCacheClustersResponse>"#
    )
}

/// A failover under way: the group and one member `modifying`, the roles swapped; the pane's
/// line names the member. A group that does not exist (`ReplicationGroupNotFoundFault`,
/// HTTP 404) is the source's error, naming it.
#[tokio::test]
async fn a_failover_under_way_and_a_missing_group_are_said() {
    let server = AwsShaped::start().await;
    server.answer("DescribeReplicationGroups", vec![xml(DESCRIBE_GROUP)]);
    server.answer(
        "DescribeCacheClusters",
        vec![
            xml(&cache_cluster("basecoat-portal-cache-001", "modifying")),
            xml(&cache_cluster("basecoat-portal-cache-002", "available")),
        ],
    );
    let source = AwsSource::new(clients_for(&server.endpoint).await, scope());
    let groups = source.cache_groups().await.unwrap();
    let group = &groups[0];
    assert!(!group.available());
    let roles: Vec<(&str, &str, Option<&str>)> = group
        .members
        .iter()
        .map(|m| (m.id.as_str(), m.status.as_str(), m.role.as_deref()))
        .collect();
    assert_eq!(
        roles,
        [
            ("basecoat-portal-cache-001", "modifying", Some("replica")),
            ("basecoat-portal-cache-002", "available", Some("primary")),
        ]
    );
    let (_, line) = opsdeck::state::panes::cache::line(group);
    assert_eq!(
        line,
        "✗ cache basecoat-portal-cache modifying · cache.r6g.large · failover enabled · redis 7.1.0 · 2 members · basecoat-portal-cache-001 modifying"
    );
    let asked = server.requests("DescribeReplicationGroups");
    assert!(
        asked[0].contains("ReplicationGroupId=basecoat-portal-cache"),
        "{}",
        asked[0]
    );

    server.answer(
        "DescribeReplicationGroups",
        vec![Answer {
            status: 404,
            ..xml(
                r#"<ErrorResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"><Error><Type>Sender</Type><Code>ReplicationGroupNotFoundFault</Code><Message>ReplicationGroup basecoat-portal-cache not found.</Message></Error><RequestId>5c1d0000-0000-4000-8000-000000000003</RequestId></ErrorResponse>"#,
            )
        }],
    );
    let error = source.cache_groups().await.unwrap_err();
    assert_eq!(
        error.message,
        "ElastiCache replication group basecoat-portal-cache not found"
    );
}
