//! The demo's health URLs: they answer as a site's `/health` does under its load. The
//! portal's turns 503 once the fleet is overloaded enough to fail requests, and stops
//! answering within the probe's timeout when its latency passes it. Both certificates are
//! renewed in time (41 and 52 days left), so a resolved incident passes every check.

use super::load::Load;
use crate::model::{
    HealthProbe, ProbeAnswer, ProbeFailure, ProbeFailureKind, ProbeOutcome, Timestamp, TlsFacts,
};

/// The portal's health URL.
pub const PORTAL_URL: &str = "https://portal.basecoat.example/health";
/// The API's health URL.
pub const API_URL: &str = "https://api.basecoat.example/health";
/// Above this share of 5XX answers the portal's health check reports itself unhealthy.
const UNHEALTHY_5XX_PERCENT: f64 = 5.0;
/// The probe's timeout, as the live default.
const TIMEOUT_MS: f64 = 5000.0;

/// Both URLs' probes under `load` at `now`.
pub fn probes(load: &Load, now: Timestamp) -> Vec<HealthProbe> {
    let days = chrono::Duration::days;
    vec![
        probe(PORTAL_URL, load, 1.0, now + days(41)),
        // The API answers from the same fleet, lighter requests.
        probe(API_URL, load, 0.6, now + days(52)),
    ]
}

fn probe(url: &str, load: &Load, weight: f64, expires: Timestamp) -> HealthProbe {
    let latency_ms = load.average_ms * weight;
    let outcome = if latency_ms > TIMEOUT_MS {
        ProbeOutcome::Failed(ProbeFailure {
            kind: ProbeFailureKind::Timeout,
            message: "timeout after 5s".to_owned(),
        })
    } else {
        let status = if load.error_5xx_percent * weight > UNHEALTHY_5XX_PERCENT {
            503
        } else {
            200
        };
        ProbeOutcome::Answered(ProbeAnswer {
            status,
            latency_ms: latency_ms.round() as u64,
            final_url: None,
            redirect_to: None,
            tls: Some(TlsFacts {
                protocol: "TLS 1.3".to_owned(),
                certificate_expires: expires,
            }),
        })
    };
    HealthProbe {
        url: url.to_owned(),
        outcome,
    }
}
