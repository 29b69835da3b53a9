//! Numbers five rows tall, for a war-room screen read from across the room.

/// Glyph rows of one character; characters without a glyph are drawn as `?`.
fn glyph(c: char) -> [&'static str; 5] {
    match c {
        '0' => ["███", "█ █", "█ █", "█ █", "███"],
        '1' => [" █ ", "██ ", " █ ", " █ ", "███"],
        '2' => ["███", "  █", "███", "█  ", "███"],
        '3' => ["███", "  █", "███", "  █", "███"],
        '4' => ["█ █", "█ █", "███", "  █", "  █"],
        '5' => ["███", "█  ", "███", "  █", "███"],
        '6' => ["███", "█  ", "███", "█ █", "███"],
        '7' => ["███", "  █", "  █", "  █", "  █"],
        '8' => ["███", "█ █", "███", "█ █", "███"],
        '9' => ["███", "█ █", "███", "  █", "███"],
        '.' => [" ", " ", " ", " ", "█"],
        ':' => [" ", "█", " ", "█", " "],
        '/' => ["  █", "  █", " █ ", "█  ", "█  "],
        '-' => ["   ", "   ", "███", "   ", "   "],
        ' ' => ["  ", "  ", "  ", "  ", "  "],
        _ => ["███", "  █", " ██", "   ", " █ "],
    }
}

/// Rows a big number takes.
pub const HEIGHT: u16 = 5;

/// The five rows of `text` in big digits, one column between characters.
pub fn rows(text: &str) -> [String; 5] {
    let mut rows: [String; 5] = Default::default();
    for (index, c) in text.chars().enumerate() {
        for (row, part) in rows.iter_mut().zip(glyph(c)) {
            if index > 0 {
                row.push(' ');
            }
            row.push_str(part);
        }
    }
    rows
}

/// Columns `text` takes in big digits.
pub fn width(text: &str) -> u16 {
    rows(text)[0].chars().count() as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_three_wide_with_one_column_between() {
        assert_eq!(width("12/12"), 19);
        assert_eq!(width("0.40"), 13);
        let rows = rows("10");
        assert_eq!(rows[0], " █  ███");
        assert_eq!(rows[4], "███ ███");
    }
}
