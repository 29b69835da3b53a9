//! PostgreSQL pane rows: one per client session, the longest-running first.

use crate::config::Thresholds;
use crate::format;
use crate::model::{
    DbSession, Insights, InsightsReading, LoadShare, SessionState, Snapshot, StatementRate,
    Statements, TableSize, Timestamp, WaitSamples, hit_percent,
};
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// The PostgreSQL pane's views, cycled with one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PgView {
    /// Every client session, longest in its state first.
    #[default]
    Sessions,
    /// Active queries, longest-running first.
    Active,
    /// Idle and idle-in-transaction sessions, longest idle first.
    Idle,
    /// Connections grouped by application and client address.
    Hogs,
    /// Blocking chains (`pg_blocking_pids`) as a tree.
    Blocking,
    /// Table sizes, read on demand.
    Tables,
    /// `pg_stat_statements`: time, calls and rows per second between two readings.
    TopSql,
    /// The active sessions' wait events, now and averaged over the last polls.
    Waits,
    /// The RDS instance's load by wait event and by statement over the last hour, from
    /// Performance Insights (the runbook's PI step).
    Insights,
}

impl PgView {
    /// Every view, in cycle order.
    pub const ALL: [PgView; 9] = [
        Self::Sessions,
        Self::Active,
        Self::Idle,
        Self::Hogs,
        Self::Blocking,
        Self::Tables,
        Self::TopSql,
        Self::Waits,
        Self::Insights,
    ];

    /// The view after this one.
    pub fn next(self) -> Self {
        let index = Self::ALL.iter().position(|view| *view == self).unwrap_or(0);
        Self::ALL[(index + 1) % Self::ALL.len()]
    }

    /// Name in the pane title.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sessions => "sessions",
            Self::Active => "active queries",
            Self::Idle => "idle",
            Self::Hogs => "connection hogs",
            Self::Blocking => "blocking",
            Self::Tables => "table sizes",
            Self::TopSql => "top SQL",
            Self::Waits => "wait events",
            Self::Insights => "Performance Insights, last hour",
        }
    }

    /// What the table says when it has no rows.
    pub fn empty_message(self, data: &Snapshot) -> String {
        match self {
            Self::TopSql => match &data.statements.latest {
                None => "reading pg_stat_statements…".to_owned(),
                Some(Err(why)) => why.clone(),
                Some(Ok(_)) => "pg_stat_statements has recorded no statements yet".to_owned(),
            },
            Self::Waits => "no active sessions in the last polls".to_owned(),
            Self::Insights => match &data.insights.latest {
                None => "reading Performance Insights…".to_owned(),
                Some(Err(why)) => why.clone(),
                Some(Ok(reading)) => format!(
                    "Performance Insights recorded no load on {} in the last hour",
                    reading.instance
                ),
            },
            Self::Tables => "no tables".to_owned(),
            _ => "no client sessions".to_owned(),
        }
    }

    /// True where each row is one backend (so session actions apply).
    pub fn rows_are_sessions(self) -> bool {
        matches!(
            self,
            Self::Sessions | Self::Active | Self::Idle | Self::Blocking
        )
    }

    /// The view's columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Sessions | Self::Active | Self::Idle => COLUMNS,
            Self::Hogs => HOG_COLUMNS,
            Self::Blocking => BLOCKING_COLUMNS,
            Self::Tables => TABLE_COLUMNS,
            Self::TopSql => TOP_SQL_COLUMNS,
            Self::Waits => WAIT_COLUMNS,
            Self::Insights => INSIGHTS_COLUMNS,
        }
    }

    /// The order the view starts in.
    pub fn default_sort(self) -> Sort {
        match self {
            Self::Sessions | Self::Active | Self::Idle => DEFAULT_SORT,
            Self::Hogs => Sort {
                column: 2,
                descending: true,
            },
            // The tree keeps its own order (a hidden position column).
            Self::Blocking => Sort {
                column: 5,
                descending: false,
            },
            Self::Tables => Sort {
                column: 1,
                descending: true,
            },
            // The statements busiest since the last reading first.
            Self::TopSql => Sort {
                column: 0,
                descending: true,
            },
            Self::Waits => Sort {
                column: 2,
                descending: true,
            },
            // The waits, then the statements, each heaviest first (a hidden position column).
            Self::Insights => Sort {
                column: 5,
                descending: false,
            },
        }
    }
}

/// Connection-hog columns.
pub const HOG_COLUMNS: &[Column] = &[
    Column::new("App", 18, 0),
    Column::new("Client", 15, 1),
    Column::new("Conns", 6, 0),
    Column::new("Active", 6, 2),
    Column::new("Idle", 6, 2),
    Column::new("Idle tx", 7, 2),
    Column::new("Oldest idle", 11, 1),
];

/// Blocking-tree columns; a hidden sixth cell keeps the tree's order.
pub const BLOCKING_COLUMNS: &[Column] = &[
    Column::new("PID", 12, 0),
    Column::new("App", 14, 2),
    Column::new("State", 13, 1),
    Column::new("For", 7, 0),
    Column::new("Query", 16, 0),
];

/// Table-size columns.
pub const TABLE_COLUMNS: &[Column] = &[Column::new("Table", 30, 0), Column::new("Size", 10, 0)];

/// Top SQL columns: the interval's rates first, then the totals since the last reset.
pub const TOP_SQL_COLUMNS: &[Column] = &[
    Column::new("ms/s", 8, 0),
    Column::new("Calls/s", 8, 0),
    Column::new("Mean ms", 9, 1),
    Column::new("Total", 9, 2),
    Column::new("Calls", 10, 3),
    Column::new("Rows/call", 9, 3),
    Column::new("Hit %", 6, 2),
    Column::new("Query", 16, 0),
];

/// Wait event columns; the average is Performance Insights' "average active sessions".
pub const WAIT_COLUMNS: &[Column] = &[
    Column::new("Type", 10, 0),
    Column::new("Event", 22, 0),
    Column::new("Avg AAS", 8, 0),
    Column::new("Now", 5, 1),
];

/// Performance Insights columns; a hidden sixth cell keeps waits before statements.
pub const INSIGHTS_COLUMNS: &[Column] = &[
    Column::new("By", 5, 0),
    Column::new("AAS", 7, 0),
    Column::new("Share", 6, 1),
    Column::new("Type / id", 14, 2),
    Column::new("Wait event / statement", 22, 0),
];

/// Session columns.
pub const COLUMNS: &[Column] = &[
    Column::new("PID", 6, 0),
    Column::new("App", 14, 2),
    Column::new("State", 13, 0),
    Column::new("For", 7, 0),
    Column::new("Wait", 13, 3),
    Column::new("Query", 16, 1),
];

/// Longest in its state first.
pub const DEFAULT_SORT: Sort = Sort {
    column: 3,
    descending: true,
};

/// The rows of `view`.
pub fn rows(view: PgView, data: &Snapshot, thresholds: &Thresholds, at: Timestamp) -> Vec<Row> {
    let activity = &data.database;
    // The server's clock, when it told us, else when the answer arrived.
    let at = activity.observed_at.unwrap_or(at);
    match view {
        PgView::Sessions => session_rows(activity.sessions.iter(), thresholds, at),
        PgView::Active => session_rows(
            activity
                .sessions
                .iter()
                .filter(|s| s.state == SessionState::Active),
            thresholds,
            at,
        ),
        PgView::Idle => session_rows(
            activity.sessions.iter().filter(|s| {
                matches!(
                    s.state,
                    SessionState::Idle
                        | SessionState::IdleInTransaction
                        | SessionState::IdleInTransactionAborted
                )
            }),
            thresholds,
            at,
        ),
        PgView::Hogs => hog_rows(&activity.sessions, at),
        PgView::Blocking => blocking_rows(&activity.sessions, thresholds, at),
        PgView::Tables => table_rows(
            data.table_sizes
                .as_ref()
                .map_or(&[], |(tables, _)| tables.as_slice()),
        ),
        PgView::TopSql => statement_rows(&data.statements),
        PgView::Waits => wait_rows(&data.waits),
        PgView::Insights => insights_rows(&data.insights),
    }
}

/// One row per statement of the latest reading.
fn statement_rows(statements: &Statements) -> Vec<Row> {
    statements.rates().iter().map(statement_row).collect()
}

fn statement_row(rate: &StatementRate) -> Row {
    let totals = &rate.totals;
    let delta = rate.since_previous.as_ref();
    // A statement first seen in this reading sorts below every measured one.
    let measured = |value: Option<f64>, decimals: usize| match value {
        Some(value) => Cell::number(format!("{value:.decimals$}"), value),
        None => Cell::number("—", -1.0).tone(Tone::Muted),
    };
    let mean = delta.and_then(|d| d.mean_ms()).unwrap_or(totals.mean_ms());
    let hit = match delta {
        Some(d) if d.shared_blks_hit + d.shared_blks_read > 0 => {
            hit_percent(d.shared_blks_hit, d.shared_blks_read)
        }
        _ => hit_percent(totals.shared_blks_hit, totals.shared_blks_read),
    };
    let rows_per_call = if totals.calls > 0 {
        totals.rows as f64 / totals.calls as f64
    } else {
        0.0
    };
    let total_seconds = (totals.total_ms / 1000.0).round() as i64;
    Row {
        id: totals.id(),
        cells: vec![
            measured(delta.map(|d| d.ms_per_second()), 1),
            measured(delta.map(|d| d.calls_per_second()), 2),
            Cell::number(format!("{mean:.2}"), mean),
            Cell::number(format::duration(total_seconds), totals.total_ms),
            Cell::number(totals.calls.to_string(), totals.calls as f64),
            Cell::number(format!("{rows_per_call:.1}"), rows_per_call),
            match hit {
                Some(hit) => Cell::number(format!("{hit:.1}"), hit).tone(if hit < 90.0 {
                    Tone::Warn
                } else {
                    Tone::Plain
                }),
                None => Cell::number("", -1.0),
            },
            Cell::text(format::one_line(&totals.query)),
        ],
    }
}

/// One row per wait, the most load first.
fn wait_rows(waits: &WaitSamples) -> Vec<Row> {
    let (loads, _) = waits.summary();
    loads
        .into_iter()
        .map(|load| {
            let (kind, event) = &load.wait;
            Row {
                id: format!("{kind}|{event}"),
                cells: vec![
                    Cell::text(kind).tone(if kind == "Lock" {
                        Tone::Crit
                    } else {
                        Tone::Plain
                    }),
                    Cell::text(event),
                    Cell::number(format!("{:.2}", load.average), load.average),
                    Cell::number(load.now.to_string(), f64::from(load.now)),
                ],
            }
        })
        .collect()
}

/// The waits, then the statements, each heaviest first as PI ranked them.
fn insights_rows(insights: &Insights) -> Vec<Row> {
    let Some(Ok(reading)) = &insights.latest else {
        return Vec::new();
    };
    let waits = reading.waits.iter().map(|share| ("wait", share));
    let statements = reading.statements.iter().map(|share| ("SQL", share));
    waits
        .chain(statements)
        .enumerate()
        .map(|(position, (by, share))| insights_row(reading, by, share, position))
        .collect()
}

fn insights_row(reading: &InsightsReading, by: &str, share: &LoadShare, position: usize) -> Row {
    let percent = reading.percent_of_total(share);
    Row {
        id: format!("{by}|{}|{}", share.group, share.name),
        cells: vec![
            Cell::text(by).tone(Tone::Muted),
            Cell::number(format!("{:.2}", share.load), share.load),
            match percent {
                Some(percent) => Cell::number(format!("{percent:.0}%"), percent),
                None => Cell::number("", -1.0),
            },
            Cell::text(&share.group).tone(if share.group == "Lock" {
                Tone::Crit
            } else {
                Tone::Plain
            }),
            Cell::text(format::one_line(&share.name)),
            Cell::number("", position as f64),
        ],
    }
}

/// One row per session.
fn session_rows<'a>(
    sessions: impl Iterator<Item = &'a DbSession>,
    thresholds: &Thresholds,
    at: Timestamp,
) -> Vec<Row> {
    sessions
        .map(|session| {
            let seconds = session.seconds_in_state(at);
            let (state_tone, duration_tone) = tones(session, seconds, thresholds);
            let state = if session.blocked_by.is_empty() {
                session.state.as_str().to_owned()
            } else {
                format!("⛔ blocked by {}", join_pids(&session.blocked_by))
            };
            Row {
                id: session.pid.to_string(),
                cells: vec![
                    Cell::number(session.pid.to_string(), f64::from(session.pid)),
                    Cell::text(&session.application),
                    Cell::text(state).tone(state_tone),
                    Cell::number(format::duration(seconds), seconds as f64).tone(duration_tone),
                    Cell::text(session.wait_event.clone().unwrap_or_default()).tone(Tone::Muted),
                    Cell::text(format::one_line(&session.query)),
                ],
            }
        })
        .collect()
}

fn tones(session: &DbSession, seconds: i64, thresholds: &Thresholds) -> (Tone, Tone) {
    let seconds = seconds.max(0) as u64;
    match session.state {
        SessionState::Active if !session.blocked_by.is_empty() => (Tone::Crit, Tone::Warn),
        SessionState::Active if seconds > thresholds.long_query_seconds => (Tone::Ok, Tone::Crit),
        SessionState::Active if seconds > 60 => (Tone::Ok, Tone::Warn),
        SessionState::Active => (Tone::Ok, Tone::Plain),
        SessionState::IdleInTransaction | SessionState::IdleInTransactionAborted => {
            (Tone::Warn, Tone::Warn)
        }
        SessionState::Idle if seconds > thresholds.idle_session_seconds => {
            (Tone::Muted, Tone::Warn)
        }
        _ => (Tone::Muted, Tone::Muted),
    }
}

fn join_pids(pids: &[i32]) -> String {
    pids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Connections grouped by application and client address, most connections first.
fn hog_rows(sessions: &[DbSession], at: Timestamp) -> Vec<Row> {
    let mut groups: Vec<((&str, &str), [u32; 4], i64)> = Vec::new();
    for session in sessions {
        let key = (session.application.as_str(), session.client_addr.as_str());
        let index = match groups.iter().position(|(k, _, _)| *k == key) {
            Some(index) => index,
            None => {
                groups.push((key, [0; 4], 0));
                groups.len() - 1
            }
        };
        let (_, counts, oldest_idle) = &mut groups[index];
        counts[0] += 1;
        match session.state {
            SessionState::Active => counts[1] += 1,
            SessionState::Idle => {
                counts[2] += 1;
                *oldest_idle = (*oldest_idle).max(session.seconds_in_state(at));
            }
            SessionState::IdleInTransaction | SessionState::IdleInTransactionAborted => {
                counts[3] += 1
            }
            _ => {}
        }
    }
    groups
        .into_iter()
        .map(|((application, client), counts, oldest_idle)| {
            let number = |n: u32| Cell::number(n.to_string(), f64::from(n));
            Row {
                id: format!("{application}|{client}"),
                cells: vec![
                    Cell::text(if application.is_empty() {
                        "(none)"
                    } else {
                        application
                    }),
                    Cell::text(client).tone(Tone::Muted),
                    number(counts[0]),
                    number(counts[1]),
                    number(counts[2]),
                    number(counts[3]).tone(if counts[3] > 0 {
                        Tone::Warn
                    } else {
                        Tone::Plain
                    }),
                    Cell::number(format::duration(oldest_idle), oldest_idle as f64),
                ],
            }
        })
        .collect()
}

/// Blocking chains as a tree: each session that blocks others but waits on nobody is a root,
/// its waiters indented below it.
fn blocking_rows(sessions: &[DbSession], thresholds: &Thresholds, at: Timestamp) -> Vec<Row> {
    let blocks = |pid: i32| -> Vec<&DbSession> {
        sessions
            .iter()
            .filter(|s| s.blocked_by.contains(&pid))
            .collect()
    };
    let roots: Vec<&DbSession> = sessions
        .iter()
        .filter(|s| s.blocked_by.is_empty() && !blocks(s.pid).is_empty())
        .collect();
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for root in roots {
        push_tree(root, 0, &blocks, thresholds, at, &mut rows, &mut seen);
    }
    rows
}

fn push_tree<'a>(
    session: &'a DbSession,
    depth: usize,
    blocks: &dyn Fn(i32) -> Vec<&'a DbSession>,
    thresholds: &Thresholds,
    at: Timestamp,
    rows: &mut Vec<Row>,
    seen: &mut std::collections::HashSet<i32>,
) {
    // A waiter blocked by two roots is shown once; a lock cycle cannot loop forever.
    if !seen.insert(session.pid) {
        return;
    }
    let seconds = session.seconds_in_state(at);
    let (state_tone, duration_tone) = tones(session, seconds, thresholds);
    let waiters = blocks(session.pid);
    let prefix = if depth == 0 {
        String::new()
    } else {
        format!("{}└ ", "  ".repeat(depth - 1))
    };
    let state = if depth == 0 {
        format!("blocks {}", waiters.len())
    } else {
        "waiting".to_owned()
    };
    rows.push(Row {
        id: session.pid.to_string(),
        cells: vec![
            Cell::text(format!("{prefix}{}", session.pid)),
            Cell::text(&session.application),
            Cell::text(state).tone(if depth == 0 { Tone::Crit } else { state_tone }),
            Cell::number(format::duration(seconds), seconds as f64).tone(duration_tone),
            Cell::text(format::one_line(&session.query)),
            Cell::number("", rows.len() as f64),
        ],
    });
    for waiter in waiters {
        push_tree(waiter, depth + 1, blocks, thresholds, at, rows, seen);
    }
}

/// One row per table, largest first.
fn table_rows(tables: &[TableSize]) -> Vec<Row> {
    tables
        .iter()
        .map(|table| {
            let bytes = u64::try_from(table.total_bytes).unwrap_or(0);
            Row {
                id: table.qualified_name(),
                cells: vec![
                    Cell::text(table.qualified_name()),
                    Cell::number(format::bytes(bytes), bytes as f64),
                ],
            }
        })
        .collect()
}
