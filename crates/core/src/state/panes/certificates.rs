//! The certificate lines of the Targets pane: the soonest expiry at a glance, every
//! certificate when zoomed, toned by the `certificate_expiry` check's limits.

use super::super::table::Tone;
use super::health::certificate_tone;
use crate::config::Thresholds;
use crate::model::{Certificate, Timestamp};

/// The one-line verdict: `certs ✓ 2 · soonest 41 d portal.basecoat.example`.
pub fn summary(
    certificates: &[Certificate],
    now: Timestamp,
    thresholds: &Thresholds,
) -> (Tone, String) {
    let not_issued = certificates
        .iter()
        .filter(|c| c.days_left(now).is_none() || !matches!(c.status.as_str(), "ISSUED"))
        .count();
    let soonest = certificates
        .iter()
        .filter_map(|c| c.days_left(now).map(|days| (days, c)))
        .min_by_key(|(days, _)| *days);
    let Some((days, certificate)) = soonest else {
        return if certificates.is_empty() {
            (Tone::Muted, "certs: none in use".to_owned())
        } else {
            (Tone::Crit, format!("certs ✗ {not_issued} not issued"))
        };
    };
    let mut tone = certificate_tone(days, thresholds);
    if not_issued > 0 {
        tone = Tone::Crit;
    }
    let symbol = if tone == Tone::Ok { "✓" } else { "!" };
    let mut text = format!(
        "certs {symbol} {} · soonest {days} d {}",
        certificates.len(),
        certificate.domain
    );
    if not_issued > 0 {
        text.push_str(&format!(" · {not_issued} not issued"));
    }
    (tone, text)
}

/// One certificate: `✓ portal.basecoat.example 41 d · ISSUED · AMAZON_ISSUED · listener
/// basecoat-portal:443`, with its renewal when it needs someone.
pub fn line(certificate: &Certificate, now: Timestamp, thresholds: &Thresholds) -> (Tone, String) {
    let days = certificate.days_left(now);
    let tone = match days {
        Some(days) if certificate.status == "ISSUED" => certificate_tone(days, thresholds),
        _ => Tone::Crit,
    };
    let symbol = if tone == Tone::Ok { "✓" } else { "!" };
    let left = days.map_or_else(|| "no expiry".to_owned(), |d| format!("{d} d"));
    let mut text = format!(
        "{symbol} {} {left} · {} · {}",
        certificate.domain, certificate.status, certificate.kind
    );
    if certificate.renewal_needs_someone() {
        let renewal = certificate.renewal_status.as_deref().map_or_else(
            || "renewed by hand (imported)".to_owned(),
            |status| format!("renewal {status}"),
        );
        text.push_str(&format!(" · {renewal}"));
    }
    if !certificate.found_at.is_empty() {
        text.push_str(&format!(" · {}", certificate.found_at.join(", ")));
    }
    (tone, text)
}
