//! A loopback HTTP server that answers chosen AWS operations with AWS-shaped responses (bodies
//! as the AWS API reference documents them), for what moto does not serve: Logs Insights
//! `stats` and StopQuery, instance refreshes, percentiles, non-healthy target states, ECS
//! events. The real SDK still sends real requests and parses real wire formats.
//!
//! CloudWatch speaks RPC v2 CBOR: its answers are written as the awsJson body (same member
//! names, timestamps as epoch seconds) and sent as CBOR; its requests are recorded as JSON.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use super::proxy::{operation, read_request};

/// One canned answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub delay: Duration,
}

/// An AWS JSON answer (CloudWatch Logs, ECS; CloudWatch's, sent as CBOR).
pub fn json(body: &str) -> Answer {
    Answer {
        status: 200,
        content_type: "application/x-amz-json-1.1",
        body: body.to_owned(),
        delay: Duration::ZERO,
    }
}

/// An AWS query-protocol answer (Auto Scaling, ELBv2, CloudWatch).
pub fn xml(body: &str) -> Answer {
    Answer {
        status: 200,
        content_type: "text/xml",
        body: body.to_owned(),
        delay: Duration::ZERO,
    }
}

#[derive(Default)]
struct Shared {
    /// Answers per operation; the last one repeats.
    answers: HashMap<String, Vec<Answer>>,
    /// Every request seen: operation and body.
    requests: Vec<(String, String)>,
}

/// The server; stops with the test's runtime.
#[derive(Clone)]
pub struct AwsShaped {
    pub endpoint: String,
    shared: Arc<Mutex<Shared>>,
}

impl AwsShaped {
    /// Starts on a free loopback port with no answers yet.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let accepting = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, accepting.clone()));
            }
        });
        Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            shared,
        }
    }

    /// Answers `operation` with `answers` in turn, repeating the last.
    pub fn answer(&self, operation: &str, answers: Vec<Answer>) {
        self.shared
            .lock()
            .expect("lock")
            .answers
            .insert(operation.to_owned(), answers);
    }

    /// Bodies of the requests for `operation`, oldest first.
    pub fn requests(&self, operation: &str) -> Vec<String> {
        self.shared
            .lock()
            .expect("lock")
            .requests
            .iter()
            .filter(|(name, _)| name == operation)
            .map(|(_, body)| body.clone())
            .collect()
    }
}

fn next_answer(shared: &Mutex<Shared>, operation: &str, body: &str) -> Option<Answer> {
    let mut shared = shared.lock().expect("lock");
    shared
        .requests
        .push((operation.to_owned(), body.to_owned()));
    let answers = shared.answers.get_mut(operation)?;
    if answers.len() > 1 {
        Some(answers.remove(0))
    } else {
        answers.first().cloned()
    }
}

async fn serve(mut client: TcpStream, shared: Arc<Mutex<Shared>>) {
    while let Some((head, body)) = read_request(&mut client).await {
        let name = operation(&head, &body);
        let cbor = super::cbor::rpc_v2_operation(&head).is_some();
        let body = if cbor {
            super::cbor::cbor_to_json(&body).map_or_else(|e| e, |json| json.to_string())
        } else {
            String::from_utf8_lossy(&body).into_owned()
        };
        let answer = next_answer(&shared, &name, &body).unwrap_or_else(|| Answer {
            status: 400,
            content_type: "application/x-amz-json-1.1",
            body: format!(
                r#"{{"__type":"UnknownOperationException","message":"no answer for {name}"}}"#
            ),
            delay: Duration::ZERO,
        });
        tokio::time::sleep(answer.delay).await;
        // AWS sends the request id in a header too; the SDK reads it from there.
        let request_id = answer
            .body
            .split_once("<RequestId>")
            .and_then(|(_, rest)| rest.split_once("</RequestId>"))
            .map_or("shaped-0001", |(id, _)| id);
        let reply = format!(
            "HTTP/1.1 {} OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nx-amzn-RequestId: {request_id}\r\n\r\n{}",
            answer.status,
            answer.content_type,
            answer.body.len(),
            answer.body
        );
        let reply = if cbor && answer.content_type.contains("json") {
            super::cbor::to_cbor_answer(reply.as_bytes())
        } else {
            reply.into_bytes()
        };
        if client.write_all(&reply).await.is_err() {
            return;
        }
    }
}
