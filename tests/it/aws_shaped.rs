//! The AWS adapters against AWS-shaped answers served on loopback, for what moto does not
//! serve (Logs Insights `stats`, StopQuery, instance refreshes, percentiles, target states
//! other than healthy, ECS events). Bodies follow the AWS API reference; the real SDK sends
//! the requests and parses the answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Duration;

use opsdeck::model::{LifecycleState, MetricKind, TargetState};
use opsdeck::source::aws::{AwsScope, AwsSource, LogScope, MetricTargets, default_metric_queries};
use opsdeck::source::{
    AutoScalingSource, EcsSource, ErrorQuery, LogSource, MetricsSource, SourceErrorKind,
    TargetHealthSource,
};
use support::aws::clients_for;
use support::aws_shaped::{Answer, AwsShaped, json, xml};

const GROUP: &str = "/aws/basecoat-portal/application";

fn log_scope(query_timeout: Duration) -> AwsScope {
    AwsScope {
        logs: LogScope {
            log_groups: vec![GROUP.to_owned()],
            query_timeout,
            ..LogScope::default()
        },
        ..AwsScope::default()
    }
}

const RUNNING: &str = r#"{"results":[],"statistics":{"recordsMatched":0.0,"recordsScanned":1200.0,"bytesScanned":204800.0},"status":"Running"}"#;

const COMPLETE: &str = r#"{"results":[
  [{"field":"service_name","value":"portal-api"},{"field":"errors","value":"41"}],
  [{"field":"@service","value":"worker"},{"field":"errors","value":"3"}],
  [{"field":"@service","value":"portal-web"},{"field":"errors","value":"17"}]
 ],
 "statistics":{"recordsMatched":61.0,"recordsScanned":240000.0,"bytesScanned":52428800.0},
 "status":"Complete"}"#;

fn tail_events(now_ms: i64) -> String {
    format!(
        r#"{{"events":[
  {{"logStreamName":"i-0abc","timestamp":{},"message":"{{\"level\":\"ERROR\",\"service\":\"portal-api\",\"message\":\"pool exhausted\"}}","ingestionTime":{},"eventId":"e-1"}},
  {{"logStreamName":"i-0abc","timestamp":{},"message":"ERROR upstream timed out","ingestionTime":{},"eventId":"e-2"}}
 ],"searchedLogStreams":[]}}"#,
        now_ms - 60_000,
        now_ms - 59_000,
        now_ms - 10_000,
        now_ms - 9_000
    )
}

async fn server_with_tail() -> AwsShaped {
    let server = AwsShaped::start().await;
    let now = chrono::Utc::now().timestamp_millis();
    server.answer("FilterLogEvents", vec![json(&tail_events(now))]);
    server.answer("StartQuery", vec![json(r#"{"queryId":"q-1"}"#)]);
    server.answer("StopQuery", vec![json(r#"{"success":true}"#)]);
    server
}

#[tokio::test]
async fn error_counts_come_from_the_insights_stats_with_bytes_scanned() {
    let server = server_with_tail().await;
    server.answer("GetQueryResults", vec![json(RUNNING), json(COMPLETE)]);
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(10)),
    );
    let logs = source.log_errors(ErrorQuery::Run).await.unwrap();
    let counts: Vec<(&str, u64)> = logs
        .counts
        .iter()
        .map(|c| (c.service.as_str(), c.count))
        .collect();
    assert_eq!(
        counts,
        [("portal-api", 41), ("portal-web", 17), ("worker", 3)]
    );
    assert_eq!(logs.bytes_scanned, 52_428_800);
    assert_eq!(
        server.requests("GetQueryResults").len(),
        2,
        "polled while Running"
    );
    let start = &server.requests("StartQuery")[0];
    assert!(start.contains(GROUP), "{start}");
    // The default query counts JSON logs whose keys are `level`/`service` as well as the
    // runbook's `@level`/`@service` ("Supported logs and discovered fields").
    assert!(
        start.contains(r#"coalesce(level, @level) as severity"#),
        "{start}"
    );
    assert!(start.contains(r#"filter severity = \"ERROR\""#), "{start}");
    let tail: Vec<(&str, &str)> = logs
        .recent
        .iter()
        .map(|l| (l.service.as_str(), l.message.as_str()))
        .collect();
    assert_eq!(
        tail,
        [
            ("application", "ERROR upstream timed out"),
            ("portal-api", "pool exhausted")
        ]
    );
    assert!(
        server.requests("StopQuery").is_empty(),
        "a finished query is not stopped"
    );

    // The counts reach to the query's end ("StartQuery": endTime, seconds since the epoch).
    let asked: serde_json::Value = serde_json::from_str(start).unwrap();
    let end = asked["endTime"].as_i64().unwrap();
    assert_eq!(logs.counted_until.map(|t| t.timestamp()), Some(end));

    // A poll the poller does not ask to query (Insights bills per byte scanned) runs the
    // tail only, and the held counts still say how far they reach (issue 13, item 4).
    let again = source.log_errors(ErrorQuery::Held).await.unwrap();
    assert_eq!(server.requests("StartQuery").len(), 1);
    assert_eq!(again.counted_until, logs.counted_until);
    assert_eq!(server.requests("FilterLogEvents").len(), 2);
}

/// Issue 13, item 4: the poller owns the schedule. With the Logs schedule's billed query
/// interval at a minute and polls every 100 ms, the error tail (FilterLogEvents) is read on
/// every poll but the Insights query (StartQuery, CloudWatch Logs API Reference; billed per
/// byte scanned) runs once; "refresh now" runs it at once, so what the pane then shows was
/// fetched for it.
#[tokio::test]
async fn the_poller_runs_the_billed_query_once_an_interval_and_on_refresh_now() {
    use opsdeck::model::{PollControl, Schedule, SourceData, SourceKind};
    use opsdeck::msg::Msg;

    let server = server_with_tail().await;
    server.answer("GetQueryResults", vec![json(COMPLETE)]);
    let logs = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(10)),
    );
    let none = std::sync::Arc::new(opsdeck::source::unconfigured::Unconfigured::new(
        "not in this test",
    ));
    let mut sources = opsdeck::source::Sources {
        logs,
        ..opsdeck::source::Sources::all_from(none)
    };
    sources.schedules.set(
        SourceKind::Logs,
        Schedule {
            billed_query_interval: Duration::from_secs(60),
            ..Schedule::default_for(SourceKind::Logs)
        },
    );
    let polling = PollControl {
        paused: false,
        interval_ms: 100,
        refresh_generation: 0,
    };
    let (control, control_receiver) = tokio::sync::watch::channel(polling);
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    opsdeck::poller::spawn_pollers(
        &sources,
        &opsdeck::clock::Clock::wall(),
        control_receiver,
        tx,
    );
    let mut next_logs = async || loop {
        if let Some(Msg::SourceUpdate {
            source: SourceKind::Logs,
            result,
            ..
        }) = rx.recv().await
        {
            let Ok(SourceData::Logs(logs)) = result else {
                panic!("the Logs poll failed: {result:?}")
            };
            return logs;
        }
    };
    let first = next_logs().await;
    for _ in 0..4 {
        let held = next_logs().await;
        assert_eq!(held.counted_until, first.counted_until);
        assert_eq!(held.counts, first.counts);
    }
    assert_eq!(server.requests("StartQuery").len(), 1);
    assert!(server.requests("FilterLogEvents").len() >= 5);

    // The ledger counts in whole seconds: let one pass so there is something new to scan.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(server.requests("StartQuery").len(), 1);
    control.send_modify(|polling| polling.refresh_generation += 1);
    tokio::time::timeout(Duration::from_secs(10), async {
        while next_logs().await.counted_until == first.counted_until {}
    })
    .await
    .expect("refresh now runs the billed query and shows its counts");
    assert_eq!(server.requests("StartQuery").len(), 2);
}

#[tokio::test]
async fn a_query_running_past_its_timeout_is_stopped_and_named() {
    let server = server_with_tail().await;
    server.answer("GetQueryResults", vec![json(RUNNING)]);
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_millis(800)),
    );
    let error = source.log_errors(ErrorQuery::Run).await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Timeout);
    assert_eq!(
        error.message,
        "Logs Insights query still running after 0.8 s; stopped it"
    );
    let stops = server.requests("StopQuery");
    assert_eq!(stops, [r#"{"queryId":"q-1"}"#]);
}

#[tokio::test]
async fn at_most_two_queries_run_at_once_and_a_dropped_poll_stops_its_query() {
    let server = server_with_tail().await;
    server.answer("GetQueryResults", vec![json(RUNNING)]);
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(30)),
    );
    let polls: Vec<_> = (0..3)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.log_errors(ErrorQuery::Run).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(server.requests("StartQuery").len(), 2, "the third waits");
    for poll in &polls {
        poll.abort();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        server.requests("StopQuery").len(),
        2,
        "both running queries are stopped when their polls are dropped"
    );
    assert_eq!(server.requests("StartQuery").len(), 2);
}

#[tokio::test]
async fn a_failed_query_and_a_missing_permission_are_named() {
    let server = server_with_tail().await;
    server.answer(
        "GetQueryResults",
        vec![json(r#"{"results":[],"status":"Failed"}"#)],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(5)),
    );
    let error = source.log_errors(ErrorQuery::Run).await.unwrap_err();
    assert_eq!(error.message, "Logs Insights query ended Failed");
    // A failed query is not run again at once (each run is billed): the pause is named.
    let paused = source.log_errors(ErrorQuery::Run).await.unwrap_err();
    // A minute from the failure, counted in whole seconds: 59s when the second poll lands
    // in the next second.
    let pause = paused
        .message
        .strip_prefix("Logs Insights query ended Failed; the error query is paused for ")
        .and_then(|rest| rest.strip_suffix(" after repeated failures (each is billed)"));
    assert!(matches!(pause, Some("1m00s" | "59s")), "{paused}");
    assert_eq!(server.requests("StartQuery").len(), 1, "not run again");

    server.answer(
        "StartQuery",
        vec![Answer {
            status: 400,
            ..json(r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: logs:StartQuery"}"#)
        }],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(5)),
    );
    let error = source.log_errors(ErrorQuery::Run).await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Permission);
    assert_eq!(error.message, "no permission: logs:StartQuery");
}

const TARGET_GROUP_ARN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/basecoat-portal/73e2d6bc24d8a067";

const DESCRIBE_TARGET_GROUPS: &str = r#"<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetGroupsResult>
    <TargetGroups>
      <member>
        <TargetGroupArn>arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/basecoat-portal/73e2d6bc24d8a067</TargetGroupArn>
        <TargetGroupName>basecoat-portal</TargetGroupName>
        <Protocol>HTTP</Protocol>
        <Port>80</Port>
        <VpcId>vpc-3ac0fb5f</VpcId>
        <TargetType>instance</TargetType>
      </member>
    </TargetGroups>
  </DescribeTargetGroupsResult>
  <ResponseMetadata><RequestId>70092c0e-f3a9-11e5-ae48-cff02092876b</RequestId></ResponseMetadata>
</DescribeTargetGroupsResponse>"#;

fn target(id: &str, zone: &str, state: &str, reason: &str, description: &str) -> String {
    let reason = if reason.is_empty() {
        String::new()
    } else {
        format!("<Reason>{reason}</Reason><Description>{description}</Description>")
    };
    format!(
        "<member><HealthCheckPort>80</HealthCheckPort><TargetHealth><State>{state}</State>{reason}</TargetHealth><Target><Port>80</Port><Id>{id}</Id><AvailabilityZone>{zone}</AvailabilityZone></Target></member>"
    )
}

#[tokio::test]
async fn every_target_state_and_reason_is_read() {
    let server = AwsShaped::start().await;
    server.answer("DescribeTargetGroups", vec![xml(DESCRIBE_TARGET_GROUPS)]);
    let members = [
        target("i-0aaa", "us-east-1a", "healthy", "", ""),
        target(
            "i-0bbb",
            "us-east-1b",
            "unhealthy",
            "Target.ResponseCodeMismatch",
            "Health checks failed with these codes: [502]",
        ),
        target(
            "i-0ccc",
            "us-east-1c",
            "draining",
            "Target.DeregistrationInProgress",
            "Target deregistration is in progress",
        ),
        target(
            "i-0ddd",
            "us-east-1a",
            "initial",
            "Elb.RegistrationInProgress",
            "Target registration is in progress",
        ),
        target(
            "i-0eee",
            "us-east-1b",
            "unavailable",
            "Target.HealthCheckDisabled",
            "Health checks are disabled",
        ),
    ]
    .concat();
    server.answer(
        "DescribeTargetHealth",
        vec![xml(&format!(
            r#"<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult><TargetHealthDescriptions>{members}</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>c534f810-f389-11e5-9192-3fff33344cfa</RequestId></ResponseMetadata></DescribeTargetHealthResponse>"#
        ))],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            target_groups: vec![TARGET_GROUP_ARN.to_owned()],
            ..AwsScope::default()
        },
    );
    let groups = source.target_health().await.unwrap();
    assert_eq!(groups[0].target_group_name, "basecoat-portal");
    let read: Vec<(&str, TargetState, Option<&str>)> = groups[0]
        .targets
        .iter()
        .map(|t| (t.id.as_str(), t.state.clone(), t.reason.as_deref()))
        .collect();
    assert_eq!(
        read,
        [
            ("i-0aaa", TargetState::Healthy, None),
            (
                "i-0bbb",
                TargetState::Unhealthy,
                Some("Target.ResponseCodeMismatch")
            ),
            (
                "i-0ccc",
                TargetState::Draining,
                Some("Target.DeregistrationInProgress")
            ),
            (
                "i-0ddd",
                TargetState::Initial,
                Some("Elb.RegistrationInProgress")
            ),
            (
                "i-0eee",
                TargetState::Unavailable,
                Some("Target.HealthCheckDisabled")
            ),
        ]
    );
    assert_eq!(
        groups[0].targets[1].description.as_deref(),
        Some("Health checks failed with these codes: [502]")
    );
    assert_eq!(groups[0].targets[2].availability_zone, "us-east-1c");
}

const DESCRIBE_GROUPS: &str = r#"<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeAutoScalingGroupsResult>
    <AutoScalingGroups>
      <member>
        <AutoScalingGroupName>basecoat-portal-asg</AutoScalingGroupName>
        <AutoScalingGroupARN>arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:a1b2:autoScalingGroupName/basecoat-portal-asg</AutoScalingGroupARN>
        <MinSize>3</MinSize>
        <MaxSize>20</MaxSize>
        <DesiredCapacity>5</DesiredCapacity>
        <DefaultCooldown>300</DefaultCooldown>
        <AvailabilityZones><member>us-east-1a</member><member>us-east-1b</member></AvailabilityZones>
        <HealthCheckType>ELB</HealthCheckType>
        <CreatedTime>2026-01-12T09:00:00.000Z</CreatedTime>
        <Instances>
          <member>
            <InstanceId>i-0new1</InstanceId>
            <AvailabilityZone>us-east-1a</AvailabilityZone>
            <LifecycleState>Pending</LifecycleState>
            <HealthStatus>Healthy</HealthStatus>
            <LaunchTemplate><LaunchTemplateId>lt-0abc</LaunchTemplateId><LaunchTemplateName>basecoat-portal</LaunchTemplateName><Version>8</Version></LaunchTemplate>
            <ProtectedFromScaleIn>false</ProtectedFromScaleIn>
          </member>
          <member>
            <InstanceId>i-0old1</InstanceId>
            <AvailabilityZone>us-east-1b</AvailabilityZone>
            <LifecycleState>Terminating</LifecycleState>
            <HealthStatus>Unhealthy</HealthStatus>
            <LaunchTemplate><LaunchTemplateId>lt-0abc</LaunchTemplateId><LaunchTemplateName>basecoat-portal</LaunchTemplateName><Version>7</Version></LaunchTemplate>
            <ProtectedFromScaleIn>false</ProtectedFromScaleIn>
          </member>
        </Instances>
        <TargetGroupARNs/>
      </member>
    </AutoScalingGroups>
  </DescribeAutoScalingGroupsResult>
  <ResponseMetadata><RequestId>8f3a1c2e-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
</DescribeAutoScalingGroupsResponse>"#;

const DESCRIBE_ACTIVITIES: &str = r#"<DescribeScalingActivitiesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeScalingActivitiesResult>
    <Activities>
      <member>
        <ActivityId>f9f2d65b-f1f2-43e7-b46d-d86756459699</ActivityId>
        <AutoScalingGroupName>basecoat-portal-asg</AutoScalingGroupName>
        <Description>Launching a new EC2 instance: i-0new1</Description>
        <Cause>At 2026-11-23T01:50:00Z an instance was launched to aid an instance refresh.</Cause>
        <StartTime>2026-11-23T01:50:00.000Z</StartTime>
        <StatusCode>InProgress</StatusCode>
        <Progress>30</Progress>
      </member>
    </Activities>
  </DescribeScalingActivitiesResult>
  <ResponseMetadata><RequestId>8f3a1c2e-0000-4000-8000-000000000002</RequestId></ResponseMetadata>
</DescribeScalingActivitiesResponse>"#;

const DESCRIBE_REFRESHES: &str = r#"<DescribeInstanceRefreshesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeInstanceRefreshesResult>
    <InstanceRefreshes>
      <member>
        <InstanceRefreshId>08b91cf7-8fa6-48af-b6a6-d227f40f1b9b</InstanceRefreshId>
        <AutoScalingGroupName>basecoat-portal-asg</AutoScalingGroupName>
        <Status>InProgress</Status>
        <StatusReason>Waiting for instances to warm up before continuing. For example: i-0new1 has insufficient data to evaluate its health with Elastic Load Balancing.</StatusReason>
        <StartTime>2026-11-23T01:49:00.000Z</StartTime>
        <PercentageComplete>40</PercentageComplete>
        <InstancesToUpdate>3</InstancesToUpdate>
      </member>
    </InstanceRefreshes>
  </DescribeInstanceRefreshesResult>
  <ResponseMetadata><RequestId>8f3a1c2e-0000-4000-8000-000000000003</RequestId></ResponseMetadata>
</DescribeInstanceRefreshesResponse>"#;

#[tokio::test]
async fn an_instance_refresh_in_progress_is_read_with_its_percentage() {
    let server = AwsShaped::start().await;
    server.answer("DescribeAutoScalingGroups", vec![xml(DESCRIBE_GROUPS)]);
    server.answer("DescribeScalingActivities", vec![xml(DESCRIBE_ACTIVITIES)]);
    server.answer("DescribeInstanceRefreshes", vec![xml(DESCRIBE_REFRESHES)]);
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            auto_scaling_groups: vec!["basecoat-portal-asg".to_owned()],
            ..AwsScope::default()
        },
    );
    let groups = source.auto_scaling_groups().await.unwrap();
    let group = &groups[0];
    let refresh = group.instance_refresh.as_ref().expect("a refresh");
    assert_eq!(
        (
            refresh.status.as_str(),
            refresh.percentage_complete,
            refresh.instances_to_update
        ),
        ("InProgress", 40, 3)
    );
    assert!(
        refresh
            .status_reason
            .as_deref()
            .unwrap()
            .starts_with("Waiting for instances to warm up")
    );
    let instances: Vec<(&str, LifecycleState, bool, &str)> = group
        .instances
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                i.lifecycle.clone(),
                i.healthy,
                i.launch_template_version.as_str(),
            )
        })
        .collect();
    assert_eq!(
        instances,
        [
            ("i-0new1", LifecycleState::Pending, true, "8"),
            ("i-0old1", LifecycleState::Terminating, false, "7"),
        ]
    );
    assert_eq!(group.activities[0].status, "InProgress");
    assert_eq!(
        group.activities[0].description,
        "Launching a new EC2 instance: i-0new1"
    );
}

#[tokio::test]
async fn ecs_events_and_a_rollout_in_progress_are_read() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeServices",
        vec![json(
            r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:123456789012:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","status":"ACTIVE","desiredCount":8,"runningCount":5,"pendingCount":3,"launchType":"FARGATE",
  "deployments":[
   {"id":"ecs-svc/9876543210","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/basecoat-web:42","desiredCount":8,"pendingCount":3,"runningCount":5,"failedTasks":1,"createdAt":1795395000.0,"updatedAt":1795395600.0,"rolloutState":"IN_PROGRESS","rolloutStateReason":"ECS deployment ecs-svc/9876543210 in progress."},
   {"id":"ecs-svc/1234567890","status":"ACTIVE","taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/basecoat-web:41","desiredCount":0,"pendingCount":0,"runningCount":2,"createdAt":1795300000.0,"updatedAt":1795395600.0,"rolloutState":"COMPLETED"}
  ],
  "events":[
   {"id":"0d2f1c4a-1111-4c1b-9f00-000000000002","createdAt":1795395660.0,"message":"(service web) was unable to place a task because no container instance met all of its requirements. The closest matching container-instance has insufficient memory available."},
   {"id":"0d2f1c4a-1111-4c1b-9f00-000000000001","createdAt":1795395600.0,"message":"(service web) has started 3 tasks: (task 1a2b) (task 3c4d) (task 5e6f)."}
  ]}],"failures":[]}"#,
        )],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            ecs_cluster: Some("prod".to_owned()),
            ecs_services: vec!["web".to_owned()],
            ..AwsScope::default()
        },
    );
    let services = source.ecs_services().await.unwrap();
    let web = &services[0];
    assert_eq!(
        (web.desired_count, web.running_count, web.pending_count),
        (8, 5, 3)
    );
    let rollouts: Vec<(&str, &str, &str)> = web
        .deployments
        .iter()
        .map(|d| {
            (
                d.status.as_str(),
                d.task_definition.as_str(),
                d.rollout_state.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rollouts,
        [
            ("PRIMARY", "basecoat-web:42", "IN_PROGRESS"),
            ("ACTIVE", "basecoat-web:41", "COMPLETED")
        ]
    );
    assert!(
        web.events[0].message.contains("unable to place a task"),
        "{:?}",
        web.events
    );
    assert_eq!(web.events[0].created_at.timestamp(), 1_795_395_660);
}

#[tokio::test]
async fn the_p99_series_is_read_in_milliseconds() {
    let server = AwsShaped::start().await;
    server.answer(
        "GetMetricData",
        vec![json(
            // GetMetricData's answer (Amazon CloudWatch API Reference), sent as CBOR.
            r#"{"MetricDataResults":[{"Id":"m0","Label":"TargetResponseTime",
              "Timestamps":[1795399200,1795399260],"Values":[0.412,1.25],"StatusCode":"Complete"}],
              "Messages":[]}"#,
        )],
    );
    let queries: Vec<_> = default_metric_queries(&MetricTargets {
        load_balancers: &["app/basecoat-portal/50dc6c495c0c9188".to_owned()],
        ..MetricTargets::default()
    })
    .into_iter()
    .filter(|q| q.id == "alb_p99")
    .collect();
    let source = support::aws::metrics_source(&server.endpoint, queries).await;
    let series = source.metric_series().await.unwrap();
    assert_eq!(series[0].kind, MetricKind::ResponseTimeP99);
    assert_eq!(series[0].values, [412.0, 1250.0]);
    let request = &server.requests("GetMetricData")[0];
    assert!(request.contains(r#""Stat":"p99""#), "{request}");
}

/// Issue 14, item 4: an environment read through a CloudWatch cross-account monitoring
/// account names the linked source account in every MetricDataQuery's `AccountId`
/// (MetricDataQuery, Amazon CloudWatch API Reference: "If you are performing a GetMetricData
/// operation in a monitoring account, use this to specify which account to retrieve this
/// metric from"); without `metrics_account_id` no `AccountId` is sent. moto serves no
/// monitoring account, so the AWS-shaped server records the call.
#[tokio::test]
async fn metrics_of_a_linked_account_are_asked_with_its_account_id() {
    let server = AwsShaped::start().await;
    let answer = || {
        json(
            r#"{"MetricDataResults":[{"Id":"m0","Label":"CPUUtilization",
              "Timestamps":[1795399200],"Values":[41.5],"StatusCode":"Complete"}],"Messages":[]}"#,
        )
    };
    server.answer("GetMetricData", vec![answer(), answer()]);
    let queries = default_metric_queries(&MetricTargets {
        auto_scaling_groups: &["acme-web-asg".to_owned()],
        ..MetricTargets::default()
    });
    for account in [Some("210987654321"), None] {
        let source = AwsSource::new(
            clients_for(&server.endpoint).await,
            AwsScope {
                metrics: queries.clone(),
                metric_window_seconds: 3600,
                metrics_account: account.map(str::to_owned),
                ..AwsScope::default()
            },
        );
        let series = source.metric_series().await.unwrap();
        assert_eq!(series[0].values, [41.5]);
    }
    let asked = server.requests("GetMetricData");
    assert_eq!(asked.len(), 2);
    let linked: serde_json::Value = serde_json::from_str(&asked[0]).unwrap();
    for query in linked["MetricDataQueries"].as_array().unwrap() {
        assert_eq!(query["AccountId"], "210987654321", "{query}");
    }
    assert!(!asked[1].contains("AccountId"), "{}", asked[1]);
}

#[tokio::test]
async fn an_error_page_that_is_not_an_aws_error_names_the_http_status() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeAlarms",
        vec![Answer {
            status: 500,
            content_type: "text/html",
            ..xml("<!doctype html><title>500 Internal Server Error</title>")
        }],
    );
    let source = AwsSource::new(clients_for(&server.endpoint).await, AwsScope::default());
    let error = opsdeck::source::AlarmSource::alarms(source.as_ref())
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "cloudwatch:DescribeAlarms: the endpoint answered HTTP 500 without an AWS error"
    );
}

/// A service of a CODE_DEPLOY (blue/green) controller, as DescribeServices answers it: per
/// "Deployment - Amazon Elastic Container Service", `rolloutState` is returned only for the
/// rolling update (ECS) controller without a Classic Load Balancer, so this one has none.
const CODE_DEPLOY_SERVICE: &str = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:123456789012:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","status":"ACTIVE","desiredCount":2,"runningCount":0,"pendingCount":2,"launchType":"FARGATE","deploymentController":{"type":"CODE_DEPLOY"},
  "deployments":[
   {"id":"ecs-svc/5550000001","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/basecoat-web:43","desiredCount":2,"pendingCount":2,"runningCount":0,"createdAt":1795390000.0,"updatedAt":1795390000.0}
  ],
  "events":[]}],"failures":[]}"#;

async fn ecs_source(answer: &str) -> (AwsShaped, std::sync::Arc<AwsSource>) {
    let server = AwsShaped::start().await;
    server.answer("DescribeServices", vec![json(answer)]);
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            ecs_cluster: Some("prod".to_owned()),
            ecs_services: vec!["web".to_owned()],
            ..AwsScope::default()
        },
    );
    (server, source)
}

/// Check `id` on `snapshot` read at `at`, with the default thresholds.
fn check_of(
    snapshot: opsdeck::state::Snapshot,
    at: Option<opsdeck::model::Timestamp>,
    id: &str,
) -> opsdeck::check::CheckResult {
    let input = opsdeck::check::CheckInput {
        snapshot,
        at,
        ..Default::default()
    };
    opsdeck::check::evaluate(&input, &opsdeck::config::Thresholds::default())
        .into_iter()
        .find(|result| result.id == id)
        .unwrap()
}

fn ecs_check(
    services: Vec<opsdeck::model::EcsService>,
    at_seconds: i64,
) -> opsdeck::check::CheckResult {
    let snapshot = opsdeck::state::Snapshot {
        ecs: services,
        ..Default::default()
    };
    check_of(
        snapshot,
        chrono::DateTime::from_timestamp(at_seconds, 0),
        "ecs_running",
    )
}

/// A source reading the alarms named by `prefixes` and `names` from `server`.
async fn alarm_source(
    server: &AwsShaped,
    prefixes: &[&str],
    names: Vec<String>,
) -> std::sync::Arc<AwsSource> {
    AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            alarms: opsdeck::source::aws::AlarmScope::Named {
                prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
                names,
            },
            ..AwsScope::default()
        },
    )
}

/// Issue 12, item 5: a missing rolloutState is unknown, not COMPLETED; a service at 0 of 2
/// running fails `ecs_running` though 2 tasks are pending (they do not excuse an empty
/// service).
#[tokio::test]
async fn a_missing_rollout_state_is_unknown_and_an_empty_service_fails() {
    let (_server, source) = ecs_source(CODE_DEPLOY_SERVICE).await;
    let services = source.ecs_services().await.unwrap();
    assert_eq!(services[0].deployments[0].rollout_state, "UNKNOWN");
    assert_eq!(
        services[0].deployments[0]
            .updated_at
            .map(|at| at.timestamp()),
        Some(1_795_390_000)
    );
    let check = ecs_check(services, 1_795_390_060);
    assert_eq!(check.status, opsdeck::check::Status::Fail, "{check:?}");
    assert_eq!(
        check.evidence,
        ["web running 0/2 (2 pending): no task running"]
    );
}

/// Issue 12, item 5: pending tasks within the grace (10 min from the deployment's last
/// change) warn as converging; past it they fail. More than one deployment is a rollout in
/// progress, and the force-new-deployment guard refuses then.
#[tokio::test]
async fn pending_tasks_warn_within_the_grace_and_fail_past_it() {
    let rolling = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:123456789012:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","status":"ACTIVE","desiredCount":8,"runningCount":5,"pendingCount":3,"launchType":"FARGATE",
  "deployments":[
   {"id":"ecs-svc/9876543210","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/basecoat-web:42","desiredCount":8,"pendingCount":3,"runningCount":5,"createdAt":1795395000.0,"updatedAt":1795395600.0,"rolloutState":"COMPLETED"},
   {"id":"ecs-svc/1234567890","status":"ACTIVE","taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/basecoat-web:41","desiredCount":0,"pendingCount":0,"runningCount":2,"createdAt":1795300000.0,"updatedAt":1795395600.0,"rolloutState":"COMPLETED"}
  ],
  "events":[]}],"failures":[]}"#;
    let (_server, source) = ecs_source(rolling).await;
    let services = source.ecs_services().await.unwrap();
    // Two deployments: the old one still drains, whatever the primary's rolloutState says.
    assert!(services[0].rollout_in_progress());
    let refused = opsdeck::action::ecs_desired::propose_force_deployment(
        1,
        &services[0],
        &opsdeck::action::ActionContext {
            environment: "prod".to_owned(),
            production: false,
            allow_superuser_termination: false,
        },
    )
    .unwrap_err();
    assert!(
        refused.contains("still rolling out a deployment (2 deployments)"),
        "{refused}"
    );

    let within = ecs_check(services.clone(), 1_795_395_600 + 5 * 60);
    assert_eq!(within.status, opsdeck::check::Status::Warn, "{within:?}");
    assert_eq!(
        within.evidence,
        ["web running 5/8 (3 pending): converging for 5m00s"]
    );
    let past = ecs_check(services, 1_795_395_600 + 14 * 60);
    assert_eq!(past.status, opsdeck::check::Status::Fail, "{past:?}");
    assert_eq!(
        past.evidence,
        ["web running 5/8 (3 pending): pending for 14m00s, over the 10m00s grace"]
    );
}

/// DescribeAlarms as the CloudWatch API reference ("DescribeAlarms") shapes it, with a
/// composite alarm in ALARM over two metric alarms (moto serves no composite alarms).
const ALARMS_WITH_A_COMPOSITE: &str = r#"{
  "CompositeAlarms": [{
    "AlarmName": "basecoat-portal-down",
    "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:basecoat-portal-down",
    "AlarmRule": "ALARM(basecoat-portal-5xx-rate) AND ALARM(basecoat-portal-unhealthy-targets)",
    "ActionsEnabled": true,
    "StateValue": "ALARM",
    "StateReason": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:basecoat-portal-5xx-rate transitioned to ALARM at Monday 30 November, 2026 03:10:00 UTC",
    "StateUpdatedTimestamp": 1796008200
  }],
  "MetricAlarms": [{
    "AlarmName": "basecoat-portal-cpu-high",
    "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:basecoat-portal-cpu-high",
    "StateValue": "OK",
    "StateReason": "Threshold Crossed: 3 datapoints were not greater than the threshold (85.0).",
    "StateUpdatedTimestamp": 1796004000,
    "MetricName": "CPUUtilization",
    "Namespace": "AWS/EC2",
    "Statistic": "Average",
    "Period": 60,
    "EvaluationPeriods": 3,
    "Threshold": 85.0,
    "ComparisonOperator": "GreaterThanThreshold"
  }]
}"#;

/// Issue 12, item 4: composite alarms are read (AlarmTypes names both kinds), the pane is
/// scoped by the environment's prefix, and a composite in ALARM fails the `alarms` check and
/// counts in the war room's "alarms firing".
#[tokio::test]
async fn a_composite_alarm_in_alarm_is_read_scoped_and_counted() {
    let server = AwsShaped::start().await;
    server.answer("DescribeAlarms", vec![json(ALARMS_WITH_A_COMPOSITE)]);
    let source = alarm_source(&server, &["basecoat-"], Vec::new()).await;
    let alarms = opsdeck::source::AlarmSource::alarms(source.as_ref())
        .await
        .unwrap();
    let request: serde_json::Value =
        serde_json::from_str(&server.requests("DescribeAlarms")[0]).unwrap();
    assert_eq!(
        request["AlarmTypes"],
        serde_json::json!(["MetricAlarm", "CompositeAlarm"]),
        "{request}"
    );
    assert_eq!(request["AlarmNamePrefix"], "basecoat-", "{request}");
    let composite = alarms
        .iter()
        .find(|a| a.name == "basecoat-portal-down")
        .unwrap();
    assert_eq!(composite.state, opsdeck::model::AlarmState::Alarm);
    // A CBOR tag-1 timestamp, as the RPC v2 CBOR protocol sends `StateUpdatedTimestamp`.
    assert_eq!(composite.state_updated_at.timestamp(), 1_796_008_200);
    assert_eq!(
        composite.metric.as_deref(),
        Some(
            "composite: ALARM(basecoat-portal-5xx-rate) AND ALARM(basecoat-portal-unhealthy-targets)"
        )
    );

    let snapshot = opsdeck::state::Snapshot {
        alarms,
        ..Default::default()
    };
    let check = check_of(snapshot.clone(), None, "alarms");
    assert_eq!(check.status, opsdeck::check::Status::Fail, "{check:?}");
    assert!(
        check.evidence[0].starts_with("basecoat-portal-down in ALARM"),
        "{check:?}"
    );
    let readings = opsdeck::incident::vitals::read_all(
        &snapshot,
        &Default::default(),
        &[],
        &opsdeck::config::Thresholds::default(),
    );
    let firing = opsdeck::incident::vitals::Vital::ALL
        .iter()
        .position(|v| *v == opsdeck::incident::vitals::Vital::ActiveAlarms)
        .unwrap();
    assert_eq!(readings[firing].as_ref().unwrap().text, "1");
}

/// Issue 12, item 4: `AlarmNames` takes at most 100 names and excludes a prefix, so names and
/// prefixes are asked separately, a hundred names a call.
#[tokio::test]
async fn alarm_names_go_a_hundred_a_call_apart_from_the_prefixes() {
    let server = AwsShaped::start().await;
    server.answer("DescribeAlarms", vec![json(ALARMS_WITH_A_COMPOSITE)]);
    let names: Vec<String> = (0..150).map(|i| format!("alarm-{i:03}")).collect();
    let source = alarm_source(&server, &["basecoat-"], names).await;
    let alarms = opsdeck::source::AlarmSource::alarms(source.as_ref())
        .await
        .unwrap();
    assert_eq!(alarms.len(), 2, "each alarm once: {alarms:?}");
    let requests: Vec<serde_json::Value> = server
        .requests("DescribeAlarms")
        .iter()
        .map(|body| serde_json::from_str(body).unwrap())
        .collect();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0]["AlarmNamePrefix"], "basecoat-");
    assert!(requests[0].get("AlarmNames").is_none(), "{}", requests[0]);
    let names = |request: &serde_json::Value| request["AlarmNames"].as_array().unwrap().clone();
    assert_eq!(names(&requests[1]).len(), 100);
    assert_eq!(names(&requests[1])[99], "alarm-099");
    assert_eq!(names(&requests[2]).len(), 50);
    assert_eq!(names(&requests[2])[49], "alarm-149");
    assert!(
        requests[1].get("AlarmNamePrefix").is_none(),
        "{}",
        requests[1]
    );
}

/// Issue 12, item 8: a DescribeInstanceRefreshes refusal is the pane's error, in words (a
/// refresh under way must not silently vanish); only an emulator's non-AWS page for a call it
/// does not serve is tolerated (moto's HTML 500).
#[tokio::test]
async fn instance_refresh_errors_show_and_only_an_emulators_gap_is_tolerated() {
    let server = AwsShaped::start().await;
    server.answer("DescribeAutoScalingGroups", vec![xml(DESCRIBE_GROUPS)]);
    server.answer("DescribeScalingActivities", vec![xml(DESCRIBE_ACTIVITIES)]);
    server.answer(
        "DescribeInstanceRefreshes",
        vec![Answer {
            status: 403,
            ..xml(
                r#"<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:assumed-role/ReadOnly/jane is not authorized to perform: autoscaling:DescribeInstanceRefreshes</Message></Error><RequestId>55555555-0000-4000-8000-000000000001</RequestId></ErrorResponse>"#,
            )
        }],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            auto_scaling_groups: vec!["basecoat-portal-asg".to_owned()],
            ..AwsScope::default()
        },
    );
    let error = source.auto_scaling_groups().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Permission);
    assert_eq!(
        error.message,
        "no permission: autoscaling:DescribeInstanceRefreshes"
    );

    server.answer(
        "DescribeInstanceRefreshes",
        vec![Answer {
            status: 500,
            content_type: "text/html",
            ..xml("<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n")
        }],
    );
    let groups = source.auto_scaling_groups().await.unwrap();
    assert!(groups[0].instance_refresh.is_none());
}

/// Issue 12, item 8: "CloudWatch Logs quotas" allow 30 concurrent Logs Insights queries per
/// account; StartQuery past them answers LimitExceededException, which is named and backed off
/// from, and a signature the service rejects (a wrong secret or a skewed clock) says so.
#[tokio::test]
async fn the_query_limit_and_a_rejected_signature_are_named() {
    let server = server_with_tail().await;
    server.answer(
        "StartQuery",
        vec![Answer {
            status: 400,
            ..json(r#"{"__type":"LimitExceededException","message":"Account maximum query concurrency limit of [30] reached."}"#)
        }],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(5)),
    );
    let error = source.log_errors(ErrorQuery::Run).await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Throttled);
    assert_eq!(
        error.message,
        "logs:StartQuery: the account's 30 concurrent Logs Insights queries are all in use (LimitExceededException); backing off"
    );

    server.answer(
        "StartQuery",
        vec![Answer {
            status: 400,
            ..json(r#"{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided."}"#)
        }],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(5)),
    );
    let error = source.log_errors(ErrorQuery::Run).await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Credentials);
    assert_eq!(
        error.message,
        "AWS rejected the request's signature (InvalidSignatureException); check the secret access key and this machine's clock (The request signature we calculated does not match the signature you provided.)"
    );
}

/// One DescribeAutoScalingGroups page (Amazon EC2 Auto Scaling API Reference) holding `group`
/// attached to `target_group`, and a `NextToken` when more pages follow.
fn group_page(group: &str, target_group: &str, next: Option<&str>) -> String {
    let next = next.map_or(String::new(), |token| {
        format!("<NextToken>{token}</NextToken>")
    });
    let member = if group.is_empty() {
        String::new()
    } else {
        format!(
            "<member><AutoScalingGroupName>{group}</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>4</MaxSize><DesiredCapacity>2</DesiredCapacity><TargetGroupARNs><member>{target_group}</member></TargetGroupARNs></member>"
        )
    };
    format!(
        r#"<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups>{member}</AutoScalingGroups>{next}</DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>55555555-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>"#
    )
}

/// Issue 12, item 7: target discovery reads the groups as DescribeAutoScalingGroups documents
/// (Amazon EC2 Auto Scaling API Reference): at most 100 names a call with `MaxRecords` 100
/// (50 names without it), every `NextToken` page followed; the target groups of a group on a
/// later page are watched too.
#[tokio::test]
async fn target_discovery_reads_every_page_a_hundred_groups_a_call() {
    let server = AwsShaped::start().await;
    let second_arn = TARGET_GROUP_ARN.replace("basecoat-portal/73e2", "basecoat-admin/99aa");
    server.answer(
        "DescribeAutoScalingGroups",
        vec![
            xml(&group_page(
                "portal-asg-0",
                TARGET_GROUP_ARN,
                Some("page-2"),
            )),
            xml(&group_page("portal-asg-1", &second_arn, None)),
            xml(&group_page("", "", None)),
        ],
    );
    server.answer("DescribeTargetGroups", vec![xml(DESCRIBE_TARGET_GROUPS)]);
    server.answer(
        "DescribeTargetHealth",
        vec![xml(&format!(
            r#"<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult><TargetHealthDescriptions>{}</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>c534f810-f389-11e5-9192-3fff33344cfb</RequestId></ResponseMetadata></DescribeTargetHealthResponse>"#,
            target("i-0aaa", "us-east-1a", "healthy", "", "")
        ))],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            auto_scaling_groups: (0..150).map(|n| format!("portal-asg-{n}")).collect(),
            ..AwsScope::default()
        },
    );
    source.target_health().await.unwrap();
    let asked = server.requests("DescribeAutoScalingGroups");
    let names = |body: &str| body.matches("AutoScalingGroupNames.member.").count();
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert_eq!((names(&asked[0]), names(&asked[2])), (100, 50));
    assert!(asked.iter().all(|body| body.contains("MaxRecords=100")));
    assert!(asked[1].contains("NextToken=page-2"), "{}", asked[1]);
    let described = &server.requests("DescribeTargetGroups")[0];
    assert!(
        described.contains("basecoat-portal%2F73e2") && described.contains("basecoat-admin%2F99aa"),
        "both groups' target groups are watched: {described}"
    );
}

/// A FilterLogEvents page as the Amazon CloudWatch Logs API Reference ("FilterLogEvents")
/// shapes it: `(event id, milliseconds)` oldest first, and a `nextToken` when more remain.
fn filtered_page(events: &[(String, i64)], next: Option<&str>) -> String {
    let events: Vec<String> = events
        .iter()
        .map(|(id, at)| {
            format!(
                r#"{{"logStreamName":"i-0abc","timestamp":{at},"message":"ERROR {id}","ingestionTime":{},"eventId":"{id}"}}"#,
                at + 800
            )
        })
        .collect();
    let next = next.map_or(String::new(), |token| format!(r#","nextToken":"{token}""#));
    format!(
        r#"{{"events":[{}],"searchedLogStreams":[]{next}}}"#,
        events.join(",")
    )
}

fn start_time(body: &str) -> i64 {
    let request: serde_json::Value = serde_json::from_str(body).unwrap();
    request["startTime"].as_i64().unwrap()
}

fn at(id: &str, ms: i64) -> (String, i64) {
    (id.to_owned(), ms)
}

/// Issue 12, item 7: each log group continues from its own newest line, less an overlap, so
/// a group that is behind (or a line ingested late, stamped before lines already read) loses
/// nothing; the overlap is read twice and each event kept once, by its id.
#[tokio::test]
async fn each_log_group_continues_from_its_own_newest_line_and_keeps_each_event_once() {
    let server = server_with_tail().await;
    server.answer("GetQueryResults", vec![json(COMPLETE)]);
    let now = chrono::Utc::now().timestamp_millis();
    let (fast, slow) = ("/ecs/portal-api", "/ecs/worker");
    server.answer(
        "FilterLogEvents",
        vec![
            json(&filtered_page(
                &[at("a1", now - 60_000), at("a2", now - 10_000)],
                None,
            )),
            json(&filtered_page(&[at("b1", now - 600_000)], None)),
            // The late line a3 is stamped before a2 but only now searchable.
            json(&filtered_page(
                &[at("a3", now - 30_000), at("a2", now - 10_000)],
                None,
            )),
            json(&filtered_page(&[at("b1", now - 600_000)], None)),
        ],
    );
    let mut scope = log_scope(Duration::from_secs(10));
    scope.logs.log_groups = vec![fast.to_owned(), slow.to_owned()];
    let source = AwsSource::new(clients_for(&server.endpoint).await, scope);
    source.log_errors(ErrorQuery::Run).await.unwrap();
    let logs = source.log_errors(ErrorQuery::Run).await.unwrap();
    let ids: Vec<&str> = logs.recent.iter().map(|line| line.id.as_str()).collect();
    assert_eq!(ids, ["a2", "a3", "a1", "b1"]);
    let asked = server.requests("FilterLogEvents");
    assert_eq!(asked.len(), 4);
    assert!(asked[2].contains(fast) && asked[3].contains(slow));
    assert_eq!(start_time(&asked[2]), now - 10_000 - 120_000);
    assert_eq!(start_time(&asked[3]), now - 600_000 - 120_000);
    assert!(logs.tail_gap.is_none());
}

/// Issue 12, item 7: when more lines match than a poll reads (1000, whatever the pages held:
/// "FilterLogEvents" pages may be partly full), the tail reads the newest minute instead of
/// stopping at the oldest, and the pane is told which span it did not show.
#[tokio::test]
async fn a_flood_of_errors_shows_the_newest_lines_and_names_the_span_skipped() {
    let server = server_with_tail().await;
    server.answer("GetQueryResults", vec![json(COMPLETE)]);
    let now = chrono::Utc::now().timestamp_millis();
    let flood = |from: usize| -> Vec<(String, i64)> {
        (from..from + 500)
            .map(|n| {
                at(
                    &format!("old-{n:04}"),
                    now - 840_000 + i64::try_from(n).unwrap() * 100,
                )
            })
            .collect()
    };
    server.answer(
        "FilterLogEvents",
        vec![
            json(&filtered_page(&flood(0), Some("t-2"))),
            json(&filtered_page(&[], Some("t-3"))),
            json(&filtered_page(&flood(500), Some("t-4"))),
            json(&filtered_page(
                &[at("new-1", now - 20_000), at("new-2", now - 5_000)],
                None,
            )),
        ],
    );
    let source = AwsSource::new(
        clients_for(&server.endpoint).await,
        log_scope(Duration::from_secs(10)),
    );
    let logs = source.log_errors(ErrorQuery::Run).await.unwrap();
    let newest: Vec<&str> = logs.recent.iter().take(2).map(|l| l.id.as_str()).collect();
    assert_eq!(newest, ["new-2", "new-1"]);
    let asked = server.requests("FilterLogEvents");
    assert_eq!(
        asked.len(),
        4,
        "three pages to the cap, then the newest minute"
    );
    assert!(!asked[3].contains("nextToken"), "{}", asked[3]);
    let newest_from = start_time(&asked[3]);
    assert!(
        (now - 61_000..=now - 59_000).contains(&newest_from),
        "{}",
        asked[3]
    );
    let gap = logs.tail_gap.expect("the skipped span is named");
    assert_eq!(gap.log_group, GROUP);
    assert_eq!(gap.to.timestamp_millis(), newest_from);
    assert_eq!(gap.from.timestamp_millis(), now - 840_000 + 999 * 100);
}

/// A GetMetricData answer (Amazon CloudWatch API Reference) of `m0` at `points`.
fn metric_answer(points: &[(i64, f64)]) -> String {
    let (timestamps, values): (Vec<i64>, Vec<f64>) = points.iter().copied().unzip();
    serde_json::json!({
        "MetricDataResults": [{
            "Id": "m0", "Label": "CPUUtilization", "StatusCode": "Complete",
            "Timestamps": timestamps, "Values": values,
        }],
        "Messages": [],
    })
    .to_string()
}

/// The `StartTime` and `EndTime` of a GetMetricData request, in seconds.
fn request_window(body: &str) -> (i64, i64) {
    let request: serde_json::Value = serde_json::from_str(body).unwrap();
    let seconds = |name: &str| request[name].as_f64().unwrap() as i64;
    (seconds("StartTime"), seconds("EndTime"))
}

/// Issue 12, item 7: GetMetricData (Amazon CloudWatch API Reference) is asked for windows that
/// start and end on the period ("align with the value of the metric's Period"; `EndTime` is
/// exclusive), one call per period, so the period still open, whose sum is partial, is never
/// read nor compared with a threshold; a datapoint of an open period is dropped if one comes.
#[tokio::test]
async fn metric_windows_end_on_a_period_boundary_and_leave_out_the_open_period() {
    // Not across a minute's turn between the canned answer and the read.
    while chrono::Utc::now().timestamp() % 60 > 55 {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let now = chrono::Utc::now().timestamp();
    let minute = now - now % 60;
    let server = AwsShaped::start().await;
    server.answer(
        "GetMetricData",
        vec![json(&metric_answer(&[
            (minute - 120, 40.0),
            (minute - 60, 42.0),
            (minute, 9.0),
        ]))],
    );
    let queries = vec![
        opsdeck::source::aws::custom_metric_query(
            0,
            "CPU",
            ("AWS/EC2", "CPUUtilization"),
            vec![("AutoScalingGroupName".to_owned(), "portal-asg".to_owned())],
            opsdeck::model::Statistic::Average,
            60,
            "%",
        ),
        opsdeck::source::aws::custom_metric_query(
            1,
            "Queue depth",
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
            vec![("QueueName".to_owned(), "jobs".to_owned())],
            opsdeck::model::Statistic::Maximum,
            300,
            "count",
        ),
    ];
    let source = support::aws::metrics_source(&server.endpoint, queries).await;
    let series = source.metric_series().await.unwrap();
    assert_eq!(
        series[0].values,
        [40.0, 42.0],
        "the open minute is left out"
    );
    let asked = server.requests("GetMetricData");
    assert_eq!(asked.len(), 2, "one call per period");
    for (body, period) in asked.iter().zip([60, 300]) {
        let (start, end) = request_window(body);
        assert_eq!((start % period, end % period), (0, 0), "{body}");
        assert!(end <= now && now - end < period, "{body}");
        assert_eq!(end - start, 3600, "{body}");
    }
}

/// DescribeInstances as the Amazon EC2 API Reference shapes it (a reservation holding the
/// instances), one page of `instances` (id, state, type, IP) and `nextToken` when more remain.
fn described_instances(instances: &[(&str, &str, &str, &str)], next: Option<&str>) -> String {
    let items: String = instances
        .iter()
        .map(|(id, state, instance_type, ip)| {
            let code = if *state == "running" { 16 } else { 32 };
            format!("<item><instanceId>{id}</instanceId><imageId>ami-0abcdef1234567890</imageId><instanceState><code>{code}</code><name>{state}</name></instanceState><privateDnsName>ip-{}.ec2.internal</privateDnsName><instanceType>{instance_type}</instanceType><launchTime>2026-11-23T01:50:10.000Z</launchTime><placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement><privateIpAddress>{ip}</privateIpAddress></item>", ip.replace('.', "-"))
        })
        .collect();
    let next = next.map_or(String::new(), |token| {
        format!("<nextToken>{token}</nextToken>")
    });
    format!(
        r#"<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>8f3a1c2e-0000-4000-8000-000000000010</requestId><reservationSet><item><reservationId>r-0a1b2c3d4e5f67890</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>{items}</instancesSet></item></reservationSet>{next}</DescribeInstancesResponse>"#
    )
}

/// DescribeInstanceStatus (Amazon EC2 API Reference) with `IncludeAllInstances`: i-0new1
/// running with its system reachability check failed; i-0old1 shutting down, its checks
/// `not-applicable`.
const INSTANCE_STATUS: &str = r#"<DescribeInstanceStatusResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f3a1c2e-0000-4000-8000-000000000011</requestId>
  <instanceStatusSet>
    <item>
      <instanceId>i-0old1</instanceId>
      <availabilityZone>us-east-1b</availabilityZone>
      <instanceState><code>32</code><name>shutting-down</name></instanceState>
      <systemStatus><status>not-applicable</status></systemStatus>
      <instanceStatus><status>not-applicable</status></instanceStatus>
    </item>
    <item>
      <instanceId>i-0new1</instanceId>
      <availabilityZone>us-east-1a</availabilityZone>
      <instanceState><code>16</code><name>running</name></instanceState>
      <systemStatus><status>impaired</status><details><item><name>reachability</name><status>failed</status><impairedSince>2026-11-23T02:00:00.000Z</impairedSince></item></details></systemStatus>
      <instanceStatus><status>ok</status><details><item><name>reachability</name><status>passed</status></item></details></instanceStatus>
    </item>
  </instanceStatusSet>
</DescribeInstanceStatusResponse>"#;

fn auto_scaling_source_for(
    server: &AwsShaped,
) -> impl std::future::Future<Output = std::sync::Arc<AwsSource>> {
    let endpoint = server.endpoint.clone();
    async move {
        AwsSource::new(
            clients_for(&endpoint).await,
            AwsScope {
                auto_scaling_groups: vec!["basecoat-portal-asg".to_owned()],
                ..AwsScope::default()
            },
        )
    }
}

/// Issue 15, item 6: the selected instance's type, private IP, AMI, launch time, state and
/// status checks, read a batch at a time by DescribeInstances (every page, matched by id: "The
/// order of the elements in the response ... might vary") and DescribeInstanceStatus with
/// `IncludeAllInstances`. The instances are named by the `instance-id` filter, since an id EC2
/// does not know yet fails the whole call when named in `InstanceIds` (DescribeInstances,
/// Amazon EC2 API Reference).
#[tokio::test]
async fn instance_details_come_from_ec2_a_batch_at_a_time() {
    let server = AwsShaped::start().await;
    server.answer("DescribeAutoScalingGroups", vec![xml(DESCRIBE_GROUPS)]);
    server.answer("DescribeScalingActivities", vec![xml(DESCRIBE_ACTIVITIES)]);
    server.answer("DescribeInstanceRefreshes", vec![xml(DESCRIBE_REFRESHES)]);
    server.answer(
        "DescribeInstances",
        vec![
            xml(&described_instances(
                &[("i-0old1", "shutting-down", "m5.large", "10.0.2.7")],
                Some("page-2"),
            )),
            xml(&described_instances(
                &[("i-0new1", "running", "m5.xlarge", "10.0.1.23")],
                None,
            )),
        ],
    );
    server.answer("DescribeInstanceStatus", vec![xml(INSTANCE_STATUS)]);
    let groups = auto_scaling_source_for(&server)
        .await
        .auto_scaling_groups()
        .await
        .unwrap();
    let group = &groups[0];
    assert_eq!(group.instance_details_error, None);
    let details = |id: &str| {
        group
            .instances
            .iter()
            .find(|instance| instance.id == id)
            .and_then(|instance| instance.details.clone())
            .expect("described")
    };
    let new = details("i-0new1");
    assert_eq!(
        (
            new.instance_type.as_str(),
            new.private_ip.as_deref(),
            new.image_id.as_str(),
            new.state.as_str()
        ),
        (
            "m5.xlarge",
            Some("10.0.1.23"),
            "ami-0abcdef1234567890",
            "running"
        )
    );
    assert_eq!(
        new.launch_time.unwrap().to_rfc3339(),
        "2026-11-23T01:50:10+00:00"
    );
    let checks = new.status_checks.unwrap();
    assert!(checks.impaired(), "{checks:?}");
    assert_eq!(
        (checks.system.as_str(), checks.instance.as_str()),
        ("impaired", "ok")
    );
    let old = details("i-0old1");
    assert_eq!(old.state, "shutting-down");
    assert_eq!(old.status_checks.unwrap().system, "not-applicable");

    let described = server.requests("DescribeInstances");
    assert_eq!(described.len(), 2, "both pages read: {described:?}");
    let first: Vec<&str> = described[0].split('&').collect();
    for expected in [
        "Filter.1.Name=instance-id",
        "Filter.1.Value.1=i-0new1",
        "Filter.1.Value.2=i-0old1",
        "MaxResults=1000",
    ] {
        assert!(
            first.contains(&expected),
            "{expected} not in {}",
            described[0]
        );
    }
    assert!(!described[0].contains("InstanceId."), "{}", described[0]);
    assert!(
        described[1].contains("NextToken=page-2"),
        "{}",
        described[1]
    );
    let status = &server.requests("DescribeInstanceStatus")[0];
    assert!(status.contains("IncludeAllInstances=true"), "{status}");
    assert!(status.contains("InstanceId.1=i-0"), "{status}");
}

/// Issue 15, item 6: a policy without `ec2:DescribeInstances` keeps the Auto Scaling pane's
/// data and says why the details are missing (EC2's error document, "Error codes for the
/// Amazon EC2 API": `UnauthorizedOperation`, HTTP 403).
#[tokio::test]
async fn instance_details_refused_keep_the_groups_and_name_the_permission() {
    let server = AwsShaped::start().await;
    server.answer("DescribeAutoScalingGroups", vec![xml(DESCRIBE_GROUPS)]);
    server.answer("DescribeScalingActivities", vec![xml(DESCRIBE_ACTIVITIES)]);
    server.answer("DescribeInstanceRefreshes", vec![xml(DESCRIBE_REFRESHES)]);
    server.answer(
        "DescribeInstances",
        vec![Answer {
            status: 403,
            ..xml(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/ReadOnly/jane is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action</Message></Error></Errors><RequestID>8f3a1c2e-0000-4000-8000-000000000012</RequestID></Response>"#,
            )
        }],
    );
    let groups = auto_scaling_source_for(&server)
        .await
        .auto_scaling_groups()
        .await
        .unwrap();
    assert_eq!(groups[0].instances.len(), 2, "the groups are kept");
    assert!(groups[0].instances.iter().all(|i| i.details.is_none()));
    assert_eq!(
        groups[0].instance_details_error.as_deref(),
        Some("no permission: ec2:DescribeInstances")
    );
    assert!(server.requests("DescribeInstanceStatus").is_empty());
}
