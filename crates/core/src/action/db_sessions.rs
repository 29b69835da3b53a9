//! Database session actions: cancel a query, terminate a backend, and the runbook's bulk rules
//! ("kill long-running query" after 1 h, "kill idle connections" after 30 min).

use super::{
    ActionContext, ActionRequest, Change, Proposal, Risk, SessionRef, apply_environment_risk,
};
use crate::format;
use crate::model::{DbSession, SessionState, Timestamp};

/// The statement a terminate runs, exactly as shown, journaled and sent: parameters only;
/// it signals the backend only if it is still the one seen ($2), a client backend, not
/// opsdeck's own, and not a superuser's unless the environment allows it ($3).
pub const TERMINATE_SQL: &str = "SELECT pg_terminate_backend(s.pid) \
FROM pg_stat_activity s LEFT JOIN pg_roles r ON r.oid = s.usesysid \
WHERE s.pid = $1 AND s.backend_start = $2 \
AND s.backend_type = 'client backend' AND s.pid <> pg_backend_pid() \
AND ($3 OR NOT coalesce(r.rolsuper, false))";

/// The statement a cancel runs: as [`TERMINATE_SQL`], and the query must still be the one
/// seen ($3); $4 allows superuser sessions.
pub const CANCEL_SQL: &str = "SELECT pg_cancel_backend(s.pid) \
FROM pg_stat_activity s LEFT JOIN pg_roles r ON r.oid = s.usesysid \
WHERE s.pid = $1 AND s.backend_start = $2 AND s.query_start IS NOT DISTINCT FROM $3 \
AND s.backend_type = 'client backend' AND s.pid <> pg_backend_pid() \
AND ($4 OR NOT coalesce(r.rolsuper, false))";

/// Why the SQL would skip `session`, if it would: the preview names it instead of counting it.
fn skipped_by_sql(session: &DbSession, context: &ActionContext) -> Option<String> {
    (session.superuser && !context.allow_superuser_termination).then(|| {
        format!(
            "pid {} ({}) is a superuser session, which allow_superuser_termination = false leaves alone",
            session.pid, session.user
        )
    })
}

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

fn describe(session: &SessionRef, superuser: bool) -> String {
    format!(
        "pid {} {}{} {} {}",
        session.pid,
        session.user,
        if superuser { " [SUPERUSER]" } else { "" },
        session.application,
        format::truncate(&session.query, 60)
    )
}

/// A superuser's session, when the environment allows reaching it, is a high-risk target.
fn superuser_reason(session: &DbSession) -> Option<String> {
    session.superuser.then(|| {
        format!(
            "pid {} belongs to superuser {}: its work may be administration",
            session.pid, session.user
        )
    })
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
    if let Some(skipped) = skipped_by_sql(session, context) {
        return Err(skipped);
    }
    let reference = session_ref(session);
    let mut risk_reasons = vec!["the client sees its statement fail".to_owned()];
    risk_reasons.extend(superuser_reason(session));
    let proposal = Proposal {
        id,
        title: "Cancel query".to_owned(),
        environment: context.environment.clone(),
        target: format!("pid {}", session.pid),
        changes: vec![Change::new("query", "active", "cancelled (session stays)")],
        affected: vec![describe(&reference, session.superuser)],
        risk: if session.superuser {
            Risk::High
        } else {
            Risk::Low
        },
        risk_reasons,
        permission: "pg_signal_backend (or the session's own role)".to_owned(),
        call: format!(
            "{CANCEL_SQL} -- $1={} $2={} $3={} $4={}",
            session.pid,
            session.backend_start.to_rfc3339(),
            session
                .query_start
                .map_or_else(|| "null".to_owned(), |at| at.to_rfc3339()),
            context.allow_superuser_termination
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
pub fn propose_terminate(
    id: u64,
    session: &DbSession,
    context: &ActionContext,
) -> Result<Proposal, String> {
    if let Some(skipped) = skipped_by_sql(session, context) {
        return Err(skipped);
    }
    let reference = session_ref(session);
    let mut risk_reasons = vec!["its open transaction is rolled back".to_owned()];
    risk_reasons.extend(superuser_reason(session));
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
        affected: vec![describe(&reference, session.superuser)],
        risk: if session.superuser {
            Risk::High
        } else {
            Risk::Medium
        },
        risk_reasons,
        permission: "pg_signal_backend (or the session's own role)".to_owned(),
        call: format!(
            "{TERMINATE_SQL} -- $1={} $2={} $3={}",
            session.pid,
            session.backend_start.to_rfc3339(),
            context.allow_superuser_termination
        ),
        typed_confirmation: None,
        request: ActionRequest::TerminateBackends {
            database: session.database.clone(),
            sessions: vec![reference],
        },
    };
    Ok(apply_environment_risk(
        proposal,
        context,
        &session.pid.to_string(),
    ))
}

pub use crate::model::BulkRule;

/// The proposal's title for `rule`.
fn title_of(rule: BulkRule) -> String {
    match rule {
        BulkRule::LongQueries {
            longer_than_seconds,
        } => format!(
            "Terminate queries running longer than {}",
            format::duration(longer_than_seconds as i64)
        ),
        BulkRule::IdleSessions {
            longer_than_seconds,
        } => format!(
            "Terminate sessions idle longer than {}",
            format::duration(longer_than_seconds as i64)
        ),
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
            title_of(rule).to_lowercase()
        ));
    };
    // One database per proposal: the name typed to confirm must cover every pid hit.
    let database = first.database.clone();
    let others = hit.iter().filter(|s| s.database != database).count();
    let (skipped, included): (Vec<&DbSession>, Vec<&DbSession>) = hit
        .iter()
        .filter(|s| s.database == database)
        .partition(|s| skipped_by_sql(s, context).is_some());
    if included.is_empty() {
        return Err(format!(
            "every matching session would be skipped: {}",
            skipped
                .iter()
                .filter_map(|s| skipped_by_sql(s, context))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let references: Vec<SessionRef> = included.iter().map(|s| session_ref(s)).collect();
    let superusers = included.iter().filter(|s| s.superuser).count();
    let mut risk_reasons = vec![format!("bulk terminate of {} session(s)", references.len())];
    if superusers > 0 {
        risk_reasons.push(format!(
            "{superusers} of them belong to superusers (allow_superuser_termination = true)"
        ));
    }
    if others > 0 {
        risk_reasons.push(format!(
            "{others} matching session(s) in other databases are not included"
        ));
    }
    risk_reasons.extend(
        skipped
            .iter()
            .filter_map(|s| skipped_by_sql(s, context))
            .map(|why| format!("skipped: {why}")),
    );
    let pids: Vec<String> = references.iter().map(|r| r.pid.to_string()).collect();
    let proposal = Proposal {
        id,
        title: title_of(rule),
        environment: context.environment.clone(),
        target: database.clone(),
        changes: vec![Change::new(
            "connections",
            sessions.len(),
            sessions.len() - references.len(),
        )],
        affected: included
            .iter()
            .zip(&references)
            .map(|(session, reference)| describe(reference, session.superuser))
            .collect(),
        risk: Risk::High,
        risk_reasons,
        permission: "pg_signal_backend (or the sessions' own roles)".to_owned(),
        call: format!(
            "{TERMINATE_SQL} -- once per pid: $1 in [{}], $2 its backend_start as seen, $3={}",
            pids.join(", "),
            context.allow_superuser_termination
        ),
        typed_confirmation: None,
        request: ActionRequest::TerminateBackends {
            database: database.clone(),
            sessions: references,
        },
    };
    Ok(apply_environment_risk(proposal, context, &database))
}
