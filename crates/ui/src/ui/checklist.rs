//! The health checklist screen: one line per check with its state, value and threshold; the
//! selected check's evidence and runbook procedure below; each check's last verdict change marked.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget};

use super::popup;
use crate::check::{Status, overall};
use crate::format;
use crate::state::State;
use crate::theme::Theme;

/// The theme's style of a check status.
pub(super) fn style_of(status: Status, theme: &Theme) -> Style {
    match status {
        Status::Pass => theme.ok,
        Status::Warn => theme.warn,
        Status::Fail => theme.crit,
        Status::Unknown => theme.unknown,
        Status::Skip => theme.muted,
    }
}

/// Draws the checklist over `area`.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let popup = popup::centred(
        area,
        Constraint::Percentage(100),
        Constraint::Percentage(100),
        buf,
    );
    let checklist = &state.checklist;
    let verdict = overall(&checklist.results);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.focus)
        .title(Line::from(vec![
            Span::styled(" Health check ", theme.focus),
            Span::styled(
                format!(" {} {} ", verdict.symbol(), verdict.as_str().to_uppercase()),
                style_of(verdict, theme),
            ),
        ]))
        .title(
            Line::styled(
                " ↑↓ select · Enter go to evidence · Esc close ",
                theme.muted,
            )
            .right_aligned(),
        );
    let width = usize::from(popup.width.saturating_sub(2));
    let mut lines = Vec::new();
    for (index, result) in checklist.results.iter().enumerate() {
        let changed = checklist.changes.get(result.id).map(|(from, to, at)| {
            format!(
                " {}→{} {} ago",
                from.as_str(),
                to.as_str(),
                format::duration(format::seconds_between(*at, state.now))
            )
        });
        let marker = if index == checklist.selected {
            "▶"
        } else {
            " "
        };
        let text = format!(
            "{marker} {} {:<7} {:<40} {:<34} {}",
            result.status.symbol(),
            result.status.as_str(),
            result.title,
            format::truncate(&result.observed, 34),
            result.threshold
        );
        let mut spans = vec![Span::styled(
            format::truncate(
                &text,
                width.saturating_sub(changed.as_ref().map_or(0, |c| c.chars().count())),
            ),
            if index == checklist.selected {
                style_of(result.status, theme).patch(theme.selection)
            } else {
                style_of(result.status, theme)
            },
        )];
        if let Some(changed) = changed {
            spans.push(Span::styled(changed, theme.badge));
        }
        lines.push(Line::from(spans));
    }
    if let Some(result) = checklist.results.get(checklist.selected) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{} — runbook: {}", result.title, result.runbook),
            theme.title,
        ));
        for evidence in &result.evidence {
            lines.push(Line::styled(
                format::truncate(&format!("  {evidence}"), width),
                theme.text,
            ));
        }
    }
    Paragraph::new(lines).block(block).render(popup, buf);
}
