//! The value prompt (a desired capacity or count), drawn over the body.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::popup;
use crate::state::guard::Prompt;
use crate::theme::Theme;

/// Draws the prompt centred over `area`.
pub fn render(prompt: &Prompt, theme: &Theme, area: Rect, buf: &mut Buffer) {
    // The choices (versions to pick from) are listed above the input, as many as fit.
    let shown = prompt
        .choices
        .len()
        .min(usize::from(area.height.saturating_sub(8)));
    let height = 5 + u16::try_from(shown).unwrap_or(0) + u16::from(prompt.option.is_some());
    let popup = popup::centred(area, Constraint::Max(72), Constraint::Length(height), buf);
    let block = popup::frame(theme, " Propose a change ");
    let mut lines: Vec<Line> = prompt
        .choices
        .iter()
        .take(shown)
        .map(|choice| Line::styled(choice.clone(), theme.muted))
        .collect();
    lines.extend([
        Line::styled(prompt.label.clone(), theme.text),
        Line::from(vec![
            Span::styled("> ", theme.focus),
            Span::styled(prompt.input.to_string(), theme.title),
            Span::styled("▏", theme.focus),
        ]),
    ]);
    if let Some(option) = &prompt.option {
        let mark = if option.on { "[x]" } else { "[ ]" };
        lines.push(Line::styled(
            format!("{mark} {} (Tab switches)", option.label),
            theme.muted,
        ));
    }
    if let Some(error) = &prompt.error {
        lines.push(Line::styled(error.clone(), theme.crit));
    }
    Paragraph::new(lines).block(block).render(popup, buf);
}
