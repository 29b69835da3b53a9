//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// opsdeck: one keyboard-driven screen for the runbooks' checks and fixes.
#[derive(Debug, Parser)]
#[command(name = "opsdeck", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub run: RunArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of the dashboard itself.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Run on the built-in simulated estate (no AWS account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Seed of the demo simulation: the same seed replays the same estate.
    #[arg(long, default_value_t = 1, requires = "demo", global = true)]
    pub seed: u64,
    /// How many times faster than real time the demo runs (0.1 to 3600).
    #[arg(long, default_value_t = 1.0, requires = "demo", value_parser = parse_speed)]
    pub speed: f64,
    /// Config file (else $OPSDECK_CONFIG, else the platform config dir's config.toml).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Environment from the config file's [environments.NAME]; `opsdeck check` takes it
    /// more than once.
    #[arg(long = "env", value_name = "NAME", global = true, action = clap::ArgAction::Append)]
    pub environments: Vec<String>,
    /// Open on the estate: every environment of the config (with --demo, the simulated
    /// customers) on one screen; Enter opens one, e comes back. A config with several
    /// environments opens on it without --env.
    #[arg(long, conflicts_with = "environments")]
    pub estate: bool,
    /// Theme name (default, light, high-contrast, or a file in the user's themes dir).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Keymap name (default, vim, or a file in the user's keymaps dir).
    #[arg(long, value_name = "NAME")]
    pub keymap: Option<String>,
    /// Refuse every change; wins over the config's settings.
    #[arg(long)]
    pub read_only: bool,
    /// Audit journal of every action (default: journal.jsonl in the platform data dir).
    #[arg(long, value_name = "FILE", global = true)]
    pub journal: Option<PathBuf>,
    /// Declare an incident as the dashboard opens, e.g. --incident SEV1 "checkout down":
    /// the war room shows it from the first frame.
    #[arg(long, num_args = 2, value_names = ["SEVERITY", "TITLE"])]
    pub incident: Option<Vec<String>>,
    /// Where incidents are kept (default: incidents in the platform data dir).
    #[arg(long, value_name = "DIR", global = true)]
    pub incident_dir: Option<PathBuf>,
    /// Where "overnight" begins, for the Alarms pane's overnight view and the check
    /// report: an age (12h, 90m, 2d; at most 14 days) or a UTC time ("since 18:00",
    /// "since 18:00 yesterday").
    #[arg(long, value_name = "WINDOW", default_value = "12h", value_parser = parse_overnight, global = true)]
    pub overnight: String,
    /// Log file (default: opsdeck.log in the platform state dir).
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Log level: error, warn, info, debug or trace.
    #[arg(long, value_name = "LEVEL", default_value = "info", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: String,
    /// Quit as soon as a frame with data in every pane has been drawn (for benchmarks).
    #[arg(long, hide = true)]
    pub exit_after_first_full_frame: bool,
    /// Panic in a background task after this many ms (to test that the terminal is restored).
    #[arg(long, hide = true, value_name = "MS")]
    pub debug_panic_after_ms: Option<u64>,
}

impl RunArgs {
    /// The one environment asked for, if any; several are for `opsdeck check` only.
    pub fn single_environment(&self) -> Result<Option<&str>, String> {
        match self.environments.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(format!(
                "--env given {} times: the dashboard and the journal show one environment; \
                 `opsdeck check` checks several (or --all)",
                self.environments.len()
            )),
        }
    }

    /// What these options change in the loaded configuration.
    pub fn overrides(&self) -> crate::config::Overrides {
        crate::config::Overrides {
            config_path: self.config.clone(),
            environment: self.environments.first().cloned(),
            theme: self.theme.clone(),
            keymap: self.keymap.clone(),
            read_only: self.read_only,
            demo: self.demo,
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the audit journal of actions (intent and outcome of each).
    Journal {
        /// Only entries at or after this time (RFC 3339) or age (30m, 2h, 7d).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Output format.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Poll every source once and report the runbooks' health checks. Exit status: 0 all
    /// pass, 1 any warn, 2 any fail or unknown, 3 could not run.
    Check {
        /// Output format.
        #[arg(long, default_value = "text", value_parser = ["text", "markdown", "json"])]
        format: String,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Check every environment of the config file, concurrently, in one report.
        #[arg(long, conflicts_with = "demo")]
        all: bool,
        /// With --demo: check the simulated estate this many seconds after it opens (its
        /// incident starts at 60 s).
        #[arg(long, value_name = "SECONDS", default_value_t = 0, requires = "demo")]
        demo_elapsed: u32,
    },
    /// Read what an AWS account holds (Auto Scaling groups, load balancers, ECS, RDS,
    /// ElastiCache, log groups, alarms) and write the environment table that watches it:
    /// printed, appended to the config file with --write, or, with no config file yet,
    /// written as the new one. Read-only calls only.
    Discover(DiscoverArgs),
    /// Work with the config file.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Reports over days of metrics.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

/// `opsdeck report ...`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The weekly capacity review: per metric the p50, p95 and maximum over the last days,
    /// the share of time above 70 %, what approaches 70 % sustained and what is under-used.
    Capacity {
        /// How many days back (1 to 63; 1-minute periods up to a week, coarser beyond, as
        /// CloudWatch keeps them).
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=63))]
        days: u32,
        /// Output format.
        #[arg(long, default_value = "text", value_parser = ["text", "markdown", "json"])]
        format: String,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `opsdeck discover ...`
#[derive(Debug, Args, Clone)]
pub struct DiscoverArgs {
    /// AWS profile to read with (else $AWS_PROFILE, else the default credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to read (else $AWS_REGION, else $AWS_DEFAULT_REGION).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// A role to assume from the profile's credentials (a customer's account).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The external id the role's trust policy asks for.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub external_id: Option<String>,
    /// Another endpoint (moto, LocalStack), written into the table too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Only resources carrying this tag (and what serves them); more than one must all match.
    #[arg(long = "tag", value_name = "KEY=VALUE", action = clap::ArgAction::Append)]
    pub tags: Vec<String>,
    /// The environment's name (else the tags' values, else the profile).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Append the table to the config file (backed up first; an existing environment of
    /// that name is never replaced) instead of printing it. Without any config file yet,
    /// discover writes the new one unless --print is given.
    #[arg(long, conflicts_with = "print")]
    pub write: bool,
    /// Only print the table, even when no config file exists yet.
    #[arg(long)]
    pub print: bool,
}

/// `opsdeck config ...`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a config file and print what it resolves to.
    Check {
        /// The file to check (else the one opsdeck would use).
        file: Option<PathBuf>,
    },
}

/// Accepts what [`crate::format::window_start`] reads, as written.
fn parse_overnight(text: &str) -> Result<String, String> {
    crate::format::window_start(text, chrono::Utc::now())?;
    Ok(text.to_owned())
}

fn parse_speed(text: &str) -> Result<f64, String> {
    let speed: f64 = text
        .parse()
        .map_err(|_| format!("\"{text}\" is not a number"))?;
    if !(0.1..=3600.0).contains(&speed) {
        return Err(format!("{speed} is out of range; expected 0.1 to 3600"));
    }
    Ok(speed)
}
