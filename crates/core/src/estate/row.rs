//! One environment's row of the estate table.

use crate::check::report::EnvironmentOutcome;
use crate::check::{CheckResult, Status, overall};
use crate::incident::Severity;
use crate::model::Timestamp;

/// One environment as the estate sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct EstateEnvironment {
    pub name: String,
    pub region: String,
    /// The account read (GetCallerIdentity), once it answered.
    pub account: Option<String>,
    pub read_only: bool,
    /// Its open incident, from the incident store.
    pub incident: Option<OpenIncident>,
    /// The latest reading of its checks.
    pub reading: Option<Reading>,
    /// A reading is under way, since then.
    pub reading_since: Option<Timestamp>,
}

/// An environment's open incident: its severity, title and when it was declared (its clock).
#[derive(Debug, Clone, PartialEq)]
pub struct OpenIncident {
    pub severity: Severity,
    pub title: String,
    pub declared_at: Timestamp,
}

/// One light reading of an environment: its health checks, or why they could not be made.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub at: Timestamp,
    pub outcome: EnvironmentOutcome,
    /// Alarms in ALARM among those the environment watches.
    pub alarms_firing: usize,
    /// API calls the reading made, retries included (None: not counted, the simulator's).
    pub calls: Option<u32>,
    /// What the reading cost in dollars (GetMetricData's metrics, Logs Insights' bytes).
    pub dollars: Option<f64>,
}

impl EstateEnvironment {
    /// A row with nothing read yet.
    pub fn new(name: &str, region: &str, read_only: bool) -> Self {
        Self {
            name: name.to_owned(),
            region: region.to_owned(),
            account: None,
            read_only,
            incident: None,
            reading: None,
            reading_since: None,
        }
    }

    /// The customer and the environment of `{customer}-{environment}`, the runbook's naming
    /// of its dashboards (`acme-prod` is acme's prod); a name without a dash is a customer's.
    pub fn customer_and_environment(&self) -> (&str, &str) {
        self.name.rsplit_once('-').unwrap_or((&self.name, ""))
    }

    /// The environment's overall status: unknown until read, and when it could not be.
    pub fn status(&self) -> Status {
        match self.reading.as_ref().map(|r| &r.outcome) {
            Some(Ok(results)) => overall(results),
            _ => Status::Unknown,
        }
    }

    /// The checks' counts: pass, warn, fail, unknown.
    pub fn counts(&self) -> Option<[usize; 4]> {
        let results = self.results()?;
        let count = |status| results.iter().filter(|r| r.status == status).count();
        Some([
            count(Status::Pass),
            count(Status::Warn),
            count(Status::Fail),
            count(Status::Unknown),
        ])
    }

    /// The worst check, when one is not passing: of equals, the first in the catalogue's
    /// order (capacity and targets before logs).
    pub fn worst_check(&self) -> Option<&CheckResult> {
        let results = self.results()?;
        let worst = results.iter().map(|r| r.status).max()?;
        (worst > Status::Pass)
            .then(|| results.iter().find(|r| r.status == worst))
            .flatten()
    }

    /// Why the environment could not be read, in its row.
    pub fn error(&self) -> Option<&str> {
        self.reading
            .as_ref()?
            .outcome
            .as_ref()
            .err()
            .map(String::as_str)
    }

    /// Seconds since the latest reading.
    pub fn age_seconds(&self, now: Timestamp) -> Option<i64> {
        self.reading
            .as_ref()
            .map(|r| crate::format::seconds_between(r.at, now))
    }

    /// Calls a minute at one read per `interval_seconds`, from the latest read's count.
    pub fn calls_per_minute(&self, interval_seconds: u64) -> Option<f64> {
        let calls = self.reading.as_ref()?.calls?;
        Some(f64::from(calls) * 60.0 / interval_seconds.max(1) as f64)
    }

    /// Dollars an hour at one read per `interval_seconds`, from the latest read's cost.
    pub fn dollars_per_hour(&self, interval_seconds: u64) -> Option<f64> {
        let dollars = self.reading.as_ref()?.dollars?;
        Some(dollars * 3600.0 / interval_seconds.max(1) as f64)
    }

    fn results(&self) -> Option<&[CheckResult]> {
        self.reading
            .as_ref()?
            .outcome
            .as_ref()
            .ok()
            .map(Vec::as_slice)
    }

    /// Whether the lower-cased `needle` is in its name, Region or account.
    pub fn matches(&self, needle: &str) -> bool {
        [
            Some(self.name.as_str()),
            Some(self.region.as_str()),
            self.account.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(needle))
    }
}
