//! A loopback HTTP(S) peer for the health probes: each path answers with a status (and a
//! `Location` for redirects), or never answers; over TLS with a certificate made by openssl
//! for the test. A test peer speaks just enough HTTP/1.1 to answer one GET a connection.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// What a path answers.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16),
    Redirect(u16, String),
    /// Accepts the request and never answers.
    Hang,
}

/// A running peer; it stops when dropped.
pub struct HttpPeer {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HttpPeer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HttpPeer {
    /// Plain HTTP on a free loopback port.
    pub async fn start(routes: &[(&str, Reply)]) -> Self {
        Self::serve(routes, None).await
    }

    /// HTTPS with `certificate` (the leaf, then its chain) and `key` (PEM files).
    pub async fn start_tls(routes: &[(&str, Reply)], certificate: &Path, key: &Path) -> Self {
        let certs: Vec<_> = rustls_pemfile::certs(&mut std::io::BufReader::new(
            std::fs::File::open(certificate).unwrap(),
        ))
        .collect::<Result<_, _>>()
        .unwrap();
        let key = rustls_pemfile::private_key(&mut std::io::BufReader::new(
            std::fs::File::open(key).unwrap(),
        ))
        .unwrap()
        .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        Self::serve(
            routes,
            Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))),
        )
        .await
    }

    async fn serve(routes: &[(&str, Reply)], tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            routes
                .iter()
                .map(|(path, reply)| ((*path).to_owned(), reply.clone()))
                .collect(),
        );
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let routes = routes.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(socket).await {
                                answer(stream, &routes).await;
                            }
                        }
                        None => answer(socket, &routes).await,
                    }
                });
            }
        });
        Self { port, task }
    }

    /// `http://127.0.0.1:PORT/path` (or https).
    pub fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://127.0.0.1:{}{path}", self.port)
    }
}

/// Reads one request's head and answers it as its path's route says.
async fn answer<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, routes: &HashMap<String, Reply>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let response = match routes.get(&path) {
        Some(Reply::Hang) => {
            std::future::pending::<()>().await;
            return;
        }
        Some(Reply::Status(status)) => {
            format!("HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        }
        Some(Reply::Redirect(status, location)) => format!(
            "HTTP/1.1 {status} X\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        None => "HTTP/1.1 404 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Certificates for the TLS tests, made by openssl in a temp dir: a CA, and leaves for
/// 127.0.0.1 signed by it valid for `days` (-1: expired a day ago), or self-signed.
pub struct Certificates {
    pub dir: tempfile::TempDir,
}

impl Certificates {
    /// None when openssl is missing (outside CI).
    pub fn new() -> Option<Self> {
        if Command::new("openssl").arg("version").output().is_err() {
            assert!(
                !super::in_ci(),
                "openssl not found: apt-get install openssl"
            );
            eprintln!("skipping: openssl not found");
            return None;
        }
        let certificates = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        certificates.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=opsdeck test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ]);
        std::fs::write(
            certificates.path("leaf.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .unwrap();
        Some(certificates)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn openssl(&self, args: &[&str]) {
        super::openssl(self.dir.path(), args);
    }

    /// A leaf `name`.crt/.key signed by the CA, valid for `days`.
    pub fn signed_leaf(&self, name: &str, days: i32) -> (PathBuf, PathBuf) {
        let (crt, key, csr) = (
            format!("{name}.crt"),
            format!("{name}.key"),
            format!("{name}.csr"),
        );
        self.openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &key,
            "-out",
            &csr,
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            &days.to_string(),
            "-extfile",
            "leaf.ext",
            "-out",
            &crt,
        ]);
        (self.path(&crt), self.path(&key))
    }

    /// A self-signed leaf `name`.crt/.key for 127.0.0.1, valid for `days`; a CA
    /// certificate (openssl's default for a self-signed one) when `ca` is true.
    pub fn self_signed(&self, name: &str, days: i32, ca: bool) -> (PathBuf, PathBuf) {
        let (crt, key) = (format!("{name}.crt"), format!("{name}.key"));
        let constraints = if ca {
            "basicConstraints=critical,CA:TRUE"
        } else {
            "basicConstraints=critical,CA:FALSE"
        };
        self.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            &days.to_string(),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            constraints,
            "-keyout",
            &key,
            "-out",
            &crt,
        ]);
        (self.path(&crt), self.path(&key))
    }
}
