//! Logging through tracing to a file, never to the screen the TUI owns.

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};
use tracing_appender::non_blocking::WorkerGuard;

/// The default log file: `opsdeck.log` in the platform state (or data) dir.
pub fn default_log_file() -> Option<PathBuf> {
    let dirs = crate::config::project_dirs()?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join("opsdeck.log"))
}

/// Starts logging to `file` at `level`; keep the guard alive until exit so lines are flushed.
pub fn init(file: &Path, level: &str) -> Result<WorkerGuard> {
    let dir = file
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .wrap_err_with(|| format!("cannot create the log directory {}", dir.display()))?;
    let name = file
        .file_name()
        .ok_or_else(|| color_eyre::eyre::eyre!("log file {} has no file name", file.display()))?;
    let appender = tracing_appender::rolling::never(dir, name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_new(format!("opsdeck={level}"))
        .wrap_err("bad log level")?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|error| color_eyre::eyre::eyre!("cannot start logging: {error}"))?;
    Ok(guard)
}
