//! The confirm dialog: everything a proposal will do, and the way to confirm it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};

use super::popup;
use crate::action::Risk;
use crate::msg::Action;
use crate::state::State;
use crate::state::guard::{Button, ConfirmDialog};
use crate::theme::Theme;

/// Most affected rows listed before "and N more".
const MAX_AFFECTED_SHOWN: usize = 12;

/// Draws the dialog centred over `area`.
pub fn render(state: &State, dialog: &ConfirmDialog, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let lines = lines(state, dialog, theme);
    let width = popup::width_in(area, Constraint::Max(100));
    let height = (wrapped_height(&lines, width.saturating_sub(2)) + 2).min(area.height);
    let popup = popup::centred(area, Constraint::Max(100), Constraint::Length(height), buf);
    let risk_style = risk_style(dialog.proposal.risk, theme);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(risk_style)
        .title(Line::styled(
            format!(" Confirm: {} ", dialog.proposal.title),
            theme.title,
        ));
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(popup, buf);
}

/// Rows `lines` take when wrapped at `width` (so the last line, how to confirm, always shows).
fn wrapped_height(lines: &[Line<'_>], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|line| line.width().div_ceil(width).max(1))
        .sum::<usize>()
        .try_into()
        .unwrap_or(u16::MAX)
}

fn risk_style(risk: Risk, theme: &Theme) -> Style {
    match risk {
        Risk::Low => theme.ok,
        Risk::Medium => theme.warn,
        Risk::High => theme.crit,
    }
}

fn field(name: &str, value: String, theme: &Theme, style: Style) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<12}"), theme.muted),
        Span::styled(value, style),
    ])
}

fn lines(state: &State, dialog: &ConfirmDialog, theme: &Theme) -> Vec<Line<'static>> {
    let proposal = &dialog.proposal;
    let production = if state.environment.production {
        "  PRODUCTION"
    } else {
        ""
    };
    let mut lines = vec![
        field(
            "environment",
            format!("{}{production}", proposal.environment),
            theme,
            theme.text,
        ),
        field("target", proposal.target.clone(), theme, theme.title),
    ];
    for change in &proposal.changes {
        lines.push(field(
            "change",
            format!("{}  {} → {}", change.what, change.before, change.after),
            theme,
            theme.title,
        ));
    }
    let mut risk = proposal.risk.as_str().to_uppercase();
    if !proposal.risk_reasons.is_empty() {
        risk.push_str(": ");
        risk.push_str(&proposal.risk_reasons.join("; "));
    }
    lines.push(field("risk", risk, theme, risk_style(proposal.risk, theme)));
    lines.push(field(
        "needs",
        proposal.permission.clone(),
        theme,
        theme.text,
    ));
    lines.push(field("call", proposal.call.clone(), theme, theme.muted));
    if !proposal.affected.is_empty() {
        lines.push(Line::styled(
            format!("affected ({}):", proposal.affected.len()),
            theme.muted,
        ));
        for row in proposal.affected.iter().take(MAX_AFFECTED_SHOWN) {
            lines.push(Line::styled(format!("  {row}"), theme.text));
        }
        if proposal.affected.len() > MAX_AFFECTED_SHOWN {
            lines.push(Line::styled(
                format!(
                    "  … and {} more",
                    proposal.affected.len() - MAX_AFFECTED_SHOWN
                ),
                theme.muted,
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.extend(confirm_lines(state, dialog, theme));
    if let Some(hint) = &dialog.hint {
        lines.push(Line::styled(hint.clone(), theme.warn));
    }
    lines
}

fn key(state: &State, action: Action) -> String {
    state
        .keymap
        .keys_for(action)
        .first()
        .map_or_else(|| "?".to_owned(), ToString::to_string)
}

fn confirm_lines(state: &State, dialog: &ConfirmDialog, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(expected) = &dialog.proposal.typed_confirmation {
        let matches = dialog.typed == *expected;
        return vec![
            Line::from(vec![
                Span::styled("Type ", theme.text),
                Span::styled(expected.clone(), theme.title),
                Span::styled(" to confirm: ", theme.text),
                Span::styled(
                    dialog.typed.clone(),
                    if matches { theme.ok } else { theme.warn },
                ),
                Span::styled("▏", theme.focus),
            ]),
            Line::styled(
                format!(
                    "{} confirms when it matches · {} cancels: nothing is changed",
                    key(state, Action::DialogPress),
                    key(state, Action::DialogCancel)
                ),
                theme.muted,
            ),
        ];
    }
    let button = |label: &str, focused: bool| {
        let style = if focused {
            theme.selection.add_modifier(Modifier::BOLD)
        } else {
            theme.text
        };
        let marker = if focused { ">" } else { " " };
        Span::styled(format!("{marker}[ {label} ]"), style)
    };
    vec![
        Line::from(vec![
            button("Cancel", dialog.focus == Button::Cancel),
            Span::raw("   "),
            button("Confirm", dialog.focus == Button::Confirm),
        ]),
        Line::styled(how_to_confirm(state), theme.muted),
    ]
}

/// Which keys confirm: the dedicated confirm key (never Enter or Space; the keymap refuses
/// those), or the press key with the focus on Confirm.
fn how_to_confirm(state: &State) -> String {
    let press = key(state, Action::DialogPress);
    let confirm = match state.keymap.keys_for(Action::DialogConfirm).first() {
        Some(confirm) => format!("{confirm} confirms"),
        None => format!("{press} on Confirm confirms"),
    };
    format!(
        "{confirm} · {} cancels · {press} presses the focused button · {} switches",
        key(state, Action::DialogCancel),
        key(state, Action::DialogSwitchButton)
    )
}
