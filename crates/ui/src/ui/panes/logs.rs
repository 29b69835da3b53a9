//! Logs pane: the runbook's error count by service over its window, then the error tail.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_table, line_then_rest};
use crate::format;
use crate::model::SourceKind;
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::pane_frame;

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = pane_frame::render(state, theme, PaneId::Logs, area, None, buf);
    let logs = &state.data.logs;
    let mut spans = vec![Span::styled(
        format!("ERROR last {} min", logs.window_minutes),
        theme.title,
    )];
    // Said first: a narrow pane cuts the end of this line.
    if let Some(note) = counts_behind(state, logs) {
        spans.push(Span::styled(note, theme.warn));
    }
    spans.push(Span::styled(": ", theme.title));
    // No counts beside error lines means the query grouped nothing (a custom query, or an
    // endpoint without `stats`), not that there were no errors.
    if logs.counts.is_empty() && logs.recent.is_empty() {
        spans.push(Span::styled("✓ none", theme.ok));
    } else if logs.counts.is_empty() {
        // The tail shows errors the query did not count: the query, not the logs, is wrong.
        spans.push(Span::styled(
            "⚠ the error query counted none of the ERROR lines below: check log_error_query",
            theme.warn,
        ));
    }
    for (index, count) in logs.counts.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" · ", theme.muted));
        }
        spans.push(Span::styled(format!("{} ", count.service), theme.text));
        spans.push(Span::styled(count.count.to_string(), theme.crit));
    }
    spans.push(Span::styled(
        format!(
            "  ({} scanned in the last hour)",
            format::bytes(logs.bytes_scanned)
        ),
        theme.muted,
    ));
    let inner = if super::has_data(state, PaneId::Logs) {
        let inner = line_then_rest(Line::from(spans), inner, buf);
        match &logs.tail_gap {
            // Silence in the tail must not read as "no errors" when lines were skipped.
            Some(gap) => line_then_rest(
                Line::styled(
                    format!(
                        "⚠ more ERROR lines than a poll reads in {}: {}–{} not shown, the newest are",
                        format::printable(&gap.log_group),
                        format::clock(gap.from),
                        format::clock(gap.to)
                    ),
                    theme.warn,
                ),
                inner,
                buf,
            ),
            None => inner,
        }
    } else {
        inner
    };
    draw_table(state, theme, PaneId::Logs, "no ERROR lines", inner, buf);
}

/// The counts lag the lines by this much before the pane says how far they reach: one poll's
/// worth is normal, a period's is the query's own pace.
const COUNTS_BEHIND_NOTE_SECONDS: i64 = 30;

/// How far the counts reach, when the error query (at most once a period) lags the tail
/// read on this poll: "refresh now" re-reads the tail, not necessarily the counts.
fn counts_behind(state: &State, logs: &crate::model::LogErrors) -> Option<String> {
    let read_at = state.source(SourceKind::Logs).updated_at?;
    let until = logs.counted_until?;
    (format::seconds_between(until, read_at) >= COUNTS_BEHIND_NOTE_SECONDS)
        .then(|| format!(" (counts to {})", format::clock(until)))
}
