//! Health endpoint probes: the first runbook's SEV-1 read `curl -v https://<site>/health`,
//! answered as data: the status, how long it took, and what TLS said about the certificate.

use super::Timestamp;

/// One probe of one configured health URL.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthProbe {
    /// The URL as configured.
    pub url: String,
    pub outcome: ProbeOutcome,
}

/// What a probe found: an answer (whatever its status), or why there was none.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeOutcome {
    Answered(ProbeAnswer),
    Failed(ProbeFailure),
}

/// The server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeAnswer {
    /// The HTTP status of the last answer (after the redirects followed, if any).
    pub status: u16,
    /// From the start of the connection to the answer's headers, redirects included.
    pub latency_ms: u64,
    /// Where the redirects followed led, when they were followed.
    pub final_url: Option<String>,
    /// A redirect's `Location` when redirects are not followed.
    pub redirect_to: Option<String>,
    /// The TLS facts of the last connection (None over plain HTTP).
    pub tls: Option<TlsFacts>,
}

/// What the TLS handshake established.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsFacts {
    /// "TLS 1.3", "TLS 1.2".
    pub protocol: String,
    /// The server certificate's `notAfter`.
    pub certificate_expires: Timestamp,
}

impl TlsFacts {
    /// Whole days from `now` until the certificate expires (negative once expired).
    pub fn days_left(&self, now: Timestamp) -> i64 {
        (self.certificate_expires - now).num_days()
    }
}

/// Why a probe has no answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeFailure {
    pub kind: ProbeFailureKind,
    /// In words: "connection refused", "timeout after 5s", "TLS: certificate expired 2 days
    /// ago".
    pub message: String,
}

/// The kinds of failure a runbook reader tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeFailureKind {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens on the port.
    Refused,
    /// No answer within the probe's timeout.
    Timeout,
    /// The TLS handshake failed (expired, untrusted, wrong name).
    Tls,
    /// Anything else (a reset connection, a malformed answer).
    Other,
}

impl HealthProbe {
    /// Whether the endpoint answered with a 2xx status: the `health_endpoint` check's pass.
    pub fn is_healthy(&self) -> bool {
        matches!(&self.outcome, ProbeOutcome::Answered(answer) if (200..300).contains(&answer.status))
    }

    /// The short verdict a row or the triage line shows: "200", "503", "timeout".
    pub fn verdict(&self) -> String {
        match &self.outcome {
            ProbeOutcome::Answered(answer) => answer.status.to_string(),
            ProbeOutcome::Failed(failure) => match failure.kind {
                ProbeFailureKind::Dns => "DNS".to_owned(),
                ProbeFailureKind::Refused => "refused".to_owned(),
                ProbeFailureKind::Timeout => "timeout".to_owned(),
                ProbeFailureKind::Tls => "TLS".to_owned(),
                ProbeFailureKind::Other => "error".to_owned(),
            },
        }
    }
}
