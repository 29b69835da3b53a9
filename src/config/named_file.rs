//! Themes and keymaps by name: a file in the user's config dir, a shipped preset embedded in
//! the binary, or an explicit path.

use std::path::{Path, PathBuf};

/// Shipped themes, embedded so the binary runs alone.
pub const BUILTIN_THEMES: [(&str, &str); 3] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// Shipped keymaps.
pub const BUILTIN_KEYMAPS: [(&str, &str); 2] = [
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
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

    /// True for a file embedded in the binary.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// True for the embedded `default`, the root of every parent chain.
    pub fn is_builtin_default(&self) -> bool {
        self.builtin && self.name == "default"
    }
}

/// Finds `name` of `kind` ("theme" or "keymap"): `name.toml` in `user_dir`, else a shipped
/// preset, else `name` as a path to a `.toml` file. The error lists what exists.
pub fn find(
    kind: &str,
    name: &str,
    user_dir: Option<&Path>,
    builtins: &[(&str, &str)],
) -> Result<NamedFile, String> {
    if let Some(dir) = user_dir {
        let candidate = dir.join(format!("{name}.toml"));
        if candidate.is_file() {
            return read(name, &candidate);
        }
    }
    if let Some((_, text)) = builtins.iter().find(|(builtin, _)| *builtin == name) {
        return Ok(NamedFile::builtin(kind, name, text));
    }
    let as_path = Path::new(name);
    if name.ends_with(".toml") && as_path.is_file() {
        return read(name, as_path);
    }
    let shipped: Vec<&str> = builtins.iter().map(|(builtin, _)| *builtin).collect();
    let user_hint = user_dir.map_or(String::new(), |dir| {
        format!(", a file NAME.toml in {}", dir.display())
    });
    Err(format!(
        "unknown {kind} \"{name}\"; expected one of {}{user_hint}, or a path to a .toml file",
        shipped.join(", ")
    ))
}

fn read(name: &str, path: &Path) -> Result<NamedFile, String> {
    let text = super::read_capped(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Ok(NamedFile {
        name: name.to_owned(),
        label: path.to_owned(),
        text,
        builtin: false,
    })
}
