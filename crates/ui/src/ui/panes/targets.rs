//! Targets pane: counts per state and every target with its reason.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_table, line_then_rest};
use crate::model::TargetState;
use crate::state::panes::targets::state_badge;
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{pane_frame, tone};

/// Draws the pane.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = pane_frame::render(state, theme, PaneId::Targets, area, None, buf);
    let inner = if super::has_data(state, PaneId::Targets) {
        line_then_rest(counts(state, theme), inner, buf)
    } else {
        inner
    };
    draw_table(
        state,
        theme,
        PaneId::Targets,
        "no targets registered",
        inner,
        buf,
    );
}

/// `✓ 5/5 healthy · … 2 initial · ↓ 1 draining`
fn counts(state: &State, theme: &Theme) -> Line<'static> {
    let targets: Vec<_> = state
        .data
        .targets
        .iter()
        .flat_map(|group| &group.targets)
        .collect();
    let healthy = targets
        .iter()
        .filter(|t| t.state == TargetState::Healthy)
        .count();
    let all_healthy = healthy == targets.len() && !targets.is_empty();
    let mut spans = vec![Span::styled(
        format!(
            "{} {healthy}/{} healthy",
            if all_healthy { "✓" } else { "✗" },
            targets.len()
        ),
        if all_healthy { theme.ok } else { theme.warn },
    )];
    let others = [
        TargetState::Initial,
        TargetState::Draining,
        TargetState::Unhealthy,
        TargetState::Unused,
        TargetState::Unavailable,
    ];
    for state_kind in others {
        let count = targets.iter().filter(|t| t.state == state_kind).count();
        if count > 0 {
            let (tone_kind, symbol) = state_badge(&state_kind);
            spans.push(Span::styled(" · ", theme.muted));
            spans.push(Span::styled(
                format!("{symbol} {count} {}", state_kind.as_str()),
                tone::style(theme, tone_kind),
            ));
        }
    }
    Line::from(spans)
}
