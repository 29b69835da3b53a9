//! Overlays (help, prompt, confirm dialog): a cleared rectangle centred over the body.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use crate::theme::Theme;

/// Centres a `width` x `height` box in `area`, clears it and returns it.
pub fn centred(area: Rect, width: Constraint, height: Constraint, buf: &mut Buffer) -> Rect {
    let [column] = Layout::horizontal([width]).flex(Flex::Center).areas(area);
    let [popup] = Layout::vertical([height]).flex(Flex::Center).areas(column);
    Clear.render(popup, buf);
    popup
}

/// The width a `width`-wide box would get in `area` (to size its height from its text).
pub fn width_in(area: Rect, width: Constraint) -> u16 {
    let [column] = Layout::horizontal([width]).flex(Flex::Center).areas(area);
    column.width
}

/// The frame of an overlay: a double border and the title in the focus colour.
pub fn frame(theme: &Theme, title: &str) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.focus)
        .title(Line::styled(title.to_owned(), theme.focus))
}
