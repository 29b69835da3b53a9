//! Configuration: the config file, thresholds, themes and keymaps. Embedded defaults first,
//! the user's files over them, every problem reported with file, line and column.

mod error;
mod keymap;
mod keys;
mod metric;
mod named_file;
mod thresholds;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use error::{ConfigError, line_and_column};
pub use keymap::{Binding, InputMode, Keymap, Section};
pub use keys::KeyChord;
pub use metric::{
    ExtraMetric, HealthTimeout, MAX_HEALTH_TIMEOUT_SECONDS, METRIC_WINDOW_SECONDS, PeriodSetting,
    StatSetting, WindowMinutes,
};
pub use named_file::{
    BUILTIN_KEYMAPS, BUILTIN_THEMES, NamedFile, builtin_named, find_builtin, unknown_name,
};
pub use thresholds::{CheckOverride, Level, Limit, Thresholds, override_problem};
pub use validate::load_balancer_dimension;

/// Polling faster than this would only burn API quota.
pub const MIN_REFRESH_INTERVAL_MS: u64 = 1000;
/// Polling slower than this leaves a dashboard that is never current (the interval keys'
/// longest step is 5 minutes); it also keeps the interval arithmetic far from overflow.
pub const MAX_REFRESH_INTERVAL_MS: u64 = 3_600_000;
/// Default refresh interval for live environments.
pub const DEFAULT_REFRESH_INTERVAL_MS: u64 = 5000;

/// The config file as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub theme: Option<Spanned<String>>,
    pub keymap: Option<Spanned<String>>,
    /// Global read-only switch; an environment's own setting and `--read-only` win over it.
    pub read_only: Option<bool>,
    pub refresh_interval_ms: Option<Spanned<u64>>,
    pub default_environment: Option<Spanned<String>>,
    #[serde(default)]
    pub thresholds: Option<Spanned<Thresholds>>,
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentConfig>,
    /// Per-check switches and limits of the health check.
    #[serde(default)]
    pub checks: Vec<Spanned<CheckOverride>>,
    /// How the estate screen reads the environments.
    #[serde(default)]
    pub estate: Option<Spanned<EstateSettings>>,
}

/// `[estate]`: how often the estate reads each environment, and the API budget it keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EstateSettings {
    /// Seconds between two reads of one environment's checks.
    pub read_interval_seconds: Option<u64>,
    /// API calls a minute the estate's reads may make in all; the interval stretches to stay
    /// within it.
    pub api_calls_per_minute: Option<u64>,
}

/// The estate's default reading interval: light next to a dashboard's 5 s.
pub const DEFAULT_ESTATE_READ_INTERVAL_SECONDS: u64 = 60;
/// Reads closer than this would be a dashboard per environment, not a light read.
pub const MIN_ESTATE_READ_INTERVAL_SECONDS: u64 = 10;

impl EstateSettings {
    /// The reading interval in effect.
    pub fn read_interval_seconds(&self) -> u64 {
        self.read_interval_seconds
            .unwrap_or(DEFAULT_ESTATE_READ_INTERVAL_SECONDS)
    }

    /// What is wrong with these settings, if anything.
    pub fn problem(&self) -> Option<String> {
        if let Some(seconds) = self.read_interval_seconds
            && !(MIN_ESTATE_READ_INTERVAL_SECONDS..=MAX_REFRESH_INTERVAL_MS / 1000)
                .contains(&seconds)
        {
            return Some(format!(
                "estate read_interval_seconds is {seconds}; expected {MIN_ESTATE_READ_INTERVAL_SECONDS} to {} (an hour)",
                MAX_REFRESH_INTERVAL_MS / 1000
            ));
        }
        if self.api_calls_per_minute == Some(0) {
            return Some(
                "estate api_calls_per_minute is 0; expected at least 1 (leave it out for no budget)"
                    .to_owned(),
            );
        }
        None
    }
}

/// One `[environments.NAME]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    #[serde(deserialize_with = "validate::region")]
    pub region: String,
    pub profile: Option<String>,
    /// A role to assume from the profile's credentials (a team reaching a customer's
    /// account): `arn:aws:iam::ACCOUNT:role/NAME`.
    #[serde(default, deserialize_with = "validate::role_arn")]
    pub role_arn: Option<String>,
    /// The external id the role's trust policy asks for (with `role_arn` only).
    pub external_id: Option<String>,
    /// The role session's name, in CloudTrail (with `role_arn` only); `opsdeck` when absent.
    #[serde(default, deserialize_with = "validate::role_session_name")]
    pub role_session_name: Option<String>,
    #[serde(default, deserialize_with = "validate::endpoint_url")]
    pub endpoint_url: Option<String>,
    /// The linked source account whose metrics are read through the CloudWatch cross-account
    /// monitoring account these credentials reach (GetMetricData with `AccountId`).
    #[serde(default, deserialize_with = "validate::account_id")]
    pub metrics_account_id: Option<String>,
    pub read_only: Option<bool>,
    /// Production environments ask for typed confirmation of every change.
    #[serde(default)]
    pub production: bool,
    #[serde(default)]
    pub auto_scaling_groups: Vec<String>,
    #[serde(default)]
    pub target_groups: Vec<String>,
    /// As CloudWatch's `app/NAME/ID` (an ARN given is turned into it when read).
    #[serde(default, deserialize_with = "validate::load_balancers")]
    pub load_balancers: Vec<String>,
    #[serde(default)]
    pub log_groups: Vec<String>,
    /// Logs Insights query for the error counts; the runbook's when absent.
    pub log_error_query: Option<String>,
    /// FilterLogEvents pattern for the error tail; `ERROR` when absent.
    pub log_tail_filter: Option<String>,
    /// How far back the error counts reach; the runbook's 15 minutes when absent.
    pub log_window_minutes: Option<WindowMinutes>,
    pub ecs_cluster: Option<String>,
    #[serde(default)]
    pub ecs_services: Vec<String>,
    /// RDS instances whose connections, latency and CPU are charted and whose status (with
    /// their read replicas, maintenance and storage) the PostgreSQL pane shows.
    #[serde(default)]
    pub rds_instances: Vec<String>,
    /// The RDS Proxy in front of them, whose status and target health are shown too.
    pub rds_proxy: Option<String>,
    /// Read AWS Health events (on by default; the API needs a Business, Enterprise On-Ramp or
    /// Enterprise Support plan, and says so when the account has none).
    pub aws_health: Option<bool>,
    /// ElastiCache replication groups whose status the PostgreSQL pane shows.
    #[serde(default)]
    pub cache_replication_groups: Vec<String>,
    /// ElastiCache clusters whose evictions are charted.
    #[serde(default)]
    pub cache_clusters: Vec<String>,
    /// DynamoDB tables whose throttling and capacity are charted and checked.
    #[serde(default)]
    pub dynamodb_tables: Vec<String>,
    /// False leaves percentile statistics (p99) out, for endpoints that do not serve them
    /// (moto answers them with an HTTP 500).
    pub percentile_metrics: Option<bool>,
    /// Metrics beyond the runbooks' set.
    #[serde(default)]
    pub metrics: Vec<ExtraMetric>,
    /// Alarms whose names start with one of these belong to the environment.
    #[serde(default)]
    pub alarm_name_prefixes: Vec<String>,
    /// Alarms of the environment by name.
    #[serde(default)]
    pub alarm_names: Vec<String>,
    /// Watch every alarm of the account and Region (an account holding one environment).
    #[serde(default)]
    pub all_alarms: bool,
    /// The sites' health URLs (the SEV-1 runbook's `curl -v https://<site>/health`).
    #[serde(default, deserialize_with = "validate::health_urls")]
    pub health_urls: Vec<String>,
    /// ACM certificates to watch beyond those the load balancers' listeners present.
    #[serde(default, deserialize_with = "validate::certificate_arns")]
    pub certificate_arns: Vec<String>,
    /// How long a health probe waits, redirects included; 5 s when absent.
    pub health_timeout_seconds: Option<HealthTimeout>,
    /// Follow redirects (curl `-L`); otherwise a 3xx is the answer, and not a healthy one.
    #[serde(default)]
    pub health_follow_redirects: bool,
    /// PEM bundle of a private CA that signs the sites' certificates; the public roots when
    /// absent.
    pub health_ca_file: Option<PathBuf>,
    /// Name of the variable holding the PostgreSQL DSN; the DSN itself is never stored here.
    pub postgres_url_env: Option<String>,
    /// Whether sessions of superuser roles may be cancelled or terminated from opsdeck.
    #[serde(default)]
    pub allow_superuser_termination: bool,
}

/// Where the config was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    File(PathBuf),
    /// No file anywhere: the embedded defaults.
    Defaults,
}

/// What the command line asks of the config.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_path: Option<PathBuf>,
    pub environment: Option<String>,
    pub theme: Option<String>,
    pub keymap: Option<String>,
    pub read_only: bool,
    pub demo: bool,
}

/// Read-only precedence: the flag, then the environment, then the global setting.
pub fn read_only_of(
    overrides: &Overrides,
    environment: Option<&EnvironmentConfig>,
    global: Option<bool>,
) -> (bool, Option<String>) {
    if overrides.read_only {
        return (true, Some("--read-only was given".to_owned()));
    }
    if let Some(read_only) = environment.and_then(|environment| environment.read_only) {
        let reason = read_only.then(|| "the environment sets read_only = true".to_owned());
        return (read_only, reason);
    }
    if global == Some(true) {
        return (true, Some("the config sets read_only = true".to_owned()));
    }
    (false, None)
}

pub fn pick_environment(
    file: &ConfigFile,
    overrides: &Overrides,
    path: &Path,
    text: &str,
) -> Result<(String, Option<EnvironmentConfig>), ConfigError> {
    let defined: Vec<&str> = file.environments.keys().map(String::as_str).collect();
    let expected = if defined.is_empty() {
        "the file defines no [environments.NAME] table".to_owned()
    } else {
        format!("expected one of: {}", defined.join(", "))
    };
    if let Some(name) = &overrides.environment {
        return match file.environments.get(name) {
            Some(environment) => Ok((name.clone(), Some(environment.clone()))),
            None => Err(ConfigError::file(
                path,
                format!("unknown environment \"{name}\" (from --env); {expected}"),
            )),
        };
    }
    if let Some(name) = &file.default_environment {
        return match file.environments.get(name.get_ref()) {
            Some(environment) => Ok((name.get_ref().clone(), Some(environment.clone()))),
            None => Err(ConfigError::at(
                path,
                text,
                Some(name.span()),
                format!("unknown environment \"{}\"; {expected}", name.get_ref()),
            )),
        };
    }
    if overrides.demo {
        return Ok(("demo".to_owned(), None));
    }
    match file.environments.iter().next() {
        Some((name, environment)) if file.environments.len() == 1 => {
            Ok((name.clone(), Some(environment.clone())))
        }
        _ => Ok((String::new(), None)),
    }
}
