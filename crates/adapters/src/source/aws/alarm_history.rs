//! Alarm history for the overnight view: DescribeAlarmHistory, state changes only.
//!
//! "DescribeAlarmHistory" (Amazon CloudWatch API Reference): without `AlarmTypes` only metric
//! alarms' history is returned, so both types are asked for; `HistoryItemType` `StateUpdate`
//! leaves out configuration changes and actions; `MaxRecords` is at most 100 and `NextToken`
//! pages on; CloudWatch keeps the history even of deleted alarms (for two weeks). The call
//! takes one alarm name and no prefix, so the environment's scope is applied to what it
//! returns. "AlarmHistoryItem": `HistoryData` is JSON whose `oldState` and `newState` carry
//! `stateValue` and `stateReason`; `HistorySummary` ("Alarm updated from OK to ALARM") is
//! read when the data is not there.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{AlarmType, HistoryItemType, ScanBy};

use super::alarms::AlarmScope;
use super::errors::classify;
use super::time::{from_utc, to_utc};
use crate::model::{AlarmState, AlarmStateChange, Timestamp};
use crate::source::SourceError;

/// The most records one page may hold.
const RECORDS_PER_PAGE: i32 = 100;

/// Every state change of the scope's alarms from `since` to now, oldest first.
pub async fn state_changes(
    client: &Client,
    scope: &AlarmScope,
    since: Timestamp,
) -> Result<Vec<AlarmStateChange>, SourceError> {
    let mut pages = client
        .describe_alarm_history()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .history_item_type(HistoryItemType::StateUpdate)
        .start_date(from_utc(since))
        .end_date(from_utc(chrono::Utc::now()))
        .scan_by(ScanBy::TimestampAscending)
        .max_records(RECORDS_PER_PAGE)
        .into_paginator()
        .send();
    let mut changes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "cloudwatch:DescribeAlarmHistory", None))?;
        for item in page.alarm_history_items() {
            let (Some(alarm), Some(at)) = (item.alarm_name(), item.timestamp()) else {
                continue;
            };
            if !in_scope(scope, alarm) {
                continue;
            }
            let Some((from, to, reason)) = item
                .history_data()
                .and_then(from_data)
                .or_else(|| item.history_summary().and_then(from_summary))
            else {
                continue;
            };
            changes.push(AlarmStateChange {
                alarm: alarm.to_owned(),
                at: to_utc(at),
                from,
                to,
                reason,
            });
        }
    }
    changes.sort_by_key(|change| change.at);
    Ok(changes)
}

fn in_scope(scope: &AlarmScope, alarm: &str) -> bool {
    match scope {
        AlarmScope::All => true,
        AlarmScope::Named { prefixes, names } => {
            prefixes
                .iter()
                .any(|prefix| alarm.starts_with(prefix.as_str()))
                || names.iter().any(|name| name == alarm)
        }
    }
}

/// `{"oldState":{"stateValue":"OK",...},"newState":{"stateValue":"ALARM","stateReason":...}}`
fn from_data(data: &str) -> Option<(AlarmState, AlarmState, String)> {
    let data: serde_json::Value = serde_json::from_str(data).ok()?;
    let state = |side: &str| {
        data.get(side)?
            .get("stateValue")?
            .as_str()
            .map(AlarmState::from_aws)
    };
    let reason = data
        .get("newState")
        .and_then(|state| state.get("stateReason"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Some((state("oldState")?, state("newState")?, reason))
}

/// "Alarm updated from OK to ALARM".
fn from_summary(summary: &str) -> Option<(AlarmState, AlarmState, String)> {
    let rest = summary.strip_prefix("Alarm updated from ")?;
    let (from, to) = rest.split_once(" to ")?;
    Some((
        AlarmState::from_aws(from.trim()),
        AlarmState::from_aws(to.trim()),
        String::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "AlarmHistoryItem" (Amazon CloudWatch API Reference): the state change is in the JSON
    /// `HistoryData`, the summary names it in words.
    #[test]
    fn a_state_change_is_read_from_the_data_or_the_summary() {
        let data = r#"{"version":"1.0","oldState":{"stateValue":"OK","stateReason":"Threshold Crossed: 1 datapoint [0.2] was not greater than the threshold (1.0)."},"newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed: 3 datapoints were greater than the threshold (1.0)."}}"#;
        assert_eq!(
            from_data(data),
            Some((
                AlarmState::Ok,
                AlarmState::Alarm,
                "Threshold Crossed: 3 datapoints were greater than the threshold (1.0).".to_owned()
            ))
        );
        assert_eq!(
            from_summary("Alarm updated from ALARM to OK"),
            Some((AlarmState::Alarm, AlarmState::Ok, String::new()))
        );
        assert_eq!(from_summary("Alarm \"x\" created"), None);
    }

    #[test]
    fn the_scope_keeps_named_alarms_and_prefixes() {
        let scope = AlarmScope::Named {
            prefixes: vec!["basecoat-".to_owned()],
            names: vec!["prod-web-memory-high".to_owned()],
        };
        assert!(in_scope(&scope, "basecoat-portal-cpu-high"));
        assert!(in_scope(&scope, "prod-web-memory-high"));
        assert!(!in_scope(&scope, "other-team-alarm"));
    }
}
