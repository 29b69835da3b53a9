//! Performance Insights' view of an RDS instance: its load (average active sessions) by wait
//! event and by SQL statement over the last hour, the runbook's "Performance Insights" step.
//!
//! The load is PI's `db.load.avg`: "a scaled representation of the number of active sessions
//! for the database engine" ("MetricQuery", Performance Insights API Reference), averaged over
//! the window, so the shares of one grouping add up to the instance's load.

use super::Timestamp;

/// How far back a reading looks, and how often it may be read again: PI keeps per-second
/// data, but an hour's averages move little within a minute, and each call is billed past
/// the free tier.
pub const INSIGHTS_WINDOW_SECONDS: i64 = 3600;
pub const INSIGHTS_MIN_INTERVAL_SECONDS: i64 = 60;
/// Keys asked per grouping (`GroupBy.Limit`, "the maximum number of items to fetch for this
/// dimension group", DimensionGroup, Performance Insights API Reference): the console's top
/// SQL shows ten too.
pub const INSIGHTS_TOP: i32 = 10;

/// One reading of an instance's load.
#[derive(Debug, Clone, PartialEq)]
pub struct InsightsReading {
    /// The DB instance identifier the load is of.
    pub instance: String,
    /// The window PI answered for, aligned to its period boundaries (`AlignedStartTime`,
    /// `AlignedEndTime`); None where PI did not say.
    pub window: Option<(Timestamp, Timestamp)>,
    /// Load by wait event (`db.wait_event`), heaviest first.
    pub waits: Vec<LoadShare>,
    /// Load by normalized statement (`db.sql_tokenized`), heaviest first.
    pub statements: Vec<LoadShare>,
    /// When the reading arrived.
    pub read_at: Timestamp,
}

/// One dimension key's share of the load.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadShare {
    /// For a wait, its type (`CPU`, `IO`, `Lock`, ...); for a statement, its digest id.
    pub group: String,
    /// The wait event's name, or the statement's text (PI returns at most its first 500
    /// bytes: "Each response element returns a maximum of 500 bytes", DescribeDimensionKeys).
    pub name: String,
    /// Average active sessions over the window.
    pub load: f64,
}

impl InsightsReading {
    /// The instance's load over the window: the waits' shares add up to it (every active
    /// session is in exactly one wait state, "CPU" included), as far as the top keys reach.
    pub fn total_load(&self) -> f64 {
        self.waits.iter().map(|share| share.load).sum()
    }

    /// `share`'s part of the total, in percent; None when the instance had no load.
    pub fn percent_of_total(&self, share: &LoadShare) -> Option<f64> {
        let total = self.total_load();
        (total > 0.0).then(|| share.load / total * 100.0)
    }
}

/// The Performance Insights reading last asked for: None until the first answer; the error
/// message in words when it failed (PI off, no permission, no RDS instance configured).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Insights {
    pub latest: Option<Result<InsightsReading, String>>,
}

impl Insights {
    /// True when a reading newer than the minimum interval is held, so none is asked.
    pub fn fresh_at(&self, now: Timestamp) -> bool {
        matches!(&self.latest, Some(Ok(reading))
            if (now - reading.read_at).num_seconds() < INSIGHTS_MIN_INTERVAL_SECONDS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> Timestamp {
        chrono::Utc
            .timestamp_opt(1_764_500_000 + seconds, 0)
            .unwrap()
    }

    fn share(group: &str, load: f64) -> LoadShare {
        LoadShare {
            group: group.to_owned(),
            name: group.to_owned(),
            load,
        }
    }

    fn reading(waits: Vec<LoadShare>) -> InsightsReading {
        InsightsReading {
            instance: "portal-db".to_owned(),
            window: None,
            waits,
            statements: Vec::new(),
            read_at: at(0),
        }
    }

    #[test]
    fn a_share_is_its_part_of_the_waits_total() {
        let reading = reading(vec![share("CPU", 1.5), share("IO", 0.5)]);
        assert_eq!(reading.total_load(), 2.0);
        assert_eq!(reading.percent_of_total(&share("x", 0.5)), Some(25.0));
    }

    #[test]
    fn an_idle_instance_has_no_percentages() {
        assert_eq!(reading(vec![]).percent_of_total(&share("x", 0.0)), None);
    }

    #[test]
    fn a_reading_is_fresh_for_a_minute_and_an_error_never() {
        let mut insights = Insights {
            latest: Some(Ok(reading(vec![]))),
        };
        assert!(insights.fresh_at(at(59)));
        assert!(!insights.fresh_at(at(60)));
        insights.latest = Some(Err("Performance Insights is off".to_owned()));
        assert!(!insights.fresh_at(at(1)));
    }
}
