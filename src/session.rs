//! What every command sets up and how one environment's dashboard is opened and run: the
//! runtime, the exit status for bad input, the incident store, the audit journal, logging,
//! and the dashboard of one environment (the main screen's and the estate's).

use color_eyre::eyre::Result;

use crate::action::journal::Journal;
use crate::action_runner::ActionRunner;
use crate::app::{self, RunOptions};
use crate::cli::RunArgs;
use crate::config::Resolved;
use crate::incident::Severity;
use crate::incident::store::{IncidentStore, Reopened};
use crate::msg::Effect;
use crate::runtime::Runtime;
use crate::state::{State, incident_update};
use crate::wiring;

/// The runtime every command runs its I/O on: two workers (the machines this runs on have
/// two cores, and the work is waiting on the network).
pub(crate) fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Exit status for a bad config or bad arguments: the terminal was never entered.
pub const EXIT_CONFIG: u8 = 2;

/// Where opsdeck will write `file`, checked before the terminal is entered: a directory on
/// the way that exists as a file is named with the flag that moves it, as a config error.
fn directory_problem(what: &str, file: &std::path::Path, flag: &str) -> Option<String> {
    let dir = file.parent().filter(|dir| !dir.as_os_str().is_empty())?;
    let existing = dir.ancestors().find(|ancestor| ancestor.exists())?;
    (!existing.is_dir()).then(|| {
        format!(
            "cannot write the {what} {}: {} is a file, not a directory; move it away or pass {flag}",
            file.display(),
            existing.display()
        )
    })
}

/// The service messages name: the first Auto Scaling group without its `-asg`, else the
/// environment.
fn default_service(resolved: &Resolved) -> String {
    resolved
        .environment
        .as_ref()
        .and_then(|environment| environment.auto_scaling_groups.first())
        .map(|group| group.trim_end_matches("-asg").to_owned())
        .unwrap_or_else(|| resolved.environment_name.clone())
}

/// Continues the environment's open incident, or declares the one `--incident` asks for
/// (written to disk before the screen opens). Both at once is refused: one incident at a time.
fn open_incident(
    state: &mut State,
    store: &IncidentStore,
    reopened: Reopened,
    declare: Option<(Severity, String)>,
) -> Result<(), String> {
    for warning in &reopened.warnings {
        tracing::warn!("{warning}");
    }
    match (reopened.incident, declare) {
        (Some(open), Some(_)) => Err(format!(
            "{} \"{}\" (declared {}) is still open in {}; open opsdeck without --incident and resolve it (E) first",
            open.severity.label(),
            open.title,
            crate::incident::messages::date_time(open.declared_at),
            store.events_path(&open.id).display()
        )),
        (Some(open), None) => {
            state.notice = Some(format!(
                "continuing {} \"{}\" declared {}",
                open.severity.label(),
                open.title,
                crate::incident::messages::date_time(open.declared_at)
            ));
            state.war_room.incident = Some(open);
            state.war_room.showing = true;
            Ok(())
        }
        (None, Some((severity, title))) => {
            let service = state.war_room.default_service.clone();
            let now = state.now;
            for effect in incident_update::declare(state, severity, &title, &service, now) {
                if let Effect::RecordIncident { id, event } = effect {
                    store.append(&id, &event).map_err(|error| {
                        format!("cannot write {}: {error}", store.events_path(&id).display())
                    })?;
                }
            }
            Ok(())
        }
        (None, None) => Ok(()),
    }
}

/// The incident store: `--incident-dir`, else the platform data dir's.
pub(crate) fn incident_store(args: &RunArgs) -> Result<IncidentStore> {
    Ok(IncidentStore::new(match &args.incident_dir {
        Some(dir) => dir.clone(),
        None => IncidentStore::default_dir().ok_or_else(|| {
            color_eyre::eyre::eyre!("no home directory for incidents; pass --incident-dir DIR")
        })?,
    }))
}

/// The environment's open incident, if any, read from the store.
pub(crate) fn reopen(store: &IncidentStore, environment: &str) -> Result<Reopened, String> {
    store.reopen(environment).map_err(|error| {
        format!(
            "cannot read incidents in {}: {error}",
            store.dir().display()
        )
    })
}

/// The audit journal: `--journal`, else the platform data dir's.
pub(crate) fn journal_of(args: &RunArgs) -> Result<Journal> {
    Ok(Journal::new(match &args.journal {
        Some(path) => path.clone(),
        None => Journal::default_path().ok_or_else(|| {
            color_eyre::eyre::eyre!("no home directory for the audit journal; pass --journal FILE")
        })?,
    }))
}

/// Checks where the journal and the log go, and starts logging (once per process).
pub(crate) fn start_logging(
    args: &RunArgs,
    journal: &Journal,
) -> Result<Option<tracing_appender::non_blocking::WorkerGuard>, String> {
    let log_file = args
        .log_file
        .clone()
        .or_else(crate::logging::default_log_file);
    let problems = [
        directory_problem("audit journal", journal.path(), "--journal FILE"),
        log_file
            .as_deref()
            .and_then(|file| directory_problem("log file", file, "--log-file FILE")),
    ];
    if let Some(problem) = problems.into_iter().flatten().next() {
        return Err(problem);
    }
    match &log_file {
        Some(file) => crate::logging::init(file, &args.log_level)
            .map(Some)
            .map_err(|error| format!("{error:#}")),
        None => Ok(None),
    }
}

pub(crate) fn run_options(args: &RunArgs) -> RunOptions {
    RunOptions {
        exit_after_first_full_frame: args.exit_after_first_full_frame,
        debug_panic_after: args
            .debug_panic_after_ms
            .map(std::time::Duration::from_millis),
    }
}

/// One environment ready to show: its screen state, its sources and who carries out its
/// actions.
pub(crate) struct OpenedEnvironment {
    pub state: State,
    pub sources: crate::source::Sources,
    pub runner: ActionRunner,
}

/// Opens `wiring`'s environment: its screen state (with its open incident continued or the
/// one to declare) and its action runner. `service` names the service messages speak of
/// (else the environment's first Auto Scaling group).
pub(crate) fn open_environment(
    resolved: &Resolved,
    wiring: wiring::Wiring,
    journal: Journal,
    service: Option<String>,
    (store, reopened, declare): (&IncidentStore, Reopened, Option<(Severity, String)>),
) -> Result<OpenedEnvironment, String> {
    let runner = ActionRunner {
        timeout: crate::action_runner::ACTION_TIMEOUT,
        executor: wiring.executor,
        journal,
        actor: wiring.actor,
        database_identity: wiring.database_identity,
        clock: wiring.clock.clone(),
        run_id: chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string(),
    };
    let mut state = State::new(
        wiring.environment,
        resolved.keymap.clone(),
        resolved.thresholds.clone(),
        wiring.refresh_interval_ms,
        wiring.clock.now(),
    );
    state.war_room.default_service = service.unwrap_or_else(|| default_service(resolved));
    state.freshness.schedules = wiring.sources.schedules;
    state.freshness.clock_speed = wiring.clock.speed();
    open_incident(&mut state, store, reopened, declare)?;
    Ok(OpenedEnvironment {
        state,
        sources: wiring.sources,
        runner,
    })
}

/// Runs an opened environment's dashboard until it ends; its pollers stop with it.
pub(crate) async fn run_dashboard(
    opened: OpenedEnvironment,
    theme: crate::config::Theme,
    store: IncidentStore,
    options: RunOptions,
) -> Result<app::Ended> {
    let polling = opened.state.polling;
    let (effects, messages) = Runtime::start(polling, opened.sources, opened.runner, store);
    app::run(opened.state, theme, messages, &effects, options).await
}
