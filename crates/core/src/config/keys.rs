//! Key chords: parsing the keymap's spelling (`ctrl-c`, `shift-tab`, `G`, `pgdn`) and matching
//! the terminal's key events (as `crate::key`) against it.

use std::fmt;

use crate::key::{KeyCode, KeyEvent, KeyModifiers};

/// One key with its modifiers, normalised so that `G` and `shift-g` are the same chord.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const NAMED_KEYS: [(&str, KeyCode); 17] = [
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
    ("minus", KeyCode::Char('-')),
];

impl KeyChord {
    /// A chord of `code` with `modifiers`, normalised.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let relevant = KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT;
        let mut modifiers = modifiers & relevant;
        let mut code = code;
        match code {
            // The character already carries shift (`G`, `?`): drop the modifier.
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                if modifiers.contains(KeyModifiers::CONTROL) {
                    code = KeyCode::Char(c.to_ascii_lowercase());
                }
            }
            KeyCode::BackTab => {
                code = KeyCode::Tab;
                modifiers.insert(KeyModifiers::SHIFT);
            }
            _ => {}
        }
        Self { code, modifiers }
    }

    /// The chord a terminal key event stands for.
    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }

    /// Parses the keymap spelling; the error says what was expected.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err(
                "empty key; expected a key such as \"q\", \"ctrl-c\" or \"pgdn\"".to_owned(),
            );
        }
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, modifier) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            if rest.len() == prefix.len() {
                break;
            }
            modifiers.insert(modifier);
            rest = &rest[prefix.len()..];
        }
        let code = parse_code(rest).ok_or_else(|| {
            format!(
                "unknown key \"{text}\"; expected a single character, f1-f12, or one of: {}, with optional ctrl-, alt-, shift- prefixes",
                NAMED_KEYS.map(|(name, _)| name).join(", ")
            )
        })?;
        let code = match code {
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            }
            other => other,
        };
        Ok(Self::new(code, modifiers))
    }
}

fn parse_code(text: &str) -> Option<KeyCode> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeyCode::Char(c));
    }
    let lower = text.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "pageup" => "pgup",
        "pagedown" => "pgdn",
        "escape" => "esc",
        "return" => "enter",
        other => other,
    };
    if let Some((_, code)) = NAMED_KEYS.iter().find(|(name, _)| *name == alias) {
        return Some(*code);
    }
    let number = alias.strip_prefix('f')?.parse::<u8>().ok()?;
    (1..=12).contains(&number).then_some(KeyCode::F(number))
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(number) => write!(f, "f{number}"),
            code => {
                let name = NAMED_KEYS
                    .iter()
                    .find(|(_, named)| *named == code)
                    .map_or("?", |(name, _)| name);
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_named_and_modified_keys() {
        assert_eq!(
            KeyChord::parse("q"),
            Ok(KeyChord::new(KeyCode::Char('q'), KeyModifiers::NONE))
        );
        assert_eq!(
            KeyChord::parse("ctrl-c"),
            Ok(KeyChord::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            KeyChord::parse("PgDn"),
            Ok(KeyChord::new(KeyCode::PageDown, KeyModifiers::NONE))
        );
        assert_eq!(
            KeyChord::parse("f5"),
            Ok(KeyChord::new(KeyCode::F(5), KeyModifiers::NONE))
        );
    }

    #[test]
    fn shift_letter_is_the_capital() {
        assert_eq!(KeyChord::parse("shift-g"), KeyChord::parse("G"));
        let event = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Ok(KeyChord::from_event(&event)), KeyChord::parse("G"));
    }

    #[test]
    fn backtab_is_shift_tab() {
        let event = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            Ok(KeyChord::from_event(&event)),
            KeyChord::parse("shift-tab")
        );
    }

    #[test]
    fn display_round_trips() {
        for text in ["q", "ctrl-c", "shift-tab", "pgdn", "f1", "space", "G", "?"] {
            let chord = KeyChord::parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(chord.to_string(), text);
        }
    }

    #[test]
    fn unknown_key_names_what_is_expected() {
        let error = KeyChord::parse("ctrl-banana").unwrap_err();
        assert!(error.starts_with("unknown key \"ctrl-banana\"; expected a single character"));
        assert!(KeyChord::parse("").is_err());
    }
}
