//! Tones (status meanings) to theme styles.

use ratatui::style::Style;

use crate::state::table::Tone;
use crate::theme::Theme;

/// The theme's style for `tone`.
pub fn style(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Plain => theme.text,
        Tone::Muted => theme.muted,
        Tone::Ok => theme.ok,
        Tone::Warn => theme.warn,
        Tone::Crit => theme.crit,
        Tone::Unknown => theme.unknown,
    }
}
