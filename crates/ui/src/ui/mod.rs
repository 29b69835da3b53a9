//! Rendering: a pure function of the state and theme. Nothing here does I/O or changes state.

mod big_digits;
mod checklist;
mod confirm;
mod estate;
mod follow;
mod footer;
mod header;
mod help;
mod incident_form;
mod layout;
mod messages;
mod pane_frame;
mod panes;
mod popup;
mod prompt;
mod sparkline;
mod table;
mod tone;
mod war_room;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub use estate::draw_estate;
pub use layout::{MIN_HEIGHT, MIN_WIDTH};

use crate::config::InputMode;
use crate::state::{PaneId, State};
use crate::theme::Theme;

/// Draws the whole screen for `state`.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    draw(state, theme, area, frame.buffer_mut());
}

/// Draws the whole screen into `buf` (also used by benches and snapshot tests).
pub fn draw(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(theme, area, buf);
        return;
    }
    let screen = layout::screen(area);
    header::render(state, theme, screen.header, buf);
    footer::render(state, theme, screen.footer, buf);
    if state.war_room.showing {
        war_room::render(state, theme, screen.body, buf);
    } else if state.zoomed {
        panes::render(state, theme, state.focus, screen.body, true, buf);
    } else {
        for (pane, rect) in layout::overview(screen.body) {
            panes::render(state, theme, pane, rect, false, buf);
        }
    }
    if state.mode == InputMode::Checklist {
        checklist::render(state, theme, screen.body, buf);
    }
    if state.mode == InputMode::Help {
        help::render(state, theme, screen.body, buf);
    }
    if let Some(prompt) = &state.guarded.prompt {
        prompt::render(prompt, theme, screen.body, buf);
    }
    if let Some(dialog) = &state.guarded.dialog {
        confirm::render(state, dialog, theme, screen.body, buf);
    }
    if let Some(form) = &state.war_room.form {
        incident_form::render(form, theme, screen.body, buf);
    }
    if let Some(kind) = state.war_room.message {
        messages::render(state, kind, theme, screen.body, buf);
    }
}

fn draw_too_small(theme: &Theme, area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::styled("Terminal too small", theme.warn),
        Line::styled(
            format!(
                "{}x{} now, opsdeck needs {MIN_WIDTH}x{MIN_HEIGHT}",
                area.width, area.height
            ),
            theme.text,
        ),
        Line::styled("Enlarge the window, or press q to quit.", theme.muted),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let rect = Rect {
        y: area.y + top,
        height: area.height.saturating_sub(top),
        ..area
    };
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(rect, buf);
}

/// Panes in overview order with their rects, for tests that look for a pane on screen.
pub fn overview_panes(area: Rect) -> Vec<(PaneId, Rect)> {
    layout::overview(layout::screen(area).body)
}
