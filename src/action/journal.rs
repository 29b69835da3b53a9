//! The audit journal: one JSON line for the intent of every action (written, flushed and
//! fsynced before the change is sent) and one for its outcome. Append-only, mode 0600, never a
//! secret. A torn last line (a crash mid-write) is reported and skipped, never fatal.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Change, Proposal, Report};
use crate::model::Timestamp;

/// Intent or outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Intent,
    Outcome,
}

/// Who acted, and where: written into every line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub environment: String,
    /// The caller identity (an STS ARN for AWS; the OS user for the demo).
    pub identity: String,
    pub profile: Option<String>,
    pub region: String,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub time: Timestamp,
    pub phase: Phase,
    /// Ties an outcome to its intent: `<run start>-<proposal id>`.
    pub action_id: String,
    pub action: String,
    pub target: String,
    #[serde(flatten)]
    pub actor: Actor,
    /// The exact call or SQL with its parameters.
    pub call: String,
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Entry {
    /// The intent line of `proposal`.
    pub fn intent(proposal: &Proposal, actor: &Actor, action_id: &str, time: Timestamp) -> Self {
        Self {
            time,
            phase: Phase::Intent,
            action_id: action_id.to_owned(),
            action: proposal.request.name().to_owned(),
            target: proposal.target.clone(),
            actor: actor.clone(),
            call: proposal.call.clone(),
            changes: proposal.changes.clone(),
            affected: proposal.affected.clone(),
            result: None,
            detail: None,
            request_id: None,
        }
    }

    /// The outcome line that answers `intent`.
    pub fn outcome(intent: &Self, report: &Report, time: Timestamp) -> Self {
        Self {
            time,
            phase: Phase::Outcome,
            affected: Vec::new(),
            result: Some(report.outcome.word().to_owned()),
            detail: Some(report.outcome.detail().to_owned()),
            request_id: report.request_id.clone(),
            ..intent.clone()
        }
    }
}

/// The journal file.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// The journal at `path`; the file and its directory are created on first write.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The default place: `journal.jsonl` in the platform data dir.
    pub fn default_path() -> Option<PathBuf> {
        crate::config::project_dirs().map(|dirs| dirs.data_dir().join("journal.jsonl"))
    }

    /// Where the journal lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and makes it durable (flush + fsync) before returning.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        let mut file = self.open_for_append()?;
        if !self.ends_with_newline()? {
            // A crash left a torn line: end it, so this entry starts on a line of its own.
            line.insert(0, '\n');
        }
        file.write_all(line.as_bytes())?;
        file.flush()?;
        file.sync_all()
    }

    /// True for an empty file or one whose last byte is a newline.
    fn ends_with_newline(&self) -> io::Result<bool> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = File::open(&self.path)?;
        if file.metadata()?.len() == 0 {
            return Ok(true);
        }
        file.seek(SeekFrom::End(-1))?;
        let mut last = [0u8; 1];
        file.read_exact(&mut last)?;
        Ok(last[0] == b'\n')
    }

    fn open_for_append(&self) -> io::Result<File> {
        if let Some(dir) = self.path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)?;
        // A file made by someone else with wider permissions is narrowed: it holds who did what.
        let permissions = file.metadata()?.permissions();
        if permissions.mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(file)
    }

    /// Every readable line, and a warning for each line that could not be read (a torn last
    /// line after a crash, or a damaged one).
    pub fn read(&self) -> io::Result<(Vec<Entry>, Vec<String>)> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()));
            }
            Err(error) => return Err(error),
        };
        let mut entries = Vec::new();
        let mut warnings = Vec::new();
        let line_count = text.lines().count();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(line) {
                Ok(entry) => entries.push(entry),
                Err(error) => {
                    let torn = index + 1 == line_count && !text.ends_with('\n');
                    let what = if torn {
                        "torn last line (a crash mid-write?)"
                    } else {
                        "unreadable line"
                    };
                    warnings.push(format!(
                        "{}:{}: skipped {what}: {error}",
                        self.path.display(),
                        index + 1
                    ));
                }
            }
        }
        Ok((entries, warnings))
    }
}
