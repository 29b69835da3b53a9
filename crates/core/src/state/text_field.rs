//! One line of text typed into a field. The value prompt and the incident forms share it, so
//! what a key types, what Backspace deletes and how long a line may grow are decided once.

use std::fmt;
use std::ops::Deref;

use crate::key::KeyEvent;

/// A field stops taking characters here: a title, a note or a value is one line, and a
/// pasted log must not grow the screen state (or the incident file) without bound.
pub const MAX_FIELD_CHARS: usize = 200;

/// The text of one field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextField {
    text: String,
}

impl TextField {
    /// A field prefilled with `text` (cut at [`MAX_FIELD_CHARS`]).
    pub fn new(text: impl Into<String>) -> Self {
        let text: String = text.into();
        Self {
            text: text.chars().take(MAX_FIELD_CHARS).collect(),
        }
    }

    /// Types the character `key` stands for; false when it types none (a chord, a named
    /// key) or the field is full.
    pub fn type_key(&mut self, key: &KeyEvent) -> bool {
        match key.typed_char() {
            Some(c) if self.text.chars().count() < MAX_FIELD_CHARS => {
                self.text.push(c);
                true
            }
            _ => false,
        }
    }

    /// Deletes the last character, if any.
    pub fn delete_char(&mut self) {
        self.text.pop();
    }
}

impl Deref for TextField {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<&str> for TextField {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{KeyCode, KeyModifiers};

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn types_characters_deletes_the_last_and_stops_when_full() {
        let mut field = TextField::new("1");
        assert!(field.type_key(&key(KeyCode::Char('2'), KeyModifiers::NONE)));
        assert!(!field.type_key(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(!field.type_key(&key(KeyCode::Enter, KeyModifiers::NONE)));
        assert_eq!(field, "12");
        field.delete_char();
        assert_eq!(field, "1");
        let mut full = TextField::new("x".repeat(MAX_FIELD_CHARS + 5));
        assert_eq!(full.chars().count(), MAX_FIELD_CHARS);
        assert!(!full.type_key(&key(KeyCode::Char('y'), KeyModifiers::NONE)));
    }
}
