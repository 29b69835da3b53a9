//! `opsdeck check`'s poll and checks against real peers: moto through the AWS SDK and a real
//! PostgreSQL server. A healthy seeded estate passes; an unhealthy one fails exactly the
//! checks it should, with evidence; an unreachable source is unknown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cloudwatch::types::StateValue;
use opsdeck::check::report::exit_code;
use opsdeck::check::{CheckResult, Status, evaluate};
use opsdeck::check_command::poll_once;
use opsdeck::config::Thresholds;
use opsdeck::source::aws::{AwsClients, AwsScope, AwsSource, RdsScope};
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
            rds: RdsScope {
                instances: vec!["basecoat-portal-db".to_owned()],
                proxy: None,
            },
            ..scope()
        },
    );
    Sources {
        auto_scaling: aws.clone(),
        targets: aws.clone(),
        health: Arc::new(Unconfigured::new(
            "no health URLs configured: set health_urls",
        )),
        metrics: aws.clone(),
        alarms: aws.clone(),
        logs: Arc::new(Unconfigured::new(
            "no log groups configured: set log_groups",
        )),
        ecs: aws.clone(),
        database,
        rds: aws,
        certificates: Arc::new(Unconfigured::new(
            "no certificates to watch: set load_balancers or certificate_arns",
        )),
        cache: Arc::new(Unconfigured::new(
            "no ElastiCache replication groups configured: set cache_replication_groups",
        )),
        aws_health: Arc::new(Unconfigured::new("AWS Health is turned off")),
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

/// The portal database's `FreeStorageSpace` (bytes) `minutes_ago`.
async fn put_free_storage(clients: &AwsClients, minutes_ago: i64, free_gib: f64) {
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
    clients
        .cloudwatch
        .put_metric_data()
        .namespace("AWS/RDS")
        .metric_data(
            aws_sdk_cloudwatch::types::MetricDatum::builder()
                .metric_name("FreeStorageSpace")
                .dimensions(
                    aws_sdk_cloudwatch::types::Dimension::builder()
                        .name("DBInstanceIdentifier")
                        .value("basecoat-portal-db")
                        .build(),
                )
                .timestamp(aws_smithy_types::DateTime::from_secs(at.timestamp()))
                .value(free_gib * opsdeck::model::GIB)
                .build(),
        )
        .send()
        .await
        .unwrap();
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
    // Issue 15, item 2: the database as the RDS API sees it, on the same moto estate.
    support::aws::create_portal_db(&clients).await;
    put_free_storage(&clients, 3, 300.0).await;
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
            ("db_instance_available", Pass),
            ("db_storage", Pass),
        ]
    );
    assert_eq!(exit_code(&results), 0);

    // Now break it: the alarm fires, CPU climbs over 85 %, a query runs long and
    // connections sit idle.
    set_alarm(&clients, StateValue::Alarm).await;
    // In the newest closed minute: the minute still open is never read (its average is of
    // part of it).
    support::aws::put_portal_cpu(&clients, &[(1, 96.0)]).await;
    // ... and the database's storage fills: 20 GiB free of 500.
    put_free_storage(&clients, 1, 20.0).await;
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
            ("db_instance_available", Pass),
            ("db_storage", Fail),
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
            // The environment names an RDS instance moto does not hold: unknown, not a pass.
            ("db_instance_available", Status::Unknown),
            ("db_storage", Status::Unknown),
        ]
    );
    let rds = results
        .iter()
        .find(|r| r.id == "db_instance_available")
        .unwrap();
    assert_eq!(
        rds.evidence,
        ["the RDS API could not be read: RDS instance basecoat-portal-db not found"]
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

/// Writes `count` of `metric` in AWS/ApplicationELB for the portal's load balancer at each of
/// `minutes_ago`.
async fn put_alb_count(clients: &AwsClients, metric: &str, count: f64, minutes_ago: &[i64]) {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    let now = chrono::Utc::now();
    let data: Vec<MetricDatum> = minutes_ago
        .iter()
        .map(|minutes| {
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(
                    Dimension::builder()
                        .name("LoadBalancer")
                        .value(PORTAL_LOAD_BALANCER)
                        .build(),
                )
                .timestamp(aws_smithy_types::DateTime::from_secs(
                    (now - chrono::Duration::minutes(*minutes)).timestamp(),
                ))
                .value(count)
                .build()
        })
        .collect();
    clients
        .cloudwatch
        .put_metric_data()
        .namespace("AWS/ApplicationELB")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
}

const PORTAL_LOAD_BALANCER: &str = "app/basecoat-portal/50dc6c495c0c9188";

/// Issue 12, Done when: `opsdeck check` on an estate whose targets are all down fails
/// `error_rate_5xx`. Per "CloudWatch metrics for your Application Load Balancer", the load
/// balancer then answers 503 itself: HTTPCode_ELB_5XX_Count climbs while
/// HTTPCode_Target_5XX_Count and RequestCount (requests a target was chosen for) report
/// nothing; a rate of target 5XX over requests would read 0 % through the outage.
#[tokio::test]
async fn check_fails_the_5xx_rate_when_only_the_load_balancer_answers() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    seed(&moto, &clients).await;
    put_alb_count(&clients, "HTTPCode_ELB_5XX_Count", 240.0, &[1, 2, 3]).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[environments.moto]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\nauto_scaling_groups = [\"basecoat-portal-asg\"]\nload_balancers = [\"{PORTAL_LOAD_BALANCER}\"]\npercentile_metrics = false\n",
            moto.endpoint
        ),
    )
    .unwrap();
    let output = std::process::Command::new(support::tmux::binary())
        .args([
            "check",
            "--config",
            config.to_str().unwrap(),
            "--env",
            "moto",
        ])
        .args(["--format", "json"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["id"] == "error_rate_5xx")
        .unwrap();
    assert_eq!(check["status"], "fail", "{check}");
    assert!(
        check["observed"].as_str().unwrap().starts_with("100%"),
        "{check}"
    );
    assert_eq!(output.status.code(), Some(2));

    // The war room's 5XX vital reads the same rate, and is critical.
    let aws = AwsSource::new(
        clients,
        AwsScope {
            metrics: opsdeck::source::aws::default_metric_queries(
                &opsdeck::source::aws::MetricTargets {
                    load_balancers: &[PORTAL_LOAD_BALANCER.to_owned()],
                    without_percentiles: true,
                    ..Default::default()
                },
            ),
            ..scope()
        },
    );
    let series = opsdeck::source::MetricsSource::metric_series(aws.as_ref())
        .await
        .unwrap();
    let snapshot = opsdeck::state::Snapshot {
        metrics: series,
        ..Default::default()
    };
    let readings = opsdeck::incident::vitals::read_all(
        &snapshot,
        &Default::default(),
        &[],
        &Thresholds::default(),
    );
    let vital = readings[0].as_ref().unwrap();
    assert_eq!(
        (vital.text.as_str(), vital.level),
        ("100.00", opsdeck::config::Level::Crit)
    );
}

/// Three environments: acme-prod in the base account and Region, globex-prod at a closed
/// port, initech-prod in another account and Region through an assumed role (AssumeRole,
/// AWS Security Token Service API Reference: `RoleArn`, `ExternalId`).
fn three_environments(moto: &str, closed: u16) -> String {
    format!(
        r#"[environments.acme-prod]
region = "us-east-1"
endpoint_url = "{moto}"
auto_scaling_groups = ["basecoat-portal-asg"]
alarm_names = ["basecoat-portal-cpu-high"]
aws_health = false

[environments.globex-prod]
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:{closed}"
auto_scaling_groups = ["globex-asg"]
aws_health = false

[environments.initech-prod]
region = "eu-west-1"
endpoint_url = "{moto}"
role_arn = "arn:aws:iam::210987654321:role/OpsdeckReadOnly"
external_id = "initech-42"
auto_scaling_groups = ["basecoat-portal-asg"]
aws_health = false
"#
    )
}

/// Issue 14, item 1, against moto in a real terminal: a config of three environments opens
/// on the estate; each row has its own state (acme-prod passes; initech-prod, read in
/// another account through the assumed role, shows that account and is unknown, its group
/// not being there; globex-prod, unreachable, is unknown and says why) and one unreachable
/// environment does not stop the others; Enter opens acme-prod's dashboard, `e` returns.
#[tokio::test(flavor = "multi_thread")]
async fn the_estate_shows_each_environment_of_two_accounts_with_its_own_state() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    seed(&moto, &clients).await;
    set_alarm(&clients, StateValue::Ok).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        three_environments(&moto.endpoint, support::free_port()),
    )
    .unwrap();
    let command = format!(
        "sh -c 'AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_PROFILE= XDG_CONFIG_HOME=/nonexistent {} --config {} --journal {} --incident-dir {} --log-file {}; echo EXIT=$?; sleep 600'",
        support::tmux::binary(),
        config.display(),
        dir.path().join("journal.jsonl").display(),
        dir.path().join("incidents").display(),
        dir.path().join("opsdeck.log").display()
    );
    let Some(tmux) = support::tmux::Tmux::start(&command, 170, 30) else {
        return;
    };
    let row =
        |screen: &str, name: &str| support::tmux::estate_row(screen, name).unwrap_or_default();
    let estate = tmux.wait_for("every environment read", Duration::from_secs(60), |s| {
        ["acme-prod", "globex-prod", "initech-prod"]
            .iter()
            .all(|name| {
                let line = row(s, name);
                !line.is_empty() && !line.contains("reading") && !line.contains("not read yet")
            })
            && s.contains("210987654321")
    });
    assert!(estate.contains("opsdeck estate 3 environments"), "{estate}");
    assert!(row(&estate, "acme-prod").contains("✓ pass"), "{estate}");
    assert!(
        row(&estate, "acme-prod").contains("123456789012"),
        "{estate}"
    );
    let initech = row(&estate, "initech-prod");
    assert!(
        initech.contains("? unknown") && initech.contains("210987654321"),
        "{estate}"
    );
    let globex = row(&estate, "globex-prod");
    assert!(
        globex.contains("? unknown") && globex.contains("eu-west-1"),
        "{estate}"
    );
    tmux.send(&["/"]);
    tmux.send(&["-l", "acme"]);
    tmux.send(&["Enter", "Enter"]);
    tmux.wait_for("acme-prod's dashboard", Duration::from_secs(20), |s| {
        s.contains("acme-prod us-east-1") && s.contains("InService")
    });
    tmux.send(&["e"]);
    tmux.wait_for("the estate again", Duration::from_secs(5), |s| {
        s.contains("opsdeck estate 3 environments")
    });
    tmux.send(&["q"]);
    tmux.wait_for("exit", Duration::from_secs(5), |s| s.contains("EXIT=0"));
}

/// Issue 14, items 2 and 3: `opsdeck check --all` checks every environment of the config file
/// in one report, the worst first: one in the base account, one in another account and
/// Region through an assumed role, and one that cannot be reached (its endpoint a closed
/// port), reported as such without stopping the others; `--env A --env B` checks
/// those two; the exit status is the worst environment's.
#[tokio::test]
async fn check_all_reports_every_environment_and_an_unreachable_one_does_not_stop_the_others() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    seed(&moto, &clients).await;
    set_alarm(&clients, StateValue::Ok).await;
    let closed = support::free_port();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, three_environments(&moto.endpoint, closed)).unwrap();
    let check = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
            .arg("check")
            .arg("--config")
            .arg(&config)
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("AWS_PROFILE")
            .env("XDG_CONFIG_HOME", "/nonexistent")
            .output()
            .unwrap()
    };
    let output = check(&["--all", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let environments = report["environments"].as_array().unwrap();
    let names: Vec<&str> = environments
        .iter()
        .map(|e| e["environment"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["globex-prod", "initech-prod", "acme-prod"],
        "the worst first"
    );
    let status_of = |environment: &serde_json::Value, id: &str| {
        environment["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(environments[0]["status"], "unknown");
    assert_eq!(status_of(&environments[0], "asg_in_service"), "unknown");
    // Another account and Region, through an assumed role: the group seeded in the base
    // account and Region is not there, and the check says why.
    assert_eq!(environments[1]["status"], "unknown");
    let initech = environments[1]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "asg_in_service")
        .unwrap();
    assert!(
        initech["evidence"][0]
            .as_str()
            .unwrap()
            .ends_with("ASG basecoat-portal-asg not found"),
        "{initech}"
    );
    assert_eq!(environments[2]["status"], "pass");
    assert_eq!(status_of(&environments[2], "asg_in_service"), "pass");
    assert_eq!(status_of(&environments[2], "alarms"), "pass");
    // Each environment has its morning sections (issue 16, item 3): moto serves no
    // DescribeAlarmHistory, so the history is said unread, never shown as a quiet night.
    let acme = &environments[2]["morning"];
    assert!(acme["overnight_since"].is_string(), "{acme}");
    assert!(
        acme["alarm_history_error"].is_string() && acme["alarms"] == serde_json::json!([]),
        "{acme}"
    );
    assert!(
        environments[0]["morning"]["alarm_history_error"].is_string(),
        "the unreachable one's history is unread too: {}",
        environments[0]["morning"]
    );

    // Two environments by name, as text: the summary leads, then each report.
    let output = check(&["--env", "acme-prod", "--env", "globex-prod"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("opsdeck estate health check at "),
        "{text}"
    );
    assert!(lines[0].ends_with("UNKNOWN (2 environments)"), "{text}");
    assert!(
        lines[2].contains("globex-prod") && lines[2].contains("unknown"),
        "{text}"
    );
    assert!(
        lines[3].contains("acme-prod") && lines[3].contains("pass"),
        "{text}"
    );
    assert!(
        text.contains("opsdeck health check: acme-prod at "),
        "{text}"
    );
    assert_eq!(
        text.matches("Overnight (since ").count(),
        2,
        "an overnight section per environment: {text}"
    );
    assert_eq!(text.matches("12-hour trends").count(), 2, "{text}");

    // An environment the config does not define is refused with the ones it does.
    let output = check(&["--env", "acme-prod", "--env", "hooli-prod"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("hooli-prod: not checked: ")
            && text.contains("unknown environment \"hooli-prod\""),
        "{text}"
    );
    assert_eq!(output.status.code(), Some(2));
}
