//! Database session actions: cancel a query, terminate a backend, and the runbook's bulk rules
//! ("kill long-running query" after 1 h, "kill idle connections" after 30 min).

use super::{
    ActionContext, ActionRequest, Change, Proposal, Risk, SessionRef, apply_environment_risk,
};
use crate::format;
use crate::model::{DbSession, SessionState, Timestamp};

/// The SQL a terminate runs; parameters only, and it re-checks identity and client backend.
pub const TERMINATE_SQL: &str = "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2 AND backend_type = 'client backend' AND pid <> pg_backend_pid()";
/// The SQL a cancel runs; the query must still be the one seen.
pub const CANCEL_SQL: &str = "SELECT pid, pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2 AND query_start = $3 AND backend_type = 'client backend' AND pid <> pg_backend_pid()";

/// The session as the operator sees it now: what the preflight will compare against.
pub fn session_ref(session: &DbSession) -> SessionRef {
    SessionRef {
        pid: session.pid,
        backend_start: session.backend_start,
        query_start: session.query_start,
        user: session.user.clone(),
        application: session.application.clone(),
        query: format::one_line(&session.query),
    }
}

fn describe(session: &SessionRef) -> String {
    format!(
        "pid {} {} {} {}",
        session.pid,
        session.user,
        session.application,
        format::truncate(&session.query, 60)
    )
}

/// Proposes cancelling the query of `session` (the session stays connected).
pub fn propose_cancel(
    id: u64,
    session: &DbSession,
    context: &ActionContext,
) -> Result<Proposal, String> {
    if session.state != SessionState::Active {
        return Err(format!(
            "pid {} is {}, not running a query; terminate the backend instead",
            session.pid,
            session.state.as_str()
        ));
    }
    let reference = session_ref(session);
    let proposal = Proposal {
        id,
        title: "Cancel query".to_owned(),
        environment: context.environment.clone(),
        target: format!("pid {}", session.pid),
        changes: vec![Change::new("query", "active", "cancelled (session stays)")],
        affected: vec![describe(&reference)],
        risk: Risk::Low,
        risk_reasons: vec!["the client sees its statement fail".to_owned()],
        permission: "pg_signal_backend (or the session's own role)".to_owned(),
        call: format!(
            "{CANCEL_SQL} -- $1={} $2={} $3={}",
            session.pid,
            session.backend_start.to_rfc3339(),
            session
                .query_start
                .map_or_else(|| "null".to_owned(), |at| at.to_rfc3339())
        ),
        typed_confirmation: None,
        request: ActionRequest::CancelQuery { session: reference },
    };
    Ok(apply_environment_risk(
        proposal,
        context,
        &session.pid.to_string(),
    ))
}

/// Proposes terminating the backend of `session`.
pub fn propose_terminate(id: u64, session: &DbSession, context: &ActionContext) -> Proposal {
    let reference = session_ref(session);
    let proposal = Proposal {
        id,
        title: "Terminate backend".to_owned(),
        environment: context.environment.clone(),
        target: format!("pid {}", session.pid),
        changes: vec![Change::new(
            "connection",
            session.state.as_str(),
            "terminated",
        )],
        affected: vec![describe(&reference)],
        risk: Risk::Medium,
        risk_reasons: vec!["its open transaction is rolled back".to_owned()],
        permission: "pg_signal_backend (or the session's own role)".to_owned(),
        call: format!(
            "{TERMINATE_SQL} -- $1={} $2={}",
            session.pid,
            session.backend_start.to_rfc3339()
        ),
        typed_confirmation: None,
        request: ActionRequest::TerminateBackends {
            database: session.database.clone(),
            sessions: vec![reference],
        },
    };
    apply_environment_risk(proposal, context, &session.pid.to_string())
}

/// Which sessions a bulk rule hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkRule {
    /// Active queries running longer than the limit.
    LongQueries { longer_than_seconds: u64 },
    /// Idle sessions idle longer than the limit.
    IdleSessions { longer_than_seconds: u64 },
}

impl BulkRule {
    /// Whether `session`, observed at `at`, is one the rule terminates (the health check
    /// counts by the same rule, so its rows are what `L` and `I` would clear).
    pub fn hits(self, session: &DbSession, at: Timestamp) -> bool {
        let older_than = |since: Option<Timestamp>, limit: u64| {
            since.is_some_and(|since| format::seconds_between(since, at) as u64 > limit)
        };
        match self {
            Self::LongQueries {
                longer_than_seconds,
            } => {
                session.state == SessionState::Active
                    && older_than(session.query_start, longer_than_seconds)
            }
            Self::IdleSessions {
                longer_than_seconds,
            } => {
                session.state == SessionState::Idle
                    && older_than(session.state_change, longer_than_seconds)
            }
        }
    }

    fn title(self) -> String {
        match self {
            Self::LongQueries {
                longer_than_seconds,
            } => format!(
                "Terminate queries running longer than {}",
                format::duration(longer_than_seconds as i64)
            ),
            Self::IdleSessions {
                longer_than_seconds,
            } => format!(
                "Terminate sessions idle longer than {}",
                format::duration(longer_than_seconds as i64)
            ),
        }
    }
}

/// Proposes terminating every session `rule` hits, observed at `at`. Always high risk: the
/// operator types the database name.
pub fn propose_bulk(
    id: u64,
    sessions: &[DbSession],
    rule: BulkRule,
    at: Timestamp,
    context: &ActionContext,
) -> Result<Proposal, String> {
    let hit: Vec<&DbSession> = sessions.iter().filter(|s| rule.hits(s, at)).collect();
    let Some(first) = hit.first() else {
        return Err(format!(
            "no session matches: {}",
            rule.title().to_lowercase()
        ));
    };
    // One database per proposal: the name typed to confirm must cover every pid hit.
    let database = first.database.clone();
    let others = hit.iter().filter(|s| s.database != database).count();
    let references: Vec<SessionRef> = hit
        .iter()
        .filter(|s| s.database == database)
        .map(|s| session_ref(s))
        .collect();
    let proposal = Proposal {
        id,
        title: rule.title(),
        environment: context.environment.clone(),
        target: database.clone(),
        changes: vec![Change::new(
            "connections",
            sessions.len(),
            sessions.len() - references.len(),
        )],
        affected: references.iter().map(describe).collect(),
        risk: Risk::High,
        risk_reasons: std::iter::once(format!("bulk terminate of {} session(s)", references.len()))
            .chain((others > 0).then(|| {
                format!("{others} matching session(s) in other databases are not included")
            }))
            .collect(),
        permission: "pg_signal_backend (or the sessions' own roles)".to_owned(),
        call: format!("{TERMINATE_SQL} -- once per pid, {} pids", references.len()),
        typed_confirmation: None,
        request: ActionRequest::TerminateBackends {
            database: database.clone(),
            sessions: references,
        },
    };
    Ok(apply_environment_risk(proposal, context, &database))
}
