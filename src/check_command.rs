//! `opsdeck check`: one concurrent poll of every source, the checks, the report. No terminal
//! is needed, so it runs from cron and CI.

use std::path::Path;
use std::process::ExitCode;

use crate::check::morning::Morning;
use crate::check::report::{self, Format};
use crate::check::{CheckInput, evaluate};
use crate::cli::RunArgs;
use crate::clock::Clock;
use crate::config;
use crate::model::IncidentNote;
use crate::model::{MetricWindow, TimeRange, Timestamp, closed_periods, episodes, range_period};
use crate::poller::poll_within_deadline;
use crate::sim::Simulator;
use crate::source::{SourceErrorKind, SourceKind, Sources};
use crate::wiring;

/// Exit status when the check could not run (bad config, no environment, no credentials).
pub const EXIT_COULD_NOT_RUN: u8 = 3;

/// How many environments an estate check reads at once: each polls every source at once, and
/// an account's API rate limits are shared by all its environments.
const ENVIRONMENTS_AT_ONCE: usize = 4;

/// Runs the check and writes the report; the exit status says how it went.
pub fn run(
    args: &RunArgs,
    format: &str,
    output: Option<&Path>,
    all: bool,
    demo_elapsed: u32,
) -> ExitCode {
    let outcome = if all || args.environments.len() > 1 {
        check_estate(args, format, output, all)
    } else {
        check(args, format, output, demo_elapsed)
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_COULD_NOT_RUN)
        }
    }
}

fn check(
    args: &RunArgs,
    format: &str,
    output: Option<&Path>,
    demo_elapsed: u32,
) -> Result<u8, String> {
    let format = Format::parse(format)?;
    let resolved = config::load(&args.overrides()).map_err(|e| e.to_string())?;
    let runtime =
        crate::session::runtime().map_err(|e| format!("cannot start the runtime: {e}"))?;
    let (environment, sources) = if args.demo {
        let clock = Clock::wall();
        let simulator = Simulator::opened_earlier(args.seed, clock, demo_elapsed);
        (wiring::DEMO_ENVIRONMENT.to_owned(), simulator.sources())
    } else {
        let wiring = runtime.block_on(wiring::live(&resolved))?;
        (wiring.environment.name, wiring.sources)
    };
    let input = runtime.block_on(poll_once(&sources));
    let since = crate::format::window_start(&args.overnight, chrono::Utc::now())?;
    let incidents = incidents_since(args, &environment, since);
    let morning = runtime.block_on(morning(&sources, since, incidents));
    runtime.shutdown_background();
    let results = evaluate(&input, &resolved.thresholds);
    let text = report::render_with_morning(
        format,
        &environment,
        chrono::Utc::now(),
        &results,
        Some(&morning),
    );
    match output {
        Some(path) => std::fs::write(path, &text)
            .map_err(|e| format!("cannot write the report to {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(u8::try_from(report::exit_code(&results)).unwrap_or(2))
}

/// Every environment asked for (all of the config's with `all`) checked concurrently, a few
/// at a time; one that cannot be wired or read is reported as such and never stops the others.
fn check_estate(
    args: &RunArgs,
    format: &str,
    output: Option<&Path>,
    all: bool,
) -> Result<u8, String> {
    let format = Format::parse(format)?;
    let resolved = config::load(&args.overrides()).map_err(|e| e.to_string())?;
    let names = if all {
        resolved.environment_names.clone()
    } else {
        args.environments.clone()
    };
    if names.is_empty() {
        return Err("check --all: the config defines no [environments.NAME] table".to_owned());
    }
    let runtime =
        crate::session::runtime().map_err(|e| format!("cannot start the runtime: {e}"))?;
    let since = crate::format::window_start(&args.overnight, chrono::Utc::now())?;
    let outcomes = runtime.block_on(async {
        use futures::StreamExt;
        futures::stream::iter(names.iter().map(|name| check_one(args, name, since)))
            .buffered(ENVIRONMENTS_AT_ONCE)
            .collect::<Vec<_>>()
            .await
    });
    runtime.shutdown_background();
    let mut mornings = std::collections::BTreeMap::new();
    let mut environments: Vec<(String, report::EnvironmentOutcome)> = Vec::new();
    for (name, (outcome, morning)) in names.into_iter().zip(outcomes) {
        if let Some(morning) = morning {
            mornings.insert(name.clone(), morning);
        }
        environments.push((name, outcome));
    }
    let text = report::render_estate(format, chrono::Utc::now(), &environments, &mornings);
    match output {
        Some(path) => std::fs::write(path, &text)
            .map_err(|e| format!("cannot write the report to {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(u8::try_from(report::estate_exit_code(&environments)).unwrap_or(2))
}

/// One environment of an estate check: its config resolved as `--env NAME` would, wired,
/// polled once and evaluated against its own thresholds, with its overnight and 12-hour trend
/// sections since `since` (none when it could not be wired).
async fn check_one(
    args: &RunArgs,
    name: &str,
    since: Timestamp,
) -> (report::EnvironmentOutcome, Option<Morning>) {
    let overrides = config::Overrides {
        environment: Some(name.to_owned()),
        ..args.overrides()
    };
    let wired = match config::load(&overrides) {
        Ok(resolved) => wiring::live(&resolved)
            .await
            .map(|wiring| (resolved, wiring)),
        Err(error) => Err(error.to_string()),
    };
    let (resolved, wiring) = match wired {
        Ok(wired) => wired,
        Err(why) => return (Err(why), None),
    };
    let input = poll_once(&wiring.sources).await;
    let incidents = incidents_since(args, &wiring.environment.name, since);
    let morning = morning(&wiring.sources, since, incidents).await;
    (Ok(evaluate(&input, &resolved.thresholds)), Some(morning))
}

/// The morning sections: the alarm history since `since` and the critical metrics over the
/// last 12 hours, read at once, each within its source's deadline; what could not be read is
/// said so in its section.
pub async fn morning(sources: &Sources, since: Timestamp, incidents: Vec<IncidentNote>) -> Morning {
    let within = |kind: SourceKind| sources.schedules.of(kind).deadline;
    let timed_out =
        |kind: SourceKind| format!("no answer within {}", crate::format::deadline(within(kind)));
    let range = TimeRange::TwelveHours;
    let period = range_period(range, 60, false);
    let (start, end) = closed_periods(chrono::Utc::now(), range.seconds(), i64::from(period));
    let window = MetricWindow {
        start,
        end,
        period_seconds: period,
    };
    let (history, series) = futures::join!(
        tokio::time::timeout(
            within(SourceKind::Alarms),
            sources.alarms.alarm_history(since)
        ),
        tokio::time::timeout(
            within(SourceKind::Metrics),
            sources.metrics.metric_window(window)
        ),
    );
    let alarms = match history {
        Ok(Ok(changes)) => Ok(episodes(&changes, since)),
        Ok(Err(error)) => Err(error.message),
        Err(_) => Err(timed_out(SourceKind::Alarms)),
    };
    let trends = match series {
        Ok(Ok(series)) => Ok(crate::check::morning::trends(&series)),
        Ok(Err(error)) => Err(error.message),
        Err(_) => Err(timed_out(SourceKind::Metrics)),
    };
    Morning {
        since,
        alarms,
        incidents,
        trends,
    }
}

/// The environment's incidents open now or resolved since `since`, from opsdeck's own
/// store; none when there is no store (a machine that never declared one).
fn incidents_since(args: &RunArgs, environment: &str, since: Timestamp) -> Vec<IncidentNote> {
    let Ok(store) = crate::session::incident_store(args) else {
        return Vec::new();
    };
    let incidents = match store.open_or_resolved_since(environment, since) {
        Ok(incidents) => incidents,
        Err(error) => {
            eprintln!(
                "warning: incidents in {} could not be read: {error}",
                store.dir().display()
            );
            return Vec::new();
        }
    };
    incidents
        .iter()
        .map(crate::incident::Incident::note)
        .collect()
}

/// Every source read once, at the same time, each within its deadline as the dashboard's
/// pollers read it; what could not be read is noted, never guessed.
pub async fn poll_once(sources: &Sources) -> CheckInput {
    let answers =
        futures::future::join_all(SourceKind::ALL.map(|kind| poll_within_deadline(sources, kind)))
            .await;
    let mut input = CheckInput {
        at: Some(chrono::Utc::now()),
        ..CheckInput::default()
    };
    for (kind, answer) in SourceKind::ALL.into_iter().zip(answers) {
        match answer {
            Ok(data) => input.absorb(data),
            Err(error) if error.kind == SourceErrorKind::NotConfigured => {
                input.unconfigured.insert(kind, error.message);
            }
            Err(error) => {
                input.unread.insert(kind, error.message);
            }
        }
    }
    input
}
