//! The simulated RDS PostgreSQL: an application pool that breathes with traffic, and the
//! incident's pile-up of leaked idle connections, a long report query and a lock chain.

use super::load::{INCIDENT_START_SECONDS, Load};
use super::rng::Rng;
use crate::model::{DatabaseActivity, DatabaseTotals, DbSession, SessionState, Timestamp};

/// The server's `max_connections`.
const MAX_CONNECTIONS: u32 = 1000;
/// Leaked connections stop growing here (total just above the runbook's 800).
const LEAK_CAP: usize = 700;
const LEAK_PER_SECOND: usize = 4;
const MAX_BLOCKED_WRITERS: usize = 6;

const POOL_QUERIES: [&str; 6] = [
    "SELECT id, email, plan FROM users WHERE id = $1",
    "SELECT * FROM sessions WHERE token = $1",
    "UPDATE carts SET updated_at = now() WHERE user_id = $1",
    "INSERT INTO audit_log (user_id, action) VALUES ($1, $2)",
    "SELECT count(*) FROM orders WHERE user_id = $1 AND status = 'open'",
    "SELECT p.* FROM products p JOIN inventory i ON i.product_id = p.id WHERE p.category = $1",
];
const LONG_REPORT_QUERY: &str = "SELECT c.id, sum(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_lines l ON l.order_id = o.id GROUP BY c.id ORDER BY 2 DESC";
const NIGHTLY_QUERY: &str =
    "SELECT date_trunc('day', created_at), count(*) FROM audit_log GROUP BY 1";
const LOCK_HOLDER_QUERY: &str = "UPDATE accounts SET plan = 'enterprise' WHERE id = 4211";
const BLOCKED_QUERY: &str = "UPDATE accounts SET last_seen_at = now() WHERE id = $1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Pool,
    Leaked,
    Report,
    LockHolder,
    Blocked,
}

#[derive(Debug, Clone)]
struct SimSession {
    pid: i32,
    role: Role,
    user: &'static str,
    database: &'static str,
    application: &'static str,
    client_addr: String,
    state: SessionState,
    wait_event: Option<&'static str>,
    query: String,
    backend_start: i64,
    xact_start: Option<i64>,
    query_start: Option<i64>,
    state_change: i64,
    busy_until: i64,
}

/// The database and its sessions.
#[derive(Debug, Clone)]
pub struct SimDatabase {
    sessions: Vec<SimSession>,
    next_pid: i32,
    long_report_started: bool,
    lock_chain_started: bool,
}

impl SimDatabase {
    /// A database at `now` with a settled pool, a few stale idle sessions and a nightly
    /// report that has been running for over an hour.
    pub fn new(rng: &mut Rng, now: i64) -> Self {
        let mut database = Self {
            sessions: Vec::new(),
            next_pid: 4100,
            long_report_started: false,
            lock_chain_started: false,
        };
        for index in 0..120 {
            database.open(
                rng,
                Role::Pool,
                now - 7200 + index,
                "portal-web",
                "basecoat_app",
            );
        }
        for index in 0..12 {
            let pid = database.open(rng, Role::Pool, now - 5400, "reporting", "basecoat_ro");
            let session = database.session_mut(pid);
            if let Some(session) = session {
                session.state_change = now - 100 + index;
                session.query_start = Some(now - 100 + index);
                session.query = "SELECT * FROM monthly_revenue".to_owned();
                session.busy_until = i64::MAX;
            }
        }
        let pid = database.open(
            rng,
            Role::Report,
            now - 200,
            "analytics-nightly",
            "basecoat_ro",
        );
        database.start_query(pid, NIGHTLY_QUERY, now - 100, Some("DataFileRead"));
        database
    }

    /// Advances one second at `elapsed`; the incident's sessions follow `incident_clock`.
    pub fn step(&mut self, rng: &mut Rng, elapsed: i64, incident_clock: i64, load: &Load) {
        self.breathe_pool(rng, elapsed, load);
        // An overloaded app times out on its pool and leaks connections; once capacity is
        // back the leak stops, and what leaked stays idle until someone terminates it.
        if incident_clock >= INCIDENT_START_SECONDS + 30 && load.utilisation > 0.95 {
            self.leak_connections(rng, elapsed);
        }
        if incident_clock >= INCIDENT_START_SECONDS + 10 && !self.long_report_started {
            self.long_report_started = true;
            let pid = self.open(rng, Role::Report, elapsed, "metabase", "basecoat_ro");
            self.start_query(pid, LONG_REPORT_QUERY, elapsed, Some("BufFileWrite"));
        }
        if incident_clock >= INCIDENT_START_SECONDS + 20 {
            self.grow_lock_chain(rng, elapsed);
        }
    }

    /// Ends what the night left behind (a calm customer's night went well): the nightly
    /// analytics job and the reporting sessions left open, so no query or idle session is
    /// past its limit.
    pub fn settle_overnight_sessions(&mut self, now: i64) {
        let nightly: Vec<i32> = self
            .sessions
            .iter()
            .filter(|session| matches!(session.application, "analytics-nightly" | "reporting"))
            .map(|session| session.pid)
            .collect();
        for pid in nightly {
            self.terminate(pid, now);
        }
    }

    /// Terminates `pid`: the backend disappears, its locks are released.
    pub fn terminate(&mut self, pid: i32, now: i64) -> bool {
        let Some(index) = self.sessions.iter().position(|session| session.pid == pid) else {
            return false;
        };
        let removed = self.sessions.remove(index);
        if removed.role == Role::LockHolder {
            self.release_waiters(now);
        }
        true
    }

    /// Cancels the query of `pid`: the session stays, idle.
    pub fn cancel(&mut self, pid: i32, now: i64) -> bool {
        let Some(session) = self.session_mut(pid) else {
            return false;
        };
        session.state = SessionState::Idle;
        session.wait_event = Some("ClientRead");
        session.state_change = now;
        session.xact_start = None;
        session.busy_until = i64::MAX;
        true
    }

    /// Connections counted by the server.
    pub fn connection_count(&self) -> usize {
        self.sessions.len()
    }

    /// Sessions waiting on a lock.
    pub fn blocked_count(&self) -> usize {
        self.sessions
            .iter()
            .filter(|session| {
                session.role == Role::Blocked && session.state == SessionState::Active
            })
            .count()
    }

    /// Whether a report query is burning CPU and I/O.
    pub fn report_running(&self) -> usize {
        self.sessions
            .iter()
            .filter(|session| session.role == Role::Report && session.state == SessionState::Active)
            .count()
    }

    fn session_mut(&mut self, pid: i32) -> Option<&mut SimSession> {
        self.sessions.iter_mut().find(|session| session.pid == pid)
    }

    fn open(
        &mut self,
        rng: &mut Rng,
        role: Role,
        now: i64,
        application: &'static str,
        user: &'static str,
    ) -> i32 {
        let pid = self.next_pid;
        self.next_pid += 1 + rng.below(7) as i32;
        self.sessions.push(SimSession {
            pid,
            role,
            user,
            database: "basecoat_db",
            application,
            client_addr: client_of(application, rng),
            state: SessionState::Idle,
            wait_event: Some("ClientRead"),
            query: POOL_QUERIES[rng.below(POOL_QUERIES.len())].to_owned(),
            backend_start: now,
            xact_start: None,
            query_start: Some(now),
            state_change: now,
            busy_until: now,
        });
        pid
    }

    fn start_query(&mut self, pid: i32, query: &str, now: i64, wait_event: Option<&'static str>) {
        if let Some(session) = self.session_mut(pid) {
            session.state = SessionState::Active;
            session.query = query.to_owned();
            session.query_start = Some(now);
            session.xact_start = Some(now);
            session.state_change = now;
            session.wait_event = wait_event;
            session.busy_until = i64::MAX;
        }
    }

    /// Pool sessions go active with probability set by traffic (Little's law), then idle.
    fn breathe_pool(&mut self, rng: &mut Rng, now: i64, load: &Load) {
        let pool_size = self
            .sessions
            .iter()
            .filter(|s| s.role == Role::Pool)
            .count()
            .max(1);
        let busy_share =
            (load.requests_per_second * load.average_ms / 1000.0 / 10.0 / pool_size as f64)
                .clamp(0.0, 0.9);
        for session in self.sessions.iter_mut().filter(|s| s.role == Role::Pool) {
            if session.busy_until == i64::MAX {
                continue;
            }
            if session.state == SessionState::Active && now >= session.busy_until {
                session.state = SessionState::Idle;
                session.wait_event = Some("ClientRead");
                session.state_change = now;
                session.xact_start = None;
            } else if session.state == SessionState::Idle && rng.chance(busy_share) {
                session.state = SessionState::Active;
                session.wait_event = None;
                session.query = POOL_QUERIES[rng.below(POOL_QUERIES.len())].to_owned();
                session.query_start = Some(now);
                session.xact_start = Some(now);
                session.state_change = now;
                session.busy_until = now + 1 + rng.below(3) as i64;
            }
        }
    }

    /// The incident's connection leak: the API opens connections and never returns them.
    fn leak_connections(&mut self, rng: &mut Rng, now: i64) {
        let leaked = self
            .sessions
            .iter()
            .filter(|s| s.role == Role::Leaked)
            .count();
        for _ in 0..LEAK_PER_SECOND.min(LEAK_CAP.saturating_sub(leaked)) {
            let pid = self.open(rng, Role::Leaked, now, "portal-api", "basecoat_app");
            if let Some(session) = self.session_mut(pid) {
                session.busy_until = i64::MAX;
                session.query = "SELECT * FROM sessions WHERE token = $1".to_owned();
            }
        }
    }

    /// A transaction left open holds a row lock; writers queue up behind it.
    fn grow_lock_chain(&mut self, rng: &mut Rng, now: i64) {
        if !self.lock_chain_started {
            self.lock_chain_started = true;
            let pid = self.open(
                rng,
                Role::LockHolder,
                now,
                "admin-console",
                "basecoat_admin",
            );
            self.start_query(pid, LOCK_HOLDER_QUERY, now, None);
            if let Some(session) = self.session_mut(pid) {
                session.state = SessionState::IdleInTransaction;
                session.wait_event = Some("ClientRead");
            }
            return;
        }
        let holder_alive = self.sessions.iter().any(|s| s.role == Role::LockHolder);
        if holder_alive && now % 5 == 0 && self.blocked_count() < MAX_BLOCKED_WRITERS {
            let pid = self.open(rng, Role::Blocked, now, "portal-api", "basecoat_app");
            self.start_query(pid, BLOCKED_QUERY, now, Some("transactionid"));
        }
    }

    /// Waiters of a terminated lock holder get their lock, finish and go idle.
    fn release_waiters(&mut self, now: i64) {
        for session in self.sessions.iter_mut().filter(|s| s.role == Role::Blocked) {
            session.role = Role::Pool;
            session.state = SessionState::Idle;
            session.wait_event = Some("ClientRead");
            session.state_change = now;
            session.xact_start = None;
            session.busy_until = now;
        }
    }

    /// What `pg_stat_activity` shows at `now`.
    pub fn activity(&self, now: i64, to_time: &impl Fn(i64) -> Timestamp) -> DatabaseActivity {
        let holder = self
            .sessions
            .iter()
            .find(|session| session.role == Role::LockHolder)
            .map(|session| session.pid);
        let sessions: Vec<DbSession> = self
            .sessions
            .iter()
            .map(|session| DbSession {
                pid: session.pid,
                user: session.user.to_owned(),
                database: session.database.to_owned(),
                application: session.application.to_owned(),
                client_addr: session.client_addr.clone(),
                state: session.state.clone(),
                wait_event_type: session
                    .wait_event
                    .map(|event| wait_type_of(event).to_owned()),
                wait_event: session.wait_event.map(str::to_owned),
                query: session.query.clone(),
                backend_start: to_time(session.backend_start),
                xact_start: session.xact_start.map(to_time),
                query_start: session.query_start.map(to_time),
                state_change: Some(to_time(session.state_change)),
                blocked_by: match (session.role, holder) {
                    (Role::Blocked, Some(holder)) => vec![holder],
                    _ => Vec::new(),
                },
                superuser: false,
            })
            .collect();
        DatabaseActivity {
            totals: totals_of(&sessions),
            sessions,
            observed_at: Some(to_time(now)),
        }
    }
}

/// The `wait_event_type` PostgreSQL reports with each of the simulator's wait events.
fn wait_type_of(event: &str) -> &'static str {
    match event {
        "ClientRead" => "Client",
        "transactionid" => "Lock",
        "DataFileRead" | "BufFileWrite" => "IO",
        _ => "Extension",
    }
}

/// The app tier runs on six hosts; the other clients each have their own.
fn client_of(application: &str, rng: &mut Rng) -> String {
    const APP_HOSTS: [&str; 6] = [
        "10.0.10.11",
        "10.0.10.23",
        "10.0.11.37",
        "10.0.11.42",
        "10.0.12.58",
        "10.0.12.61",
    ];
    match application {
        "portal-web" | "portal-api" => APP_HOSTS[rng.below(APP_HOSTS.len())].to_owned(),
        "admin-console" => "10.0.30.7".to_owned(),
        _ => "10.0.20.5".to_owned(),
    }
}

fn totals_of(sessions: &[DbSession]) -> DatabaseTotals {
    let mut by_database: Vec<(String, u32)> = Vec::new();
    let mut by_state: Vec<(String, u32)> = Vec::new();
    for session in sessions {
        bump(&mut by_database, &session.database);
        bump(&mut by_state, session.state.as_str());
    }
    // The admin connections RDS itself keeps open.
    bump(&mut by_database, "rdsadmin");
    bump(&mut by_state, "idle");
    by_database.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    by_state.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    DatabaseTotals {
        max_connections: MAX_CONNECTIONS,
        by_database,
        by_state,
    }
}

fn bump(counts: &mut Vec<(String, u32)>, key: &str) {
    match counts.iter_mut().find(|(name, _)| name == key) {
        Some((_, count)) => *count += 1,
        None => counts.push((key.to_owned(), 1)),
    }
}
