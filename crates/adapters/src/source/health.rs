//! The health URLs: the first runbook's SEV-1 step "assess what's down" starts with
//! `curl -v https://<site>/health`. Each configured URL is asked once a poll: its status, how
//! long the answer took, the TLS protocol and the server certificate's expiry, redirects
//! followed or not as configured, all within a timeout. A URL that does not answer is the
//! probe's outcome in words ("connection refused", "timeout after 5s", "TLS: certificate
//! expired 2 days ago"), never the source's error: the other URLs still count.
//!
//! HTTP is hyper's (the client the AWS SDK's own HTTPS client is built on), over tokio-rustls
//! on ring: no second TLS stack, and the handshake's facts (protocol, peer certificate) are
//! read from the connection itself.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Empty;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::{Host, Position, Url};
use x509_cert::der::Decode;

use super::{HealthSource, SourceError, SourceErrorKind, SourceFuture};
use crate::model::{
    HealthProbe, ProbeAnswer, ProbeFailure, ProbeFailureKind, ProbeOutcome, Timestamp, TlsFacts,
};

/// How long a probe waits for an answer, redirects included, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Redirects followed before the probe gives up (curl's `-L` follows 50; a health URL that
/// needs more than a few is broken).
const MAX_REDIRECTS: usize = 5;

/// What the probes ask.
#[derive(Debug, Clone)]
pub struct HealthScope {
    pub urls: Vec<String>,
    pub timeout: Duration,
    /// Follow 3xx answers to their `Location` (curl `-L`); otherwise a redirect is the
    /// answer, and not a healthy one.
    pub follow_redirects: bool,
    /// A PEM bundle of the CA that signed the sites' certificates (a private CA); the public
    /// web roots when absent.
    pub ca_file: Option<PathBuf>,
}

impl Default for HealthScope {
    fn default() -> Self {
        Self {
            urls: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            follow_redirects: false,
            ca_file: None,
        }
    }
}

/// The health URLs of one environment.
pub struct HealthProbes {
    scope: HealthScope,
    /// The TLS set-up, or why there is none (an unreadable `health_ca_file`).
    tls: Result<Tls, String>,
}

/// The TLS client and the certificates its handshakes were shown.
#[derive(Clone)]
struct Tls {
    config: Arc<ClientConfig>,
    verifier: Arc<RecordingVerifier>,
}

impl HealthProbes {
    /// Probes for `scope`; the CA bundle is read once, here.
    pub fn new(scope: HealthScope) -> Self {
        let tls = tls(&scope);
        Self { scope, tls }
    }
}

impl HealthSource for HealthProbes {
    fn health_probes(&self) -> SourceFuture<'_, Vec<HealthProbe>> {
        Box::pin(async move {
            let tls = self
                .tls
                .as_ref()
                .map_err(|why| SourceError::new(SourceErrorKind::Other, why.clone()))?;
            let probes = self
                .scope
                .urls
                .iter()
                .map(|url| probe(url, &self.scope, tls));
            Ok(futures::future::join_all(probes).await)
        })
    }
}

fn tls(scope: &HealthScope) -> Result<Tls, String> {
    let roots = crate::tls::roots(scope.ca_file.as_deref(), "health_ca_file")?;
    let provider = crate::tls::provider();
    let set_up = |error: &dyn std::fmt::Display| format!("TLS set-up failed: {error}");
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|error| set_up(&error))?;
    let verifier = Arc::new(RecordingVerifier {
        inner: webpki,
        expiries: Mutex::new(HashMap::new()),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| set_up(&error))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    Ok(Tls {
        config: Arc::new(config),
        verifier,
    })
}

/// rustls' standard verifier, which also notes each server's certificate expiry as it is
/// shown: an expired certificate fails the handshake before the connection can be asked
/// for it, and "expired 2 days ago" needs its `notAfter`.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    /// The last certificate expiry each server name showed.
    expiries: Mutex<HashMap<String, Timestamp>>,
}

impl RecordingVerifier {
    fn expiry_of(&self, server: &str) -> Option<Timestamp> {
        self.expiries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(server)
            .copied()
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(expires) = not_after(end_entity.as_ref()) {
            self.expiries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(server_name.to_str().into_owned(), expires);
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// One probe of `url`, within the scope's timeout.
async fn probe(url: &str, scope: &HealthScope, tls: &Tls) -> HealthProbe {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(scope.timeout, follow(url, scope, tls)).await {
        Ok(Ok(mut answer)) => {
            answer.latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            ProbeOutcome::Answered(answer)
        }
        Ok(Err(failure)) => ProbeOutcome::Failed(failure),
        Err(_) => ProbeOutcome::Failed(failure(
            ProbeFailureKind::Timeout,
            format!("timeout after {}", crate::format::deadline(scope.timeout)),
        )),
    };
    HealthProbe {
        url: url.to_owned(),
        outcome,
    }
}

fn failure(kind: ProbeFailureKind, message: impl Into<String>) -> ProbeFailure {
    ProbeFailure {
        kind,
        message: message.into(),
    }
}

/// Asks `url`, and the redirects' targets when the scope follows them.
async fn follow(url: &str, scope: &HealthScope, tls: &Tls) -> Result<ProbeAnswer, ProbeFailure> {
    let mut current = Url::parse(url)
        .map_err(|error| failure(ProbeFailureKind::Other, format!("not a URL: {error}")))?;
    let mut redirects = 0;
    loop {
        let reply = ask(&current, tls).await?;
        let location = reply
            .location
            .filter(|_| (300..400).contains(&reply.status));
        let (Some(location), true) = (&location, scope.follow_redirects) else {
            return Ok(ProbeAnswer {
                status: reply.status,
                latency_ms: 0,
                final_url: (redirects > 0).then(|| current.to_string()),
                redirect_to: location,
                tls: reply.tls,
            });
        };
        if redirects == MAX_REDIRECTS {
            return Err(failure(
                ProbeFailureKind::Other,
                format!("more than {MAX_REDIRECTS} redirects (the last to {location})"),
            ));
        }
        redirects += 1;
        current = current.join(location).map_err(|error| {
            failure(
                ProbeFailureKind::Other,
                format!("redirect to an invalid URL {location:?}: {error}"),
            )
        })?;
    }
}

/// One answer: its status, its `Location`, and the TLS facts of the connection.
struct Reply {
    status: u16,
    location: Option<String>,
    tls: Option<TlsFacts>,
}

/// One GET of `url` on a connection of its own.
async fn ask(url: &Url, tls: &Tls) -> Result<Reply, ProbeFailure> {
    let tcp = connect(url).await?;
    match url.scheme() {
        "http" => {
            let (status, location) = get(tcp, url).await?;
            Ok(Reply {
                status,
                location,
                tls: None,
            })
        }
        "https" => {
            let name = server_name(url)?;
            let stream = TlsConnector::from(tls.config.clone())
                .connect(name.clone(), tcp)
                .await
                .map_err(|error| {
                    tls_failure(&error, url, tls.verifier.expiry_of(&name.to_str()))
                })?;
            let facts = tls_facts(stream.get_ref().1);
            let (status, location) = get(stream, url).await?;
            Ok(Reply {
                status,
                location,
                tls: facts,
            })
        }
        other => Err(failure(
            ProbeFailureKind::Other,
            format!("{other}: only http and https URLs are probed"),
        )),
    }
}

/// A TCP connection to the URL's host and port, the name resolved without blocking.
async fn connect(url: &Url) -> Result<TcpStream, ProbeFailure> {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    let addresses: Vec<_> = tokio::net::lookup_host(format!("{host}:{port}"))
        .await
        .map_err(|error| {
            failure(
                ProbeFailureKind::Dns,
                format!("name not resolved: {host} ({error})"),
            )
        })?
        .collect();
    let mut last_error = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = Some(error),
        }
    }
    Err(match last_error {
        Some(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => failure(
            ProbeFailureKind::Refused,
            format!("connection refused ({host}:{port})"),
        ),
        Some(error) => failure(
            ProbeFailureKind::Other,
            format!("cannot connect to {host}:{port}: {error}"),
        ),
        None => failure(
            ProbeFailureKind::Dns,
            format!("name not resolved: {host} (no address)"),
        ),
    })
}

fn server_name(url: &Url) -> Result<ServerName<'static>, ProbeFailure> {
    let name = match url.host() {
        Some(Host::Domain(domain)) => ServerName::try_from(domain.to_owned()).ok(),
        Some(Host::Ipv4(address)) => Some(ServerName::IpAddress(address.into())),
        Some(Host::Ipv6(address)) => Some(ServerName::IpAddress(address.into())),
        None => None,
    };
    name.ok_or_else(|| {
        failure(
            ProbeFailureKind::Other,
            format!("no host name to verify a certificate for in {url}"),
        )
    })
}

/// GETs the URL's path over `io` (HTTP/1.1): the status and any `Location`. The body is not
/// read; the connection is closed once the headers are in.
async fn get<S>(io: S, url: &Url) -> Result<(u16, Option<String>), ProbeFailure>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = http1::handshake(TokioIo::new(io))
        .await
        .map_err(|error| http_failure(&error))?;
    let request = hyper::Request::get(&url[Position::BeforePath..Position::AfterQuery])
        .header(
            hyper::header::HOST,
            &url[Position::BeforeHost..Position::AfterPort],
        )
        .header(hyper::header::USER_AGENT, "opsdeck-health-probe")
        .body(Empty::<Bytes>::new())
        .map_err(|error| failure(ProbeFailureKind::Other, format!("bad request: {error}")))?;
    // The connection is driven here, not spawned, so a probe dropped at its timeout closes
    // it. It may end (the server answers and closes) before the answer is read: the answer
    // is then already waiting, or its absence is the request's error.
    let answer = sender.send_request(request);
    tokio::pin!(connection, answer);
    let response = tokio::select! {
        biased;
        response = &mut answer => response,
        ended = &mut connection => match ended {
            Ok(()) => answer.await,
            Err(error) => Err(error),
        },
    }
    .map_err(|error| http_failure(&error))?;
    let location = response
        .headers()
        .get(hyper::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    Ok((response.status().as_u16(), location))
}

fn http_failure(error: &hyper::Error) -> ProbeFailure {
    failure(ProbeFailureKind::Other, format!("HTTP: {error}"))
}

/// The handshake's protocol and the server certificate's expiry.
fn tls_facts(connection: &rustls::ClientConnection) -> Option<TlsFacts> {
    let protocol = match connection.protocol_version()? {
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_owned(),
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_owned(),
        other => format!("{other:?}"),
    };
    let leaf = connection.peer_certificates()?.first()?;
    Some(TlsFacts {
        protocol,
        certificate_expires: not_after(leaf.as_ref())?,
    })
}

/// A DER certificate's `notAfter`.
pub fn not_after(der: &[u8]) -> Option<Timestamp> {
    let certificate = x509_cert::Certificate::from_der(der).ok()?;
    let seconds = certificate
        .tbs_certificate
        .validity
        .not_after
        .to_unix_duration()
        .as_secs();
    Timestamp::from_timestamp(i64::try_from(seconds).ok()?, 0)
}

/// A failed handshake in words; rustls' certificate errors say what an operator fixes.
fn tls_failure(error: &std::io::Error, url: &Url, expired: Option<Timestamp>) -> ProbeFailure {
    let rustls_error = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let message = match rustls_error {
        Some(rustls::Error::InvalidCertificate(problem)) => {
            certificate_problem(problem, url, expired)
        }
        Some(other) => format!("TLS: {other}"),
        None => format!("TLS: {error}"),
    };
    failure(ProbeFailureKind::Tls, message)
}

fn certificate_problem(
    problem: &CertificateError,
    url: &Url,
    expires: Option<Timestamp>,
) -> String {
    match problem {
        CertificateError::ExpiredContext { time, not_after } => format!(
            "TLS: certificate expired {} ago",
            days_or_duration(time.as_secs().saturating_sub(not_after.as_secs()))
        ),
        CertificateError::Expired => match expires {
            Some(expires) => format!(
                "TLS: certificate expired {} ago",
                days_or_duration(
                    u64::try_from((chrono::Utc::now() - expires).num_seconds()).unwrap_or(0)
                )
            ),
            None => "TLS: certificate expired".to_owned(),
        },
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "TLS: certificate not valid yet".to_owned()
        }
        CertificateError::UnknownIssuer => {
            "TLS: certificate not trusted (unknown issuer; a private CA's bundle goes in health_ca_file)"
                .to_owned()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!(
                "TLS: certificate not valid for {}",
                url.host_str().unwrap_or_default()
            )
        }
        CertificateError::Revoked => "TLS: certificate revoked".to_owned(),
        CertificateError::Other(other)
            if matches!(
                other.0.downcast_ref::<webpki::Error>(),
                Some(webpki::Error::CaUsedAsEndEntity)
            ) =>
        {
            "TLS: the site's certificate is a CA certificate (self-signed?), which TLS clients refuse as a server's"
                .to_owned()
        }
        other => format!("TLS: certificate rejected ({other:?})"),
    }
}

/// "2 days", "1 day", or "5h10m" under a day.
fn days_or_duration(seconds: u64) -> String {
    match seconds / 86_400 {
        0 => crate::format::duration(i64::try_from(seconds).unwrap_or(i64::MAX)),
        1 => "1 day".to_owned(),
        days => format!("{days} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_ages_read_in_days_or_below_a_day_in_hours() {
        assert_eq!(days_or_duration(2 * 86_400 + 3600), "2 days");
        assert_eq!(days_or_duration(86_400), "1 day");
        assert_eq!(days_or_duration(5 * 3600 + 600), "5h10m");
    }
}
