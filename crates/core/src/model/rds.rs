//! The database as the RDS API describes it (the runbook's `aws rds describe-db-instances`):
//! status, class, storage, maintenance, read replicas and their lag, and the RDS Proxy in
//! front of it. What PostgreSQL itself says (sessions) is in `db`.

use super::Timestamp;

/// What one RDS poll read: the configured instances and the proxy, if one is named.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RdsStatus {
    pub instances: Vec<RdsInstance>,
    pub proxy: Option<RdsProxy>,
    /// Manual snapshots being taken, and the newest one taken, of the configured instances.
    pub snapshots: Vec<DbSnapshot>,
    /// Parts that could not be read while the instances could (pending maintenance, the
    /// CloudWatch figures), in words; the instances are shown without them.
    pub gaps: Vec<String>,
}

/// One DB instance: a configured one, or a read replica of one.
#[derive(Debug, Clone, PartialEq)]
pub struct RdsInstance {
    pub identifier: String,
    /// `available`, `backing-up`, `modifying`, `rebooting`, `storage-full`, ...
    pub status: String,
    pub class: String,
    pub engine: String,
    pub engine_version: String,
    pub multi_az: bool,
    /// `AllocatedStorage`, in gibibytes as RDS gives it.
    pub allocated_gib: u32,
    /// CloudWatch's `FreeStorageSpace`, in bytes as CloudWatch gives it; None when no
    /// datapoint was read.
    pub free_storage_bytes: Option<f64>,
    /// `PendingModifiedValues`, each as "name value" ("DBInstanceClass db.r6g.2xlarge").
    pub pending_modified: Vec<String>,
    pub latest_restorable_time: Option<Timestamp>,
    /// `PreferredMaintenanceWindow`, as RDS spells it (`sun:05:00-sun:05:30`, UTC).
    pub maintenance_window: Option<String>,
    pub pending_maintenance: Vec<PendingMaintenance>,
    /// Identifiers of its read replicas (from `ReadReplicaDBInstanceIdentifiers`).
    pub replica_identifiers: Vec<String>,
    /// The instance this one replicates, when it is a read replica.
    pub replica_of: Option<String>,
    /// CloudWatch's `ReplicaLag` of a read replica, in seconds; None when not read.
    pub replica_lag_seconds: Option<f64>,
    /// `StatusInfos`: for a read replica, the state of its replication.
    pub status_infos: Vec<StatusInfo>,
}

impl RdsInstance {
    /// Storage used as a percentage of `AllocatedStorage`; None without a datapoint.
    pub fn storage_used_percent(&self) -> Option<f64> {
        let allocated = f64::from(self.allocated_gib) * GIB;
        let free = self.free_storage_bytes?;
        (allocated > 0.0).then(|| ((allocated - free) / allocated * 100.0).clamp(0.0, 100.0))
    }

    /// Whether RDS reports the instance ready to serve.
    pub fn available(&self) -> bool {
        self.status == "available"
    }

    /// A `StatusInfos` entry that is not normal (replication broken or stopped).
    pub fn abnormal_status_info(&self) -> Option<&StatusInfo> {
        self.status_infos.iter().find(|info| !info.normal)
    }
}

#[cfg(test)]
impl RdsInstance {
    /// An available Multi-AZ PostgreSQL primary with half of its 100 GiB free, for tests.
    pub fn example(identifier: &str) -> Self {
        Self {
            identifier: identifier.to_owned(),
            status: "available".to_owned(),
            class: "db.r6g.xlarge".to_owned(),
            engine: "postgres".to_owned(),
            engine_version: "15.4".to_owned(),
            multi_az: true,
            allocated_gib: 100,
            free_storage_bytes: Some(50.0 * GIB),
            pending_modified: Vec::new(),
            latest_restorable_time: None,
            maintenance_window: None,
            pending_maintenance: Vec::new(),
            replica_identifiers: Vec::new(),
            replica_of: None,
            replica_lag_seconds: None,
            status_infos: Vec::new(),
        }
    }
}

/// Bytes in a gibibyte: RDS allocates storage in GiB while CloudWatch reports bytes.
pub const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// One `StatusInfos` entry (DBInstanceStatusInfo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    /// "read replication".
    pub status_type: String,
    pub normal: bool,
    /// `replicating`, `replication degraded`, `error`, `stopped`, `terminated`.
    pub status: String,
    pub message: Option<String>,
}

/// One pending maintenance action (DescribePendingMaintenanceActions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMaintenance {
    /// `system-update`, `db-upgrade`, `hardware-maintenance`, `ca-certificate-rotation`.
    pub action: String,
    pub description: Option<String>,
    /// When RDS applies it on its own in the maintenance window, if it does.
    pub auto_applied_after: Option<Timestamp>,
    /// When RDS applies it regardless of the window.
    pub forced_apply: Option<Timestamp>,
}

/// A manual DB snapshot as DescribeDBSnapshots describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSnapshot {
    pub identifier: String,
    pub instance: String,
    /// `creating`, `available`, `failed`, ...
    pub status: String,
    /// `PercentProgress`, 0-100.
    pub percent_progress: u32,
    /// `SnapshotCreateTime`: when the snapshot's copy of the data was taken.
    pub created_at: Option<Timestamp>,
}

/// An RDS Proxy and the health of its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct RdsProxy {
    pub name: String,
    /// `available`, `modifying`, `incompatible-network`, ...
    pub status: String,
    pub targets: Vec<ProxyTarget>,
}

/// One proxy target and its `TargetHealth`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyTarget {
    /// The instance or cluster identifier it points to.
    pub id: String,
    /// `READ_WRITE`, `READ_ONLY`, `UNKNOWN`.
    pub role: String,
    /// `REGISTERING`, `AVAILABLE`, `UNAVAILABLE`, `UNUSED`.
    pub state: String,
    pub reason: Option<String>,
    pub description: Option<String>,
}

impl RdsProxy {
    /// Targets whose state is not `AVAILABLE`.
    pub fn unavailable_targets(&self) -> impl Iterator<Item = &ProxyTarget> {
        self.targets
            .iter()
            .filter(|target| target.state != "AVAILABLE")
    }
}
