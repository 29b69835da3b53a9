//! The `[environments.NAME]` table discovery writes: every setting on its own line, a comment
//! saying where it came from, and nothing the user must edit before opening it.

use super::{Selection, TagFilter};

/// Where the resources were read, as the table must say to read them again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    pub account: Option<String>,
    pub region: String,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub endpoint_url: Option<String>,
    pub filters: Vec<TagFilter>,
    /// When, already formatted (the core reads no clock).
    pub written_at: String,
}

/// The environment's name: `explicit` (checked), else the filters' values (`acme-prod` for
/// `--tag customer=acme --tag env=prod`), else the profile, else `discovered`.
pub fn environment_name(
    explicit: Option<&str>,
    filters: &[TagFilter],
    profile: Option<&str>,
) -> Result<String, String> {
    if let Some(name) = explicit {
        if name.is_empty() || !name.chars().all(is_name_char) {
            return Err(format!(
                "--name \"{name}\" is not a usable environment name; use letters, digits, '-' and '_' (it is typed after --env)"
            ));
        }
        return Ok(name.to_owned());
    }
    let from_tags: Vec<&str> = filters
        .iter()
        .map(|filter| filter.value.as_str())
        .filter(|value| !value.is_empty())
        .collect();
    let raw = if from_tags.is_empty() {
        profile.unwrap_or("discovered").to_owned()
    } else {
        from_tags.join("-")
    };
    let name: String = raw
        .chars()
        .map(|c| if is_name_char(c) { c } else { '-' })
        .collect();
    Ok(name)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The table, as TOML text that `opsdeck config check` accepts.
pub fn render_table(name: &str, origin: &Origin, selection: &Selection) -> String {
    let mut lines = header(origin);
    lines.push(format!("[environments.{name}]"));
    lines.push(format!("region = {}", quoted(&origin.region)));
    let optional = [
        ("profile", &origin.profile),
        ("role_arn", &origin.role_arn),
        ("external_id", &origin.external_id),
        ("endpoint_url", &origin.endpoint_url),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            lines.push(format!("{key} = {}", quoted(value)));
        }
    }
    lines.push(
        "read_only = true                        # watch only; set false to allow actions"
            .to_owned(),
    );
    push_list(
        &mut lines,
        "auto_scaling_groups",
        &selection.auto_scaling_groups,
    );
    push_list(&mut lines, "target_groups", &selection.target_groups);
    push_list(&mut lines, "load_balancers", &selection.load_balancers);
    if let Some(cluster) = &selection.ecs_cluster {
        lines.push(format!("ecs_cluster = {}", quoted(cluster)));
    }
    push_list(&mut lines, "ecs_services", &selection.ecs_services);
    push_list(&mut lines, "rds_instances", &selection.rds_instances);
    push_list(
        &mut lines,
        "cache_replication_groups",
        &selection.cache_replication_groups,
    );
    push_list(&mut lines, "cache_clusters", &selection.cache_clusters);
    push_list(&mut lines, "log_groups", &selection.log_groups);
    push_list(&mut lines, "alarm_names", &selection.alarm_names);
    if selection.all_alarms {
        lines.push(
            "all_alarms = true                       # every alarm of the account and Region"
                .to_owned(),
        );
    }
    lines.push(String::new());
    lines.join("\n")
}

fn header(origin: &Origin) -> Vec<String> {
    let account = origin
        .account
        .as_deref()
        .map_or(String::new(), |account| format!("account {account}, "));
    let scope = if origin.filters.is_empty() {
        "every resource".to_owned()
    } else {
        let filters: Vec<String> = origin.filters.iter().map(ToString::to_string).collect();
        format!("resources tagged {}", filters.join(" and "))
    };
    vec![
        format!(
            "# Written by `opsdeck discover` on {}: {account}{}, {scope}.",
            origin.written_at, origin.region
        ),
        "# Check it with `opsdeck config check`; see the example config for every setting."
            .to_owned(),
    ]
}

fn push_list(lines: &mut Vec<String>, key: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    let items: Vec<String> = values.iter().map(|value| quoted(value)).collect();
    let one_line = format!("{key} = [{}]", items.join(", "));
    if one_line.len() <= 100 {
        lines.push(one_line);
        return;
    }
    lines.push(format!("{key} = ["));
    lines.extend(items.iter().map(|item| format!("    {item},")));
    lines.push("]".to_owned());
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
fn quoted(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_flag_the_tags_or_the_profile() {
        let tags = [
            TagFilter::parse("customer=acme").unwrap(),
            TagFilter::parse("env=prod eu").unwrap(),
        ];
        assert_eq!(environment_name(Some("x_1"), &tags, None).unwrap(), "x_1");
        assert_eq!(
            environment_name(None, &tags, Some("p")).unwrap(),
            "acme-prod-eu"
        );
        assert_eq!(environment_name(None, &[], Some("prod")).unwrap(), "prod");
        assert_eq!(environment_name(None, &[], None).unwrap(), "discovered");
        assert_eq!(
            environment_name(Some("a b"), &[], None).unwrap_err(),
            "--name \"a b\" is not a usable environment name; use letters, digits, '-' and '_' (it is typed after --env)"
        );
    }

    #[test]
    fn long_lists_are_written_one_item_a_line_and_strings_are_escaped() {
        let selection = Selection {
            log_groups: (0..6)
                .map(|i| format!("/aws/ecs/customer-service-{i}"))
                .collect(),
            ecs_cluster: Some("say \"hi\"".to_owned()),
            ..Selection::default()
        };
        let origin = Origin {
            region: "eu-west-1".to_owned(),
            written_at: "2026-11-30 19:00 UTC".to_owned(),
            ..Origin::default()
        };
        let text = render_table("acme", &origin, &selection);
        assert!(
            text.contains("log_groups = [\n    \"/aws/ecs/customer-service-0\",\n"),
            "{text}"
        );
        let parsed: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(
            parsed["environments"]["acme"]["log_groups"]
                .as_array()
                .unwrap()
                .len(),
            6
        );
        assert_eq!(
            parsed["environments"]["acme"]["ecs_cluster"].as_str(),
            Some("say \"hi\""),
            "quotes survive the round trip"
        );
    }
}

/// What is wrong with where discovery is asked to read (a Region, endpoint or role ARN the
/// config file would refuse), found by the config file's own rules before any call is made.
pub fn origin_problem(origin: &Origin) -> Option<String> {
    let text = render_table("discovered", origin, &Selection::default());
    toml::from_str::<crate::config::ConfigFile>(&text)
        .err()
        .map(|error| error.message().trim().to_owned())
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    #[test]
    fn a_bad_region_or_role_is_refused_with_the_config_files_words() {
        let origin = |region: &str, role: Option<&str>| Origin {
            region: region.to_owned(),
            role_arn: role.map(str::to_owned),
            ..Origin::default()
        };
        assert_eq!(origin_problem(&origin("eu-west-1", None)), None);
        assert_eq!(
            origin_problem(&origin("euwest1", None)).unwrap(),
            "\"euwest1\" is not an AWS region name; expected one like us-east-1 or eu-west-2"
        );
        assert!(
            origin_problem(&origin("eu-west-1", Some("arn:aws:iam::1:user/x")))
                .unwrap()
                .starts_with("role_arn: \"arn:aws:iam::1:user/x\" is not an IAM role ARN")
        );
    }
}
