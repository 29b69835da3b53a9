//! Where things go: header, body, footer, and the seven panes of the overview.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::state::PaneId;

/// Below this size the screen shows a "terminal too small" message.
pub const MIN_WIDTH: u16 = 80;
/// Below this size the screen shows a "terminal too small" message.
pub const MIN_HEIGHT: u16 = 24;

/// The three bands of the screen.
pub struct Screen {
    pub header: Rect,
    pub body: Rect,
    pub footer: Rect,
}

/// Splits the screen into header, body and footer.
pub fn screen(area: Rect) -> Screen {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Screen {
        header,
        body,
        footer,
    }
}

/// The overview: fleet health on top, metrics and the database in the middle, logs and ECS
/// at the bottom.
pub fn overview(body: Rect) -> Vec<(PaneId, Rect)> {
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Percentage(30),
        Constraint::Percentage(40),
        Constraint::Percentage(30),
    ])
    .areas(body);
    let [auto_scaling, targets, alarms] = Layout::horizontal([
        Constraint::Percentage(36),
        Constraint::Percentage(30),
        Constraint::Percentage(34),
    ])
    .areas(top);
    let [metrics, postgres] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(middle);
    let [logs, ecs] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    vec![
        (PaneId::AutoScaling, auto_scaling),
        (PaneId::Targets, targets),
        (PaneId::Metrics, metrics),
        (PaneId::Alarms, alarms),
        (PaneId::Logs, logs),
        (PaneId::Ecs, ecs),
        (PaneId::Postgres, postgres),
    ]
}
