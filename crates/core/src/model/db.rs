//! PostgreSQL activity: sessions from `pg_stat_activity` and their totals.

use super::Timestamp;

/// Everything one poll of the database reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DatabaseActivity {
    pub totals: DatabaseTotals,
    /// Client backends, the dashboard's own excluded.
    pub sessions: Vec<DbSession>,
    /// The server's clock when it answered: durations are measured from here, so a skewed
    /// laptop clock never makes a query look older or younger than it is.
    pub observed_at: Option<Timestamp>,
}

/// Connection counts against the server's limit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DatabaseTotals {
    pub max_connections: u32,
    /// (database, count), highest first.
    pub by_database: Vec<(String, u32)>,
    /// (state, count), highest first.
    pub by_state: Vec<(String, u32)>,
}

impl DatabaseTotals {
    /// All client connections counted.
    pub fn total(&self) -> u32 {
        self.by_database.iter().map(|(_, count)| count).sum()
    }
}

/// One backend.
#[derive(Debug, Clone, PartialEq)]
pub struct DbSession {
    pub pid: i32,
    pub user: String,
    pub database: String,
    pub application: String,
    pub client_addr: String,
    pub state: SessionState,
    /// `wait_event_type` (Lock, LWLock, IO, Client, ...): what kind of thing it waits on.
    pub wait_event_type: Option<String>,
    pub wait_event: Option<String>,
    pub query: String,
    pub backend_start: Timestamp,
    pub xact_start: Option<Timestamp>,
    pub query_start: Option<Timestamp>,
    /// When `state` last changed: idle time is measured from here.
    pub state_change: Option<Timestamp>,
    pub blocked_by: Vec<i32>,
    /// The session's role is a superuser: terminating it needs the config's permission.
    pub superuser: bool,
}

impl DbSession {
    /// Seconds the session has been in its current state (running, idle) at `at`: a running
    /// query from its start, anything else from the last state change; 0 for a future start.
    pub fn seconds_in_state(&self, at: Timestamp) -> i64 {
        let since = match self.state {
            SessionState::Active => self.query_start,
            _ => self.state_change,
        };
        since.map_or(0, |since| (at - since).num_seconds().max(0))
    }
}

/// Which sessions a bulk rule hits: what `L` and `I` terminate and what the health check
/// counts, by the same rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkRule {
    /// Active queries running longer than the limit.
    LongQueries { longer_than_seconds: u64 },
    /// Idle sessions idle longer than the limit.
    IdleSessions { longer_than_seconds: u64 },
}

impl BulkRule {
    /// Whether `session`, observed at `at`, is one the rule hits.
    pub fn hits(self, session: &DbSession, at: Timestamp) -> bool {
        let older_than = |since: Option<Timestamp>, limit: u64| {
            since.is_some_and(|since| (at - since).num_seconds().max(0) as u64 > limit)
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
}

/// `pg_stat_activity.state`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SessionState {
    Active,
    IdleInTransaction,
    IdleInTransactionAborted,
    Idle,
    FastpathFunctionCall,
    Disabled,
    Unknown,
}

impl SessionState {
    /// Parses PostgreSQL's spelling.
    pub fn from_pg(value: &str) -> Self {
        match value {
            "active" => Self::Active,
            "idle" => Self::Idle,
            "idle in transaction" => Self::IdleInTransaction,
            "idle in transaction (aborted)" => Self::IdleInTransactionAborted,
            "fastpath function call" => Self::FastpathFunctionCall,
            "disabled" => Self::Disabled,
            _ => Self::Unknown,
        }
    }

    /// PostgreSQL's spelling, for display.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Idle => "idle",
            Self::IdleInTransaction => "idle in transaction",
            Self::IdleInTransactionAborted => "idle in transaction (aborted)",
            Self::FastpathFunctionCall => "fastpath function call",
            Self::Disabled => "disabled",
            Self::Unknown => "unknown",
        }
    }
}

/// One table's size (the runbook's `pg_total_relation_size` query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSize {
    pub schema: String,
    pub name: String,
    /// Table, indexes and TOAST together.
    pub total_bytes: i64,
}

impl TableSize {
    /// `schema.name`: the table's row id and label, and what `A` finds the selection by.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}
