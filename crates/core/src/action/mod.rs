//! Guarded actions: every change opsdeck makes goes through one mechanism. A key produces a
//! *proposal* (what, where, before -> after, risk, permission); the confirm dialog shows it;
//! only a confirmed proposal becomes an effect, which re-reads the state (preflight) before it
//! changes anything, and writes an intent and an outcome line to the audit journal.

pub mod analyze;
pub mod db_sessions;
pub mod db_snapshot;
pub mod ecs_desired;
pub mod executor;
pub mod instance_refresh;
pub mod journal;
pub mod journal_view;
pub mod max_size;
pub mod rollback;
pub mod routing;
pub mod scale;

use serde::{Deserialize, Serialize};

use crate::model::Timestamp;

/// How dangerous a proposal is; high risk asks for the resource name to be typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    /// Lowercase word for display.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// One line of "what changes".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub what: String,
    pub before: String,
    pub after: String,
}

impl Change {
    /// A before -> after change of `what`.
    pub fn new(what: impl Into<String>, before: impl ToString, after: impl ToString) -> Self {
        Self {
            what: what.into(),
            before: before.to_string(),
            after: after.to_string(),
        }
    }
}

/// A backend as the operator saw it: the pid alone could be recycled by another connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRef {
    pub pid: i32,
    pub backend_start: Timestamp,
    /// For query actions: the query must still be the one seen.
    pub query_start: Option<Timestamp>,
    pub user: String,
    pub application: String,
    pub query: String,
}

/// Exactly what to do, with what the operator saw, for the preflight to compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionRequest {
    SetDesiredCapacity {
        group: String,
        expected_desired: u32,
        desired: u32,
        honor_cooldown: bool,
    },
    SetMaxSize {
        group: String,
        expected_max: u32,
        max: u32,
    },
    StartInstanceRefresh {
        group: String,
        min_healthy_percentage: u32,
        instance_warmup_seconds: u32,
    },
    CancelInstanceRefresh {
        group: String,
    },
    /// Point the group at an earlier launch template version, then replace every instance.
    RollBack {
        group: String,
        template_id: String,
        from_version: u32,
        to_version: u32,
        min_healthy_percentage: u32,
        instance_warmup_seconds: u32,
    },
    CancelQuery {
        session: SessionRef,
    },
    TerminateBackends {
        database: String,
        sessions: Vec<SessionRef>,
    },
    ForceNewDeployment {
        cluster: String,
        service: String,
    },
    SetEcsDesiredCount {
        cluster: String,
        service: String,
        expected_desired: u32,
        desired: u32,
    },
    /// ANALYZE `table`, or every table of `database` (the one the monitoring connects to).
    Analyze {
        database: String,
        table: Option<analyze::TableName>,
    },
    /// A manual snapshot of an RDS instance (CreateDBSnapshot, Amazon RDS API Reference).
    CreateDbSnapshot {
        instance: String,
        snapshot: String,
    },
}

impl ActionRequest {
    /// Whether the request acts on the database (run as its role) rather than on AWS.
    pub fn targets_database(&self) -> bool {
        matches!(
            self,
            Self::CancelQuery { .. } | Self::TerminateBackends { .. } | Self::Analyze { .. }
        )
    }

    /// The action's name in the journal.
    pub fn name(&self) -> &'static str {
        match self {
            Self::SetDesiredCapacity { .. } => "set_desired_capacity",
            Self::SetMaxSize { .. } => "set_max_size",
            Self::StartInstanceRefresh { .. } => "start_instance_refresh",
            Self::CancelInstanceRefresh { .. } => "cancel_instance_refresh",
            Self::RollBack { .. } => "roll_back",
            Self::CancelQuery { .. } => "cancel_query",
            Self::TerminateBackends { .. } => "terminate_backends",
            Self::SetEcsDesiredCount { .. } => "set_ecs_desired_count",
            Self::ForceNewDeployment { .. } => "force_new_deployment",
            Self::Analyze { .. } => "analyze",
            Self::CreateDbSnapshot { .. } => "create_db_snapshot",
        }
    }
}

/// A proposed change, as the confirm dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Sequence number within this run.
    pub id: u64,
    pub title: String,
    pub environment: String,
    /// The resource acted on: group, service, database or backend.
    pub target: String,
    pub changes: Vec<Change>,
    /// Every row hit, for bulk actions (pid, user, application, query).
    pub affected: Vec<String>,
    pub risk: Risk,
    /// Why the risk is what it is.
    pub risk_reasons: Vec<String>,
    /// The IAM permission or database role the change needs.
    pub permission: String,
    /// The exact call or SQL with its parameters.
    pub call: String,
    /// What must be typed to confirm (high risk only).
    pub typed_confirmation: Option<String>,
    pub request: ActionRequest,
}

/// How an executed action ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", content = "detail", rename_all = "snake_case")]
pub enum Outcome {
    /// The change was made.
    Succeeded(String),
    /// The preflight found the state changed since the operator looked; nothing was sent.
    Aborted(String),
    /// The provider refused (validation, permission).
    Refused(String),
    /// The call failed.
    Failed(String),
    /// No answer in time: the state is re-read, never retried blindly.
    Unknown(String),
}

impl Outcome {
    /// The result word in the journal.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Succeeded(_) => "succeeded",
            Self::Aborted(_) => "aborted",
            Self::Refused(_) => "refused",
            Self::Failed(_) => "failed",
            Self::Unknown(_) => "unknown",
        }
    }

    /// The detail in words.
    pub fn detail(&self) -> &str {
        match self {
            Self::Succeeded(detail)
            | Self::Aborted(detail)
            | Self::Refused(detail)
            | Self::Failed(detail)
            | Self::Unknown(detail) => detail,
        }
    }
}

/// What executing a request reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub outcome: Outcome,
    /// The provider's request id, when it gave one.
    pub request_id: Option<String>,
}

/// Where an action runs: environment, identity, and whether production rules apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionContext {
    pub environment: String,
    pub production: bool,
    /// Whether superuser sessions may be cancelled or terminated (the SQL enforces it; the
    /// proposal shows it).
    pub allow_superuser_termination: bool,
}

/// Scaling in by more than half, or to zero, is high risk: the reason, if it applies.
pub fn halving_risk(current: u32, desired: u32) -> Option<String> {
    (desired == 0 || desired * 2 < current)
        .then(|| format!("scale-in by more than half ({current} -> {desired})"))
}

/// Production makes every proposal high risk: add that reason and the typed confirmation.
pub fn apply_environment_risk(
    mut proposal: Proposal,
    context: &ActionContext,
    name_to_type: &str,
) -> Proposal {
    if context.production {
        proposal
            .risk_reasons
            .push(format!("environment {} is production", context.environment));
    }
    if context.production || proposal.risk == Risk::High {
        proposal.risk = Risk::High;
        proposal.typed_confirmation = Some(name_to_type.to_owned());
    }
    proposal
}
