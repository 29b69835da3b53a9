//! Guarded AWS actions through the real SDK: against moto where it serves the call
//! (SetDesiredCapacity, UpdateService), against AWS-shaped answers on loopback where it does
//! not (instance refreshes, AWS refusals). Every change goes through the action runner, so the
//! journal's intent and outcome lines are checked too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;

use opsdeck::action::executor::ActionExecutor;
use opsdeck::action::journal::{Actor, Journal};
use opsdeck::action::{ActionContext, ActionRequest, Outcome, ecs_desired, scale};
use opsdeck::action_runner::ActionRunner;
use opsdeck::clock::Clock;
use opsdeck::msg::Msg;
use opsdeck::source::aws::AwsExecutor;
use opsdeck::source::aws::AwsSource;
use opsdeck::source::{AutoScalingSource, EcsSource};
use support::aws::{clients, clients_for, scope, seed};
use support::aws_shaped::{AwsShaped, xml};
use support::moto::MotoServer;
use support::proxy::CountingProxy;

const GROUP: &str = "basecoat-portal-asg";

fn context() -> ActionContext {
    ActionContext {
        environment: "local-moto".to_owned(),
        production: false,
        allow_superuser_termination: false,
    }
}

async fn executor(endpoint: &str) -> Arc<dyn ActionExecutor> {
    Arc::new(AwsExecutor::new(clients_for(endpoint).await.settings).await)
}

fn runner(executor: Arc<dyn ActionExecutor>, journal: &std::path::Path) -> ActionRunner {
    ActionRunner {
        timeout: opsdeck::action_runner::ACTION_TIMEOUT,
        executor,
        journal: Journal::new(journal),
        actor: Actor {
            environment: "local-moto".to_owned(),
            identity: "arn:aws:sts::123456789012:assumed-role/OnCall/jane".to_owned(),
            profile: None,
            region: "us-east-1".to_owned(),
        },
        database_identity: Some("database role tester@local/test".to_owned()),
        clock: Clock::wall(),
        run_id: "test".to_owned(),
    }
}

fn outcome_of(message: Msg) -> (Outcome, Option<String>) {
    match message {
        Msg::ActionFinished { report, .. } => (report.outcome, report.request_id),
        other => panic!("not a finished action: {other:?}"),
    }
}

#[tokio::test]
async fn scaling_changes_desired_capacity_and_instances_and_is_journaled_with_the_request_id() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    seed(&moto, &seeding).await;
    let source = AwsSource::new(seeding, scope());
    let group = source.auto_scaling_groups().await.unwrap().remove(0);
    let proposal = scale::propose(1, &group, 8, &context()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let runner = runner(executor(&moto.endpoint).await, &journal);

    let (outcome, request_id) = outcome_of(runner.run(proposal).await);
    assert_eq!(
        outcome,
        Outcome::Succeeded("desired capacity 5 -> 8".to_owned())
    );
    assert!(request_id.as_deref().is_some_and(|id| !id.is_empty()));

    let group = source.auto_scaling_groups().await.unwrap().remove(0);
    assert_eq!((group.desired_capacity, group.instances.len()), (8, 8));
    let (entries, torn) = Journal::new(&journal).read().unwrap();
    assert!(torn.is_empty());
    let lines: Vec<(&str, Option<&str>, Option<&str>)> = entries
        .iter()
        .map(|e| {
            (
                e.action.as_str(),
                e.result.as_deref(),
                e.request_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("set_desired_capacity", None, None),
            (
                "set_desired_capacity",
                Some("succeeded"),
                request_id.as_deref()
            )
        ]
    );
    assert_eq!(
        entries[0].actor.identity,
        "arn:aws:sts::123456789012:assumed-role/OnCall/jane"
    );
}

#[tokio::test]
async fn a_changed_group_or_a_value_outside_min_max_sends_nothing() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    seed(&moto, &seeding).await;
    let proxy = CountingProxy::start(moto.port).await;
    let executor = executor(&proxy.endpoint).await;

    let report = executor
        .execute(ActionRequest::SetDesiredCapacity {
            group: GROUP.to_owned(),
            expected_desired: 4,
            desired: 8,
            honor_cooldown: false,
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(
            "desired capacity of basecoat-portal-asg is now 5, not the 4 you saw; nothing was changed"
                .to_owned()
        )
    );
    let report = executor
        .execute(ActionRequest::SetDesiredCapacity {
            group: GROUP.to_owned(),
            expected_desired: 5,
            desired: 25,
            honor_cooldown: false,
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Refused(
            "25 is outside basecoat-portal-asg's min 3 and max 20; nothing was sent".to_owned()
        )
    );
    let report = executor
        .execute(ActionRequest::SetDesiredCapacity {
            group: "nope-asg".to_owned(),
            expected_desired: 5,
            desired: 6,
            honor_cooldown: false,
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Refused("ASG nope-asg not found; nothing was sent".to_owned())
    );
    assert_eq!(proxy.calls("SetDesiredCapacity"), 0);
    let source = AwsSource::new(clients(&moto).await, scope());
    assert_eq!(
        source.auto_scaling_groups().await.unwrap()[0].desired_capacity,
        5
    );
}

#[tokio::test]
async fn the_ecs_desired_count_changes_after_its_preflight() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    support::aws::seed_ecs(&seeding).await;
    let source = AwsSource::new(seeding, scope());
    let web = source.ecs_services().await.unwrap().remove(0);
    let proposal = ecs_desired::propose(1, &web, 8, &context()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let runner = runner(executor(&moto.endpoint).await, &dir.path().join("j.jsonl"));
    let (outcome, request_id) = outcome_of(runner.run(proposal.clone()).await);
    assert_eq!(
        outcome,
        Outcome::Succeeded("desired count 4 -> 8".to_owned())
    );
    assert!(request_id.is_some());
    assert_eq!(source.ecs_services().await.unwrap()[0].desired_count, 8);

    // The same proposal again: the service no longer wants what the operator saw.
    let (outcome, _) = outcome_of(runner.run(proposal).await);
    assert_eq!(
        outcome,
        Outcome::Aborted(
            "desired count of web is now 8, not the 4 you saw; nothing was changed".to_owned()
        )
    );
}

const NO_REFRESHES: &str = r#"<DescribeInstanceRefreshesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeInstanceRefreshesResult><InstanceRefreshes/></DescribeInstanceRefreshesResult><ResponseMetadata><RequestId>11111111-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeInstanceRefreshesResponse>"#;

const REFRESH_RUNNING: &str = r#"<DescribeInstanceRefreshesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeInstanceRefreshesResult><InstanceRefreshes><member><InstanceRefreshId>08b91cf7-8fa6-48af-b6a6-d227f40f1b9b</InstanceRefreshId><AutoScalingGroupName>basecoat-portal-asg</AutoScalingGroupName><Status>InProgress</Status><PercentageComplete>20</PercentageComplete><InstancesToUpdate>4</InstancesToUpdate></member></InstanceRefreshes></DescribeInstanceRefreshesResult><ResponseMetadata><RequestId>11111111-0000-4000-8000-000000000002</RequestId></ResponseMetadata></DescribeInstanceRefreshesResponse>"#;

const STARTED: &str = r#"<StartInstanceRefreshResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><StartInstanceRefreshResult><InstanceRefreshId>ccfba0c3-4c8b-4a6a-b1d4-8c7f1a2e3d4f</InstanceRefreshId></StartInstanceRefreshResult><ResponseMetadata><RequestId>7a1c2e3f-0000-4000-8000-00000000beef</RequestId></ResponseMetadata></StartInstanceRefreshResponse>"#;

const CANCELLED: &str = r#"<CancelInstanceRefreshResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><CancelInstanceRefreshResult><InstanceRefreshId>08b91cf7-8fa6-48af-b6a6-d227f40f1b9b</InstanceRefreshId></CancelInstanceRefreshResult><ResponseMetadata><RequestId>7a1c2e3f-0000-4000-8000-00000000cafe</RequestId></ResponseMetadata></CancelInstanceRefreshResponse>"#;

fn refresh_request() -> ActionRequest {
    ActionRequest::StartInstanceRefresh {
        group: GROUP.to_owned(),
        min_healthy_percentage: 50,
        instance_warmup_seconds: 300,
    }
}

#[tokio::test]
async fn an_instance_refresh_starts_with_the_runbooks_preferences_and_cancels() {
    let server = AwsShaped::start().await;
    server.answer("DescribeInstanceRefreshes", vec![xml(NO_REFRESHES)]);
    server.answer("StartInstanceRefresh", vec![xml(STARTED)]);
    server.answer("CancelInstanceRefresh", vec![xml(CANCELLED)]);
    let executor = executor(&server.endpoint).await;

    let report = executor.execute(refresh_request()).await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded(
            "instance refresh ccfba0c3-4c8b-4a6a-b1d4-8c7f1a2e3d4f started".to_owned()
        )
    );
    assert_eq!(
        report.request_id.as_deref(),
        Some("7a1c2e3f-0000-4000-8000-00000000beef")
    );
    let sent = &server.requests("StartInstanceRefresh")[0];
    for part in [
        "AutoScalingGroupName=basecoat-portal-asg",
        "Preferences.MinHealthyPercentage=50",
        "Preferences.InstanceWarmup=300",
    ] {
        assert!(sent.contains(part), "{part} missing from {sent}");
    }

    let report = executor
        .execute(ActionRequest::CancelInstanceRefresh {
            group: GROUP.to_owned(),
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded(
            "instance refresh 08b91cf7-8fa6-48af-b6a6-d227f40f1b9b cancelling".to_owned()
        )
    );
}

#[tokio::test]
async fn a_refresh_already_running_is_not_started_twice() {
    let server = AwsShaped::start().await;
    server.answer("DescribeInstanceRefreshes", vec![xml(REFRESH_RUNNING)]);
    server.answer("StartInstanceRefresh", vec![xml(STARTED)]);
    let report = executor(&server.endpoint)
        .await
        .execute(refresh_request())
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(
            "instance refresh 08b91cf7-8fa6-48af-b6a6-d227f40f1b9b is already running on basecoat-portal-asg; nothing was started"
                .to_owned()
        )
    );
    assert!(server.requests("StartInstanceRefresh").is_empty());
}

#[tokio::test]
async fn aws_refusals_are_explained_and_never_retried() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeAutoScalingGroups",
        vec![xml(
            r#"<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>basecoat-portal-asg</AutoScalingGroupName><MinSize>3</MinSize><MaxSize>20</MaxSize><DesiredCapacity>5</DesiredCapacity></member></AutoScalingGroups></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>22222222-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>"#,
        )],
    );
    server.answer(
        "SetDesiredCapacity",
        vec![support::aws_shaped::Answer {
            status: 400,
            ..xml(
                r#"<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>ScalingActivityInProgress</Code><Message>Scaling activity 5e3c... is in progress and blocks this action.</Message></Error><RequestId>33333333-0000-4000-8000-0000000000aa</RequestId></ErrorResponse>"#,
            )
        }],
    );
    let report = executor(&server.endpoint)
        .await
        .execute(ActionRequest::SetDesiredCapacity {
            group: GROUP.to_owned(),
            expected_desired: 5,
            desired: 12,
            honor_cooldown: true,
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Refused(
            "a scaling activity is still in progress on basecoat-portal-asg; wait for it to finish, then try again; nothing was changed"
                .to_owned()
        )
    );
    assert_eq!(
        report.request_id.as_deref(),
        Some("33333333-0000-4000-8000-0000000000aa")
    );
    let sent = server.requests("SetDesiredCapacity");
    assert_eq!(sent.len(), 1, "sent once, never retried");
    assert!(sent[0].contains("HonorCooldown=true"), "{}", sent[0]);
}

/// A group launching from version 2 of a two-version launch template.
async fn seed_template_group(moto: &MotoServer) -> opsdeck::source::aws::AwsClients {
    let clients = clients(moto).await;
    let ec2 = support::aws::ec2(moto).await;
    let template = ec2
        .create_launch_template()
        .launch_template_name("basecoat-portal")
        .version_description("portal 2.13.2")
        .launch_template_data(
            aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                .image_id("ami-12c6146b")
                .instance_type(aws_sdk_ec2::types::InstanceType::T3Medium)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let template_id = template
        .launch_template()
        .unwrap()
        .launch_template_id()
        .unwrap()
        .to_owned();
    ec2.create_launch_template_version()
        .launch_template_id(&template_id)
        .version_description("portal 2.14.0")
        .launch_template_data(
            aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                .image_id("ami-1234abcd")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let subnets = ec2.describe_subnets().send().await.unwrap();
    clients
        .auto_scaling
        .create_auto_scaling_group()
        .auto_scaling_group_name("portal-lt-asg")
        .launch_template(
            aws_sdk_autoscaling::types::LaunchTemplateSpecification::builder()
                .launch_template_id(&template_id)
                .version("2")
                .build(),
        )
        .min_size(1)
        .max_size(4)
        .desired_capacity(2)
        .vpc_zone_identifier(subnets.subnets()[0].subnet_id().unwrap())
        .send()
        .await
        .unwrap();
    clients
}

#[tokio::test]
async fn launch_template_versions_are_listed_newest_first_with_the_one_in_use() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = seed_template_group(&moto).await;
    let source = AwsSource::new(clients, scope());
    let versions = source
        .launch_template_versions("portal-lt-asg")
        .await
        .unwrap();
    let listed: Vec<(u32, bool, Option<&str>)> = versions
        .iter()
        .map(|v| (v.version, v.in_use, v.description.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            (2, true, Some("portal 2.14.0")),
            (1, false, Some("portal 2.13.2"))
        ]
    );
    let error = source
        .launch_template_versions("nope-asg")
        .await
        .unwrap_err();
    assert_eq!(error.message, "ASG nope-asg not found");
}

#[tokio::test]
async fn a_rollback_whose_refresh_cannot_start_says_which_half_was_done() {
    // moto serves UpdateAutoScalingGroup but not StartInstanceRefresh: the half-done case.
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = seed_template_group(&moto).await;
    let source = AwsSource::new(clients, scope());
    let template_id = source
        .launch_template_versions("portal-lt-asg")
        .await
        .unwrap()[0]
        .template_id
        .clone();
    let executor = executor(&moto.endpoint).await;
    let request = |from| ActionRequest::RollBack {
        group: "portal-lt-asg".to_owned(),
        template_id: template_id.clone(),
        from_version: from,
        to_version: 1,
        min_healthy_percentage: 50,
        instance_warmup_seconds: 300,
    };
    let report = executor.execute(request(3)).await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(
            "portal-lt-asg now launches version 2, not the 3 you saw; nothing was changed"
                .to_owned()
        )
    );
    let report = executor.execute(request(2)).await;
    let Outcome::Failed(detail) = &report.outcome else {
        panic!("{report:?}");
    };
    assert!(
        detail.starts_with(
            "portal-lt-asg now launches version 1 but the instance refresh did not start ("
        ),
        "{detail}"
    );
    assert!(detail.ends_with("); start it with R"), "{detail}");
    let versions = source
        .launch_template_versions("portal-lt-asg")
        .await
        .unwrap();
    assert!(
        versions.iter().any(|v| v.version == 1 && v.in_use),
        "{versions:?}"
    );
}

#[tokio::test]
async fn a_rollback_points_the_group_at_the_version_and_starts_the_refresh() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeAutoScalingGroups",
        vec![xml(
            r#"<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>basecoat-portal-asg</AutoScalingGroupName><MinSize>3</MinSize><MaxSize>20</MaxSize><DesiredCapacity>5</DesiredCapacity><LaunchTemplate><LaunchTemplateId>lt-0abc</LaunchTemplateId><LaunchTemplateName>basecoat-portal</LaunchTemplateName><Version>8</Version></LaunchTemplate></member></AutoScalingGroups></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>44444444-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>"#,
        )],
    );
    server.answer(
        "UpdateAutoScalingGroup",
        vec![xml(
            r#"<UpdateAutoScalingGroupResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><ResponseMetadata><RequestId>44444444-0000-4000-8000-000000000002</RequestId></ResponseMetadata></UpdateAutoScalingGroupResponse>"#,
        )],
    );
    server.answer("StartInstanceRefresh", vec![xml(STARTED)]);
    let report = executor(&server.endpoint)
        .await
        .execute(ActionRequest::RollBack {
            group: GROUP.to_owned(),
            template_id: "lt-0abc".to_owned(),
            from_version: 8,
            to_version: 7,
            min_healthy_percentage: 50,
            instance_warmup_seconds: 300,
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded(
            "basecoat-portal-asg launches version 7 (was 8); instance refresh ccfba0c3-4c8b-4a6a-b1d4-8c7f1a2e3d4f started"
                .to_owned()
        )
    );
    let update = &server.requests("UpdateAutoScalingGroup")[0];
    assert!(
        update.contains("LaunchTemplate.LaunchTemplateId=lt-0abc")
            && update.contains("LaunchTemplate.Version=7"),
        "{update}"
    );
    assert_eq!(server.requests("StartInstanceRefresh").len(), 1);
}

#[tokio::test]
async fn raising_max_updates_the_group_after_its_preflight() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    seed(&moto, &seeding).await;
    let source = AwsSource::new(seeding, scope());
    let executor = executor(&moto.endpoint).await;
    let request = |expected_max, max| ActionRequest::SetMaxSize {
        group: GROUP.to_owned(),
        expected_max,
        max,
    };
    let report = executor.execute(request(20, 30)).await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded("max size 20 -> 30".to_owned())
    );
    assert!(report.request_id.is_some());
    assert_eq!(source.auto_scaling_groups().await.unwrap()[0].max_size, 30);
    let report = executor.execute(request(20, 40)).await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(
            "max size of basecoat-portal-asg is now 30, not the 20 you saw; nothing was changed"
                .to_owned()
        )
    );
    let report = executor.execute(request(30, 4)).await;
    assert_eq!(
        report.outcome,
        Outcome::Refused(
            "4 is below basecoat-portal-asg's desired capacity 5; nothing was sent".to_owned()
        )
    );
}

#[tokio::test]
async fn a_forced_deployment_is_sent_as_update_service() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let seeding = clients(&moto).await;
    support::aws::seed_ecs(&seeding).await;
    let proxy = CountingProxy::start(moto.port).await;
    let report = executor(&proxy.endpoint)
        .await
        .execute(ActionRequest::ForceNewDeployment {
            cluster: "prod".to_owned(),
            service: "web".to_owned(),
        })
        .await;
    assert_eq!(
        report.outcome,
        Outcome::Succeeded("new deployment of web started".to_owned())
    );
    assert!(report.request_id.is_some());
    assert_eq!(proxy.calls("UpdateService"), 1);
    let report = executor(&moto.endpoint)
        .await
        .execute(ActionRequest::ForceNewDeployment {
            cluster: "prod".to_owned(),
            service: "billing".to_owned(),
        })
        .await;
    assert!(
        matches!(&report.outcome, Outcome::Refused(text) if text.ends_with("nothing was changed")),
        "{report:?}"
    );
}

/// Issue 12, item 6 (SetDesiredCapacity, Amazon EC2 Auto Scaling API Reference): a connection
/// lost after the change was written (the SDK's
/// DispatchFailure; "Enum SdkError" on docs.rs: "An HTTP response was not received. The
/// request MAY have been sent.") is never "nothing was changed": the outcome is unknown and
/// the next poll tells. The proxy reads the whole SetDesiredCapacity request, then closes
/// the connection without an answer.
#[tokio::test]
async fn a_connection_lost_mid_change_is_unknown_not_unchanged() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    seed(&moto, &clients(&moto).await).await;
    let proxy = CountingProxy::start(moto.port).await;
    proxy.fail("SetDesiredCapacity", support::proxy::Fault::Reset);
    let report = executor(&proxy.endpoint)
        .await
        .execute(ActionRequest::SetDesiredCapacity {
            group: GROUP.to_owned(),
            expected_desired: 5,
            desired: 12,
            honor_cooldown: false,
        })
        .await;
    let Outcome::Unknown(detail) = &report.outcome else {
        panic!("{report:?}")
    };
    assert!(
        detail.contains("the request may have been sent, so the next poll shows whether basecoat-portal-asg changed; not retried"),
        "{detail}"
    );
    assert!(!detail.contains("nothing was changed"), "{detail}");
    assert_eq!(
        proxy.calls("SetDesiredCapacity"),
        1,
        "sent once, never retried"
    );
}

/// DescribeAutoScalingGroups as the Amazon EC2 Auto Scaling API Reference shapes it, for a
/// group launching `template` (the XML of its `LaunchTemplate` or `MixedInstancesPolicy`).
fn described_group(template: &str) -> String {
    format!(
        r#"<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>basecoat-portal-asg</AutoScalingGroupName><MinSize>3</MinSize><MaxSize>20</MaxSize><DesiredCapacity>5</DesiredCapacity>{template}</member></AutoScalingGroups></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>44444444-0000-4000-8000-000000000011</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>"#
    )
}

/// The group's own launch template lt-0abc at `version` (`8`, `$Latest`, ...).
fn own_template(version: &str) -> String {
    format!(
        "<LaunchTemplate><LaunchTemplateId>lt-0abc</LaunchTemplateId><LaunchTemplateName>basecoat-portal</LaunchTemplateName><Version>{version}</Version></LaunchTemplate>"
    )
}

/// A mixed instances policy over launch template lt-0abc version 8: two instance types and a
/// Spot share, as "MixedInstancesPolicy" (Amazon EC2 Auto Scaling API Reference) describes.
const MIXED_POLICY: &str = "<MixedInstancesPolicy><LaunchTemplate><LaunchTemplateSpecification><LaunchTemplateId>lt-0abc</LaunchTemplateId><LaunchTemplateName>basecoat-portal</LaunchTemplateName><Version>8</Version></LaunchTemplateSpecification><Overrides><member><InstanceType>m5.large</InstanceType></member><member><InstanceType>m5a.large</InstanceType><WeightedCapacity>1</WeightedCapacity></member></Overrides></LaunchTemplate><InstancesDistribution><OnDemandAllocationStrategy>prioritized</OnDemandAllocationStrategy><OnDemandBaseCapacity>2</OnDemandBaseCapacity><OnDemandPercentageAboveBaseCapacity>25</OnDemandPercentageAboveBaseCapacity><SpotAllocationStrategy>price-capacity-optimized</SpotAllocationStrategy></InstancesDistribution></MixedInstancesPolicy>";

const UPDATED: &str = r#"<UpdateAutoScalingGroupResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><ResponseMetadata><RequestId>44444444-0000-4000-8000-000000000012</RequestId></ResponseMetadata></UpdateAutoScalingGroupResponse>"#;

/// DescribeLaunchTemplateVersions as the Amazon EC2 API Reference shapes it: `versions` in
/// ascending order, then `nextToken` when more remain.
fn template_versions(versions: std::ops::RangeInclusive<u32>, next: Option<&str>) -> String {
    let items: String = versions
        .map(|v| format!("<item><launchTemplateId>lt-0abc</launchTemplateId><launchTemplateName>basecoat-portal</launchTemplateName><versionNumber>{v}</versionNumber><versionDescription>portal 2.{v}.0</versionDescription><createTime>2026-11-{:02}T10:00:00.000Z</createTime><defaultVersion>{}</defaultVersion></item>", 1 + v % 28, v == 1))
        .collect();
    let next = next.map_or(String::new(), |token| {
        format!("<nextToken>{token}</nextToken>")
    });
    format!(
        r#"<DescribeLaunchTemplateVersionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>65cadec1-b364-4354-8ca8-4176dexample</requestId><launchTemplateVersionSet>{items}</launchTemplateVersionSet>{next}</DescribeLaunchTemplateVersionsResponse>"#
    )
}

fn roll_back(from_version: u32, to_version: u32) -> ActionRequest {
    ActionRequest::RollBack {
        group: GROUP.to_owned(),
        template_id: "lt-0abc".to_owned(),
        from_version,
        to_version,
        min_healthy_percentage: 50,
        instance_warmup_seconds: 300,
    }
}

/// Issue 12, item 6: a group with a mixed instances policy is rolled back inside its policy
/// (the LaunchTemplate page of the Amazon EC2 Auto Scaling API Reference: updating the
/// policy's launch template keeps the running instances), with its instance types and Spot
/// settings sent back as they were; a top-level LaunchTemplate would convert the group.
#[tokio::test]
async fn a_mixed_instances_group_rolls_back_inside_its_policy() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeAutoScalingGroups",
        vec![xml(&described_group(MIXED_POLICY))],
    );
    server.answer("UpdateAutoScalingGroup", vec![xml(UPDATED)]);
    server.answer("StartInstanceRefresh", vec![xml(STARTED)]);
    let report = executor(&server.endpoint)
        .await
        .execute(roll_back(8, 7))
        .await;
    assert!(
        matches!(&report.outcome, Outcome::Succeeded(detail) if detail.starts_with("basecoat-portal-asg launches version 7 (was 8)")),
        "{report:?}"
    );
    let update = &server.requests("UpdateAutoScalingGroup")[0];
    let sent: Vec<&str> = update.split('&').collect();
    for expected in [
        "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateId=lt-0abc",
        "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version=7",
        "MixedInstancesPolicy.LaunchTemplate.Overrides.member.1.InstanceType=m5.large",
        "MixedInstancesPolicy.LaunchTemplate.Overrides.member.2.InstanceType=m5a.large",
        "MixedInstancesPolicy.InstancesDistribution.OnDemandBaseCapacity=2",
        "MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity=25",
        "MixedInstancesPolicy.InstancesDistribution.SpotAllocationStrategy=price-capacity-optimized",
    ] {
        assert!(sent.contains(&expected), "{expected} not in {update}");
    }
    assert!(
        !sent.iter().any(|p| p.starts_with("LaunchTemplate.")
            || p.contains("LaunchTemplateSpecification.LaunchTemplateName")),
        "no top-level LaunchTemplate, the template named by id alone: {update}"
    );
}

/// Issue 12, item 6: the preflight of a group on `$Latest` asks EC2 what `$Latest` is now
/// (DescribeLaunchTemplateVersions takes `$Latest` in `Versions`, Amazon EC2 API Reference):
/// someone created version 9 since the operator saw 8, so nothing is sent.
#[tokio::test]
async fn a_latest_group_whose_latest_moved_is_not_rolled_back() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeAutoScalingGroups",
        vec![xml(&described_group(&own_template("$Latest")))],
    );
    server.answer(
        "DescribeLaunchTemplateVersions",
        vec![
            xml(&template_versions(9..=9, None)),
            xml(&template_versions(8..=8, None)),
        ],
    );
    server.answer("UpdateAutoScalingGroup", vec![xml(UPDATED)]);
    server.answer("StartInstanceRefresh", vec![xml(STARTED)]);
    let executor = executor(&server.endpoint).await;
    let report = executor.execute(roll_back(8, 7)).await;
    assert_eq!(
        report.outcome,
        Outcome::Aborted(
            "basecoat-portal-asg now launches version 9 ($Latest), not the 8 you saw; nothing was changed"
                .to_owned()
        )
    );
    assert!(server.requests("UpdateAutoScalingGroup").is_empty());
    let asked = &server.requests("DescribeLaunchTemplateVersions")[0];
    assert!(
        asked.contains("LaunchTemplateVersion.1=%24Latest")
            && asked.contains("LaunchTemplateId=lt-0abc"),
        "{asked}"
    );
    let report = executor.execute(roll_back(8, 7)).await;
    assert!(
        matches!(report.outcome, Outcome::Succeeded(_)),
        "{report:?}"
    );
    assert_eq!(server.requests("UpdateAutoScalingGroup").len(), 1);
}

/// Issue 12, item 7: DescribeLaunchTemplateVersions answers in pages (`MaxResults` at most
/// 200, then `nextToken`; Amazon EC2 API Reference), oldest first: every page is read, the
/// newest twenty are listed, and the version in use is listed however old it is.
#[tokio::test]
async fn every_page_of_versions_is_read_and_the_one_in_use_always_listed() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeAutoScalingGroups",
        vec![xml(&described_group(&own_template("3")))],
    );
    server.answer(
        "DescribeLaunchTemplateVersions",
        vec![
            xml(&template_versions(1..=3, Some("page-2"))),
            xml(&template_versions(4..=30, None)),
        ],
    );
    let source = AwsSource::new(clients_for(&server.endpoint).await, scope());
    let versions = source.launch_template_versions(GROUP).await.unwrap();
    let listed: Vec<u32> = versions.iter().map(|v| v.version).collect();
    let mut expected: Vec<u32> = (11..=30).rev().collect();
    expected.push(3);
    assert_eq!(listed, expected);
    assert!(versions.iter().all(|v| v.in_use == (v.version == 3)));
    let asked = server.requests("DescribeLaunchTemplateVersions");
    assert_eq!(asked.len(), 2);
    assert!(asked[0].contains("MaxResults=200"), "{}", asked[0]);
    assert!(asked[1].contains("NextToken=page-2"), "{}", asked[1]);
}
