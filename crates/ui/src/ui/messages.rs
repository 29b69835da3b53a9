//! The incident's messages, as they would be sent now, drawn over the body.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::popup;
use crate::incident::messages::MessageKind;
use crate::state::{State, incident_update};
use crate::theme::Theme;

/// Draws the messages view, open on `kind`.
pub fn render(state: &State, kind: MessageKind, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let tabs: Vec<Span> = MessageKind::ALL
        .iter()
        .map(|candidate| {
            let style = if *candidate == kind {
                theme.focus.patch(theme.selection)
            } else {
                theme.muted
            };
            Span::styled(format!(" {} ", candidate.title()), style)
        })
        .collect();
    let mut lines = vec![Line::from(tabs), Line::raw("")];
    match incident_update::message_text(state, kind) {
        Ok(text) => lines.extend(
            text.lines()
                .map(|line| Line::styled(line.to_owned(), theme.text)),
        ),
        Err(reason) => lines.push(Line::styled(reason, theme.muted)),
    }
    // As tall as the message (wrapped lines are rare: the box is 100 wide), within the body.
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = popup::centred(area, Constraint::Max(100), Constraint::Length(height), buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(popup::frame(theme, " Incident messages ").title(
            Line::styled(" Tab next · y copy + save · Esc close ", theme.muted).right_aligned(),
        ))
        .render(popup, buf);
}
