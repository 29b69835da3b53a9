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

/// Every test (and config fixture) the README's reliability promises name exists, so a
/// promise cannot outlive the test that held it.
#[test]
fn every_reliability_promise_names_a_test_that_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("## Reliability promises")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Reliability promises section");
    let mut sources = String::new();
    for dir in ["src", "tests"] {
        collect_rust(&root.join(dir), &mut sources);
    }
    let mut named = 0;
    for row in section.lines().filter(|line| line.starts_with("| ")) {
        let Some(tests) = row.trim_end_matches('|').rsplit('|').next() else {
            continue;
        };
        for name in tests.split('`').skip(1).step_by(2) {
            if name == "Test" || name.contains(' ') {
                continue;
            }
            let is_test = sources.contains(&format!("fn {name}("));
            let is_fixture = root
                .join("tests/invalid_configs")
                .join(format!("{name}.toml"))
                .exists();
            assert!(
                is_test || is_fixture,
                "the README names `{name}`, which does not exist"
            );
            named += 1;
        }
    }
    assert!(named >= 20, "only {named} tests named");
}

fn collect_rust(dir: &std::path::Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}
