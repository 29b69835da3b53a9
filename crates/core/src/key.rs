//! Keys as the core sees them: the code and the modifiers of one key press. The terminal
//! layer turns its own events into these, so the core never depends on a terminal library.
//! The names follow crossterm's, which the terminal layer reads.

use std::fmt;
use std::ops::{BitAnd, BitOr};

/// Which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Backspace,
    Enter,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    BackTab,
    Delete,
    Insert,
    /// A function key, `F(1)` to `F(24)`.
    F(u8),
    Char(char),
    Esc,
}

/// Shift, Control and Alt, as a set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct KeyModifiers(u8);

impl KeyModifiers {
    pub const NONE: Self = Self(0);
    pub const SHIFT: Self = Self(1);
    pub const CONTROL: Self = Self(2);
    pub const ALT: Self = Self(4);

    /// True when every modifier of `other` is in `self`.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when any modifier of `other` is in `self`.
    pub fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// True when no modifier is held.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }

    pub fn remove(&mut self, other: Self) {
        self.0 &= !other.0;
    }
}

impl BitOr for KeyModifiers {
    type Output = Self;
    fn bitor(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

impl BitAnd for KeyModifiers {
    type Output = Self;
    fn bitand(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }
}

impl fmt::Debug for KeyModifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [
            (Self::SHIFT, "SHIFT"),
            (Self::CONTROL, "CONTROL"),
            (Self::ALT, "ALT"),
        ]
        .into_iter()
        .filter(|(modifier, _)| self.contains(*modifier))
        .map(|(_, name)| name)
        .collect();
        if names.is_empty() {
            f.write_str("NONE")
        } else {
            f.write_str(&names.join(" | "))
        }
    }
}

/// One key press.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyEvent {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyEvent {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        Self { code, modifiers }
    }

    /// The character this key types into a text field (the prompt, the incident forms, the
    /// filter): a character without Ctrl or Alt, which are chords, not text.
    pub fn typed_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c)
                if !self
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(c)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_combine_and_split_as_a_set() {
        let mut both = KeyModifiers::CONTROL | KeyModifiers::SHIFT;
        assert!(both.contains(KeyModifiers::CONTROL));
        assert!(!both.contains(KeyModifiers::ALT));
        assert!(both.intersects(KeyModifiers::ALT | KeyModifiers::SHIFT));
        assert!(!both.intersects(KeyModifiers::ALT));
        assert_eq!(both & KeyModifiers::SHIFT, KeyModifiers::SHIFT);
        both.remove(KeyModifiers::SHIFT);
        assert_eq!(both, KeyModifiers::CONTROL);
        both.insert(KeyModifiers::ALT);
        assert_eq!(format!("{both:?}"), "CONTROL | ALT");
        assert!(KeyModifiers::NONE.is_empty());
    }

    #[test]
    fn only_characters_without_ctrl_or_alt_type_text() {
        let typed = |code, modifiers| KeyEvent::new(code, modifiers).typed_char();
        assert_eq!(typed(KeyCode::Char('G'), KeyModifiers::SHIFT), Some('G'));
        assert_eq!(typed(KeyCode::Char(' '), KeyModifiers::NONE), Some(' '));
        assert_eq!(typed(KeyCode::Char('c'), KeyModifiers::CONTROL), None);
        assert_eq!(typed(KeyCode::Char('x'), KeyModifiers::ALT), None);
        assert_eq!(typed(KeyCode::Enter, KeyModifiers::NONE), None);
    }
}
