//! The demo estate: several simulated customers, so the estate screen can be tried and
//! tested without an account. One is mid-incident (the scripted incident under way), one has
//! a source that hangs (its Alarms API never answers, so its reads go stale and unknown at
//! the poll deadline), one is read-only; the rest have a calm day.

use std::sync::Arc;

use super::Simulator;
use crate::clock::Clock;
use crate::model::Alarm;
use crate::source::{AlarmSource, SourceFuture, Sources};

/// One simulated customer environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoCustomer {
    pub name: &'static str,
    pub region: &'static str,
    pub seed: u64,
    /// The scripted incident is under way: its estate opened this long ago (it starts at 60 s).
    pub incident_elapsed: Option<u32>,
    /// Its Alarms API hangs.
    pub hung_alarms: bool,
    pub read_only: bool,
}

/// The demo estate's customers, in config order.
pub const DEMO_CUSTOMERS: [DemoCustomer; 5] = [
    DemoCustomer {
        name: "acme-prod",
        region: "us-east-1",
        seed: 1,
        incident_elapsed: Some(300),
        hung_alarms: false,
        read_only: false,
    },
    DemoCustomer {
        name: "globex-prod",
        region: "eu-west-1",
        seed: 2,
        incident_elapsed: None,
        hung_alarms: true,
        read_only: false,
    },
    DemoCustomer {
        name: "initech-prod",
        region: "eu-central-1",
        seed: 3,
        incident_elapsed: None,
        hung_alarms: false,
        read_only: true,
    },
    DemoCustomer {
        name: "umbrella-prod",
        region: "us-west-2",
        seed: 4,
        incident_elapsed: None,
        hung_alarms: false,
        read_only: false,
    },
    DemoCustomer {
        name: "umbrella-staging",
        region: "us-west-2",
        seed: 5,
        incident_elapsed: None,
        hung_alarms: false,
        read_only: false,
    },
];

impl DemoCustomer {
    /// The customer's simulator (shared by its estate row and its dashboard) and sources.
    pub fn start(&self, clock: Clock) -> (Arc<Simulator>, Sources) {
        let simulator = Simulator::customer(
            self.seed,
            clock,
            self.incident_elapsed.unwrap_or(0),
            self.incident_elapsed.is_some(),
        );
        let mut sources = simulator.sources();
        if self.hung_alarms {
            sources.alarms = Arc::new(HungAlarms);
        }
        (simulator, sources)
    }

    /// The customer named `name`.
    pub fn named(name: &str) -> Option<&'static DemoCustomer> {
        DEMO_CUSTOMERS.iter().find(|customer| customer.name == name)
    }
}

/// An Alarms API that never answers: the poller's deadline, not this, ends each read.
struct HungAlarms;

impl AlarmSource for HungAlarms {
    fn alarms(&self) -> SourceFuture<'_, Vec<Alarm>> {
        Box::pin(std::future::pending())
    }

    fn alarm_history(
        &self,
        _since: crate::model::Timestamp,
    ) -> SourceFuture<'_, Vec<crate::model::AlarmStateChange>> {
        Box::pin(std::future::pending())
    }
}
