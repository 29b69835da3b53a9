//! Errors a source reports, classified so a pane can say what to do about them.

use std::fmt;

/// Why a poll failed, in categories the UI and the poller act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceErrorKind {
    /// The identity lacks a permission (AccessDenied).
    Permission,
    /// The API asked us to slow down; the poller backs off.
    Throttled,
    /// No answer in time.
    Timeout,
    /// A configured resource does not exist.
    NotFound,
    /// The environment does not configure this source at all.
    NotConfigured,
    /// Credentials are missing or expired.
    Credentials,
    /// The peer could not be reached.
    Unavailable,
    /// Anything else.
    Other,
}

/// A failed poll: a kind and a message a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceError {
    pub kind: SourceErrorKind,
    pub message: String,
}

impl SourceError {
    /// A new error of `kind`.
    pub fn new(kind: SourceErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceError {}
