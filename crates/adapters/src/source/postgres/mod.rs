//! The PostgreSQL source: one monitoring connection (`application_name = 'opsdeck'`,
//! `statement_timeout` 500 ms) that reads `pg_stat_activity` once per poll and carries out the
//! guarded session actions (ANALYZE, which may take longer, runs on a connection of its
//! own). Reconnects on the next poll after a drop; the poller backs off.
//! A poll the poller abandons at its deadline takes the connection with it: a server or proxy
//! that stopped answering without closing the socket must not hold the next poll too.

mod activity;
mod analyze;
pub mod dsn;
mod errors;
mod signal;
mod statements;
mod tls;

use std::sync::{Arc, Mutex, PoisonError};

use tokio::task::AbortHandle;
use tokio_postgres::Client;

pub use dsn::{Dsn, TlsMode};
pub use errors::to_source_error;

use super::{DatabaseSource, SourceError, SourceErrorKind, SourceFuture};
use crate::model::DatabaseActivity;

/// A PostgreSQL server watched through one connection.
pub struct PostgresSource {
    dsn: Dsn,
    /// The open connection: held only to clone or replace it, never across an await.
    connection: Mutex<Option<Connection>>,
    allow_superuser: bool,
    /// The environment variable the DSN came from, named in authentication errors.
    dsn_variable: Option<String>,
}

/// A client and the task that drives its socket.
struct Connection {
    client: Arc<Client>,
    driver: AbortHandle,
}

impl Drop for Connection {
    /// Closes the socket even when the server no longer answers (a clean close would wait on
    /// it).
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl PostgresSource {
    /// A source for `dsn`; connects on first use. `allow_superuser` lets the session actions
    /// reach superuser sessions.
    pub fn new(dsn: Dsn, allow_superuser: bool) -> Self {
        Self {
            dsn,
            connection: Mutex::new(None),
            allow_superuser,
            dsn_variable: None,
        }
    }

    /// Names the variable the DSN was read from, so an authentication error says where to
    /// fix the user or password.
    #[must_use]
    pub fn with_dsn_variable(mut self, variable: &str) -> Self {
        self.dsn_variable = Some(variable.to_owned());
        self
    }

    /// `user@host:port/db`, for messages.
    pub fn describe(&self) -> String {
        self.dsn.describe()
    }

    /// The database the DSN connects to.
    pub fn database(&self) -> String {
        self.dsn.database()
    }

    /// A connection of its own, for work that may take longer than a poll (ANALYZE): the
    /// monitoring connection stays free for the pane. Closed when the returned guard drops.
    async fn dedicated(&self) -> Result<Connection, SourceError> {
        let (client, driver) = self.connect().await?;
        Ok(Connection {
            client: Arc::new(client),
            driver,
        })
    }

    /// The open connection, or a new one.
    async fn client(&self) -> Result<Arc<Client>, SourceError> {
        if let Some(client) = self.open_client() {
            return Ok(client);
        }
        let (client, driver) = self.connect().await?;
        let client = Arc::new(client);
        *self.slot() = Some(Connection {
            client: client.clone(),
            driver,
        });
        Ok(client)
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Connection>> {
        // The slot holds no invariant a panic could break.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn open_client(&self) -> Option<Arc<Client>> {
        let mut slot = self.slot();
        match slot.as_ref() {
            Some(connection) if !connection.client.is_closed() => Some(connection.client.clone()),
            _ => {
                *slot = None;
                None
            }
        }
    }

    async fn connect(&self) -> Result<(Client, AbortHandle), SourceError> {
        let unreachable = |error: tokio_postgres::Error| {
            let mut error = to_source_error(&error);
            match error.kind {
                SourceErrorKind::Unavailable => {
                    error.message = format!(
                        "PostgreSQL {} unreachable: {}",
                        self.describe(),
                        error.message
                    );
                }
                SourceErrorKind::Credentials => {
                    error.message = format!(
                        "PostgreSQL authentication failed for {}: {}; fix the user or password in {}",
                        self.describe(),
                        error.message,
                        self.dsn_variable
                            .as_deref()
                            .map_or_else(|| "the DSN".to_owned(), |name| format!("${name}"))
                    );
                }
                _ => {}
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
                Ok((client, tokio::spawn(drive(connection)).abort_handle()))
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
                Ok((client, tokio::spawn(drive(connection)).abort_handle()))
            }
            TlsMode::VerifyFull { root } => {
                let mut config = config.clone();
                config.ssl_mode(tokio_postgres::config::SslMode::Require);
                let (client, connection) = config
                    .connect(tls::verifying(root.as_deref()).map_err(tls_error)?)
                    .await
                    .map_err(unreachable)?;
                Ok((client, tokio::spawn(drive(connection)).abort_handle()))
            }
        }
    }

    /// Drops the connection after an error that may have broken it.
    fn forget_if_closed(&self) {
        let mut slot = self.slot();
        if slot
            .as_ref()
            .is_some_and(|connection| connection.client.is_closed())
        {
            *slot = None;
        }
    }

    /// Drops the connection: a poll on it was abandoned, so it may hang.
    fn forget(&self) {
        *self.slot() = None;
    }

    /// Runs `read` on the connection; the connection is dropped if the read is abandoned
    /// before it ends (its deadline passed) or broke it.
    async fn read<T, F>(&self, read: F) -> Result<T, SourceError>
    where
        F: AsyncFnOnce(&Client) -> Result<T, SourceError>,
    {
        let abandoned = ForgetUnlessFinished {
            source: self,
            finished: false,
        };
        let client = self.client().await;
        let result = match client {
            Ok(client) => read(&client).await,
            Err(error) => Err(error),
        };
        abandoned.finish();
        if result.is_err() {
            self.forget_if_closed();
        }
        result
    }
}

/// Drops the source's connection when a read is dropped before it finished.
struct ForgetUnlessFinished<'a> {
    source: &'a PostgresSource,
    finished: bool,
}

impl ForgetUnlessFinished<'_> {
    fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for ForgetUnlessFinished<'_> {
    fn drop(&mut self) {
        if !self.finished {
            tracing::warn!("a PostgreSQL read was abandoned; dropping its connection");
            self.source.forget();
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
        Box::pin(self.read(async |client| activity::read(client).await))
    }

    fn table_sizes(&self) -> SourceFuture<'_, Vec<crate::model::TableSize>> {
        Box::pin(self.read(async |client| activity::table_sizes(client).await))
    }

    fn statement_stats(&self) -> SourceFuture<'_, crate::model::StatementReading> {
        let database = self.database();
        Box::pin(self.read(async move |client| statements::read(client, &database).await))
    }
}
