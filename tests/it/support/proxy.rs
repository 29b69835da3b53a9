//! A loopback HTTP proxy in front of moto that counts the API calls by operation and injects
//! faults (an AWS error answer, a dropped connection) for chosen operations. CloudWatch's RPC
//! v2 CBOR requests, which moto does not serve, are translated to its JSON protocol and back
//! (see [`super::cbor`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do instead of forwarding an operation.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this HTTP status and AWS query-protocol error code.
    Error {
        status: u16,
        code: String,
        message: String,
    },
    /// Close the connection without answering.
    Reset,
    /// Forward, but only after this long (a slow API).
    Delay(std::time::Duration),
}

#[derive(Default)]
struct Shared {
    calls: HashMap<String, usize>,
    faults: HashMap<String, Fault>,
}

/// The proxy; stops with the test's runtime.
#[derive(Clone)]
pub struct CountingProxy {
    pub endpoint: String,
    shared: Arc<Mutex<Shared>>,
}

impl CountingProxy {
    /// Starts forwarding to `upstream_port` on loopback.
    pub async fn start(upstream_port: u16) -> Self {
        Self::try_start_on(0, upstream_port)
            .await
            .expect("bind proxy")
    }

    /// Starts on loopback port `port` (0: any free one), forwarding to `upstream_port`.
    pub async fn try_start_on(port: u16, upstream_port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let accepting = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, upstream_port, accepting.clone()));
            }
        });
        Ok(Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            shared,
        })
    }

    /// How many times `operation` (e.g. `GetMetricData`) was called.
    pub fn calls(&self, operation: &str) -> usize {
        self.shared
            .lock()
            .expect("lock")
            .calls
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    /// Forgets the counts.
    pub fn reset_counts(&self) {
        self.shared.lock().expect("lock").calls.clear();
    }

    /// Makes every call of `operation` fail with `fault` from now on.
    pub fn fail(&self, operation: &str, fault: Fault) {
        self.shared
            .lock()
            .expect("lock")
            .faults
            .insert(operation.to_owned(), fault);
    }

    /// Lets `operation` through again.
    pub fn heal(&self, operation: &str) {
        self.shared.lock().expect("lock").faults.remove(operation);
    }
}

/// Reads one HTTP request: head and body (by Content-Length).
pub async fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(position) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break position + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some((head, body))
}

/// The operation: the path of an RPC v2 CBOR request, `Action=` of a query-protocol body, else
/// the `X-Amz-Target` header.
pub fn operation(head: &str, body: &[u8]) -> String {
    if let Some((_, operation)) = super::cbor::rpc_v2_operation(head) {
        return operation;
    }
    let body = String::from_utf8_lossy(body);
    if let Some(action) = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
    {
        return action.to_owned();
    }
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("x-amz-target")
                .then(|| value.trim().rsplit('.').next().unwrap_or("").to_owned())
        })
        .unwrap_or_default()
}

async fn serve(mut client: TcpStream, upstream_port: u16, shared: Arc<Mutex<Shared>>) {
    while let Some((head, body)) = read_request(&mut client).await {
        let name = operation(&head, &body);
        let fault = {
            let mut shared = shared.lock().expect("lock");
            *shared.calls.entry(name.clone()).or_default() += 1;
            shared.faults.get(&name).cloned()
        };
        match fault {
            Some(Fault::Reset) => return,
            Some(Fault::Error {
                status,
                code,
                message,
            }) => {
                let answer = error_answer(&head, status, &code, &message);
                if client.write_all(&answer).await.is_err() {
                    return;
                }
            }
            Some(Fault::Delay(delay)) => {
                tokio::time::sleep(delay).await;
                let Some(answer) = translated(upstream_port, &head, &body).await else {
                    return;
                };
                if client.write_all(&answer).await.is_err() {
                    return;
                }
            }
            None => {
                let Some(answer) = translated(upstream_port, &head, &body).await else {
                    return;
                };
                if client.write_all(&answer).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// An AWS error answer in the request's protocol: RPC v2 CBOR (`__type`, and the query-error
/// header CloudWatch keeps for query-compatible codes) or the query protocol's XML.
fn error_answer(head: &str, status: u16, code: &str, message: &str) -> Vec<u8> {
    if super::cbor::rpc_v2_operation(head).is_some() {
        let json = serde_json::json!({ "__type": code, "message": message }).to_string();
        let answer = format!(
            "HTTP/1.1 {status} Error\r\nx-amzn-RequestId: proxy-0000\r\nx-amzn-query-error: {code};Sender\r\n\r\n{json}"
        );
        return super::cbor::to_cbor_answer(answer.as_bytes());
    }
    let xml = format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy-0000</RequestId></ErrorResponse>"
    );
    format!(
        "HTTP/1.1 {status} Error\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nx-amzn-RequestId: proxy-0000\r\n\r\n{xml}",
        xml.len()
    )
    .into_bytes()
}

/// Forwards the request to moto, an RPC v2 CBOR one translated to its JSON protocol and the
/// answer back to CBOR.
async fn translated(port: u16, head: &str, body: &[u8]) -> Option<Vec<u8>> {
    match super::cbor::to_json_request(head, body) {
        None => forward(port, head, body).await,
        Some(Ok((json_head, json_body))) => forward(port, &json_head, &json_body)
            .await
            .map(|answer| super::cbor::to_cbor_answer(&answer)),
        Some(Err(problem)) => Some(error_answer(head, 400, "SerializationException", &problem)),
    }
}

/// Sends the request to moto on a fresh connection it closes, and returns its whole answer.
async fn forward(port: u16, head: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut upstream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let head: String = head
        .split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let head = head.trim_end_matches("\r\n").to_owned() + "\r\nConnection: close\r\n\r\n";
    upstream.write_all(head.as_bytes()).await.ok()?;
    upstream.write_all(body).await.ok()?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}
