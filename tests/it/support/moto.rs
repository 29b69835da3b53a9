//! moto_server on a free loopback port, for the AWS SDK to talk to over real HTTP, behind a
//! front that translates CloudWatch's RPC v2 CBOR (which the current SDK speaks and moto does
//! not serve) to moto's JSON protocol; every other request passes as it is.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, in_ci};

/// A running moto server; killed on drop.
pub struct MotoServer {
    /// `http://127.0.0.1:PORT` of the translating front: the SDK's endpoint override.
    pub endpoint: String,
    /// moto's own port, for a test's own proxy (which translates too) and moto's API.
    pub port: u16,
    child: Child,
}

impl MotoServer {
    /// Starts moto_server, or returns None (outside CI) when it is not installed.
    pub fn start() -> Option<Self> {
        let port = free_port();
        let spawned = spawn_moto(port);
        let child = match spawned {
            Ok(child) => child,
            Err(error) => {
                let message =
                    format!("moto_server not runnable ({error}): pip install 'moto[server]'");
                assert!(!in_ci(), "{message}");
                eprintln!("skipping: {message}");
                return None;
            }
        };
        let mut server = Self {
            endpoint: String::new(),
            port,
            child,
        };
        server.wait_until_ready();
        server.endpoint = start_front(port);
        Some(server)
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("moto_server exited at start: {status}");
            }
            if self.request("GET", "/moto-api/").is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "moto_server did not answer on port {} within 30 s",
            self.port
        );
    }

    /// Fills moto with the example config's `local-moto` estate, as the README's
    /// `assets/seed-moto.py` does for a user.
    pub fn seed_with_script(&self) {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/seed-moto.py");
        let seeded = Command::new("python3")
            .arg(script)
            .args(["--endpoint", &self.endpoint])
            .output()
            .expect("run python3");
        assert!(
            seeded.status.success(),
            "{}",
            String::from_utf8_lossy(&seeded.stderr)
        );
    }

    /// Clears every resource moto holds (POST /moto-api/reset).
    pub fn reset(&self) {
        let status = self.request("POST", "/moto-api/reset").expect("reset moto");
        assert_eq!(status, 200, "moto reset answered {status}");
    }

    /// A bare HTTP/1.1 request; returns the status code.
    pub fn request(&self, method: &str, path: &str) -> std::io::Result<u16> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        response
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("not HTTP: {response:.80}")))
    }
}

/// A translating proxy in front of moto on its own thread and runtime (a test may have none,
/// or one that ends before moto is dropped); it lives as long as the test process.
fn start_front(moto_port: u16) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("front runtime");
        runtime.block_on(async move {
            let front = super::proxy::CountingProxy::start(moto_port).await;
            let _ = sender.send(front.endpoint.clone());
            std::future::pending::<()>().await;
        });
    });
    receiver.recv().expect("the front starts")
}

/// `moto_server`, else `python3 -m moto.server` (pip may put the script off the PATH).
fn spawn_moto(port: u16) -> std::io::Result<Child> {
    let port = port.to_string();
    let args = ["-H", "127.0.0.1", "-p", port.as_str()];
    Command::new("moto_server")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .or_else(|_| {
            Command::new("python3")
                .args(["-m", "moto.server"])
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        })
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
