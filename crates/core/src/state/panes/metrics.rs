//! Metrics pane rows: one per series, with its newest value against its threshold.

use super::tone_of;
use crate::config::Thresholds;
use crate::format;
use crate::model::{MetricSeries, RangeHistory, TimeRange, change_percent};
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Metric columns; the sparkline is drawn after them.
pub const COLUMNS: &[Column] = &[
    Column::new("Metric", 19, 0),
    Column::new("Stat", 7, 0),
    Column::new("Now", 9, 0),
    Column::new("Limit", 11, 0),
];

/// In configuration order (the id column keeps it).
pub const DEFAULT_SORT: Sort = Sort {
    column: 4,
    descending: false,
};

/// The series the pane shows for `id`: the range's when a range beyond the live hour is
/// held, else the live poll's.
pub fn shown<'a>(
    live: &'a [MetricSeries],
    history: &'a RangeHistory,
    id: &str,
) -> Option<&'a MetricSeries> {
    let live = live.iter().find(|series| series.id == id);
    if history.range == TimeRange::Hour {
        return live;
    }
    history.series(id).or(live)
}

/// One row per series. A hidden fifth cell keeps the configured order; a sixth holds the
/// change against the same window a week earlier, when week-over-week is on.
pub fn rows(series: &[MetricSeries], history: &RangeHistory, thresholds: &Thresholds) -> Vec<Row> {
    series
        .iter()
        .enumerate()
        .map(|(position, series)| {
            let change = history
                .last_week_of(&series.id)
                .zip(shown(std::slice::from_ref(series), history, &series.id))
                .and_then(|(before, now)| change_percent(now, before));
            let limit = thresholds.for_metric(series.kind);
            let (now_text, now_tone, now_value) = match series.latest() {
                Some(value) => {
                    let tone = limit.map_or(Tone::Plain, |limit| tone_of(limit.level(value)));
                    (format::value(value, &series.unit), tone, value)
                }
                None => ("no data".to_owned(), Tone::Unknown, f64::NAN),
            };
            let limit_text = limit.map_or(String::new(), |limit| {
                format!("> {}", format::value(limit.warn, &series.unit))
            });
            Row {
                id: series.id.clone(),
                cells: vec![
                    Cell::text(&series.label),
                    Cell::text(series.statistic.label()).tone(Tone::Muted),
                    Cell::number(now_text, now_value).tone(now_tone),
                    Cell::text(limit_text).tone(Tone::Muted),
                    Cell::number("", position as f64),
                    match change {
                        Some(change) => Cell::number(format!("{change:+.0}%"), change),
                        None if history.week_over_week => {
                            Cell::number("—", f64::NAN).tone(Tone::Muted)
                        }
                        None => Cell::number("", f64::NAN),
                    },
                ],
            }
        })
        .collect()
}
