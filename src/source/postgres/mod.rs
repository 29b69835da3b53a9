//! The PostgreSQL source: one monitoring connection (`application_name = 'opsdeck'`,
//! `statement_timeout` 500 ms) that reads `pg_stat_activity` once per poll and carries out the
//! guarded session actions. Reconnects on the next poll after a drop; the poller backs off.

mod activity;
pub mod dsn;
mod errors;
mod signal;
mod tls;

use std::sync::Arc;

use tokio::sync::Mutex;
use tokio_postgres::Client;

pub use dsn::{Dsn, TlsMode};
pub use errors::to_source_error;

use super::{DatabaseSource, SourceError, SourceErrorKind, SourceFuture};
use crate::model::DatabaseActivity;

/// A PostgreSQL server watched through one connection.
pub struct PostgresSource {
    dsn: Dsn,
    client: Mutex<Option<Arc<Client>>>,
    allow_superuser: bool,
}

impl PostgresSource {
    /// A source for `dsn`; connects on first use. `allow_superuser` lets the session actions
    /// reach superuser sessions.
    pub fn new(dsn: Dsn, allow_superuser: bool) -> Self {
        Self {
            dsn,
            client: Mutex::new(None),
            allow_superuser,
        }
    }

    /// `user@host:port/db`, for messages.
    pub fn describe(&self) -> String {
        self.dsn.describe()
    }

    /// The open connection, or a new one.
    async fn client(&self) -> Result<Arc<Client>, SourceError> {
        let mut slot = self.client.lock().await;
        if let Some(client) = slot.as_ref().filter(|client| !client.is_closed()) {
            return Ok(client.clone());
        }
        *slot = None;
        let client = Arc::new(self.connect().await?);
        *slot = Some(client.clone());
        Ok(client)
    }

    async fn connect(&self) -> Result<Client, SourceError> {
        let unreachable = |error: tokio_postgres::Error| {
            let mut error = to_source_error(&error);
            if error.kind == SourceErrorKind::Unavailable {
                error.message = format!(
                    "PostgreSQL {} unreachable: {}",
                    self.describe(),
                    error.message
                );
            }
            error
        };
        let config = &self.dsn.config;
        let tls_error = |message: String| SourceError::new(SourceErrorKind::Other, message);
        match &self.dsn.tls {
            TlsMode::Disable => {
                let (client, connection) = config
                    .connect(tokio_postgres::NoTls)
                    .await
                    .map_err(unreachable)?;
                tokio::spawn(drive(connection));
                Ok(client)
            }
            TlsMode::Prefer | TlsMode::Require => {
                let mut config = config.clone();
                if self.dsn.tls == TlsMode::Require {
                    config.ssl_mode(tokio_postgres::config::SslMode::Require);
                }
                let (client, connection) = config
                    .connect(tls::unverified().map_err(tls_error)?)
                    .await
                    .map_err(unreachable)?;
                tokio::spawn(drive(connection));
                Ok(client)
            }
            TlsMode::VerifyFull { root } => {
                let mut config = config.clone();
                config.ssl_mode(tokio_postgres::config::SslMode::Require);
                let (client, connection) = config
                    .connect(tls::verifying(root.as_deref()).map_err(tls_error)?)
                    .await
                    .map_err(unreachable)?;
                tokio::spawn(drive(connection));
                Ok(client)
            }
        }
    }

    /// Drops the connection after an error that may have broken it.
    async fn forget_if_closed(&self) {
        let mut slot = self.client.lock().await;
        if slot.as_ref().is_some_and(|client| client.is_closed()) {
            *slot = None;
        }
    }
}

/// Runs the connection until it ends; the client notices through `is_closed`.
async fn drive<S, T>(connection: tokio_postgres::Connection<S, T>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    if let Err(error) = connection.await {
        tracing::warn!(%error, "PostgreSQL connection ended");
    }
}

impl DatabaseSource for PostgresSource {
    fn database_activity(&self) -> SourceFuture<'_, DatabaseActivity> {
        Box::pin(async move {
            let client = self.client().await?;
            let result = activity::read(&client).await;
            if result.is_err() {
                self.forget_if_closed().await;
            }
            result
        })
    }

    fn table_sizes(&self) -> SourceFuture<'_, Vec<crate::model::TableSize>> {
        Box::pin(async move {
            let client = self.client().await?;
            let result = activity::table_sizes(&client).await;
            if result.is_err() {
                self.forget_if_closed().await;
            }
            result
        })
    }
}
