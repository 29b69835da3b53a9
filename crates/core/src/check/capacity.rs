//! The weekly capacity review (the second runbook's Friday review): per series of the
//! environment, the window's p50, p95 and maximum, the share of time above 70 %, the
//! resources "approaching 70% sustained utilization" flagged, and the under-used ones listed
//! for the cost review.
//!
//! Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at rank
//! ceil(p / 100 x n), so every figure is one of the datapoints and can be checked by hand.

use std::fmt::Write as _;

use serde::Serialize;

use crate::format;
use crate::model::{MetricKind, MetricSeries, Statistic, Timestamp};

/// The runbook's line: "services approaching 70% sustained utilization".
pub const SUSTAINED_PERCENT: f64 = 70.0;
/// Flagged when at least this share of the window is above [`SUSTAINED_PERCENT`], or its p95
/// is: the load is there for more than a spike.
pub const APPROACHING_SHARE_PERCENT: f64 = 5.0;
/// Under-used when even the p95 stays below this: capacity the cost review may take back.
pub const UNDER_USED_PERCENT: f64 = 20.0;

/// What the review says of one resource's metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Its median is above 70 %: over the line most of the time.
    Over,
    /// Above 70 % often enough, or at its p95: plan capacity.
    Approaching,
    /// Below 20 % even at its p95: a candidate for a smaller size or fewer tasks.
    UnderUsed,
    Fine,
    /// Not a utilization (latency, counts): figures only.
    NotUtilization,
}

impl Verdict {
    fn text(self) -> &'static str {
        match self {
            Self::Over => "✗ over 70% sustained",
            Self::Approaching => "! approaching 70% sustained",
            Self::UnderUsed => "↓ under-used",
            Self::Fine => "✓",
            Self::NotUtilization => "",
        }
    }
}

/// One series' figures over the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityLine {
    pub metric: String,
    pub statistic: String,
    pub unit: String,
    pub datapoints: usize,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    /// Percent of the datapoints above 70 %, for utilizations.
    pub share_above_70_percent: Option<f64>,
    pub verdict: Verdict,
}

/// The review of a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityReview {
    pub environment: String,
    pub from: Timestamp,
    pub to: Timestamp,
    pub lines: Vec<CapacityLine>,
}

/// The nearest-rank percentile `p` (0 < p <= 100) of `values`; None when there are none.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (p / 100.0 * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// True for the kinds whose values are a percent of a capacity.
fn is_utilization(series: &MetricSeries) -> bool {
    matches!(
        series.kind,
        MetricKind::Cpu | MetricKind::Memory | MetricKind::DbCpu
    ) && series.unit == "%"
}

/// One line per series with data, in the order given.
pub fn review(
    environment: &str,
    from: Timestamp,
    to: Timestamp,
    series: &[MetricSeries],
) -> CapacityReview {
    let lines = series
        .iter()
        .filter_map(|series| {
            let values = &series.values;
            let p50 = percentile(values, 50.0)?;
            let p95 = percentile(values, 95.0)?;
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let utilization = is_utilization(series);
            let share = utilization.then(|| {
                let above = values.iter().filter(|v| **v > SUSTAINED_PERCENT).count();
                100.0 * above as f64 / values.len() as f64
            });
            let verdict = match share {
                None => Verdict::NotUtilization,
                Some(_) if p50 > SUSTAINED_PERCENT => Verdict::Over,
                Some(share) if share >= APPROACHING_SHARE_PERCENT || p95 > SUSTAINED_PERCENT => {
                    Verdict::Approaching
                }
                Some(_) if p95 < UNDER_USED_PERCENT => Verdict::UnderUsed,
                Some(_) => Verdict::Fine,
            };
            Some(CapacityLine {
                metric: series.label.clone(),
                statistic: statistic_label(&series.statistic, series.period_seconds),
                unit: series.unit.clone(),
                datapoints: values.len(),
                p50,
                p95,
                max,
                share_above_70_percent: share,
                verdict,
            })
        })
        .collect();
    CapacityReview {
        environment: environment.to_owned(),
        from,
        to,
        lines,
    }
}

/// `Average/1m`: what each datapoint is.
fn statistic_label(statistic: &Statistic, period_seconds: u32) -> String {
    format!(
        "{}/{}",
        statistic.label(),
        format::age_input(u64::from(period_seconds))
    )
}

/// The review as text, Markdown or JSON.
pub fn render(review: &CapacityReview, format: super::report::Format) -> String {
    use super::report::Format;
    match format {
        Format::Json => serde_json::to_string_pretty(review).unwrap_or_default() + "\n",
        Format::Text => table(review, false),
        Format::Markdown => table(review, true),
    }
}

fn table(review: &CapacityReview, markdown: bool) -> String {
    let days = (review.to - review.from).num_hours() as f64 / 24.0;
    let mut out = if markdown {
        format!(
            "**Capacity review {}**: {days:.0} days, {} to {} UTC\n\n| Metric | Stat | p50 | p95 | Max | > 70% | |\n| --- | --- | --- | --- | --- | --- | --- |\n",
            review.environment,
            review.from.format("%Y-%m-%d %H:%M"),
            review.to.format("%Y-%m-%d %H:%M")
        )
    } else {
        format!(
            "opsdeck capacity review: {}: {days:.0} days, {} to {} UTC\n\n{:<26} {:<14} {:>10} {:>10} {:>10} {:>7}\n",
            review.environment,
            review.from.format("%Y-%m-%d %H:%M"),
            review.to.format("%Y-%m-%d %H:%M"),
            "Metric",
            "Stat",
            "p50",
            "p95",
            "Max",
            "> 70%"
        )
    };
    for line in &review.lines {
        let value = |v: f64| format::value(v, &line.unit);
        let share = line
            .share_above_70_percent
            .map_or_else(String::new, |share| format!("{share:.1}%"));
        if markdown {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {share} | {} |",
                line.metric,
                line.statistic,
                value(line.p50),
                value(line.p95),
                value(line.max),
                line.verdict.text()
            );
        } else {
            let _ = writeln!(
                out,
                "{:<26} {:<14} {:>10} {:>10} {:>10} {share:>7} {}",
                line.metric,
                line.statistic,
                value(line.p50),
                value(line.p95),
                value(line.max),
                line.verdict.text()
            );
        }
    }
    let named = |verdicts: &[Verdict]| -> Vec<&str> {
        review
            .lines
            .iter()
            .filter(|line| verdicts.contains(&line.verdict))
            .map(|line| line.metric.as_str())
            .collect()
    };
    let approaching = named(&[Verdict::Over, Verdict::Approaching]);
    let under_used = named(&[Verdict::UnderUsed]);
    let bullet = if markdown { "- " } else { "  " };
    let _ = write!(
        out,
        "\nApproaching 70% sustained utilization:\n{bullet}{}\n",
        if approaching.is_empty() {
            "none".to_owned()
        } else {
            approaching.join(", ")
        }
    );
    let _ = write!(
        out,
        "Under-used (p95 below 20%; the cost review):\n{bullet}{}\n",
        if under_used.is_empty() {
            "none".to_owned()
        } else {
            under_used.join(", ")
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(label: &str, kind: MetricKind, unit: &str, values: Vec<f64>) -> MetricSeries {
        MetricSeries {
            id: label.to_owned(),
            label: label.to_owned(),
            kind,
            statistic: Statistic::Average,
            unit: unit.to_owned(),
            period_seconds: 60,
            timestamps: Vec::new(),
            values,
        }
    }

    /// By hand: 1..=100 sorted; nearest rank of p50 is 50, of p95 is 95; 30 values (71..=100)
    /// are above 70.
    #[test]
    fn figures_match_a_hand_computation() {
        let values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let review = review(
            "acme-prod",
            Timestamp::default(),
            Timestamp::default(),
            &[series("ECS CPU web", MetricKind::Cpu, "%", values)],
        );
        let line = &review.lines[0];
        assert_eq!((line.p50, line.p95, line.max), (50.0, 95.0, 100.0));
        assert_eq!(line.share_above_70_percent, Some(30.0));
        assert_eq!(line.verdict, Verdict::Approaching);
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 50.0), Some(2.0));
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn verdicts_follow_the_runbooks_lines() {
        let verdict = |values: Vec<f64>| {
            review(
                "x",
                Timestamp::default(),
                Timestamp::default(),
                &[series("cpu", MetricKind::Cpu, "%", values)],
            )
            .lines[0]
                .verdict
        };
        assert_eq!(verdict(vec![80.0; 10]), Verdict::Over);
        assert_eq!(verdict(vec![10.0; 10]), Verdict::UnderUsed);
        assert_eq!(verdict(vec![45.0; 10]), Verdict::Fine);
        let mut spiky = vec![40.0; 100];
        spiky[0] = 99.0;
        assert_eq!(verdict(spiky), Verdict::Fine, "one spike is not sustained");
        let latency = review(
            "x",
            Timestamp::default(),
            Timestamp::default(),
            &[series(
                "ALB response p99",
                MetricKind::ResponseTimeP99,
                "ms",
                vec![900.0],
            )],
        );
        assert_eq!(latency.lines[0].verdict, Verdict::NotUtilization);
        assert_eq!(latency.lines[0].share_above_70_percent, None);
    }

    #[test]
    fn the_report_names_what_approaches_and_what_is_under_used() {
        let review = review(
            "acme-prod",
            Timestamp::default(),
            Timestamp::default() + chrono::Duration::days(7),
            &[
                series("ECS CPU web", MetricKind::Cpu, "%", vec![72.0; 10]),
                series("RDS CPU", MetricKind::DbCpu, "%", vec![5.0; 10]),
            ],
        );
        let text = render(&review, super::super::report::Format::Text);
        assert!(text.contains("7 days"), "{text}");
        assert!(
            text.contains("Approaching 70% sustained utilization:\n  ECS CPU web\n"),
            "{text}"
        );
        assert!(text.contains("the cost review):\n  RDS CPU\n"), "{text}");
        let markdown = render(&review, super::super::report::Format::Markdown);
        assert!(markdown.contains("| ECS CPU web | Average/1m | 72.0% | 72.0% | 72.0% | 100.0% | ✗ over 70% sustained |"), "{markdown}");
    }
}
