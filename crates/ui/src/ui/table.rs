//! Draws a pane's table view: header, rows coloured by tone, the selection when focused.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::tone;
use crate::state::table::{Column, TableView};
use crate::theme::Theme;

/// Draws `view` with `columns` into `area`; `focused` shows the selection.
pub fn render(
    view: &TableView,
    columns: &[Column],
    theme: &Theme,
    focused: bool,
    empty_text: &str,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.height == 0 {
        return;
    }
    if view.rows().is_empty() {
        let text = if view.total_rows() > 0 {
            format!("no rows match /{}", view.filter)
        } else {
            empty_text.to_owned()
        };
        Paragraph::new(Line::styled(text, theme.muted)).render(area, buf);
        return;
    }
    let shown = fitting_columns(columns, area.width);
    let header = Row::new(shown.iter().map(|index| {
        let marker = sort_marker(view, *index);
        Cell::from(format!("{}{marker}", columns[*index].title))
    }))
    .style(theme.title);
    // Only the rows that fit are built: a pane of 1,000 sessions costs what a screenful does.
    let visible_rows = usize::from(area.height.saturating_sub(1)).max(1);
    let selected = view.selected_index().unwrap_or(0);
    let offset = (selected + 1).saturating_sub(visible_rows);
    let rows = view
        .rows()
        .iter()
        .skip(offset)
        .take(visible_rows)
        .map(|row| {
            Row::new(
                shown
                    .iter()
                    .filter_map(|index| row.cells.get(*index))
                    .map(|cell| {
                        Cell::from(cell.text.as_str()).style(tone::style(theme, cell.tone))
                    }),
            )
        });
    let widths = widths(columns, &shown);
    let selection_style = if focused {
        theme.selection
    } else {
        Style::default()
    };
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(selection_style);
    let mut state = TableState::default().with_selected(focused.then_some(selected - offset));
    StatefulWidget::render(table, area, buf, &mut state);
}

fn sort_marker(view: &TableView, index: usize) -> &'static str {
    match (index == view.sort.column, view.sort.descending) {
        (true, true) => "↓",
        (true, false) => "↑",
        (false, _) => "",
    }
}

/// Indices of the columns that fit in `width`, dropping the highest priority numbers first.
pub fn fitting_columns(columns: &[Column], width: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let needed = |shown: &[usize]| -> u16 {
        let cells: u16 = shown.iter().map(|index| columns[*index].width).sum();
        cells + shown.len().saturating_sub(1) as u16
    };
    while needed(&shown) > width && shown.len() > 1 {
        let Some(drop_at) = shown
            .iter()
            .enumerate()
            .filter(|(_, index)| columns[**index].priority > 0)
            .max_by_key(|(position, index)| (columns[**index].priority, *position))
            .map(|(position, _)| position)
        else {
            break;
        };
        shown.remove(drop_at);
    }
    shown
}

/// Fixed widths, the last shown column taking the rest.
fn widths(columns: &[Column], shown: &[usize]) -> Vec<Constraint> {
    shown
        .iter()
        .enumerate()
        .map(|(position, index)| {
            if position + 1 == shown.len() {
                Constraint::Fill(1)
            } else {
                Constraint::Length(columns[*index].width)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 4] = [
        Column::new("a", 10, 0),
        Column::new("b", 10, 2),
        Column::new("c", 10, 1),
        Column::new("d", 10, 0),
    ];

    #[test]
    fn all_columns_when_they_fit() {
        assert_eq!(fitting_columns(&COLUMNS, 43), [0, 1, 2, 3]);
    }

    #[test]
    fn highest_priority_number_goes_first() {
        assert_eq!(fitting_columns(&COLUMNS, 40), [0, 2, 3]);
        assert_eq!(fitting_columns(&COLUMNS, 25), [0, 3]);
    }

    #[test]
    fn priority_zero_columns_stay() {
        assert_eq!(fitting_columns(&COLUMNS, 5), [0, 3]);
    }
}
