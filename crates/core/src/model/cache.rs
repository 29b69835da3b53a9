//! ElastiCache replication groups as DescribeReplicationGroups and DescribeCacheClusters
//! describe them (the runbook's cache eviction step 2: node type, automatic failover,
//! engine version). Evictions stay in the Metrics pane.

/// One replication group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheGroup {
    pub id: String,
    /// `available`, `creating`, `modifying`, `deleting`, `create-failed`, `snapshotting`.
    pub status: String,
    pub node_type: String,
    /// `enabled`, `disabled`, `enabling`, `disabling`.
    pub automatic_failover: String,
    pub multi_az: String,
    pub engine: String,
    pub members: Vec<CacheMember>,
}

/// One member cluster of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheMember {
    pub id: String,
    /// `CacheClusterStatus`: `available`, `modifying`, `rebooting cluster nodes`, ...
    pub status: String,
    pub engine_version: String,
    /// `primary` or `replica` (`NodeGroupMember.CurrentRole`), when the group says.
    pub role: Option<String>,
}

impl CacheGroup {
    /// Whether the group and every member are `available`.
    pub fn available(&self) -> bool {
        self.status == "available" && self.members.iter().all(|m| m.status == "available")
    }

    /// The members' engine versions, each once ("7.1.0", or "7.0.7, 7.1.0" mid-upgrade).
    pub fn engine_versions(&self) -> String {
        let mut versions: Vec<&str> = self
            .members
            .iter()
            .map(|m| m.engine_version.as_str())
            .filter(|v| !v.is_empty())
            .collect();
        versions.sort_unstable();
        versions.dedup();
        versions.join(", ")
    }
}
