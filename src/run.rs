//! From the command line to a running dashboard or a finished subcommand.

use std::process::ExitCode;

use color_eyre::eyre::Result;

use crate::action::journal::Journal;
use crate::action::journal_view;
use crate::cli::{Cli, Command, ConfigCommand, RunArgs};
use crate::config::{self, ConfigError, ConfigOrigin, Resolved};
use crate::incident::Severity;
use crate::session::{
    EXIT_CONFIG, incident_store, journal_of, open_environment, reopen, run_dashboard, run_options,
    runtime, start_logging,
};
use crate::wiring;

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
