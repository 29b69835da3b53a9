//! Metric history at the demo's 10-second resolution, and the alarms evaluated over it.

use std::collections::VecDeque;

use crate::model::{AlarmState, MetricKind, MetricSeries, Statistic, Timestamp};

/// Seconds per datapoint (CloudWatch high-resolution metrics go down to 1 s; 10 s keeps the
/// demo lively without flooding the screen).
pub const PERIOD_SECONDS: i64 = 10;
/// One hour of datapoints.
pub const HISTORY_POINTS: usize = 360;

/// How a series folds its per-second samples into one datapoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    Mean,
    Max,
    Sum,
}

/// Static description of one simulated series.
#[derive(Debug, Clone)]
pub struct SeriesSpec {
    pub id: &'static str,
    pub label: &'static str,
    pub kind: MetricKind,
    pub statistic: Statistic,
    pub unit: &'static str,
    pub fold: Fold,
}

/// One series: its spec, the datapoints so far, and the bucket being filled.
#[derive(Debug, Clone)]
pub struct SimSeries {
    pub spec: SeriesSpec,
    points: VecDeque<(i64, f64)>,
    bucket_total: f64,
    bucket_max: f64,
    bucket_samples: u32,
}

impl SimSeries {
    /// An empty series.
    pub fn new(spec: SeriesSpec) -> Self {
        Self {
            spec,
            points: VecDeque::with_capacity(HISTORY_POINTS),
            bucket_total: 0.0,
            bucket_max: f64::MIN,
            bucket_samples: 0,
        }
    }

    /// Adds one per-second sample to the open bucket.
    pub fn sample(&mut self, value: f64) {
        self.bucket_total += value;
        self.bucket_max = self.bucket_max.max(value);
        self.bucket_samples += 1;
    }

    /// Closes the open bucket as the datapoint stamped `at`.
    pub fn close_bucket(&mut self, at: i64) {
        if self.bucket_samples == 0 {
            return;
        }
        let value = match self.spec.fold {
            Fold::Mean => self.bucket_total / f64::from(self.bucket_samples),
            Fold::Max => self.bucket_max,
            Fold::Sum => self.bucket_total,
        };
        if self.points.len() == HISTORY_POINTS {
            self.points.pop_front();
        }
        self.points.push_back((at, value));
        self.bucket_total = 0.0;
        self.bucket_max = f64::MIN;
        self.bucket_samples = 0;
    }

    /// The datapoints closed in `(from, to]` (each is stamped when its bucket closed).
    pub fn points_closed_in(&self, from: i64, to: i64) -> impl Iterator<Item = f64> + '_ {
        self.points
            .iter()
            .filter(move |(at, _)| *at > from && *at <= to)
            .map(|(_, value)| *value)
    }

    /// When the oldest datapoint held closed.
    pub fn oldest(&self) -> Option<i64> {
        self.points.front().map(|(at, _)| *at)
    }

    /// The newest `count` datapoints, oldest first.
    pub fn last_values(&self, count: usize) -> impl Iterator<Item = f64> + '_ {
        self.points
            .iter()
            .skip(self.points.len().saturating_sub(count))
            .map(|(_, value)| *value)
    }

    /// The series as the metrics source reports it.
    pub fn snapshot(&self, to_time: &impl Fn(i64) -> Timestamp) -> MetricSeries {
        MetricSeries {
            id: self.spec.id.to_owned(),
            label: self.spec.label.to_owned(),
            kind: self.spec.kind,
            statistic: self.spec.statistic.clone(),
            unit: self.spec.unit.to_owned(),
            period_seconds: PERIOD_SECONDS as u32,
            timestamps: self.points.iter().map(|(at, _)| to_time(*at)).collect(),
            values: self.points.iter().map(|(_, value)| *value).collect(),
        }
    }
}

/// A CloudWatch-style alarm: `threshold` breached (greater than) for `datapoints` in a row.
#[derive(Debug, Clone)]
pub struct SimAlarm {
    pub name: &'static str,
    /// Id of the series it watches; `None` for an alarm on a metric with no data.
    pub series_id: Option<&'static str>,
    pub threshold: f64,
    pub datapoints: usize,
    pub state: AlarmState,
    pub reason: String,
    pub state_since: i64,
    /// Every state change: (elapsed, from, to, reason), oldest first.
    pub changes: Vec<(i64, AlarmState, AlarmState, String)>,
}

impl SimAlarm {
    /// A new alarm, OK from `since` (INSUFFICIENT_DATA when it watches nothing).
    pub fn new(
        name: &'static str,
        series_id: Option<&'static str>,
        threshold: f64,
        since: i64,
    ) -> Self {
        let state = if series_id.is_some() {
            AlarmState::Ok
        } else {
            AlarmState::InsufficientData
        };
        Self {
            name,
            series_id,
            threshold,
            datapoints: 3,
            state,
            reason: "Unchecked: Initial alarm creation".to_owned(),
            state_since: since,
            changes: Vec::new(),
        }
    }

    /// Re-evaluates against the newest datapoints of `series`.
    pub fn evaluate(&mut self, series: &SimSeries, now: i64) {
        let recent: Vec<f64> = series.last_values(self.datapoints).collect();
        if recent.len() < self.datapoints {
            return;
        }
        let breaching = recent.iter().all(|value| *value > self.threshold);
        let clear = recent.iter().all(|value| *value <= self.threshold);
        let next = if breaching {
            AlarmState::Alarm
        } else if clear {
            AlarmState::Ok
        } else {
            return;
        };
        if next == self.state {
            return;
        }
        let shown: Vec<String> = recent.iter().map(|value| format!("{value:.1}")).collect();
        let relation = if breaching {
            "greater than"
        } else {
            "not greater than"
        };
        self.reason = format!(
            "Threshold Crossed: {} datapoints [{}] were {relation} the threshold ({:.1}).",
            self.datapoints,
            shown.join(", "),
            self.threshold
        );
        self.changes
            .push((now, self.state, next, self.reason.clone()));
        self.state = next;
        self.state_since = now;
    }
}
