//! The AWS adapters through the real AWS SDK against moto over HTTP: seed an estate like the
//! basecoat portal through the SDK, then check that each adapter returns what was seeded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StateValue};
use opsdeck::model::{AlarmState, LifecycleState, MetricKind, TargetState};
use opsdeck::source::aws::{AwsClients, AwsScope, AwsSettings, AwsSource, default_metric_queries};
use opsdeck::source::{
    AlarmSource, AutoScalingSource, MetricsSource, SourceErrorKind, TargetHealthSource,
};
use support::moto::MotoServer;

async fn clients(moto: &MotoServer) -> AwsClients {
    AwsClients::new(AwsSettings {
        region: "us-east-1".to_owned(),
        profile: None,
        endpoint_url: Some(moto.endpoint.clone()),
        static_credentials: Some(("testing".to_owned(), "testing".to_owned())),
        max_attempts: 1,
    })
    .await
}

async fn ec2(moto: &MotoServer) -> aws_sdk_ec2::Client {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&moto.endpoint)
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_ec2::Client::new(&config)
}

/// The basecoat portal: a 3/5/20 group behind a target group, an alarm in ALARM, CPU data.
async fn seed(moto: &MotoServer, clients: &AwsClients) -> String {
    let ec2 = ec2(moto).await;
    let vpcs = ec2.describe_vpcs().send().await.unwrap();
    let vpc = vpcs.vpcs()[0].vpc_id().unwrap().to_owned();
    let subnets = ec2.describe_subnets().send().await.unwrap();
    let subnet_ids: Vec<String> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_owned))
        .collect();
    let target_group = clients
        .elb
        .create_target_group()
        .name("basecoat-portal")
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let target_group_arn = target_group.target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_owned();
    clients
        .auto_scaling
        .create_launch_configuration()
        .launch_configuration_name("basecoat-lc")
        .image_id("ami-12c6146b")
        .instance_type("t3.medium")
        .send()
        .await
        .unwrap();
    clients
        .auto_scaling
        .create_auto_scaling_group()
        .auto_scaling_group_name("basecoat-portal-asg")
        .launch_configuration_name("basecoat-lc")
        .min_size(3)
        .max_size(20)
        .desired_capacity(5)
        .vpc_zone_identifier(subnet_ids.join(","))
        .target_group_arns(&target_group_arn)
        .send()
        .await
        .unwrap();
    clients
        .cloudwatch
        .put_metric_alarm()
        .alarm_name("basecoat-portal-cpu-high")
        .namespace("AWS/EC2")
        .metric_name("CPUUtilization")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(60)
        .evaluation_periods(3)
        .threshold(85.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    clients
        .cloudwatch
        .set_alarm_state()
        .alarm_name("basecoat-portal-cpu-high")
        .state_value(StateValue::Alarm)
        .state_reason("Threshold Crossed: 3 datapoints were greater than the threshold (85.0).")
        .send()
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let data: Vec<MetricDatum> = (1..=5)
        .map(|minutes_ago| {
            MetricDatum::builder()
                .metric_name("CPUUtilization")
                .dimensions(
                    Dimension::builder()
                        .name("AutoScalingGroupName")
                        .value("basecoat-portal-asg")
                        .build(),
                )
                .timestamp(aws_smithy_types::DateTime::from_secs(
                    (now - chrono::Duration::minutes(minutes_ago)).timestamp(),
                ))
                .value(40.0 + minutes_ago as f64)
                .build()
        })
        .collect();
    clients
        .cloudwatch
        .put_metric_data()
        .namespace("AWS/EC2")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
    target_group_arn
}

fn scope() -> AwsScope {
    AwsScope {
        auto_scaling_groups: vec!["basecoat-portal-asg".to_owned()],
        target_groups: Vec::new(),
        metrics: default_metric_queries(None, &["basecoat-portal-asg".to_owned()]),
        metric_window_seconds: 3600,
    }
}

#[tokio::test]
async fn every_adapter_returns_what_was_seeded() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    let target_group_arn = seed(&moto, &clients).await;
    let source = AwsSource::new(clients, scope());

    let groups = source.auto_scaling_groups().await.unwrap();
    assert_eq!(groups.len(), 1);
    let group = &groups[0];
    assert_eq!(
        (
            group.name.as_str(),
            group.min_size,
            group.desired_capacity,
            group.max_size
        ),
        ("basecoat-portal-asg", 3, 5, 20)
    );
    assert_eq!(group.instances.len(), 5);
    assert!(
        group
            .instances
            .iter()
            .all(|i| i.lifecycle == LifecycleState::InService)
    );
    assert!(
        group
            .instances
            .iter()
            .all(|i| i.id.starts_with("i-") && !i.availability_zone.is_empty())
    );

    let targets = source.target_health().await.unwrap();
    assert_eq!(targets.len(), 1, "the target group attached to the group");
    assert_eq!(targets[0].target_group_arn, target_group_arn);
    assert_eq!(targets[0].target_group_name, "basecoat-portal");
    assert_eq!(targets[0].targets.len(), 5);
    assert!(
        targets[0]
            .targets
            .iter()
            .all(|t| t.state == TargetState::Healthy),
        "{:?}",
        targets[0].targets
    );

    let alarms = source.alarms().await.unwrap();
    let alarm = alarms
        .iter()
        .find(|a| a.name == "basecoat-portal-cpu-high")
        .unwrap();
    assert_eq!(alarm.state, AlarmState::Alarm);
    assert!(alarm.reason.starts_with("Threshold Crossed"));

    let series = source.metric_series().await.unwrap();
    let cpu = series.iter().find(|s| s.kind == MetricKind::Cpu).unwrap();
    assert_eq!(cpu.values.len(), 5, "{cpu:?}");
    let mut values = cpu.values.clone();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [41.0, 42.0, 43.0, 44.0, 45.0]);
    assert!(cpu.timestamps.windows(2).all(|w| w[0] <= w[1]), "ascending");
}

#[tokio::test]
async fn an_unknown_group_is_named_and_an_unreachable_endpoint_says_so() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    let source = AwsSource::new(
        clients,
        AwsScope {
            auto_scaling_groups: vec!["nope-asg".to_owned()],
            ..scope()
        },
    );
    let error = source.auto_scaling_groups().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::NotFound);
    assert_eq!(error.message, "ASG nope-asg not found");

    let port = support::free_port();
    let down = AwsClients::new(AwsSettings {
        region: "us-east-1".to_owned(),
        profile: None,
        endpoint_url: Some(format!("http://127.0.0.1:{port}")),
        static_credentials: Some(("testing".to_owned(), "testing".to_owned())),
        max_attempts: 1,
    })
    .await;
    let error = AwsSource::new(down, scope()).alarms().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Unavailable, "{error:?}");
    assert!(
        error
            .message
            .starts_with("cloudwatch:DescribeAlarms: cannot reach AWS"),
        "{}",
        error.message
    );
}
