//! The few numbers a war room watches, read from the snapshot, with their trend over the last
//! minutes.

use std::collections::{BTreeMap, VecDeque};

use crate::check::{CheckResult, Status};
use crate::config::{Level, Thresholds};
use crate::model::Snapshot;
use crate::model::SourceKind;
use crate::model::{AlarmState, MetricKind, Timestamp};

/// How far back a trend looks.
pub const TREND_WINDOW_SECONDS: i64 = 300;

/// One big number of the war room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vital {
    ErrorRate5xx,
    LatencyP99,
    HealthyTargets,
    InService,
    ActiveAlarms,
    DbConnections,
    FailingChecks,
}

impl Vital {
    pub const ALL: [Self; 7] = [
        Self::ErrorRate5xx,
        Self::LatencyP99,
        Self::HealthyTargets,
        Self::InService,
        Self::ActiveAlarms,
        Self::DbConnections,
        Self::FailingChecks,
    ];

    /// The tile's caption.
    pub fn caption(self) -> &'static str {
        match self {
            Self::ErrorRate5xx => "5XX rate %",
            Self::LatencyP99 => "p99 ms",
            Self::HealthyTargets => "healthy targets",
            Self::InService => "InService",
            Self::ActiveAlarms => "alarms firing",
            Self::DbConnections => "DB connections",
            Self::FailingChecks => "checks failing",
        }
    }

    /// The source the vital is read from (None: it is the checks' own count).
    pub fn source(self) -> Option<SourceKind> {
        match self {
            Self::ErrorRate5xx | Self::LatencyP99 => Some(SourceKind::Metrics),
            Self::HealthyTargets => Some(SourceKind::Targets),
            Self::InService => Some(SourceKind::AutoScaling),
            Self::ActiveAlarms => Some(SourceKind::Alarms),
            Self::DbConnections => Some(SourceKind::Database),
            Self::FailingChecks => None,
        }
    }

    /// The smallest change that counts as a trend: below it, a move is noise.
    fn trend_floor(self) -> f64 {
        match self {
            Self::ErrorRate5xx => 0.1,
            Self::LatencyP99 => 20.0,
            _ => 0.5,
        }
    }

    /// Whether a rising number is good news (healthy targets, instances in service).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Self::HealthyTargets | Self::InService)
    }
}

/// A vital as read now.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// What the tile prints: "2.41", "12/12".
    pub text: String,
    /// The number the trend compares (the k of k/N).
    pub value: f64,
    pub level: Level,
}

/// Which way a vital went over the trend window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Rising,
    Falling,
    Steady,
}

impl Trend {
    pub fn arrow(self) -> &'static str {
        match self {
            Self::Rising => "↑",
            Self::Falling => "↓",
            Self::Steady => "→",
        }
    }
}

/// Reads `vital` from the snapshot; None when its source has no data.
fn read(
    vital: Vital,
    snapshot: &Snapshot,
    checks: &[CheckResult],
    thresholds: &Thresholds,
) -> Option<Reading> {
    match vital {
        Vital::ErrorRate5xx => metric(snapshot, MetricKind::ErrorRate5xx).map(|value| Reading {
            text: format!("{value:.2}"),
            value,
            level: thresholds.error_rate_5xx_percent.level(value),
        }),
        Vital::LatencyP99 => metric(snapshot, MetricKind::ResponseTimeP99).map(|value| Reading {
            text: format!("{value:.0}"),
            value,
            level: thresholds.latency_p99_ms.level(value),
        }),
        Vital::HealthyTargets => {
            if snapshot.targets.is_empty() {
                return None;
            }
            let (healthy, total) = crate::model::healthy_of(&snapshot.targets);
            Some(fraction(healthy, total))
        }
        Vital::InService => {
            if snapshot.auto_scaling.is_empty() {
                return None;
            }
            let in_service = snapshot
                .auto_scaling
                .iter()
                .map(|g| g.in_service_count())
                .sum();
            let desired = snapshot
                .auto_scaling
                .iter()
                .map(|g| g.desired_capacity as usize)
                .sum();
            Some(fraction(in_service, desired))
        }
        Vital::ActiveAlarms => {
            let firing = snapshot
                .alarms
                .iter()
                .filter(|alarm| alarm.state == AlarmState::Alarm)
                .count();
            Some(count(firing))
        }
        Vital::DbConnections => {
            // No reading until the database has answered once.
            snapshot.database.observed_at?;
            let total = snapshot.database.totals.total();
            Some(Reading {
                text: total.to_string(),
                value: f64::from(total),
                level: thresholds.db_connections.level(f64::from(total)),
            })
        }
        Vital::FailingChecks => {
            if checks.is_empty() {
                return None;
            }
            let failing = checks.iter().filter(|c| c.status == Status::Fail).count();
            Some(count(failing))
        }
    }
}

/// The worst newest value of the series of `kind` (the check's rule: any group over the
/// limit is over).
fn metric(snapshot: &Snapshot, kind: MetricKind) -> Option<f64> {
    snapshot
        .metrics
        .iter()
        .filter(|series| series.kind == kind)
        .filter_map(|series| series.latest())
        .max_by(f64::total_cmp)
}

/// "k/N": all is fine, fewer than all warns, half or fewer is critical.
fn fraction(part: usize, whole: usize) -> Reading {
    let level = if part >= whole {
        Level::Ok
    } else if part * 2 > whole {
        Level::Warn
    } else {
        Level::Crit
    };
    Reading {
        text: format!("{part}/{whole}"),
        value: part as f64,
        level,
    }
}

/// A count where anything but zero is bad news.
fn count(number: usize) -> Reading {
    Reading {
        text: number.to_string(),
        value: number as f64,
        level: if number == 0 { Level::Ok } else { Level::Crit },
    }
}

/// Readings over the trend window, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    samples: VecDeque<(Timestamp, [Option<f64>; 7])>,
}

impl History {
    /// Records the readings of `at`, forgetting what fell out of the window.
    pub fn record(&mut self, at: Timestamp, values: [Option<f64>; 7]) {
        self.samples.push_back((at, values));
        while self
            .samples
            .front()
            .is_some_and(|(first, _)| (at - *first).num_seconds() > TREND_WINDOW_SECONDS)
        {
            self.samples.pop_front();
        }
    }

    /// How `vital` moved from the oldest reading in the window to `now_value`; steady within
    /// 5 % or the vital's floor (noise is not a trend).
    pub fn trend(&self, vital: Vital, now_value: f64) -> Trend {
        let index = Vital::ALL.iter().position(|v| *v == vital).unwrap_or(0);
        let Some(then) = self.samples.iter().find_map(|(_, values)| values[index]) else {
            return Trend::Steady;
        };
        let tolerance = (then.abs() * 0.05).max(vital.trend_floor());
        if now_value > then + tolerance {
            Trend::Rising
        } else if now_value < then - tolerance {
            Trend::Falling
        } else {
            Trend::Steady
        }
    }
}

/// Every vital at once; none from a source in `unread` (failed, or its data too old): a war
/// room must not watch a number that stopped moving because its source did.
pub fn read_all(
    snapshot: &Snapshot,
    unread: &BTreeMap<SourceKind, String>,
    checks: &[CheckResult],
    thresholds: &Thresholds,
) -> [Option<Reading>; 7] {
    Vital::ALL.map(|vital| {
        let unreadable = vital
            .source()
            .is_some_and(|source| unread.contains_key(&source));
        if unreadable {
            None
        } else {
            read(vital, snapshot, checks, thresholds)
        }
    })
}

/// One line for messages: "5XX 0.40 %, p99 820 ms, healthy 12/12, ...".
pub fn summary_line(readings: &[Option<Reading>; 7]) -> String {
    Vital::ALL
        .iter()
        .zip(readings)
        .map(|(vital, reading)| {
            let text = reading.as_ref().map_or("n/a", |r| r.text.as_str());
            format!("{} {text}", vital.caption())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
