//! Issue 14, item 5: `opsdeck discover` reads a seeded moto account with paginated read-only
//! calls (DescribeAutoScalingGroups, DescribeLoadBalancers, DescribeTargetGroups and
//! DescribeTags of the Elastic Load Balancing API Reference, ListClusters / ListServices /
//! DescribeClusters / DescribeServices of the Amazon Elastic Container Service API Reference,
//! DescribeDBInstances of the Amazon RDS API Reference, DescribeReplicationGroups and
//! ListTagsForResource of the Amazon ElastiCache API Reference, DescribeLogGroups of the
//! Amazon CloudWatch Logs API Reference, DescribeAlarms of the Amazon CloudWatch API
//! Reference) and writes an environment table that `config check` accepts and whose
//! dashboard shows the seeded resources; it never replaces an environment, backs the file up
//! before appending, and writes nothing when it cannot read the account.

use std::path::Path;
use std::process::{Command, Output};

use aws_sdk_autoscaling::types::{LaunchTemplateSpecification, Tag as GroupTag};

use crate::support;
use crate::support::moto::MotoServer;
use opsdeck::source::aws::AwsClients;

fn opsdeck(args: &[&str]) -> Output {
    opsdeck_with_config_home(Path::new("/nonexistent"), args)
}

/// opsdeck with `home` as the platform config dir's parent (`$XDG_CONFIG_HOME`).
fn opsdeck_with_config_home(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("OPSDECK_CONFIG")
        .env("XDG_CONFIG_HOME", home)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn tag(key: &str, value: &str) -> aws_sdk_rds::types::Tag {
    aws_sdk_rds::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
}

/// Two customers in one account: basecoat (the seeding script's portal and ECS cluster, its
/// Auto Scaling group, cluster and database tagged) and globex (a group, a database and a
/// cache tagged), and log groups of both.
async fn seed_two_customers(moto: &MotoServer, clients: &AwsClients) {
    moto.seed_with_script();
    clients
        .auto_scaling
        .create_or_update_tags()
        .tags(
            GroupTag::builder()
                .resource_id("basecoat-portal-asg")
                .resource_type("auto-scaling-group")
                .key("customer")
                .value("basecoat")
                .propagate_at_launch(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    clients
        .auto_scaling
        .create_auto_scaling_group()
        .auto_scaling_group_name("globex-asg")
        .launch_template(
            LaunchTemplateSpecification::builder()
                .launch_template_name("basecoat-portal")
                .build(),
        )
        .min_size(0)
        .max_size(2)
        .desired_capacity(0)
        .availability_zones("us-east-1a")
        .tags(
            GroupTag::builder()
                .key("customer")
                .value("globex")
                .propagate_at_launch(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let cluster = clients
        .ecs
        .describe_clusters()
        .clusters("prod")
        .send()
        .await
        .unwrap();
    clients
        .ecs
        .tag_resource()
        .resource_arn(cluster.clusters()[0].cluster_arn().unwrap())
        .tags(
            aws_sdk_ecs::types::Tag::builder()
                .key("customer")
                .value("basecoat")
                .build(),
        )
        .send()
        .await
        .unwrap();
    for (id, customer) in [("basecoat-portal-db", "basecoat"), ("globex-db", "globex")] {
        clients
            .rds
            .create_db_instance()
            .db_instance_identifier(id)
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .allocated_storage(20)
            .master_username("postgres")
            .master_user_password("correct-horse-battery")
            .tags(tag("customer", customer))
            .send()
            .await
            .unwrap();
    }
    clients
        .elasticache
        .create_replication_group()
        .replication_group_id("globex-cache")
        .replication_group_description("globex sessions")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(1)
        .tags(
            aws_sdk_elasticache::types::Tag::builder()
                .key("customer")
                .value("globex")
                .build(),
        )
        .send()
        .await
        .unwrap();
    for name in [
        "/aws/rds/instance/basecoat-portal-db/postgresql",
        "/ecs/globex-api",
        "/aws/lambda/unrelated",
    ] {
        clients
            .logs
            .create_log_group()
            .log_group_name(name)
            .send()
            .await
            .unwrap();
    }
}

async fn load_balancer_dimension(clients: &AwsClients) -> String {
    let balancers = clients
        .elb
        .describe_load_balancers()
        .names("basecoat-portal")
        .send()
        .await
        .unwrap();
    let arn = balancers.load_balancers()[0].load_balancer_arn().unwrap();
    arn.split_once(":loadbalancer/").unwrap().1.to_owned()
}

/// The table as written, less its first line (the time it was written).
fn table_of(config: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(config).unwrap();
    let start = text
        .find(&format!("[environments.{name}]"))
        .unwrap_or_else(|| panic!("no [environments.{name}] in {text}"));
    let end = text[start + 1..]
        .find("\n# Written by")
        .map_or(text.len(), |at| start + 1 + at + 1);
    text[start..end].to_owned()
}

#[tokio::test]
async fn discover_writes_tables_that_load_and_whose_dashboard_shows_the_account() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = support::aws::clients(&moto).await;
    seed_two_customers(&moto, &clients).await;
    let dimension = load_balancer_dimension(&clients).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let config_arg = config.to_str().unwrap();
    let discover = |tag: &str| {
        opsdeck(&[
            "discover",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &moto.endpoint,
            "--tag",
            tag,
            "--write",
            "--config",
            config_arg,
        ])
    };

    let output = discover("customer=basecoat");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        table_of(&config, "basecoat"),
        format!(
            r#"[environments.basecoat]
region = "us-east-1"
endpoint_url = "{}"
read_only = true                        # watch only; set false to allow actions
auto_scaling_groups = ["basecoat-portal-asg"]
target_groups = ["basecoat-portal"]
load_balancers = ["{dimension}"]
ecs_cluster = "prod"
ecs_services = ["web", "worker"]
rds_instances = ["basecoat-portal-db"]
log_groups = ["/aws/basecoat-portal/application", "/aws/rds/instance/basecoat-portal-db/postgresql"]
alarm_names = ["basecoat-portal-cpu-high"]
"#,
            moto.endpoint
        ),
        "the tagged group, what serves it (target group, load balancer by its ARN's dimension), the tagged cluster's services and database, log groups by name, the alarm on the group's metric"
    );
    let summary = stderr(&output);
    assert!(
        summary.contains("Discovered in account 123456789012, us-east-1 tagged customer=basecoat:"),
        "{summary}"
    );
    assert!(
        summary.contains("  Auto Scaling groups     1 of 2     basecoat-portal-asg\n"),
        "{summary}"
    );
    assert!(
        summary.contains("Open it: opsdeck --env basecoat"),
        "{summary}"
    );
    let check = opsdeck(&["config", "check", config_arg]);
    assert!(check.status.success(), "{}", stderr(&check));
    let no_backup: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(no_backup.len(), 1, "a new file needs no backup");

    // The same name again: refused before any call, the file untouched.
    let before = std::fs::read_to_string(&config).unwrap();
    let again = discover("customer=basecoat");
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again),
        format!(
            "error: {config_arg} already has [environments.basecoat]; nothing is replaced: pick another name with --name, or remove that table first\n"
        )
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);

    // A second customer is appended after a backup of the file as it was.
    let output = discover("customer=globex");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        table_of(&config, "globex"),
        format!(
            r#"[environments.globex]
region = "us-east-1"
endpoint_url = "{}"
read_only = true                        # watch only; set false to allow actions
auto_scaling_groups = ["globex-asg"]
rds_instances = ["globex-db"]
cache_replication_groups = ["globex-cache"]
cache_clusters = ["globex-cache-001"]
log_groups = ["/ecs/globex-api"]
"#,
            moto.endpoint
        )
    );
    let backups: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("config.toml.bak-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(&backups[0])).unwrap(),
        before
    );
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .starts_with(&before)
    );
    for env in ["basecoat", "globex"] {
        let check = opsdeck(&["config", "check", config_arg, "--env", env]);
        assert!(check.status.success(), "{env}: {}", stderr(&check));
    }

    // The dashboard's sources, wired from the written table, show the seeded resources.
    let text = std::fs::read_to_string(&config).unwrap();
    let overrides = opsdeck::config::Overrides {
        environment: Some("basecoat".to_owned()),
        ..opsdeck::config::Overrides::default()
    };
    let resolved = opsdeck::config::resolve(&config, &text, &overrides, None).unwrap();
    let wiring = opsdeck::wiring::live_with_credentials(
        &resolved,
        Some(("testing".to_owned(), "testing".to_owned())),
    )
    .await
    .unwrap();
    let sources = &wiring.sources;
    let groups = sources.auto_scaling.auto_scaling_groups().await.unwrap();
    assert_eq!(
        (groups[0].name.as_str(), groups[0].desired_capacity),
        ("basecoat-portal-asg", 5)
    );
    let targets = sources.targets.target_health().await.unwrap();
    assert_eq!(targets[0].target_group_name, "basecoat-portal");
    let alarms = sources.alarms.alarms().await.unwrap();
    assert_eq!(alarms[0].name, "basecoat-portal-cpu-high");
    assert_eq!(sources.ecs.ecs_services().await.unwrap().len(), 2);
    let rds = sources.rds.rds_status().await.unwrap();
    assert_eq!(rds.instances[0].identifier, "basecoat-portal-db");

    // A first run, with no config file anywhere: discover writes the platform's new file, and
    // opsdeck finds it without --config (the Done-when: discover, then opsdeck).
    let home = tempfile::tempdir().unwrap();
    let args = [
        "discover",
        "--region",
        "us-east-1",
        "--endpoint-url",
        &moto.endpoint,
        "--tag",
        "customer=globex",
    ];
    let output = opsdeck_with_config_home(home.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let written = home.path().join("opsdeck/config.toml");
    assert!(
        stderr(&output).contains(&format!(
            "Wrote [environments.globex] to {}",
            written.display()
        )),
        "{}",
        stderr(&output)
    );
    let check = opsdeck_with_config_home(home.path(), &["config", "check"]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(text.contains("environment: globex"), "{text}");
    // With the file there, a second run prints unless asked to write.
    let output =
        opsdeck_with_config_home(home.path(), &[&args[..], &["--name", "globex-2"]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("[environments.globex-2]"));
    assert!(
        !std::fs::read_to_string(&written)
            .unwrap()
            .contains("globex-2")
    );
}

/// Bad input is refused before any call and writes nothing: a malformed tag, a Region the
/// config file would refuse, an account that cannot be reached.
#[test]
fn bad_input_or_an_unreachable_account_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let config_arg = config.to_str().unwrap();
    let closed = format!("http://127.0.0.1:{}", support::free_port());
    let cases: [(&[&str], i32, &str); 4] = [
        (
            &["--region", "us-east-1", "--tag", "customer"],
            2,
            "error: --tag \"customer\" has no '='; expected Key=Value, e.g. --tag customer=acme\n",
        ),
        (
            &["--region", "useast1"],
            2,
            "error: \"useast1\" is not an AWS region name; expected one like us-east-1 or eu-west-2\n",
        ),
        (
            &[],
            2,
            "error: which Region? pass --region R (or set AWS_REGION)\n",
        ),
        (
            &["--region", "us-east-1", "--name", "acme prod"],
            2,
            "error: --name \"acme prod\" is not a usable environment name; use letters, digits, '-' and '_' (it is typed after --env)\n",
        ),
    ];
    for (args, code, message) in cases {
        let mut all = vec!["discover", "--write", "--config", config_arg];
        all.extend_from_slice(args);
        let output = opsdeck(&all);
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        assert_eq!(stderr(&output), message, "{args:?}");
    }
    let output = opsdeck(&[
        "discover",
        "--write",
        "--config",
        config_arg,
        "--region",
        "us-east-1",
        "--endpoint-url",
        &closed,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: cannot read us-east-1: ")
            && message.contains("cannot reach AWS"),
        "{message}"
    );
    assert!(message.trim_end().ends_with("nothing written"), "{message}");
    assert!(!config.exists(), "nothing written");
}
