//! Auto Scaling pane: each group's min/desired/max and InService progress, its instances,
//! and (zoomed) recent scaling activities.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{draw_table, line_then_rest};
use crate::format;
use crate::model::{AutoScalingGroup, InstanceRefresh};
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{follow, pane_frame};

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let mut inner = pane_frame::render(state, theme, PaneId::AutoScaling, area, None, buf);
    for group in &state.data.auto_scaling {
        inner = line_then_rest(summary(group, theme), inner, buf);
        if let Some(line) = follow::group_line(state, group, theme) {
            inner = line_then_rest(line, inner, buf);
        }
        if let Some(refresh) = &group.instance_refresh {
            inner = line_then_rest(refresh_line(refresh, theme, inner.width), inner, buf);
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

/// `refresh InProgress ████░░░░ 40% · 3 to update · reason`
fn refresh_line(refresh: &InstanceRefresh, theme: &Theme, width: u16) -> Line<'static> {
    let style = match refresh.status.as_str() {
        "Successful" => theme.ok,
        "Failed" | "Cancelled" => theme.crit,
        _ => theme.warn,
    };
    let bar_width = 20usize.min(usize::from(width) / 4);
    let filled = bar_width * refresh.percentage_complete.min(100) as usize / 100;
    let mut spans = vec![
        Span::styled(format!("refresh {} ", refresh.status), style),
        Span::styled("█".repeat(filled), style),
        Span::styled("░".repeat(bar_width - filled), theme.muted),
        Span::styled(
            format!(
                " {}% · {} to update",
                refresh.percentage_complete, refresh.instances_to_update
            ),
            style,
        ),
    ];
    if let Some(reason) = &refresh.status_reason {
        spans.push(Span::styled(format!(" · {reason}"), theme.muted));
    }
    Line::from(spans)
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
