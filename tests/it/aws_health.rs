//! Issue 15, item 5: AWS Health events from AWS-shaped answers (moto does not serve the AWS
//! Health API; the SDK speaks RPC v2 CBOR to it, so the answers below are sent as CBOR): the account's open and upcoming events over pages, and the answer of an
//! account whose support plan does not include the API.

use crate::support;

use opsdeck::source::aws::{AwsScope, AwsSource};
use opsdeck::source::{AwsHealthSource, SourceErrorKind};
use support::aws::clients_for;
use support::aws_shaped::{Answer, AwsShaped, json};

/// DescribeEvents (AWS Health API Reference), JSON 1.1, timestamps in epoch seconds.
const PAGE_1: &str = r#"{"events":[{"arn":"arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_ABC123","service":"EC2","eventTypeCode":"AWS_EC2_OPERATIONAL_ISSUE","eventTypeCategory":"issue","region":"us-east-1","startTime":1796050000,"lastUpdatedTime":1796052000,"statusCode":"open","eventScopeCode":"PUBLIC"}],"nextToken":"page-2"}"#;

const PAGE_2: &str = r#"{"events":[{"arn":"arn:aws:health:us-east-1::event/RDS/AWS_RDS_MAINTENANCE_SCHEDULED/AWS_RDS_MAINTENANCE_SCHEDULED_DEF456","service":"RDS","eventTypeCode":"AWS_RDS_MAINTENANCE_SCHEDULED","eventTypeCategory":"scheduledChange","region":"us-east-1","startTime":1796400000,"statusCode":"upcoming","eventScopeCode":"ACCOUNT_SPECIFIC"}]}"#;

fn source(server: &AwsShaped) -> impl std::future::Future<Output = std::sync::Arc<AwsSource>> {
    let endpoint = server.endpoint.clone();
    async move { AwsSource::new(clients_for(&endpoint).await, AwsScope::default()) }
}

/// The open issue and the upcoming maintenance are read across both pages, the filter asks
/// for the environment's Region and the global events, open and upcoming only, 100 a page
/// ("Minimum value of 10. Maximum value of 100"), and the pane's verdict leads with the
/// open issue.
#[tokio::test]
async fn open_and_upcoming_events_are_read_over_pages() {
    let server = AwsShaped::start().await;
    server.answer("DescribeEvents", vec![json(PAGE_1), json(PAGE_2)]);
    let events = source(&server).await.aws_health_events().await.unwrap();
    let seen: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| (e.service.as_str(), e.category.as_str(), e.status.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("EC2", "issue", "open"),
            ("RDS", "scheduledChange", "upcoming")
        ]
    );
    assert_eq!(events[0].start_time.unwrap().timestamp(), 1_796_050_000);
    let (_, verdict) = opsdeck::state::panes::aws_health::summary(&events);
    assert_eq!(verdict, "✗ 1 open issue: EC2 AWS_EC2_OPERATIONAL_ISSUE");

    let asked = server.requests("DescribeEvents");
    assert_eq!(asked.len(), 2, "both pages");
    let first: serde_json::Value = serde_json::from_str(&asked[0]).unwrap();
    assert_eq!(
        first["filter"]["regions"],
        serde_json::json!(["us-east-1", "global"])
    );
    assert_eq!(
        first["filter"]["eventStatusCodes"],
        serde_json::json!(["open", "upcoming"])
    );
    assert_eq!(first["maxResults"], 100);
    assert!(asked[1].contains(r#""nextToken":"page-2""#), "{}", asked[1]);
}

/// An account without Business, Enterprise On-Ramp or Enterprise Support gets
/// SubscriptionRequiredException: said as such, with the way to stop asking.
#[tokio::test]
async fn an_account_without_the_support_plan_is_told_why() {
    let server = AwsShaped::start().await;
    server.answer(
        "DescribeEvents",
        vec![Answer {
            status: 400,
            ..json(
                r#"{"__type":"SubscriptionRequiredException","message":"The AWS Premium Support Subscription is required to use this service."}"#,
            )
        }],
    );
    let error = source(&server).await.aws_health_events().await.unwrap_err();
    assert_eq!(error.kind, SourceErrorKind::Permission);
    assert!(
        error.message.starts_with(
            "the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise Support plan"
        ),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("aws_health = false"),
        "{}",
        error.message
    );
}
