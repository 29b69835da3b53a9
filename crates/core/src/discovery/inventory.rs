//! What discovery found in one account and Region, as plain values.

/// A resource's tags, key and value.
pub type Tags = Vec<(String, String)>;

/// Everything one discovery read, before choosing what belongs to the environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    /// The account read (GetCallerIdentity), when it answered.
    pub account: Option<String>,
    pub auto_scaling_groups: Vec<FoundGroup>,
    pub load_balancers: Vec<FoundLoadBalancer>,
    pub target_groups: Vec<FoundTargetGroup>,
    pub ecs_clusters: Vec<FoundCluster>,
    pub rds_instances: Vec<FoundDatabase>,
    pub cache_groups: Vec<FoundCacheGroup>,
    pub log_groups: Vec<String>,
    pub alarms: Vec<FoundAlarm>,
    /// Services that could not be read and why (a permission missing): the rest is still
    /// discovered, and the summary says what is missing.
    pub unread: Vec<String>,
}

/// An Auto Scaling group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundGroup {
    pub name: String,
    pub tags: Tags,
    pub target_group_arns: Vec<String>,
}

/// A load balancer (application, network or gateway).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundLoadBalancer {
    pub arn: String,
    pub name: String,
    /// ELBv2's `Type`: `application`, `network` or `gateway`.
    pub kind: String,
    pub tags: Tags,
}

/// A target group and the load balancers that forward to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundTargetGroup {
    pub arn: String,
    pub name: String,
    pub load_balancer_arns: Vec<String>,
    pub tags: Tags,
}

/// An ECS cluster and its services.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundCluster {
    pub name: String,
    pub tags: Tags,
    pub services: Vec<FoundService>,
}

/// An ECS service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundService {
    pub name: String,
    pub tags: Tags,
}

/// An RDS DB instance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundDatabase {
    pub id: String,
    pub engine: String,
    /// The source of a read replica: replicas are found through their source, so they are not
    /// listed in `rds_instances` themselves.
    pub replica_of: Option<String>,
    pub tags: Tags,
}

/// An ElastiCache replication group and its member clusters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundCacheGroup {
    pub id: String,
    pub members: Vec<String>,
    pub tags: Tags,
}

/// A CloudWatch alarm and the dimensions of its metric (none for a composite alarm).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundAlarm {
    pub name: String,
    pub dimensions: Vec<(String, String)>,
}
