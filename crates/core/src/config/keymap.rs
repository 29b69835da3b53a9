//! Keymaps: sections per mode mapping action names to keys, with a description per binding.
//! Shipped presets are embedded; a file may name a `parent` and override single bindings.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::error::ConfigError;
use super::keys::KeyChord;
use super::named_file::NamedFile;
use crate::key_action::Action;
pub use crate::key_action::Section;

/// Which keys are live: the normal screen, typing a filter, or reading help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputMode {
    Normal,
    Filter,
    Help,
    /// Typing a value (a desired capacity) for a proposal.
    Prompt,
    /// The confirm dialog of a proposal is open.
    Confirm,
    /// The health checklist is open.
    Checklist,
    /// Typing an incident form (declare, note, resolve).
    Form,
    /// The incident's messages are open.
    Messages,
}

/// One action with its keys and help text.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<KeyChord>,
    pub description: String,
}

/// A resolved keymap.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    pub name: String,
    sections: BTreeMap<Section, Vec<Binding>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    parent: Option<Spanned<String>>,
    global: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    pane: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    filter: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    help: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    dialog: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    prompt: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    checklist: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    form: Option<BTreeMap<String, Spanned<BindingSpec>>>,
    messages: Option<BTreeMap<String, Spanned<BindingSpec>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingSpec {
    keys: Vec<Spanned<String>>,
    description: Option<String>,
}

/// Where a key was bound, to name it in a conflict.
#[derive(Debug, Clone)]
struct Origin<'a> {
    file: &'a NamedFile,
    span: Option<std::ops::Range<usize>>,
}

impl Keymap {
    /// Loads `file` over its parent chain (`lookup` finds parents by name); the built-in
    /// `default` is the root of every chain.
    pub fn load(
        file: &NamedFile,
        lookup: &dyn Fn(&str) -> Result<NamedFile, String>,
    ) -> Result<Self, ConfigError> {
        let mut chain = vec![file.clone()];
        let mut current = parse(file)?;
        while let Some(parent) = parent_name(&current, &chain) {
            let parent_file = lookup(parent.get_ref()).map_err(|message| {
                let last = chain.last().unwrap_or(file);
                ConfigError::at(&last.label, &last.text, Some(parent.span()), message)
            })?;
            if chain.iter().any(|seen| seen.label == parent_file.label) {
                let last = chain.last().unwrap_or(file);
                return Err(ConfigError::at(
                    &last.label,
                    &last.text,
                    Some(parent.span()),
                    format!("keymap parent \"{}\" makes a cycle", parent.get_ref()),
                ));
            }
            current = parse(&parent_file)?;
            chain.push(parent_file);
        }
        let mut keymap = Self {
            name: file.name.clone(),
            sections: BTreeMap::new(),
        };
        let mut origins: BTreeMap<(Section, Action), Origin<'_>> = BTreeMap::new();
        for named in chain.iter().rev() {
            let parsed = parse(named)?;
            keymap.overlay(named, &parsed, &mut origins)?;
        }
        keymap.check_conflicts(&origins)?;
        Ok(keymap)
    }

    fn overlay<'a>(
        &mut self,
        named: &'a NamedFile,
        parsed: &KeymapFile,
        origins: &mut BTreeMap<(Section, Action), Origin<'a>>,
    ) -> Result<(), ConfigError> {
        for section in Section::ALL {
            let Some(entries) = section_entries(parsed, section) else {
                continue;
            };
            for (name, spec) in entries {
                let action = resolve_action(named, section, name, spec)?;
                let keys = spec
                    .get_ref()
                    .keys
                    .iter()
                    .map(|key| {
                        KeyChord::parse(key.get_ref()).map_err(|message| {
                            ConfigError::at(&named.label, &named.text, Some(key.span()), message)
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some(position) = keys.iter().position(|key| is_habit_key(*key))
                    && action == Action::DialogConfirm
                {
                    let key = &spec.get_ref().keys[position];
                    return Err(ConfigError::at(
                        &named.label,
                        &named.text,
                        Some(key.span()),
                        format!(
                            "dialog_confirm cannot be bound to \"{}\": a key pressed by habit must never confirm a change (Enter presses the focused button, which starts on Cancel)",
                            key.get_ref()
                        ),
                    ));
                }
                let description = spec
                    .get_ref()
                    .description
                    .clone()
                    .unwrap_or_else(|| action.description().to_owned());
                let bindings = self.sections.entry(section).or_default();
                bindings.retain(|binding| binding.action != action);
                bindings.push(Binding {
                    action,
                    keys,
                    description,
                });
                origins.insert(
                    (section, action),
                    Origin {
                        file: named,
                        span: Some(spec.span()),
                    },
                );
            }
        }
        for bindings in self.sections.values_mut() {
            // Help lists actions in the order the section declares them.
            bindings.sort_by_key(|binding| {
                Action::ALL
                    .iter()
                    .position(|action| *action == binding.action)
            });
        }
        Ok(())
    }

    fn check_conflicts(
        &self,
        origins: &BTreeMap<(Section, Action), Origin<'_>>,
    ) -> Result<(), ConfigError> {
        let mut seen: BTreeMap<(u8, String), (Section, Action)> = BTreeMap::new();
        for (section, bindings) in &self.sections {
            for binding in bindings {
                for key in &binding.keys {
                    let slot = (section.layer(), key.to_string());
                    if let Some((first_section, first_action)) = seen.get(&slot) {
                        // Point at the user's file, where the conflict was introduced.
                        let second = origins.get(&(*section, binding.action));
                        let first = origins.get(&(*first_section, *first_action));
                        let origin = match (first, second) {
                            (Some(first), Some(second))
                                if second.file.is_builtin() && !first.file.is_builtin() =>
                            {
                                Some(first)
                            }
                            (_, second) => second,
                        };
                        let message = format!(
                            "key \"{key}\" is bound twice: to {} in [{}] and to {} in [{}]",
                            first_action.name(),
                            first_section.name(),
                            binding.action.name(),
                            section.name()
                        );
                        return Err(match origin {
                            Some(origin) => ConfigError::at(
                                &origin.file.label,
                                &origin.file.text,
                                origin.span.clone(),
                                message,
                            ),
                            None => ConfigError::file(Path::new(&self.name), message),
                        });
                    }
                    seen.insert(slot, (*section, binding.action));
                }
            }
        }
        Ok(())
    }

    /// The shipped default keymap.
    pub fn builtin_default() -> Result<Self, ConfigError> {
        let lookup = |name: &str| super::find_builtin("keymap", name, &super::BUILTIN_KEYMAPS);
        let file = lookup("default")
            .map_err(|message| ConfigError::file(Path::new("<built-in>"), message))?;
        Self::load(&file, &lookup)
    }

    /// The action `chord` triggers in `mode`, if any.
    pub fn action_for(&self, mode: InputMode, chord: KeyChord) -> Option<Action> {
        let sections: &[Section] = match mode {
            InputMode::Normal => &[Section::Pane, Section::Global],
            InputMode::Filter => &[Section::Filter],
            InputMode::Help => &[Section::Help],
            InputMode::Confirm => &[Section::Dialog],
            InputMode::Prompt => &[Section::Prompt],
            InputMode::Checklist => &[Section::Checklist],
            InputMode::Form => &[Section::Form],
            InputMode::Messages => &[Section::Messages],
        };
        sections
            .iter()
            .filter_map(|section| self.sections.get(section))
            .flatten()
            .find(|binding| binding.keys.contains(&chord))
            .map(|binding| binding.action)
    }

    /// The bindings of `section`, in a stable order (for the help screen).
    pub fn bindings(&self, section: Section) -> &[Binding] {
        self.sections.get(&section).map_or(&[], Vec::as_slice)
    }

    /// The keys bound to `action`, in any section.
    pub fn keys_for(&self, action: Action) -> &[KeyChord] {
        self.sections
            .values()
            .flatten()
            .find(|binding| binding.action == action)
            .map_or(&[], |binding| binding.keys.as_slice())
    }
}

fn parse(file: &NamedFile) -> Result<KeymapFile, ConfigError> {
    toml::from_str(&file.text)
        .map_err(|error| ConfigError::from_toml(&file.label, &file.text, &error))
}

/// The parent to load next: the file's own, else `default` unless we are at the root.
fn parent_name(parsed: &KeymapFile, chain: &[NamedFile]) -> Option<Spanned<String>> {
    if let Some(parent) = &parsed.parent {
        return Some(parent.clone());
    }
    let at_root = chain.last().is_some_and(|file| file.is_builtin_default());
    (!at_root).then(|| Spanned::new(0..0, "default".to_owned()))
}

fn section_entries(
    parsed: &KeymapFile,
    section: Section,
) -> Option<&BTreeMap<String, Spanned<BindingSpec>>> {
    match section {
        Section::Global => parsed.global.as_ref(),
        Section::Pane => parsed.pane.as_ref(),
        Section::Filter => parsed.filter.as_ref(),
        Section::Help => parsed.help.as_ref(),
        Section::Dialog => parsed.dialog.as_ref(),
        Section::Prompt => parsed.prompt.as_ref(),
        Section::Checklist => parsed.checklist.as_ref(),
        Section::Form => parsed.form.as_ref(),
        Section::Messages => parsed.messages.as_ref(),
    }
}

fn resolve_action(
    named: &NamedFile,
    section: Section,
    name: &str,
    spec: &Spanned<BindingSpec>,
) -> Result<Action, ConfigError> {
    Action::from_name(name)
        .filter(|action| section.actions().contains(action))
        .ok_or_else(|| {
            let expected: Vec<&str> = section.actions().iter().map(|a| a.name()).collect();
            ConfigError::at(
                &named.label,
                &named.text,
                Some(spec.span()),
                format!(
                    "unknown action `{name}` in [{}]; expected one of: {}",
                    section.name(),
                    expected.join(", ")
                ),
            )
        })
}

/// Enter and Space are pressed by habit, to dismiss whatever is on screen: the confirm key
/// must be one pressed on purpose.
fn is_habit_key(chord: KeyChord) -> bool {
    use crate::key::{KeyCode, KeyModifiers};
    chord.modifiers == KeyModifiers::NONE
        && matches!(chord.code, KeyCode::Enter | KeyCode::Char(' '))
}
