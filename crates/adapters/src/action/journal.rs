//! The audit journal's file: the lines (`Entry`) are the core's, the appending and reading
//! with fsync are here.

use std::io;
use std::path::{Path, PathBuf};

pub use opsdeck_core::action::journal::*;

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
        crate::dirs::project_dirs().map(|dirs| dirs.data_dir().join("journal.jsonl"))
    }

    /// Where the journal lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and makes it durable (flush + fsync) before returning.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        crate::durable::append_line(&self.path, entry)
    }

    /// Every readable line, and a warning for each line that could not be read (a torn last
    /// line after a crash, or a damaged one).
    pub fn read(&self) -> io::Result<(Vec<Entry>, Vec<String>)> {
        crate::durable::read_lines(&self.path)
    }
}
