//! Every bad config, theme and keymap gets one clear message naming the file, line and column,
//! exit status 2, and the terminal is never entered. Each `tests/invalid_configs/NAME.toml` is
//! paired with `NAME.expected`, the exact message (`$ROOT` stands for the repository root).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use opsdeck::config::{
    self, BUILTIN_KEYMAPS, BUILTIN_THEMES, EnvironmentConfig, Keymap, NamedFile, Overrides, Theme,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn opsdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .current_dir(root())
        .env("XDG_CONFIG_HOME", root().join("tests/invalid_configs/xdg"))
        .env_remove("OPSDECK_CONFIG")
        .output()
        .expect("run opsdeck")
}

fn assert_config_error(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr).replace(root().to_str().unwrap(), "$ROOT");
    assert_eq!(stderr.trim_end(), expected.trim_end());
    assert_eq!(output.status.code(), Some(2), "exit status");
    // The terminal was never entered: nothing at all on stdout, no escape sequences.
    assert!(
        output.stdout.is_empty(),
        "stdout: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn every_invalid_config_gives_its_exact_message() {
    let dir = root().join("tests/invalid_configs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected file", path.display()));
        let relative = path
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        // Both `config check` and the dashboard itself refuse the file the same way.
        assert_config_error(&opsdeck(&["config", "check", &relative]), &expected);
        assert_config_error(&opsdeck(&["--demo", "--config", &relative]), &expected);
        checked += 1;
    }
    assert!(checked >= 16, "only {checked} invalid configs found");
}

#[test]
fn unknown_environment_from_the_flag() {
    let output = opsdeck(&[
        "--env",
        "staging",
        "--config",
        "assets/opsdeck.example.toml",
        "--demo",
    ]);
    assert_config_error(
        &output,
        "error: assets/opsdeck.example.toml: unknown environment \"staging\" (from --env); expected one of: basecoat-prod, ingeno-ecs-prod, local-moto",
    );
}

#[test]
fn missing_config_file() {
    let output = opsdeck(&["config", "check", "no/such/file.toml"]);
    assert_config_error(
        &output,
        "error: no/such/file.toml: cannot read the config file: No such file or directory (os error 2)",
    );
}

#[test]
fn unknown_theme_from_the_flag() {
    let output = opsdeck(&["--demo", "--theme", "neon"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: <built-in defaults>: unknown theme \"neon\"; expected one of default, light, high-contrast"),
        "{stderr}"
    );
    assert!(stderr.trim_end().ends_with("(from --theme)"), "{stderr}");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn bad_speed_is_refused_before_anything_runs() {
    let output = opsdeck(&["--demo", "--speed", "0"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "invalid value '0' for '--speed <SPEED>': 0 is out of range; expected 0.1 to 3600"
        ),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_example_config_checks_clean() {
    let output = opsdeck(&[
        "config",
        "check",
        "assets/opsdeck.example.toml",
        "--env",
        "basecoat-prod",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("config: assets/opsdeck.example.toml: ok\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("environment: basecoat-prod\n  region: us-east-1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("read-only: yes (the environment sets read_only = true)"),
        "{stdout}"
    );
    assert!(stdout.contains("  cpu_percent: 70 / 85\n"), "{stdout}");
}

#[test]
fn every_shipped_theme_and_keymap_loads() {
    for (name, _) in BUILTIN_THEMES {
        let theme = Theme::builtin(name).unwrap_or_else(|e| panic!("theme {name}: {e}"));
        assert_eq!(theme.name, name);
    }
    let lookup = |name: &str| {
        BUILTIN_KEYMAPS
            .iter()
            .find(|(builtin, _)| *builtin == name)
            .map(|(builtin, text)| NamedFile::builtin("keymap", builtin, text))
            .ok_or_else(|| format!("no keymap {name}"))
    };
    for (name, _) in BUILTIN_KEYMAPS {
        let file = lookup(name).unwrap();
        let keymap = Keymap::load(&file, &lookup).unwrap_or_else(|e| panic!("keymap {name}: {e}"));
        assert_eq!(keymap.name, name);
    }
}

#[test]
fn shipped_files_on_disk_are_the_embedded_ones() {
    for (name, text) in BUILTIN_THEMES {
        let on_disk = std::fs::read_to_string(root().join(format!("themes/{name}.toml"))).unwrap();
        assert_eq!(on_disk, text);
    }
    for (name, text) in BUILTIN_KEYMAPS {
        let on_disk = std::fs::read_to_string(root().join(format!("keymaps/{name}.toml"))).unwrap();
        assert_eq!(on_disk, text);
    }
}

#[test]
fn a_user_keymap_overrides_single_bindings() {
    let user = NamedFile::builtin(
        "keymap",
        "mine",
        "parent = \"vim\"\n[global]\nquit = { keys = [\"Q\"] }\n",
    );
    let lookup = |name: &str| {
        BUILTIN_KEYMAPS
            .iter()
            .find(|(builtin, _)| *builtin == name)
            .map(|(builtin, text)| NamedFile::builtin("keymap", builtin, text))
            .ok_or_else(|| format!("no keymap {name}"))
    };
    let keymap = Keymap::load(&user, &lookup).unwrap();
    let quit: Vec<String> = keymap
        .keys_for(opsdeck::msg::Action::Quit)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(quit, ["Q"]);
    // Inherited from vim, and from default through vim.
    let next: Vec<String> = keymap
        .keys_for(opsdeck::msg::Action::FocusNext)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(next, ["tab", "ctrl-w", "l"]);
    assert!(!keymap.keys_for(opsdeck::msg::Action::ToggleHelp).is_empty());
}

fn environment(read_only: Option<bool>) -> EnvironmentConfig {
    EnvironmentConfig {
        region: "us-east-1".to_owned(),
        profile: None,
        role_arn: None,
        external_id: None,
        role_session_name: None,
        endpoint_url: None,
        metrics_account_id: None,
        read_only,
        production: false,
        auto_scaling_groups: Vec::new(),
        target_groups: Vec::new(),
        load_balancers: Vec::new(),
        log_groups: Vec::new(),
        log_error_query: None,
        log_tail_filter: None,
        log_window_minutes: None,
        ecs_cluster: None,
        ecs_services: Vec::new(),
        rds_instances: Vec::new(),
        rds_proxy: None,
        certificate_arns: Vec::new(),
        cache_replication_groups: Vec::new(),
        aws_health: None,
        cache_clusters: Vec::new(),
        dynamodb_tables: Vec::new(),
        percentile_metrics: None,
        metrics: Vec::new(),
        alarm_name_prefixes: Vec::new(),
        alarm_names: Vec::new(),
        all_alarms: false,
        health_urls: Vec::new(),
        health_timeout_seconds: None,
        health_follow_redirects: false,
        health_ca_file: None,
        postgres_url_env: None,
        allow_superuser_termination: false,
    }
}

#[test]
fn read_only_precedence_flag_then_environment_then_global() {
    let flag = Overrides {
        read_only: true,
        ..Overrides::default()
    };
    let none = Overrides::default();
    let cases = [
        // (flag, environment, global) -> read-only
        (&flag, Some(false), Some(false), true),
        (&flag, None, None, true),
        (&none, Some(true), Some(false), true),
        (&none, Some(false), Some(true), false),
        (&none, None, Some(true), true),
        (&none, None, Some(false), false),
        (&none, None, None, false),
    ];
    for (overrides, environment_setting, global, expected) in cases {
        let env = environment(environment_setting);
        let (read_only, reason) = config::read_only_of(overrides, Some(&env), global);
        assert_eq!(read_only, expected, "{environment_setting:?} {global:?}");
        assert_eq!(reason.is_some(), expected);
    }
}

#[test]
fn config_is_found_by_flag_then_variable() {
    let explicit = Path::new("/tmp/explicit.toml");
    assert_eq!(config::locate(Some(explicit)), Some(explicit.to_owned()));
}

fn live_config(dir: &Path) -> PathBuf {
    let path = dir.join("live.toml");
    std::fs::write(
        &path,
        "[environments.local]\nregion = \"us-east-1\"\npostgres_url_env = \"OPSDECK_TEST_UNSET_URL\"\n",
    )
    .unwrap();
    path
}

#[test]
fn a_live_environment_names_what_is_missing_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let config = live_config(dir.path());
    let config = config.to_str().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["--config", config, "--env", "local"])
        .env_remove("OPSDECK_TEST_UNSET_URL")
        .output()
        .unwrap();
    assert_config_error(
        &output,
        "error: environment \"local\": postgres_url_env names OPSDECK_TEST_UNSET_URL, which is not set",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["--config", config, "--env", "local"])
        .env(
            "OPSDECK_TEST_UNSET_URL",
            "host=db.internal user=ops sslmode=sometimes",
        )
        .output()
        .unwrap();
    assert_config_error(
        &output,
        "error: OPSDECK_TEST_UNSET_URL: unknown sslmode \"sometimes\"; expected disable, prefer, require, verify-ca or verify-full",
    );
}

#[test]
fn no_environment_and_no_demo_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.toml");
    std::fs::write(&path, "theme = \"default\"\n").unwrap();
    let output = opsdeck(&["--config", path.to_str().unwrap()]);
    assert_config_error(
        &output,
        "error: no environment selected: pass --env NAME (see assets/opsdeck.example.toml) or run `opsdeck --demo`",
    );
}

/// Issue 17, item 7: a file that never ends (or is far too big to be a config) is refused
/// after 1 MiB instead of read until memory runs out.
#[test]
fn an_endless_config_file_is_refused() {
    let output = opsdeck(&["config", "check", "/dev/zero"]);
    assert_config_error(
        &output,
        "error: /dev/zero: cannot read the config file: it is larger than 1024 KiB; is it the right file?",
    );
}

/// Issue 17, item 7: a data or state directory that is a file is named, with the flag that
/// moves it, as the other config errors are: one line, exit 2, the terminal never entered.
#[test]
fn a_data_directory_that_is_a_file_is_one_line_not_a_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("data");
    std::fs::write(&blocker, "not a directory").unwrap();
    let journal = blocker.join("journal.jsonl");
    let incidents = dir.path().join("incidents");
    let log = dir.path().join("opsdeck.log");
    let output = opsdeck(&[
        "--demo",
        "--journal",
        journal.to_str().unwrap(),
        "--incident-dir",
        incidents.to_str().unwrap(),
        "--log-file",
        log.to_str().unwrap(),
    ]);
    assert_config_error(
        &output,
        &format!(
            "error: cannot write the audit journal {}: {} is a file, not a directory; move it away or pass --journal FILE",
            journal.display(),
            blocker.display()
        ),
    );
    let log_in_file = blocker.join("opsdeck.log");
    let output = opsdeck(&[
        "--demo",
        "--journal",
        dir.path().join("journal.jsonl").to_str().unwrap(),
        "--incident-dir",
        incidents.to_str().unwrap(),
        "--log-file",
        log_in_file.to_str().unwrap(),
    ]);
    assert_config_error(
        &output,
        &format!(
            "error: cannot write the log file {}: {} is a file, not a directory; move it away or pass --log-file FILE",
            log_in_file.display(),
            blocker.display()
        ),
    );
}

/// Issue 17, item 7: names from a config are printed without control characters.
#[test]
fn config_names_cannot_steer_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "default_environment = \"prod\\u001b[2J\\u202e\"\n[environments.staging]\nregion = \"us-east-1\"\n",
    )
    .unwrap();
    let output = opsdeck(&["config", "check", config.to_str().unwrap()]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{202e}'),
        "{stderr:?}"
    );
    assert!(
        stderr.contains("unknown environment \"prod�[2J�\""),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(2));
}

/// Issue 12, item 7: a load balancer given by its full ARN is read as CloudWatch's
/// `app/NAME/ID` dimension ("CloudWatch metrics for your Application Load Balancer").
#[test]
fn a_load_balancer_arn_becomes_its_dimension() {
    let text = "[environments.prod]\nregion = \"us-east-1\"\nload_balancers = [\"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/basecoat-portal/50dc6c495c0c9188\", \"app/basecoat-admin/73e2d6bc24d8a067\"]\n";
    let resolved =
        config::resolve(Path::new("config.toml"), text, &Overrides::default(), None).unwrap();
    assert_eq!(
        resolved.environment.unwrap().load_balancers,
        [
            "app/basecoat-portal/50dc6c495c0c9188",
            "app/basecoat-admin/73e2d6bc24d8a067"
        ]
    );
}
