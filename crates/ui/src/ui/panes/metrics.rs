//! Metrics pane: one line per series (value, threshold, sparkline coloured by level); zoomed,
//! a chart of the selected series with its warn and crit lines drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

use super::empty_text;
use crate::config::Limit;
use crate::format;
use crate::model::{MetricSeries, RangeHistory, TimeRange};
use crate::state::panes::metrics;
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{pane_frame, sparkline, tone};

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let history = &state.data.metric_range;
    let cost = state
        .environment
        .metrics_requested_per_refresh
        .map(|requested| {
            cost_line(
                requested * fetches_per_period(history),
                state.polling.interval_ms,
                state.data.logs.bytes_scanned,
            )
        });
    let title = Span::styled(
        format!(
            "· {}{} ",
            range_title(history, &state.data.metrics),
            cost.map(|cost| format!(" · {cost}")).unwrap_or_default()
        ),
        theme.muted,
    );
    let inner = pane_frame::render(state, theme, PaneId::Metrics, area, Some(title), buf);
    if zoomed {
        let [list, chart] =
            Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(inner);
        series_lines(state, theme, list, buf);
        selected_chart(state, theme, chart, buf);
    } else {
        series_lines(state, theme, inner, buf);
    }
}

/// `12h of 1m periods · vs last week`: what the pane shows.
fn range_title(history: &RangeHistory, live: &[MetricSeries]) -> String {
    let period = if history.range == TimeRange::Hour {
        live.first().map_or(60, |series| series.period_seconds)
    } else {
        history.period_seconds
    };
    let mut title = format!(
        "{} of {} periods",
        history.range.label(),
        period_label(period)
    );
    if history.week_over_week {
        title.push_str(" · vs last week");
    }
    title
}

/// `10s`, `1m`, `5m`, `1h`.
fn period_label(seconds: u32) -> String {
    match seconds {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// How many times each metric is requested per period: the live poll, the range's
/// extension, and last week's.
fn fetches_per_period(history: &RangeHistory) -> usize {
    1 + usize::from(history.range != TimeRange::Hour) + usize::from(history.week_over_week)
}

/// GetMetricData's cost an hour at the current settings, metrics being fetched at most once a
/// minute.
fn metrics_dollars_per_hour(requested: usize, interval_ms: u64) -> f64 {
    let seconds_between = (interval_ms / 1000).max(60);
    let refreshes_per_hour = 3600 / seconds_between;
    requested as f64 * refreshes_per_hour as f64 * crate::model::DOLLARS_PER_METRIC
}

/// `metrics ≈ $0.006/h + logs $0.012/h = $0.018/h`: GetMetricData at the current settings,
/// Logs Insights as billed over the last hour (bytes scanned), and the environment's total.
pub fn cost_line(requested: usize, interval_ms: u64, log_bytes_last_hour: u64) -> String {
    let metrics = metrics_dollars_per_hour(requested, interval_ms);
    let logs = log_bytes_last_hour as f64 * crate::model::DOLLARS_PER_BYTE_SCANNED;
    format!(
        "metrics ≈ ${metrics:.3}/h + logs ${logs:.3}/h = ${:.3}/h",
        metrics + logs
    )
}

/// The series shown for `id`: the range's, or the live poll's for the last hour.
fn series_of<'a>(state: &'a State, id: &str) -> Option<&'a MetricSeries> {
    metrics::shown(&state.data.metrics, &state.data.metric_range, id)
}

/// One line per visible row: label, stat, value, limit, sparkline.
fn series_lines(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let table = &state.pane(PaneId::Metrics).table;
    if table.rows().is_empty() {
        let text = if table.total_rows() > 0 {
            format!("no rows match /{}", table.filter)
        } else {
            empty_text(state, PaneId::Metrics, "no metrics configured").to_owned()
        };
        Paragraph::new(Line::styled(text, theme.muted)).render(area, buf);
        return;
    }
    let focused = state.focus == PaneId::Metrics;
    let visible = usize::from(area.height).max(1);
    let selected = table.selected_index().unwrap_or(0);
    let offset = (selected + 1).saturating_sub(visible);
    let week_over_week = state.data.metric_range.week_over_week;
    let change_width = if week_over_week { 7 } else { 0 };
    let fixed_width: usize = 19 + 1 + 7 + 1 + 10 + 1 + 10 + 1 + change_width;
    let spark_width = usize::from(area.width).saturating_sub(fixed_width);
    for (line_index, (row_index, row)) in table
        .rows()
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .enumerate()
    {
        let Some(series) = series_of(state, &row.id) else {
            continue;
        };
        let limit = state.thresholds.for_metric(series.kind);
        let mut spans: Vec<Span<'static>> = row
            .cells
            .iter()
            .take(4)
            .zip([19usize, 7, 10, 10])
            .map(|(cell, width)| {
                let text = format!("{:<width$} ", format::truncate(&cell.text, width));
                Span::styled(text, tone::style(theme, cell.tone))
            })
            .collect();
        if week_over_week && let Some(change) = row.cells.get(5) {
            spans.push(Span::styled(
                format!("{:>6} ", change.text),
                tone::style(theme, change.tone),
            ));
        }
        // The live hour shows its newest datapoints, one a bar; a range is fitted whole.
        if state.data.metric_range.range == TimeRange::Hour {
            spans.extend(sparkline::spans(&series.values, limit, theme, spark_width));
        } else {
            let fitted = sparkline::fit(&series.values, spark_width);
            spans.extend(sparkline::spans(&fitted, limit, theme, spark_width));
        }
        let line_area = Rect {
            y: area.y + line_index as u16,
            height: 1,
            ..area
        };
        let mut line = Line::from(spans);
        if focused && row_index == selected {
            buf.set_style(line_area, theme.selection);
            line = line.patch_style(theme.selection);
        }
        line.render(line_area, buf);
    }
}

/// A line chart of the selected series with threshold lines.
fn selected_chart(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let table = &state.pane(PaneId::Metrics).table;
    let Some(series) = table.selected().and_then(|row| series_of(state, &row.id)) else {
        return;
    };
    let width = usize::from(area.width).max(2);
    let points = chart_points(&series.values, width);
    let x_max = (series.values.len().max(2) - 1) as f64;
    let last_week = state
        .data
        .metric_range
        .last_week_of(&series.id)
        .map(|before| aligned(before, series, width))
        .unwrap_or_default();
    let limit = state.thresholds.for_metric(series.kind);
    let max_value = series
        .values
        .iter()
        .chain(last_week.iter().map(|(_, value)| value))
        .copied()
        .fold(0.0_f64, f64::max);
    let y_max = limit.map_or(max_value, |limit| max_value.max(limit.crit)) * 1.1 + f64::EPSILON;
    let warn_line = limit_line(limit.map(|l| l.warn), x_max);
    let crit_line = limit_line(limit.map(|l| l.crit), x_max);
    let mut datasets = vec![
        Dataset::default()
            .name(series.label.clone())
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.chart)
            .data(&points),
    ];
    if !last_week.is_empty() {
        datasets.push(
            Dataset::default()
                .name("same window a week earlier (-7d)")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.muted)
                .data(&last_week),
        );
    }
    if let Some(limit) = limit {
        datasets.push(threshold_dataset(
            "warn",
            &warn_line,
            theme.warn,
            limit,
            &series.unit,
        ));
        datasets.push(threshold_dataset(
            "crit",
            &crit_line,
            theme.crit,
            limit,
            &series.unit,
        ));
    }
    let span_seconds = u64::from(series.period_seconds) * series.values.len() as u64;
    // Always show the legend (ratatui hides it past a quarter of the chart): the
    // thresholds and last week's overlay are named there.
    let chart = Chart::new(datasets)
        .legend_position(Some(ratatui::widgets::LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Percentage(100), Constraint::Percentage(100)))
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels([
                    Line::styled(
                        format!("-{}", format::duration(span_seconds as i64)),
                        theme.muted,
                    ),
                    Line::styled("now", theme.muted),
                ])
                .style(theme.border),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max])
                .labels([
                    Line::styled("0", theme.muted),
                    Line::styled(format::value(y_max, &series.unit), theme.muted),
                ])
                .style(theme.border),
        );
    chart.render(area, buf);
}

/// The series as chart points at x = its index, at most two per column.
pub fn chart_points(values: &[f64], columns: usize) -> Vec<(f64, f64)> {
    thinned(values.len(), columns, |index| (index as f64, values[index]))
}

/// At most two of the `count` points `point_at` gives per column: the lowest and the
/// highest of those the column covers, in order, so a spike one period long is still drawn
/// at 7 days (10,080 points on 200 columns) and drawing stays cheap. Nothing is collected
/// but what is kept.
fn thinned(
    count: usize,
    columns: usize,
    point_at: impl Fn(usize) -> (f64, f64),
) -> Vec<(f64, f64)> {
    let per_column = count.div_ceil(columns.max(1)).max(1);
    if per_column <= 2 {
        return (0..count).map(point_at).collect();
    }
    let mut kept = Vec::with_capacity(2 * columns);
    let mut from = 0;
    while from < count {
        let to = (from + per_column).min(count);
        let (mut low, mut high) = (point_at(from), point_at(from));
        for index in from + 1..to {
            let point = point_at(index);
            if point.1 < low.1 {
                low = point;
            }
            if point.1 > high.1 {
                high = point;
            }
        }
        if low.0 <= high.0 {
            kept.extend([low, high]);
        } else {
            kept.extend([high, low]);
        }
        from = to;
    }
    kept
}

/// Last week's series on this week's x axis: each point at the index its timestamp has in
/// this week's periods (last week's timestamps are already moved a week on).
fn aligned(before: &MetricSeries, now: &MetricSeries, columns: usize) -> Vec<(f64, f64)> {
    let Some(first) = now.timestamps.first().copied() else {
        return Vec::new();
    };
    let period = now.period_seconds.max(1) as f64;
    let skip = before.timestamps.partition_point(|at| *at < first);
    let (timestamps, values) = (&before.timestamps[skip..], &before.values[skip..]);
    let first = first.timestamp() as f64;
    thinned(timestamps.len().min(values.len()), columns, |index| {
        (
            (timestamps[index].timestamp() as f64 - first) / period,
            values[index],
        )
    })
}

fn limit_line(value: Option<f64>, x_max: f64) -> Vec<(f64, f64)> {
    value.map_or_else(Vec::new, |value| vec![(0.0, value), (x_max, value)])
}

fn threshold_dataset<'a>(
    name: &str,
    points: &'a [(f64, f64)],
    style: Style,
    limit: Limit,
    unit: &str,
) -> Dataset<'a> {
    let value = if name == "warn" {
        limit.warn
    } else {
        limit.crit
    };
    Dataset::default()
        .name(format!("{name} > {}", format::value(value, unit)))
        .marker(Marker::Dot)
        .graph_type(GraphType::Line)
        .style(style)
        .data(points)
}

#[cfg(test)]
mod tests {
    use super::metrics_dollars_per_hour;

    #[test]
    fn the_cost_line_adds_logs_insights_as_billed() {
        // 10 metrics a minute: $0.006/h; 2 GB scanned in the last hour: $0.010.
        assert_eq!(
            super::cost_line(10, 5000, 2_000_000_000),
            "metrics ≈ $0.006/h + logs $0.010/h = $0.016/h"
        );
    }

    #[test]
    fn cost_counts_each_requested_metric_at_most_once_a_minute() {
        // 10 metrics, polled every 5 s but fetched once a minute: 600 metrics an hour.
        assert_eq!(
            format!("{:.3}", metrics_dollars_per_hour(10, 5000)),
            "0.006"
        );
        // Polled every 5 minutes: 12 refreshes an hour.
        assert_eq!(
            format!("{:.3}", metrics_dollars_per_hour(10, 300_000)),
            "0.001"
        );
        assert_eq!(
            format!("{:.3}", metrics_dollars_per_hour(500, 60_000)),
            "0.300"
        );
    }
}
