//! Table views: rows with stable ids, filtered and sorted, with a selection kept by id so
//! that sort, filter and the selected row survive every refresh.

use std::cmp::Ordering;

/// How a cell should look: its status colour (always paired with a word or symbol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tone {
    #[default]
    Plain,
    Muted,
    Ok,
    Warn,
    Crit,
    Unknown,
}

/// What a column sorts by.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Number(f64),
    Text(String),
}

impl SortKey {
    fn compare(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Number(a), Self::Number(b)) => a.total_cmp(b),
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            (Self::Number(_), Self::Text(_)) => Ordering::Less,
            (Self::Text(_), Self::Number(_)) => Ordering::Greater,
        }
    }
}

/// One cell: what to show, how to sort it, how to colour it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub sort: SortKey,
    pub tone: Tone,
}

impl Cell {
    /// A text cell that sorts by its text; what would steer the terminal is replaced.
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        let text = match crate::format::printable(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(cleaned) => cleaned,
        };
        Self {
            sort: SortKey::Text(text.to_lowercase()),
            text,
            tone: Tone::Plain,
        }
    }

    /// A cell that shows `text` and sorts by `value`.
    pub fn number(text: impl Into<String>, value: f64) -> Self {
        Self {
            text: text.into(),
            sort: SortKey::Number(value),
            tone: Tone::Plain,
        }
    }

    /// The same cell in `tone`.
    pub fn tone(mut self, tone: Tone) -> Self {
        self.tone = tone;
        self
    }
}

/// One row with a stable id (instance id, pid, alarm name, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub cells: Vec<Cell>,
}

/// A column's header, width and how readily it is dropped when the pane is narrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    /// Width in cells; the last column shown takes what is left.
    pub width: u16,
    /// 0 is always shown; higher numbers are dropped first when space runs out.
    pub priority: u8,
}

impl Column {
    /// A column.
    pub const fn new(title: &'static str, width: u16, priority: u8) -> Self {
        Self {
            title,
            width,
            priority,
        }
    }
}

/// Sort order of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// The operator's view of one table: filter, sort and selection, plus the rows they give.
#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub filter: String,
    pub sort: Sort,
    selected_id: Option<String>,
    selected_index: usize,
    /// Rows after filter and sort; recomputed whenever data, filter or sort change.
    rows: Vec<Row>,
    /// Rows before the filter, kept to re-filter without new data.
    all_rows: Vec<Row>,
    /// A tail (logs): while the first row is selected, new data keeps the first row selected
    /// instead of following the old row down.
    follows_head: bool,
}

impl TableView {
    /// An empty table sorted by `sort`.
    pub fn new(sort: Sort) -> Self {
        Self {
            filter: String::new(),
            sort,
            selected_id: None,
            selected_index: 0,
            rows: Vec::new(),
            all_rows: Vec::new(),
            follows_head: false,
        }
    }

    /// A table that behaves like a tail: see `follows_head`.
    pub fn following_head(mut self) -> Self {
        self.follows_head = true;
        self
    }

    /// Replaces the data, keeping filter, sort and the selected row (by id).
    pub fn set_rows(&mut self, rows: Vec<Row>) {
        let at_head = self.follows_head && self.selected_index == 0;
        self.all_rows = rows;
        self.refresh();
        if at_head {
            self.select_first();
        }
    }

    /// The visible rows, filtered and sorted.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// How many rows there are before filtering.
    pub fn total_rows(&self) -> usize {
        self.all_rows.len()
    }

    /// Index of the selected row among the visible ones.
    pub fn selected_index(&self) -> Option<usize> {
        (!self.rows.is_empty()).then_some(self.selected_index)
    }

    /// The selected row.
    pub fn selected(&self) -> Option<&Row> {
        self.rows.get(self.selected_index)
    }

    /// Sets the filter text (case-insensitive substring over all cells).
    pub fn set_filter(&mut self, filter: &str) {
        self.filter = filter.to_owned();
        self.refresh();
    }

    /// Sorts by the next column (wrapping), keeping the direction.
    pub fn sort_next_column(&mut self, column_count: usize) {
        if column_count > 0 {
            self.sort.column = (self.sort.column + 1) % column_count;
        }
        self.refresh();
    }

    /// Flips ascending / descending.
    pub fn reverse_sort(&mut self) {
        self.sort.descending = !self.sort.descending;
        self.refresh();
    }

    /// Moves the selection by `delta` rows, clamped to the table.
    pub fn move_selection(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        let target = self.selected_index.saturating_add_signed(delta).min(last);
        self.select_index(target);
    }

    /// Selects the visible row with `id`; false (selection unchanged) if there is none.
    pub fn select_id(&mut self, id: &str) -> bool {
        match self.rows.iter().position(|row| row.id == id) {
            Some(index) => {
                self.select_index(index);
                true
            }
            None => false,
        }
    }

    /// Selects the first row.
    pub fn select_first(&mut self) {
        self.select_index(0);
    }

    /// Selects the last row.
    pub fn select_last(&mut self) {
        self.select_index(self.rows.len().saturating_sub(1));
    }

    fn select_index(&mut self, index: usize) {
        self.selected_index = index;
        self.selected_id = self.rows.get(index).map(|row| row.id.clone());
    }

    fn refresh(&mut self) {
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<Row> = self
            .all_rows
            .iter()
            .filter(|row| needle.is_empty() || row_matches(row, &needle))
            .cloned()
            .collect();
        let sort = self.sort;
        rows.sort_by(|a, b| {
            let ordering = match (a.cells.get(sort.column), b.cells.get(sort.column)) {
                (Some(x), Some(y)) => x.sort.compare(&y.sort),
                _ => Ordering::Equal,
            };
            let ordering = if sort.descending {
                ordering.reverse()
            } else {
                ordering
            };
            ordering.then_with(|| a.id.cmp(&b.id))
        });
        self.rows = rows;
        let kept = self
            .selected_id
            .as_ref()
            .and_then(|id| self.rows.iter().position(|row| &row.id == id));
        match kept {
            Some(index) => self.selected_index = index,
            None => {
                // The selected row is gone: stay at the same place in the list.
                let index = self.selected_index.min(self.rows.len().saturating_sub(1));
                self.select_index(index);
            }
        }
    }
}

fn row_matches(row: &Row, needle: &str) -> bool {
    row.id.to_lowercase().contains(needle)
        || row
            .cells
            .iter()
            .any(|cell| cell.text.to_lowercase().contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_never_carries_what_steers_the_terminal() {
        // A log line or query text with an escape sequence or a direction override shows
        // what it holds, in stored order, and moves no cursor.
        let cell = Cell::text("pid 12\u{202e}34 \x1b[2J");
        assert_eq!(cell.text, "pid 12�34 �[2J");
        assert_eq!(Cell::text("plain").text, "plain");
    }

    fn row(id: &str, value: f64) -> Row {
        Row {
            id: id.to_owned(),
            cells: vec![Cell::text(id), Cell::number(value.to_string(), value)],
        }
    }

    fn ids(view: &TableView) -> Vec<&str> {
        view.rows().iter().map(|row| row.id.as_str()).collect()
    }

    #[test]
    fn selection_follows_the_row_across_refreshes() {
        let mut view = TableView::new(Sort {
            column: 1,
            descending: true,
        });
        view.set_rows(vec![row("a", 1.0), row("b", 2.0), row("c", 3.0)]);
        assert_eq!(ids(&view), ["c", "b", "a"]);
        view.move_selection(1);
        assert_eq!(view.selected().map(|r| r.id.as_str()), Some("b"));
        // b's value changes so it moves to the top: the selection moves with it.
        view.set_rows(vec![row("a", 1.0), row("b", 9.0), row("c", 3.0)]);
        assert_eq!(ids(&view), ["b", "c", "a"]);
        assert_eq!(view.selected().map(|r| r.id.as_str()), Some("b"));
    }

    #[test]
    fn a_vanished_row_leaves_the_selection_in_place() {
        let mut view = TableView::new(Sort {
            column: 0,
            descending: false,
        });
        view.set_rows(vec![row("a", 1.0), row("b", 2.0), row("c", 3.0)]);
        view.move_selection(1);
        view.set_rows(vec![row("a", 1.0), row("c", 3.0)]);
        assert_eq!(view.selected().map(|r| r.id.as_str()), Some("c"));
    }

    #[test]
    fn filter_and_sort_survive_new_data() {
        let mut view = TableView::new(Sort {
            column: 0,
            descending: false,
        });
        view.set_filter("B");
        view.set_rows(vec![row("ab", 1.0), row("b", 2.0), row("c", 3.0)]);
        assert_eq!(ids(&view), ["ab", "b"]);
        view.reverse_sort();
        view.set_rows(vec![row("ab", 1.0), row("b", 2.0), row("cb", 3.0)]);
        assert_eq!(ids(&view), ["cb", "b", "ab"]);
        assert_eq!(view.total_rows(), 3);
    }

    #[test]
    fn a_tail_stays_at_its_head_but_keeps_a_row_picked_below() {
        let sort = Sort {
            column: 1,
            descending: true,
        };
        let mut view = TableView::new(sort).following_head();
        view.set_rows(vec![row("a", 1.0), row("b", 2.0)]);
        view.set_rows(vec![row("a", 1.0), row("b", 2.0), row("c", 3.0)]);
        assert_eq!(view.selected().map(|r| r.id.as_str()), Some("c"));
        view.move_selection(1);
        view.set_rows(vec![row("b", 2.0), row("c", 3.0), row("d", 4.0)]);
        assert_eq!(view.selected().map(|r| r.id.as_str()), Some("b"));
    }

    #[test]
    fn selection_is_clamped() {
        let mut view = TableView::new(Sort {
            column: 0,
            descending: false,
        });
        view.set_rows(vec![row("a", 1.0), row("b", 2.0)]);
        view.move_selection(10);
        assert_eq!(view.selected_index(), Some(1));
        view.move_selection(-10);
        assert_eq!(view.selected_index(), Some(0));
        view.set_rows(Vec::new());
        assert_eq!(view.selected_index(), None);
    }
}
