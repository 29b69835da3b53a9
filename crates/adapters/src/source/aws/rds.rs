//! The database as the RDS API describes it: DescribeDBInstances for the configured instances
//! and their read replicas, DescribePendingMaintenanceActions, CloudWatch's `FreeStorageSpace`
//! and `ReplicaLag`, and DescribeDBProxies / DescribeDBProxyTargets for a named proxy.

use aws_sdk_rds::Client;
use aws_sdk_rds::types::{
    DbInstance, DbProxyTarget, Filter, PendingModifiedValues, ResourcePendingMaintenanceActions,
};

use super::errors::classify;
use super::metrics::{custom_metric_query, series};
use super::time::to_utc;
use crate::model::{
    DbSnapshot, PendingMaintenance, ProxyTarget, RdsInstance, RdsProxy, RdsStatus, Statistic,
    StatusInfo,
};
use crate::source::{SourceError, SourceErrorKind};

/// DescribeDBInstances and DescribePendingMaintenanceActions (Amazon RDS API Reference):
/// `MaxRecords` "Minimum 20, maximum 100"; the rest comes by `Marker`.
const RECORDS_PER_PAGE: i32 = 100;
/// Identifiers per `db-instance-id` filter, kept well inside what one request carries.
const IDS_PER_CALL: usize = 100;
/// How far back the storage and lag figures are looked for: RDS publishes them every minute,
/// so a few closed minutes always hold the newest.
const FIGURES_WINDOW_SECONDS: i64 = 600;

/// What the RDS source reads.
#[derive(Debug, Clone, Default)]
pub struct RdsScope {
    /// DB instance identifiers (`rds_instances`).
    pub instances: Vec<String>,
    /// An RDS Proxy in front of them (`rds_proxy`).
    pub proxy: Option<String>,
}

/// The configured instances (an identifier RDS does not know is an error naming it), their
/// read replicas, maintenance and storage, and the proxy. The instances are the source's
/// answer; maintenance, figures and proxy that cannot be read are named in `gaps`.
pub async fn status(
    rds: &Client,
    cloudwatch: &aws_sdk_cloudwatch::Client,
    scope: &RdsScope,
) -> Result<RdsStatus, SourceError> {
    let configured = describe(rds, &scope.instances).await?;
    if let Some(missing) = scope.instances.iter().find(|id| {
        !configured
            .iter()
            .any(|i| i.db_instance_identifier() == Some(id.as_str()))
    }) {
        return Err(SourceError::new(
            SourceErrorKind::NotFound,
            format!("RDS instance {missing} not found"),
        ));
    }
    let replica_ids: Vec<String> = configured
        .iter()
        .flat_map(|i| i.read_replica_db_instance_identifiers().iter().cloned())
        .filter(|id| !scope.instances.contains(id))
        .collect();
    // A replica in another Region is named by its ARN; this Region's API cannot describe it.
    let (remote, local): (Vec<String>, Vec<String>) = replica_ids
        .into_iter()
        .partition(|id| id.starts_with("arn:"));
    let replicas = describe(rds, &local).await?;
    let described: Vec<&DbInstance> = ordered(&configured, &scope.instances)
        .into_iter()
        .chain(replicas.iter())
        .collect();
    let mut status = RdsStatus {
        instances: described.iter().map(|i| to_instance(i)).collect(),
        proxy: None,
        snapshots: Vec::new(),
        gaps: remote
            .iter()
            .map(|arn| format!("replica {arn} is in another Region: not read"))
            .collect(),
    };
    add_maintenance(rds, &described, &mut status).await;
    add_snapshots(rds, &scope.instances, &mut status).await;
    add_figures(cloudwatch, &mut status).await;
    if let Some(name) = &scope.proxy {
        match proxy(rds, name).await {
            Ok(proxy) => status.proxy = Some(proxy),
            Err(error) => status.gaps.push(format!("proxy {name}: {}", error.message)),
        }
    }
    Ok(status)
}

/// DescribeDBInstances over the `db-instance-id` filter: "Accepts DB instance identifiers and
/// DB instance Amazon Resource Names (ARNs)" (Amazon RDS API Reference), and an identifier
/// RDS does not know is left out instead of failing the call with DBInstanceNotFound. The
/// Performance Insights view reads an instance's `DbiResourceId` and
/// `PerformanceInsightsEnabled` through it ("DBInstance", Amazon RDS API Reference).
pub(super) async fn describe(
    client: &Client,
    ids: &[String],
) -> Result<Vec<DbInstance>, SourceError> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_CALL) {
        let mut pages = client
            .describe_db_instances()
            .filters(id_filter(chunk))
            .max_records(RECORDS_PER_PAGE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&e, "rds:DescribeDBInstances", None))?;
            found.extend(page.db_instances().iter().cloned());
        }
    }
    Ok(found)
}

fn id_filter(ids: &[String]) -> Filter {
    Filter::builder()
        .name("db-instance-id")
        .set_values(Some(ids.to_vec()))
        .build()
}

/// `instances` in the order the configuration names them.
fn ordered<'a>(instances: &'a [DbInstance], names: &[String]) -> Vec<&'a DbInstance> {
    let mut sorted: Vec<&DbInstance> = instances.iter().collect();
    sorted.sort_by_key(|i| {
        names
            .iter()
            .position(|name| Some(name.as_str()) == i.db_instance_identifier())
    });
    sorted
}

fn to_instance(instance: &DbInstance) -> RdsInstance {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    RdsInstance {
        identifier: text(instance.db_instance_identifier()),
        status: text(instance.db_instance_status()),
        class: text(instance.db_instance_class()),
        engine: text(instance.engine()),
        engine_version: text(instance.engine_version()),
        multi_az: instance.multi_az().unwrap_or(false),
        allocated_gib: u32::try_from(instance.allocated_storage().unwrap_or(0)).unwrap_or(0),
        free_storage_bytes: None,
        pending_modified: instance
            .pending_modified_values()
            .map(pending_modified)
            .unwrap_or_default(),
        latest_restorable_time: instance.latest_restorable_time().map(to_utc),
        maintenance_window: instance.preferred_maintenance_window().map(str::to_owned),
        pending_maintenance: Vec::new(),
        replica_identifiers: instance.read_replica_db_instance_identifiers().to_vec(),
        replica_of: instance
            .read_replica_source_db_instance_identifier()
            .map(str::to_owned),
        replica_lag_seconds: None,
        status_infos: instance
            .status_infos()
            .iter()
            .map(|info| StatusInfo {
                status_type: text(info.status_type()),
                normal: info.normal().unwrap_or(true),
                status: text(info.status()),
                message: info.message().map(str::to_owned),
            })
            .collect(),
    }
}

/// The changes waiting for the next reboot or maintenance window, as "name value".
fn pending_modified(values: &PendingModifiedValues) -> Vec<String> {
    let mut pending = Vec::new();
    let mut add = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            pending.push(format!("{name} {value}"));
        }
    };
    add(
        "DBInstanceClass",
        values.db_instance_class().map(str::to_owned),
    );
    add(
        "AllocatedStorage",
        values.allocated_storage().map(|gib| format!("{gib} GiB")),
    );
    add("MultiAZ", values.multi_az().map(|on| on.to_string()));
    add("EngineVersion", values.engine_version().map(str::to_owned));
    add("StorageType", values.storage_type().map(str::to_owned));
    add("Iops", values.iops().map(|iops| iops.to_string()));
    add(
        "BackupRetentionPeriod",
        values
            .backup_retention_period()
            .map(|days| format!("{days} days")),
    );
    add(
        "CACertificateIdentifier",
        values.ca_certificate_identifier().map(str::to_owned),
    );
    add(
        "MasterUserPassword",
        values
            .master_user_password()
            .map(|_| "(changing)".to_owned()),
    );
    pending
}

/// DescribePendingMaintenanceActions over the `db-instance-id` filter, every page, matched to
/// the instances by ARN (`ResourceIdentifier` is the resource's ARN).
async fn add_maintenance(client: &Client, described: &[&DbInstance], status: &mut RdsStatus) {
    let arns: Vec<String> = described
        .iter()
        .filter_map(|i| i.db_instance_arn().map(str::to_owned))
        .collect();
    let mut resources: Vec<ResourcePendingMaintenanceActions> = Vec::new();
    for chunk in arns.chunks(IDS_PER_CALL) {
        let mut pages = client
            .describe_pending_maintenance_actions()
            .filters(id_filter(chunk))
            .max_records(RECORDS_PER_PAGE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => resources.extend(page.pending_maintenance_actions().iter().cloned()),
                Err(error) => {
                    let error = classify(&error, "rds:DescribePendingMaintenanceActions", None);
                    status
                        .gaps
                        .push(format!("pending maintenance: {}", error.message));
                    return;
                }
            }
        }
    }
    for (instance, described) in status.instances.iter_mut().zip(described) {
        let Some(arn) = described.db_instance_arn() else {
            continue;
        };
        instance.pending_maintenance = resources
            .iter()
            .filter(|resource| resource.resource_identifier() == Some(arn))
            .flat_map(|resource| resource.pending_maintenance_action_details())
            .map(|action| PendingMaintenance {
                action: action.action().unwrap_or_default().to_owned(),
                description: action.description().map(str::to_owned),
                auto_applied_after: action.auto_applied_after_date().map(to_utc),
                forced_apply: action.forced_apply_date().map(to_utc),
            })
            .collect();
    }
}

/// The configured instances' manual snapshots still being taken, and the newest taken:
/// DescribeDBSnapshots with `DBInstanceIdentifier` and `SnapshotType` `manual`, every page
/// (the answer is in no documented order, so the newest is found by `SnapshotCreateTime`).
async fn add_snapshots(client: &Client, instances: &[String], status: &mut RdsStatus) {
    for instance in instances {
        let mut found: Vec<DbSnapshot> = Vec::new();
        let mut pages = client
            .describe_db_snapshots()
            .db_instance_identifier(instance)
            .snapshot_type("manual")
            .max_records(RECORDS_PER_PAGE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => found.extend(page.db_snapshots().iter().map(to_snapshot)),
                Err(error) => {
                    let error = classify(&error, "rds:DescribeDBSnapshots", None);
                    status.gaps.push(format!("snapshots: {}", error.message));
                    return;
                }
            }
        }
        let newest_taken = found
            .iter()
            .filter(|s| s.status == "available")
            .max_by_key(|s| s.created_at)
            .cloned();
        // A failed snapshot of last month is history, not news.
        let day_ago = chrono::Utc::now() - chrono::Duration::days(1);
        status.snapshots.extend(
            found
                .into_iter()
                .filter(|s| s.status != "available" && s.created_at.is_none_or(|at| at > day_ago)),
        );
        status.snapshots.extend(newest_taken);
    }
}

fn to_snapshot(snapshot: &aws_sdk_rds::types::DbSnapshot) -> DbSnapshot {
    DbSnapshot {
        identifier: snapshot
            .db_snapshot_identifier()
            .unwrap_or_default()
            .to_owned(),
        instance: snapshot
            .db_instance_identifier()
            .unwrap_or_default()
            .to_owned(),
        status: snapshot.status().unwrap_or_default().to_owned(),
        percent_progress: u32::try_from(snapshot.percent_progress().unwrap_or(0)).unwrap_or(0),
        created_at: snapshot.snapshot_create_time().map(to_utc),
    }
}

/// `FreeStorageSpace` (bytes, the minimum of each minute) of every instance and `ReplicaLag`
/// (seconds, the maximum) of every replica, in one GetMetricData call over the last closed
/// minutes ("Amazon CloudWatch metrics for Amazon RDS": both are published per instance under
/// the `DBInstanceIdentifier` dimension, every minute).
async fn add_figures(client: &aws_sdk_cloudwatch::Client, status: &mut RdsStatus) {
    let dimension = |id: &str| vec![("DBInstanceIdentifier".to_owned(), id.to_owned())];
    let mut queries = Vec::new();
    for (index, instance) in status.instances.iter().enumerate() {
        queries.push(custom_metric_query(
            2 * index,
            &instance.identifier,
            ("AWS/RDS", "FreeStorageSpace"),
            dimension(&instance.identifier),
            Statistic::Minimum,
            60,
            "Bytes",
        ));
        if instance.replica_of.is_some() {
            queries.push(custom_metric_query(
                2 * index + 1,
                &instance.identifier,
                ("AWS/RDS", "ReplicaLag"),
                dimension(&instance.identifier),
                Statistic::Maximum,
                60,
                "Seconds",
            ));
        }
    }
    // No `AccountId` (MetricDataQuery, Amazon CloudWatch API Reference): the instances' figures
    // are read in their own account, whose credentials read their status too.
    let found = match series(client, &queries, FIGURES_WINDOW_SECONDS, None).await {
        Ok(found) => found,
        Err(error) => {
            status
                .gaps
                .push(format!("storage and lag figures: {}", error.message));
            return;
        }
    };
    for (index, instance) in status.instances.iter_mut().enumerate() {
        let latest = |n: usize| {
            found
                .iter()
                .find(|s| s.id == format!("custom_{n}"))
                .and_then(|s| s.latest())
        };
        instance.free_storage_bytes = latest(2 * index);
        instance.replica_lag_seconds = latest(2 * index + 1);
    }
}

/// DescribeDBProxies for the proxy's status and DescribeDBProxyTargets (every page) for its
/// targets' health.
async fn proxy(client: &Client, name: &str) -> Result<RdsProxy, SourceError> {
    let proxies = client
        .describe_db_proxies()
        .db_proxy_name(name)
        .send()
        .await
        .map_err(|e| classify(&e, "rds:DescribeDBProxies", None))?;
    let found = proxies
        .db_proxies()
        .first()
        .ok_or_else(|| SourceError::new(SourceErrorKind::NotFound, "not found"))?;
    let mut targets = Vec::new();
    let mut pages = client
        .describe_db_proxy_targets()
        .db_proxy_name(name)
        .max_records(RECORDS_PER_PAGE)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "rds:DescribeDBProxyTargets", None))?;
        targets.extend(page.targets().iter().map(to_target));
    }
    Ok(RdsProxy {
        name: name.to_owned(),
        status: found
            .status()
            .map_or_else(String::new, |s| s.as_str().to_owned()),
        targets,
    })
}

fn to_target(target: &DbProxyTarget) -> ProxyTarget {
    let health = target.target_health();
    ProxyTarget {
        id: target
            .rds_resource_id()
            .or(target.endpoint())
            .unwrap_or_default()
            .to_owned(),
        role: target
            .role()
            .map_or_else(|| "UNKNOWN".to_owned(), |r| r.as_str().to_owned()),
        state: health
            .and_then(|h| h.state())
            .map_or_else(|| "UNKNOWN".to_owned(), |s| s.as_str().to_owned()),
        reason: health
            .and_then(|h| h.reason())
            .map(|r| r.as_str().to_owned()),
        description: health.and_then(|h| h.description()).map(str::to_owned),
    }
}
