//! DynamoDB throttling (issue 16, item 6), the runbook's warning trigger: throttle events and
//! consumed against provisioned capacity per configured table, read from CloudWatch on moto
//! ("DynamoDB Metrics and dimensions", Amazon DynamoDB Developer Guide: events counted only
//! when some happen, consumed capacity a minute's Sum, provisioned every five minutes), and
//! the `dynamodb_throttling` check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use opsdeck::check::Status;
use opsdeck::model::MetricKind;
use opsdeck::source::MetricsSource;
use opsdeck::source::aws::{AwsScope, AwsSource, MetricTargets, default_metric_queries};
use support::aws::clients;
use support::moto::MotoServer;

/// Writes `name` for table `sessions`: (minutes before `now`, value) each. One `now` for
/// every write of a test, so "2 minutes ago" is the same minute in all of them.
async fn put(
    clients: &opsdeck::source::aws::AwsClients,
    now: chrono::DateTime<chrono::Utc>,
    name: &str,
    points: &[(i64, f64)],
) {
    let metric = ("AWS/DynamoDB", name);
    support::aws::put_metric(clients, metric, ("TableName", "sessions"), now, points).await;
}

fn check(series: Vec<opsdeck::model::MetricSeries>) -> opsdeck::check::CheckResult {
    let input = opsdeck::check::CheckInput {
        snapshot: opsdeck::state::Snapshot {
            metrics: series,
            ..Default::default()
        },
        at: Some(chrono::Utc::now()),
        ..Default::default()
    };
    opsdeck::check::evaluate(&input, &opsdeck::config::Thresholds::default())
        .into_iter()
        .find(|result| result.id == "dynamodb_throttling")
        .unwrap()
}

#[tokio::test]
async fn throttles_and_capacity_are_read_per_table_and_checked() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    let now = chrono::Utc::now();
    // Traffic every minute; provisioned 50 a second, reported five minutes ago only.
    put(
        &clients,
        now,
        "ConsumedReadCapacityUnits",
        &[(4, 600.0), (3, 1200.0), (2, 2700.0)],
    )
    .await;
    put(&clients, now, "ProvisionedReadCapacityUnits", &[(5, 50.0)]).await;
    let source = AwsSource::new(
        clients.clone(),
        AwsScope {
            metrics: default_metric_queries(&MetricTargets {
                dynamodb_tables: &["sessions".to_owned()],
                ..MetricTargets::default()
            }),
            metric_window_seconds: 3600,
            ..AwsScope::default()
        },
    );
    let series = source.metric_series().await.unwrap();
    let of = |kind: MetricKind, label: &str| {
        series
            .iter()
            .find(|s| s.kind == kind && s.label == label)
            .unwrap_or_else(|| panic!("{label}: {series:?}"))
            .values
            .clone()
    };
    assert_eq!(
        of(MetricKind::DynamoThrottles, "DynamoDB throttles"),
        [0.0, 0.0, 0.0],
        "no throttle reported: zero where traffic was"
    );
    assert_eq!(
        of(MetricKind::DynamoCapacity, "DynamoDB read capacity"),
        [20.0, 40.0, 90.0],
        "a minute's units over 60 s against 50 a second"
    );
    let result = check(series);
    assert_eq!(
        result.status,
        Status::Warn,
        "90 % of provisioned: {result:?}"
    );
    assert!(result.observed.contains("90.0%"), "{result:?}");

    // Now throttling: 150 write events in a minute fails.
    put(&clients, now, "WriteThrottleEvents", &[(2, 150.0)]).await;
    let series = source.metric_series().await.unwrap();
    assert_eq!(of_series(&series, "DynamoDB throttles"), [0.0, 0.0, 150.0]);
    let result = check(series);
    assert_eq!(result.status, Status::Fail, "{result:?}");
    assert!(
        result
            .evidence
            .iter()
            .any(|line| line == "DynamoDB throttles: 150"),
        "{result:?}"
    );
}

fn of_series(series: &[opsdeck::model::MetricSeries], label: &str) -> Vec<f64> {
    series
        .iter()
        .find(|s| s.label == label)
        .map(|s| s.values.clone())
        .unwrap_or_default()
}

#[test]
fn an_on_demand_table_is_checked_on_its_throttles_alone() {
    let throttles = opsdeck::model::MetricSeries {
        id: "ddb_throttles_0".to_owned(),
        label: "DynamoDB throttles".to_owned(),
        kind: MetricKind::DynamoThrottles,
        statistic: opsdeck::model::Statistic::Sum,
        unit: "count".to_owned(),
        period_seconds: 60,
        timestamps: vec![chrono::Utc::now()],
        values: vec![0.0],
    };
    let capacity = opsdeck::model::MetricSeries {
        id: "ddb_read_capacity_0".to_owned(),
        label: "DynamoDB read capacity".to_owned(),
        kind: MetricKind::DynamoCapacity,
        unit: "%".to_owned(),
        timestamps: Vec::new(),
        values: Vec::new(),
        ..throttles.clone()
    };
    let result = check(vec![throttles, capacity]);
    assert_eq!(result.status, Status::Pass, "{result:?}");
    let result = check(Vec::new());
    assert_eq!(
        result.status,
        Status::Skip,
        "no table configured: {result:?}"
    );
}
