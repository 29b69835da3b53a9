//! One query per poll: every client backend but our own, with the server's clock and limit.

use tokio_postgres::{Client, Row};

use super::errors::to_source_error;
use crate::model::{DatabaseActivity, DatabaseTotals, DbSession, SessionState, Timestamp};
use crate::source::SourceError;

/// `pg_blocking_pids` takes the lock manager's locks, so it is asked only of sessions that
/// wait on a lock. The one-row `LEFT JOIN` returns the server's clock and limit even when no
/// other session exists.
const ACTIVITY_SQL: &str = "
SELECT now() AS observed_at,
       current_setting('max_connections')::int AS max_connections,
       a.pid, a.usename, a.datname, a.application_name, a.client_addr, a.state,
       a.wait_event_type, a.wait_event, a.query, a.backend_start, a.xact_start, a.query_start, a.state_change,
       a.blocked_by, a.superuser
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT s.pid,
           coalesce(s.usename, '') AS usename,
           coalesce(s.datname, '') AS datname,
           coalesce(s.application_name, '') AS application_name,
           coalesce(host(s.client_addr), 'local') AS client_addr,
           coalesce(s.state, '') AS state,
           s.wait_event_type, s.wait_event,
           coalesce(s.query, '') AS query,
           s.backend_start, s.xact_start, s.query_start, s.state_change,
           CASE WHEN s.wait_event_type = 'Lock' THEN pg_blocking_pids(s.pid) ELSE '{}'::int[] END AS blocked_by,
           coalesce(r.rolsuper, false) AS superuser
    FROM pg_stat_activity s
    LEFT JOIN pg_roles r ON r.oid = s.usesysid
    WHERE s.backend_type = 'client backend' AND s.pid <> pg_backend_pid()
) AS a ON true";

/// Reads the activity.
pub async fn read(client: &Client) -> Result<DatabaseActivity, SourceError> {
    let rows = client
        .query(ACTIVITY_SQL, &[])
        .await
        .map_err(|error| to_source_error(&error))?;
    let decode = |error: tokio_postgres::Error| to_source_error(&error);
    let first = rows.first();
    let observed_at: Option<Timestamp> = first
        .map(|row| row.try_get("observed_at"))
        .transpose()
        .map_err(decode)?;
    let max_connections: i32 = first
        .map(|row| row.try_get("max_connections"))
        .transpose()
        .map_err(decode)?
        .unwrap_or(0);
    let mut sessions = Vec::with_capacity(rows.len());
    for row in &rows {
        if let Some(session) = session(row).map_err(decode)? {
            sessions.push(session);
        }
    }
    Ok(DatabaseActivity {
        totals: totals(&sessions, u32::try_from(max_connections).unwrap_or(0)),
        sessions,
        observed_at,
    })
}

/// One session, or None for the placeholder row of an empty server.
fn session(row: &Row) -> Result<Option<DbSession>, tokio_postgres::Error> {
    let Some(pid) = row.try_get::<_, Option<i32>>("pid")? else {
        return Ok(None);
    };
    let state: String = row.try_get("state")?;
    Ok(Some(DbSession {
        pid,
        user: row.try_get("usename")?,
        database: row.try_get("datname")?,
        application: row.try_get("application_name")?,
        client_addr: row.try_get("client_addr")?,
        state: SessionState::from_pg(&state),
        wait_event_type: row.try_get("wait_event_type")?,
        wait_event: row.try_get("wait_event")?,
        query: row.try_get("query")?,
        backend_start: row.try_get("backend_start")?,
        xact_start: row.try_get("xact_start")?,
        query_start: row.try_get("query_start")?,
        state_change: row.try_get("state_change")?,
        blocked_by: row.try_get("blocked_by")?,
        superuser: row.try_get("superuser")?,
    }))
}

fn totals(sessions: &[DbSession], max_connections: u32) -> DatabaseTotals {
    let mut by_database: Vec<(String, u32)> = Vec::new();
    let mut by_state: Vec<(String, u32)> = Vec::new();
    for session in sessions {
        count(&mut by_database, &session.database);
        count(&mut by_state, session.state.as_str());
    }
    for counts in [&mut by_database, &mut by_state] {
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    DatabaseTotals {
        max_connections,
        by_database,
        by_state,
    }
}

fn count(counts: &mut Vec<(String, u32)>, key: &str) {
    match counts.iter_mut().find(|(name, _)| name == key) {
        Some((_, n)) => *n += 1,
        None => counts.push((key.to_owned(), 1)),
    }
}

/// The runbook's table size query, largest first.
const TABLE_SIZES_SQL: &str = "
SELECT schemaname::text, tablename::text,
       pg_total_relation_size(format('%I.%I', schemaname, tablename)) AS total_bytes
FROM pg_tables
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 3 DESC
LIMIT 200";

/// Table sizes, largest first.
pub async fn table_sizes(client: &Client) -> Result<Vec<crate::model::TableSize>, SourceError> {
    let decode = |error: tokio_postgres::Error| to_source_error(&error);
    let rows = client.query(TABLE_SIZES_SQL, &[]).await.map_err(decode)?;
    rows.iter()
        .map(|row| {
            Ok(crate::model::TableSize {
                schema: row.try_get(0).map_err(decode)?,
                name: row.try_get(1).map_err(decode)?,
                total_bytes: row.try_get(2).map_err(decode)?,
            })
        })
        .collect()
}
