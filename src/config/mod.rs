//! Configuration: the config file, thresholds, themes and keymaps. Embedded defaults first,
//! the user's files over them, every problem reported with file, line and column.

mod error;
mod keymap;
mod keys;
mod metric;
mod named_file;
mod theme;
mod thresholds;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use error::{ConfigError, line_and_column};
pub use keymap::{Binding, InputMode, Keymap, Section};
pub use keys::KeyChord;
pub use metric::{ExtraMetric, METRIC_WINDOW_SECONDS, PeriodSetting, StatSetting, WindowMinutes};
pub use named_file::{BUILTIN_KEYMAPS, BUILTIN_THEMES, NamedFile};
pub use theme::{STYLE_NAMES, Theme};
pub use thresholds::{CheckOverride, Level, Limit, Thresholds};

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
}

/// One `[environments.NAME]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    #[serde(deserialize_with = "validate::region")]
    pub region: String,
    pub profile: Option<String>,
    #[serde(default, deserialize_with = "validate::endpoint_url")]
    pub endpoint_url: Option<String>,
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
    /// RDS instances whose connections, latency and CPU are charted.
    #[serde(default)]
    pub rds_instances: Vec<String>,
    /// ElastiCache clusters whose evictions are charted.
    #[serde(default)]
    pub cache_clusters: Vec<String>,
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

/// Everything the app needs from configuration, validated.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub origin: ConfigOrigin,
    pub environment_name: String,
    pub environment: Option<EnvironmentConfig>,
    pub read_only: bool,
    /// Why the app is read-only, for the badge's explanation.
    pub read_only_reason: Option<String>,
    pub refresh_interval_ms: u64,
    pub thresholds: Thresholds,
    pub theme: Theme,
    pub keymap: Keymap,
}

/// The platform directories (config, data, state) for opsdeck.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "opsdeck", "opsdeck")
}

/// The config file to read: `--config`, else `$OPSDECK_CONFIG`, else the platform file if it
/// exists.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    if let Some(path) = std::env::var_os("OPSDECK_CONFIG").filter(|value| !value.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let platform = project_dirs()?.config_dir().join("config.toml");
    platform.is_file().then_some(platform)
}

/// A config, theme or keymap file is a few kilobytes; past this it is the wrong file
/// (`/dev/zero`, a log), and reading on would only fill memory.
pub const MAX_CONFIG_FILE_BYTES: u64 = 1024 * 1024;

/// Reads a settings file as text, refusing one larger than [`MAX_CONFIG_FILE_BYTES`].
pub fn read_capped(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|error| error.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| error.to_string())?;
    if bytes.len() as u64 > MAX_CONFIG_FILE_BYTES {
        return Err(format!(
            "it is larger than {} KiB; is it the right file?",
            MAX_CONFIG_FILE_BYTES / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())
}

/// Reads and resolves the configuration for a run.
pub fn load(overrides: &Overrides) -> Result<Resolved, ConfigError> {
    let user_dir = project_dirs().map(|dirs| dirs.config_dir().to_owned());
    match locate(overrides.config_path.as_deref()) {
        Some(path) => {
            let text = read_capped(&path).map_err(|error| {
                ConfigError::file(&path, format!("cannot read the config file: {error}"))
            })?;
            resolve(&path, &text, overrides, user_dir.as_deref())
        }
        None => resolve_defaults(overrides, user_dir.as_deref()),
    }
}

/// Resolves the config in `text` (read from `path`).
pub fn resolve(
    path: &Path,
    text: &str,
    overrides: &Overrides,
    user_dir: Option<&Path>,
) -> Result<Resolved, ConfigError> {
    let file: ConfigFile =
        toml::from_str(text).map_err(|error| ConfigError::from_toml(path, text, &error))?;
    let at = |span, message: String| ConfigError::at(path, text, Some(span), message);

    let mut thresholds = match &file.thresholds {
        Some(spanned) => {
            if let Some(message) = spanned.get_ref().inverted_limit() {
                return Err(at(spanned.span(), message));
            }
            spanned.get_ref().clone()
        }
        None => Thresholds::default(),
    };
    for check in &file.checks {
        if let Some(message) = thresholds::override_problem(check.get_ref()) {
            return Err(at(check.span(), message));
        }
        thresholds.check_overrides.push(check.get_ref().clone());
    }
    let refresh_interval_ms = match &file.refresh_interval_ms {
        Some(value) if *value.get_ref() < MIN_REFRESH_INTERVAL_MS => {
            return Err(at(
                value.span(),
                format!(
                    "refresh_interval_ms is {}; expected at least {MIN_REFRESH_INTERVAL_MS}",
                    value.get_ref()
                ),
            ));
        }
        Some(value) if *value.get_ref() > MAX_REFRESH_INTERVAL_MS => {
            return Err(at(
                value.span(),
                format!(
                    "refresh_interval_ms is {}; expected at most {MAX_REFRESH_INTERVAL_MS} (one hour)",
                    value.get_ref()
                ),
            ));
        }
        Some(value) => *value.get_ref(),
        None => DEFAULT_REFRESH_INTERVAL_MS,
    };
    let theme = load_theme(
        overrides.theme.as_deref(),
        file.theme.as_ref(),
        path,
        text,
        user_dir,
    )?;
    let keymap = load_keymap(
        overrides.keymap.as_deref(),
        file.keymap.as_ref(),
        path,
        text,
        user_dir,
    )?;
    let (environment_name, environment) = pick_environment(&file, overrides, path, text)?;
    let (read_only, read_only_reason) =
        read_only_of(overrides, environment.as_ref(), file.read_only);
    Ok(Resolved {
        origin: ConfigOrigin::File(path.to_owned()),
        environment_name,
        environment,
        read_only,
        read_only_reason,
        refresh_interval_ms,
        thresholds,
        theme,
        keymap,
    })
}

fn resolve_defaults(
    overrides: &Overrides,
    user_dir: Option<&Path>,
) -> Result<Resolved, ConfigError> {
    let mut resolved = resolve(Path::new("<built-in defaults>"), "", overrides, user_dir)?;
    resolved.origin = ConfigOrigin::Defaults;
    Ok(resolved)
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

fn pick_environment(
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

fn load_theme(
    flag: Option<&str>,
    setting: Option<&Spanned<String>>,
    path: &Path,
    text: &str,
    user_dir: Option<&Path>,
) -> Result<Theme, ConfigError> {
    let themes_dir = user_dir.map(|dir| dir.join("themes"));
    let lookup =
        |name: &str| named_file::find("theme", name, themes_dir.as_deref(), &BUILTIN_THEMES);
    let file = pick_named(flag, setting, path, text, &lookup, "--theme")?;
    Theme::load(&file, &lookup)
}

fn load_keymap(
    flag: Option<&str>,
    setting: Option<&Spanned<String>>,
    path: &Path,
    text: &str,
    user_dir: Option<&Path>,
) -> Result<Keymap, ConfigError> {
    let keymaps_dir = user_dir.map(|dir| dir.join("keymaps"));
    let lookup =
        |name: &str| named_file::find("keymap", name, keymaps_dir.as_deref(), &BUILTIN_KEYMAPS);
    let file = pick_named(flag, setting, path, text, &lookup, "--keymap")?;
    Keymap::load(&file, &lookup)
}

/// The flag's name if given, else the setting's (errors point at the setting), else `default`.
fn pick_named(
    flag: Option<&str>,
    setting: Option<&Spanned<String>>,
    path: &Path,
    text: &str,
    lookup: &dyn Fn(&str) -> Result<NamedFile, String>,
    flag_name: &str,
) -> Result<NamedFile, ConfigError> {
    if let Some(name) = flag {
        return lookup(name)
            .map_err(|message| ConfigError::file(path, format!("{message} (from {flag_name})")));
    }
    match setting {
        Some(name) => lookup(name.get_ref())
            .map_err(|message| ConfigError::at(path, text, Some(name.span()), message)),
        None => lookup("default").map_err(|message| ConfigError::file(path, message)),
    }
}
