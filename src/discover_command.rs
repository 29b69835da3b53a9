//! `opsdeck discover`: read what an account holds and write the environment table that
//! watches it, so a new user sees their own account without writing TOML. Printed by default;
//! `--write` appends it to the config file after a backup, and never replaces an environment.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::DiscoverArgs;
use crate::config::{self, Overrides};
use crate::discovery::{
    Inventory, Origin, Selection, TagFilter, environment_name, origin_problem, render_table, select,
};
use crate::session::EXIT_CONFIG;
use crate::source::aws::discovery::discover;
use crate::source::aws::{AssumeRole, AwsClients, AwsSettings, profile_needs_mfa};

/// Exit status when the account could not be read or held nothing to watch.
const EXIT_NOTHING_DISCOVERED: u8 = 1;

/// A refusal and the exit status it carries: nothing is written on either.
struct Refusal {
    message: String,
    code: u8,
}

impl Refusal {
    fn input(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: EXIT_CONFIG,
        }
    }

    fn discovery(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: EXIT_NOTHING_DISCOVERED,
        }
    }
}

/// Runs discovery; the exit status says how it went.
pub fn run(args: &DiscoverArgs, config_flag: Option<&Path>) -> ExitCode {
    match discover_and_emit(args, config_flag) {
        Ok(()) => ExitCode::SUCCESS,
        Err(refusal) => {
            eprintln!("error: {}", refusal.message);
            ExitCode::from(refusal.code)
        }
    }
}

fn discover_and_emit(args: &DiscoverArgs, config_flag: Option<&Path>) -> Result<(), Refusal> {
    let filters = args
        .tags
        .iter()
        .map(|text| TagFilter::parse(text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Refusal::input)?;
    let mut origin = origin_of(args, filters)?;
    let name = environment_name(
        args.name.as_deref(),
        &origin.filters,
        origin.profile.as_deref(),
    )
    .map_err(Refusal::input)?;
    // The target is checked before any call, so a name already taken costs nothing.
    // A first run, with no config file anywhere, writes the new file: nothing is replaced,
    // and `opsdeck` then opens the account without a file edited by hand.
    let first_run = !args.print && config::locate(config_flag).is_none();
    let target = if args.write || first_run {
        Some(WriteTarget::prepare(config_flag, &name)?)
    } else {
        None
    };
    let inventory = read_account(args, &origin)?;
    origin.account = inventory.account.clone().filter(|a| !a.is_empty());
    origin.written_at = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let selection = select(&inventory, &origin.filters);
    eprint!("{}", summary(&origin, &inventory, &selection));
    if selection.is_empty() {
        return Err(Refusal::discovery(format!(
            "nothing to watch was found in {}; nothing written{}",
            place(&origin),
            if origin.filters.is_empty() {
                ""
            } else {
                " (is the tag spelled as on the resources? keys and values are case-sensitive)"
            }
        )));
    }
    let table = render_table(&name, &origin, &selection);
    match target {
        Some(target) => target.append(&name, &table),
        None => {
            print!("{table}");
            eprintln!(
                "Append it to the config with --write (a backup is made first), or paste it into {}.",
                config::locate(config_flag)
                    .or_else(platform_config)
                    .map_or("the config file".to_owned(), |p| p.display().to_string())
            );
            Ok(())
        }
    }
}

/// Where to read, from the flags and the environment (`AWS_REGION`, `AWS_DEFAULT_REGION`,
/// `AWS_PROFILE`, as the AWS CLI reads them), checked by the config file's own rules.
fn origin_of(args: &DiscoverArgs, filters: Vec<TagFilter>) -> Result<Origin, Refusal> {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let region = args
        .region
        .clone()
        .or_else(|| from_env("AWS_REGION"))
        .or_else(|| from_env("AWS_DEFAULT_REGION"))
        .ok_or_else(|| {
            Refusal::input("which Region? pass --region R (or set AWS_REGION)".to_owned())
        })?;
    let origin = Origin {
        account: None,
        region,
        profile: args.profile.clone().or_else(|| from_env("AWS_PROFILE")),
        role_arn: args.role_arn.clone(),
        external_id: args.external_id.clone(),
        endpoint_url: args.endpoint_url.clone(),
        filters,
        written_at: String::new(),
    };
    match origin_problem(&origin) {
        Some(problem) => Err(Refusal::input(problem)),
        None => Ok(origin),
    }
}

fn read_account(args: &DiscoverArgs, origin: &Origin) -> Result<Inventory, Refusal> {
    let settings = AwsSettings {
        region: origin.region.clone(),
        profile: origin.profile.clone(),
        endpoint_url: origin.endpoint_url.clone(),
        static_credentials: None,
        max_attempts: 3,
        attempt_timeout: None,
        profile_needs_mfa: origin.profile.as_deref().is_some_and(profile_needs_mfa),
        assume_role: origin.role_arn.as_ref().map(|role_arn| AssumeRole {
            role_arn: role_arn.clone(),
            external_id: args.external_id.clone(),
            session_name: crate::wiring::DEFAULT_ROLE_SESSION_NAME.to_owned(),
        }),
    };
    let runtime = crate::session::runtime()
        .map_err(|e| Refusal::discovery(format!("cannot start the runtime: {e}")))?;
    let inventory = runtime.block_on(async {
        let clients = AwsClients::new(settings).await;
        discover(&clients, !origin.filters.is_empty()).await
    });
    runtime.shutdown_background();
    inventory.map_err(|error| {
        Refusal::discovery(format!(
            "cannot read {}: {}; nothing written",
            place(origin),
            error.message
        ))
    })
}

fn place(origin: &Origin) -> String {
    let account = origin
        .account
        .as_deref()
        .map_or(String::new(), |account| format!("account {account}, "));
    let tagged = if origin.filters.is_empty() {
        String::new()
    } else {
        let filters: Vec<String> = origin.filters.iter().map(ToString::to_string).collect();
        format!(" tagged {}", filters.join(" and "))
    };
    format!("{account}{}{tagged}", origin.region)
}

/// What was found, what the table names, and what was left out or could not be read.
fn summary(origin: &Origin, inventory: &Inventory, selection: &Selection) -> String {
    let mut lines = vec![format!("Discovered in {}:", place(origin))];
    let mut row = |what: &str, chosen: &[String], found: usize| {
        let names = if chosen.is_empty() {
            String::new()
        } else {
            format!("  {}", abbreviated(chosen))
        };
        let line = format!("  {what:<22}{:>3} of {found:<4}{names}", chosen.len());
        lines.push(line.trim_end().to_owned());
    };
    let services: usize = inventory
        .ecs_clusters
        .iter()
        .map(|c| c.services.len())
        .sum();
    let rows: [(&str, &[String], usize); 7] = [
        (
            "Auto Scaling groups",
            &selection.auto_scaling_groups,
            inventory.auto_scaling_groups.len(),
        ),
        (
            "target groups",
            &selection.target_groups,
            inventory.target_groups.len(),
        ),
        (
            "load balancers",
            &selection.load_balancers,
            inventory.load_balancers.len(),
        ),
        ("ECS services", &selection.ecs_services, services),
        (
            "RDS instances",
            &selection.rds_instances,
            inventory.rds_instances.len(),
        ),
        (
            "ElastiCache groups",
            &selection.cache_replication_groups,
            inventory.cache_groups.len(),
        ),
        (
            "log groups",
            &selection.log_groups,
            inventory.log_groups.len(),
        ),
    ];
    for (what, chosen, found) in rows {
        row(what, chosen, found);
    }
    if selection.all_alarms {
        lines.push(format!(
            "  {:<22}all {} (all_alarms = true)",
            "alarms",
            inventory.alarms.len()
        ));
    } else {
        row("alarms", &selection.alarm_names, inventory.alarms.len());
    }
    if let Some(cluster) = &selection.ecs_cluster {
        lines.push(format!("  ECS cluster: {cluster}"));
    }
    for left_out in &selection.left_out {
        lines.push(format!("  left out: {left_out}"));
    }
    for unread in &inventory.unread {
        lines.push(format!("  not read: {unread}"));
    }
    // Names come from the account: no control character reaches the terminal.
    let mut text: String = lines
        .iter()
        .map(|line| crate::format::printable(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

fn abbreviated(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(", ... ({} more)", names.len() - SHOWN));
    }
    text
}

fn platform_config() -> Option<PathBuf> {
    config::project_dirs().map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The config file `--write` appends to, with what it held before.
struct WriteTarget {
    path: PathBuf,
    /// None: the file does not exist yet and is created.
    existing: Option<String>,
}

impl WriteTarget {
    /// The file opsdeck reads (`--config`, `$OPSDECK_CONFIG`, else the platform file, created
    /// when missing), refused when it does not load as it is or already has `name`.
    fn prepare(config_flag: Option<&Path>, name: &str) -> Result<Self, Refusal> {
        let path = config::locate(config_flag)
            .or_else(platform_config)
            .ok_or_else(|| {
                Refusal::input("no home directory for the config file; pass --config FILE")
            })?;
        if !path.exists() {
            return Ok(Self {
                path,
                existing: None,
            });
        }
        let text = config::read_capped(&path)
            .map_err(|error| Refusal::input(format!("cannot read {}: {error}", path.display())))?;
        let file: config::ConfigFile = toml::from_str(&text).map_err(|error| {
            Refusal::input(format!(
                "{} does not load as it is, so nothing is appended to it: {}",
                path.display(),
                error.message().trim()
            ))
        })?;
        if file.environments.contains_key(name) {
            return Err(Refusal::input(format!(
                "{} already has [environments.{name}]; nothing is replaced: pick another name with --name, or remove that table first",
                path.display()
            )));
        }
        Ok(Self {
            path,
            existing: Some(text),
        })
    }

    /// Appends `table`, after checking that the whole file loads with it and backing up the
    /// file as it was; the file is replaced whole (a temp file renamed over it) or not at all.
    fn append(self, name: &str, table: &str) -> Result<(), Refusal> {
        let text = match &self.existing {
            Some(existing) if existing.ends_with('\n') || existing.is_empty() => {
                format!("{existing}\n{table}")
            }
            Some(existing) => format!("{existing}\n\n{table}"),
            None => table.to_owned(),
        };
        let overrides = Overrides {
            environment: Some(name.to_owned()),
            ..Overrides::default()
        };
        config::resolve(&self.path, &text, &overrides, None).map_err(|error| {
            Refusal::discovery(format!(
                "the table discovered does not load ({error}); nothing written"
            ))
        })?;
        let backup = self.backup()?;
        crate::durable::write_file(&self.path, &text).map_err(|error| {
            Refusal::discovery(format!("cannot write {}: {error}", self.path.display()))
        })?;
        let backup = backup.map_or(String::new(), |backup| {
            format!(" (the file as it was: {})", backup.display())
        });
        eprintln!(
            "Wrote [environments.{name}] to {}{backup}.\nOpen it: opsdeck --env {name}    Check it: opsdeck check --env {name}",
            self.path.display()
        );
        Ok(())
    }

    /// A copy of the file as it was, beside it, never over an earlier backup.
    fn backup(&self) -> Result<Option<PathBuf>, Refusal> {
        let Some(existing) = &self.existing else {
            return Ok(None);
        };
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let mut backup = self.path.as_os_str().to_owned();
        backup.push(format!(".bak-{stamp}"));
        let backup = PathBuf::from(backup);
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&backup)
            .map_err(|error| {
                Refusal::discovery(format!(
                    "cannot back up the config to {}: {error}; nothing written",
                    backup.display()
                ))
            })?;
        file.write_all(existing.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|error| {
                Refusal::discovery(format!(
                    "cannot back up the config to {}: {error}; nothing written",
                    backup.display()
                ))
            })?;
        Ok(Some(backup))
    }
}
