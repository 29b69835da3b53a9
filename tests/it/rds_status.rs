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
    clients
        .rds
        .create_db_instance()
        .db_instance_identifier(PRIMARY)
        .db_instance_class("db.r6g.xlarge")
        .engine("postgres")
        .engine_version("15.4")
        .allocated_storage(500)
        .multi_az(true)
        .master_username("postgres")
        .master_user_password("correct-horse-battery")
        .send()
        .await
        .unwrap();
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
