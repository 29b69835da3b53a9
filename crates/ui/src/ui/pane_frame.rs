//! The border of a pane: number and title, focus, the age of its data and a stale badge.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Widget};

use crate::format;
use crate::state::freshness::{pane_is_stale, stale_reason};
use crate::state::{PaneId, State};
use crate::theme::Theme;

/// Draws the frame of `pane` and returns the area inside it.
pub fn render(
    state: &State,
    theme: &Theme,
    pane: PaneId,
    area: Rect,
    extra_title: Option<Span<'static>>,
    buf: &mut Buffer,
) -> Rect {
    let focused = state.focus == pane;
    let border_style = if focused { theme.focus } else { theme.border };
    let title_style = if focused { theme.focus } else { theme.title };
    let mut title = vec![Span::styled(
        format!(" {} {} ", pane.number(), pane.title()),
        title_style,
    )];
    if let Some(extra) = extra_title {
        title.push(extra);
    }
    let filter = &state.pane(pane).table.filter;
    if !filter.is_empty() {
        title.push(Span::styled(format!(" /{filter} "), theme.badge));
    }
    let block = Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(border_style)
        .title(Line::from(title))
        .title(freshness(state, theme, pane).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    match &state.source(pane.source()).error {
        Some(error) => error_line(theme, &error.message, inner, buf),
        None => match stale_reason_of(state, pane) {
            Some(why) => error_line(theme, &why, inner, buf),
            None => inner,
        },
    }
}

/// Why the pane's data is too old to judge by, once it is.
fn stale_reason_of(state: &State, pane: PaneId) -> Option<String> {
    if !pane_is_stale(state, pane) {
        return None;
    }
    stale_reason(state, pane.source(), state.now)
}

/// The failed poll's message on the pane's first line, above the last good data.
fn error_line(theme: &Theme, message: &str, area: Rect, buf: &mut Buffer) -> Rect {
    if area.height == 0 {
        return area;
    }
    let width = usize::from(area.width);
    let text = format::truncate(&format!("⚠ {message}"), width);
    Line::styled(text, theme.crit).render(Rect { height: 1, ..area }, buf);
    Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    }
}

/// "3s ago", "waiting…", or "⚠ stale, 40s old" when the last poll failed or the data has
/// grown older than its source's staleness limit.
fn freshness(state: &State, theme: &Theme, pane: PaneId) -> Line<'static> {
    let status = state.source(pane.source());
    let age = status
        .updated_at
        .map(|at| format::duration(format::seconds_between(at, state.now)));
    let failed = status.error.is_some() || pane_is_stale(state, pane);
    match (failed.then_some(()), age) {
        (Some(()), Some(age)) => Line::styled(format!(" ⚠ stale, {age} old "), theme.crit),
        (Some(_), None) => Line::styled(" ⚠ no data ", theme.crit),
        (None, Some(age)) => Line::styled(format!(" {age} ago "), theme.muted),
        (None, None) => Line::styled(" waiting… ", theme.muted),
    }
}
