//! From the command line to a running dashboard or a finished subcommand.

use std::process::ExitCode;

use color_eyre::eyre::Result;

use crate::action::journal::Journal;
use crate::action::journal_view;
use crate::action_runner::ActionRunner;
use crate::app::{self, RunOptions};
use crate::cli::{Cli, Command, ConfigCommand, RunArgs};
use crate::config::{self, ConfigError, ConfigOrigin, Resolved};
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

/// Runs what the command line asks for.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Some(Command::Config {
            command: ConfigCommand::Check { file },
        }) => Ok(config_check(&cli.run, file)),
        Some(Command::Check {
            format,
            output,
            all,
            demo_elapsed,
        }) => Ok(crate::check_command::run(
            &cli.run,
            &format,
            output.as_deref(),
            all,
            demo_elapsed,
        )),
        Some(Command::Report {
            command:
                crate::cli::ReportCommand::Capacity {
                    days,
                    format,
                    output,
                },
        }) => Ok(crate::report_command::capacity(
            &cli.run,
            days,
            &format,
            output.as_deref(),
        )),
        Some(Command::Discover(discover)) => Ok(crate::discover_command::run(
            &discover,
            cli.run.config.as_deref(),
        )),
        Some(Command::Journal { since, format }) => {
            Ok(journal(&cli.run, since.as_deref(), &format))
        }
        None => dashboard(&cli.run),
    }
}

fn report_config_error(error: &ConfigError) -> ExitCode {
    eprintln!("error: {}", printable_lines(&error.to_string()));
    ExitCode::from(EXIT_CONFIG)
}

/// Text for a terminal, line by line: names from a config or the journal keep no control
/// character or direction override (see [`crate::format::printable`]).
fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(crate::format::printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A JSON line for a terminal: direction overrides and other invisible controls the JSON
/// encoder leaves as they are become `\uXXXX` escapes, which decode to the same text.
fn escaped_json(line: &str) -> String {
    line.chars()
        .map(
            |c| match crate::format::printable(c.encode_utf8(&mut [0; 4])) {
                std::borrow::Cow::Borrowed(_) => c.to_string(),
                std::borrow::Cow::Owned(_) => format!("\\u{:04x}", u32::from(c)),
            },
        )
        .collect()
}

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

fn config_check(args: &RunArgs, file: Option<std::path::PathBuf>) -> ExitCode {
    let mut overrides = args.overrides();
    if file.is_some() {
        overrides.config_path = file;
    }
    match config::load(&overrides) {
        Ok(resolved) => {
            print!("{}", printable_lines(&describe(&resolved)));
            ExitCode::SUCCESS
        }
        Err(error) => report_config_error(&error),
    }
}

/// `opsdeck journal`: prints the journal, filtered; torn or damaged lines are reported on
/// stderr and skipped.
fn journal(args: &RunArgs, since: Option<&str>, format: &str) -> ExitCode {
    let Some(path) = args.journal.clone().or_else(Journal::default_path) else {
        eprintln!("error: no home directory to find the journal in; pass --journal FILE");
        return ExitCode::from(EXIT_CONFIG);
    };
    let since = match since.map(|text| journal_view::parse_since(text, chrono::Utc::now())) {
        None => None,
        Some(Ok(time)) => Some(time),
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let (entries, warnings) = match Journal::new(&path).read() {
        Ok(read) => read,
        Err(error) => {
            eprintln!("error: cannot read the journal {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };
    for warning in &warnings {
        eprintln!("warning: {}", crate::format::printable(warning));
    }
    if entries.is_empty() && warnings.is_empty() {
        eprintln!("no actions journaled in {} yet", path.display());
    }
    let environment = match args.single_environment() {
        Ok(environment) => environment,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let selected = journal_view::select(&entries, environment, since);
    if selected.is_empty() && !entries.is_empty() {
        eprintln!("no journal entries match the filters");
    }
    let mut out = String::new();
    for entry in selected {
        let line = if format == "json" {
            escaped_json(
                &serde_json::to_string(entry)
                    .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}")),
            )
        } else {
            crate::format::printable(&journal_view::text_line(entry)).into_owned()
        };
        out.push_str(&line);
        out.push('\n');
    }
    // A closed pipe (`| head`) is not an error worth a report.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    ExitCode::SUCCESS
}

/// What `config check` prints: where the config came from and what it resolved to.
pub fn describe(resolved: &Resolved) -> String {
    let origin = match &resolved.origin {
        ConfigOrigin::File(path) => path.display().to_string(),
        ConfigOrigin::Defaults => "no config file; built-in defaults".to_owned(),
    };
    let mut out = format!("config: {origin}: ok\n");
    let environment = if resolved.environment_name.is_empty() {
        "(none selected)".to_owned()
    } else {
        resolved.environment_name.clone()
    };
    out.push_str(&format!("environment: {environment}\n"));
    if let Some(environment) = &resolved.environment {
        out.push_str(&format!("  region: {}\n", environment.region));
        if let Some(profile) = &environment.profile {
            out.push_str(&format!("  profile: {profile}\n"));
        }
        if let Some(endpoint) = &environment.endpoint_url {
            out.push_str(&format!("  endpoint_url: {endpoint}\n"));
        }
        out.push_str(&format!("  production: {}\n", environment.production));
        out.push_str(&format!(
            "  auto_scaling_groups: {}\n",
            environment.auto_scaling_groups.join(", ")
        ));
        if let Some(variable) = &environment.postgres_url_env {
            let set = std::env::var_os(variable).is_some();
            out.push_str(&format!(
                "  postgres_url_env: {variable} ({})\n",
                if set { "set" } else { "not set" }
            ));
        }
    }
    let read_only = match &resolved.read_only_reason {
        Some(reason) if resolved.read_only => format!("yes ({reason})"),
        _ => "no".to_owned(),
    };
    out.push_str(&format!("read-only: {read_only}\n"));
    out.push_str(&format!("theme: {}\n", resolved.theme.name));
    out.push_str(&format!("keymap: {}\n", resolved.keymap.name));
    out.push_str(&format!(
        "refresh_interval_ms: {}\n",
        resolved.refresh_interval_ms
    ));
    let budget = resolved
        .estate
        .api_calls_per_minute
        .map_or("no API budget".to_owned(), |calls| {
            format!("at most {calls} API calls a minute")
        });
    out.push_str(&format!(
        "estate: each environment read every {} s, {budget}\n",
        resolved.estate.read_interval_seconds()
    ));
    out.push_str("thresholds (warn / crit):\n");
    for (name, limit) in resolved.thresholds.named_limits() {
        out.push_str(&format!("  {name}: {} / {}\n", limit.warn, limit.crit));
    }
    let thresholds = &resolved.thresholds;
    out.push_str(&format!(
        "  long_query_seconds: {}\n  idle_session_seconds: {}\n  ecs_pending_grace_seconds: {}\n  certificate days left (warn / fail below): {} / {}\n",
        thresholds.long_query_seconds,
        thresholds.idle_session_seconds,
        thresholds.ecs_pending_grace_seconds,
        thresholds.certificate_warn_days,
        thresholds.certificate_fail_days
    ));
    out
}

/// `--incident SEVERITY TITLE`, checked before the terminal is entered.
fn parse_incident_args(values: &[String]) -> Result<(Severity, String), String> {
    let [severity, title] = values else {
        return Err(
            "--incident takes a severity and a title, e.g. --incident SEV1 \"checkout down\""
                .to_owned(),
        );
    };
    let severity = Severity::parse(severity).map_err(|error| format!("--incident: {error}"))?;
    let title = title.trim();
    if title.is_empty() {
        return Err("--incident: the title is empty; say what is broken for whom".to_owned());
    }
    Ok((severity, title.to_owned()))
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

fn dashboard(args: &RunArgs) -> Result<ExitCode> {
    if let Err(message) = args.single_environment() {
        eprintln!("error: {message}");
        return Ok(ExitCode::from(EXIT_CONFIG));
    }
    let resolved = match config::load(&args.overrides()) {
        Ok(resolved) => resolved,
        Err(error) => return Ok(report_config_error(&error)),
    };
    if crate::estate_command::wanted(args, &resolved) {
        return crate::estate_command::run(args, &resolved);
    }
    let runtime = runtime()?;
    let store = incident_store(args)?;
    let declare = match args
        .incident
        .as_deref()
        .map(parse_incident_args)
        .transpose()
    {
        Ok(declare) => declare,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    let environment_name = if args.demo {
        wiring::DEMO_ENVIRONMENT
    } else {
        resolved.environment_name.as_str()
    };
    let reopened = match reopen(&store, environment_name) {
        Ok(reopened) => reopened,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    let wiring = if args.demo {
        let latest = reopened
            .incident
            .as_ref()
            .and_then(|incident| incident.timeline.last().map(|entry| entry.at));
        wiring::demo(&resolved, args.seed, args.speed, latest.unwrap_or_default())
    } else {
        match runtime.block_on(wiring::live(&resolved)) {
            Ok(wiring) => wiring,
            Err(message) => {
                eprintln!("error: {message}");
                return Ok(ExitCode::from(EXIT_CONFIG));
            }
        }
    };
    let journal = journal_of(args)?;
    let _log_guard = match start_logging(args, &journal) {
        Ok(guard) => guard,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    tracing::info!(environment = %wiring.environment.name, demo = args.demo, "starting");
    let service = if args.demo {
        Some(
            crate::sim::fleet::GROUP_NAME
                .trim_end_matches("-asg")
                .to_owned(),
        )
    } else {
        None
    };
    let opened = match open_environment(
        &resolved,
        wiring,
        journal,
        service,
        (&store, reopened, declare),
    ) {
        Ok(mut opened) => {
            opened.state.overnight_window = args.overnight.clone();
            opened
        }
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    runtime.block_on(run_dashboard(
        opened,
        resolved.theme.clone(),
        store,
        run_options(args),
    ))?;
    // Pollers may be mid-sleep; do not wait for them.
    runtime.shutdown_background();
    Ok(ExitCode::SUCCESS)
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
