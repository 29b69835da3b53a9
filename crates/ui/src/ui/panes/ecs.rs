//! ECS pane: services, running against desired, rollout state; zoomed, the selected
//! service's events.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{draw_table, line_then_rest};
use crate::format;
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{follow, pane_frame};

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let cluster = state
        .data
        .ecs
        .first()
        .map(|service| Span::styled(format!("cluster {} ", service.cluster), theme.muted));
    let mut inner = pane_frame::render(state, theme, PaneId::Ecs, area, cluster, buf);
    for service in &state.data.ecs {
        if let Some(line) = follow::service_line(state, service, theme) {
            inner = line_then_rest(line, inner, buf);
        }
    }
    if !zoomed {
        draw_table(state, theme, PaneId::Ecs, "no services", inner, buf);
        return;
    }
    let [table_area, events_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Fill(2)]).areas(inner);
    draw_table(state, theme, PaneId::Ecs, "no services", table_area, buf);
    events(state, theme, events_area, buf);
}

fn events(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let table = &state.pane(PaneId::Ecs).table;
    let Some(selected) = table.selected() else {
        return;
    };
    let Some(service) = state
        .data
        .ecs
        .iter()
        .find(|service| format!("{}/{}", service.cluster, service.name) == selected.id)
    else {
        return;
    };
    let mut lines = vec![Line::styled(
        format!("Events of {}", service.name),
        theme.title,
    )];
    for deployment in &service.deployments {
        lines.push(Line::styled(
            format!(
                "{} {} {}/{} {}",
                deployment.status,
                deployment.task_definition,
                deployment.running_count,
                deployment.desired_count,
                deployment.rollout_state
            ),
            theme.text,
        ));
    }
    for event in &service.events {
        let age = format::duration(format::seconds_between(event.created_at, state.now));
        lines.push(Line::from(vec![
            Span::styled(format!("{age:>7} ago  "), theme.muted),
            Span::styled(event.message.clone(), theme.text),
        ]));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
