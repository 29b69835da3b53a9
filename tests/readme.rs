//! The README's key table is generated from the default keymap, so the two never disagree.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use opsdeck::config::{Keymap, Section};

/// The markdown table of the default keymap, as the README must show it.
fn key_table() -> String {
    let keymap = Keymap::builtin_default().unwrap();
    let mut out = String::from("| Mode | Keys | Action |\n| --- | --- | --- |\n");
    for section in Section::ALL {
        for binding in keymap.bindings(section) {
            let keys: Vec<String> = binding.keys.iter().map(|key| format!("`{key}`")).collect();
            out.push_str(&format!(
                "| {} | {} | {} (`{}`) |\n",
                section.name(),
                keys.join(" "),
                binding.description,
                binding.action.name()
            ));
        }
    }
    out
}

#[test]
fn readme_key_table_matches_the_default_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = key_table();
    assert!(
        readme.contains(&table),
        "README.md's key table is out of date; replace it with:\n\n{table}"
    );
}

#[test]
fn readme_gives_the_two_fresh_machine_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- --demo"));
    assert!(readme.contains(".ci/test"));
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        ci.lines().any(|line| line.trim() == ".ci/test"),
        "CI must run the README's test command"
    );
}
