//! Performance Insights (issue 16, item 5): the RDS instance's load by wait event and by
//! statement. moto serves no `pi` API, so the AWS-shaped server answers DescribeDBInstances as
//! the Amazon RDS API Reference shapes it and DescribeDimensionKeys as the Performance Insights
//! API Reference's "DescribeDimensionKeys" and "DimensionKeyDescription" shape it (over RPC v2
//! CBOR, as the SDK speaks it), the statements in two pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use opsdeck::model::{InsightsReading, LoadShare, SourceData, SourceErrorKind, SourceKind};
use opsdeck::msg::{Effect, Msg};
use opsdeck::sim::World;
use opsdeck::source::RdsSource;
use opsdeck::source::aws::{AwsScope, AwsSource, RdsScope};
use opsdeck::state::panes::postgres::PgView;
use opsdeck::state::{PaneId, update};
use support::aws::clients_for;
use support::aws_shaped::{Answer, AwsShaped, json, xml};
use support::screen::{demo_state, origin, press, render_text};

const INSTANCE: &str = "basecoat-portal-db";
const RESOURCE_ID: &str = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0";

/// DescribeDBInstances (Amazon RDS API Reference) with `DbiResourceId` and
/// `PerformanceInsightsEnabled` as it names them.
fn described(enabled: bool) -> String {
    format!(
        r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>{INSTANCE}</DBInstanceIdentifier><DBInstanceClass>db.r6g.xlarge</DBInstanceClass><Engine>postgres</Engine><DBInstanceStatus>available</DBInstanceStatus><DbiResourceId>{RESOURCE_ID}</DbiResourceId><PerformanceInsightsEnabled>{enabled}</PerformanceInsightsEnabled></DBInstance></DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>7e2f3a10-0000-4000-8000-0000000000a1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>"#
    )
}

fn key(dimensions: &[(&str, &str)], total: f64) -> serde_json::Value {
    let dimensions: serde_json::Map<String, serde_json::Value> = dimensions
        .iter()
        .map(|(name, value)| ((*name).to_owned(), serde_json::json!(value)))
        .collect();
    serde_json::json!({"Dimensions": dimensions, "Total": total})
}

async fn source(server: &AwsShaped) -> std::sync::Arc<AwsSource> {
    AwsSource::new(
        clients_for(&server.endpoint).await,
        AwsScope {
            rds: RdsScope {
                instances: vec![INSTANCE.to_owned()],
                proxy: None,
            },
            ..AwsScope::default()
        },
    )
}

/// DescribeDimensionKeys' answers in the order the source asks: the waits in one page, then
/// the statements in two (`NextToken`), the second statement the heavier.
fn answer_dimension_keys(server: &AwsShaped, aligned: i64) {
    let waits = serde_json::json!({
        "AlignedStartTime": aligned,
        "AlignedEndTime": aligned + 3600,
        "Keys": [
            key(&[("db.wait_event.type", "CPU"), ("db.wait_event.name", "CPU")], 1.5),
            key(&[("db.wait_event.type", "Lock"), ("db.wait_event.name", "Lock:transactionid")], 0.75),
            key(&[("db.wait_event.type", "IO"), ("db.wait_event.name", "IO:DataFileRead")], 0.25),
        ],
    });
    let first_statements = serde_json::json!({
        "AlignedStartTime": aligned,
        "AlignedEndTime": aligned + 3600,
        "Keys": [key(&[
            ("db.sql_tokenized.id", "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0"),
            ("db.sql_tokenized.statement", "UPDATE accounts SET last_seen_at = now() WHERE id = ?"),
        ], 0.9)],
        "NextToken": "statements-2",
    });
    let second_statements = serde_json::json!({
        "AlignedStartTime": aligned,
        "AlignedEndTime": aligned + 3600,
        "Keys": [key(&[
            ("db.sql_tokenized.id", "0F9E8D7C6B5A49382716F5E4D3C2B1A098765432"),
            ("db.sql_tokenized.statement", "SELECT * FROM carts WHERE account_id = ?"),
        ], 1.1)],
    });
    server.answer(
        "DescribeDimensionKeys",
        vec![
            json(&waits.to_string()),
            json(&first_statements.to_string()),
            json(&second_statements.to_string()),
        ],
    );
}

fn request(server: &AwsShaped, index: usize) -> serde_json::Value {
    serde_json::from_str(&server.requests("DescribeDimensionKeys")[index]).unwrap()
}

#[tokio::test]
async fn the_load_is_read_by_wait_and_by_statement_for_the_instances_resource_id() {
    let server = AwsShaped::start().await;
    server.answer("DescribeDBInstances", vec![xml(&described(true))]);
    let aligned = 1_796_000_000;
    answer_dimension_keys(&server, aligned);
    let before = chrono::Utc::now();

    let reading = source(&server).await.performance_insights().await.unwrap();

    // The requests, as "DescribeDimensionKeys" documents them: the resource id (not the
    // name), ServiceType RDS, db.load.avg grouped with a limit, an hour's window.
    assert_eq!(
        server.requests("DescribeDimensionKeys").len(),
        3,
        "every page"
    );
    let waits = request(&server, 0);
    assert_eq!(waits["Identifier"], RESOURCE_ID, "{waits}");
    assert_eq!(waits["ServiceType"], "RDS", "{waits}");
    assert_eq!(waits["Metric"], "db.load.avg", "{waits}");
    assert_eq!(waits["GroupBy"]["Group"], "db.wait_event", "{waits}");
    assert_eq!(waits["GroupBy"]["Limit"], 10, "{waits}");
    let start = waits["StartTime"].as_f64().unwrap();
    let end = waits["EndTime"].as_f64().unwrap();
    assert_eq!(end - start, 3600.0, "the last hour: {waits}");
    assert!(
        end >= before.timestamp() as f64 - 1.0,
        "ending now: {waits}"
    );
    assert_eq!(request(&server, 1)["GroupBy"]["Group"], "db.sql_tokenized");
    assert_eq!(request(&server, 2)["NextToken"], "statements-2");

    assert_eq!(reading.instance, INSTANCE);
    let window = reading.window.unwrap();
    assert_eq!(
        (window.0.timestamp(), window.1.timestamp()),
        (aligned, aligned + 3600)
    );
    let waits: Vec<(&str, &str, f64)> = reading
        .waits
        .iter()
        .map(|s| (s.group.as_str(), s.name.as_str(), s.load))
        .collect();
    assert_eq!(
        waits,
        [
            ("CPU", "CPU", 1.5),
            ("Lock", "Lock:transactionid", 0.75),
            ("IO", "IO:DataFileRead", 0.25)
        ]
    );
    assert_eq!(reading.total_load(), 2.5);
    // Both pages, heaviest first.
    let statements: Vec<(&str, f64)> = reading
        .statements
        .iter()
        .map(|s| (s.name.as_str(), s.load))
        .collect();
    assert_eq!(
        statements,
        [
            ("SELECT * FROM carts WHERE account_id = ?", 1.1),
            ("UPDATE accounts SET last_seen_at = now() WHERE id = ?", 0.9)
        ]
    );
}

#[tokio::test]
async fn an_instance_without_performance_insights_says_how_to_turn_it_on_and_asks_pi_nothing() {
    let server = AwsShaped::start().await;
    server.answer("DescribeDBInstances", vec![xml(&described(false))]);

    let error = source(&server)
        .await
        .performance_insights()
        .await
        .unwrap_err();

    assert_eq!(error.kind, SourceErrorKind::NotConfigured);
    assert!(
        error
            .message
            .contains("Performance Insights is off on basecoat-portal-db")
            && error.message.contains("--enable-performance-insights"),
        "{}",
        error.message
    );
    assert!(server.requests("DescribeDimensionKeys").is_empty());
}

#[tokio::test]
async fn a_refusal_names_the_permission_pi_wants() {
    let server = AwsShaped::start().await;
    server.answer("DescribeDBInstances", vec![xml(&described(true))]);
    // "DescribeDimensionKeys", Errors: NotAuthorizedException, HTTP status 400.
    server.answer(
        "DescribeDimensionKeys",
        vec![Answer {
            status: 400,
            ..json(
                r#"{"__type":"NotAuthorizedException","Message":"User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: pi:DescribeDimensionKeys"}"#,
            )
        }],
    );

    let error = source(&server)
        .await
        .performance_insights()
        .await
        .unwrap_err();

    assert_eq!(error.kind, SourceErrorKind::Permission, "{}", error.message);
    assert!(
        error.message.contains("pi:DescribeDimensionKeys"),
        "{}",
        error.message
    );
    assert_eq!(
        server.requests("DescribeDimensionKeys").len(),
        1,
        "no second grouping"
    );
}

#[tokio::test]
async fn no_rds_instance_configured_is_said_not_asked() {
    let server = AwsShaped::start().await;
    let source = AwsSource::new(clients_for(&server.endpoint).await, AwsScope::default());

    let error = source.performance_insights().await.unwrap_err();

    assert_eq!(error.kind, SourceErrorKind::NotConfigured);
    assert!(error.message.contains("rds_instances"), "{}", error.message);
    assert!(server.requests("DescribeDBInstances").is_empty());
}

fn reading_at(at: chrono::DateTime<chrono::Utc>) -> InsightsReading {
    InsightsReading {
        instance: INSTANCE.to_owned(),
        window: Some((at - chrono::Duration::hours(1), at)),
        waits: vec![LoadShare {
            group: "CPU".to_owned(),
            name: "CPU".to_owned(),
            load: 1.0,
        }],
        statements: vec![LoadShare {
            group: "A1B2".to_owned(),
            name: "SELECT 1".to_owned(),
            load: 1.0,
        }],
        read_at: at,
    }
}

/// Cycles the PostgreSQL pane's views to Performance Insights; the effects of the last press.
fn to_insights_view(state: &mut opsdeck::state::State) -> Vec<Effect> {
    state.focus = PaneId::Postgres;
    let mut effects = Vec::new();
    while state.pg_view != PgView::Insights {
        effects = press(state, 'v');
    }
    effects
}

fn rds_poll(state: &opsdeck::state::State, at: chrono::DateTime<chrono::Utc>) -> Msg {
    Msg::SourceUpdate {
        source: SourceKind::Rds,
        result: Ok(SourceData::Rds(state.data.rds.clone())),
        at,
    }
}

#[test]
fn the_view_asks_on_opening_not_again_while_in_flight_nor_within_a_minute() {
    let mut state = demo_state(600);
    assert_eq!(to_insights_view(&mut state), vec![Effect::LoadInsights]);
    let now = state.now;
    // An RDS poll while the reading is out asks nothing more.
    let poll = rds_poll(&state, now);
    assert!(!update(&mut state, poll).contains(&Effect::LoadInsights));
    update(
        &mut state,
        Msg::Insights {
            result: Ok(reading_at(now)),
        },
    );
    assert_eq!(
        state.pane(PaneId::Postgres).table.rows().len(),
        2,
        "a wait and a statement"
    );
    // Fresh for a minute: a poll asks nothing; a minute on, the next poll asks again.
    let poll = rds_poll(&state, now + chrono::Duration::seconds(30));
    assert!(!update(&mut state, poll).contains(&Effect::LoadInsights));
    let later = now + chrono::Duration::seconds(61);
    update(&mut state, Msg::Tick(later));
    let poll = rds_poll(&state, later);
    assert!(update(&mut state, poll).contains(&Effect::LoadInsights));
}

#[test]
fn an_error_is_the_views_message() {
    let mut state = demo_state(600);
    to_insights_view(&mut state);
    update(
        &mut state,
        Msg::Insights {
            result: Err(opsdeck::model::SourceError::new(
                SourceErrorKind::NotConfigured,
                "Performance Insights is off on basecoat-portal-db: aws rds modify-db-instance ...",
            )),
        },
    );
    let screen = render_text(&state, 160, 48);
    assert!(
        screen.contains("Performance Insights is off on basecoat-portal-db"),
        "{screen}"
    );
}

#[test]
fn the_view_shows_the_demos_load_by_wait_then_by_statement() {
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(1800);
    let reading = world.performance_insights();
    assert_eq!(reading.instance, "basecoat-portal-db");
    assert!(reading.total_load() > 0.0);
    assert!(
        reading
            .statements
            .windows(2)
            .all(|pair| pair[0].load >= pair[1].load),
        "heaviest first"
    );
    let mut state = demo_state(1800);
    to_insights_view(&mut state);
    update(
        &mut state,
        Msg::Insights {
            result: Ok(reading),
        },
    );
    state.zoomed = true;
    insta::assert_snapshot!(render_text(&state, 120, 36));
}
