//! The PostgreSQL DSN: read from the environment variable the config names, its `sslmode` and
//! `sslrootcert` taken out (tokio-postgres knows only disable/prefer/require), the password
//! never shown.

use std::path::PathBuf;
use std::str::FromStr;

/// How the connection is secured, with libpq's meanings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    Disable,
    /// TLS if the server offers it, without verifying the certificate.
    Prefer,
    /// TLS, without verifying the certificate.
    Require,
    /// TLS, the certificate verified against `root` (or the public web roots) and the host
    /// name checked. `verify-ca` is treated the same: opsdeck always checks the name.
    VerifyFull {
        root: Option<PathBuf>,
    },
}

/// A parsed DSN.
#[derive(Clone)]
pub struct Dsn {
    pub config: tokio_postgres::Config,
    pub tls: TlsMode,
}

impl std::fmt::Debug for Dsn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.write_str(&self.describe())
    }
}

impl Dsn {
    /// Parses a URL (`postgresql://user@host:port/db?sslmode=...`) or key=value DSN.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (rest, sslmode, sslrootcert) = take_tls_options(text.trim());
        let tls = match (sslmode.as_deref(), sslrootcert) {
            (None | Some("prefer"), _) => TlsMode::Prefer,
            (Some("disable"), _) => TlsMode::Disable,
            (Some("allow" | "require"), None) => TlsMode::Require,
            // libpq: a root certificate with sslmode=require means verify-ca.
            (Some("require" | "verify-ca" | "verify-full"), root) => TlsMode::VerifyFull { root },
            (Some(other), _) => {
                return Err(format!(
                    "unknown sslmode \"{other}\"; expected disable, prefer, require, verify-ca or verify-full"
                ));
            }
        };
        let mut config = tokio_postgres::Config::from_str(&rest)
            .map_err(|error| format!("the PostgreSQL DSN is not valid: {error}"))?;
        config.application_name("opsdeck");
        config.connect_timeout(std::time::Duration::from_secs(5));
        // The dashboard's own queries must never hog the server.
        config.options("-c statement_timeout=500");
        config.keepalives(true);
        Ok(Self { config, tls })
    }

    /// `user@host:port/db` for messages: never the password.
    pub fn describe(&self) -> String {
        let host = self.config.get_hosts().first().map_or_else(
            || "localhost".to_owned(),
            |host| match host {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            },
        );
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "{}@{host}:{port}/{}",
            self.config.get_user().unwrap_or("?"),
            self.config.get_dbname().unwrap_or("?")
        )
    }

    /// The database name connected to.
    pub fn database(&self) -> String {
        self.config
            .get_dbname()
            .or(self.config.get_user())
            .unwrap_or("postgres")
            .to_owned()
    }
}

/// Removes `sslmode` and `sslrootcert` from a URL or key=value DSN and returns them.
fn take_tls_options(text: &str) -> (String, Option<String>, Option<PathBuf>) {
    let mut sslmode = None;
    let mut sslrootcert = None;
    let mut take = |key: &str, value: &str| match key {
        "sslmode" => {
            sslmode = Some(value.to_owned());
            true
        }
        "sslrootcert" => {
            sslrootcert = Some(PathBuf::from(value));
            true
        }
        _ => false,
    };
    let rest = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        match text.split_once('?') {
            Some((base, query)) => {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|pair| {
                        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                        !take(key, value)
                    })
                    .collect();
                if kept.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => text.to_owned(),
        }
    } else {
        text.split_whitespace()
            .filter(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                !take(key.trim(), value.trim_matches('\''))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    (rest, sslmode, sslrootcert)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_sslmode_and_root_are_taken_out() {
        let dsn = Dsn::parse("postgresql://ops:secret@db.example:6432/basecoat_db?sslmode=verify-full&sslrootcert=/etc/rds.pem&connect_timeout=3")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            dsn.tls,
            TlsMode::VerifyFull {
                root: Some(PathBuf::from("/etc/rds.pem"))
            }
        );
        assert_eq!(dsn.describe(), "ops@db.example:6432/basecoat_db");
        assert!(!format!("{dsn:?}").contains("secret"));
    }

    #[test]
    fn key_value_dsn_works_too() {
        let dsn = Dsn::parse("host=127.0.0.1 port=5433 user=postgres dbname=app sslmode=require")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dsn.tls, TlsMode::Require);
        assert_eq!(dsn.describe(), "postgres@127.0.0.1:5433/app");
        let plain = Dsn::parse("host=127.0.0.1 user=postgres sslmode=disable")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain.tls, TlsMode::Disable);
        let default = Dsn::parse("host=127.0.0.1 user=postgres").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(default.tls, TlsMode::Prefer);
    }

    #[test]
    fn bad_dsns_are_named() {
        assert_eq!(
            Dsn::parse("host=x sslmode=sometimes").map(|_| ()),
            Err("unknown sslmode \"sometimes\"; expected disable, prefer, require, verify-ca or verify-full".to_owned())
        );
        let error = Dsn::parse("postgresql://[::1").map(|_| ()).unwrap_err();
        assert!(
            error.starts_with("the PostgreSQL DSN is not valid"),
            "{error}"
        );
    }
}
