//! API calls per refresh and failure isolation, through a loopback proxy in front of moto that
//! counts calls and injects faults: the real SDK still parses real wire formats.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use opsdeck::model::{MetricKind, Statistic};
use opsdeck::source::aws::{
    AwsScope, AwsSource, MetricTargets, custom_metric_query, default_metric_queries,
};
use opsdeck::source::{AlarmSource, AutoScalingSource, MetricsSource, SourceErrorKind};
use support::aws::{clients, clients_for, scope, seed};
use support::moto::MotoServer;
use support::proxy::{CountingProxy, Fault};

#[tokio::test]
async fn all_metrics_come_in_one_get_metric_data_call_per_refresh() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let proxy = CountingProxy::start(moto.port).await;
    let groups: Vec<String> = (0..5).map(|i| format!("group-{i}")).collect();
    let queries = default_metric_queries(&MetricTargets {
        load_balancers: &["app/basecoat-portal/50dc6c495c0c9188".to_owned()],
        auto_scaling_groups: &groups,
        ..MetricTargets::default()
    });
    assert!(queries.len() >= 10, "{}", queries.len());
    let source = support::aws::metrics_source(&proxy.endpoint, queries).await;
    let series = source.metric_series().await.unwrap();
    // ALB p99, avg, max, requests, target 5XX, ELB 5XX (both counts shown: issue 12, per the
    // Elastic Load Balancing User Guide's ALB CloudWatch metrics page), 5XX
    // and 4XX rates; CPU of 5 groups. The 4XX count is hidden.
    assert_eq!(
        series.len(),
        13,
        "every visible series, hidden counts left out"
    );
    assert_eq!(proxy.calls("GetMetricData"), 1);
    source.metric_series().await.unwrap();
    assert_eq!(proxy.calls("GetMetricData"), 2, "one more per refresh");
}

#[tokio::test]
async fn the_whole_runbook_set_and_extra_metrics_take_one_call_per_period() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let proxy = CountingProxy::start(moto.port).await;
    let groups = vec![
        "basecoat-portal-asg".to_owned(),
        "basecoat-admin-asg".to_owned(),
    ];
    let services = vec!["web".to_owned(), "worker".to_owned()];
    let mut queries = default_metric_queries(&MetricTargets {
        load_balancers: &["app/basecoat-portal/50dc6c495c0c9188".to_owned()],
        auto_scaling_groups: &groups,
        ecs_cluster: Some("prod"),
        ecs_services: &services,
        rds_instances: &["basecoat-db".to_owned()],
        cache_clusters: &["basecoat-redis-001".to_owned()],
        // No table: GetMetricData (Amazon CloudWatch API Reference) is billed per metric
        // asked, and this test counts them.
        dynamodb_tables: &[],
        without_percentiles: false,
    });
    queries.push(custom_metric_query(
        0,
        "RDS free storage",
        ("AWS/RDS", "FreeStorageSpace"),
        vec![("DBInstanceIdentifier".to_owned(), "basecoat-db".to_owned())],
        Statistic::Minimum,
        300,
        "bytes",
    ));
    let source = support::aws::metrics_source(&proxy.endpoint, queries).await;
    // ALB 7 statistics (p99, avg, max, target 5XX, ELB 5XX, 4XX, requests), EC2 CPU x2, ECS
    // CPU+memory x2, RDS 4, evictions 1, 1 extra.
    assert_eq!(
        source.metrics_requested_per_refresh(),
        7 + 2 + 4 + 4 + 1 + 1
    );
    let series = source.metric_series().await.unwrap();
    let kinds: std::collections::BTreeSet<MetricKind> = series.iter().map(|s| s.kind).collect();
    for kind in [
        MetricKind::Memory,
        MetricKind::DbConnections,
        MetricKind::DbReadLatency,
        MetricKind::DbWriteLatency,
        MetricKind::DbCpu,
        MetricKind::CacheEvictions,
        MetricKind::Custom,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing from {kinds:?}");
    }
    // One call per period (60 s and the extra metric's 300 s), each window aligned on its
    // own period; billed per metric either way.
    assert_eq!(proxy.calls("GetMetricData"), 2);
}

#[tokio::test]
async fn a_hundred_groups_take_one_describe_call() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    seed(&moto, &seeding).await;
    let proxy = CountingProxy::start(moto.port).await;
    let mut names = vec!["basecoat-portal-asg".to_owned()];
    names.extend((1..100).map(|i| format!("missing-{i:02}")));
    let source = AwsSource::new(
        clients_for(&proxy.endpoint).await,
        AwsScope {
            auto_scaling_groups: names,
            ..scope()
        },
    );
    let error = source.auto_scaling_groups().await.unwrap_err();
    assert_eq!(error.message, "ASG missing-01 not found");
    assert_eq!(proxy.calls("DescribeAutoScalingGroups"), 1);
}

#[tokio::test]
async fn faults_are_named_in_their_pane_and_the_source_recovers() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    seed(&moto, &seeding).await;
    let proxy = CountingProxy::start(moto.port).await;
    let source = AwsSource::new(clients_for(&proxy.endpoint).await, scope());

    let cases = [
        (
            Fault::Error {
                status: 403,
                code: "AccessDenied".into(),
                message: "User is not authorized".into(),
            },
            SourceErrorKind::Permission,
            "no permission: cloudwatch:DescribeAlarms",
        ),
        (
            Fault::Error {
                status: 400,
                code: "Throttling".into(),
                message: "Rate exceeded".into(),
            },
            SourceErrorKind::Throttled,
            "cloudwatch:DescribeAlarms: throttled by AWS; backing off",
        ),
        (
            Fault::Error {
                status: 500,
                code: "InternalFailure".into(),
                message: "We encountered an internal error".into(),
            },
            SourceErrorKind::Other,
            "cloudwatch:DescribeAlarms: InternalFailure: We encountered an internal error",
        ),
        (
            Fault::Error {
                status: 403,
                code: "ExpiredToken".into(),
                message: "The security token included in the request is expired".into(),
            },
            SourceErrorKind::Credentials,
            "AWS credentials missing or expired; set AWS credentials (aws configure, or aws sso login --profile NAME) (The security token included in the request is expired)",
        ),
    ];
    for (fault, kind, message) in cases {
        proxy.fail("DescribeAlarms", fault);
        let error = source.alarms().await.unwrap_err();
        assert_eq!((error.kind, error.message.as_str()), (kind, message));
        // Only the failing pane is affected.
        source.auto_scaling_groups().await.unwrap();
    }
    proxy.fail("DescribeAlarms", Fault::Reset);
    let error = source.alarms().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Unavailable, "{error:?}");
    proxy.heal("DescribeAlarms");
    assert!(
        !source.alarms().await.unwrap().is_empty(),
        "recovers by itself"
    );
}

#[tokio::test]
async fn expired_credentials_name_the_profile_to_log_in_with() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let proxy = CountingProxy::start(moto.port).await;
    let mut clients = clients_for(&proxy.endpoint).await;
    clients.settings.profile = Some("prod".to_owned());
    let source = AwsSource::new(clients, scope());
    proxy.fail(
        "DescribeAlarms",
        Fault::Error {
            status: 403,
            code: "ExpiredToken".into(),
            message: "The security token included in the request is expired".into(),
        },
    );
    let error = source.alarms().await.unwrap_err();
    assert_eq!(
        error.message,
        "AWS credentials missing or expired; run: aws sso login --profile prod (The security token included in the request is expired)"
    );
}

#[tokio::test]
async fn a_slow_api_times_out_in_its_pane_only_and_recovers() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    seed(&moto, &seeding).await;
    let proxy = CountingProxy::start(moto.port).await;
    let clients = opsdeck::source::aws::AwsClients::new(opsdeck::source::aws::AwsSettings {
        attempt_timeout: Some(std::time::Duration::from_millis(700)),
        profile_needs_mfa: false,
        // No role to assume (AssumeRole, AWS Security Token Service API Reference): the
        // fault is the endpoint's, not the credentials'.
        assume_role: None,
        ..clients_for(&proxy.endpoint).await.settings
    })
    .await;
    let source = AwsSource::new(clients, scope());
    proxy.fail(
        "DescribeAlarms",
        Fault::Delay(std::time::Duration::from_secs(3)),
    );
    let error = source.alarms().await.unwrap_err();
    assert_eq!(
        (error.kind, error.message.as_str()),
        (
            SourceErrorKind::Timeout,
            "cloudwatch:DescribeAlarms: no answer in time"
        )
    );
    source.auto_scaling_groups().await.unwrap();
    proxy.heal("DescribeAlarms");
    assert!(!source.alarms().await.unwrap().is_empty(), "recovers");
}
