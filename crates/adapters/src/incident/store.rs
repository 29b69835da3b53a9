//! Incidents on disk: one append-only JSON-lines file of events per incident in the platform
//! data dir (`incidents/<id>.jsonl`), written as things happen so a quit or a crash loses
//! nothing; the post-incident timeline and the messages beside it.

use std::io;
use std::path::{Path, PathBuf};

use super::{Incident, IncidentEvent};
use crate::durable;

/// The folder of incident files.
#[derive(Debug, Clone)]
pub struct IncidentStore {
    dir: PathBuf,
}

/// The open incident found at startup, and what could not be read on the way.
#[derive(Debug, Default)]
pub struct Reopened {
    pub incident: Option<Incident>,
    pub warnings: Vec<String>,
}

impl IncidentStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `incidents` in the platform data dir.
    pub fn default_dir() -> Option<PathBuf> {
        crate::dirs::project_dirs().map(|dirs| dirs.data_dir().join("incidents"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The events file of incident `id`.
    pub fn events_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }

    /// A file written beside the events: `<id>-<name>`.
    pub fn artifact_path(&self, id: &str, name: &str) -> PathBuf {
        self.dir.join(format!("{id}-{name}"))
    }

    /// Appends one event of incident `id`, durable before it returns.
    pub fn append(&self, id: &str, event: &IncidentEvent) -> io::Result<()> {
        durable::append_line(&self.events_path(id), event)
    }

    /// Writes an artifact (message, post-incident timeline) whole; returns its path.
    pub fn write_artifact(&self, id: &str, name: &str, text: &str) -> io::Result<PathBuf> {
        let path = self.artifact_path(id, name);
        durable::write_file(&path, text)?;
        Ok(path)
    }

    /// The newest incident of `environment` that is still open, if any: the war room
    /// continues where it was left.
    pub fn reopen(&self, environment: &str) -> io::Result<Reopened> {
        let (incidents, warnings) = self.all()?;
        let mut reopened = Reopened {
            warnings,
            ..Reopened::default()
        };
        for incident in incidents {
            if incident.is_open() && incident.environment == environment {
                let newer = reopened
                    .incident
                    .as_ref()
                    .is_none_or(|current| current.declared_at <= incident.declared_at);
                if newer {
                    reopened.incident = Some(incident);
                }
            }
        }
        Ok(reopened)
    }

    /// The incidents of `environment` open now or resolved at or after `since`, oldest
    /// first: the morning check's "verify resolution of any previously active incidents".
    pub fn open_or_resolved_since(
        &self,
        environment: &str,
        since: crate::model::Timestamp,
    ) -> io::Result<Vec<Incident>> {
        let (mut incidents, _) = self.all()?;
        incidents.retain(|incident| {
            incident.environment == environment
                && incident
                    .resolution
                    .as_ref()
                    .is_none_or(|resolution| resolution.at >= since)
        });
        incidents.sort_by_key(|incident| incident.declared_at);
        Ok(incidents)
    }

    /// Every incident file replayed, with a warning for each that could not be.
    fn all(&self) -> io::Result<(Vec<Incident>, Vec<String>)> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()));
            }
            Err(error) => return Err(error),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
            .collect();
        paths.sort();
        let mut incidents = Vec::new();
        let mut warnings = Vec::new();
        for path in paths {
            let (events, read_warnings) = durable::read_lines::<IncidentEvent>(&path)?;
            warnings.extend(read_warnings);
            match Incident::replay(&events) {
                Some(incident) => incidents.push(incident),
                None => warnings.push(format!(
                    "{}: skipped: it does not start with a declaration",
                    path.display()
                )),
            }
        }
        Ok((incidents, warnings))
    }
}
