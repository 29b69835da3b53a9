//! Alarms pane: counts by state and every alarm, ALARM first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_table, line_then_rest};
use crate::model::AlarmState;
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::pane_frame;

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = pane_frame::render(state, theme, PaneId::Alarms, area, None, buf);
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
    draw_table(state, theme, PaneId::Alarms, "no alarms", inner, buf);
}
