//! Issue 15, item 1: the health URLs probed as the SEV-1 runbook's `curl -v .../health`,
//! against real loopback HTTP(S) peers: 200, 503, a refused port, a hang, redirects, and
//! certificates made by openssl (trusted through `health_ca_file`, self-signed, expired).

use crate::support;

use std::time::Duration;

use opsdeck::model::{HealthProbe, ProbeFailureKind, ProbeOutcome};
use opsdeck::source::HealthSource;
use opsdeck::source::health::{HealthProbes, HealthScope};
use support::http_peer::{Certificates, HttpPeer, Reply};

async fn probe_all(scope: HealthScope) -> Vec<HealthProbe> {
    HealthProbes::new(scope).health_probes().await.unwrap()
}

fn scope(urls: Vec<String>) -> HealthScope {
    HealthScope {
        urls,
        timeout: Duration::from_secs(2),
        ..HealthScope::default()
    }
}

fn answered(probe: &HealthProbe) -> &opsdeck::model::ProbeAnswer {
    match &probe.outcome {
        ProbeOutcome::Answered(answer) => answer,
        ProbeOutcome::Failed(failure) => panic!("{}: {failure:?}", probe.url),
    }
}

fn failed(probe: &HealthProbe) -> &opsdeck::model::ProbeFailure {
    match &probe.outcome {
        ProbeOutcome::Failed(failure) => failure,
        ProbeOutcome::Answered(answer) => panic!("{} answered {answer:?}", probe.url),
    }
}

#[tokio::test]
async fn statuses_refusals_and_hangs_are_each_told_in_words_within_the_timeout() {
    let peer = HttpPeer::start(&[
        ("/health", Reply::Status(200)),
        ("/down", Reply::Status(503)),
        ("/hang", Reply::Hang),
    ])
    .await;
    let closed = support::free_port();
    let refused_url = format!("http://127.0.0.1:{closed}/health");
    let started = std::time::Instant::now();
    let probes = probe_all(scope(vec![
        peer.url("http", "/health"),
        peer.url("http", "/down"),
        refused_url.clone(),
        peer.url("http", "/hang"),
    ]))
    .await;
    // The probes run at once: the hang costs its timeout once, not in series.
    assert!(started.elapsed() < Duration::from_secs(4));

    let ok = answered(&probes[0]);
    assert_eq!(ok.status, 200);
    assert!(ok.tls.is_none(), "plain HTTP has no TLS facts");
    assert!(probes[0].is_healthy());

    assert_eq!(answered(&probes[1]).status, 503);
    assert!(!probes[1].is_healthy());

    let refused = failed(&probes[2]);
    assert_eq!(refused.kind, ProbeFailureKind::Refused);
    assert_eq!(
        refused.message,
        format!("connection refused (127.0.0.1:{closed})")
    );
    assert_eq!(probes[2].url, refused_url);

    let hung = failed(&probes[3]);
    assert_eq!(hung.kind, ProbeFailureKind::Timeout);
    assert_eq!(hung.message, "timeout after 2s");
}

#[tokio::test]
async fn a_redirect_is_the_answer_unless_redirects_are_followed() {
    let peer = HttpPeer::start(&[
        ("/health", Reply::Redirect(301, "/healthz".to_owned())),
        ("/healthz", Reply::Status(200)),
    ])
    .await;
    let url = peer.url("http", "/health");
    let not_followed = probe_all(scope(vec![url.clone()])).await;
    let answer = answered(&not_followed[0]);
    assert_eq!(answer.status, 301);
    assert_eq!(answer.redirect_to.as_deref(), Some("/healthz"));
    assert!(!not_followed[0].is_healthy(), "curl without -L sees a 301");

    let followed = probe_all(HealthScope {
        follow_redirects: true,
        ..scope(vec![url])
    })
    .await;
    let answer = answered(&followed[0]);
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.final_url.as_deref(),
        Some(peer.url("http", "/healthz").as_str())
    );
    assert!(followed[0].is_healthy());
}

#[tokio::test]
async fn https_reads_the_protocol_and_the_certificate_days_left() {
    let Some(certificates) = Certificates::new() else {
        return;
    };
    let (certificate, key) = certificates.signed_leaf("site", 5);
    let peer = HttpPeer::start_tls(&[("/health", Reply::Status(200))], &certificate, &key).await;
    let probes = probe_all(HealthScope {
        ca_file: Some(certificates.path("ca.crt")),
        ..scope(vec![peer.url("https", "/health")])
    })
    .await;
    let answer = answered(&probes[0]);
    assert_eq!(answer.status, 200);
    let tls = answer.tls.as_ref().unwrap();
    assert_eq!(tls.protocol, "TLS 1.3");
    // openssl's `-days 5` from a moment ago: 4 whole days and some hours left.
    assert_eq!(tls.days_left(chrono::Utc::now()), 4);
    let expires_in = tls.certificate_expires - chrono::Utc::now();
    assert!(
        expires_in > chrono::Duration::days(5) - chrono::Duration::minutes(5),
        "{expires_in}"
    );
}

#[tokio::test]
async fn untrusted_and_expired_certificates_fail_the_handshake_in_words() {
    let Some(certificates) = Certificates::new() else {
        return;
    };
    let (self_signed, self_signed_key) = certificates.self_signed("self", 5, false);
    let (self_signed_ca, self_signed_ca_key) = certificates.self_signed("self-ca", 5, true);
    let ca_as_leaf = HttpPeer::start_tls(
        &[("/health", Reply::Status(200))],
        &self_signed_ca,
        &self_signed_ca_key,
    )
    .await;
    let untrusted = HttpPeer::start_tls(
        &[("/health", Reply::Status(200))],
        &self_signed,
        &self_signed_key,
    )
    .await;
    let (expired, expired_key) = certificates.signed_leaf("expired", -1);
    let expired_peer =
        HttpPeer::start_tls(&[("/health", Reply::Status(200))], &expired, &expired_key).await;

    let probes = probe_all(scope(vec![untrusted.url("https", "/health")])).await;
    let failure = failed(&probes[0]);
    assert_eq!(failure.kind, ProbeFailureKind::Tls);
    assert_eq!(
        failure.message,
        "TLS: certificate not trusted (unknown issuer; a private CA's bundle goes in health_ca_file)"
    );

    // A self-signed CA certificate is refused as a server's whatever roots are trusted.
    let probes = probe_all(HealthScope {
        ca_file: Some(self_signed_ca.clone()),
        ..scope(vec![ca_as_leaf.url("https", "/health")])
    })
    .await;
    assert_eq!(
        failed(&probes[0]).message,
        "TLS: the site's certificate is a CA certificate (self-signed?), which TLS clients refuse as a server's"
    );

    let probes = probe_all(HealthScope {
        ca_file: Some(certificates.path("ca.crt")),
        ..scope(vec![expired_peer.url("https", "/health")])
    })
    .await;
    let failure = failed(&probes[0]);
    assert_eq!(failure.kind, ProbeFailureKind::Tls);
    assert_eq!(failure.message, "TLS: certificate expired 1 day ago");
}

#[tokio::test]
async fn an_unreadable_ca_file_is_the_source_error_naming_the_setting() {
    let probes = HealthProbes::new(HealthScope {
        ca_file: Some("/nonexistent/ca.pem".into()),
        ..scope(vec!["https://127.0.0.1:1/health".to_owned()])
    });
    let error = probes.health_probes().await.unwrap_err();
    assert!(
        error
            .message
            .starts_with("cannot read health_ca_file /nonexistent/ca.pem:"),
        "{error}"
    );
}
