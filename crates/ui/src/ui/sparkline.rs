//! Sparklines with every bar coloured by its threshold level.

use ratatui::text::Span;

use super::tone;
use crate::config::Limit;
use crate::state::panes::tone_of;
use crate::theme::Theme;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The newest `width` values as bars scaled from 0 to the larger of the maximum and the
/// warn threshold (so a quiet metric does not look alarming), coloured by level.
/// `values` fitted to `width` bars: each bar the highest of the values its share of the
/// range covers (a spike is never averaged away), or the values as they are when they fit.
pub fn fit(values: &[f64], width: usize) -> Vec<f64> {
    let count = values.len();
    if count <= width {
        return values.to_vec();
    }
    (0..width)
        .map(|bar| {
            let (from, to) = (bar * count / width, (bar + 1) * count / width);
            values[from..to.max(from + 1)]
                .iter()
                .copied()
                .fold(f64::MIN, f64::max)
        })
        .collect()
}

pub fn spans(
    values: &[f64],
    limit: Option<Limit>,
    theme: &Theme,
    width: usize,
) -> Vec<Span<'static>> {
    let shown = &values[values.len().saturating_sub(width)..];
    let max_value = shown.iter().copied().fold(0.0_f64, f64::max);
    let top = limit
        .map_or(max_value, |limit| max_value.max(limit.warn))
        .max(f64::EPSILON);
    let mut spans: Vec<Span<'static>> = Vec::with_capacity(shown.len());
    let mut run = String::new();
    let mut run_style = None;
    for value in shown {
        let level_index = ((value / top) * (BARS.len() - 1) as f64)
            .round()
            .clamp(0.0, 7.0);
        let bar = BARS[level_index as usize];
        let style = match limit {
            Some(limit) => tone::style(theme, tone_of(limit.level(*value))),
            None => theme.chart,
        };
        if run_style.is_some_and(|current| current != style) {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                run_style.unwrap_or(style),
            ));
        }
        run_style = Some(style);
        run.push(bar);
    }
    if let Some(style) = run_style {
        spans.push(Span::styled(run, style));
    }
    spans
}
