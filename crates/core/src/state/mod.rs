//! Plain data of the screen: the latest data, each pane's view, focus, mode and polling.
//! No ratatui, no I/O: `update` changes it, `ui::render` reads it.

mod checklist;
pub mod freshness;
pub mod guard;
pub mod guarded;
pub mod incident_update;
mod pane_id;
pub mod panes;
pub mod table;
pub mod text_field;
pub mod triage;
mod update;
pub mod war_room;

pub use crate::model::Snapshot;
pub use pane_id::PaneId;
pub use update::update;

use crate::config::{InputMode, Keymap, Thresholds};
use crate::model::PollControl;
use crate::model::{SourceError, SourceKind, Timestamp};
use table::TableView;

/// Refresh intervals the interval keys step through, in milliseconds.
pub const INTERVAL_STEPS_MS: [u64; 7] = [1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000];

/// How a source's polls went: its data's age and the last poll's error. Kept per source,
/// not per pane, because a pane can show more than one source (the Targets pane shows the
/// health probes too), each with its own age.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceStatus {
    /// When the last good data arrived.
    pub updated_at: Option<Timestamp>,
    /// The last poll's error, if the last poll failed; the old data stays shown.
    pub error: Option<SourceError>,
    pub error_at: Option<Timestamp>,
}

/// A pane's table.
#[derive(Debug, Clone, PartialEq)]
pub struct PaneState {
    pub table: TableView,
}

impl PaneState {
    fn new(pane: PaneId) -> Self {
        let table = TableView::new(panes::default_sort(pane));
        Self {
            // The error tail shows the newest lines unless the operator picked one.
            table: if pane == PaneId::Logs {
                table.following_head()
            } else {
                table
            },
        }
    }
}

/// What the header says about where we are.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentInfo {
    pub name: String,
    pub region: String,
    pub read_only: bool,
    pub read_only_reason: Option<String>,
    /// Production: every change asks for the resource name to be typed.
    pub production: bool,
    pub demo: bool,
    /// Who the AWS calls run as (account and role), when known.
    pub identity: Option<String>,
    /// Metrics each GetMetricData refresh requests (None where CloudWatch is not billed).
    pub metrics_requested_per_refresh: Option<usize>,
    /// Whether superuser sessions may be cancelled or terminated.
    pub allow_superuser_termination: bool,
    /// The database the PostgreSQL pane watches (what a database-wide ANALYZE acts on).
    pub database: Option<String>,
}

impl EnvironmentInfo {
    /// The demo's simulated production estate, writable.
    pub fn demo(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            region: "us-east-1".to_owned(),
            read_only: false,
            read_only_reason: None,
            // The demo copies a production estate, and drills should feel like one.
            production: true,
            demo: true,
            identity: None,
            metrics_requested_per_refresh: None,
            allow_superuser_termination: false,
            database: Some("basecoat_db".to_owned()),
        }
    }
}

/// The whole screen state.
#[derive(Debug, Clone)]
pub struct State {
    pub environment: EnvironmentInfo,
    pub now: Timestamp,
    pub width: u16,
    pub height: u16,
    pub focus: PaneId,
    pub zoomed: bool,
    pub mode: InputMode,
    pub help_scroll: u16,
    /// The filter as it was before typing started, restored on cancel.
    pub filter_before_edit: String,
    pub polling: PollControl,
    pub data: Snapshot,
    pub panes: [PaneState; 7],
    /// Each source's data age and last error, by [`SourceKind::index`].
    pub sources: [SourceStatus; SourceKind::COUNT],
    pub keymap: Keymap,
    pub thresholds: Thresholds,
    /// A one-line notice for the footer (why a key did nothing, how an action ended, ...).
    pub notice: Option<String>,
    /// Prompt, confirm dialog, history, follow-through and undo of guarded actions.
    pub guarded: guard::Guarded,
    /// What the PostgreSQL pane shows.
    pub pg_view: panes::postgres::PgView,
    /// What the Alarms pane shows.
    pub alarm_view: panes::alarms::AlarmView,
    /// Where the overnight view's window begins: an age or a clock time (`12h`,
    /// `since 18:00`), checked when it was given.
    pub overnight_window: String,
    pub should_quit: bool,
    /// Opened from the estate screen, which `e` returns to.
    pub from_estate: bool,
    /// The health checks as of the last poll, and how they changed.
    pub checklist: Checklist,
    /// The declared incident and its screen.
    pub war_room: war_room::WarRoom,
    /// Staleness limits and which sources are past them.
    pub freshness: freshness::Freshness,
    /// On-demand reads asked for and not answered yet.
    pub in_flight: InFlight,
}

/// The overnight view's window unless the command line says otherwise.
pub const DEFAULT_OVERNIGHT_WINDOW: &str = "12h";

impl State {
    /// The views the panes with several show.
    pub fn views(&self) -> panes::Views {
        panes::Views {
            postgres: self.pg_view,
            alarms: self.alarm_view,
        }
    }
}

/// On-demand reads asked for and not answered yet, with when they were asked. A second key
/// press while one is in flight asks nothing more (it would race the first, and each read
/// costs); one unanswered after [`InFlight::PATIENCE_SECONDS`] may be asked again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InFlight {
    pub table_sizes: Option<Timestamp>,
    pub statements: Option<Timestamp>,
    pub insights: Option<Timestamp>,
    pub alarm_history: Option<Timestamp>,
    /// The group whose launch template versions are being read.
    pub versions: Option<(String, Timestamp)>,
}

impl InFlight {
    /// How long an unanswered on-demand read holds off another.
    pub const PATIENCE_SECONDS: i64 = 60;

    /// True when a read asked at `asked` still holds off another at `now`.
    pub fn holds(asked: Timestamp, now: Timestamp) -> bool {
        (now - asked).num_seconds() < Self::PATIENCE_SECONDS
    }

    /// Marks the read in `slot` asked at `now` and returns true, unless one asked earlier
    /// still holds it off (then false, and nothing changes).
    pub fn claim(slot: &mut Option<Timestamp>, now: Timestamp) -> bool {
        if slot.is_some_and(|asked| Self::holds(asked, now)) {
            return false;
        }
        *slot = Some(now);
        true
    }
}

/// The health checklist screen's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checklist {
    pub results: Vec<crate::check::CheckResult>,
    pub selected: usize,
    /// Check id -> (status before, status now, when it changed): the last real verdict change
    /// of each check since the dashboard started.
    pub changes: std::collections::BTreeMap<
        &'static str,
        (crate::check::Status, crate::check::Status, Timestamp),
    >,
    /// Check id -> its last real verdict (never unknown): what a change is measured from.
    pub last_verdicts: std::collections::BTreeMap<&'static str, crate::check::Status>,
}

impl State {
    /// A fresh screen at `now`, before any data has arrived.
    pub fn new(
        environment: EnvironmentInfo,
        keymap: Keymap,
        thresholds: Thresholds,
        refresh_interval_ms: u64,
        now: Timestamp,
    ) -> Self {
        Self {
            environment,
            now,
            width: 120,
            height: 40,
            focus: PaneId::AutoScaling,
            zoomed: false,
            mode: InputMode::Normal,
            help_scroll: 0,
            filter_before_edit: String::new(),
            polling: PollControl {
                paused: false,
                interval_ms: refresh_interval_ms,
                refresh_generation: 0,
            },
            data: Snapshot::default(),
            panes: PaneId::ALL.map(PaneState::new),
            sources: Default::default(),
            keymap,
            thresholds,
            notice: None,
            guarded: guard::Guarded::default(),
            pg_view: panes::postgres::PgView::default(),
            alarm_view: panes::alarms::AlarmView::default(),
            overnight_window: DEFAULT_OVERNIGHT_WINDOW.to_owned(),
            should_quit: false,
            from_estate: false,
            checklist: Checklist::default(),
            war_room: war_room::WarRoom::default(),
            freshness: freshness::Freshness::default(),
            in_flight: InFlight::default(),
        }
    }

    /// The state of `pane`.
    pub fn pane(&self, pane: PaneId) -> &PaneState {
        &self.panes[pane.index()]
    }

    fn pane_mut(&mut self, pane: PaneId) -> &mut PaneState {
        &mut self.panes[pane.index()]
    }

    /// How `source`'s polls went.
    pub fn source(&self, source: SourceKind) -> &SourceStatus {
        &self.sources[source.index()]
    }

    fn source_mut(&mut self, source: SourceKind) -> &mut SourceStatus {
        &mut self.sources[source.index()]
    }

    /// What to do about missing or expired AWS credentials, when an AWS pane's last poll
    /// failed for that reason: every AWS pane is then stale, so it is said once, in the
    /// header. The database's own authentication errors stay in its pane: they are fixed in
    /// the DSN, not with `aws sso login`.
    pub fn credentials_problem(&self) -> Option<&str> {
        let error = crate::model::SourceKind::ALL
            .into_iter()
            .filter(|source| source.is_aws())
            .filter_map(|source| self.source(source).error.as_ref())
            .find(|error| error.kind == crate::model::SourceErrorKind::Credentials)?;
        // "AWS credentials missing or expired; run: ... (SDK detail)": the fix alone, which
        // fits a header line.
        let advice = error
            .message
            .split_once(" (")
            .map_or(error.message.as_str(), |(advice, _)| advice);
        Some(advice.split_once("; ").map_or(advice, |(_, fix)| fix))
    }
}
