//! The war-room screen: the incident clock and the update countdown, the vitals in big digits
//! with trend arrows, the failing checks and the timeline. A pure function of the state.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};

use super::{big_digits, checklist, tone};
use crate::check::Status;
use crate::config::Level;
use crate::format;
use crate::incident::Incident;
use crate::incident::cadence::{self, Urgency};
use crate::incident::messages::clock_time;
use crate::incident::vitals::{Reading, Trend, Vital};
use crate::state::panes::tone_of;
use crate::state::{State, triage};
use crate::theme::Theme;

/// Height of a big-number tile: borders and five rows of digits.
const TILE_HEIGHT: u16 = big_digits::HEIGHT + 2;
/// Below this width a tile shows its number in plain text.
const VITALS_PER_ROW_WIDE: u16 = 175;

/// Draws the war room over `area` (the body of the screen).
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let per_row: usize = if area.width >= VITALS_PER_ROW_WIDE {
        7
    } else {
        4
    };
    let vital_rows = Vital::ALL.len().div_ceil(per_row) as u16;
    // The triage row wraps onto a second line rather than cut its last reads off.
    let triage = triage_line(state, theme);
    let triage_height = if triage.width() > usize::from(area.width) {
        2
    } else {
        1
    };
    let [incident_row, triage_row, vitals_area, lower] = Layout::vertical([
        Constraint::Length(TILE_HEIGHT),
        Constraint::Length(triage_height),
        Constraint::Length(TILE_HEIGHT * vital_rows),
        Constraint::Fill(1),
    ])
    .areas(area);
    render_incident_row(state, theme, incident_row, buf);
    Paragraph::new(triage)
        .wrap(Wrap { trim: false })
        .render(triage_row, buf);
    render_vitals(state, theme, vitals_area, per_row, buf);
    let [checks, timeline] =
        Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)]).areas(lower);
    render_failing_checks(state, theme, checks, buf);
    render_timeline(state, theme, timeline, buf);
}

/// " triage  health ✓ 2/2 2xx 3s · targets ✗ 9/12 healthy 2s · database ✓ answering 1s"
fn triage_line(state: &State, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(" triage ", theme.title)];
    for (index, item) in triage::items(state).into_iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" ·", theme.muted));
        }
        spans.push(Span::styled(format!(" {} ", item.label), theme.muted));
        spans.push(Span::styled(item.text, tone::style(theme, item.tone)));
        if let Some(age) = item.age {
            spans.push(Span::styled(format!(" {age}"), theme.muted));
        }
    }
    Line::from(spans)
}

fn level_style(level: Level, theme: &Theme) -> Style {
    tone::style(theme, tone_of(level))
}

/// A bordered tile with `text` in big digits (plain text when it does not fit).
fn big_tile(title: Line<'_>, text: &str, style: Style, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(style)
        .title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    let lines: Vec<Line> = if big_digits::width(text) <= inner.width {
        big_digits::rows(text)
            .into_iter()
            .map(|row| Line::styled(row, style))
            .collect()
    } else {
        vec![
            Line::raw(""),
            Line::raw(""),
            Line::styled(text.to_owned(), style),
        ]
    };
    Paragraph::new(lines).centered().render(inner, buf);
}

/// The incident clock, the countdown to the next status update, and what the incident is.
fn render_incident_row(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(incident) = &state.war_room.incident else {
        render_no_incident(theme, area, buf);
        return;
    };
    let [clock, countdown, about] = Layout::horizontal([
        Constraint::Length(30),
        Constraint::Length(32),
        Constraint::Fill(1),
    ])
    .areas(area);
    let elapsed = incident.elapsed_seconds(state.now);
    let clock_style = if incident.is_open() {
        theme.title
    } else {
        theme.ok
    };
    big_tile(
        Line::styled(
            if incident.is_open() {
                " incident clock "
            } else {
                " resolved after "
            },
            clock_style,
        ),
        &clock_text(elapsed),
        clock_style,
        clock,
        buf,
    );
    render_countdown(state, incident, theme, countdown, buf);
    render_about(incident, theme, about, buf);
}

fn render_no_incident(theme: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Line::styled(" War room ", theme.title));
    Paragraph::new(vec![
        Line::raw(""),
        Line::styled("No incident declared.", theme.text),
        Line::styled(
            "D declares one (SEV-1/2/3 and a title); the numbers below are live.",
            theme.muted,
        ),
    ])
    .centered()
    .block(block)
    .render(area, buf);
}

/// `mm:ss` under an hour, `h:mm:ss` beyond; a leading `-` for overdue.
fn clock_text(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.abs();
    let (hours, minutes, secs) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if hours > 0 {
        format!("{sign}{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{sign}{minutes:02}:{secs:02}")
    }
}

fn render_countdown(
    state: &State,
    incident: &Incident,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    match cadence::next_update(incident, state.now) {
        Some(next) => {
            let (style, caption) = match next.urgency {
                Urgency::OnTime => (
                    theme.ok,
                    format!(" next update {} ", clock_time(next.due_at)),
                ),
                Urgency::DueSoon => (
                    theme.warn,
                    format!(" update due {} — m: write it ", clock_time(next.due_at)),
                ),
                Urgency::Overdue => (
                    theme.crit,
                    format!(" UPDATE OVERDUE since {} ", clock_time(next.due_at)),
                ),
            };
            big_tile(
                Line::styled(caption, style),
                &clock_text(next.seconds_left),
                style,
                area,
                buf,
            );
        }
        None => {
            let block = Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(theme.muted)
                .title(Line::styled(" status updates ", theme.muted));
            let text = if incident.is_open() {
                "SEV-3: initial response and resolution summary only"
            } else {
                "no more updates: resolved"
            };
            Paragraph::new(vec![Line::raw(""), Line::styled(text, theme.muted)])
                .centered()
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(block)
                .render(area, buf);
        }
    }
}

fn render_about(incident: &Incident, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let severity_style = match incident.severity {
        crate::incident::Severity::Sev1 => theme.crit,
        crate::incident::Severity::Sev2 => theme.warn,
        crate::incident::Severity::Sev3 => theme.title,
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(severity_style)
        .title(Line::styled(
            format!(
                " {} {} ",
                incident.severity.label(),
                if incident.is_open() {
                    "OPEN"
                } else {
                    "RESOLVED"
                }
            ),
            severity_style,
        ));
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines = vec![
        Line::styled(format::truncate(&incident.title, width), theme.title),
        Line::styled(
            format::truncate(
                &format!(
                    "{} · {} · declared {} · target {}",
                    incident.service,
                    incident.environment,
                    clock_time(incident.declared_at),
                    incident.severity.resolution_target()
                ),
                width,
            ),
            theme.text,
        ),
        Line::styled(
            format!("status updates sent: {}", incident.updates_sent.len()),
            theme.text,
        ),
    ];
    match &incident.resolution {
        Some(resolution) => lines.push(Line::styled(
            format::truncate(&format!("root cause: {}", resolution.root_cause), width),
            theme.ok,
        )),
        None => lines.push(Line::raw("")),
    }
    lines.push(Line::styled(
        format::truncate("n note · m messages · E resolve · W panes", width),
        theme.muted,
    ));
    Paragraph::new(lines).block(block).render(area, buf);
}

/// The seven big numbers, `per_row` to a row.
fn render_vitals(state: &State, theme: &Theme, area: Rect, per_row: usize, buf: &mut Buffer) {
    let readings = &state.war_room.readings;
    let rows = Layout::vertical(vec![
        Constraint::Length(TILE_HEIGHT);
        Vital::ALL.len().div_ceil(per_row)
    ])
    .split(area);
    for (row_index, row) in rows.iter().enumerate() {
        let cells =
            Layout::horizontal(vec![Constraint::Ratio(1, per_row as u32); per_row]).split(*row);
        for (cell_index, cell) in cells.iter().enumerate() {
            let index = row_index * per_row + cell_index;
            let (Some(vital), Some(reading)) = (Vital::ALL.get(index), readings.get(index)) else {
                continue;
            };
            render_vital(state, theme, *vital, reading.as_ref(), *cell, buf);
        }
    }
}

fn render_vital(
    state: &State,
    theme: &Theme,
    vital: Vital,
    reading: Option<&Reading>,
    area: Rect,
    buf: &mut Buffer,
) {
    let Some(reading) = reading else {
        big_tile(
            Line::styled(format!(" {} · no data ", vital.caption()), theme.unknown),
            "-",
            theme.unknown,
            area,
            buf,
        );
        return;
    };
    let trend = state.war_room.history.trend(vital, reading.value);
    let worse = match trend {
        Trend::Steady => None,
        Trend::Rising => Some(!vital.higher_is_better()),
        Trend::Falling => Some(vital.higher_is_better()),
    };
    let arrow_style = match worse {
        None => theme.muted,
        Some(true) => theme.crit,
        Some(false) => theme.ok,
    };
    let style = level_style(reading.level, theme);
    let title = Line::from(vec![
        Span::styled(format!(" {} ", vital.caption()), style),
        Span::styled(format!("{} ", trend.arrow()), arrow_style),
    ]);
    big_tile(title, &reading.text, style, area, buf);
}

/// Checks failing (then warning) now, worst first.
fn render_failing_checks(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut results: Vec<_> = state
        .checklist
        .results
        .iter()
        .filter(|result| matches!(result.status, Status::Fail | Status::Warn | Status::Unknown))
        .collect();
    results.sort_by_key(|result| std::cmp::Reverse(result.status));
    let failing = results.iter().filter(|r| r.status == Status::Fail).count();
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(if failing > 0 {
            theme.crit
        } else {
            theme.border
        })
        .title(Line::styled(
            format!(
                " checks: {failing} failing, {} other ",
                results.len() - failing
            ),
            theme.title,
        ));
    let width = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = if results.is_empty() {
        vec![Line::styled("✓ every check passes", theme.ok)]
    } else {
        results
            .iter()
            .map(|result| {
                let style = checklist::style_of(result.status, theme);
                Line::styled(
                    format::truncate(
                        &format!(
                            "{} {} — {}",
                            result.status.symbol(),
                            result.title,
                            result.observed
                        ),
                        width,
                    ),
                    style,
                )
            })
            .collect()
    };
    Paragraph::new(lines).block(block).render(area, buf);
}

/// The incident's timeline, newest at the bottom, scrolled up by the selection keys.
fn render_timeline(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let entries = state
        .war_room
        .incident
        .as_ref()
        .map_or(&[][..], |incident| incident.timeline.as_slice());
    let scroll = state.war_room.timeline_scroll;
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Line::styled(
            format!(" timeline ({} entries) ", entries.len()),
            theme.title,
        ))
        .title(
            Line::styled(
                if scroll > 0 {
                    format!(" ↑ {scroll} newer below · j/k scroll ")
                } else {
                    " j/k scroll · n note ".to_owned()
                },
                theme.muted,
            )
            .right_aligned(),
        );
    let inner = block.inner(area);
    block.render(area, buf);
    let visible = usize::from(inner.height);
    let end = entries.len().saturating_sub(scroll);
    let start = end.saturating_sub(visible);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = entries[start..end]
        .iter()
        .map(|entry| {
            let style = match entry.kind {
                crate::incident::EntryKind::Note => theme.title,
                crate::incident::EntryKind::Action => theme.badge,
                crate::incident::EntryKind::Resolved => theme.ok,
                _ => theme.text,
            };
            let text = format!(
                "{} {:<8} {}",
                entry.at.format("%H:%M:%S"),
                entry.kind.tag(),
                entry.text
            );
            Line::styled(format::truncate(&text, width), style)
        })
        .collect();
    if lines.is_empty() {
        Paragraph::new(Line::styled(
            "Declare an incident (D) and everything that happens lands here.",
            theme.muted,
        ))
        .render(inner, buf);
        return;
    }
    Paragraph::new(lines).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::clock_text;

    #[test]
    fn the_clock_shows_hours_only_past_the_hour_and_a_sign_when_overdue() {
        assert_eq!(clock_text(754), "12:34");
        assert_eq!(clock_text(3723), "1:02:03");
        assert_eq!(clock_text(-190), "-03:10");
    }
}
