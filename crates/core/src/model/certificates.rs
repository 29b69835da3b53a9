//! The certificates the environment's load balancers present and any the config names, as
//! ACM describes them (the runbook's Certificate Renewal): domain, expiry, renewal status,
//! and what uses each.

use super::Timestamp;

/// One certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub arn: String,
    pub domain: String,
    /// `NotAfter`; None for a certificate not issued yet.
    pub not_after: Option<Timestamp>,
    /// `ISSUED`, `PENDING_VALIDATION`, `EXPIRED`, `REVOKED`, `FAILED`, ...
    pub status: String,
    /// `AMAZON_ISSUED`, `IMPORTED` (ACM cannot renew an imported one), `PRIVATE`.
    pub kind: String,
    /// `RenewalSummary.RenewalStatus`: `PENDING_AUTO_RENEWAL`, `PENDING_VALIDATION`,
    /// `SUCCESS`, `FAILED`; None when no renewal has started.
    pub renewal_status: Option<String>,
    /// `InUseBy`: the ARNs of the resources using it.
    pub in_use_by: Vec<String>,
    /// Where opsdeck found it: "listener app/basecoat-portal/…:443", or "config".
    pub found_at: Vec<String>,
}

impl Certificate {
    /// Whole days from `now` to `NotAfter` (negative once expired).
    pub fn days_left(&self, now: Timestamp) -> Option<i64> {
        self.not_after.map(|at| (at - now).num_days())
    }

    /// Whether ACM is failing to renew it, or cannot: an imported certificate is renewed by
    /// hand, and a renewal waiting on validation waits on someone.
    pub fn renewal_needs_someone(&self) -> bool {
        self.kind == "IMPORTED"
            || matches!(
                self.renewal_status.as_deref(),
                Some("PENDING_VALIDATION" | "FAILED")
            )
    }
}
