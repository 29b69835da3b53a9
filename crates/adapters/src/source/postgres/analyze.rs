//! ANALYZE, on a connection of its own so the pane keeps polling meanwhile, under a statement
//! timeout shorter than the action's (tables finished before it keep their new statistics:
//! without a table list each table is analyzed in its own transaction). PostgreSQL skips,
//! with a WARNING and no error, the tables the role may not analyze (PostgreSQL 15
//! documentation, "ANALYZE"), so success is read back from `pg_stat_user_tables.last_analyze`
//! (PostgreSQL 15 documentation, "The Cumulative Statistics System": "Last time at which this
//! table was manually analyzed"), never assumed.

use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

use super::PostgresSource;
use crate::action::analyze::{TableName, statement};
use crate::action::{Outcome, Report};
use crate::model::Timestamp;

/// ANALYZE gives up after this: well inside the action's 30 s, so its outcome is known.
const STATEMENT_TIMEOUT: &str = "25s";
/// Tables named in an outcome before "and N more".
const NAMED_AT_MOST: usize = 5;

/// Runs ANALYZE of `table` (or every table) in `database`, and reports what was analyzed.
pub async fn run(source: &PostgresSource, database: &str, table: Option<&TableName>) -> Report {
    let outcome = match source.dedicated().await {
        Err(error) => Outcome::Failed(error.message),
        Ok(connection) => analyze(&connection.client, database, table).await,
    };
    Report {
        outcome,
        request_id: None,
    }
}

async fn analyze(client: &Client, database: &str, table: Option<&TableName>) -> Outcome {
    if let Some(aborted) = preflight(client, database, table).await {
        return aborted;
    }
    let started: Timestamp = match client.query_one("SELECT clock_timestamp()", &[]).await {
        Ok(row) => row.get(0),
        Err(error) => return Outcome::Failed(format!("ANALYZE not run: {error}")),
    };
    let run = client
        .batch_execute(&format!(
            "SET statement_timeout = '{STATEMENT_TIMEOUT}'; {}",
            statement(table)
        ))
        .await;
    let stopped = match run {
        Ok(()) => None,
        Err(error) => match error.code() {
            Some(code) if *code == SqlState::QUERY_CANCELED => Some(format!(
                "stopped at the {STATEMENT_TIMEOUT} statement timeout"
            )),
            Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => {
                return Outcome::Refused(format!("ANALYZE refused: {error}"));
            }
            _ => return Outcome::Failed(format!("ANALYZE failed: {error}")),
        },
    };
    match analyzed_since(client, started, table).await {
        Ok((done, skipped)) => summarize(&done, &skipped, stopped, table),
        Err(error) => Outcome::Unknown(format!(
            "ANALYZE ran, but what it analyzed could not be read back: {error}"
        )),
    }
}

/// The database is the one proposed, and the table still exists.
async fn preflight(client: &Client, database: &str, table: Option<&TableName>) -> Option<Outcome> {
    let current: String = match client.query_one("SELECT current_database()", &[]).await {
        Ok(row) => row.get(0),
        Err(error) => return Some(Outcome::Failed(format!("preflight failed: {error}"))),
    };
    if current != database {
        return Some(Outcome::Aborted(format!(
            "the DSN now connects to {current}, not {database}; nothing was run"
        )));
    }
    let table = table?;
    match client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table.quoted()])
        .await
    {
        Ok(row) if row.get::<_, bool>(0) => None,
        Ok(_) => Some(Outcome::Aborted(format!(
            "table {table} no longer exists; nothing was run"
        ))),
        Err(error) => Some(Outcome::Failed(format!("preflight failed: {error}"))),
    }
}

/// The user tables analyzed since `started`, and those not, by name.
async fn analyzed_since(
    client: &Client,
    started: Timestamp,
    table: Option<&TableName>,
) -> Result<(Vec<String>, Vec<String>), tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT schemaname || '.' || relname, coalesce(last_analyze >= $1, false) \
             FROM pg_stat_user_tables \
             WHERE $2::text IS NULL OR relid = to_regclass($2::text) \
             ORDER BY 1",
            &[&started, &table.map(TableName::quoted)],
        )
        .await?;
    let (done, skipped): (Vec<_>, Vec<_>) = rows.iter().partition(|row| row.get::<_, bool>(1));
    let names = |rows: Vec<&tokio_postgres::Row>| rows.iter().map(|row| row.get(0)).collect();
    Ok((names(done), names(skipped)))
}

fn summarize(
    done: &[String],
    skipped: &[String],
    stopped: Option<String>,
    table: Option<&TableName>,
) -> Outcome {
    let total = done.len() + skipped.len();
    let mut detail = match table {
        Some(table) if done.is_empty() => format!("{table} was not analyzed"),
        Some(table) => format!("analyzed {table}"),
        None => format!("analyzed {} of {total} tables", done.len()),
    };
    if let Some(stopped) = &stopped {
        detail = format!("{stopped}: {detail}");
    }
    if !skipped.is_empty() && table.is_none() {
        detail.push_str(&format!("; not analyzed: {}", named(skipped)));
    }
    if !skipped.is_empty() && stopped.is_none() {
        detail.push_str(
            " (only the owner of a table, the database owner or a superuser may analyze it)",
        );
    }
    match (done.is_empty(), stopped) {
        (false, None) => Outcome::Succeeded(detail),
        (true, None) if total > 0 => Outcome::Refused(detail),
        (true, None) => Outcome::Succeeded("no user table to analyze".to_owned()),
        (_, Some(_)) => Outcome::Failed(detail),
    }
}

/// "a, b, c and 4 more".
fn named(tables: &[String]) -> String {
    let shown = tables[..tables.len().min(NAMED_AT_MOST)].join(", ");
    match tables.len().saturating_sub(NAMED_AT_MOST) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn skipped_tables_are_named_and_nothing_analyzed_is_a_refusal() {
        let outcome = summarize(&names(&["public.a"]), &names(&["public.b"]), None, None);
        assert_eq!(
            outcome,
            Outcome::Succeeded("analyzed 1 of 2 tables; not analyzed: public.b (only the owner of a table, the database owner or a superuser may analyze it)".to_owned())
        );
        let table = TableName {
            schema: "public".to_owned(),
            name: "b".to_owned(),
        };
        assert!(matches!(
            summarize(&[], &names(&["public.b"]), None, Some(&table)),
            Outcome::Refused(detail) if detail.starts_with("public.b was not analyzed")
        ));
        let many: Vec<String> = (0..8).map(|n| format!("public.t{n}")).collect();
        assert_eq!(
            named(&many),
            "public.t0, public.t1, public.t2, public.t3, public.t4 and 3 more"
        );
    }
}
