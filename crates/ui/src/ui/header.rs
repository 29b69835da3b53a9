//! The header: environment, region, badges, refresh state and the UTC clock.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::format;
use crate::model::AlarmState;
use crate::state::State;
use crate::theme::Theme;

/// Draws the header line.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, theme.header);
    let environment = &state.environment;
    let mut spans = vec![
        Span::styled(" opsdeck ", theme.header),
        Span::styled("│ ", theme.header),
        Span::styled(format!("{} ", environment.name), theme.header),
        Span::styled(format!("{} ", environment.region), theme.header),
    ];
    if let Some(identity) = &environment.identity {
        spans.push(Span::styled(format!("│ {identity} "), theme.header));
    }
    if environment.demo {
        spans.push(Span::styled(" DEMO ", theme.badge));
        spans.push(Span::raw(" "));
    }
    if environment.read_only {
        spans.push(Span::styled(" RO ", theme.badge));
        spans.push(Span::raw(" "));
    }
    if let Some(incident) = state.war_room.incident.as_ref().filter(|i| i.is_open()) {
        spans.push(Span::styled(
            format!(
                " {} {} ",
                incident.severity.label(),
                format::duration(incident.elapsed_seconds(state.now))
            ),
            theme.danger,
        ));
        spans.push(Span::raw(" "));
    }
    if let Some(problem) = &state.war_room.write_problem {
        spans.push(Span::styled(
            format!(" ⚠ incident not saved: {problem} "),
            theme.danger,
        ));
        spans.push(Span::raw(" "));
    }
    let alarms = state
        .data
        .alarms
        .iter()
        .filter(|alarm| alarm.state == AlarmState::Alarm)
        .count();
    if alarms > 0 {
        spans.push(Span::styled(format!(" ✗ {alarms} in ALARM "), theme.danger));
        spans.push(Span::raw(" "));
    }
    // Credentials block every AWS pane; the fix takes the place of the clock.
    if let Some(problem) = state.credentials_problem() {
        spans.push(Span::styled(
            format!(" ⚠ AWS credentials: {problem} "),
            theme.danger,
        ));
        Line::from(spans).render(area, buf);
        return;
    }
    Line::from(spans).render(area, buf);

    let polling = if state.polling.paused {
        "⏸ paused".to_owned()
    } else {
        format!(
            "● live every {}",
            format::duration((state.polling.interval_ms / 1000) as i64)
        )
    };
    let right = format!("{polling} │ {} UTC ", format::clock(state.now));
    let width = right.chars().count() as u16;
    if width < area.width {
        let right_area = Rect {
            x: area.x + area.width - width,
            width,
            ..area
        };
        Line::styled(right, theme.header).render(right_area, buf);
    }
}
