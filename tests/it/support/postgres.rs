//! A throwaway PostgreSQL server per test run: initdb into a temp dir, started on a free
//! loopback port, stopped on drop. Or an existing server from `$OPSDECK_TEST_DATABASE_URL`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{free_port, in_ci};

/// A running PostgreSQL server for tests.
pub struct TestPostgres {
    /// `postgresql://postgres@127.0.0.1:PORT/postgres`
    pub url: String,
    pub port: u16,
    owned: Option<OwnedServer>,
}

struct OwnedServer {
    bindir: PathBuf,
    data_dir: PathBuf,
    log_file: PathBuf,
    options: String,
    _dir: tempfile::TempDir,
}

impl TestPostgres {
    /// Starts a server that also speaks TLS with a fresh certificate for 127.0.0.1 and
    /// localhost from a throwaway CA; returns it with the CA's PEM path. None when
    /// PostgreSQL or openssl is missing (outside CI).
    pub fn start_with_tls() -> Option<(Self, PathBuf)> {
        let Some(bindir) = find_bindir() else {
            assert!(!in_ci(), "PostgreSQL server binaries not found");
            return None;
        };
        if Command::new("openssl").arg("version").output().is_err() {
            assert!(!in_ci(), "openssl not found: apt-get install openssl");
            eprintln!("skipping: openssl not found");
            return None;
        }
        Some(start_owned_with(bindir, true, true)).map(|server| {
            let cert = server
                .owned
                .as_ref()
                .map(|o| o.data_dir.join("ca.crt"))
                .expect("owned");
            (server, cert)
        })
    }

    /// Starts a server, or returns None (outside CI) when PostgreSQL is not installed.
    /// In CI a missing server is a failure, never a silent skip.
    pub fn start() -> Option<Self> {
        if let Ok(url) = std::env::var("OPSDECK_TEST_DATABASE_URL") {
            return Some(Self {
                url,
                port: 0,
                owned: None,
            });
        }
        let Some(bindir) = find_bindir() else {
            let message = "PostgreSQL server binaries not found (initdb, pg_ctl): install the \
                           postgresql package, or set OPSDECK_TEST_DATABASE_URL";
            assert!(!in_ci(), "{message}");
            eprintln!("skipping: {message}");
            return None;
        };
        Some(start_owned(bindir))
    }

    /// Starts a server of its own without `pg_stat_statements` in
    /// `shared_preload_libraries`, as a server configured before anyone asked for top SQL
    /// is. None (outside CI) when PostgreSQL is not installed.
    pub fn start_without_statements_library() -> Option<Self> {
        let Some(bindir) = find_bindir() else {
            assert!(!in_ci(), "PostgreSQL server binaries not found");
            return None;
        };
        Some(start_owned_with(bindir, false, false))
    }
}

impl TestPostgres {
    /// Stops the server (fast shutdown), as a restart or an outage would.
    pub fn stop(&self) {
        let owned = self
            .owned
            .as_ref()
            .expect("only an owned server can be stopped");
        let status = as_postgres_user(&owned.bindir.join("pg_ctl"))
            .args(["-D", path_str(&owned.data_dir), "-m", "fast", "-w", "stop"])
            .stdout(Stdio::null())
            .status()
            .expect("pg_ctl stop");
        assert!(status.success(), "pg_ctl stop failed");
    }

    /// Starts a stopped server again on the same port.
    pub fn start_again(&self) {
        let owned = self
            .owned
            .as_ref()
            .expect("only an owned server can be started");
        pg_ctl_start(
            &owned.bindir,
            &owned.data_dir,
            &owned.log_file,
            &owned.options,
        );
    }

    /// True when the tests manage this server (not `$OPSDECK_TEST_DATABASE_URL`).
    pub fn owned(&self) -> bool {
        self.owned.is_some()
    }
}

fn pg_ctl_start(bindir: &Path, data_dir: &Path, log_file: &Path, options: &str) {
    let started = as_postgres_user(&bindir.join("pg_ctl"))
        .args([
            "-D",
            path_str(data_dir),
            "-l",
            path_str(log_file),
            "-o",
            options,
            "-w",
            "start",
        ])
        .output()
        .expect("run pg_ctl start");
    let log = std::fs::read_to_string(log_file).unwrap_or_default();
    assert!(
        started.status.success(),
        "pg_ctl start failed: {}\n{log}",
        String::from_utf8_lossy(&started.stderr)
    );
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        if let Some(owned) = &self.owned {
            let _ = as_postgres_user(&owned.bindir.join("pg_ctl"))
                .args([
                    "-D",
                    path_str(&owned.data_dir),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn start_owned(bindir: PathBuf) -> TestPostgres {
    start_owned_with(bindir, false, true)
}

/// A throwaway CA (`ca.crt`) and a server certificate for 127.0.0.1 and localhost signed by
/// it (the health probes' [`Certificates`](super::http_peer::Certificates)), copied into
/// `data_dir` and owned by postgres.
fn make_certificate(data_dir: &Path) {
    let certificates = super::http_peer::Certificates::new().expect("openssl, checked above");
    let (certificate, key) = certificates.signed_leaf("server", 1);
    let copy = |from: &Path, name: &str| {
        std::fs::copy(from, data_dir.join(name)).expect("copy the test certificate");
    };
    copy(&certificates.path("ca.crt"), "ca.crt");
    copy(&certificate, "server.crt");
    copy(&key, "server.key");
    let key = data_dir.join("server.key");
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod key");
    if running_as_root() {
        let crt = data_dir.join("server.crt");
        let status = Command::new("chown")
            .args(["postgres:postgres", path_str(&key), path_str(&crt)])
            .status()
            .expect("chown");
        assert!(status.success());
    }
}

/// `statements` loads `pg_stat_statements` at start, as the top SQL view needs (the
/// library loads only through `shared_preload_libraries`).
fn start_owned_with(bindir: PathBuf, tls: bool, statements: bool) -> TestPostgres {
    let dir = tempfile::Builder::new()
        .prefix("opsdeck-pg-")
        .tempdir()
        .expect("temp dir for PostgreSQL");
    let data_dir = dir.path().join("data");
    let log_file = dir.path().join("server.log");
    if running_as_root() {
        // initdb refuses to run as root: the postgres user owns the cluster.
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres", path_str(dir.path())])
            .status()
            .expect("chown the temp dir");
        assert!(
            status.success(),
            "chown postgres {} failed",
            dir.path().display()
        );
    }
    let initdb = as_postgres_user(&bindir.join("initdb"))
        .args([
            "-D",
            path_str(&data_dir),
            "--auth=trust",
            "-U",
            "postgres",
            "--no-sync",
        ])
        .args(["--encoding=UTF8", "--locale=C"])
        .output()
        .expect("run initdb");
    assert!(
        initdb.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&initdb.stderr)
    );
    require_password_for(&data_dir, PASSWORD_CHECKED_ROLE);
    let port = free_port();
    let mut options = format!(
        "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={} -c fsync=off -c max_connections=200",
        path_str(dir.path())
    );
    if statements {
        options.push_str(" -c shared_preload_libraries=pg_stat_statements");
    }
    if tls {
        make_certificate(&data_dir);
        options.push_str(" -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key");
    }
    let started = as_postgres_user(&bindir.join("pg_ctl"))
        .args([
            "-D",
            path_str(&data_dir),
            "-l",
            path_str(&log_file),
            "-o",
            &options,
            "-w",
            "start",
        ])
        .output()
        .expect("run pg_ctl start");
    let log = std::fs::read_to_string(&log_file).unwrap_or_default();
    assert!(
        started.status.success(),
        "pg_ctl start failed: {}\n{log}",
        String::from_utf8_lossy(&started.stderr)
    );
    TestPostgres {
        url: format!("postgresql://postgres@127.0.0.1:{port}/postgres"),
        port,
        owned: Some(OwnedServer {
            bindir,
            data_dir,
            log_file,
            options,
            _dir: dir,
        }),
    }
}

fn find_bindir() -> Option<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    let candidates = from_pg_config.into_iter().chain(
        std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path().join("bin")),
    );
    candidates
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// `program` run as the postgres user when we are root, else as ourselves.
fn as_postgres_user(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", path_str(program)]);
        command
    } else {
        Command::new(program)
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The one role the test servers check passwords for (every other is trusted on loopback):
/// tests of authentication errors log in as it.
pub const PASSWORD_CHECKED_ROLE: &str = "pwcheck";

/// Puts a password rule for `role` ahead of initdb's trust rules (the first match wins).
fn require_password_for(data_dir: &Path, role: &str) {
    let hba = data_dir.join("pg_hba.conf");
    let rules = std::fs::read_to_string(&hba).expect("read pg_hba.conf");
    std::fs::write(
        &hba,
        format!("host all {role} 127.0.0.1/32 scram-sha-256\n{rules}"),
    )
    .expect("write pg_hba.conf");
}

/// Sends `signal` (`-STOP`, `-CONT`) to a server process, as a hung server or proxy would
/// behave: the socket stays open and nothing answers.
pub fn signal_process(signal: &str, pid: i32) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {signal} {pid}");
}

/// The pids of opsdeck's own monitoring connections (`application_name = 'opsdeck'`) but
/// `except`.
pub async fn opsdeck_backends(admin: &tokio_postgres::Client, except: i32) -> Vec<i32> {
    admin
        .query(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'opsdeck' AND pid <> $1",
            &[&except],
        )
        .await
        .expect("read pg_stat_activity")
        .iter()
        .map(|row| row.get(0))
        .collect()
}
