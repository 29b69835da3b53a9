//! The incident forms (declare, note, resolve), drawn over the body.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::popup;
use crate::incident::Severity;
use crate::state::war_room::{Field, Form, FormKind};
use crate::theme::Theme;

/// Draws `form` centred over `area`.
pub fn render(form: &Form, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let title = match form.kind {
        FormKind::Declare => " Declare an incident ",
        FormKind::Note => " Add a note to the timeline ",
        FormKind::Resolve => " Resolve the incident ",
    };
    let mut lines = Vec::new();
    for (index, (field, text)) in form.fields.iter().enumerate() {
        let focused = index == form.cursor;
        let marker = if focused { "▶ " } else { "  " };
        if *field == Field::Severity {
            lines.push(Line::styled(
                format!("{marker}Severity (1/2/3 or ↑↓)"),
                theme.text,
            ));
            for severity in Severity::ALL {
                let chosen = severity == form.severity;
                let cadence = severity
                    .update_every_seconds()
                    .map_or("no update cadence".to_owned(), |s| {
                        format!("updates every {} min", s / 60)
                    });
                lines.push(Line::styled(
                    format!(
                        "    {} {}  {} — {}",
                        if chosen { "(•)" } else { "( )" },
                        severity.label(),
                        severity.definition(),
                        cadence
                    ),
                    if chosen { theme.title } else { theme.muted },
                ));
            }
            continue;
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{}: ", field.label()), theme.text),
            Span::styled(text.to_string(), theme.title),
            Span::styled(if focused { "▏" } else { "" }, theme.focus),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(error) = &form.error {
        lines.push(Line::styled(error.clone(), theme.crit));
    }
    lines.push(Line::styled(
        "Enter submit · Tab next field · Esc cancel (nothing recorded)",
        theme.muted,
    ));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let popup = popup::centred(area, Constraint::Max(110), Constraint::Length(height), buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(popup::frame(theme, title))
        .render(popup, buf);
}
