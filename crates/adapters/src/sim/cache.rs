//! The demo's cache: the runbook's `basecoat-portal-cache`, a primary and a replica with
//! automatic failover, always available (its evictions are in the Metrics pane).

use crate::model::{CacheGroup, CacheMember};

/// The replication group.
pub fn groups() -> Vec<CacheGroup> {
    let member = |id: &str, role: &str| CacheMember {
        id: id.to_owned(),
        status: "available".to_owned(),
        engine_version: "7.1.0".to_owned(),
        role: Some(role.to_owned()),
    };
    vec![CacheGroup {
        id: "basecoat-portal-cache".to_owned(),
        status: "available".to_owned(),
        node_type: "cache.r6g.large".to_owned(),
        automatic_failover: "enabled".to_owned(),
        multi_az: "enabled".to_owned(),
        engine: "redis".to_owned(),
        members: vec![
            member("basecoat-portal-cache-001", "primary"),
            member("basecoat-portal-cache-002", "replica"),
        ],
    }]
}
