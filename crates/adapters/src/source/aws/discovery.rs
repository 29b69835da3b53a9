//! `opsdeck discover`: what one account and Region holds, read with paginated, read-only calls
//! (List*, Describe*, GetCallerIdentity). Every service is read at once; one that refuses (a
//! permission missing) is named in the inventory and the others are still read.
//!
//! Tags come with the listing where the API returns them (DescribeAutoScalingGroups' `Tags`,
//! DescribeDBInstances' `TagList`); elsewhere they cost calls (ELBv2 DescribeTags, ECS
//! `include=TAGS`, ElastiCache ListTagsForResource), made only when `--tag` asks for them.

use aws_sdk_cloudwatch::types::AlarmType;
use aws_sdk_ecs::types::{ClusterField, ServiceField};

use super::{AwsClients, classify};
use crate::discovery::{
    FoundAlarm, FoundCacheGroup, FoundCluster, FoundDatabase, FoundGroup, FoundLoadBalancer,
    FoundService, FoundTargetGroup, Inventory, Tags,
};
use crate::source::{SourceError, SourceErrorKind};

/// DescribeTags takes at most 20 resource ARNs (DescribeTags, Elastic Load Balancing API
/// Reference, "ResourceArns ... Maximum number of 20 items").
const ELB_ARNS_PER_TAG_CALL: usize = 20;
/// DescribeClusters takes up to 100 clusters, DescribeServices up to 10 services
/// (Amazon Elastic Container Service API Reference).
const ECS_CLUSTERS_PER_CALL: usize = 100;
const ECS_SERVICES_PER_CALL: usize = 10;

/// Reads the account `clients` reach. `read_tags`: also read the tags that cost calls of their
/// own. Fails only when nothing could be read (credentials, an unreachable endpoint); a
/// service that refuses is named in `Inventory::unread`.
pub async fn discover(clients: &AwsClients, read_tags: bool) -> Result<Inventory, SourceError> {
    let profile = clients.settings.profile.as_deref();
    let (account, groups, balancing, ecs, databases, caches, log_groups, alarms) = futures::join!(
        account(clients, profile),
        auto_scaling_groups(clients, profile),
        load_balancing(clients, profile, read_tags),
        ecs_clusters(clients, profile, read_tags),
        rds_instances(clients, profile),
        cache_groups(clients, profile, read_tags),
        log_groups(clients, profile),
        alarms(clients, profile),
    );
    let mut inventory = Inventory {
        account: account.ok(),
        ..Inventory::default()
    };
    let mut errors = Vec::new();
    let mut take = |result: Result<(), SourceError>| {
        if let Err(error) = result {
            errors.push(error);
        }
    };
    take(groups.map(|found| inventory.auto_scaling_groups = found));
    take(balancing.map(|(balancers, target_groups)| {
        inventory.load_balancers = balancers;
        inventory.target_groups = target_groups;
    }));
    take(ecs.map(|found| inventory.ecs_clusters = found));
    take(databases.map(|found| inventory.rds_instances = found));
    take(caches.map(|found| inventory.cache_groups = found));
    take(log_groups.map(|found| inventory.log_groups = found));
    take(alarms.map(|found| inventory.alarms = found));
    if let Some(fatal) = fatal_error(&errors, 7) {
        return Err(fatal);
    }
    inventory.unread = errors.into_iter().map(|error| error.message).collect();
    Ok(inventory)
}

/// The error that stops discovery: missing credentials stop every read, and so does an
/// endpoint no read reached.
fn fatal_error(errors: &[SourceError], reads: usize) -> Option<SourceError> {
    if let Some(credentials) = errors
        .iter()
        .find(|error| error.kind == SourceErrorKind::Credentials)
    {
        return Some(credentials.clone());
    }
    (errors.len() == reads).then(|| errors[0].clone())
}

/// GetCallerIdentity (AWS Security Token Service API Reference): the account read.
async fn account(clients: &AwsClients, profile: Option<&str>) -> Result<String, SourceError> {
    let identity = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| classify(&e, "sts:GetCallerIdentity", profile))?;
    Ok(identity.account().unwrap_or_default().to_owned())
}

/// DescribeAutoScalingGroups without names: every group, 100 a page (`MaxRecords`, Amazon EC2
/// Auto Scaling API Reference), with their tags and target groups.
async fn auto_scaling_groups(
    clients: &AwsClients,
    profile: Option<&str>,
) -> Result<Vec<FoundGroup>, SourceError> {
    let mut pages = clients
        .auto_scaling
        .describe_auto_scaling_groups()
        .max_records(100)
        .into_paginator()
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| classify(&e, "autoscaling:DescribeAutoScalingGroups", profile))?;
        found.extend(page.auto_scaling_groups().iter().map(|group| {
            FoundGroup {
                name: group
                    .auto_scaling_group_name()
                    .unwrap_or_default()
                    .to_owned(),
                tags: group
                    .tags()
                    .iter()
                    .map(|tag| pair(tag.key(), tag.value()))
                    .collect(),
                target_group_arns: group.target_group_arns().to_vec(),
            }
        }));
    }
    Ok(found)
}

/// DescribeLoadBalancers and DescribeTargetGroups, every page (`PageSize` up to 400, Elastic
/// Load Balancing API Reference), and with `read_tags` DescribeTags, 20 ARNs a call.
async fn load_balancing(
    clients: &AwsClients,
    profile: Option<&str>,
    read_tags: bool,
) -> Result<(Vec<FoundLoadBalancer>, Vec<FoundTargetGroup>), SourceError> {
    let mut balancers = Vec::new();
    let mut pages = clients
        .elb
        .describe_load_balancers()
        .page_size(400)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| classify(&e, "elasticloadbalancing:DescribeLoadBalancers", profile))?;
        balancers.extend(page.load_balancers().iter().map(|balancer| {
            FoundLoadBalancer {
                arn: balancer.load_balancer_arn().unwrap_or_default().to_owned(),
                name: balancer.load_balancer_name().unwrap_or_default().to_owned(),
                kind: balancer
                    .r#type()
                    .map(|kind| kind.as_str().to_owned())
                    .unwrap_or_default(),
                tags: Vec::new(),
            }
        }));
    }
    let mut target_groups = Vec::new();
    let mut pages = clients
        .elb
        .describe_target_groups()
        .page_size(400)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| classify(&e, "elasticloadbalancing:DescribeTargetGroups", profile))?;
        target_groups.extend(page.target_groups().iter().map(|group| FoundTargetGroup {
            arn: group.target_group_arn().unwrap_or_default().to_owned(),
            name: group.target_group_name().unwrap_or_default().to_owned(),
            load_balancer_arns: group.load_balancer_arns().to_vec(),
            tags: Vec::new(),
        }));
    }
    if read_tags {
        let arns: Vec<String> = balancers
            .iter()
            .map(|b| b.arn.clone())
            .chain(target_groups.iter().map(|g| g.arn.clone()))
            .collect();
        let tags = elb_tags(clients, profile, &arns).await?;
        for balancer in &mut balancers {
            balancer.tags = tags_of(&tags, &balancer.arn);
        }
        for group in &mut target_groups {
            group.tags = tags_of(&tags, &group.arn);
        }
    }
    Ok((balancers, target_groups))
}

async fn elb_tags(
    clients: &AwsClients,
    profile: Option<&str>,
    arns: &[String],
) -> Result<Vec<(String, Tags)>, SourceError> {
    let mut found = Vec::with_capacity(arns.len());
    for chunk in arns.chunks(ELB_ARNS_PER_TAG_CALL) {
        let answer = clients
            .elb
            .describe_tags()
            .set_resource_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify(&e, "elasticloadbalancing:DescribeTags", profile))?;
        found.extend(answer.tag_descriptions().iter().map(|description| {
            let tags = description
                .tags()
                .iter()
                .map(|tag| pair(tag.key(), tag.value()))
                .collect();
            (
                description.resource_arn().unwrap_or_default().to_owned(),
                tags,
            )
        }));
    }
    Ok(found)
}

fn tags_of(tags: &[(String, Tags)], arn: &str) -> Tags {
    tags.iter()
        .find(|(resource, _)| resource == arn)
        .map(|(_, tags)| tags.clone())
        .unwrap_or_default()
}

/// ListClusters and, per cluster, ListServices (every page, 100 a page), with `read_tags`
/// DescribeClusters and DescribeServices with `include=TAGS` (Amazon Elastic Container
/// Service API Reference).
async fn ecs_clusters(
    clients: &AwsClients,
    profile: Option<&str>,
    read_tags: bool,
) -> Result<Vec<FoundCluster>, SourceError> {
    let mut arns = Vec::new();
    let mut pages = clients
        .ecs
        .list_clusters()
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "ecs:ListClusters", profile))?;
        arns.extend(page.cluster_arns().iter().cloned());
    }
    let mut clusters = Vec::with_capacity(arns.len());
    for arn in &arns {
        let services = ecs_services(clients, profile, arn, read_tags).await?;
        clusters.push(FoundCluster {
            name: last_segment(arn).to_owned(),
            tags: Vec::new(),
            services,
        });
    }
    if read_tags {
        for (chunk, names) in arns
            .chunks(ECS_CLUSTERS_PER_CALL)
            .zip(clusters.chunks_mut(ECS_CLUSTERS_PER_CALL))
        {
            let answer = clients
                .ecs
                .describe_clusters()
                .set_clusters(Some(chunk.to_vec()))
                .include(ClusterField::Tags)
                .send()
                .await
                .map_err(|e| classify(&e, "ecs:DescribeClusters", profile))?;
            for described in answer.clusters() {
                let name = described.cluster_name().unwrap_or_default();
                if let Some(cluster) = names.iter_mut().find(|c| c.name == name) {
                    cluster.tags = described
                        .tags()
                        .iter()
                        .map(|tag| pair(tag.key(), tag.value()))
                        .collect();
                }
            }
        }
    }
    Ok(clusters)
}

async fn ecs_services(
    clients: &AwsClients,
    profile: Option<&str>,
    cluster: &str,
    read_tags: bool,
) -> Result<Vec<FoundService>, SourceError> {
    let mut arns = Vec::new();
    let mut pages = clients
        .ecs
        .list_services()
        .cluster(cluster)
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "ecs:ListServices", profile))?;
        arns.extend(page.service_arns().iter().cloned());
    }
    let mut services: Vec<FoundService> = arns
        .iter()
        .map(|arn| FoundService {
            name: last_segment(arn).to_owned(),
            tags: Vec::new(),
        })
        .collect();
    if !read_tags {
        return Ok(services);
    }
    for chunk in arns.chunks(ECS_SERVICES_PER_CALL) {
        let answer = clients
            .ecs
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(|e| classify(&e, "ecs:DescribeServices", profile))?;
        for described in answer.services() {
            let name = described.service_name().unwrap_or_default();
            if let Some(service) = services.iter_mut().find(|s| s.name == name) {
                service.tags = described
                    .tags()
                    .iter()
                    .map(|tag| pair(tag.key(), tag.value()))
                    .collect();
            }
        }
    }
    Ok(services)
}

/// DescribeDBInstances, every page (`MaxRecords` 100, Amazon RDS API Reference); `TagList`
/// comes with each instance.
async fn rds_instances(
    clients: &AwsClients,
    profile: Option<&str>,
) -> Result<Vec<FoundDatabase>, SourceError> {
    let mut found = Vec::new();
    let mut pages = clients
        .rds
        .describe_db_instances()
        .max_records(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "rds:DescribeDBInstances", profile))?;
        found.extend(page.db_instances().iter().map(|instance| {
            FoundDatabase {
                id: instance
                    .db_instance_identifier()
                    .unwrap_or_default()
                    .to_owned(),
                engine: instance.engine().unwrap_or_default().to_owned(),
                replica_of: instance
                    .read_replica_source_db_instance_identifier()
                    .map(str::to_owned),
                tags: instance
                    .tag_list()
                    .iter()
                    .map(|tag| pair(tag.key(), tag.value()))
                    .collect(),
            }
        }));
    }
    Ok(found)
}

/// DescribeReplicationGroups, every page (`MaxRecords` 100, Amazon ElastiCache API
/// Reference), and with `read_tags` ListTagsForResource on each group's ARN.
async fn cache_groups(
    clients: &AwsClients,
    profile: Option<&str>,
    read_tags: bool,
) -> Result<Vec<FoundCacheGroup>, SourceError> {
    let mut found = Vec::new();
    let mut pages = clients
        .elasticache
        .describe_replication_groups()
        .max_records(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| classify(&e, "elasticache:DescribeReplicationGroups", profile))?;
        for group in page.replication_groups() {
            let tags = match (read_tags, group.arn()) {
                (true, Some(arn)) => clients
                    .elasticache
                    .list_tags_for_resource()
                    .resource_name(arn)
                    .send()
                    .await
                    .map_err(|e| classify(&e, "elasticache:ListTagsForResource", profile))?
                    .tag_list()
                    .iter()
                    .map(|tag| pair(tag.key(), tag.value()))
                    .collect(),
                _ => Vec::new(),
            };
            found.push(FoundCacheGroup {
                id: group.replication_group_id().unwrap_or_default().to_owned(),
                members: group.member_clusters().to_vec(),
                tags,
            });
        }
    }
    Ok(found)
}

/// DescribeLogGroups, every page (`limit` 50, Amazon CloudWatch Logs API Reference).
async fn log_groups(
    clients: &AwsClients,
    profile: Option<&str>,
) -> Result<Vec<String>, SourceError> {
    let mut found = Vec::new();
    let mut pages = clients
        .logs
        .describe_log_groups()
        .limit(50)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "logs:DescribeLogGroups", profile))?;
        found.extend(
            page.log_groups()
                .iter()
                .filter_map(|group| group.log_group_name().map(str::to_owned)),
        );
    }
    Ok(found)
}

/// DescribeAlarms for metric and composite alarms (`AlarmTypes`; without it only metric
/// alarms are returned), every page (`MaxRecords` 100, Amazon CloudWatch API Reference). A
/// metric-math alarm's dimensions are those of the metrics in its expression.
async fn alarms(
    clients: &AwsClients,
    profile: Option<&str>,
) -> Result<Vec<FoundAlarm>, SourceError> {
    let mut found = Vec::new();
    let mut pages = clients
        .cloudwatch
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .max_records(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "cloudwatch:DescribeAlarms", profile))?;
        for alarm in page.metric_alarms() {
            let in_expression = alarm
                .metrics()
                .iter()
                .filter_map(|query| query.metric_stat()?.metric())
                .flat_map(|metric| metric.dimensions());
            let dimensions = alarm
                .dimensions()
                .iter()
                .chain(in_expression)
                .map(|d| pair(d.name(), d.value()))
                .collect();
            found.push(FoundAlarm {
                name: alarm.alarm_name().unwrap_or_default().to_owned(),
                dimensions,
            });
        }
        found.extend(page.composite_alarms().iter().map(|alarm| FoundAlarm {
            name: alarm.alarm_name().unwrap_or_default().to_owned(),
            dimensions: Vec::new(),
        }));
    }
    Ok(found)
}

fn pair(key: Option<&str>, value: Option<&str>) -> (String, String) {
    (
        key.unwrap_or_default().to_owned(),
        value.unwrap_or_default().to_owned(),
    )
}

/// A cluster's or service's name: the ARN's last path segment (`.../cluster/prod`,
/// `.../service/prod/web`).
fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
