//! CloudWatch alarms: DescribeAlarms, paginated.

use aws_sdk_cloudwatch::Client;

use super::errors::classify;
use super::time::to_utc;
use crate::model::{Alarm, AlarmState};
use crate::source::SourceError;

/// Every metric alarm.
pub async fn alarms(client: &Client) -> Result<Vec<Alarm>, SourceError> {
    let mut alarms = Vec::new();
    let mut pages = client.describe_alarms().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "cloudwatch:DescribeAlarms", None))?;
        for alarm in page.metric_alarms() {
            alarms.push(Alarm {
                name: alarm.alarm_name().unwrap_or_default().to_owned(),
                state: AlarmState::from_aws(alarm.state_value().map_or("", |s| s.as_str())),
                reason: alarm.state_reason().unwrap_or_default().to_owned(),
                state_updated_at: alarm
                    .state_updated_timestamp()
                    .map(to_utc)
                    .unwrap_or_default(),
                metric: alarm.metric_name().map(str::to_owned),
            });
        }
    }
    Ok(alarms)
}
