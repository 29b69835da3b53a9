//! PostgreSQL errors in words a user can act on.

use tokio_postgres::error::SqlState;

use crate::source::{SourceError, SourceErrorKind};

/// Classifies a tokio-postgres error.
pub fn to_source_error(error: &tokio_postgres::Error) -> SourceError {
    if let Some(db) = error.as_db_error() {
        let code = db.code();
        let kind = if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            SourceErrorKind::Permission
        } else if *code == SqlState::QUERY_CANCELED {
            SourceErrorKind::Timeout
        } else if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            SourceErrorKind::Credentials
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            SourceErrorKind::NotFound
        } else if *code == SqlState::TOO_MANY_CONNECTIONS {
            SourceErrorKind::Throttled
        } else if *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
            || *code == SqlState::CRASH_SHUTDOWN
        {
            SourceErrorKind::Unavailable
        } else {
            SourceErrorKind::Other
        };
        let message = if kind == SourceErrorKind::Timeout {
            format!("{} (opsdeck's statement_timeout is 500 ms)", db.message())
        } else {
            db.message().to_owned()
        };
        return SourceError::new(kind, message);
    }
    // Not a server error: the connection (refused, reset, closed, TLS).
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    SourceError::new(SourceErrorKind::Unavailable, message)
}
