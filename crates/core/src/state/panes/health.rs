//! The health URLs' lines at the top of the Targets pane, and the triage row's verdict: what
//! each probe says, in words, and how worrying it is.

use super::super::table::Tone;
use crate::config::Thresholds;
use crate::model::{HealthProbe, ProbeOutcome, Timestamp};

/// One probe as a line's parts: its tone, its verdict ("✓ 200", "✗ timeout") and the details
/// ("84 ms · TLS 1.3 · cert 41 d", or the failure in words).
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeLine {
    pub tone: Tone,
    pub verdict: String,
    /// The URL without its scheme (the TLS details say whether it was https): panes are
    /// narrow.
    pub url: String,
    pub details: String,
    /// The certificate's days left, toned on its own: a healthy site with a certificate
    /// expiring in 5 days is still an emergency.
    pub certificate: Option<(Tone, String)>,
}

/// The line of `probe` at `now`, its certificate toned by the `certificate_expiry` check's
/// limits.
pub fn probe_line(probe: &HealthProbe, now: Timestamp, thresholds: &Thresholds) -> ProbeLine {
    let healthy = probe.is_healthy();
    let symbol = if healthy { "✓" } else { "✗" };
    let (details, certificate) = match &probe.outcome {
        ProbeOutcome::Answered(answer) => {
            let mut details = format!("{} ms", answer.latency_ms);
            if let Some(tls) = &answer.tls {
                details.push_str(&format!(" · {}", tls.protocol));
            }
            if let Some(location) = &answer.redirect_to {
                details.push_str(&format!(" · redirect to {location} not followed"));
            }
            if let Some(url) = &answer.final_url {
                details.push_str(&format!(" · via {url}"));
            }
            let certificate = answer.tls.as_ref().map(|tls| {
                let days = tls.days_left(now);
                (certificate_tone(days, thresholds), format!("cert {days} d"))
            });
            (details, certificate)
        }
        ProbeOutcome::Failed(failure) => (failure.message.clone(), None),
    };
    ProbeLine {
        tone: if healthy { Tone::Ok } else { Tone::Crit },
        verdict: format!("{symbol} {}", probe.verdict()),
        url: without_scheme(&probe.url).to_owned(),
        details,
        certificate,
    }
}

fn without_scheme(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

/// The tone of a certificate `days` from expiry.
pub fn certificate_tone(days: i64, thresholds: &Thresholds) -> Tone {
    if days < i64::from(thresholds.certificate_fail_days) {
        Tone::Crit
    } else if days < i64::from(thresholds.certificate_warn_days) {
        Tone::Warn
    } else {
        Tone::Ok
    }
}

/// The triage row's word on the health URLs: "200" when all answer 2xx, else the first bad
/// verdict and how many are bad ("503 (1/2)").
pub fn summary(probes: &[HealthProbe]) -> (Tone, String) {
    let bad: Vec<&HealthProbe> = probes.iter().filter(|probe| !probe.is_healthy()).collect();
    match bad.first() {
        None => (Tone::Ok, format!("✓ {}/{} 2xx", probes.len(), probes.len())),
        Some(first) => (
            Tone::Crit,
            format!("✗ {} ({}/{} bad)", first.verdict(), bad.len(), probes.len()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ProbeAnswer, ProbeFailure, ProbeFailureKind, TlsFacts};

    fn now() -> Timestamp {
        chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn answered(status: u16, days_left: i64) -> HealthProbe {
        HealthProbe {
            url: "https://portal.example/health".to_owned(),
            outcome: ProbeOutcome::Answered(ProbeAnswer {
                status,
                latency_ms: 84,
                final_url: None,
                redirect_to: None,
                tls: Some(TlsFacts {
                    protocol: "TLS 1.3".to_owned(),
                    certificate_expires: now() + chrono::Duration::days(days_left),
                }),
            }),
        }
    }

    #[test]
    fn a_healthy_answer_reads_its_latency_protocol_and_certificate_days() {
        let line = probe_line(&answered(200, 41), now(), &Thresholds::default());
        assert_eq!(line.tone, Tone::Ok);
        assert_eq!(line.verdict, "✓ 200");
        assert_eq!(line.url, "portal.example/health");
        assert_eq!(line.details, "84 ms · TLS 1.3");
        assert_eq!(line.certificate, Some((Tone::Ok, "cert 41 d".to_owned())));
    }

    #[test]
    fn a_certificate_close_to_expiry_is_toned_apart_from_a_healthy_answer() {
        let line = probe_line(&answered(200, 5), now(), &Thresholds::default());
        assert_eq!(line.tone, Tone::Ok);
        assert_eq!(line.certificate, Some((Tone::Crit, "cert 5 d".to_owned())));
        let limits = Thresholds::default();
        assert_eq!(certificate_tone(29, &limits), Tone::Warn);
        assert_eq!(certificate_tone(30, &limits), Tone::Ok);
        assert_eq!(certificate_tone(6, &limits), Tone::Crit);
        assert_eq!(certificate_tone(7, &limits), Tone::Warn);
    }

    #[test]
    fn failures_and_bad_statuses_are_critical_and_counted_in_the_summary() {
        let timeout = HealthProbe {
            url: "https://api.example/health".to_owned(),
            outcome: ProbeOutcome::Failed(ProbeFailure {
                kind: ProbeFailureKind::Timeout,
                message: "timeout after 5s".to_owned(),
            }),
        };
        let line = probe_line(&timeout, now(), &Thresholds::default());
        assert_eq!(
            (line.tone, line.verdict.as_str()),
            (Tone::Crit, "✗ timeout")
        );
        assert_eq!(line.details, "timeout after 5s");
        assert_eq!(
            summary(&[answered(200, 41), timeout.clone()]),
            (Tone::Crit, "✗ timeout (1/2 bad)".to_owned())
        );
        assert_eq!(
            summary(&[answered(503, 41), timeout]),
            (Tone::Crit, "✗ 503 (2/2 bad)".to_owned())
        );
        assert_eq!(
            summary(&[answered(204, 41)]),
            (Tone::Ok, "✓ 1/1 2xx".to_owned())
        );
    }
}
