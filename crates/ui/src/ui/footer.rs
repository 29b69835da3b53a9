//! The footer: key hints of the focused pane from the keymap, a filter prompt or a notice.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::config::InputMode;
use crate::msg::Action;
use crate::state::State;
use crate::theme::Theme;

/// The hints shown on the normal screen, in order.
/// (Sort and interval keys are in the help: the checklist earns the room at 80 columns.)
const HINTS: [(Action, &str); 9] = [
    (Action::FocusNext, "next"),
    (Action::ToggleZoom, "zoom"),
    (Action::StartFilter, "filter"),
    (Action::TogglePause, "pause"),
    (Action::RefreshNow, "refresh"),
    (Action::ToggleChecklist, "checks"),
    (Action::ToggleWarRoom, "war room"),
    (Action::ToggleHelp, "help"),
    (Action::Quit, "quit"),
];

/// The hints of the war-room screen.
const WAR_ROOM_HINTS: [(Action, &str); 8] = [
    (Action::ToggleWarRoom, "panes"),
    (Action::DeclareIncident, "declare"),
    (Action::AddNote, "note"),
    (Action::ShowMessages, "messages"),
    (Action::ResolveIncident, "resolve"),
    (Action::ToggleChecklist, "checks"),
    (Action::ToggleHelp, "help"),
    (Action::Quit, "quit"),
];

/// Draws the footer line.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let line = match state.mode {
        InputMode::Filter => filter_prompt(state, theme),
        InputMode::Help => hints(state, theme, &[(Action::CloseHelp, "close help")]),
        InputMode::Checklist => hints(
            state,
            theme,
            &[
                (Action::ChecklistJump, "go to evidence"),
                (Action::CloseChecklist, "close"),
            ],
        ),
        InputMode::Prompt => hints(
            state,
            theme,
            &[
                (Action::PromptSubmit, "propose"),
                (Action::PromptCancel, "cancel"),
            ],
        ),
        InputMode::Confirm => Line::styled(
            " confirm dialog open: nothing changes until you confirm",
            theme.warn,
        ),
        InputMode::Form => hints(
            state,
            theme,
            &[
                (Action::FormSubmit, "submit"),
                (Action::FormNextField, "next field"),
                (Action::FormCancel, "cancel"),
            ],
        ),
        InputMode::Messages if state.notice.is_some() => Line::styled(
            format!(" {}", state.notice.clone().unwrap_or_default()),
            theme.ok,
        ),
        InputMode::Messages => hints(
            state,
            theme,
            &[
                (Action::CopyMessage, "copy + save"),
                (Action::NextMessage, "next message"),
                (Action::CloseMessages, "close"),
            ],
        ),
        InputMode::Normal => match &state.notice {
            Some(notice) => Line::styled(format!(" {notice}"), theme.warn),
            None if state.war_room.showing => hints(state, theme, &WAR_ROOM_HINTS),
            None => hints(state, theme, &HINTS),
        },
    };
    line.render(area, buf);
}

fn hints(state: &State, theme: &Theme, hints: &[(Action, &str)]) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (action, label) in hints {
        let Some(key) = state.keymap.keys_for(*action).first() else {
            continue;
        };
        spans.push(Span::styled(key.to_string(), theme.focus));
        spans.push(Span::styled(format!(" {label}  "), theme.muted));
    }
    Line::from(spans)
}

fn filter_prompt(state: &State, theme: &Theme) -> Line<'static> {
    let table = &state.pane(state.focus).table;
    let key_of = |action| {
        state
            .keymap
            .keys_for(action)
            .first()
            .map_or_else(|| "?".to_owned(), ToString::to_string)
    };
    Line::from(vec![
        Span::styled(" filter ", theme.badge),
        Span::styled(format!(" {}", table.filter), theme.text),
        Span::styled("▏", theme.focus),
        Span::styled(
            format!(
                "  {} of {} rows · {} keep · {} cancel",
                table.rows().len(),
                table.total_rows(),
                key_of(Action::FilterApply),
                key_of(Action::FilterCancel),
            ),
            theme.muted,
        ),
    ])
}
