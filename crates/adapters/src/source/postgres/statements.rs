//! `pg_stat_statements`: the top statements by total execution time, for the top SQL view.
//!
//! The extension is two things, and either can be missing: the library, loaded only through
//! `shared_preload_libraries` (a server restart; on RDS the DB parameter group), and the
//! view, made in one database by `CREATE EXTENSION pg_stat_statements`. Each gets its own
//! message naming what to do. Column names follow the extension's version: 1.8
//! (PostgreSQL 13) renamed `total_time` to `total_exec_time`.

use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

use super::errors::to_source_error;
use crate::model::{StatementReading, StatementTotals};
use crate::source::{SourceError, SourceErrorKind};

/// How many entries one reading takes. Rates need an entry in two readings running, so
/// this is well above the screen's rows: a statement climbing into the top is measured from
/// its second reading.
const TOP: i64 = 100;

/// Where the extension is installed in this database, and its version.
const EXTENSION_SQL: &str = "
SELECT quote_ident(n.nspname) AS schema, e.extversion
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'";

/// Reads the top entries, or says which half of the extension is missing.
pub async fn read(client: &Client, database: &str) -> Result<StatementReading, SourceError> {
    let decode = |error: tokio_postgres::Error| to_source_error(&error);
    let Some(extension) = client.query_opt(EXTENSION_SQL, &[]).await.map_err(decode)? else {
        return Err(SourceError::new(
            SourceErrorKind::NotFound,
            format!(
                "pg_stat_statements is not installed in database {database}: run \
                 CREATE EXTENSION pg_stat_statements; there (the server also needs \
                 shared_preload_libraries = 'pg_stat_statements')"
            ),
        ));
    };
    let schema: String = extension.try_get("schema").map_err(decode)?;
    let version: String = extension.try_get("extversion").map_err(decode)?;
    let rows = client
        .query(&top_sql(&schema, &version), &[&TOP])
        .await
        .map_err(|error| not_loaded(&error).unwrap_or_else(|| to_source_error(&error)))?;
    let observed_at = match rows.first() {
        Some(row) => row.try_get("observed_at").map_err(decode)?,
        None => {
            let row = client
                .query_one("SELECT now()", &[])
                .await
                .map_err(decode)?;
            row.try_get(0).map_err(decode)?
        }
    };
    let statements = rows
        .iter()
        .map(|row| {
            Ok(StatementTotals {
                query_id: row.try_get("queryid")?,
                user: row.try_get("usename")?,
                database: row.try_get("datname")?,
                query: row.try_get("query")?,
                calls: row.try_get("calls")?,
                total_ms: row.try_get("total_ms")?,
                rows: row.try_get("rows")?,
                shared_blks_hit: row.try_get("shared_blks_hit")?,
                shared_blks_read: row.try_get("shared_blks_read")?,
            })
        })
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        .map_err(decode)?;
    Ok(StatementReading {
        statements,
        observed_at,
    })
}

/// The query for the extension in `schema` at `version`. Another role's entry shows a NULL
/// `queryid` to a role without `pg_read_all_stats`; its text says so.
fn top_sql(schema: &str, version: &str) -> String {
    let total = if renamed_total_time(version) {
        "total_exec_time"
    } else {
        "total_time"
    };
    format!(
        "SELECT now() AS observed_at,
                coalesce(s.queryid, 0) AS queryid,
                coalesce(r.rolname::text, s.userid::text) AS usename,
                coalesce(d.datname::text, s.dbid::text) AS datname,
                coalesce(s.query, '') AS query,
                s.calls, s.{total} AS total_ms, s.rows, s.shared_blks_hit, s.shared_blks_read
         FROM {schema}.pg_stat_statements s
         LEFT JOIN pg_roles r ON r.oid = s.userid
         LEFT JOIN pg_database d ON d.oid = s.dbid
         ORDER BY s.{total} DESC
         LIMIT $1"
    )
}

/// True from version 1.8, which named the column `total_exec_time`.
fn renamed_total_time(version: &str) -> bool {
    let mut parts = version
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (1, 8)
}

/// The view exists but the library was not loaded at server start: SQLSTATE 55000,
/// "pg_stat_statements must be loaded via shared_preload_libraries".
fn not_loaded(error: &tokio_postgres::Error) -> Option<SourceError> {
    let db = error.as_db_error()?;
    (*db.code() == SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE).then(|| {
        SourceError::new(
            SourceErrorKind::NotFound,
            format!(
                "{}: add pg_stat_statements to shared_preload_libraries and restart the \
                 server (on RDS: the DB parameter group, then a reboot)",
                db.message()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_name_follows_the_extension_version() {
        assert!(!renamed_total_time("1.7"));
        assert!(renamed_total_time("1.8"));
        assert!(renamed_total_time("1.10"), "1.10 is after 1.8, not before");
        assert!(top_sql("public", "1.6").contains("s.total_time AS total_ms"));
        assert!(top_sql("public", "1.10").contains("s.total_exec_time AS total_ms"));
    }
}
