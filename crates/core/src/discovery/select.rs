//! Which of the resources found belong to the environment, and why some are left out.
//!
//! With `--tag` filters a resource belongs when it carries them, or when it serves one that
//! does (the target groups of a tagged Auto Scaling group, the load balancers in front of
//! them), since teams rarely tag every piece. Without filters the whole account and Region is
//! the environment. Log groups and alarms are not read by tag (that would be one call each):
//! log groups belong by name, alarms by the resources their metric names.

use std::collections::BTreeSet;

use super::{FoundCluster, Inventory, TagFilter, matches_all};
use crate::config::load_balancer_dimension;

/// Logs Insights' StartQuery takes at most 50 log groups ("logGroupNames ... Maximum number
/// of 50 items", StartQuery, Amazon CloudWatch Logs API Reference).
pub const MAX_LOG_GROUPS: usize = 50;

/// What the environment table will name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub auto_scaling_groups: Vec<String>,
    pub target_groups: Vec<String>,
    /// As CloudWatch's `app/NAME/ID`.
    pub load_balancers: Vec<String>,
    pub ecs_cluster: Option<String>,
    pub ecs_services: Vec<String>,
    pub rds_instances: Vec<String>,
    pub cache_replication_groups: Vec<String>,
    pub cache_clusters: Vec<String>,
    pub log_groups: Vec<String>,
    pub alarm_names: Vec<String>,
    /// No filter: the account is the environment, so every alarm is its own.
    pub all_alarms: bool,
    /// What was found and left out, and why, for the summary.
    pub left_out: Vec<String>,
}

impl Selection {
    /// Whether the table would watch anything at all.
    pub fn is_empty(&self) -> bool {
        self.auto_scaling_groups.is_empty()
            && self.target_groups.is_empty()
            && self.load_balancers.is_empty()
            && self.ecs_cluster.is_none()
            && self.rds_instances.is_empty()
            && self.cache_replication_groups.is_empty()
            && self.log_groups.is_empty()
            && self.alarm_names.is_empty()
    }
}

/// Chooses what of `inventory` belongs to the environment that `filters` describe.
pub fn select(inventory: &Inventory, filters: &[TagFilter]) -> Selection {
    let mut selection = Selection::default();
    select_fleet(inventory, filters, &mut selection);
    select_ecs(&inventory.ecs_clusters, filters, &mut selection);
    for database in &inventory.rds_instances {
        if matches_all(&database.tags, filters) && database.replica_of.is_none() {
            selection.rds_instances.push(database.id.clone());
        }
    }
    for group in &inventory.cache_groups {
        if matches_all(&group.tags, filters) {
            selection.cache_replication_groups.push(group.id.clone());
            selection
                .cache_clusters
                .extend(group.members.iter().cloned());
        }
    }
    select_log_groups(&inventory.log_groups, filters, &mut selection);
    select_alarms(inventory, filters, &mut selection);
    selection
}

/// Auto Scaling groups, their target groups and the Application Load Balancers in front.
fn select_fleet(inventory: &Inventory, filters: &[TagFilter], selection: &mut Selection) {
    let groups: Vec<_> = inventory
        .auto_scaling_groups
        .iter()
        .filter(|group| matches_all(&group.tags, filters))
        .collect();
    let served: BTreeSet<&str> = groups
        .iter()
        .flat_map(|group| group.target_group_arns.iter().map(String::as_str))
        .collect();
    let target_groups: Vec<_> = inventory
        .target_groups
        .iter()
        .filter(|tg| matches_all(&tg.tags, filters) || served.contains(tg.arn.as_str()))
        .collect();
    let fronting: BTreeSet<&str> = target_groups
        .iter()
        .flat_map(|tg| tg.load_balancer_arns.iter().map(String::as_str))
        .collect();
    selection.auto_scaling_groups = groups.iter().map(|g| g.name.clone()).collect();
    selection.target_groups = target_groups.iter().map(|tg| tg.name.clone()).collect();
    for balancer in &inventory.load_balancers {
        if !(matches_all(&balancer.tags, filters) || fronting.contains(balancer.arn.as_str())) {
            continue;
        }
        match load_balancer_dimension(&balancer.arn) {
            Ok(dimension) => selection.load_balancers.push(dimension),
            Err(_) => selection.left_out.push(format!(
                "load balancer {} ({}): opsdeck charts Application Load Balancers",
                balancer.name, balancer.kind
            )),
        }
    }
}

/// One ECS cluster per environment: the one with the most services that belong; the others
/// are named in the summary (each can be its own environment, with `--tag` or `--name`).
fn select_ecs(clusters: &[FoundCluster], filters: &[TagFilter], selection: &mut Selection) {
    let mut candidates: Vec<(&str, Vec<String>)> = clusters
        .iter()
        .map(|cluster| {
            let cluster_matches = !filters.is_empty() && matches_all(&cluster.tags, filters);
            let services = cluster
                .services
                .iter()
                .filter(|service| cluster_matches || matches_all(&service.tags, filters))
                .map(|service| service.name.clone())
                .collect();
            (cluster.name.as_str(), services)
        })
        .filter(|(_, services): &(&str, Vec<String>)| !services.is_empty())
        .collect();
    // Most services first; among equals, the first the account listed.
    candidates.sort_by_key(|(_, services)| std::cmp::Reverse(services.len()));
    let mut candidates = candidates.into_iter();
    if let Some((cluster, services)) = candidates.next() {
        selection.ecs_cluster = Some(cluster.to_owned());
        selection.ecs_services = services;
    }
    for (cluster, services) in candidates {
        selection.left_out.push(format!(
            "ECS cluster {cluster} ({} services): an environment watches one cluster",
            services.len()
        ));
    }
}

/// Log groups whose name has a segment naming a resource of the environment (or a filter's
/// value): `/ecs/web` for service `web`, `/aws/rds/instance/db-1/postgresql` for `db-1`.
fn select_log_groups(log_groups: &[String], filters: &[TagFilter], selection: &mut Selection) {
    let names = resource_names(selection, filters);
    let matching: Vec<&String> = log_groups
        .iter()
        .filter(|group| names_resource(group, &names))
        .collect();
    if matching.len() > MAX_LOG_GROUPS {
        selection.left_out.push(format!(
            "{} more log groups matched; a Logs Insights query reads at most {MAX_LOG_GROUPS}",
            matching.len() - MAX_LOG_GROUPS
        ));
    }
    selection.log_groups = matching.into_iter().take(MAX_LOG_GROUPS).cloned().collect();
}

fn resource_names<'a>(selection: &'a Selection, filters: &'a [TagFilter]) -> Vec<&'a str> {
    let balancer_names = selection
        .load_balancers
        .iter()
        .filter_map(|dimension| dimension.split('/').nth(1));
    selection
        .auto_scaling_groups
        .iter()
        .chain(&selection.target_groups)
        .chain(&selection.ecs_cluster)
        .chain(&selection.ecs_services)
        .chain(&selection.rds_instances)
        .chain(&selection.cache_replication_groups)
        .map(String::as_str)
        .chain(balancer_names)
        .chain(filters.iter().map(|filter| filter.value.as_str()))
        .filter(|name| !name.is_empty())
        .collect()
}

/// Whether a segment of the log group's path is `name`, or `name` then a separator
/// (`/ecs/web-task` for `web`), so `web` does not claim `/aws/lambda/webhook`.
fn names_resource(log_group: &str, names: &[&str]) -> bool {
    log_group.split('/').any(|segment| {
        names.iter().any(|name| {
            segment.strip_prefix(name).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(|c: char| !c.is_ascii_alphanumeric())
            })
        })
    })
}

/// Without filters every alarm is the environment's; with them, the alarms whose metric's
/// dimensions name a selected resource, and composite alarms named after a filter's value.
fn select_alarms(inventory: &Inventory, filters: &[TagFilter], selection: &mut Selection) {
    if filters.is_empty() {
        selection.all_alarms = !inventory.alarms.is_empty();
        return;
    }
    let identifiers = dimension_values(inventory, selection);
    selection.alarm_names = inventory
        .alarms
        .iter()
        .filter(|alarm| {
            alarm
                .dimensions
                .iter()
                .any(|(_, value)| identifiers.contains(value.as_str()))
                || filters
                    .iter()
                    .any(|filter| !filter.value.is_empty() && alarm.name.contains(&filter.value))
        })
        .map(|alarm| alarm.name.clone())
        .collect();
}

/// The values CloudWatch dimensions take for the selected resources (AutoScalingGroupName,
/// LoadBalancer `app/NAME/ID`, TargetGroup `targetgroup/NAME/ID`: the ARN's resource part,
/// ClusterName, ServiceName, DBInstanceIdentifier, CacheClusterId, ReplicationGroupId).
fn dimension_values<'a>(inventory: &'a Inventory, selection: &'a Selection) -> BTreeSet<&'a str> {
    let target_group_dimensions = inventory
        .target_groups
        .iter()
        .filter(|tg| selection.target_groups.contains(&tg.name))
        .filter_map(|tg| tg.arn.rsplit_once(':').map(|(_, resource)| resource));
    selection
        .auto_scaling_groups
        .iter()
        .chain(&selection.load_balancers)
        .chain(&selection.ecs_cluster)
        .chain(&selection.ecs_services)
        .chain(&selection.rds_instances)
        .chain(&selection.cache_replication_groups)
        .chain(&selection.cache_clusters)
        .map(String::as_str)
        .chain(target_group_dimensions)
        .filter(|value| !value.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{
        FoundAlarm, FoundCacheGroup, FoundDatabase, FoundGroup, FoundLoadBalancer, FoundService,
        FoundTargetGroup,
    };

    const ACCOUNT_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";

    fn tagged(value: &str) -> Vec<(String, String)> {
        vec![("customer".to_owned(), value.to_owned())]
    }

    /// Two customers in one account: acme tags its Auto Scaling group only, globex tags
    /// everything; an NLB, a read replica and an unrelated Lambda log group besides.
    fn inventory() -> Inventory {
        let balancer = |name: &str, kind: &str, id: &str| FoundLoadBalancer {
            arn: format!("{ACCOUNT_ARN}:loadbalancer/{}/{name}/{id}", &kind[..3]),
            name: name.to_owned(),
            kind: kind.to_owned(),
            tags: Vec::new(),
        };
        let target_group = |name: &str, balancer: &str| FoundTargetGroup {
            arn: format!("{ACCOUNT_ARN}:targetgroup/{name}/0123456789abcdef"),
            name: name.to_owned(),
            load_balancer_arns: vec![balancer.to_owned()],
            tags: Vec::new(),
        };
        let acme_alb = balancer("acme-web", "application", "50dc6c495c0c9188");
        let dns = balancer("acme-dns", "network", "60dc6c495c0c9188");
        Inventory {
            account: Some("123456789012".to_owned()),
            auto_scaling_groups: vec![
                FoundGroup {
                    name: "acme-web-asg".to_owned(),
                    tags: tagged("acme"),
                    target_group_arns: vec![format!(
                        "{ACCOUNT_ARN}:targetgroup/acme-web/0123456789abcdef"
                    )],
                },
                FoundGroup {
                    name: "globex-asg".to_owned(),
                    tags: tagged("globex"),
                    target_group_arns: Vec::new(),
                },
            ],
            target_groups: vec![
                target_group("acme-web", &acme_alb.arn),
                target_group("acme-dns", &dns.arn),
            ],
            load_balancers: vec![acme_alb, dns.clone()],
            ecs_clusters: vec![
                FoundCluster {
                    name: "shared".to_owned(),
                    tags: Vec::new(),
                    services: vec![
                        FoundService {
                            name: "acme-api".to_owned(),
                            tags: tagged("acme"),
                        },
                        FoundService {
                            name: "globex-api".to_owned(),
                            tags: tagged("globex"),
                        },
                    ],
                },
                FoundCluster {
                    name: "acme".to_owned(),
                    tags: tagged("acme"),
                    services: vec![
                        FoundService {
                            name: "web".to_owned(),
                            tags: Vec::new(),
                        },
                        FoundService {
                            name: "worker".to_owned(),
                            tags: Vec::new(),
                        },
                    ],
                },
            ],
            rds_instances: vec![
                FoundDatabase {
                    id: "acme-db".to_owned(),
                    engine: "postgres".to_owned(),
                    replica_of: None,
                    tags: tagged("acme"),
                },
                FoundDatabase {
                    id: "acme-db-replica".to_owned(),
                    engine: "postgres".to_owned(),
                    replica_of: Some("acme-db".to_owned()),
                    tags: tagged("acme"),
                },
            ],
            cache_groups: vec![FoundCacheGroup {
                id: "acme-cache".to_owned(),
                members: vec!["acme-cache-001".to_owned(), "acme-cache-002".to_owned()],
                tags: tagged("acme"),
            }],
            log_groups: [
                "/ecs/web",
                "/ecs/worker-task",
                "/aws/rds/instance/acme-db/postgresql",
                "/aws/lambda/webhook",
                "/ecs/globex-api",
                "/aws/acme/application",
            ]
            .map(str::to_owned)
            .to_vec(),
            alarms: vec![
                FoundAlarm {
                    name: "cpu-high".to_owned(),
                    dimensions: vec![("AutoScalingGroupName".into(), "acme-web-asg".into())],
                },
                FoundAlarm {
                    name: "tg-unhealthy".to_owned(),
                    dimensions: vec![(
                        "TargetGroup".into(),
                        "targetgroup/acme-web/0123456789abcdef".into(),
                    )],
                },
                FoundAlarm {
                    name: "acme-composite".to_owned(),
                    dimensions: Vec::new(),
                },
                FoundAlarm {
                    name: "globex-cpu".to_owned(),
                    dimensions: vec![("AutoScalingGroupName".into(), "globex-asg".into())],
                },
            ],
            unread: Vec::new(),
        }
    }

    #[test]
    fn a_tag_selects_its_resources_and_what_serves_them() {
        let filters = [TagFilter::parse("customer=acme").unwrap()];
        let selection = select(&inventory(), &filters);
        assert_eq!(selection.auto_scaling_groups, ["acme-web-asg"]);
        assert_eq!(
            selection.target_groups,
            ["acme-web"],
            "the group's, untagged"
        );
        assert_eq!(
            selection.load_balancers,
            ["app/acme-web/50dc6c495c0c9188"],
            "in front of the group's target group; the NLB is not"
        );
        assert_eq!(selection.ecs_cluster.as_deref(), Some("acme"));
        assert_eq!(
            selection.ecs_services,
            ["web", "worker"],
            "the tagged cluster's services, over the shared cluster's one tagged service"
        );
        assert_eq!(
            selection.rds_instances,
            ["acme-db"],
            "replicas are found through their source"
        );
        assert_eq!(selection.cache_replication_groups, ["acme-cache"]);
        assert_eq!(
            selection.cache_clusters,
            ["acme-cache-001", "acme-cache-002"]
        );
        assert_eq!(
            selection.log_groups,
            [
                "/ecs/web",
                "/ecs/worker-task",
                "/aws/rds/instance/acme-db/postgresql",
                "/aws/acme/application"
            ]
        );
        assert_eq!(
            selection.alarm_names,
            ["cpu-high", "tg-unhealthy", "acme-composite"]
        );
        assert!(!selection.all_alarms);
        assert_eq!(
            selection.left_out,
            ["ECS cluster shared (1 services): an environment watches one cluster"]
        );
    }

    #[test]
    fn without_a_tag_the_account_is_the_environment() {
        let selection = select(&inventory(), &[]);
        assert_eq!(
            selection.auto_scaling_groups,
            ["acme-web-asg", "globex-asg"]
        );
        assert_eq!(selection.target_groups, ["acme-web", "acme-dns"]);
        assert_eq!(selection.load_balancers, ["app/acme-web/50dc6c495c0c9188"]);
        assert_eq!(selection.ecs_cluster.as_deref(), Some("shared"));
        assert!(selection.all_alarms);
        assert!(selection.alarm_names.is_empty());
        assert_eq!(
            selection.left_out,
            [
                "load balancer acme-dns (network): opsdeck charts Application Load Balancers",
                "ECS cluster acme (2 services): an environment watches one cluster"
            ]
        );
    }

    #[test]
    fn a_tag_nothing_carries_selects_nothing() {
        let selection = select(
            &inventory(),
            &[TagFilter::parse("customer=initech").unwrap()],
        );
        assert!(selection.is_empty(), "{selection:?}");
    }

    #[test]
    fn log_groups_beyond_what_one_query_reads_are_left_out_and_said() {
        let inventory = Inventory {
            auto_scaling_groups: vec![FoundGroup {
                name: "web".to_owned(),
                ..FoundGroup::default()
            }],
            log_groups: (0..60).map(|i| format!("/web/{i}")).collect(),
            ..Inventory::default()
        };
        let selection = select(&inventory, &[]);
        assert_eq!(selection.log_groups.len(), MAX_LOG_GROUPS);
        assert_eq!(
            selection.left_out,
            ["10 more log groups matched; a Logs Insights query reads at most 50"]
        );
    }
}
