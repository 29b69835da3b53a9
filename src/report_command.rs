//! `opsdeck report capacity`: the weekly capacity review from days of CloudWatch metrics
//! (the demo's generated week with `--demo`). One GetMetricData window over the days, at the
//! finest period CloudWatch keeps for its start (1-minute data for 15 days, 5-minute for 63:
//! GetMetricData, Amazon CloudWatch API Reference), paginated by the SDK.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::check::capacity;
use crate::check::report::Format;
use crate::cli::RunArgs;
use crate::clock::Clock;
use crate::config;
use crate::model::{MetricWindow, closed_periods, window_period};
use crate::sim::Simulator;
use crate::wiring;

/// A week of every metric is a few pages of 100,800 datapoints; more than a poll's deadline.
const READ_DEADLINE: Duration = Duration::from_secs(120);

/// Exit status when the review could not be made.
const EXIT_COULD_NOT_RUN: u8 = 3;

/// Runs the review and writes it: 0 when written, 3 when it could not be made.
pub fn capacity(args: &RunArgs, days: u32, format: &str, output: Option<&Path>) -> ExitCode {
    match review(args, days, format) {
        Ok(text) => match output {
            Some(path) => match std::fs::write(path, &text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!(
                        "error: cannot write the report to {}: {error}",
                        path.display()
                    );
                    ExitCode::from(EXIT_COULD_NOT_RUN)
                }
            },
            None => {
                print!("{text}");
                ExitCode::SUCCESS
            }
        },
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_COULD_NOT_RUN)
        }
    }
}

fn review(args: &RunArgs, days: u32, format: &str) -> Result<String, String> {
    let format = Format::parse(format)?;
    let resolved = config::load(&args.overrides()).map_err(|e| e.to_string())?;
    let runtime =
        crate::session::runtime().map_err(|e| format!("cannot start the runtime: {e}"))?;
    let span = i64::from(days) * 24 * 3600;
    let period = window_period(span, span, 60);
    let (start, end) = closed_periods(chrono::Utc::now(), span, i64::from(period));
    let window = MetricWindow {
        start,
        end,
        period_seconds: period,
    };
    let (environment, series) = runtime.block_on(async {
        let (environment, sources) = if args.demo {
            let simulator = Simulator::opened_earlier(args.seed, Clock::wall(), 0);
            (wiring::DEMO_ENVIRONMENT.to_owned(), simulator.sources())
        } else {
            let wiring = wiring::live(&resolved).await?;
            (wiring.environment.name, wiring.sources)
        };
        let series = tokio::time::timeout(READ_DEADLINE, sources.metrics.metric_window(window))
            .await
            .map_err(|_| {
                format!(
                    "the metrics did not answer within {} s",
                    READ_DEADLINE.as_secs()
                )
            })?
            .map_err(|error| format!("the metrics could not be read: {}", error.message))?;
        Ok::<_, String>((environment, series))
    })?;
    runtime.shutdown_background();
    let review = capacity::review(&environment, start, end, &series);
    Ok(capacity::render(&review, format))
}
