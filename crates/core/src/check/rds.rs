//! The checks on the database as the RDS API describes it: the instance up, the read
//! replicas replicating and close behind, storage left.

use super::Status;
use super::finding::{Finding, status_of};
use crate::config::Limit;
use crate::format;
use crate::model::{GIB, RdsInstance, RdsStatus};

/// Fails unless every configured instance (not its replicas: `replica_lag` judges those) is
/// `available`: `backing-up` or `modifying` still serve, but a SEV-1 wants to know.
pub(super) fn db_instance_available(rds: &RdsStatus) -> Finding {
    let primaries: Vec<&RdsInstance> = rds
        .instances
        .iter()
        .filter(|instance| instance.replica_of.is_none())
        .collect();
    if primaries.is_empty() {
        return Finding::skip("no RDS instance is configured (rds_instances)");
    }
    let available = primaries.iter().filter(|i| i.available()).count();
    Finding {
        status: if available == primaries.len() {
            Status::Pass
        } else {
            Status::Fail
        },
        observed: format!("{available}/{} available", primaries.len()),
        threshold: "DBInstanceStatus = available".to_owned(),
        evidence: primaries
            .iter()
            .map(|instance| format!("{}: {}", instance.identifier, instance.status))
            .collect(),
        rows: Vec::new(),
    }
}

/// Each read replica: fails when it is not `available` or its replication status is not
/// normal (`StatusInfos`); otherwise its `ReplicaLag` against `limit`. A replica without a
/// lag datapoint is unknown, never a pass.
pub(super) fn replica_lag(rds: &RdsStatus, limit: Limit) -> Finding {
    let threshold = format!(
        "replicating, lag ≤ {} (warn above, fail above {})",
        format::value(limit.warn, "s"),
        format::value(limit.crit, "s")
    );
    let replicas: Vec<&RdsInstance> = rds
        .instances
        .iter()
        .filter(|instance| instance.replica_of.is_some())
        .collect();
    if replicas.is_empty() {
        return Finding::skip("the configured RDS instances have no read replica");
    }
    let mut status = Status::Pass;
    let mut evidence = Vec::new();
    let mut worst_lag: Option<f64> = None;
    for replica in &replicas {
        let (replica_status, said) = replica_verdict(replica, limit);
        status = status.max(replica_status);
        evidence.push(format!("{}: {said}", replica.identifier));
        if let Some(lag) = replica.replica_lag_seconds {
            worst_lag = Some(worst_lag.map_or(lag, |worst: f64| worst.max(lag)));
        }
    }
    let observed = match (status, worst_lag) {
        (Status::Fail, _) if replicas.iter().any(|r| replica_broken(r).is_some()) => {
            "replication not healthy".to_owned()
        }
        (_, Some(lag)) => format!("lag {}", format::seconds_lag(lag)),
        (_, None) => "no lag datapoint".to_owned(),
    };
    Finding {
        status,
        observed,
        threshold,
        evidence,
        rows: Vec::new(),
    }
}

/// Why a replica is not replicating, if it is not: its status, or an abnormal status info.
fn replica_broken(replica: &RdsInstance) -> Option<String> {
    if !replica.available() {
        return Some(format!("status {}", replica.status));
    }
    replica.abnormal_status_info().map(|info| {
        let message = info
            .message
            .as_deref()
            .map_or_else(String::new, |m| format!(": {m}"));
        format!("{} {}{message}", info.status_type, info.status)
    })
}

fn replica_verdict(replica: &RdsInstance, limit: Limit) -> (Status, String) {
    if let Some(broken) = replica_broken(replica) {
        return (Status::Fail, broken);
    }
    match replica.replica_lag_seconds {
        Some(lag) => (
            status_of(limit.level(lag)),
            format!("lag {}", format::seconds_lag(lag)),
        ),
        None => (
            Status::Unknown,
            "no ReplicaLag datapoint in the last minutes".to_owned(),
        ),
    }
}

/// Storage used (allocated less CloudWatch's `FreeStorageSpace`) against `limit`, the worst
/// instance's; `storage-full` fails whatever the figures say.
pub(super) fn db_storage(rds: &RdsStatus, limit: Limit) -> Finding {
    let threshold = format!(
        "≤ {} used (warn above, fail above {})",
        format::value(limit.warn, "%"),
        format::value(limit.crit, "%")
    );
    if rds.instances.is_empty() {
        return Finding::skip("no RDS instance is configured (rds_instances)");
    }
    let mut status = Status::Pass;
    let mut evidence = Vec::new();
    let mut worst: Option<(f64, &str)> = None;
    for instance in &rds.instances {
        let (instance_status, said) = match instance.storage_used_percent() {
            _ if instance.status == "storage-full" => {
                (Status::Fail, "status storage-full".to_owned())
            }
            Some(used) => {
                if worst.is_none_or(|(w, _)| used > w) {
                    worst = Some((used, instance.identifier.as_str()));
                }
                (status_of(limit.level(used)), storage_words(instance, used))
            }
            None => (
                Status::Unknown,
                "no FreeStorageSpace datapoint in the last minutes".to_owned(),
            ),
        };
        status = status.max(instance_status);
        evidence.push(format!("{}: {said}", instance.identifier));
    }
    Finding {
        status,
        observed: worst.map_or_else(
            || "no data".to_owned(),
            |(used, id)| format!("{} used ({id})", format::value(used, "%")),
        ),
        threshold,
        evidence,
        rows: Vec::new(),
    }
}

/// "412.0 GiB free of 1000 GiB (58.8% used)".
fn storage_words(instance: &RdsInstance, used: f64) -> String {
    let free = instance.free_storage_bytes.unwrap_or(0.0) / GIB;
    format!(
        "{free:.1} GiB free of {} GiB ({used:.1}% used)",
        instance.allocated_gib
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StatusInfo;

    fn instance(id: &str, status: &str) -> RdsInstance {
        RdsInstance {
            status: status.to_owned(),
            ..RdsInstance::example(id)
        }
    }

    fn replica(id: &str, lag: Option<f64>) -> RdsInstance {
        RdsInstance {
            replica_of: Some("db".to_owned()),
            replica_lag_seconds: lag,
            ..instance(id, "available")
        }
    }

    const LAG: Limit = Limit {
        warn: 30.0,
        crit: 300.0,
    };
    const STORAGE: Limit = Limit {
        warn: 80.0,
        crit: 90.0,
    };

    fn status(instances: Vec<RdsInstance>) -> RdsStatus {
        RdsStatus {
            instances,
            ..RdsStatus::default()
        }
    }

    #[test]
    fn an_instance_not_available_fails_and_replicas_are_left_to_replica_lag() {
        let finding = db_instance_available(&status(vec![
            instance("db", "available"),
            replica("db-replica", None),
        ]));
        assert_eq!(
            (finding.status, finding.observed.as_str()),
            (Status::Pass, "1/1 available")
        );
        let finding = db_instance_available(&status(vec![instance("db", "storage-full")]));
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.evidence, ["db: storage-full"]);
        assert_eq!(db_instance_available(&status(vec![])).status, Status::Skip);
    }

    #[test]
    fn replica_lag_is_judged_against_the_limit_and_a_missing_datapoint_is_unknown() {
        let finding = replica_lag(&status(vec![replica("r1", Some(12.0))]), LAG);
        assert_eq!(finding.status, Status::Pass);
        let finding = replica_lag(&status(vec![replica("r1", Some(45.0))]), LAG);
        assert_eq!(finding.status, Status::Warn);
        let finding = replica_lag(
            &status(vec![replica("r1", Some(12.0)), replica("r2", Some(301.0))]),
            LAG,
        );
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.observed, "lag 301 s");
        let finding = replica_lag(&status(vec![replica("r1", None)]), LAG);
        assert_eq!(finding.status, Status::Unknown);
        let finding = replica_lag(&status(vec![instance("db", "available")]), LAG);
        assert_eq!(finding.status, Status::Skip);
    }

    #[test]
    fn broken_replication_fails_whatever_the_lag_says() {
        let mut broken = replica("r1", Some(0.0));
        broken.status_infos.push(StatusInfo {
            status_type: "read replication".to_owned(),
            normal: false,
            status: "error".to_owned(),
            message: Some("Replication has stopped".to_owned()),
        });
        let finding = replica_lag(&status(vec![broken]), LAG);
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.observed, "replication not healthy");
        assert_eq!(
            finding.evidence,
            ["r1: read replication error: Replication has stopped"]
        );
    }

    #[test]
    fn storage_used_comes_from_free_bytes_against_allocated_gibibytes() {
        let mut full = instance("db", "available");
        full.free_storage_bytes = Some(5.0 * GIB);
        let finding = db_storage(&status(vec![full]), STORAGE);
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.observed, "95.0% used (db)");
        assert_eq!(
            finding.evidence,
            ["db: 5.0 GiB free of 100 GiB (95.0% used)"]
        );
        let finding = db_storage(&status(vec![instance("db", "available")]), STORAGE);
        assert_eq!(finding.status, Status::Pass);
        let mut unread = instance("db", "available");
        unread.free_storage_bytes = None;
        assert_eq!(
            db_storage(&status(vec![unread]), STORAGE).status,
            Status::Unknown
        );
        let mut stopped = instance("db", "storage-full");
        stopped.free_storage_bytes = Some(50.0 * GIB);
        assert_eq!(
            db_storage(&status(vec![stopped]), STORAGE).status,
            Status::Fail
        );
    }
}
