//! The morning check's sections beyond "now" (the runbook's "check SNS notification history
//! for overnight alerts", "verify resolution of any previously active incidents" and "check
//! last 12-hour trends for all critical metrics"): what fired overnight, the incidents open
//! or resolved in the window, and a one-line sparkline per critical metric.

use std::fmt::Write as _;

use serde::Serialize;

use crate::format;
use crate::model::{AlarmEpisode, IncidentNote, MetricKind, MetricSeries, Timestamp};

/// Bars from lowest to highest.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// How many characters a trend's sparkline takes.
pub const SPARKLINE_WIDTH: usize = 48;

/// Everything the morning sections show.
#[derive(Debug, Clone, PartialEq)]
pub struct Morning {
    /// Where the overnight window began.
    pub since: Timestamp,
    /// What fired in the window, or why the history could not be read.
    pub alarms: Result<Vec<AlarmEpisode>, String>,
    /// opsdeck's own incidents open now or resolved in the window.
    pub incidents: Vec<IncidentNote>,
    /// The critical metrics over the last 12 hours, or why they could not be read.
    pub trends: Result<Vec<Trend>, String>,
}

/// One critical metric's 12 hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub label: String,
    pub unit: String,
    pub sparkline: String,
    pub min: f64,
    pub max: f64,
    pub latest: f64,
}

/// The trend of each series a runbook threshold watches (custom metrics are left out), in
/// the order given; a series without data is left out.
pub fn trends(series: &[MetricSeries]) -> Vec<Trend> {
    series
        .iter()
        .filter(|series| series.kind != MetricKind::Custom)
        .filter_map(|series| {
            let latest = *series.values.last()?;
            let min = series.values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = series
                .values
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            Some(Trend {
                label: series.label.clone(),
                unit: series.unit.clone(),
                sparkline: sparkline(&series.values, SPARKLINE_WIDTH),
                min,
                max,
                latest,
            })
        })
        .collect()
}

/// `values` as at most `width` bars, each the highest value its share covers (a spike is
/// never averaged away), scaled from the lowest to the highest value.
pub fn sparkline(values: &[f64], width: usize) -> String {
    let count = values.len();
    if count == 0 || width == 0 {
        return String::new();
    }
    let bars = width.min(count);
    let peaks: Vec<f64> = (0..bars)
        .map(|bar| {
            let (from, to) = (bar * count / bars, (bar + 1) * count / bars);
            values[from..to.max(from + 1)]
                .iter()
                .copied()
                .fold(f64::MIN, f64::max)
        })
        .collect();
    let low = peaks.iter().copied().fold(f64::INFINITY, f64::min);
    let high = peaks.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (high - low).max(f64::EPSILON);
    peaks
        .iter()
        .map(|peak| {
            let level = ((peak - low) / span * (BARS.len() - 1) as f64).round() as usize;
            BARS[level.min(BARS.len() - 1)]
        })
        .collect()
}

fn when(at: Timestamp) -> String {
    at.format("%a %H:%M").to_string()
}

fn episode_line(episode: &AlarmEpisode, now: Timestamp) -> String {
    let fired = if episode.firing_before {
        format!("in ALARM before {}", when(episode.fired_at))
    } else {
        format!("fired {}", when(episode.fired_at))
    };
    let state = match episode.resolved_at {
        Some(resolved) => format!("resolved {}", when(resolved)),
        None => "STILL IN ALARM".to_owned(),
    };
    format!(
        "{} {}: {fired}, {} in ALARM, {state}",
        if episode.resolved_at.is_some() {
            "✓"
        } else {
            "✗"
        },
        episode.alarm,
        format::duration(episode.seconds(now))
    )
}

fn incident_line(incident: &IncidentNote, now: Timestamp) -> String {
    match incident.resolved_at {
        Some(resolved) => format!(
            "✓ {} {} \"{}\": declared {}, resolved {} after {}",
            incident.severity,
            incident.id,
            incident.title,
            when(incident.declared_at),
            when(resolved),
            format::duration((resolved - incident.declared_at).num_seconds())
        ),
        None => format!(
            "✗ {} {} \"{}\": declared {}, OPEN for {}",
            incident.severity,
            incident.id,
            incident.title,
            when(incident.declared_at),
            format::duration((now - incident.declared_at).num_seconds())
        ),
    }
}

fn trend_line(trend: &Trend) -> String {
    format!(
        "{:<22} {} now {} (12 h: {} to {})",
        trend.label,
        trend.sparkline,
        format::value(trend.latest, &trend.unit),
        format::value(trend.min, &trend.unit),
        format::value(trend.max, &trend.unit)
    )
}

/// The sections as plain text (indented like the checks) or Markdown.
pub fn render(morning: &Morning, now: Timestamp, markdown: bool) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        if markdown {
            let _ = write!(out, "\n### {title}\n\n");
        } else {
            let _ = write!(out, "\n{title}\n");
        }
    };
    let item = |out: &mut String, line: &str| {
        if markdown {
            let _ = writeln!(out, "- {}", line.replace('|', "\\|"));
        } else {
            let _ = writeln!(out, "  {line}");
        }
    };
    heading(
        &mut out,
        &format!("Overnight (since {} UTC)", when(morning.since)),
    );
    match &morning.alarms {
        Err(why) => item(
            &mut out,
            &format!("? alarm history could not be read: {why}"),
        ),
        Ok(episodes) if episodes.is_empty() => item(&mut out, "✓ no alarm fired"),
        Ok(episodes) => {
            for episode in episodes {
                item(&mut out, &episode_line(episode, now));
            }
        }
    }
    if morning.incidents.is_empty() {
        item(&mut out, "✓ no incident open or resolved in the window");
    }
    for incident in &morning.incidents {
        item(&mut out, &incident_line(incident, now));
    }
    heading(&mut out, "12-hour trends");
    match &morning.trends {
        Err(why) => item(&mut out, &format!("? metrics could not be read: {why}")),
        Ok(trends) if trends.is_empty() => item(&mut out, "no critical metric has data"),
        Ok(trends) => {
            if markdown {
                out.push_str("```\n");
                for trend in trends {
                    let _ = writeln!(out, "{}", trend_line(trend));
                }
                out.push_str("```\n");
            } else {
                for trend in trends {
                    item(&mut out, &trend_line(trend));
                }
            }
        }
    }
    out
}

/// The sections for the JSON report.
#[derive(Serialize)]
pub struct MorningJson<'a> {
    pub overnight_since: String,
    pub alarms: Vec<EpisodeJson<'a>>,
    pub alarm_history_error: Option<&'a str>,
    pub incidents: &'a [IncidentNote],
    pub trends: &'a [Trend],
    pub trends_error: Option<&'a str>,
}

/// One episode for the JSON report.
#[derive(Serialize)]
pub struct EpisodeJson<'a> {
    pub alarm: &'a str,
    pub fired_at: String,
    pub firing_before_window: bool,
    pub resolved_at: Option<String>,
    pub seconds_in_alarm: i64,
    pub reason: &'a str,
}

impl Morning {
    /// The JSON shape of the sections.
    pub fn json(&self, now: Timestamp) -> MorningJson<'_> {
        let time = |at: Timestamp| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        MorningJson {
            overnight_since: time(self.since),
            alarms: self
                .alarms
                .as_ref()
                .map(|episodes| {
                    episodes
                        .iter()
                        .map(|episode| EpisodeJson {
                            alarm: &episode.alarm,
                            fired_at: time(episode.fired_at),
                            firing_before_window: episode.firing_before,
                            resolved_at: episode.resolved_at.map(time),
                            seconds_in_alarm: episode.seconds(now),
                            reason: &episode.reason,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            alarm_history_error: self.alarms.as_ref().err().map(String::as_str),
            incidents: &self.incidents,
            trends: self.trends.as_ref().map_or(&[], Vec::as_slice),
            trends_error: self.trends.as_ref().err().map(String::as_str),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32, minute: u32) -> Timestamp {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|day| day.and_hms_opt(hour, minute, 0))
            .expect("valid")
            .and_utc()
    }

    #[test]
    fn a_sparkline_keeps_the_peak_of_each_share() {
        let mut values = vec![1.0; 96];
        values[50] = 9.0;
        let line = sparkline(&values, 48);
        assert_eq!(line.chars().count(), 48);
        assert_eq!(line.chars().nth(25), Some('█'), "{line}");
        assert_eq!(line.chars().filter(|c| *c == '▁').count(), 47);
        assert_eq!(sparkline(&[], 48), "");
        assert_eq!(sparkline(&[1.0, 2.0], 48).chars().count(), 2);
    }

    #[test]
    fn the_sections_say_what_fired_what_is_open_and_the_trends() {
        let morning = Morning {
            since: at(0, 0) - chrono::Duration::hours(3),
            alarms: Ok(vec![AlarmEpisode {
                alarm: "portal-p99".to_owned(),
                fired_at: at(2, 13),
                firing_before: false,
                resolved_at: Some(at(2, 38)),
                reason: "Threshold Crossed".to_owned(),
            }]),
            incidents: vec![IncidentNote {
                id: "sev2-20261130-0305".to_owned(),
                severity: "SEV-2".to_owned(),
                title: "checkout slow".to_owned(),
                declared_at: at(3, 5),
                resolved_at: None,
            }],
            trends: Ok(vec![Trend {
                label: "ALB response p99".to_owned(),
                unit: "ms".to_owned(),
                sparkline: "▁▁█▁".to_owned(),
                min: 150.0,
                max: 1400.0,
                latest: 160.0,
            }]),
        };
        let text = render(&morning, at(9, 0), false);
        assert!(text.contains("Overnight (since Sun 21:00 UTC)"), "{text}");
        assert!(
            text.contains("✓ portal-p99: fired Mon 02:13, 25m00s in ALARM, resolved Mon 02:38"),
            "{text}"
        );
        assert!(
            text.contains(
                "✗ SEV-2 sev2-20261130-0305 \"checkout slow\": declared Mon 03:05, OPEN for 5h55m"
            ),
            "{text}"
        );
        assert!(text.contains("ALB response p99"), "{text}");
        assert!(
            text.contains("▁▁█▁ now 160 ms (12 h: 150 ms to 1400 ms)"),
            "{text}"
        );
        let markdown = render(&morning, at(9, 0), true);
        assert!(markdown.contains("### Overnight"), "{markdown}");
        assert!(
            markdown.contains("### 12-hour trends\n\n```\n"),
            "{markdown}"
        );
    }

    #[test]
    fn an_unread_history_is_said_never_taken_for_a_quiet_night() {
        let morning = Morning {
            since: at(0, 0),
            alarms: Err("cloudwatch:DescribeAlarmHistory: AccessDenied".to_owned()),
            incidents: Vec::new(),
            trends: Err("timed out".to_owned()),
        };
        let text = render(&morning, at(9, 0), false);
        assert!(
            text.contains(
                "? alarm history could not be read: cloudwatch:DescribeAlarmHistory: AccessDenied"
            ),
            "{text}"
        );
        assert!(!text.contains("no alarm fired"), "{text}");
        assert!(
            text.contains("? metrics could not be read: timed out"),
            "{text}"
        );
    }
}
