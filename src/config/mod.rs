//! Settings as a run reads them: the config file found and read, the theme and keymap looked
//! up by name in the user's config dir. The file formats, their validation and everything
//! pure about them live in `opsdeck_core::config`; this part touches the filesystem.

use std::path::{Path, PathBuf};

use toml::Spanned;

pub use opsdeck_core::config::*;
pub use opsdeck_ui::theme::{STYLE_NAMES, Theme};

pub use opsdeck_adapters::dirs::project_dirs;

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

/// Finds `name` of `kind` ("theme" or "keymap"): `name.toml` in `user_dir`, else a shipped
/// preset, else `name` as a path to a `.toml` file. The error lists what exists.
pub fn find_named(
    kind: &str,
    name: &str,
    user_dir: Option<&Path>,
    builtins: &[(&str, &str)],
) -> Result<NamedFile, String> {
    if let Some(dir) = user_dir {
        let candidate = dir.join(format!("{name}.toml"));
        if candidate.is_file() {
            return read_named(name, &candidate);
        }
    }
    if let Some(builtin) = builtin_named(kind, name, builtins) {
        return Ok(builtin);
    }
    let as_path = Path::new(name);
    if name.ends_with(".toml") && as_path.is_file() {
        return read_named(name, as_path);
    }
    Err(unknown_name(kind, name, user_dir, builtins))
}

fn read_named(name: &str, path: &Path) -> Result<NamedFile, String> {
    let text =
        read_capped(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Ok(NamedFile::from_file(name, path, text))
}

/// Everything the app needs from configuration, validated.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub origin: ConfigOrigin,
    /// Every environment the config file defines, in its order (for `check --all`).
    pub environment_names: Vec<String>,
    pub environment_name: String,
    pub environment: Option<EnvironmentConfig>,
    pub read_only: bool,
    /// Why the app is read-only, for the badge's explanation.
    pub read_only_reason: Option<String>,
    pub refresh_interval_ms: u64,
    pub thresholds: Thresholds,
    pub theme: Theme,
    pub keymap: Keymap,
    /// How the estate screen reads the environments.
    pub estate: EstateSettings,
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

    for (name, environment) in &file.environments {
        if environment.role_arn.is_none() {
            let needing = [
                ("external_id", environment.external_id.is_some()),
                ("role_session_name", environment.role_session_name.is_some()),
            ];
            if let Some((setting, _)) = needing.iter().find(|(_, set)| *set) {
                return Err(ConfigError::file(
                    path,
                    format!(
                        "environment \"{name}\": {setting} is set without role_arn; it belongs to the role opsdeck assumes"
                    ),
                ));
            }
        }
    }
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
        if let Some(message) = override_problem(check.get_ref()) {
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
    let estate = match &file.estate {
        Some(spanned) => {
            if let Some(message) = spanned.get_ref().problem() {
                return Err(at(spanned.span(), message));
            }
            *spanned.get_ref()
        }
        None => EstateSettings::default(),
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
        environment_names: file.environments.keys().cloned().collect(),
        environment_name,
        environment,
        read_only,
        read_only_reason,
        refresh_interval_ms,
        thresholds,
        theme,
        keymap,
        estate,
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

fn load_theme(
    flag: Option<&str>,
    setting: Option<&Spanned<String>>,
    path: &Path,
    text: &str,
    user_dir: Option<&Path>,
) -> Result<Theme, ConfigError> {
    let themes_dir = user_dir.map(|dir| dir.join("themes"));
    let lookup = |name: &str| find_named("theme", name, themes_dir.as_deref(), &BUILTIN_THEMES);
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
    let lookup = |name: &str| find_named("keymap", name, keymaps_dir.as_deref(), &BUILTIN_KEYMAPS);
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
