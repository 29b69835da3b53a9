//! The AWS adapters through the real AWS SDK against moto over HTTP: seed an estate like the
//! basecoat portal through the SDK, then check that each adapter returns what was seeded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use opsdeck::model::{AlarmState, LifecycleState, MetricKind, TargetState};
use opsdeck::source::aws::{AwsClients, AwsScope, AwsSettings, AwsSource};
use opsdeck::source::{
    AlarmSource, AutoScalingSource, EcsSource, ErrorQuery, LogSource, MetricsSource,
    SourceErrorKind, TargetHealthSource,
};
use support::aws::{clients, scope, seed};
use support::moto::MotoServer;

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

    let services = source.ecs_services().await.unwrap();
    let summary: Vec<(&str, u32)> = services
        .iter()
        .map(|s| (s.name.as_str(), s.desired_count))
        .collect();
    assert_eq!(summary, [("web", 4), ("worker", 2)]);
    assert!(services.iter().all(|s| s.cluster == "prod"));
    let primary = services[0]
        .deployments
        .iter()
        .find(|d| d.status == "PRIMARY")
        .expect("a primary deployment");
    assert!(
        primary.task_definition.starts_with("basecoat-web:"),
        "{primary:?}"
    );

    let series = source.metric_series().await.unwrap();
    let cpu = series.iter().find(|s| s.kind == MetricKind::Cpu).unwrap();
    assert_eq!(cpu.values.len(), 5, "{cpu:?}");
    let mut values = cpu.values.clone();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [42.0, 43.0, 44.0, 45.0, 46.0]);
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
        attempt_timeout: None,
        profile_needs_mfa: false,
        assume_role: None,
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

#[tokio::test]
async fn the_header_identity_comes_from_sts() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    let (short, arn) = opsdeck::wiring::caller_identity(&clients)
        .await
        .expect("an identity");
    assert!(arn.starts_with("arn:aws:"), "{arn}");
    let account = arn.split(':').nth(4).unwrap();
    assert!(short.starts_with(account), "{short} / {arn}");
    assert_eq!(
        short.split_whitespace().count(),
        2,
        "account and role: {short}"
    );
}

#[tokio::test]
async fn an_unknown_ecs_service_is_named() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    support::aws::seed_ecs(&clients).await;
    let source = AwsSource::new(
        clients,
        AwsScope {
            ecs_services: vec!["web".to_owned(), "billing".to_owned()],
            ..scope()
        },
    );
    let error = source.ecs_services().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::NotFound);
    assert_eq!(
        error.message,
        "ECS service billing in cluster prod: missing"
    );
}

#[tokio::test]
async fn the_error_tail_reads_the_seeded_error_lines_newest_first() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    support::aws::seed_logs(&clients).await;
    let source = AwsSource::new(clients, scope());
    let logs = source.log_errors(ErrorQuery::Run).await.unwrap();
    let tail: Vec<(&str, &str)> = logs
        .recent
        .iter()
        .map(|line| (line.service.as_str(), line.message.as_str()))
        .collect();
    assert_eq!(
        tail,
        [
            ("portal-api", "statement timeout after 30000 ms"),
            ("worker", "job send_invoice_email failed: connection reset"),
            (
                "portal-api",
                "pool exhausted: remaining connection slots are reserved"
            ),
        ]
    );
    assert_eq!(logs.window_minutes, 15);
    // moto runs the Insights query but not `stats`, so no row carries a count; the counts
    // are checked against AWS-shaped answers in aws_shaped.rs.
    assert!(logs.counts.is_empty(), "{:?}", logs.counts);

    let again = source.log_errors(ErrorQuery::Run).await.unwrap();
    assert_eq!(
        again.recent, logs.recent,
        "a second poll adds nothing twice"
    );
}

#[tokio::test]
async fn an_unknown_log_group_is_named() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    let source = AwsSource::new(clients, scope());
    let error = source.log_errors(ErrorQuery::Run).await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::NotFound, "{error:?}");
    assert_eq!(
        error.message,
        "log group /aws/basecoat-portal/application not found"
    );
}

#[tokio::test]
async fn the_seeding_script_fills_every_pane_of_the_example_environment() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    moto.seed_with_script();
    let example = std::fs::read_to_string(root.join("assets/opsdeck.example.toml")).unwrap();
    let text = example.replace("http://127.0.0.1:5000", &moto.endpoint);
    let path = root.join("assets/opsdeck.example.toml");
    let overrides = opsdeck::config::Overrides {
        environment: Some("local-moto".to_owned()),
        ..opsdeck::config::Overrides::default()
    };
    let resolved = opsdeck::config::resolve(&path, &text, &overrides, None).unwrap();
    let credentials = Some(("testing".to_owned(), "testing".to_owned()));
    let wiring = opsdeck::wiring::live_with_credentials(&resolved, credentials)
        .await
        .unwrap();
    let sources = &wiring.sources;
    assert!(wiring.environment.identity.is_some(), "identity from STS");

    let groups = sources.auto_scaling.auto_scaling_groups().await.unwrap();
    assert_eq!(
        (groups[0].desired_capacity, groups[0].in_service_count()),
        (5, 5)
    );
    assert_eq!(groups[0].instances[0].launch_template, "basecoat-portal");
    let targets = sources.targets.target_health().await.unwrap();
    assert_eq!(targets[0].count_in(&TargetState::Healthy), 5);
    let series = sources.metrics.metric_series().await.unwrap();
    let with_data: Vec<&str> = series
        .iter()
        .filter(|s| !s.values.is_empty())
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        with_data,
        [
            "alb_avg",
            "alb_max",
            "alb_target_5xx",
            "alb_requests",
            "alb_5xx_rate",
            "alb_4xx_rate",
            "asg_cpu_0",
            "ecs_cpu_0",
            "ecs_mem_0",
            "ecs_cpu_1",
            "ecs_mem_1"
        ]
    );
    let alarms = sources.alarms.alarms().await.unwrap();
    assert_eq!(alarms[0].state, AlarmState::Alarm);
    let logs = sources.logs.log_errors(ErrorQuery::Run).await.unwrap();
    assert_eq!(logs.recent.len(), 3, "{:?}", logs.recent);
    let services = sources.ecs.ecs_services().await.unwrap();
    assert_eq!(services.len(), 2);
}

/// Issue 12, item 4 (DescribeAlarms, Amazon CloudWatch API Reference): an account's alarms
/// belong to many environments, so an environment that
/// names none of its alarms shows none, and says how to name them.
#[tokio::test]
async fn alarms_are_shown_only_when_the_environment_scopes_them() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let text = format!(
        "[environments.unscoped]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[environments.scoped]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\nalarm_name_prefixes = [\"basecoat-\"]\n",
        moto.endpoint, moto.endpoint
    );
    let clients = support::aws::clients(&moto).await;
    support::aws::seed(&moto, &clients).await;
    let wired = |name: &str| {
        let overrides = opsdeck::config::Overrides {
            environment: Some(name.to_owned()),
            ..opsdeck::config::Overrides::default()
        };
        let resolved =
            opsdeck::config::resolve(std::path::Path::new("config.toml"), &text, &overrides, None)
                .unwrap();
        async move {
            opsdeck::wiring::live_with_credentials(
                &resolved,
                Some(("testing".to_owned(), "testing".to_owned())),
            )
            .await
            .unwrap()
        }
    };
    let unscoped = wired("unscoped").await;
    let error = unscoped.sources.alarms.alarms().await.unwrap_err();
    assert_eq!(error.kind, opsdeck::source::SourceErrorKind::NotConfigured);
    assert_eq!(
        error.message,
        "no alarms scoped to unscoped: set alarm_name_prefixes or alarm_names (all_alarms = true watches every alarm of the account)"
    );
    let scoped = wired("scoped").await;
    let alarms = scoped.sources.alarms.alarms().await.unwrap();
    assert_eq!(
        alarms.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["basecoat-portal-cpu-high"]
    );
}

/// Issue 14, item 3: an environment in a customer's account reached by assuming a role from
/// the base credentials (AssumeRole, AWS Security Token Service API Reference: `RoleArn`,
/// `RoleSessionName`, `ExternalId`). In moto the role's session belongs to the role's
/// account: GetCallerIdentity names the assumed role there, and the base account's group is
/// not in it.
#[tokio::test]
async fn an_environment_in_another_account_is_read_through_an_assumed_role() {
    use opsdeck::source::aws::AssumeRole;

    let Some(moto) = MotoServer::start() else {
        return;
    };
    let base = clients(&moto).await;
    seed(&moto, &base).await;
    let customer = AwsClients::new(AwsSettings {
        region: "us-east-1".to_owned(),
        profile: None,
        endpoint_url: Some(moto.endpoint.clone()),
        static_credentials: Some(("testing".to_owned(), "testing".to_owned())),
        max_attempts: 1,
        attempt_timeout: None,
        profile_needs_mfa: false,
        assume_role: Some(AssumeRole {
            role_arn: "arn:aws:iam::210987654321:role/OpsdeckReadOnly".to_owned(),
            external_id: Some("globex-7731".to_owned()),
            session_name: "opsdeck-test".to_owned(),
        }),
    })
    .await;
    let identity = customer.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("210987654321"));
    assert!(
        identity
            .arn()
            .is_some_and(|arn| arn.contains("assumed-role/OpsdeckReadOnly/opsdeck-test")),
        "{identity:?}"
    );
    let base_identity = base.sts.get_caller_identity().send().await.unwrap();
    assert_ne!(base_identity.account(), identity.account());

    let error = AwsSource::new(customer, scope())
        .auto_scaling_groups()
        .await
        .unwrap_err();
    assert_eq!(
        error.message, "ASG basecoat-portal-asg not found",
        "the base account's group is not in the customer's account"
    );
}
