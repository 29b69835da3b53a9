//! The help overlay, generated from the keymap so it never disagrees with the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::popup;
use crate::config::Section;
use crate::state::State;
use crate::theme::Theme;

/// Draws the help centred over `area`.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let popup = popup::centred(area, Constraint::Max(72), Constraint::Percentage(90), buf);
    let block = popup::frame(theme, " Keys ")
        .title(Line::styled(" ↑↓ scroll ", theme.muted).right_aligned());
    let lines = help_lines(state, theme);
    Paragraph::new(lines)
        .block(block)
        .scroll((state.help_scroll, 0))
        .render(popup, buf);
}

fn help_lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in Section::ALL {
        let bindings = state.keymap.bindings(section);
        if bindings.is_empty() {
            continue;
        }
        lines.push(Line::styled(format!("[{}]", section.name()), theme.title));
        for binding in bindings {
            let keys: Vec<String> = binding.keys.iter().map(ToString::to_string).collect();
            let keys = if keys.is_empty() {
                "(unbound)".to_owned()
            } else {
                keys.join(" ")
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<22}"), theme.focus),
                Span::styled(binding.description.clone(), theme.text),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines
}
