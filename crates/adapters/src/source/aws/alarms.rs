//! CloudWatch alarms: DescribeAlarms for metric and composite alarms, scoped to the
//! environment (name prefixes and names), paginated.
//!
//! "DescribeAlarms" (CloudWatch API reference): without `AlarmTypes` only metric alarms are
//! returned, so a composite alarm (the one a team pages on) would never show; `AlarmNames`
//! takes at most 100 names and cannot be combined with `AlarmNamePrefix`, so each prefix and
//! each hundred names is a call of its own. "CloudWatch service quotas": DescribeAlarms is
//! limited to 9 requests per second per account and Region, shared with every other caller,
//! which is why the poller asks no more often than its minimum interval.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
use aws_sdk_cloudwatch::types::AlarmType;

use super::errors::classify;
use super::time::to_utc;
use crate::model::{Alarm, AlarmState};
use crate::source::SourceError;

/// `AlarmNames` takes at most this many names a call.
const NAMES_PER_CALL: usize = 100;

/// Which alarms an environment watches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AlarmScope {
    /// Every alarm of the account and Region (only when the config asks: `all_alarms`).
    #[default]
    All,
    /// Alarms whose names start with one of `prefixes`, and those named in `names`.
    Named {
        prefixes: Vec<String>,
        names: Vec<String>,
    },
}

/// Every metric and composite alarm in `scope`, each once.
pub async fn alarms(client: &Client, scope: &AlarmScope) -> Result<Vec<Alarm>, SourceError> {
    let mut alarms = Vec::new();
    match scope {
        AlarmScope::All => read_all(client, None, None, &mut alarms).await?,
        AlarmScope::Named { prefixes, names } => {
            for prefix in prefixes {
                read_all(client, Some(prefix), None, &mut alarms).await?;
            }
            for chunk in names.chunks(NAMES_PER_CALL) {
                read_all(client, None, Some(chunk), &mut alarms).await?;
            }
        }
    }
    alarms.sort_by(|a, b| a.name.cmp(&b.name));
    alarms.dedup_by(|a, b| a.name == b.name);
    Ok(alarms)
}

/// One DescribeAlarms query, every page.
async fn read_all(
    client: &Client,
    prefix: Option<&str>,
    names: Option<&[String]>,
    into: &mut Vec<Alarm>,
) -> Result<(), SourceError> {
    let mut pages = client
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .set_alarm_name_prefix(prefix.map(str::to_owned))
        .set_alarm_names(names.map(<[String]>::to_vec))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "cloudwatch:DescribeAlarms", None))?;
        collect(&page, into);
    }
    Ok(())
}

fn collect(page: &DescribeAlarmsOutput, into: &mut Vec<Alarm>) {
    let alarm = |name: Option<&str>,
                 state: Option<&aws_sdk_cloudwatch::types::StateValue>,
                 reason: Option<&str>,
                 updated: Option<&aws_smithy_types::DateTime>,
                 metric: Option<String>| Alarm {
        name: name.unwrap_or_default().to_owned(),
        state: AlarmState::from_aws(state.map_or("", |s| s.as_str())),
        reason: reason.unwrap_or_default().to_owned(),
        state_updated_at: updated.map(to_utc).unwrap_or_default(),
        metric,
    };
    for metric_alarm in page.metric_alarms() {
        into.push(alarm(
            metric_alarm.alarm_name(),
            metric_alarm.state_value(),
            metric_alarm.state_reason(),
            metric_alarm.state_updated_timestamp(),
            metric_alarm.metric_name().map(str::to_owned),
        ));
    }
    for composite in page.composite_alarms() {
        into.push(alarm(
            composite.alarm_name(),
            composite.state_value(),
            composite.state_reason(),
            composite.state_updated_timestamp(),
            // What the composite combines stands where a metric alarm's metric does.
            Some(format!(
                "composite: {}",
                composite.alarm_rule().unwrap_or_default()
            )),
        ));
    }
}
