//! AWS Health: DescribeEvents for the account's open and upcoming events in its Region (and
//! the global ones), every page. The AWS Health API answers only accounts on a Business,
//! Enterprise On-Ramp or Enterprise Support plan; others get SubscriptionRequiredException,
//! said in words.

use aws_sdk_health::Client;
use aws_sdk_health::types::{Event, EventFilter, EventStatusCode};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::{classify, is_not_an_aws_answer};
use super::time::to_utc;
use crate::model::AwsHealthEvent;
use crate::source::{SourceError, SourceErrorKind};

/// DescribeEvents (AWS Health API Reference): `maxResults` "Valid Range: Minimum value of 10.
/// Maximum value of 100."
const EVENTS_PER_PAGE: i32 = 100;

/// The open and upcoming events of `region` and the global ones.
///
/// `emulated` says the endpoint is not AWS: an emulator that does not serve AWS Health (moto
/// answers with an HTML page) makes the source "not configured", not failing.
pub async fn events(
    client: &Client,
    region: &str,
    emulated: bool,
) -> Result<Vec<AwsHealthEvent>, SourceError> {
    let filter = EventFilter::builder()
        .regions(region)
        .regions("global")
        .event_status_codes(EventStatusCode::Open)
        .event_status_codes(EventStatusCode::Upcoming)
        .build();
    let mut pages = client
        .describe_events()
        .filter(filter)
        .max_results(EVENTS_PER_PAGE)
        .into_paginator()
        .send();
    let mut events = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => events.extend(page.events().iter().map(to_event)),
            Err(error) if error.code() == Some("SubscriptionRequiredException") => {
                return Err(SourceError::new(
                    SourceErrorKind::Permission,
                    "the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise \
                     Support plan, which this account does not have: see the AWS Health \
                     Dashboard in the console (set aws_health = false to stop asking)",
                ));
            }
            Err(error) if emulated && is_not_an_aws_answer(&error) => {
                return Err(SourceError::new(
                    SourceErrorKind::NotConfigured,
                    "the endpoint does not serve the AWS Health API",
                ));
            }
            Err(error) => return Err(classify(&error, "health:DescribeEvents", None)),
        }
    }
    Ok(events)
}

fn to_event(event: &Event) -> AwsHealthEvent {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    AwsHealthEvent {
        arn: text(event.arn()),
        service: text(event.service()),
        event_type_code: text(event.event_type_code()),
        category: event
            .event_type_category()
            .map_or_else(String::new, |c| c.as_str().to_owned()),
        region: text(event.region()),
        start_time: event.start_time().map(to_utc),
        status: event
            .status_code()
            .map_or_else(String::new, |s| s.as_str().to_owned()),
        scope: event
            .event_scope_code()
            .map_or_else(String::new, |s| s.as_str().to_owned()),
    }
}
