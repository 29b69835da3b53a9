//! What happened (`Msg`), what to do (`Effect`), and the named actions keys are bound to.

use crate::key::KeyEvent;

use crate::action::{Proposal, Report};
pub use crate::key_action::Action;
use crate::model::Timestamp;
use crate::model::{PollControl, SourceData, SourceError, SourceKind};

/// Everything the update function reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// A key was pressed at `at` (press events only; release and repeat never get here). The
    /// time is the key's, not the last frame's: a note typed is stamped when it was typed.
    Key { key: KeyEvent, at: Timestamp },
    /// The terminal changed size.
    Resize { width: u16, height: u16 },
    /// The clock moved: carries the time so update never reads a clock.
    Tick(Timestamp),
    /// A poller finished one poll.
    SourceUpdate {
        source: SourceKind,
        result: Result<SourceData, SourceError>,
        at: Timestamp,
    },
    /// Table sizes, read on demand.
    TableSizes {
        result: Result<Vec<crate::model::TableSize>, SourceError>,
        at: Timestamp,
    },
    /// The alarms' state changes since `since`, for the overnight view.
    AlarmHistory {
        since: Timestamp,
        result: Result<Vec<crate::model::AlarmStateChange>, SourceError>,
    },
    /// A `pg_stat_statements` reading, asked for while the top SQL view is shown.
    Statements {
        result: Result<crate::model::StatementReading, SourceError>,
    },
    /// opsdeck's incidents of the environment open now or resolved since the overnight
    /// window's start.
    OvernightIncidents {
        result: Result<Vec<crate::model::IncidentNote>, String>,
    },
    /// A Performance Insights reading, asked for while its view is shown.
    Insights {
        result: Result<crate::model::InsightsReading, SourceError>,
    },
    /// The series of a metric window asked for by a time range or week-over-week.
    MetricWindow {
        which: crate::model::Which,
        window: crate::model::MetricWindow,
        result: Result<Vec<crate::model::MetricSeries>, SourceError>,
    },
    /// Launch template versions, read on demand for a rollback.
    LaunchTemplateVersions {
        group: String,
        result: Result<Vec<crate::model::LaunchTemplateVersion>, SourceError>,
    },
    /// A confirmed action finished (or was refused before it was sent).
    ActionFinished {
        proposal_id: u64,
        report: Report,
        at: Timestamp,
    },
    /// An incident event or file was written (Ok with the file's path for files) or could
    /// not be.
    IncidentWritten {
        what: String,
        result: Result<Option<std::path::PathBuf>, String>,
    },
}

/// Everything update asks the outside world to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Leave the app.
    Quit,
    /// Leave this environment for the estate screen it was opened from.
    ShowEstate,
    /// Tell the pollers about pause, interval or "refresh now".
    ControlPolling(PollControl),
    /// Journal the intent, run the confirmed proposal, journal the outcome.
    Execute(Box<Proposal>),
    /// Read table sizes once (too costly for every poll).
    LoadTableSizes,
    /// Fetch the metrics over `window`: a time range's first fetch or its extension.
    LoadMetricWindow {
        which: crate::model::Which,
        window: crate::model::MetricWindow,
    },
    /// Read the alarms' state changes since `since` (DescribeAlarmHistory).
    LoadAlarmHistory { since: Timestamp },
    /// Read the incident store for `environment`'s incidents open now or resolved since
    /// `since` (beside the alarm history in the overnight view).
    LoadOvernightIncidents {
        environment: String,
        since: Timestamp,
    },
    /// Read `pg_stat_statements` once (the top SQL view asks at each database poll).
    LoadStatements,
    /// Read the RDS instance's load by wait and by statement from Performance Insights
    /// (the view asks at most once a minute).
    LoadInsights,
    /// Read the launch template versions `group` can roll back to.
    LoadLaunchTemplateVersions { group: String },
    /// Append one event to incident `id`'s file (durable before the next one).
    RecordIncident {
        id: String,
        event: crate::incident::IncidentEvent,
    },
    /// Write a file beside incident `id` (a message, the post-incident timeline).
    WriteIncidentFile {
        id: String,
        name: String,
        text: String,
    },
    /// Put `text` on the clipboard with OSC 52 (works over SSH and inside tmux).
    CopyToClipboard(String),
}

/// Who carries out the effects `update` returns, and whose clock the loop reads: implemented
/// by the adapters (the pollers' control, the action runner, the incident writer, on-demand
/// loads), called by the event loop, which keeps the terminal's own effects (quitting, the
/// clipboard). The answers of what it starts come back as messages.
pub trait EffectRunner {
    /// The time on the run's clock (wall time, or the demo's faster time).
    fn now(&self) -> Timestamp;

    /// Starts `effect` and returns at once.
    fn carry_out(&self, effect: Effect);
}
