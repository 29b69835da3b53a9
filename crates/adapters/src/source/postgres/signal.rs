//! Cancel and terminate, with the safety rules in the SQL itself: parameters only, never our
//! own backend, only client backends, the backend (and for a cancel, the query) must still be
//! the one the operator saw, and superuser sessions only when the config allows it. Each pid
//! gets its own result.

use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

use super::PostgresSource;
use super::errors::to_source_error;
use crate::action::db_sessions::{CANCEL_SQL, TERMINATE_SQL};
use crate::action::executor::{ActionExecutor, ReportFuture};
use crate::action::{ActionRequest, Outcome, Report, SessionRef};

/// Why a signal hit no row: the session as it is now.
const EXPLAIN_SQL: &str = "
SELECT s.backend_start, s.query_start, s.backend_type, s.pid = pg_backend_pid() AS own,
       coalesce(r.rolsuper, false) AS superuser
FROM pg_stat_activity s LEFT JOIN pg_roles r ON r.oid = s.usesysid
WHERE s.pid = $1";

/// What became of one pid.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PidResult {
    Done,
    Skipped(String),
    Denied(String),
}

impl ActionExecutor for PostgresSource {
    fn execute(&self, request: ActionRequest) -> ReportFuture<'_> {
        Box::pin(async move {
            if let ActionRequest::Analyze { database, table } = &request {
                return super::analyze::run(self, database, table.as_ref()).await;
            }
            let outcome = match self.client().await {
                Err(error) => Outcome::Failed(error.message),
                Ok(client) => match &request {
                    ActionRequest::CancelQuery { session } => {
                        let result = signal(&client, session, true, self.allow_superuser).await;
                        summarize(&[(session.pid, result)], "cancelled")
                    }
                    ActionRequest::TerminateBackends { sessions, .. } => {
                        let mut results = Vec::with_capacity(sessions.len());
                        for session in sessions {
                            let result =
                                signal(&client, session, false, self.allow_superuser).await;
                            results.push((session.pid, result));
                        }
                        summarize(&results, "terminated")
                    }
                    other => {
                        Outcome::Refused(format!("{} is not a PostgreSQL action", other.name()))
                    }
                },
            };
            Report {
                outcome,
                request_id: None,
            }
        })
    }
}

async fn signal(
    client: &Client,
    session: &SessionRef,
    cancel: bool,
    allow_superuser: bool,
) -> PidResult {
    let result = if cancel {
        client
            .query(
                CANCEL_SQL,
                &[
                    &session.pid,
                    &session.backend_start,
                    &session.query_start,
                    &allow_superuser,
                ],
            )
            .await
    } else {
        client
            .query(
                TERMINATE_SQL,
                &[&session.pid, &session.backend_start, &allow_superuser],
            )
            .await
    };
    match result {
        Ok(rows)
            if rows
                .first()
                .is_some_and(|row| row.try_get::<_, bool>(0).unwrap_or(false)) =>
        {
            PidResult::Done
        }
        Ok(rows) if !rows.is_empty() => {
            PidResult::Skipped(format!("pid {} did not accept the signal", session.pid))
        }
        Ok(_) => explain(client, session, cancel, allow_superuser).await,
        Err(error) if error.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {
            PidResult::Denied(format!(
                "pid {}: permission denied ({}); the role needs pg_signal_backend",
                session.pid,
                to_source_error(&error).message
            ))
        }
        Err(error) => PidResult::Denied(format!(
            "pid {}: {}",
            session.pid,
            to_source_error(&error).message
        )),
    }
}

/// The signal hit no row: say why, from what the session is now.
async fn explain(
    client: &Client,
    session: &SessionRef,
    cancel: bool,
    allow_superuser: bool,
) -> PidResult {
    let pid = session.pid;
    let row = match client.query_opt(EXPLAIN_SQL, &[&pid]).await {
        Ok(row) => row,
        Err(error) => {
            return PidResult::Denied(format!("pid {pid}: {}", to_source_error(&error).message));
        }
    };
    let Some(row) = row else {
        return PidResult::Skipped(format!("pid {pid} already gone"));
    };
    let backend_start: Option<crate::model::Timestamp> =
        row.try_get("backend_start").unwrap_or(None);
    let query_start: Option<crate::model::Timestamp> = row.try_get("query_start").unwrap_or(None);
    let backend_type: Option<String> = row.try_get("backend_type").unwrap_or(None);
    let own: bool = row.try_get("own").unwrap_or(false);
    let superuser: bool = row.try_get("superuser").unwrap_or(false);
    let reason = if own {
        "is opsdeck's own connection".to_owned()
    } else if backend_type.as_deref() != Some("client backend") {
        format!(
            "is a {} process, not a client",
            backend_type.unwrap_or_default()
        )
    } else if backend_start != Some(session.backend_start) {
        "is another backend now (pid recycled)".to_owned()
    } else if cancel && query_start != session.query_start {
        "runs another query now".to_owned()
    } else if superuser && !allow_superuser {
        "is a superuser session (allow_superuser_termination is off)".to_owned()
    } else {
        "no longer matches what was seen".to_owned()
    };
    PidResult::Skipped(format!("pid {pid} skipped: {reason}"))
}

fn summarize(results: &[(i32, PidResult)], verb: &str) -> Outcome {
    let done = results
        .iter()
        .filter(|(_, r)| *r == PidResult::Done)
        .count();
    let mut detail = format!("{done} of {} {verb}", results.len());
    let notes: Vec<&str> = results
        .iter()
        .filter_map(|(_, result)| match result {
            PidResult::Done => None,
            PidResult::Skipped(note) | PidResult::Denied(note) => Some(note.as_str()),
        })
        .collect();
    if !notes.is_empty() {
        detail.push_str("; ");
        detail.push_str(&notes.join("; "));
    }
    let denied = results
        .iter()
        .any(|(_, r)| matches!(r, PidResult::Denied(_)));
    match (done, denied) {
        (0, true) => Outcome::Refused(detail),
        (0, false) => Outcome::Aborted(detail),
        _ => Outcome::Succeeded(detail),
    }
}
