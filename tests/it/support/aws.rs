//! Seeding moto like the basecoat portal, through the SDK.

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StateValue};
use opsdeck::source::aws::{
    AwsClients, AwsScope, AwsSettings, LogScope, MetricTargets, default_metric_queries,
};

use super::moto::MotoServer;

/// Clients for `endpoint` with dummy credentials and retries off.
pub async fn clients_for(endpoint: &str) -> AwsClients {
    AwsClients::new(AwsSettings {
        region: "us-east-1".to_owned(),
        profile: None,
        endpoint_url: Some(endpoint.to_owned()),
        static_credentials: Some(("testing".to_owned(), "testing".to_owned())),
        max_attempts: 1,
        attempt_timeout: None,
        profile_needs_mfa: false,
        assume_role: None,
    })
    .await
}

/// A source reading `queries` over the last hour from `endpoint`.
pub async fn metrics_source(
    endpoint: &str,
    queries: Vec<opsdeck::source::aws::MetricQuery>,
) -> std::sync::Arc<opsdeck::source::aws::AwsSource> {
    opsdeck::source::aws::AwsSource::new(
        clients_for(endpoint).await,
        AwsScope {
            metrics: queries,
            metric_window_seconds: 3600,
            ..AwsScope::default()
        },
    )
}

/// Clients for moto.
pub async fn clients(moto: &MotoServer) -> AwsClients {
    clients_for(&moto.endpoint).await
}

pub async fn ec2(moto: &MotoServer) -> aws_sdk_ec2::Client {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(opsdeck::source::aws::https_client())
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
pub async fn seed(moto: &MotoServer, clients: &AwsClients) -> String {
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
    // From two minutes ago: the newest closed minute is left for a test to write.
    let cpu: Vec<(i64, f64)> = (2..=6)
        .map(|minutes_ago| (minutes_ago, 40.0 + minutes_ago as f64))
        .collect();
    put_portal_cpu(clients, &cpu).await;
    seed_ecs(clients).await;
    seed_logs(clients).await;
    target_group_arn
}

/// Writes the portal group's EC2 CPUUtilization: (minutes ago, percent) each.
pub async fn put_portal_cpu(clients: &AwsClients, points: &[(i64, f64)]) {
    let metric = ("AWS/EC2", "CPUUtilization");
    let dimension = ("AutoScalingGroupName", "basecoat-portal-asg");
    put_metric(clients, metric, dimension, chrono::Utc::now(), points).await;
}

/// Writes `(namespace, name)` with one `(name, value)` dimension: (minutes before `now`,
/// value) each, in one PutMetricData call ("PutMetricData", Amazon CloudWatch API Reference:
/// up to 1,000 metrics a request; moto's CBOR front takes fewer, see `MotoServer`).
pub async fn put_metric(
    clients: &AwsClients,
    (namespace, name): (&str, &str),
    (dimension, value): (&str, &str),
    now: chrono::DateTime<chrono::Utc>,
    points: &[(i64, f64)],
) {
    let data: Vec<MetricDatum> = points
        .iter()
        .map(|(minutes_ago, datum)| {
            MetricDatum::builder()
                .metric_name(name)
                .dimensions(Dimension::builder().name(dimension).value(value).build())
                .timestamp(aws_smithy_types::DateTime::from_secs(
                    (now - chrono::Duration::minutes(*minutes_ago)).timestamp(),
                ))
                .value(*datum)
                .build()
        })
        .collect();
    clients
        .cloudwatch
        .put_metric_data()
        .namespace(namespace)
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
}

/// The runbook's database in moto: `basecoat-portal-db`, PostgreSQL 15.4, Multi-AZ, 500 GiB.
pub async fn create_portal_db(clients: &AwsClients) {
    clients
        .rds
        .create_db_instance()
        .db_instance_identifier("basecoat-portal-db")
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
}

/// The portal's application log group.
pub const LOG_GROUP: &str = "/aws/basecoat-portal/application";

/// Structured lines in the portal's log group: three ERRORs (two portal-api, one worker)
/// among INFO lines, written over the last few minutes.
pub async fn seed_logs(clients: &AwsClients) {
    clients
        .logs
        .create_log_group()
        .log_group_name(LOG_GROUP)
        .send()
        .await
        .unwrap();
    clients
        .logs
        .create_log_stream()
        .log_group_name(LOG_GROUP)
        .log_stream_name("i-0abc")
        .send()
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let lines = [
        (240, "INFO", "portal-web", "GET /health 200"),
        (
            180,
            "ERROR",
            "portal-api",
            "pool exhausted: remaining connection slots are reserved",
        ),
        (120, "INFO", "portal-api", "POST /orders 201"),
        (
            90,
            "ERROR",
            "worker",
            "job send_invoice_email failed: connection reset",
        ),
        (
            30,
            "ERROR",
            "portal-api",
            "statement timeout after 30000 ms",
        ),
    ];
    let events: Vec<aws_sdk_cloudwatchlogs::types::InputLogEvent> = lines
        .iter()
        .map(|(seconds_ago, level, service, message)| {
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now - seconds_ago * 1000)
                .message(format!(
                    r#"{{"level":"{level}","service":"{service}","message":"{message}"}}"#
                ))
                .build()
                .unwrap()
        })
        .collect();
    clients
        .logs
        .put_log_events()
        .log_group_name(LOG_GROUP)
        .log_stream_name("i-0abc")
        .set_log_events(Some(events))
        .send()
        .await
        .unwrap();
}

pub fn scope() -> AwsScope {
    AwsScope {
        auto_scaling_groups: vec!["basecoat-portal-asg".to_owned()],
        target_groups: Vec::new(),
        metrics: default_metric_queries(&MetricTargets {
            auto_scaling_groups: &["basecoat-portal-asg".to_owned()],
            ..MetricTargets::default()
        }),
        metric_window_seconds: 3600,
        // The credentials' own account: GetMetricData without `AccountId` (MetricDataQuery,
        // Amazon CloudWatch API Reference).
        metrics_account: None,
        ecs_cluster: Some("prod".to_owned()),
        ecs_services: vec!["web".to_owned(), "worker".to_owned()],
        logs: LogScope {
            log_groups: vec![LOG_GROUP.to_owned()],
            ..LogScope::default()
        },
        alarms: opsdeck::source::aws::AlarmScope::All,
        rds: opsdeck::source::aws::RdsScope::default(),
        certificates: opsdeck::source::aws::CertificateScope::default(),
        cache_replication_groups: Vec::new(),
    }
}

/// The prod cluster of the second runbook: web (4 tasks) and worker (2).
pub async fn seed_ecs(clients: &AwsClients) {
    clients
        .ecs
        .create_cluster()
        .cluster_name("prod")
        .send()
        .await
        .unwrap();
    for (family, desired) in [("web", 4), ("worker", 2)] {
        clients
            .ecs
            .register_task_definition()
            .family(format!("basecoat-{family}"))
            .container_definitions(
                aws_sdk_ecs::types::ContainerDefinition::builder()
                    .name(family)
                    .image(format!("registry.example/basecoat-{family}:42"))
                    .memory(512)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        clients
            .ecs
            .create_service()
            .cluster("prod")
            .service_name(family)
            .task_definition(format!("basecoat-{family}"))
            .desired_count(desired)
            .send()
            .await
            .unwrap();
    }
}
