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
use crate::model::MetricSeries;
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{pane_frame, sparkline, tone};

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let cost = state
        .environment
        .metrics_requested_per_refresh
        .map(|requested| {
            Span::styled(
                format!(
                    "· {} ",
                    cost_line(
                        requested,
                        state.polling.interval_ms,
                        state.data.logs.bytes_scanned
                    )
                ),
                theme.muted,
            )
        });
    let inner = pane_frame::render(state, theme, PaneId::Metrics, area, cost, buf);
    if zoomed {
        let [list, chart] =
            Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(inner);
        series_lines(state, theme, list, buf);
        selected_chart(state, theme, chart, buf);
    } else {
        series_lines(state, theme, inner, buf);
    }
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

fn series_of<'a>(state: &'a State, id: &str) -> Option<&'a MetricSeries> {
    state.data.metrics.iter().find(|series| series.id == id)
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
    let fixed_width: usize = 19 + 1 + 7 + 1 + 10 + 1 + 10 + 1;
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
        spans.extend(sparkline::spans(&series.values, limit, theme, spark_width));
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
    let points: Vec<(f64, f64)> = series
        .values
        .iter()
        .enumerate()
        .map(|(index, value)| (index as f64, *value))
        .collect();
    let x_max = (points.len().max(2) - 1) as f64;
    let limit = state.thresholds.for_metric(series.kind);
    let max_value = series.values.iter().copied().fold(0.0_f64, f64::max);
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
    let span_seconds = u64::from(series.period_seconds) * points.len() as u64;
    let chart = Chart::new(datasets)
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
