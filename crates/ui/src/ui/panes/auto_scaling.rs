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

/// Below this width the selected instance's line would be cut to its id.
const DETAIL_MIN_WIDTH: u16 = 60;
/// Below this height the line would leave too few instance rows.
const DETAIL_MIN_HEIGHT: u16 = 6;

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
    // The selected instance's line costs an instance row: shown zoomed, or when the pane has
    // the focus (someone is moving through its instances) and room for the line and rows.
    let roomy = inner.width >= DETAIL_MIN_WIDTH && inner.height >= DETAIL_MIN_HEIGHT;
    let detail_height = u16::from(zoomed || (state.focus == PaneId::AutoScaling && roomy));
    let [table_area, detail_area, activity_area] = if zoomed {
        Layout::vertical([
            Constraint::Fill(2),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(inner)
    } else {
        Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(detail_height),
            Constraint::Length(0),
        ])
        .areas(inner)
    };
    draw_table(
        state,
        theme,
        PaneId::AutoScaling,
        "no instances",
        table_area,
        buf,
    );
    if detail_height > 0
        && let Some(line) = selected_instance_line(state, theme)
    {
        line.render(detail_area, buf);
    }
    if zoomed {
        activities(state, theme, activity_area, buf);
    }
}

/// The selected instance as EC2 describes it, the runbook's high-CPU lookup:
/// `i-0abc · m5.large · 10.0.1.23 · ami-0123 · up 3h 12m · running · system ok · instance ok`.
fn selected_instance_line(state: &State, theme: &Theme) -> Option<Line<'static>> {
    let selected = state.pane(PaneId::AutoScaling).table.selected()?;
    let (group, instance) = state.data.auto_scaling.iter().find_map(|group| {
        group
            .instances
            .iter()
            .find(|instance| instance.id == selected.id)
            .map(|instance| (group, instance))
    })?;
    let mut spans = vec![Span::styled(format!("{} · ", instance.id), theme.title)];
    let Some(details) = &instance.details else {
        let why = group.instance_details_error.as_deref().map_or_else(
            || "not described by EC2 yet".to_owned(),
            |error| format!("no EC2 details: {error}"),
        );
        spans.push(Span::styled(why, theme.warn));
        return Some(Line::from(spans));
    };
    let up = details.launch_time.map_or_else(
        || "launch time unknown".to_owned(),
        |at| {
            format!(
                "up {}",
                format::duration(format::seconds_between(at, state.now))
            )
        },
    );
    let facts = [
        details.instance_type.as_str(),
        details.private_ip.as_deref().unwrap_or("no private IP"),
        details.image_id.as_str(),
        up.as_str(),
    ];
    spans.push(Span::styled(
        format!("{} · ", facts.join(" · ")),
        theme.text,
    ));
    let state_style = if details.state == "running" {
        theme.ok
    } else {
        theme.warn
    };
    spans.push(Span::styled(details.state.clone(), state_style));
    match &details.status_checks {
        Some(checks) => {
            let style = if checks.impaired() {
                theme.crit
            } else if checks.system == "ok" && checks.instance == "ok" {
                theme.ok
            } else {
                theme.warn
            };
            spans.push(Span::styled(
                format!(" · system {} · instance {}", checks.system, checks.instance),
                style,
            ));
        }
        None => spans.push(Span::styled(" · no status checks", theme.muted)),
    }
    Some(Line::from(spans))
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
