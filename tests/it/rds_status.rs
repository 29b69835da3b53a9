//! Issue 15, item 2: the database as the RDS API describes it, read through the real SDK from
//! moto (instances, read replicas, the CloudWatch figures) and from AWS-shaped answers for
//! what moto does not serve (StatusInfos of a broken replica, pending maintenance, pages, RDS
//! Proxy target health).

use crate::support;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use opsdeck::model::GIB;
use opsdeck::source::RdsSource;
use opsdeck::source::aws::{AwsScope, AwsSource, RdsScope};
use support::aws::{clients, clients_for};
use support::aws_shaped::{AwsShaped, json, xml};
use support::moto::MotoServer;

const PRIMARY: &str = "basecoat-portal-db";
const REPLICA: &str = "basecoat-portal-db-read-replica";

fn rds_scope(proxy: Option<&str>) -> AwsScope {
    AwsScope {
        rds: RdsScope {
            instances: vec![PRIMARY.to_owned()],
            proxy: proxy.map(str::to_owned),
        },
        ..AwsScope::default()
    }
}

/// One minute's datapoint of an AWS/RDS metric of `instance`, two minutes ago.
fn datum(name: &str, instance: &str, value: f64) -> MetricDatum {
    let at = chrono::Utc::now() - chrono::Duration::minutes(2);
    MetricDatum::builder()
        .metric_name(name)
        .dimensions(
            Dimension::builder()
                .name("DBInstanceIdentifier")
                .value(instance)
                .build(),
        )
        .timestamp(aws_smithy_types::DateTime::from_secs(at.timestamp()))
        .value(value)
        .build()
}

/// The runbook's primary and read replica in moto, their free storage and lag in CloudWatch:
/// the source reads status, class, engine, Multi-AZ and storage from DescribeDBInstances,
/// the replica from `ReadReplicaDBInstanceIdentifiers`, and `FreeStorageSpace` (bytes) and
/// `ReplicaLag` (seconds) from GetMetricData ("Amazon CloudWatch metrics for Amazon RDS").
/// moto does not serve DescribePendingMaintenanceActions: that gap is named, not hidden.
#[tokio::test]
async fn a_primary_and_its_replica_are_read_from_moto_with_storage_and_lag() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    support::aws::create_portal_db(&clients).await;
    clients
        .rds
        .create_db_instance_read_replica()
        .db_instance_identifier(REPLICA)
        .source_db_instance_identifier(PRIMARY)
        .db_instance_class("db.r6g.large")
        .send()
        .await
        .unwrap();
    clients
        .cloudwatch
        .put_metric_data()
        .namespace("AWS/RDS")
        .set_metric_data(Some(vec![
            datum("FreeStorageSpace", PRIMARY, 125.0 * GIB),
            datum("FreeStorageSpace", REPLICA, 130.0 * GIB),
            datum("ReplicaLag", REPLICA, 42.0),
        ]))
        .send()
        .await
        .unwrap();

    let source = AwsSource::new(clients, rds_scope(None));
    let status = source.rds_status().await.unwrap();
    let ids: Vec<&str> = status
        .instances
        .iter()
        .map(|i| i.identifier.as_str())
        .collect();
    assert_eq!(ids, [PRIMARY, REPLICA]);
    let primary = &status.instances[0];
    assert_eq!(
        (
            primary.status.as_str(),
            primary.class.as_str(),
            primary.engine.as_str(),
            primary.multi_az,
            primary.allocated_gib
        ),
        ("available", "db.r6g.xlarge", "postgres", true, 500)
    );
    assert_eq!(primary.replica_identifiers, [REPLICA]);
    assert_eq!(primary.storage_used_percent(), Some(75.0));
    let replica = &status.instances[1];
    assert_eq!(replica.replica_of.as_deref(), Some(PRIMARY));
    assert_eq!(replica.replica_lag_seconds, Some(42.0));
    assert!(
        status
            .gaps
            .iter()
            .any(|gap| gap.starts_with("pending maintenance: ")),
        "{:?}",
        status.gaps
    );
}

/// An identifier RDS does not know is the source's error, naming it (the `db-instance-id`
/// filter leaves it out of the answer rather than failing the call).
#[tokio::test]
async fn an_unknown_instance_is_named() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let source = AwsSource::new(clients(&moto).await, rds_scope(None));
    let error = source.rds_status().await.unwrap_err();
    assert_eq!(error.message, format!("RDS instance {PRIMARY} not found"));
}

/// DescribeDBInstances as the Amazon RDS API Reference shapes it: the primary with a class
/// change pending, and its replica whose replication has stopped (`StatusInfos`).
const DESCRIBE_INSTANCES: &str = r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBInstancesResult>
    <DBInstances>
      <DBInstance>
        <DBInstanceIdentifier>basecoat-portal-db</DBInstanceIdentifier>
        <DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:basecoat-portal-db</DBInstanceArn>
        <DBInstanceClass>db.r6g.xlarge</DBInstanceClass>
        <Engine>postgres</Engine>
        <EngineVersion>15.4</EngineVersion>
        <DBInstanceStatus>available</DBInstanceStatus>
        <AllocatedStorage>500</AllocatedStorage>
        <MultiAZ>true</MultiAZ>
        <PreferredMaintenanceWindow>sun:05:00-sun:05:30</PreferredMaintenanceWindow>
        <LatestRestorableTime>2026-11-30T08:55:00Z</LatestRestorableTime>
        <PendingModifiedValues><DBInstanceClass>db.r6g.2xlarge</DBInstanceClass></PendingModifiedValues>
        <ReadReplicaDBInstanceIdentifiers>
          <ReadReplicaDBInstanceIdentifier>basecoat-portal-db-read-replica</ReadReplicaDBInstanceIdentifier>
        </ReadReplicaDBInstanceIdentifiers>
      </DBInstance>
    </DBInstances>
  </DescribeDBInstancesResult>
  <ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
</DescribeDBInstancesResponse>"#;

const DESCRIBE_REPLICA: &str = r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBInstancesResult>
    <DBInstances>
      <DBInstance>
        <DBInstanceIdentifier>basecoat-portal-db-read-replica</DBInstanceIdentifier>
        <DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:basecoat-portal-db-read-replica</DBInstanceArn>
        <DBInstanceClass>db.r6g.large</DBInstanceClass>
        <Engine>postgres</Engine>
        <EngineVersion>15.4</EngineVersion>
        <DBInstanceStatus>available</DBInstanceStatus>
        <AllocatedStorage>500</AllocatedStorage>
        <MultiAZ>false</MultiAZ>
        <ReadReplicaSourceDBInstanceIdentifier>basecoat-portal-db</ReadReplicaSourceDBInstanceIdentifier>
        <StatusInfos>
          <DBInstanceStatusInfo>
            <StatusType>read replication</StatusType>
            <Normal>false</Normal>
            <Status>error</Status>
            <Message>Replication has stopped</Message>
          </DBInstanceStatusInfo>
        </StatusInfos>
      </DBInstance>
    </DBInstances>
  </DescribeDBInstancesResult>
  <ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-000000000002</RequestId></ResponseMetadata>
</DescribeDBInstancesResponse>"#;

/// DescribePendingMaintenanceActions (Amazon RDS API Reference), one resource a page: the
/// primary's system update on the first page, then `Marker`, the replica's on the second.
fn pending_maintenance(resource: &str, action: &str, marker: Option<&str>) -> String {
    let marker = marker.map_or(String::new(), |m| format!("<Marker>{m}</Marker>"));
    format!(
        r#"<DescribePendingMaintenanceActionsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribePendingMaintenanceActionsResult><PendingMaintenanceActions><ResourcePendingMaintenanceActions><ResourceIdentifier>arn:aws:rds:us-east-1:123456789012:db:{resource}</ResourceIdentifier><PendingMaintenanceActionDetails><PendingMaintenanceAction><Action>{action}</Action><AutoAppliedAfterDate>2026-12-06T05:00:00Z</AutoAppliedAfterDate><ForcedApplyDate>2026-12-20T05:00:00Z</ForcedApplyDate><Description>New Operating System update is available</Description></PendingMaintenanceAction></PendingMaintenanceActionDetails></ResourcePendingMaintenanceActions></PendingMaintenanceActions>{marker}</DescribePendingMaintenanceActionsResult><ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-000000000003</RequestId></ResponseMetadata></DescribePendingMaintenanceActionsResponse>"#
    )
}

/// DescribeDBSnapshots (Amazon RDS API Reference): two taken, in no order, and one being
/// taken, its `PercentProgress` 45.
fn manual_snapshots() -> String {
    let now = chrono::Utc::now();
    let item = |name: &str, status: &str, percent: u32, hours_ago: i64| {
        let at = (now - chrono::Duration::hours(hours_ago)).format("%Y-%m-%dT%H:%M:%SZ");
        format!(
            "<DBSnapshot><DBSnapshotIdentifier>{name}</DBSnapshotIdentifier><DBInstanceIdentifier>basecoat-portal-db</DBInstanceIdentifier><SnapshotCreateTime>{at}</SnapshotCreateTime><Engine>postgres</Engine><Status>{status}</Status><PercentProgress>{percent}</PercentProgress><SnapshotType>manual</SnapshotType></DBSnapshot>"
        )
    };
    format!(
        r#"<DescribeDBSnapshotsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBSnapshotsResult><DBSnapshots>{}{}{}</DBSnapshots></DescribeDBSnapshotsResult><ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-000000000007</RequestId></ResponseMetadata></DescribeDBSnapshotsResponse>"#,
        item("basecoat-backup-older", "available", 100, 48),
        item("forensics-now", "creating", 45, 0),
        item("basecoat-backup-newer", "available", 100, 20),
    )
}

const DESCRIBE_PROXIES: &str = r#"<DescribeDBProxiesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBProxiesResult>
    <DBProxies>
      <member>
        <DBProxyName>basecoat-portal-proxy</DBProxyName>
        <DBProxyArn>arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0</DBProxyArn>
        <Status>available</Status>
        <EngineFamily>POSTGRESQL</EngineFamily>
      </member>
    </DBProxies>
  </DescribeDBProxiesResult>
  <ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-000000000004</RequestId></ResponseMetadata>
</DescribeDBProxiesResponse>"#;

/// DescribeDBProxyTargets (Amazon RDS API Reference): the primary's target unavailable, with
/// the reason and description `TargetHealth` documents.
const PROXY_TARGETS: &str = r#"<DescribeDBProxyTargetsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBProxyTargetsResult>
    <Targets>
      <member>
        <RdsResourceId>basecoat-portal-db</RdsResourceId>
        <Endpoint>basecoat-portal-db.cxxx.us-east-1.rds.amazonaws.com</Endpoint>
        <Port>5432</Port>
        <Type>RDS_INSTANCE</Type>
        <Role>READ_WRITE</Role>
        <TargetHealth>
          <State>UNAVAILABLE</State>
          <Reason>AUTH_FAILURE</Reason>
          <Description>Proxy does not have any registered credentials</Description>
        </TargetHealth>
      </member>
    </Targets>
  </DescribeDBProxyTargetsResult>
  <ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-000000000005</RequestId></ResponseMetadata>
</DescribeDBProxyTargetsResponse>"#;

/// Everything the RDS pane shows from answers shaped as the API reference documents them:
/// a broken replica's `StatusInfos`, pending modifications, pending maintenance over two
/// pages (`Marker`), the proxy's target health, and the figures from GetMetricData (sent as
/// CBOR). The requests name the instances by the `db-instance-id` filter with `MaxRecords`
/// 100 ("Minimum 20, maximum 100").
#[tokio::test]
async fn replication_errors_maintenance_pages_and_proxy_health_are_read() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeDBInstances",
        vec![xml(DESCRIBE_INSTANCES), xml(DESCRIBE_REPLICA)],
    );
    server.answer(
        "DescribePendingMaintenanceActions",
        vec![
            xml(&pending_maintenance(
                PRIMARY,
                "system-update",
                Some("page-2"),
            )),
            xml(&pending_maintenance(REPLICA, "db-upgrade", None)),
        ],
    );
    server.answer("DescribeDBProxies", vec![xml(DESCRIBE_PROXIES)]);
    server.answer("DescribeDBProxyTargets", vec![xml(PROXY_TARGETS)]);
    server.answer("DescribeDBSnapshots", vec![xml(&manual_snapshots())]);
    let closed_minute = (chrono::Utc::now().timestamp() / 60 - 2) * 60;
    server.answer(
        "GetMetricData",
        vec![json(&format!(
            r#"{{"MetricDataResults":[
              {{"Id":"m0","Label":"FreeStorageSpace","Timestamps":[{closed_minute}],"Values":[53687091200.0],"StatusCode":"Complete"}},
              {{"Id":"m1","Label":"FreeStorageSpace","Timestamps":[{closed_minute}],"Values":[107374182400.0],"StatusCode":"Complete"}},
              {{"Id":"m2","Label":"ReplicaLag","Timestamps":[{closed_minute}],"Values":[3.0],"StatusCode":"Complete"}}],
              "Messages":[]}}"#
        ))],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        rds_scope(Some("basecoat-portal-proxy")),
    );
    let status = source.rds_status().await.unwrap();
    assert!(status.gaps.is_empty(), "{:?}", status.gaps);

    let primary = &status.instances[0];
    assert_eq!(primary.pending_modified, ["DBInstanceClass db.r6g.2xlarge"]);
    assert_eq!(
        primary.maintenance_window.as_deref(),
        Some("sun:05:00-sun:05:30")
    );
    assert_eq!(primary.pending_maintenance.len(), 1);
    assert_eq!(primary.pending_maintenance[0].action, "system-update");
    assert_eq!(
        primary.pending_maintenance[0]
            .forced_apply
            .unwrap()
            .to_rfc3339(),
        "2026-12-20T05:00:00+00:00"
    );
    assert_eq!(primary.storage_used_percent(), Some(90.0));

    let replica = &status.instances[1];
    assert_eq!(replica.pending_maintenance[0].action, "db-upgrade");
    assert_eq!(replica.replica_lag_seconds, Some(3.0));
    let broken = replica.abnormal_status_info().expect("replication error");
    assert_eq!(
        (broken.status.as_str(), broken.message.as_deref()),
        ("error", Some("Replication has stopped"))
    );

    let proxy = status.proxy.as_ref().expect("the proxy");
    assert_eq!(proxy.status, "available");
    let target = &proxy.targets[0];
    assert_eq!(
        (
            target.id.as_str(),
            target.role.as_str(),
            target.state.as_str(),
            target.reason.as_deref()
        ),
        (
            "basecoat-portal-db",
            "READ_WRITE",
            "UNAVAILABLE",
            Some("AUTH_FAILURE")
        )
    );

    let snapshots: Vec<(&str, &str, u32)> = status
        .snapshots
        .iter()
        .map(|s| (s.identifier.as_str(), s.status.as_str(), s.percent_progress))
        .collect();
    assert_eq!(
        snapshots,
        [
            ("forensics-now", "creating", 45),
            ("basecoat-backup-newer", "available", 100)
        ],
        "the one being taken, and the newest taken of the older ones"
    );
    let asked_snapshots = &server.requests("DescribeDBSnapshots")[0];
    assert!(
        asked_snapshots.contains("SnapshotType=manual"),
        "{asked_snapshots}"
    );

    let asked = server.requests("DescribeDBInstances");
    for expected in [
        "Filters.Filter.1.Name=db-instance-id",
        "Filters.Filter.1.Values.Value.1=basecoat-portal-db",
        "MaxRecords=100",
    ] {
        assert!(
            asked[0].split('&').any(|p| p == expected),
            "{expected} not in {}",
            asked[0]
        );
    }
    assert!(
        asked[1].contains("Values.Value.1=basecoat-portal-db-read-replica"),
        "the replica asked by name: {}",
        asked[1]
    );
    let maintenance = server.requests("DescribePendingMaintenanceActions");
    assert_eq!(maintenance.len(), 2, "both pages read");
    assert!(
        maintenance[1].contains("Marker=page-2"),
        "{}",
        maintenance[1]
    );
    let figures = &server.requests("GetMetricData")[0];
    assert!(
        figures.contains(r#""MetricName":"ReplicaLag""#),
        "{figures}"
    );
    assert!(figures.contains(r#""Stat":"Minimum""#), "{figures}");
}

/// A refused DescribeDBInstances is the source's error, naming the permission (RDS's error
/// document, "Common Errors" of the Amazon RDS API Reference: `AccessDenied`, HTTP 403).
#[tokio::test]
async fn a_refusal_names_the_permission() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeDBInstances",
        vec![support::aws_shaped::Answer {
            status: 403,
            ..xml(
                r#"<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:assumed-role/ReadOnly/jane is not authorized to perform: rds:DescribeDBInstances</Message></Error><RequestId>7e2f3a10-0000-4000-8000-000000000006</RequestId></ErrorResponse>"#,
            )
        }],
    );
    let source = AwsSource::new(clients_for(&server.endpoint).await, rds_scope(None));
    let error = source.rds_status().await.unwrap_err();
    assert_eq!(error.message, "no permission: rds:DescribeDBInstances");
}

fn snapshot_request(name: &str) -> opsdeck::action::ActionRequest {
    opsdeck::action::ActionRequest::CreateDbSnapshot {
        instance: PRIMARY.to_owned(),
        snapshot: name.to_owned(),
    }
}

/// Issue 15, item 8, against moto: the executor takes the snapshot (CreateDBSnapshot after its
/// preflight) and the RDS source then lists it with its status and PercentProgress; a second
/// snapshot of the same name is refused before anything is sent.
#[tokio::test]
async fn a_snapshot_is_taken_and_then_read_back_by_the_source() {
    use opsdeck::action::Outcome;
    use opsdeck::action::executor::ActionExecutor;
    use opsdeck::source::aws::AwsExecutor;

    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    support::aws::create_portal_db(&clients).await;
    let executor = AwsExecutor::sharing(&clients);
    let report = executor
        .execute(snapshot_request("basecoat-backup-20261130-090000"))
        .await;
    assert!(
        matches!(&report.outcome, Outcome::Succeeded(detail) if detail.starts_with("snapshot basecoat-backup-20261130-090000 of basecoat-portal-db started")),
        "{report:?}"
    );
    let status = AwsSource::new(clients, rds_scope(None))
        .rds_status()
        .await
        .unwrap();
    let snapshot = status
        .snapshots
        .iter()
        .find(|s| s.identifier == "basecoat-backup-20261130-090000")
        .expect("the snapshot is listed");
    assert_eq!(snapshot.instance, PRIMARY);
    // moto finishes a snapshot at once (and leaves PercentProgress out: read as 0).
    assert_eq!(snapshot.status, "available");

    let again = executor
        .execute(snapshot_request("basecoat-backup-20261130-090000"))
        .await;
    assert_eq!(
        again.outcome,
        Outcome::Refused(
            "a snapshot named basecoat-backup-20261130-090000 already exists; pick another name; nothing was sent"
                .to_owned()
        )
    );
}

/// DescribeDBSnapshots' answer for an unknown identifier (Amazon RDS API Reference:
/// `DBSnapshotNotFound`, HTTP 404): the name is free.
const SNAPSHOT_NOT_FOUND: &str = r#"<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>DBSnapshotNotFound</Code><Message>DBSnapshot forensics-1796054820 not found.</Message></Error><RequestId>7e2f3a10-0000-4000-8000-000000000010</RequestId></ErrorResponse>"#;

/// CreateDBSnapshot's answer: the snapshot `creating` at 0 %.
const SNAPSHOT_CREATING: &str = r#"<CreateDBSnapshotResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><CreateDBSnapshotResult><DBSnapshot><DBSnapshotIdentifier>forensics-1796054820</DBSnapshotIdentifier><DBInstanceIdentifier>basecoat-portal-db</DBInstanceIdentifier><Engine>postgres</Engine><Status>creating</Status><PercentProgress>0</PercentProgress><SnapshotType>manual</SnapshotType></DBSnapshot></CreateDBSnapshotResult><ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-000000000011</RequestId></ResponseMetadata></CreateDBSnapshotResponse>"#;

/// Issue 15, item 8, as the API reference shapes it: the preflight asks DescribeDBInstances
/// (the instance must be `available`, CreateDBSnapshot's `InvalidDBInstanceState` otherwise)
/// and DescribeDBSnapshots (`DBSnapshotNotFound` means the name is free), then one
/// CreateDBSnapshot with both identifiers, its request id journaled. An instance that is not
/// available aborts with nothing sent.
#[tokio::test]
async fn the_snapshot_preflight_and_call_are_shaped_as_documented() {
    use opsdeck::action::Outcome;
    use opsdeck::action::executor::ActionExecutor;
    use opsdeck::source::aws::AwsExecutor;

    let server = AwsShaped::start().await;
    server.answer("DescribeDBInstances", vec![xml(DESCRIBE_INSTANCES)]);
    server.answer(
        "DescribeDBSnapshots",
        vec![support::aws_shaped::Answer {
            status: 404,
            ..xml(SNAPSHOT_NOT_FOUND)
        }],
    );
    server.answer("CreateDBSnapshot", vec![xml(SNAPSHOT_CREATING)]);
    let executor = AwsExecutor::sharing(&clients_for(&server.endpoint).await);
    let report = executor
        .execute(snapshot_request("forensics-1796054820"))
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded(
            "snapshot forensics-1796054820 of basecoat-portal-db started (creating); its progress follows"
                .to_owned()
        )
    );
    assert_eq!(
        report.request_id.as_deref(),
        Some("7e2f3a10-0000-4000-8000-000000000011")
    );
    let sent = &server.requests("CreateDBSnapshot")[0];
    for expected in [
        "DBInstanceIdentifier=basecoat-portal-db",
        "DBSnapshotIdentifier=forensics-1796054820",
    ] {
        assert!(
            sent.split('&').any(|p| p == expected),
            "{expected} not in {sent}"
        );
    }

    let rebooting = DESCRIBE_INSTANCES.replace(
        "<DBInstanceStatus>available</DBInstanceStatus>",
        "<DBInstanceStatus>rebooting</DBInstanceStatus>",
    );
    server.answer("DescribeDBInstances", vec![xml(&rebooting)]);
    let report = executor.execute(snapshot_request("forensics-2")).await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(
            "basecoat-portal-db is now rebooting, not available; RDS snapshots an available instance only; nothing was sent"
                .to_owned()
        )
    );
    assert_eq!(
        server.requests("CreateDBSnapshot").len(),
        1,
        "nothing more sent"
    );
}
