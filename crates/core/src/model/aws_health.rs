//! AWS Health events (the SEV-1 runbook's "check AWS status page"): what AWS says is wrong
//! with its own services in the account's Region, open or upcoming.

use super::Timestamp;

/// One event, as DescribeEvents lists it (the `Event` data type, AWS Health API Reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsHealthEvent {
    pub arn: String,
    /// `EC2`, `RDS`, `ELASTICLOADBALANCING`, ...
    pub service: String,
    /// `AWS_EC2_OPERATIONAL_ISSUE`, `AWS_RDS_MAINTENANCE_SCHEDULED`, ...
    pub event_type_code: String,
    /// `issue`, `scheduledChange`, `accountNotification`, `investigation`.
    pub category: String,
    pub region: String,
    pub start_time: Option<Timestamp>,
    /// `open` or `upcoming` (closed ones are not asked for).
    pub status: String,
    /// `PUBLIC` (everyone in the Region), `ACCOUNT_SPECIFIC` (this account's resources).
    pub scope: String,
}

impl AwsHealthEvent {
    /// An open issue: AWS's own outage, what a SEV-1 asks first.
    pub fn is_open_issue(&self) -> bool {
        self.status == "open" && self.category == "issue"
    }
}
