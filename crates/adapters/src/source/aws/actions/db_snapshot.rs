//! CreateDBSnapshot, after checking the instance is still `available` (Amazon RDS API
//! Reference, CreateDBSnapshot: `InvalidDBInstanceState` otherwise) and the name is not
//! taken (`DBSnapshotAlreadyExists`): both would be refused by RDS anyway, but said before
//! anything is sent, in words. The snapshot's progress is followed from the RDS source's
//! DescribeDBSnapshots.

use aws_sdk_rds::Client;
use aws_sdk_rds::operation::RequestId;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::report;
use crate::action::{Outcome, Report};

/// Takes a manual snapshot `snapshot` of `instance`.
pub async fn create(client: &Client, instance: &str, snapshot: &str) -> Report {
    if let Err(report) = preflight(client, instance, snapshot).await {
        return report;
    }
    match client
        .create_db_snapshot()
        .db_instance_identifier(instance)
        .db_snapshot_identifier(snapshot)
        .send()
        .await
    {
        Ok(answer) => {
            let status = answer
                .db_snapshot()
                .and_then(|s| s.status())
                .unwrap_or("creating");
            Report {
                outcome: Outcome::Succeeded(format!(
                    "snapshot {snapshot} of {instance} started ({status}); its progress follows"
                )),
                request_id: answer.request_id().map(str::to_owned),
            }
        }
        Err(error) => report(&error, "rds:CreateDBSnapshot", instance),
    }
}

/// The instance as it is now must be `available`, and the name free.
async fn preflight(client: &Client, instance: &str, snapshot: &str) -> Result<(), Report> {
    let described = client
        .describe_db_instances()
        .db_instance_identifier(instance)
        .send()
        .await
        .map_err(|error| report(&error, "rds:DescribeDBInstances", instance))?;
    let status = described
        .db_instances()
        .first()
        .and_then(|found| found.db_instance_status())
        .unwrap_or("gone");
    if status != "available" {
        return Err(plain(Outcome::Aborted(format!(
            "{instance} is now {status}, not available; RDS snapshots an available instance only; nothing was sent"
        ))));
    }
    match client
        .describe_db_snapshots()
        .db_snapshot_identifier(snapshot)
        .send()
        .await
    {
        Ok(found) if !found.db_snapshots().is_empty() => Err(plain(Outcome::Refused(format!(
            "a snapshot named {snapshot} already exists; pick another name; nothing was sent"
        )))),
        Ok(_) => Ok(()),
        // DescribeDBSnapshots (Amazon RDS API Reference) answers an unknown identifier with
        // DBSnapshotNotFound: the name is free.
        Err(error) if error.code() == Some("DBSnapshotNotFound") => Ok(()),
        Err(error) => Err(report(&error, "rds:DescribeDBSnapshots", snapshot)),
    }
}

fn plain(outcome: Outcome) -> Report {
    Report {
        outcome,
        request_id: None,
    }
}
