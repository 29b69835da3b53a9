//! The demo's database as the RDS API would describe it: the portal's Multi-AZ primary with a
//! pending system update, its read replica whose lag follows the write load (tens of seconds
//! under the incident's reports), and the RDS Proxy in front of both.

use super::load::Load;
use crate::model::{
    DbSnapshot, GIB, PendingMaintenance, ProxyTarget, RdsInstance, RdsProxy, RdsStatus, StatusInfo,
    Timestamp,
};

/// The primary's identifier (the runbook's).
pub const PRIMARY: &str = "basecoat-portal-db";
/// Its read replica's (the runbook's).
pub const REPLICA: &str = "basecoat-portal-db-read-replica";
/// The proxy in front of the primary.
pub const PROXY: &str = "basecoat-portal-proxy";
const ALLOCATED_GIB: u32 = 500;
/// Storage used at the demo's start, and what each hour of traffic writes.
const USED_GIB_AT_START: f64 = 318.0;
const WRITTEN_GIB_PER_HOUR: f64 = 0.4;

/// Seconds the demo's snapshot takes from start to `available`.
pub const SNAPSHOT_SECONDS: i64 = 120;

/// A manual snapshot `age` seconds after it was started at `started`.
pub fn snapshot(name: &str, age: i64, started: Timestamp) -> DbSnapshot {
    let percent = (age.clamp(0, SNAPSHOT_SECONDS) * 100 / SNAPSHOT_SECONDS) as u32;
    DbSnapshot {
        identifier: name.to_owned(),
        instance: PRIMARY.to_owned(),
        status: if percent >= 100 {
            "available"
        } else {
            "creating"
        }
        .to_owned(),
        percent_progress: percent,
        created_at: Some(started),
    }
}

/// The database at `elapsed` seconds under `load`, `now` being that moment.
pub fn status(load: &Load, elapsed: i64, now: Timestamp) -> RdsStatus {
    let used_gib = USED_GIB_AT_START + WRITTEN_GIB_PER_HOUR * elapsed as f64 / 3600.0;
    let free_bytes = (f64::from(ALLOCATED_GIB) - used_gib) * GIB;
    // Replication keeps up until the writes outrun it: the lag grows with the overload.
    let lag_seconds = (0.4 + (load.utilisation - 1.0).max(0.0) * 90.0).round();
    let primary = RdsInstance {
        identifier: PRIMARY.to_owned(),
        status: "available".to_owned(),
        class: "db.r6g.xlarge".to_owned(),
        engine: "postgres".to_owned(),
        engine_version: "15.4".to_owned(),
        multi_az: true,
        allocated_gib: ALLOCATED_GIB,
        free_storage_bytes: Some(free_bytes),
        pending_modified: Vec::new(),
        latest_restorable_time: Some(now - chrono::Duration::minutes(4)),
        maintenance_window: Some("sun:05:00-sun:05:30".to_owned()),
        pending_maintenance: vec![PendingMaintenance {
            action: "system-update".to_owned(),
            description: Some("New Operating System update is available".to_owned()),
            auto_applied_after: None,
            forced_apply: None,
        }],
        replica_identifiers: vec![REPLICA.to_owned()],
        replica_of: None,
        replica_lag_seconds: None,
        status_infos: Vec::new(),
    };
    let replica = RdsInstance {
        identifier: REPLICA.to_owned(),
        class: "db.r6g.large".to_owned(),
        multi_az: false,
        latest_restorable_time: None,
        pending_maintenance: Vec::new(),
        replica_identifiers: Vec::new(),
        replica_of: Some(PRIMARY.to_owned()),
        replica_lag_seconds: Some(lag_seconds),
        status_infos: vec![StatusInfo {
            status_type: "read replication".to_owned(),
            normal: true,
            status: "replicating".to_owned(),
            message: None,
        }],
        ..primary.clone()
    };
    RdsStatus {
        instances: vec![primary, replica],
        proxy: Some(RdsProxy {
            name: PROXY.to_owned(),
            status: "available".to_owned(),
            targets: vec![ProxyTarget {
                id: PRIMARY.to_owned(),
                role: "READ_WRITE".to_owned(),
                state: "AVAILABLE".to_owned(),
                reason: None,
                description: None,
            }],
        }),
        snapshots: Vec::new(),
        gaps: Vec::new(),
    }
}
