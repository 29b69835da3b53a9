//! Themes and keymaps by name: a file in the user's config dir, a shipped preset embedded in
//! the binary, or an explicit path.

use std::path::{Path, PathBuf};

/// Shipped themes, embedded so the binary runs alone.
pub const BUILTIN_THEMES: [(&str, &str); 3] = [
    ("default", include_str!("../../../../themes/default.toml")),
    ("light", include_str!("../../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../../themes/high-contrast.toml"),
    ),
];

/// Shipped keymaps.
pub const BUILTIN_KEYMAPS: [(&str, &str); 2] = [
    ("default", include_str!("../../../../keymaps/default.toml")),
    ("vim", include_str!("../../../../keymaps/vim.toml")),
];

/// A theme or keymap file's text, with the label its errors are reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFile {
    pub name: String,
    /// The path, or `<built-in theme default>` for an embedded file.
    pub label: PathBuf,
    pub text: String,
    builtin: bool,
}

impl NamedFile {
    /// An embedded file.
    pub fn builtin(kind: &str, name: &str, text: &str) -> Self {
        Self {
            name: name.to_owned(),
            label: PathBuf::from(format!("<built-in {kind} {name}>")),
            text: text.to_owned(),
            builtin: true,
        }
    }

    /// A file read from `path`.
    pub fn from_file(name: &str, path: &Path, text: String) -> Self {
        Self {
            name: name.to_owned(),
            label: path.to_owned(),
            text,
            builtin: false,
        }
    }

    /// True for a file embedded in the binary.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// True for the embedded `default`, the root of every parent chain.
    pub fn is_builtin_default(&self) -> bool {
        self.builtin && self.name == "default"
    }
}

/// The shipped preset `name` of `kind` ("theme" or "keymap"), if there is one.
pub fn builtin_named(kind: &str, name: &str, builtins: &[(&str, &str)]) -> Option<NamedFile> {
    builtins
        .iter()
        .find(|(builtin, _)| *builtin == name)
        .map(|(_, text)| NamedFile::builtin(kind, name, text))
}

/// The shipped preset `name` of `kind`, or the error listing what exists: the lookup of
/// built-in themes and keymaps, whose parents are built-ins too.
pub fn find_builtin(
    kind: &str,
    name: &str,
    builtins: &[(&str, &str)],
) -> Result<NamedFile, String> {
    builtin_named(kind, name, builtins).ok_or_else(|| unknown_name(kind, name, None, builtins))
}

/// The error for a name that is no user file, preset or path: it lists what exists.
pub fn unknown_name(
    kind: &str,
    name: &str,
    user_dir: Option<&Path>,
    builtins: &[(&str, &str)],
) -> String {
    let shipped: Vec<&str> = builtins.iter().map(|(builtin, _)| *builtin).collect();
    let user_hint = user_dir.map_or(String::new(), |dir| {
        format!(", a file NAME.toml in {}", dir.display())
    });
    format!(
        "unknown {kind} \"{name}\"; expected one of {}{user_hint}, or a path to a .toml file",
        shipped.join(", ")
    )
}
