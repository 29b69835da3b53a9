//! Alarms pane: counts by state and every alarm, ALARM first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_table, line_then_rest};
use crate::model::{AlarmState, SourceErrorKind, SourceKind};
use crate::state::panes::alarms::AlarmView;
use crate::state::panes::aws_health;
use crate::state::table::Tone;
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{pane_frame, tone};

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let mut inner = pane_frame::render(
        state,
        theme,
        PaneId::Alarms,
        area,
        view_title(state, theme),
        buf,
    );
    if let Some(line) = aws_health_line(state, theme, zoomed) {
        inner = line_then_rest(line, inner, buf);
    }
    let count = |wanted| {
        state
            .data
            .alarms
            .iter()
            .filter(|alarm| alarm.state == wanted)
            .count()
    };
    let in_alarm = count(AlarmState::Alarm);
    let line = Line::from(vec![
        Span::styled(
            format!("✗ {in_alarm} ALARM"),
            if in_alarm > 0 {
                theme.crit
            } else {
                theme.muted
            },
        ),
        Span::styled(" · ", theme.muted),
        Span::styled(
            format!(
                "? {} INSUFFICIENT_DATA",
                count(AlarmState::InsufficientData)
            ),
            theme.unknown,
        ),
        Span::styled(" · ", theme.muted),
        Span::styled(format!("✓ {} OK", count(AlarmState::Ok)), theme.ok),
    ]);
    let inner = if super::has_data(state, PaneId::Alarms) {
        line_then_rest(line, inner, buf)
    } else {
        inner
    };
    let none = state
        .alarm_view
        .empty_message(state.data.alarm_history.as_ref());
    draw_table(state, theme, PaneId::Alarms, &none, inner, buf);
}

/// The view in the title: the overnight window's start.
fn view_title(state: &State, theme: &Theme) -> Option<Span<'static>> {
    match state.alarm_view {
        AlarmView::Now => None,
        AlarmView::Overnight => Some(Span::styled(
            match &state.data.alarm_history {
                Some(reading) => format!("· fired since {} ", reading.since.format("%a %H:%M")),
                None => "· overnight (reading…) ".to_owned(),
            },
            theme.muted,
        )),
    }
}

/// What AWS Health says of the account's Region, with its own age; the reason when it could
/// not be read (a support plan without the API is a warning, not an outage); nothing when
/// turned off or not served. "No open events" costs an alarm row, so it shows zoomed only
/// (the war room's triage row says it too).
fn aws_health_line(state: &State, theme: &Theme, zoomed: bool) -> Option<Line<'static>> {
    let status = state.source(SourceKind::AwsHealth);
    if let Some(error) = &status.error {
        let style = match error.kind {
            SourceErrorKind::NotConfigured => return None,
            SourceErrorKind::Permission => theme.warn,
            _ => theme.crit,
        };
        return Some(Line::styled(
            format!("AWS Health: {}", error.message),
            style,
        ));
    }
    let (line_tone, text) = aws_health::summary(&state.data.aws_health);
    if line_tone == Tone::Ok && !zoomed {
        return None;
    }
    let age = super::side_age(state, theme, SourceKind::AwsHealth)?;
    Some(Line::from(vec![
        Span::styled("AWS Health ", theme.title),
        Span::styled(text, tone::style(theme, line_tone)),
        age,
    ]))
}
