//! A manual DB snapshot: the first runbook's backup before a risky change (Database
//! Operations 1, `basecoat-backup-$(date +%Y%m%d-%H%M%S)`) and its SEV-2 forensics snapshot
//! (`forensics-$(date +%s)`). It changes no data; it is billed as backup storage.
//!
//! CreateDBSnapshot (Amazon RDS API Reference): the snapshot is taken of an instance in the
//! `available` state; its progress shows as `Status` `creating` and `PercentProgress` in
//! DescribeDBSnapshots until `available`. On a Single-AZ instance the snapshot "results in a
//! brief I/O suspension" (Amazon RDS User Guide, "Creating a DB snapshot for a Single-AZ DB
//! instance"); Multi-AZ takes it from the standby.

use super::{ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk};
use crate::model::{RdsInstance, Timestamp};

/// The permission CreateDBSnapshot needs.
pub const PERMISSION: &str = "rds:CreateDBSnapshot";

/// CreateDBSnapshot's `DBSnapshotIdentifier` constraints, as the Amazon RDS API Reference
/// lists them: 1 to 255 letters, digits or hyphens; a letter first; no hyphen last, no two
/// hyphens in a row.
pub fn check_identifier(name: &str) -> Result<(), String> {
    let problem = if name.is_empty() {
        Some("is empty")
    } else if name.len() > 255 {
        Some("is longer than 255 characters")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("must start with a letter")
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some("may hold only letters, digits and hyphens")
    } else if name.ends_with('-') {
        Some("must not end with a hyphen")
    } else if name.contains("--") {
        Some("must not hold two hyphens in a row")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(format!(
            "snapshot name \"{name}\" {problem} (CreateDBSnapshot's DBSnapshotIdentifier rules)"
        )),
        None => Ok(()),
    }
}

/// The runbook's names: `forensics-<epoch seconds>` while an incident is open, else
/// `<prefix>-backup-YYYYMMDD-HHMMSS` (UTC), the prefix being the instance's first word
/// (`basecoat` for `basecoat-portal-db`, the runbook's own name).
pub fn default_name(instance: &str, at: Timestamp, incident_open: bool) -> String {
    if incident_open {
        return format!("forensics-{}", at.timestamp());
    }
    let prefix = instance.split('-').next().unwrap_or(instance);
    format!("{prefix}-backup-{}", at.format("%Y%m%d-%H%M%S"))
}

/// Proposes a snapshot named `name` of `instance`.
pub fn propose(
    id: u64,
    instance: &RdsInstance,
    name: &str,
    context: &ActionContext,
) -> Result<Proposal, String> {
    let name = name.trim();
    check_identifier(name)?;
    if !instance.available() {
        return Err(format!(
            "{} is {}: RDS takes a snapshot of an available instance only",
            instance.identifier, instance.status
        ));
    }
    let mut risk_reasons = vec!["a copy of the data: nothing in the database changes".to_owned()];
    if !instance.multi_az {
        risk_reasons.push(
            "Single-AZ: I/O pauses briefly while the snapshot starts (seconds to minutes)"
                .to_owned(),
        );
    }
    risk_reasons.push("billed as backup storage until deleted".to_owned());
    let proposal = Proposal {
        id,
        title: "Create DB snapshot".to_owned(),
        environment: context.environment.clone(),
        target: instance.identifier.clone(),
        changes: vec![Change::new(
            format!("manual snapshot of {}", instance.identifier),
            "none",
            name,
        )],
        affected: Vec::new(),
        risk: if instance.multi_az {
            Risk::Low
        } else {
            Risk::Medium
        },
        risk_reasons,
        permission: PERMISSION.to_owned(),
        call: format!(
            "rds create-db-snapshot --db-instance-identifier {} --db-snapshot-identifier {name}",
            instance.identifier
        ),
        typed_confirmation: None,
        request: ActionRequest::CreateDbSnapshot {
            instance: instance.identifier.clone(),
            snapshot: name.to_owned(),
        },
    };
    Ok(apply_environment_risk(proposal, context, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        chrono::DateTime::from_timestamp(1_796_054_820, 0).unwrap_or_default()
    }

    #[test]
    fn names_follow_the_runbook_and_the_api_rules() {
        assert_eq!(
            default_name("basecoat-portal-db", at(), false),
            "basecoat-backup-20261130-160700"
        );
        assert_eq!(
            default_name("basecoat-portal-db", at(), true),
            "forensics-1796054820"
        );
        for good in [
            "basecoat-backup-20261130-160700",
            "forensics-1796054820",
            "a",
        ] {
            assert_eq!(check_identifier(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("", "is empty"),
            ("1backup", "must start with a letter"),
            ("backup_1", "may hold only letters, digits and hyphens"),
            ("backup-", "must not end with a hyphen"),
            ("back--up", "must not hold two hyphens in a row"),
        ] {
            let error = check_identifier(bad).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(check_identifier(&"a".repeat(256)).is_err());
    }
}
