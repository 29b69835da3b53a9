//! `opsdeck check`: one concurrent poll of every source, the checks, the report. No terminal
//! is needed, so it runs from cron and CI.

use std::path::Path;
use std::process::ExitCode;

use crate::check::report::{self, Format};
use crate::check::{CheckInput, evaluate};
use crate::cli::RunArgs;
use crate::clock::Clock;
use crate::config;
use crate::poller::poll_within_deadline;
use crate::sim::Simulator;
use crate::source::{SourceErrorKind, SourceKind, Sources};
use crate::wiring;

/// Exit status when the check could not run (bad config, no environment, no credentials).
pub const EXIT_COULD_NOT_RUN: u8 = 3;

/// Runs the check and writes the report; the exit status says how it went.
pub fn run(args: &RunArgs, format: &str, output: Option<&Path>, demo_elapsed: u32) -> ExitCode {
    match check(args, format, output, demo_elapsed) {
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let (environment, sources) = if args.demo {
        let clock = Clock::wall();
        let simulator = Simulator::opened_earlier(args.seed, clock, demo_elapsed);
        (wiring::DEMO_ENVIRONMENT.to_owned(), simulator.sources())
    } else {
        let wiring = runtime.block_on(wiring::live(&resolved))?;
        (wiring.environment.name, wiring.sources)
    };
    let input = runtime.block_on(poll_once(&sources));
    runtime.shutdown_background();
    let results = evaluate(&input, &resolved.thresholds);
    let text = report::render(format, &environment, chrono::Utc::now(), &results);
    match output {
        Some(path) => std::fs::write(path, &text)
            .map_err(|e| format!("cannot write the report to {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(u8::try_from(report::exit_code(&results)).unwrap_or(2))
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
