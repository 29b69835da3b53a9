//! Append-only JSON-lines files that survive a crash: each line is flushed and fsynced before
//! the write returns, a torn last line is ended before the next one, and reading skips (and
//! reports) lines that cannot be read. The audit journal and the incident files use them.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Appends `value` as one JSON line and makes it durable (flush + fsync) before returning.
/// The file is created 0600 (it says who did what); a wider one is narrowed.
pub fn append_line(path: &Path, value: &impl Serialize) -> io::Result<()> {
    let mut line = serde_json::to_string(value).map_err(io::Error::other)?;
    line.push('\n');
    let mut file = open_for_append(path)?;
    if !ends_with_newline(path)? {
        // A crash left a torn line: end it, so this entry starts on a line of its own.
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes())?;
    file.flush()?;
    file.sync_all()
}

/// Every readable line of `path` (none when it does not exist), and a warning for each line
/// that could not be read (a torn last line after a crash, or a damaged one).
pub fn read_lines<T: DeserializeOwned>(path: &Path) -> io::Result<(Vec<T>, Vec<String>)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Ok((Vec::new(), Vec::new()));
        }
        Err(error) => return Err(error),
    };
    let mut values = Vec::new();
    let mut warnings = Vec::new();
    let line_count = text.lines().count();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<T>(line) {
            Ok(value) => values.push(value),
            Err(error) => {
                let torn = index + 1 == line_count && !text.ends_with('\n');
                let what = if torn {
                    "torn last line (a crash mid-write?)"
                } else {
                    "unreadable line"
                };
                warnings.push(format!(
                    "{}:{}: skipped {what}: {error}",
                    path.display(),
                    index + 1
                ));
            }
        }
    }
    Ok((values, warnings))
}

/// Writes `text` to `path` whole or not at all (a temp file renamed over it), mode 0600.
pub fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension("tmp");
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&temp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temp, path)
}

/// True for an empty or missing file or one whose last byte is a newline.
fn ends_with_newline(path: &Path) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

fn open_for_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let permissions = file.metadata()?.permissions();
    if permissions.mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}
