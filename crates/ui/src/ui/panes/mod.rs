//! One module per pane; this one dispatches and holds what they share.

mod alarms;
mod auto_scaling;
mod ecs;
mod logs;
mod metrics;
mod postgres;
mod targets;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::table;
use crate::format;
use crate::model::{SourceErrorKind, SourceKind};
use crate::state::{PaneId, State, panes};
use crate::theme::Theme;

/// Draws `pane` into `area`, zoomed (full body) or not.
pub fn render(
    state: &State,
    theme: &Theme,
    pane: PaneId,
    area: Rect,
    zoomed: bool,
    buf: &mut Buffer,
) {
    match pane {
        PaneId::AutoScaling => auto_scaling::render(state, theme, area, zoomed, buf),
        PaneId::Targets => targets::render(state, theme, area, zoomed, buf),
        PaneId::Metrics => metrics::render(state, theme, area, zoomed, buf),
        PaneId::Alarms => alarms::render(state, theme, area, zoomed, buf),
        PaneId::Logs => logs::render(state, theme, area, buf),
        PaneId::Ecs => ecs::render(state, theme, area, zoomed, buf),
        PaneId::Postgres => postgres::render(state, theme, area, zoomed, buf),
    }
}

/// The text of an empty table: waiting for the first poll, or no rows.
fn empty_text<'a>(state: &State, pane: PaneId, none: &'a str) -> &'a str {
    let status = state.source(pane.source());
    match (status.updated_at, &status.error) {
        (None, Some(_)) => "no data",
        (None, None) => "waiting for the first poll…",
        (Some(_), _) => none,
    }
}

/// True once the pane has shown data at least once: summaries of nothing are noise.
fn has_data(state: &State, pane: PaneId) -> bool {
    state.source(pane.source()).updated_at.is_some()
}

/// Draws the pane's table in `area`.
fn draw_table(
    state: &State,
    theme: &Theme,
    pane: PaneId,
    none: &str,
    area: Rect,
    buf: &mut Buffer,
) {
    table::render(
        &state.pane(pane).table,
        panes::columns(pane, state.views()),
        theme,
        state.focus == pane,
        empty_text(state, pane, none),
        area,
        buf,
    );
}

/// Draws one line at the top of `area` and returns what is left below it.
fn line_then_rest(line: Line<'_>, area: Rect, buf: &mut Buffer) -> Rect {
    if area.height == 0 {
        return area;
    }
    line.render(Rect { height: 1, ..area }, buf);
    Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    }
}

/// Why a source shown beside a pane's own (the health URLs, certificates, RDS, ...) could not
/// be read, as the pane's line `⚠ label: message`; None when it was read or is not configured.
fn side_failure(
    state: &State,
    theme: &Theme,
    source: SourceKind,
    label: &str,
) -> Option<Line<'static>> {
    let error = state.source(source).error.as_ref()?;
    (error.kind != SourceErrorKind::NotConfigured)
        .then(|| Line::styled(format!("⚠ {label}: {}", error.message), theme.crit))
}

/// The age of a side source's data as its lines end (`  12s ago`, or `  ⚠ stale, 2m old`
/// past its limit); None before its first answer.
fn side_age(state: &State, theme: &Theme, source: SourceKind) -> Option<Span<'static>> {
    let read_at = state.source(source).updated_at?;
    let age = format::duration(format::seconds_between(read_at, state.now));
    Some(if state.freshness.stale[source.index()] {
        Span::styled(format!("  ⚠ stale, {age} old"), theme.crit)
    } else {
        Span::styled(format!("  {age} ago"), theme.muted)
    })
}
