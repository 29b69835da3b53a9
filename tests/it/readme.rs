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
    for dir in ["src", "crates", "tests"] {
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
    collect_rust_except(dir, None, out);
}

fn collect_rust_except(dir: &std::path::Path, except: Option<&std::path::Path>, out: &mut String) {
    if Some(dir) == except {
        return;
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust_except(&path, except, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// The AWS services whose permissions opsdeck names.
const SERVICES: [&str; 13] = [
    "autoscaling",
    "health",
    "elasticache",
    "acm",
    "rds",
    "elasticloadbalancing",
    "cloudwatch",
    "logs",
    "ecs",
    "ec2",
    "sts",
    "pi",
    "iam",
];

/// Permissions AWS checks on a call opsdeck makes without opsdeck calling them: UpdateAutoScalingGroup
/// with a launch template ("Control Amazon EC2 launch template usage in Auto Scaling groups",
/// Amazon EC2 Auto Scaling User Guide) checks `ec2:RunInstances`, and `iam:PassRole` /
/// `ec2:CreateTags` when the template has an instance profile / tags.
const CHECKED_BY_AWS: [&str; 3] = ["ec2:RunInstances", "iam:PassRole", "ec2:CreateTags"];

/// The `service:Operation` permissions named in the code (not its comments) under `paths`,
/// leaving out the directory `except`.
fn permissions_named_in(
    paths: &[&str],
    except: Option<&str>,
) -> std::collections::BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = String::new();
    for path in paths {
        let path = root.join(path);
        if path.is_dir() {
            collect_rust_except(
                &path,
                except.map(|dir| root.join(dir)).as_deref(),
                &mut sources,
            );
        } else {
            sources.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let code: String = sources
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = std::collections::BTreeSet::new();
    for service in SERVICES {
        let prefix = format!("{service}:");
        for (at, _) in code.match_indices(&prefix) {
            let before = code[..at].chars().next_back().unwrap_or(' ');
            let operation: String = code[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if !before.is_ascii_alphanumeric()
                && operation.starts_with(|c: char| c.is_ascii_uppercase())
            {
                found.insert(format!("{service}:{operation}"));
            }
        }
    }
    found
}

/// The operations the code sends through an AWS SDK client (`client.op()` .. `.send()` or
/// `.into_paginator()`), as `Operation` names.
fn sdk_calls() -> std::collections::BTreeSet<String> {
    let mut sources = String::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for crate_src in ["src", "crates/adapters/src"] {
        collect_rust(&root.join(crate_src), &mut sources);
    }
    let code: String = sources.split_whitespace().collect();
    let mut calls = std::collections::BTreeSet::new();
    for receiver in [
        "client.",
        "auto_scaling.",
        "ec2.",
        "ecs.",
        "elb.",
        "cloudwatch.",
        "logs.",
        "sts.",
    ] {
        for (at, _) in code.match_indices(receiver) {
            let rest = &code[at + receiver.len()..];
            let method: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            let statement = rest.split(';').next().unwrap_or_default();
            let sent = statement.contains(".send()") || statement.contains(".into_paginator()");
            if !method.is_empty() && rest[method.len()..].starts_with("()") && sent {
                let pascal: String = method
                    .split('_')
                    .map(|word| {
                        let mut chars = word.chars();
                        chars.next().map_or(String::new(), |first| {
                            first.to_ascii_uppercase().to_string() + chars.as_str()
                        })
                    })
                    .collect();
                calls.insert(pascal);
            }
        }
    }
    calls
}

/// The actions a policy in `assets/` allows.
fn policy_actions(name: &str) -> std::collections::BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name);
    let policy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|statement| statement["Action"].as_array().unwrap().clone())
        .map(|action| action.as_str().unwrap().to_owned())
        .collect()
}

/// Issue 12, item 6: the IAM policies in `assets/` grant exactly what the code calls: the
/// read-only policy every read (the rollback's version list included), the actions policy
/// every change and what AWS checks on it; every SDK call names its permission (so a refusal
/// can say which), and the README's actions table names every permission an action needs.
#[test]
fn the_iam_policies_grant_exactly_the_calls_the_code_makes() {
    // The AWS actions' executor is an adapter beside the readers; its calls are the changes.
    let executor = "crates/adapters/src/source/aws/actions";
    let reads = permissions_named_in(
        &["crates/adapters/src/source", "src/wiring.rs"],
        Some(executor),
    );
    let acting = permissions_named_in(
        &[
            "crates/core/src/action",
            "crates/adapters/src/action",
            executor,
        ],
        None,
    );
    let named: std::collections::BTreeSet<String> = reads.union(&acting).cloned().collect();
    let calls = sdk_calls();
    assert!(
        calls.len() >= 15,
        "only {} SDK calls found: {calls:?}",
        calls.len()
    );
    for call in &calls {
        assert!(
            // The SDK's snake_case loses the acronyms' case (describe_db_instances is
            // DescribeDBInstances), so the names are compared without case.
            named.iter().any(|p| p
                .to_lowercase()
                .ends_with(&format!(":{}", call.to_lowercase()))),
            "{call} is called but no code names its permission"
        );
    }
    assert_eq!(policy_actions("iam-read-only-policy.json"), reads);
    let changes: std::collections::BTreeSet<String> = acting
        .difference(&reads)
        .cloned()
        .chain(CHECKED_BY_AWS.iter().map(|p| (*p).to_owned()))
        .collect();
    assert_eq!(policy_actions("iam-actions-policy.json"), changes);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("### AWS actions")
        .nth(1)
        .and_then(|rest| rest.split("\n#").next())
        .unwrap();
    for permission in acting.iter().chain(&changes) {
        assert!(
            table.contains(&format!("`{permission}`")),
            "the README's actions table does not name `{permission}`"
        );
    }
}

/// Issue 13, item 2: an action's help text is written once, beside the action; the shipped
/// keymaps bind keys only, so no description in them can disagree with the help or the
/// README's key table.
#[test]
fn the_shipped_keymaps_bind_keys_only() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["default", "vim"] {
        let text =
            std::fs::read_to_string(root.join("keymaps").join(format!("{name}.toml"))).unwrap();
        let described: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim_start().starts_with('#') && line.contains("description"))
            .collect();
        assert!(described.is_empty(), "keymaps/{name}.toml: {described:?}");
    }
    let keymap = Keymap::builtin_default().unwrap();
    for section in Section::ALL {
        for binding in keymap.bindings(section) {
            assert_eq!(binding.description, binding.action.description());
        }
    }
}
