//! Themes: styles by meaning (ok, warn, crit, focus, danger, ...), never by colour name, so a
//! user can restyle every status at once. A theme may name a `parent` and override a few.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use crate::config::{BUILTIN_THEMES, ConfigError, NamedFile, find_builtin};

/// The semantic style names every theme defines (after inheritance).
pub const STYLE_NAMES: [&str; 14] = [
    "text",
    "muted",
    "title",
    "border",
    "focus",
    "selection",
    "header",
    "ok",
    "warn",
    "crit",
    "unknown",
    "danger",
    "chart",
    "badge",
];

/// A resolved theme: one style per semantic name.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub muted: Style,
    pub title: Style,
    pub border: Style,
    pub focus: Style,
    pub selection: Style,
    pub header: Style,
    pub ok: Style,
    pub warn: Style,
    pub crit: Style,
    pub unknown: Style,
    pub danger: Style,
    pub chart: Style,
    pub badge: Style,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    parent: Option<Spanned<String>>,
    #[serde(default)]
    styles: BTreeMap<String, Spanned<StyleSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<Spanned<String>>,
    bg: Option<Spanned<String>>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    dim: bool,
}

impl Theme {
    /// Loads `file` over its parent chain; the built-in `default` is the root of every chain.
    pub fn load(
        file: &NamedFile,
        lookup: &dyn Fn(&str) -> Result<NamedFile, String>,
    ) -> Result<Self, ConfigError> {
        let mut chain = vec![(file.clone(), parse(file)?)];
        loop {
            let (last_file, last_parsed) = chain
                .last()
                .map(|(f, p)| (f.clone(), p))
                .ok_or_else(|| ConfigError::file(&file.label, "empty theme chain"))?;
            let parent = match &last_parsed.parent {
                Some(parent) => parent.clone(),
                None if last_file.is_builtin_default() => break,
                None => Spanned::new(0..0, "default".to_owned()),
            };
            let parent_file = lookup(parent.get_ref()).map_err(|message| {
                ConfigError::at(
                    &last_file.label,
                    &last_file.text,
                    Some(parent.span()),
                    message,
                )
            })?;
            if chain
                .iter()
                .any(|(seen, _)| seen.label == parent_file.label)
            {
                return Err(ConfigError::at(
                    &last_file.label,
                    &last_file.text,
                    Some(parent.span()),
                    format!("theme parent \"{}\" makes a cycle", parent.get_ref()),
                ));
            }
            let parsed = parse(&parent_file)?;
            chain.push((parent_file, parsed));
        }
        let mut styles: BTreeMap<&'static str, Style> = BTreeMap::new();
        for (named, parsed) in chain.iter().rev() {
            for (name, spec) in &parsed.styles {
                let known = STYLE_NAMES
                    .iter()
                    .find(|known| **known == name)
                    .ok_or_else(|| {
                        ConfigError::at(
                            &named.label,
                            &named.text,
                            Some(spec.span()),
                            format!(
                                "unknown style `{name}`; expected one of: {}",
                                STYLE_NAMES.join(", ")
                            ),
                        )
                    })?;
                styles.insert(known, to_style(named, spec.get_ref())?);
            }
        }
        let pick = |name: &str| -> Result<Style, ConfigError> {
            styles.get(name).copied().ok_or_else(|| {
                ConfigError::file(&file.label, format!("theme defines no style `{name}`"))
            })
        };
        Ok(Self {
            name: file.name.clone(),
            text: pick("text")?,
            muted: pick("muted")?,
            title: pick("title")?,
            border: pick("border")?,
            focus: pick("focus")?,
            selection: pick("selection")?,
            header: pick("header")?,
            ok: pick("ok")?,
            warn: pick("warn")?,
            crit: pick("crit")?,
            unknown: pick("unknown")?,
            danger: pick("danger")?,
            chart: pick("chart")?,
            badge: pick("badge")?,
        })
    }
}

impl Theme {
    /// A shipped theme by name (`default`, `light`, `high-contrast`).
    pub fn builtin(name: &str) -> Result<Self, ConfigError> {
        let lookup = |name: &str| find_builtin("theme", name, &BUILTIN_THEMES);
        let file = lookup(name)
            .map_err(|message| ConfigError::file(std::path::Path::new("<built-in>"), message))?;
        Self::load(&file, &lookup)
    }
}

fn parse(file: &NamedFile) -> Result<ThemeFile, ConfigError> {
    toml::from_str(&file.text)
        .map_err(|error| ConfigError::from_toml(&file.label, &file.text, &error))
}

fn to_style(file: &NamedFile, spec: &StyleSpec) -> Result<Style, ConfigError> {
    let mut style = Style::default();
    if let Some(fg) = &spec.fg {
        style = style.fg(parse_color(file, fg)?);
    }
    if let Some(bg) = &spec.bg {
        style = style.bg(parse_color(file, bg)?);
    }
    let flags = [
        (spec.bold, Modifier::BOLD),
        (spec.italic, Modifier::ITALIC),
        (spec.underline, Modifier::UNDERLINED),
        (spec.reversed, Modifier::REVERSED),
        (spec.dim, Modifier::DIM),
    ];
    for (set, modifier) in flags {
        if set {
            style = style.add_modifier(modifier);
        }
    }
    Ok(style)
}

fn parse_color(file: &NamedFile, value: &Spanned<String>) -> Result<Color, ConfigError> {
    Color::from_str(value.get_ref()).map_err(|_| {
        ConfigError::at(
            &file.label,
            &file.text,
            Some(value.span()),
            format!(
                "unknown colour \"{}\"; expected a name (red, lightblue, darkgray, ...), \"#rrggbb\" or an index 0-255",
                value.get_ref()
            ),
        )
    })
}
