//! Time ranges of the Metrics pane, the windows GetMetricData is asked for, and the series
//! held for a range: fetched once, then extended by the periods closed since.
//!
//! The rules come from GetMetricData (Amazon CloudWatch API Reference):
//! - `StartTime`: "If the StartTime parameter specifies a time stamp that is greater than
//!   3 hours ago, you must specify the period as follows or no data points in that time range
//!   is returned: Start time between 3 hours and 15 days ago - Use a multiple of 60 seconds
//!   (1 minute). Start time between 15 and 63 days ago - Use a multiple of 300 seconds
//!   (5 minutes). Start time greater than 63 days ago - Use a multiple of 3600 seconds
//!   (1 hour)."
//! - `EndTime` is exclusive; times aligned with the period answer faster.
//! - `MaxDatapoints`: one call returns at most 100,800 datapoints before paginating.

use super::{MetricSeries, Timestamp};

/// How far back the Metrics pane and the zoomed chart look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum TimeRange {
    /// The live window every poll fetches.
    #[default]
    Hour,
    ThreeHours,
    TwelveHours,
    Day,
    Week,
}

impl TimeRange {
    /// Shortest first.
    pub const ALL: [TimeRange; 5] = [
        Self::Hour,
        Self::ThreeHours,
        Self::TwelveHours,
        Self::Day,
        Self::Week,
    ];

    pub fn seconds(self) -> i64 {
        match self {
            Self::Hour => 3600,
            Self::ThreeHours => 3 * 3600,
            Self::TwelveHours => 12 * 3600,
            Self::Day => 24 * 3600,
            Self::Week => 7 * 24 * 3600,
        }
    }

    /// `1h`, `3h`, `12h`, `24h`, `7d`: in titles and on the command line.
    pub fn label(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::ThreeHours => "3h",
            Self::TwelveHours => "12h",
            Self::Day => "24h",
            Self::Week => "7d",
        }
    }

    /// The next longer range (the longest stays).
    pub fn longer(self) -> Self {
        let index = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(index + 1).min(Self::ALL.len() - 1)]
    }

    /// The next shorter range (the shortest stays).
    pub fn shorter(self) -> Self {
        let index = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[index.saturating_sub(1)]
    }
}

/// One week: what week-over-week compares with.
pub const WEEK_SECONDS: i64 = 7 * 24 * 3600;

/// The most datapoints a series of a range holds: 7 days of 1-minute periods. Twenty series
/// of it are two pages of GetMetricData's 100,800 datapoints.
pub const MAX_POINTS_PER_SERIES: i64 = 10_080;

/// The shortest period CloudWatch still answers for data starting `age_seconds` ago
/// (GetMetricData, `StartTime`): 1-minute data is kept 15 days, 5-minute data 63 days,
/// hourly data 455 days. Sub-minute (high-resolution) data is kept 3 hours, but opsdeck's
/// periods start at a minute.
pub fn retention_period(age_seconds: i64) -> u32 {
    const DAY: i64 = 24 * 3600;
    if age_seconds <= 15 * DAY {
        60
    } else if age_seconds <= 63 * DAY {
        300
    } else {
        3600
    }
}

/// The period a range is fetched at: at least `configured` (a metric's own period), a
/// multiple of what retention allows for the oldest start asked for (a week earlier with
/// week-over-week), and coarse enough that a series stays within
/// [`MAX_POINTS_PER_SERIES`].
pub fn range_period(range: TimeRange, configured: u32, week_over_week: bool) -> u32 {
    let oldest = range.seconds() + if week_over_week { WEEK_SECONDS } else { 0 };
    window_period(range.seconds(), oldest, configured)
}

/// The period of a window `span_seconds` long whose start lies `oldest_seconds` ago (a
/// range, or the capacity review's days): as [`range_period`] chooses it.
pub fn window_period(span_seconds: i64, oldest_seconds: i64, configured: u32) -> u32 {
    let retention = i64::from(retention_period(oldest_seconds));
    let for_points = (span_seconds + MAX_POINTS_PER_SERIES - 1) / MAX_POINTS_PER_SERIES;
    let wanted = i64::from(configured).max(for_points).max(retention);
    // Round up to a multiple of the retention step.
    let period = (wanted + retention - 1) / retention * retention;
    u32::try_from(period).unwrap_or(3600)
}

/// The bounds of the closed periods within the last `window_seconds` before `now`: start and
/// end on a multiple of `period` (UTC), end exclusive.
///
/// GetMetricData (Amazon CloudWatch API Reference): `EndTime` is exclusive, and times that
/// "align with the value of the metric's Period" answer faster. Ending on the boundary leaves
/// out the period still open, whose sum covers only part of it (a request count read at
/// 10:03:20 for the 10:03 minute holds 20 s): compared with a threshold it reads as a drop,
/// and a rate from two such partial counts as noise. Starting on a boundary puts every
/// datapoint on the clock's periods, as alarms evaluate them.
pub fn closed_periods(now: Timestamp, window_seconds: i64, period: i64) -> (Timestamp, Timestamp) {
    let period = period.max(1);
    let end = now.timestamp() - now.timestamp().rem_euclid(period);
    let periods = (window_seconds.max(period) + period - 1) / period;
    let at = |seconds: i64| chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    (at(end - periods * period), at(end))
}

/// What one GetMetricData call is asked for: `[start, end)` at `period_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricWindow {
    pub start: Timestamp,
    pub end: Timestamp,
    pub period_seconds: u32,
}

impl MetricWindow {
    /// The same window `seconds` earlier.
    pub fn earlier(self, seconds: i64) -> Self {
        let shift = chrono::Duration::seconds(seconds);
        Self {
            start: self.start - shift,
            end: self.end - shift,
            period_seconds: self.period_seconds,
        }
    }
}

/// Which of a range's two series an answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Which {
    /// The range itself, ending now.
    ThisWeek,
    /// The same window a week earlier, for week-over-week.
    LastWeek,
}

/// The series held for a range longer than the live hour, or for week-over-week: the first
/// fetch covers the whole range, and each later one only the periods closed since.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RangeHistory {
    pub range: TimeRange,
    pub week_over_week: bool,
    pub period_seconds: u32,
    /// The range ending at `through`.
    pub this_week: Vec<MetricSeries>,
    /// The same window a week earlier, its timestamps moved a week on so both share the
    /// chart's axis.
    pub last_week: Vec<MetricSeries>,
    /// Where each series' held data ends (exclusive); None before its first answer.
    pub through: [Option<Timestamp>; 2],
    /// A fetch asked for and not answered, per series: never two at once.
    pub asked: [Option<MetricWindow>; 2],
}

impl RangeHistory {
    /// A fresh history for `range`: nothing held.
    pub fn new(range: TimeRange, week_over_week: bool) -> Self {
        Self {
            range,
            week_over_week,
            period_seconds: range_period(range, 60, week_over_week),
            ..Self::default()
        }
    }

    /// True when the live poll's hour is all the pane needs.
    pub fn is_live_only(&self) -> bool {
        self.range == TimeRange::Hour && !self.week_over_week
    }

    fn slot(which: Which) -> usize {
        match which {
            Which::ThisWeek => 0,
            Which::LastWeek => 1,
        }
    }

    /// The windows to fetch at `now`: the whole range for a series not held yet, else the
    /// periods closed since it was last extended; nothing while a fetch is out or no
    /// period has closed. Last week's window is this week's moved a week back.
    pub fn due(&self, now: Timestamp) -> Vec<(Which, MetricWindow)> {
        let period = i64::from(self.period_seconds);
        let (start, end) = closed_periods(now, self.range.seconds(), period);
        let mut wanted = vec![Which::ThisWeek];
        if self.week_over_week {
            wanted.push(Which::LastWeek);
        }
        if self.range == TimeRange::Hour {
            // The live poll already holds this week's hour.
            wanted.retain(|which| *which == Which::LastWeek);
        }
        wanted
            .into_iter()
            .filter(|which| self.asked[Self::slot(*which)].is_none())
            .filter_map(|which| {
                let from = match self.through[Self::slot(which)] {
                    Some(through) if through >= end => return None,
                    Some(through) if through > start => through,
                    _ => start,
                };
                let window = MetricWindow {
                    start: from,
                    end,
                    period_seconds: self.period_seconds,
                };
                Some(match which {
                    Which::ThisWeek => (which, window),
                    Which::LastWeek => (which, window.earlier(WEEK_SECONDS)),
                })
            })
            .collect()
    }

    /// Notes a fetch as asked.
    pub fn ask(&mut self, which: Which, window: MetricWindow) {
        self.asked[Self::slot(which)] = Some(window);
    }

    /// Takes an answer for `window`: appends its points after those held, drops what fell
    /// out of the range, and notes how far the series now reach. An answer for a window
    /// not asked (the range changed meanwhile) is ignored; a failed one frees the slot so
    /// the next poll asks again.
    pub fn store(
        &mut self,
        which: Which,
        window: MetricWindow,
        answer: Result<Vec<MetricSeries>, ()>,
    ) -> bool {
        let slot = Self::slot(which);
        if self.asked[slot] != Some(window) {
            return false;
        }
        self.asked[slot] = None;
        let Ok(fetched) = answer else {
            return false;
        };
        let shift = match which {
            Which::ThisWeek => chrono::Duration::zero(),
            Which::LastWeek => chrono::Duration::seconds(WEEK_SECONDS),
        };
        let end = window.end + shift;
        let start = end - chrono::Duration::seconds(self.range.seconds());
        let held = match which {
            Which::ThisWeek => &mut self.this_week,
            Which::LastWeek => &mut self.last_week,
        };
        for mut series in fetched {
            for at in &mut series.timestamps {
                *at += shift;
            }
            match held.iter_mut().find(|known| known.id == series.id) {
                Some(known) => append(known, series),
                None => held.push(series),
            }
        }
        for series in held.iter_mut() {
            keep_from(series, start);
        }
        self.through[slot] = Some(end);
        true
    }

    /// This week's series `id`.
    pub fn series(&self, id: &str) -> Option<&MetricSeries> {
        self.this_week.iter().find(|series| series.id == id)
    }

    /// Last week's series `id` (timestamps moved a week on).
    pub fn last_week_of(&self, id: &str) -> Option<&MetricSeries> {
        self.last_week.iter().find(|series| series.id == id)
    }
}

/// Adds `newer`'s points after the last one `known` holds.
fn append(known: &mut MetricSeries, newer: MetricSeries) {
    let last = known.timestamps.last().copied();
    for (at, value) in newer.timestamps.into_iter().zip(newer.values) {
        if last.is_none_or(|last| at > last) {
            known.timestamps.push(at);
            known.values.push(value);
        }
    }
}

/// Drops the points before `start`.
fn keep_from(series: &mut MetricSeries, start: Timestamp) {
    let first_kept = series.timestamps.partition_point(|at| *at < start);
    series.timestamps.drain(..first_kept);
    series.values.drain(..first_kept);
}

/// The change of `now`'s mean against `before`'s over the same window, in percent; None
/// when either has no data or last week's mean is zero. Sums are compared per second: a
/// count summed over 10-second periods and one over minutes measure the same traffic.
pub fn change_percent(now: &MetricSeries, before: &MetricSeries) -> Option<f64> {
    let mean = |series: &MetricSeries| {
        let values = &series.values;
        let per = if series.statistic == super::Statistic::Sum {
            f64::from(series.period_seconds.max(1))
        } else {
            1.0
        };
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64 / per)
    };
    let (now, before) = (mean(now)?, mean(before)?);
    (before.abs() > f64::EPSILON).then(|| 100.0 * (now - before) / before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MetricKind, Statistic};

    fn at(seconds: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("valid")
    }

    fn series(id: &str, points: &[(i64, f64)]) -> MetricSeries {
        MetricSeries {
            id: id.to_owned(),
            label: id.to_owned(),
            kind: MetricKind::Cpu,
            statistic: Statistic::Average,
            unit: "%".to_owned(),
            period_seconds: 60,
            timestamps: points.iter().map(|(s, _)| at(*s)).collect(),
            values: points.iter().map(|(_, v)| *v).collect(),
        }
    }

    /// GetMetricData, `StartTime`: 1-minute data for 15 days, 5-minute for 63, hourly after.
    #[test]
    fn the_period_follows_cloudwatch_retention() {
        const DAY: i64 = 24 * 3600;
        assert_eq!(retention_period(3 * 3600), 60);
        assert_eq!(retention_period(15 * DAY), 60);
        assert_eq!(retention_period(15 * DAY + 1), 300);
        assert_eq!(retention_period(63 * DAY), 300);
        assert_eq!(retention_period(63 * DAY + 1), 3600);
    }

    /// Seven days at one minute is 10,080 points; week-over-week of a week reaches 14 days
    /// back, still within 1-minute retention; a 5-minute metric stays at 5 minutes.
    #[test]
    fn each_range_gets_the_finest_period_retention_and_the_point_limit_allow() {
        for range in TimeRange::ALL {
            assert_eq!(range_period(range, 60, false), 60, "{range:?}");
            assert_eq!(range_period(range, 60, true), 60, "{range:?}");
            let points = range.seconds() / i64::from(range_period(range, 60, true));
            assert!(points <= MAX_POINTS_PER_SERIES, "{range:?}: {points}");
        }
        assert_eq!(TimeRange::Week.seconds() / 60, MAX_POINTS_PER_SERIES);
        assert_eq!(range_period(TimeRange::Day, 300, false), 300);
        assert_eq!(
            range_period(TimeRange::Day, 90, false),
            120,
            "a multiple of 60"
        );
    }

    #[test]
    fn sums_are_compared_per_second_whatever_their_periods() {
        let mut now = series("requests", &[(0, 1000.0), (10, 1000.0)]);
        now.statistic = Statistic::Sum;
        now.period_seconds = 10;
        let mut before = series("requests", &[(0, 3000.0)]);
        before.statistic = Statistic::Sum;
        assert_eq!(
            change_percent(&now, &before),
            Some(100.0),
            "100/s against 50/s"
        );
    }

    #[test]
    fn ranges_step_longer_and_shorter_and_stop_at_the_ends() {
        assert_eq!(TimeRange::Hour.longer(), TimeRange::ThreeHours);
        assert_eq!(TimeRange::Week.longer(), TimeRange::Week);
        assert_eq!(TimeRange::Hour.shorter(), TimeRange::Hour);
        assert_eq!(TimeRange::Week.shorter(), TimeRange::Day);
        let labels: Vec<&str> = TimeRange::ALL.iter().map(|r| r.label()).collect();
        assert_eq!(labels, ["1h", "3h", "12h", "24h", "7d"]);
    }

    #[test]
    fn the_window_is_the_closed_periods_on_the_clock() {
        let now = at(3 * 60 + 20);
        let (start, end) = closed_periods(now, 3600, 60);
        assert_eq!(end, at(3 * 60));
        assert_eq!((end - start).num_seconds(), 3600);
        let (start, end) = closed_periods(now, 3600, 300);
        assert_eq!(end.timestamp() % 300, 0);
        assert!(end <= now && now - end < chrono::Duration::seconds(300));
        assert_eq!(start.timestamp() % 300, 0);
        assert_eq!((end - start).num_seconds(), 3600);
        let (start, end) = closed_periods(now, 100, 60);
        assert_eq!(
            (end - start).num_seconds(),
            120,
            "a partial period rounds up"
        );
    }

    /// The range is fetched whole once; later only the periods closed since, never the same
    /// window twice while it is out.
    #[test]
    fn a_range_is_fetched_once_then_extended() {
        let mut history = RangeHistory::new(TimeRange::TwelveHours, false);
        let now = at(30);
        let due = history.due(now);
        assert_eq!(due.len(), 1);
        let (which, first) = due[0];
        assert_eq!(which, Which::ThisWeek);
        assert_eq!(first.end, at(0));
        assert_eq!((first.end - first.start).num_seconds(), 12 * 3600);
        history.ask(which, first);
        assert!(history.due(at(200)).is_empty(), "one fetch out at a time");
        let stored = history.store(
            which,
            first,
            Ok(vec![series("cpu", &[(-120, 10.0), (-60, 20.0)])]),
        );
        assert!(stored);
        assert!(history.due(at(50)).is_empty(), "no period closed since");
        let due = history.due(at(130));
        assert_eq!(
            due,
            vec![(
                Which::ThisWeek,
                MetricWindow {
                    start: at(0),
                    end: at(120),
                    period_seconds: 60
                }
            )],
            "only the two minutes closed since"
        );
        history.ask(Which::ThisWeek, due[0].1);
        history.store(
            Which::ThisWeek,
            due[0].1,
            Ok(vec![series("cpu", &[(0, 30.0), (60, 40.0)])]),
        );
        let cpu = history.series("cpu").expect("held");
        assert_eq!(cpu.values, [10.0, 20.0, 30.0, 40.0]);
    }

    #[test]
    fn points_that_fall_out_of_the_range_are_dropped() {
        let mut history = RangeHistory::new(TimeRange::ThreeHours, false);
        let (which, window) = history.due(at(0))[0];
        history.ask(which, window);
        history.store(
            which,
            window,
            Ok(vec![series("cpu", &[(-3 * 3600, 1.0), (-60, 2.0)])]),
        );
        let (which, later) = history.due(at(3600))[0];
        history.ask(which, later);
        history.store(which, later, Ok(vec![series("cpu", &[(3540, 3.0)])]));
        assert_eq!(history.series("cpu").expect("held").values, [2.0, 3.0]);
    }

    #[test]
    fn an_answer_for_another_window_or_a_failure_changes_nothing_held() {
        let mut history = RangeHistory::new(TimeRange::Day, false);
        let (which, window) = history.due(at(0))[0];
        let other = MetricWindow {
            start: at(-60),
            ..window
        };
        assert!(!history.store(which, other, Ok(vec![series("cpu", &[(-60, 1.0)])])));
        history.ask(which, window);
        assert!(!history.store(which, window, Err(())));
        assert!(history.this_week.is_empty());
        assert_eq!(history.due(at(0)).len(), 1, "a failure is asked again");
    }

    /// Week-over-week asks for the same window a week back and moves its points a week on.
    #[test]
    fn last_week_is_the_same_window_a_week_back_on_this_weeks_axis() {
        let mut history = RangeHistory::new(TimeRange::Hour, true);
        let due = history.due(at(0));
        assert_eq!(due.len(), 1, "this week's hour is the live poll's");
        let (which, window) = due[0];
        assert_eq!(which, Which::LastWeek);
        assert_eq!(window.end, at(-WEEK_SECONDS));
        history.ask(which, window);
        history.store(
            which,
            window,
            Ok(vec![series("cpu", &[(-WEEK_SECONDS - 60, 50.0)])]),
        );
        let last_week = history.last_week_of("cpu").expect("held");
        assert_eq!(last_week.timestamps, [at(-60)]);
        let now = series("cpu", &[(-60, 60.0)]);
        assert_eq!(change_percent(&now, last_week), Some(20.0));
    }
}
