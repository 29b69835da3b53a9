//! `opsdeck check`'s poll and checks against real peers: moto through the AWS SDK and a real
//! PostgreSQL server. A healthy seeded estate passes; an unhealthy one fails exactly the
//! checks it should, with evidence; an unreachable source is unknown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cloudwatch::types::StateValue;
use opsdeck::check::command::poll_once;
use opsdeck::check::report::exit_code;
use opsdeck::check::{CheckResult, Status, evaluate};
use opsdeck::config::Thresholds;
use opsdeck::source::aws::{AwsClients, AwsScope, AwsSource};
use opsdeck::source::postgres::{Dsn, PostgresSource};
use opsdeck::source::unconfigured::Unconfigured;
use opsdeck::source::{DatabaseSource, Sources};
use support::aws::{clients, scope, seed};
use support::moto::MotoServer;
use support::postgres::TestPostgres;
use tokio_postgres::{Client, NoTls};

fn sources(clients: AwsClients, database: Arc<dyn DatabaseSource>) -> Sources {
    // ECS tasks never run on moto and its logs carry seeded ERROR lines: leave both out so
    // "healthy" means healthy.
    let aws = AwsSource::new(
        clients,
        AwsScope {
            ecs_cluster: None,
            ecs_services: Vec::new(),
            ..scope()
        },
    );
    Sources {
        auto_scaling: aws.clone(),
        targets: aws.clone(),
        metrics: aws.clone(),
        alarms: aws.clone(),
        logs: Arc::new(Unconfigured::new(
            "no log groups configured: set log_groups",
        )),
        ecs: aws,
        database,
        schedules: Default::default(),
    }
}

fn database(url: &str) -> Arc<dyn DatabaseSource> {
    Arc::new(PostgresSource::new(
        Dsn::parse(&format!("{url}?sslmode=disable")).unwrap(),
        false,
    ))
}

async fn set_alarm(clients: &AwsClients, state: StateValue) {
    clients
        .cloudwatch
        .set_alarm_state()
        .alarm_name("basecoat-portal-cpu-high")
        .state_value(state)
        .state_reason("set by the test")
        .send()
        .await
        .unwrap();
}

fn statuses(results: &[CheckResult]) -> Vec<(&'static str, Status)> {
    results
        .iter()
        .filter(|r| r.status != Status::Skip)
        .map(|r| (r.id, r.status))
        .collect()
}

async fn session(url: &str, application: &str) -> Client {
    let (client, connection) =
        tokio_postgres::connect(&format!("{url}?application_name={application}"), NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    client
}

#[tokio::test]
async fn a_healthy_estate_passes_and_an_unhealthy_one_fails_what_it_breaks() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let Some(postgres) = TestPostgres::start() else {
        return;
    };
    let clients = clients(&moto).await;
    seed(&moto, &clients).await;
    set_alarm(&clients, StateValue::Ok).await;
    let estate = sources(clients.clone(), database(&postgres.url));

    let results = evaluate(&poll_once(&estate).await, &Thresholds::default());
    use Status::{Fail, Pass, Warn};
    assert_eq!(
        statuses(&results),
        [
            ("asg_in_service", Pass),
            ("targets_healthy", Pass),
            ("cpu", Pass),
            ("alarms", Pass),
            ("db_connections", Pass),
            ("db_long_queries", Pass),
            ("db_idle_connections", Pass),
        ]
    );
    assert_eq!(exit_code(&results), 0);

    // Now break it: the alarm fires, CPU climbs over 85 %, a query runs long and
    // connections sit idle.
    set_alarm(&clients, StateValue::Alarm).await;
    support::aws::put_portal_cpu(&clients, &[(0, 96.0)]).await;
    let long = session(&postgres.url, "report-job").await;
    let running = tokio::spawn(async move { long.simple_query("SELECT pg_sleep(30)").await });
    let _idle = [
        session(&postgres.url, "leaky-pool").await,
        session(&postgres.url, "leaky-pool").await,
    ];
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let thresholds = Thresholds {
        long_query_seconds: 1,
        idle_session_seconds: 1,
        ..Thresholds::default()
    };
    let results = evaluate(&poll_once(&estate).await, &thresholds);
    assert_eq!(
        statuses(&results),
        [
            ("asg_in_service", Pass),
            ("targets_healthy", Pass),
            ("cpu", Fail),
            ("alarms", Fail),
            ("db_connections", Pass),
            ("db_long_queries", Fail),
            ("db_idle_connections", Warn),
        ]
    );
    let evidence = |id: &str| {
        results
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .evidence
            .clone()
    };
    assert!(
        evidence("cpu")[0].ends_with("96.0%"),
        "{:?}",
        evidence("cpu")
    );
    assert!(evidence("alarms")[0].starts_with("basecoat-portal-cpu-high in ALARM"));
    assert!(
        evidence("db_long_queries")[0].ends_with("SELECT pg_sleep(30)"),
        "{:?}",
        evidence("db_long_queries")
    );
    assert_eq!(evidence("db_idle_connections"), ["leaky-pool: 2 idle"]);
    assert_eq!(exit_code(&results), 2);
    running.abort();
}

#[tokio::test]
async fn an_unreachable_source_is_unknown_and_the_exit_status_2() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    seed(&moto, &clients).await;
    let closed = support::free_port();
    let estate = sources(
        clients,
        database(&format!(
            "postgresql://postgres@127.0.0.1:{closed}/postgres"
        )),
    );
    let results = evaluate(&poll_once(&estate).await, &Thresholds::default());
    let db: Vec<(&str, Status)> = statuses(&results)
        .into_iter()
        .filter(|(id, _)| id.starts_with("db_"))
        .collect();
    assert_eq!(
        db,
        [
            ("db_connections", Status::Unknown),
            ("db_long_queries", Status::Unknown),
            ("db_idle_connections", Status::Unknown),
        ]
    );
    let evidence = &results
        .iter()
        .find(|r| r.id == "db_connections")
        .unwrap()
        .evidence[0];
    assert!(
        evidence.starts_with("PostgreSQL could not be read: "),
        "{evidence}"
    );
    assert_eq!(exit_code(&results), 2);
}
