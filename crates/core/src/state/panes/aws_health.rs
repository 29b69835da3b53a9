//! The AWS Health line of the Alarms pane and the triage row's word on it: is AWS itself
//! having an outage here. An open `issue` (the `eventTypeCategory` of the Event data type,
//! AWS Health API Reference) is AWS's own outage; `scheduledChange` and
//! `accountNotification` events only warn.

use super::super::table::Tone;
use crate::model::AwsHealthEvent;

/// `✓ AWS Health: no open events`, `✗ AWS Health: 1 open issue: EC2 AWS_EC2_OPERATIONAL_ISSUE`
/// or `! AWS Health: 2 scheduled: RDS AWS_RDS_MAINTENANCE_SCHEDULED, ...`.
pub fn summary(events: &[AwsHealthEvent]) -> (Tone, String) {
    let issues: Vec<&AwsHealthEvent> = events.iter().filter(|e| e.is_open_issue()).collect();
    let (tone, symbol, listed, what) = if !issues.is_empty() {
        (Tone::Crit, "✗", issues, "open issue")
    } else if !events.is_empty() {
        (Tone::Warn, "!", events.iter().collect(), "open or upcoming")
    } else {
        return (Tone::Ok, "✓ no open events".to_owned());
    };
    let names: Vec<String> = listed
        .iter()
        .map(|e| format!("{} {}", e.service, e.event_type_code))
        .collect();
    let plural = if listed.len() == 1 { "" } else { "s" };
    let what = if what == "open issue" {
        format!("{what}{plural}")
    } else {
        what.to_owned()
    };
    (
        tone,
        format!("{symbol} {} {what}: {}", listed.len(), names.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(category: &str, status: &str) -> AwsHealthEvent {
        AwsHealthEvent {
            arn: "arn:aws:health:us-east-1::event/EC2/x".to_owned(),
            service: "EC2".to_owned(),
            event_type_code: "AWS_EC2_OPERATIONAL_ISSUE".to_owned(),
            category: category.to_owned(),
            region: "us-east-1".to_owned(),
            start_time: None,
            status: status.to_owned(),
            scope: "PUBLIC".to_owned(),
        }
    }

    #[test]
    fn an_open_issue_is_critical_and_named() {
        assert_eq!(summary(&[]), (Tone::Ok, "✓ no open events".to_owned()));
        assert_eq!(
            summary(&[event("issue", "open"), event("scheduledChange", "upcoming")]),
            (
                Tone::Crit,
                "✗ 1 open issue: EC2 AWS_EC2_OPERATIONAL_ISSUE".to_owned()
            )
        );
        assert_eq!(
            summary(&[event("scheduledChange", "upcoming")]).0,
            Tone::Warn
        );
    }
}
