//! CloudWatch Logs: the runbook's Logs Insights error query (StartQuery, GetQueryResults;
//! StopQuery when it runs too long or its poll is dropped) and a tail of ERROR lines
//! (FilterLogEvents, each group continued from its newest line seen; see [`super::log_tail`]).
//!
//! Logs Insights is billed per byte scanned ("Amazon CloudWatch Pricing"; the bytes are
//! GetQueryResults' `statistics.bytesScanned`, CloudWatch Logs API Reference), so each error
//! query scans only what was written
//! since the last (see [`super::log_ledger`]), at most `MAX_QUERIES_IN_FLIGHT` at once; when
//! a poll runs it is the poller's call ([`ErrorQuery`], from the source's schedule). The tail
//! is incremental too.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::QueryStatus;
use tokio::sync::Semaphore;

use super::errors::classify;
use super::log_ledger::{Ledger, Plan};
use super::log_tail::Tail;
use crate::model::{LogErrorCount, LogErrors};
use crate::source::{ErrorQuery, SourceError, SourceErrorKind};

/// The default error query: the runbook's (`filter @level = "ERROR" | stats count() by
/// @service`, quoted in the README), made to count on real logs. "Supported logs and
/// discovered fields" (CloudWatch Logs user guide): only the system fields start with `@`;
/// the keys of a JSON log event are discovered under their own names, so `{"level":"ERROR"}`
/// is `level`, and the runbook's `@level` matches nothing there. `coalesce` ("CloudWatch Logs
/// Insights language query syntax", general functions) takes whichever the logs carry.
pub const DEFAULT_ERROR_QUERY: &str = "fields coalesce(level, @level) as severity, \
coalesce(service, @service) as service_name \
| filter severity = \"ERROR\" | stats count() as errors by service_name | sort errors desc";
/// FilterLogEvents pattern for the tail.
pub const DEFAULT_TAIL_FILTER: &str = "ERROR";
/// The runbook's window for the error query.
pub const DEFAULT_WINDOW_MINUTES: u32 = 15;
/// A query still running after this is stopped (it is billed while it scans).
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(20);
/// Logs Insights queries this source runs at once, whatever asks.
const MAX_QUERIES_IN_FLIGHT: usize = 2;

/// What the Logs pane reads.
#[derive(Debug, Clone)]
pub struct LogScope {
    pub log_groups: Vec<String>,
    pub error_query: String,
    pub tail_filter: String,
    pub window_minutes: u32,
    pub query_timeout: Duration,
}

impl Default for LogScope {
    fn default() -> Self {
        Self {
            log_groups: Vec::new(),
            error_query: DEFAULT_ERROR_QUERY.to_owned(),
            tail_filter: DEFAULT_TAIL_FILTER.to_owned(),
            window_minutes: DEFAULT_WINDOW_MINUTES,
            query_timeout: DEFAULT_QUERY_TIMEOUT,
        }
    }
}

/// The answer of one error query.
#[derive(Debug, Clone, Default)]
struct ErrorCounts {
    counts: Vec<LogErrorCount>,
    bytes_scanned: u64,
}

/// The window's counts as the ledger holds them, and what the scans cost.
#[derive(Debug, Clone, Default)]
struct HeldCounts {
    counts: Vec<LogErrorCount>,
    bytes_last_hour: u64,
    /// Seconds since the epoch.
    counted_until: Option<i64>,
}

/// What the Logs source remembers between polls.
pub struct LogState {
    queries: Semaphore,
    ledger: Mutex<Ledger>,
    /// The last query's error, repeated while failing queries are paused.
    last_error: Mutex<Option<SourceError>>,
    tail: Mutex<Tail>,
}

impl Default for LogState {
    fn default() -> Self {
        Self {
            queries: Semaphore::new(MAX_QUERIES_IN_FLIGHT),
            ledger: Mutex::new(Ledger::default()),
            last_error: Mutex::new(None),
            tail: Mutex::new(Tail::default()),
        }
    }
}

/// Error counts (queried, or held when `query` says so) and the tail, read concurrently.
pub async fn log_errors(
    client: &Client,
    scope: &LogScope,
    state: &LogState,
    query: ErrorQuery,
) -> Result<LogErrors, SourceError> {
    let (counts, tail) = tokio::join!(
        window_counts(client, scope, state, query),
        tail(client, scope, state)
    );
    // The tail reads one group a call, so its not-found error names the group.
    tail?;
    let counts = counts?;
    let tail = lock(&state.tail);
    Ok(LogErrors {
        window_minutes: scope.window_minutes,
        counts: counts.counts,
        recent: tail.lines(),
        bytes_scanned: counts.bytes_last_hour,
        tail_gap: tail.gap(window_start_ms(scope)),
        counted_until: counts
            .counted_until
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0)),
    })
}

/// The window's error counts: only the slice since the last query is scanned (see
/// [`Ledger`]), when the poller asks for a query, and failing queries are paused.
async fn window_counts(
    client: &Client,
    scope: &LogScope,
    state: &LogState,
    query: ErrorQuery,
) -> Result<HeldCounts, SourceError> {
    let now = chrono::Utc::now().timestamp();
    let window = i64::from(scope.window_minutes) * 60;
    let plan = lock(&state.ledger).plan(now, window, query == ErrorQuery::Run);
    let (start, end) = match plan {
        Plan::UseHeld => return Ok(held(state, now, window)),
        Plan::Paused { until } => {
            let last = lock(&state.last_error).clone().unwrap_or_else(|| {
                SourceError::new(SourceErrorKind::Other, "the error query failed")
            });
            return Err(SourceError::new(
                last.kind,
                format!(
                    "{}; the error query is paused for {} after repeated failures (each is billed)",
                    last.message,
                    crate::format::duration(until - now)
                ),
            ));
        }
        Plan::Query { start, end } => (start, end),
    };
    let _permit = state.queries.acquire().await.map_err(|_| {
        SourceError::new(SourceErrorKind::Other, "logs: the query limiter has closed")
    })?;
    match run_error_query(client, scope, start, end).await {
        Ok(answer) => {
            lock(&state.ledger).counted(start, end, answer.counts, answer.bytes_scanned, window);
            *lock(&state.last_error) = None;
            Ok(held(state, end, window))
        }
        Err(error) => {
            lock(&state.ledger).failed(end, 0);
            *lock(&state.last_error) = Some(error.clone());
            Err(error)
        }
    }
}

fn held(state: &LogState, now: i64, window: i64) -> HeldCounts {
    let ledger = lock(&state.ledger);
    HeldCounts {
        counts: ledger.window_counts(now, window),
        bytes_last_hour: ledger.bytes_last_hour(now),
        counted_until: ledger.counted_until(),
    }
}

/// The ledger, the tail and the error hold no invariant a panic could break.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Stops a started query if its poll is dropped before it finished (the app quit, or the
/// poll was superseded), so AWS stops scanning for nobody.
struct StopWhenDropped {
    client: Client,
    query_id: Option<String>,
}

impl StopWhenDropped {
    fn finished(&mut self) {
        self.query_id = None;
    }
}

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        let Some(query_id) = self.query_id.take() else {
            return;
        };
        let client = self.client.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { stop_query(&client, &query_id).await });
        }
    }
}

/// Stops a query. A query that cannot be stopped scans (and is billed) until it ends, so the
/// failure is logged with the permission it may lack.
async fn stop_query(client: &Client, query_id: &str) {
    if let Err(error) = client.stop_query().query_id(query_id).send().await {
        let error = classify(&error, "logs:StopQuery", None);
        tracing::warn!(
            "could not stop Logs Insights query {query_id}: {}; it runs until it ends",
            error.message
        );
    }
}

async fn run_error_query(
    client: &Client,
    scope: &LogScope,
    start: i64,
    end: i64,
) -> Result<ErrorCounts, SourceError> {
    let started = client
        .start_query()
        .set_log_group_names(Some(scope.log_groups.clone()))
        .start_time(start)
        .end_time(end)
        .query_string(&scope.error_query)
        .send()
        .await
        .map_err(|e| classify(&e, "logs:StartQuery", None))?;
    let query_id = started.query_id().unwrap_or_default().to_owned();
    let mut guard = StopWhenDropped {
        client: client.clone(),
        query_id: Some(query_id.clone()),
    };
    let deadline = Instant::now() + scope.query_timeout;
    let mut delay = Duration::from_millis(200);
    loop {
        let answer = client
            .get_query_results()
            .query_id(&query_id)
            .send()
            .await
            .map_err(|e| classify(&e, "logs:GetQueryResults", None))?;
        match answer.status() {
            Some(QueryStatus::Complete) => {
                guard.finished();
                let rows: Vec<Vec<(String, String)>> = answer
                    .results()
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|field| {
                                (
                                    field.field().unwrap_or_default().to_owned(),
                                    field.value().unwrap_or_default().to_owned(),
                                )
                            })
                            .collect()
                    })
                    .collect();
                let bytes = answer.statistics().map_or(0.0, |s| s.bytes_scanned());
                return Ok(ErrorCounts {
                    counts: counts_from_rows(&rows),
                    bytes_scanned: bytes.max(0.0) as u64,
                });
            }
            Some(QueryStatus::Running | QueryStatus::Scheduled) | None => {}
            Some(other) => {
                guard.finished();
                return Err(SourceError::new(
                    SourceErrorKind::Other,
                    format!("Logs Insights query ended {}", other.as_str()),
                ));
            }
        }
        if Instant::now() + delay > deadline {
            guard.finished();
            stop_query(client, &query_id).await;
            return Err(SourceError::new(
                SourceErrorKind::Timeout,
                format!(
                    "Logs Insights query still running after {} s; stopped it",
                    scope.query_timeout.as_secs_f64()
                ),
            ));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}

/// Service and count of each result row, highest count first. The count is the first numeric
/// field that is not an `@` field (stats columns are `count()` or an alias, never `@...`); the
/// service is `@service`, else the first other field, so a configured query may group by
/// what it likes (`by @sourceIP`). Rows with no count (a query without `stats`) are skipped.
pub fn counts_from_rows(rows: &[Vec<(String, String)>]) -> Vec<LogErrorCount> {
    let mut counts: Vec<LogErrorCount> = rows
        .iter()
        .filter_map(|row| {
            let (count_name, count) = row.iter().find_map(|(name, value)| {
                let number = value
                    .parse::<f64>()
                    .ok()
                    .filter(|_| !name.starts_with('@'))?;
                Some((name, number))
            })?;
            let service = row
                .iter()
                .find(|(name, _)| name == "@service")
                .or_else(|| {
                    row.iter()
                        .find(|(name, _)| name != count_name && name != "@ptr")
                })
                .map_or_else(|| "(none)".to_owned(), |(_, value)| value.clone());
            Some(LogErrorCount {
                service,
                count: count.max(0.0) as u64,
            })
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.service.cmp(&b.service)));
    counts
}

/// Reads each group's lines written since its last poll into the kept tail.
async fn tail(client: &Client, scope: &LogScope, state: &LogState) -> Result<(), SourceError> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    for group in &scope.log_groups {
        super::log_tail::poll_group(
            client,
            group,
            &scope.tail_filter,
            &state.tail,
            window_start_ms(scope),
            now_ms,
        )
        .await?;
    }
    Ok(())
}

/// The start of the error window, in milliseconds since the epoch.
fn window_start_ms(scope: &LogScope) -> i64 {
    chrono::Utc::now().timestamp_millis() - i64::from(scope.window_minutes) * 60_000
}

/// The service and readable text of a log line: structured (JSON) lines name their service
/// and message; plain lines are attributed to the log group's last path segment.
pub fn service_and_text(message: &str, group: &str) -> (String, String) {
    let group_service = group.rsplit('/').find(|s| !s.is_empty()).unwrap_or(group);
    let trimmed = message.trim();
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(trimmed) {
        let text_of = |keys: &[&str]| {
            keys.iter()
                .find_map(|key| fields.get(*key).and_then(|v| v.as_str()))
                .map(str::to_owned)
        };
        let service = text_of(&["service", "@service"]).unwrap_or_else(|| group_service.to_owned());
        let text = text_of(&["message", "msg", "error"]).unwrap_or_else(|| trimmed.to_owned());
        return (service, text);
    }
    let first_line = trimmed.lines().next().unwrap_or_default().to_owned();
    (group_service.to_owned(), first_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn counts_read_any_column_names_and_sort_highest_first() {
        let rows = vec![
            row(&[("@service", "worker"), ("errors", "3")]),
            row(&[("count()", "41"), ("@service", "portal-api")]),
            row(&[("@sourceIP", "10.0.0.7"), ("count()", "12")]),
        ];
        let counts = counts_from_rows(&rows);
        let pairs: Vec<(&str, u64)> = counts
            .iter()
            .map(|c| (c.service.as_str(), c.count))
            .collect();
        assert_eq!(
            pairs,
            vec![("portal-api", 41), ("10.0.0.7", 12), ("worker", 3)]
        );
    }

    #[test]
    fn rows_without_a_stats_column_are_not_counts() {
        let rows = vec![row(&[
            ("@ptr", "abc"),
            ("@timestamp", "1700000000000"),
            ("@message", "boom"),
        ])];
        assert!(counts_from_rows(&rows).is_empty());
    }

    #[test]
    fn structured_lines_name_their_service_and_plain_lines_their_group() {
        let json = r#"{"level":"ERROR","service":"portal-api","message":"pool exhausted"}"#;
        assert_eq!(
            service_and_text(json, "/aws/basecoat-portal/application"),
            ("portal-api".to_owned(), "pool exhausted".to_owned())
        );
        assert_eq!(
            service_and_text("ERROR upstream timed out\n  at line 2", "/ecs/web"),
            ("web".to_owned(), "ERROR upstream timed out".to_owned())
        );
    }
}
