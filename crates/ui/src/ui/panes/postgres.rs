//! PostgreSQL pane: connections against max_connections, sessions by state, the sessions;
//! zoomed, connections by database and the selected session's full query.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{draw_table, line_then_rest};
use crate::format;
use crate::model::SourceKind;
use crate::state::panes::postgres::PgView;
use crate::state::panes::tone_of;
use crate::state::panes::{cache, rds};
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{follow, pane_frame, tone};

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let view = match (state.pg_view, &state.data.table_sizes) {
        (PgView::Tables, Some((_, at))) => format!("· table sizes read {} ", format::clock(*at)),
        (PgView::Tables, None) => "· table sizes (reading…) ".to_owned(),
        (PgView::TopSql, _) => top_sql_title(state),
        (PgView::Insights, _) => insights_title(state),
        (PgView::Waits, _) => match state.data.waits.summary().1 {
            Some(since) => format!("· wait events since {} ", format::clock(since)),
            None => "· wait events ".to_owned(),
        },
        (view, _) => format!("· {} ", view.label()),
    };
    let title = Span::styled(view, theme.muted);
    let mut inner = pane_frame::render(state, theme, PaneId::Postgres, area, Some(title), buf);
    for line in rds_lines(state, theme, zoomed) {
        inner = line_then_rest(line, inner, buf);
    }
    for line in cache_lines(state, theme) {
        inner = line_then_rest(line, inner, buf);
    }
    for line in follow::snapshot_lines(state, theme) {
        inner = line_then_rest(line, inner, buf);
    }
    let inner = if super::has_data(state, PaneId::Postgres) {
        let inner = line_then_rest(connections_line(state, theme, inner.width), inner, buf);
        line_then_rest(states_line(state, theme), inner, buf)
    } else {
        inner
    };
    let none = state.pg_view.empty_message(&state.data);
    if !zoomed {
        draw_table(state, theme, PaneId::Postgres, &none, inner, buf);
        return;
    }
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Fill(3), Constraint::Length(6)]).areas(inner);
    draw_table(state, theme, PaneId::Postgres, &none, table_area, buf);
    detail(state, theme, detail_area, buf);
}

/// What the RDS API says of the database, with its own age (it is polled apart from
/// PostgreSQL): the verdict on one line, or zoomed every instance, replica and the proxy;
/// nothing when the environment names no RDS instance.
fn rds_lines(state: &State, theme: &Theme, zoomed: bool) -> Vec<Line<'static>> {
    if let Some(line) = super::side_failure(state, theme, SourceKind::Rds, "RDS") {
        return vec![line];
    }
    let Some(age) = super::side_age(state, theme, SourceKind::Rds) else {
        return Vec::new();
    };
    let styled = |parts: Vec<rds::Part>, separator: &'static str| {
        let mut spans = Vec::new();
        for (index, (part_tone, text)) in parts.into_iter().enumerate() {
            if index > 0 && !separator.is_empty() {
                spans.push(Span::styled(separator, theme.muted));
            }
            spans.push(Span::styled(text, tone::style(theme, part_tone)));
        }
        spans
    };
    let mut head = vec![Span::styled("RDS ", theme.title)];
    head.extend(styled(
        rds::summary(&state.data.rds, &state.thresholds),
        " · ",
    ));
    head.push(age);
    let mut lines = vec![Line::from(head)];
    if zoomed {
        lines.extend(
            rds::detail_lines(&state.data.rds, state.now, &state.thresholds)
                .into_iter()
                .map(|parts| Line::from(styled(parts, ""))),
        );
    }
    lines
}

/// One line per ElastiCache replication group, or why they could not be read; nothing when
/// the environment names none.
fn cache_lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(line) = super::side_failure(state, theme, SourceKind::Cache, "ElastiCache") {
        return vec![line];
    }
    let status = state.source(SourceKind::Cache);
    if status.updated_at.is_none() {
        return Vec::new();
    }
    let stale = state.freshness.stale[SourceKind::Cache.index()];
    state
        .data
        .cache
        .iter()
        .map(|group| {
            let (line_tone, text) = cache::line(group);
            let mut spans = vec![Span::styled(text, tone::style(theme, line_tone))];
            if stale {
                spans.push(Span::styled("  ⚠ stale", theme.crit));
            }
            Line::from(spans)
        })
        .collect()
}

/// `connections 845/1000 ███████░░ 84% ✗` with the gauge coloured by threshold.
fn connections_line(state: &State, theme: &Theme, width: u16) -> Line<'static> {
    let totals = &state.data.database.totals;
    let total = totals.total();
    let max = totals.max_connections.max(1);
    let level = state.thresholds.db_connections.level(f64::from(total));
    let style = tone::style(theme, tone_of(level));
    let symbol = match level {
        crate::config::Level::Ok => "✓",
        crate::config::Level::Warn => "!",
        crate::config::Level::Crit => "✗",
    };
    let label = format!("connections {total}/{} ", totals.max_connections);
    let gauge_width = usize::from(width).saturating_sub(label.len() + 10).min(40);
    let filled = (gauge_width as f64 * f64::from(total) / f64::from(max)).round() as usize;
    let filled = filled.min(gauge_width);
    Line::from(vec![
        Span::styled(label, theme.title),
        Span::styled("█".repeat(filled), style),
        Span::styled("░".repeat(gauge_width - filled), theme.muted),
        Span::styled(
            format!(" {}% {symbol}", u64::from(total) * 100 / u64::from(max)),
            style,
        ),
    ])
}

fn states_line(state: &State, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (index, (name, count)) in state.data.database.totals.by_state.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" · ", theme.muted));
        }
        let style = if name.starts_with("idle in transaction") {
            theme.warn
        } else {
            theme.text
        };
        spans.push(Span::styled(format!("{name} {count}"), style));
    }
    Line::from(spans)
}

fn detail(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = Vec::new();
    let by_database: Vec<String> = state
        .data
        .database
        .totals
        .by_database
        .iter()
        .map(|(name, count)| format!("{name} {count}"))
        .collect();
    lines.push(Line::from(vec![
        Span::styled("by database: ", theme.title),
        Span::styled(by_database.join(" · "), theme.text),
    ]));
    let selected = state.pane(PaneId::Postgres).table.selected();
    let session = selected.and_then(|row| {
        state
            .data
            .database
            .sessions
            .iter()
            .find(|session| session.pid.to_string() == row.id)
    });
    if state.pg_view == PgView::TopSql {
        lines.extend(statement_detail(state, theme));
    }
    if state.pg_view == PgView::Insights {
        lines.extend(insights_detail(state, theme));
    }
    if let Some(session) = session {
        lines.push(Line::styled(
            format!(
                "pid {} · {}@{} · {} · client {}",
                session.pid,
                session.user,
                session.database,
                session.application,
                session.client_addr
            ),
            theme.title,
        ));
        lines.push(Line::styled(session.query.clone(), theme.text));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

/// The top SQL view's title: when the statistics were read, and over how long the rates run.
fn top_sql_title(state: &State) -> String {
    let statements = &state.data.statements;
    match (&statements.latest, &statements.previous) {
        (Some(Ok(latest)), Some(previous)) => format!(
            "· top SQL read {} · rates over {} ",
            format::clock(latest.observed_at),
            format::duration(format::seconds_between(
                previous.observed_at,
                latest.observed_at
            ))
        ),
        (Some(Ok(latest)), None) => format!(
            "· top SQL read {} · rates from the next reading ",
            format::clock(latest.observed_at)
        ),
        _ => "· top SQL ".to_owned(),
    }
}

/// The instance and the window Performance Insights answered for.
fn insights_title(state: &State) -> String {
    match &state.data.insights.latest {
        Some(Ok(reading)) => match reading.window {
            Some((start, end)) => format!(
                "· Performance Insights on {} · {}–{} · {:.2} AAS ",
                reading.instance,
                format::clock(start),
                format::clock(end),
                reading.total_load()
            ),
            None => format!("· Performance Insights on {} ", reading.instance),
        },
        _ => "· Performance Insights ".to_owned(),
    }
}

/// The selected key whole: a statement's text as PI keeps it (its first 500 bytes).
fn insights_detail(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let (Some(row), Some(Ok(reading))) = (
        state.pane(PaneId::Postgres).table.selected(),
        &state.data.insights.latest,
    ) else {
        return Vec::new();
    };
    let shares = reading.waits.iter().chain(&reading.statements);
    let Some(share) = shares.into_iter().find(|share| {
        row.id
            .ends_with(&format!("|{}|{}", share.group, share.name))
    }) else {
        return Vec::new();
    };
    vec![
        Line::styled(
            format!(
                "{} · {:.2} average active sessions",
                share.group, share.load
            ),
            theme.title,
        ),
        Line::styled(share.name.clone(), theme.text),
    ]
}

/// The selected statement's owner, totals since the reset and its whole text.
fn statement_detail(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let Some(row) = state.pane(PaneId::Postgres).table.selected() else {
        return Vec::new();
    };
    let rates = state.data.statements.rates();
    let Some(rate) = rates.iter().find(|rate| rate.totals.id() == row.id) else {
        return Vec::new();
    };
    let t = &rate.totals;
    vec![
        Line::styled(
            format!(
                "queryid {} · {}@{} · {} calls · {:.1} ms total · {:.2} ms mean · {} rows since reset",
                t.query_id,
                t.user,
                t.database,
                t.calls,
                t.total_ms,
                t.mean_ms(),
                t.rows
            ),
            theme.title,
        ),
        Line::styled(t.query.clone(), theme.text),
    ]
}
