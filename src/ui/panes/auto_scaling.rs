//! Auto Scaling pane: each group's min/desired/max and InService progress, its instances,
//! and (zoomed) recent scaling activities.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{draw_table, line_then_rest};
use crate::config::Theme;
use crate::format;
use crate::model::AutoScalingGroup;
use crate::state::{PaneId, State};
use crate::ui::pane_frame;

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let mut inner = pane_frame::render(state, theme, PaneId::AutoScaling, area, None, buf);
    for group in &state.data.auto_scaling {
        inner = line_then_rest(summary(group, theme), inner, buf);
        if let Some(refresh) = &group.instance_refresh {
            let text = format!(
                " refresh {} {}% ({} to update)",
                refresh.status, refresh.percentage_complete, refresh.instances_to_update
            );
            inner = line_then_rest(Line::styled(text, theme.warn), inner, buf);
        }
    }
    if zoomed {
        let [table_area, activity_area] =
            Layout::vertical([Constraint::Fill(2), Constraint::Fill(1)]).areas(inner);
        draw_table(
            state,
            theme,
            PaneId::AutoScaling,
            "no instances",
            table_area,
            buf,
        );
        activities(state, theme, activity_area, buf);
    } else {
        draw_table(
            state,
            theme,
            PaneId::AutoScaling,
            "no instances",
            inner,
            buf,
        );
    }
}

/// `✓ InService 5/5 · min/desired/max 3/5/20 · name`
fn summary(group: &AutoScalingGroup, theme: &Theme) -> Line<'static> {
    let in_service = group.in_service_count();
    let desired = group.desired_capacity as usize;
    let (symbol, style) = if in_service >= desired {
        ("✓", theme.ok)
    } else {
        ("…", theme.warn)
    };
    Line::from(vec![
        Span::styled(format!("{symbol} InService {in_service}/{desired}"), style),
        Span::styled(
            format!(
                " · min/desired/max {}/{}/{} · ",
                group.min_size, group.desired_capacity, group.max_size
            ),
            theme.text,
        ),
        Span::styled(group.name.clone(), theme.muted),
    ])
}

fn activities(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![Line::styled("Recent scaling activities", theme.title)];
    for group in &state.data.auto_scaling {
        for activity in &group.activities {
            let age = format::duration(format::seconds_between(activity.start_time, state.now));
            let style = if activity.status == "Successful" {
                theme.muted
            } else {
                theme.warn
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{age:>7} ago  "), theme.muted),
                Span::styled(format!("{:<11}", activity.status), style),
                Span::styled(activity.description.clone(), theme.text),
            ]));
        }
    }
    Paragraph::new(lines).render(area, buf);
}
