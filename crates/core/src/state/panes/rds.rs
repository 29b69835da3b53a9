//! The RDS lines of the PostgreSQL pane and the triage row's database verdict: what the RDS
//! API says of the database, as toned parts of a line.

use super::super::table::Tone;
use super::tone_of;
use crate::config::Thresholds;
use crate::format;
use crate::model::{DbSnapshot, RdsInstance, RdsProxy, RdsStatus, Timestamp};

/// One part of a line: its tone and its words.
pub type Part = (Tone, String);

/// The one-line verdict: "✓ available · storage 64% · lag 0 s · proxy ✓". The primaries'
/// status leads: it is what a SEV-1 asks first.
pub fn summary(status: &RdsStatus, thresholds: &Thresholds) -> Vec<Part> {
    let primaries: Vec<&RdsInstance> = status
        .instances
        .iter()
        .filter(|i| i.replica_of.is_none())
        .collect();
    let down: Vec<String> = primaries
        .iter()
        .filter(|i| !i.available())
        .map(|i| format!("{} {}", i.identifier, i.status))
        .collect();
    let mut parts = vec![if down.is_empty() {
        (Tone::Ok, "✓ available".to_owned())
    } else {
        (Tone::Crit, format!("✗ {}", down.join(", ")))
    }];
    let worst_storage = status
        .instances
        .iter()
        .filter_map(RdsInstance::storage_used_percent)
        .max_by(f64::total_cmp);
    if let Some(used) = worst_storage {
        let tone = tone_of(thresholds.db_storage_used_percent.level(used));
        parts.push((tone, format!("storage {used:.0}%")));
    }
    parts.extend(replicas_part(status, thresholds));
    if let Some(proxy) = &status.proxy {
        parts.push(proxy_part(proxy));
    }
    parts
}

/// The replicas' worst: broken replication, or the largest lag.
fn replicas_part(status: &RdsStatus, thresholds: &Thresholds) -> Option<Part> {
    let replicas: Vec<&RdsInstance> = status
        .instances
        .iter()
        .filter(|i| i.replica_of.is_some())
        .collect();
    if replicas.is_empty() {
        return None;
    }
    if let Some(broken) = replicas
        .iter()
        .find(|r| !r.available() || r.abnormal_status_info().is_some())
    {
        return Some((Tone::Crit, format!("✗ replica {}", replica_state(broken))));
    }
    let worst = replicas
        .iter()
        .filter_map(|r| r.replica_lag_seconds)
        .max_by(f64::total_cmp);
    Some(match worst {
        Some(lag) => (
            tone_of(thresholds.replica_lag_seconds.level(lag)),
            format!("lag {}", format::seconds_lag(lag)),
        ),
        None => (Tone::Unknown, "lag ?".to_owned()),
    })
}

/// A replica's state in words: its status unless available, else its replication's.
fn replica_state(replica: &RdsInstance) -> String {
    if !replica.available() {
        return replica.status.clone();
    }
    replica.abnormal_status_info().map_or_else(
        || "replicating".to_owned(),
        |info| {
            let message = info
                .message
                .as_deref()
                .map_or_else(String::new, |m| format!(" ({m})"));
            format!("{}{message}", info.status)
        },
    )
}

fn proxy_part(proxy: &RdsProxy) -> Part {
    let total = proxy.targets.len();
    let down = proxy.unavailable_targets().count();
    if proxy.status == "available" && down == 0 && total > 0 {
        (Tone::Ok, format!("proxy ✓ {total}/{total}"))
    } else {
        (
            Tone::Crit,
            format!("proxy ✗ {} {}/{total}", proxy.status, total - down),
        )
    }
}

/// The zoomed pane's lines: each instance, its maintenance, each replica, the proxy and its
/// targets, and what could not be read.
pub fn detail_lines(status: &RdsStatus, now: Timestamp, thresholds: &Thresholds) -> Vec<Vec<Part>> {
    let mut lines = Vec::new();
    for instance in &status.instances {
        lines.push(instance_line(instance, now, thresholds));
        if let Some(line) = maintenance_line(instance) {
            lines.push(line);
        }
    }
    if let Some(proxy) = &status.proxy {
        let total = proxy.targets.len();
        let available = total - proxy.unavailable_targets().count();
        let tone = proxy_part(proxy).0;
        let symbol = if tone == Tone::Ok { "✓" } else { "✗" };
        let mut line = vec![(
            tone,
            format!(
                "{symbol} proxy {} {} · {available}/{total} targets available",
                proxy.name, proxy.status
            ),
        )];
        for target in proxy.unavailable_targets() {
            let why = [target.reason.as_deref(), target.description.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            line.push((
                Tone::Crit,
                format!(" · {} {} {} {why}", target.id, target.role, target.state),
            ));
        }
        lines.push(line);
    }
    for snapshot in &status.snapshots {
        lines.push(vec![snapshot_part(snapshot, now)]);
    }
    for gap in &status.gaps {
        lines.push(vec![(Tone::Warn, format!("! {gap}"))]);
    }
    lines
}

/// `snapshot forensics-1796054820 creating 45%`, or the newest taken with its age.
fn snapshot_part(snapshot: &DbSnapshot, now: Timestamp) -> Part {
    match snapshot.status.as_str() {
        "available" => {
            let age = snapshot.created_at.map_or_else(String::new, |at| {
                format!(
                    " · {} ago",
                    format::duration(format::seconds_between(at, now))
                )
            });
            (
                Tone::Muted,
                format!(
                    "newest manual snapshot {} of {}{age}",
                    snapshot.identifier, snapshot.instance
                ),
            )
        }
        "creating" => (
            Tone::Warn,
            format!(
                "⟳ snapshot {} of {} creating {}%",
                snapshot.identifier, snapshot.instance, snapshot.percent_progress
            ),
        ),
        other => (
            Tone::Crit,
            format!(
                "✗ snapshot {} of {} {other}",
                snapshot.identifier, snapshot.instance
            ),
        ),
    }
}

/// `✓ basecoat-portal-db available · db.r6g.xlarge · postgres 15.4 · Multi-AZ · 318/500 GiB
/// (64%) · restorable 4m ago`, or for a replica `↳ replica … replicating · lag 2 s`.
fn instance_line(instance: &RdsInstance, now: Timestamp, thresholds: &Thresholds) -> Vec<Part> {
    let up = instance.available() && instance.abnormal_status_info().is_none();
    let (tone, symbol) = if up {
        (Tone::Ok, "✓")
    } else {
        (Tone::Crit, "✗")
    };
    let mut parts = Vec::new();
    if instance.replica_of.is_some() {
        parts.push((Tone::Muted, "↳ replica ".to_owned()));
        parts.push((
            tone,
            format!(
                "{symbol} {} {}",
                instance.identifier,
                replica_state(instance)
            ),
        ));
        if let Some(lag) = instance.replica_lag_seconds {
            let lag_tone = tone_of(thresholds.replica_lag_seconds.level(lag));
            parts.push((lag_tone, format!(" · lag {}", format::seconds_lag(lag))));
        }
    } else {
        parts.push((
            tone,
            format!("{symbol} {} {}", instance.identifier, instance.status),
        ));
    }
    let mut facts = vec![
        instance.class.clone(),
        format!("{} {}", instance.engine, instance.engine_version),
    ];
    if instance.multi_az {
        facts.push("Multi-AZ".to_owned());
    }
    parts.push((Tone::Plain, format!(" · {}", facts.join(" · "))));
    if let Some(used) = instance.storage_used_percent() {
        let free_gib = instance.free_storage_bytes.unwrap_or(0.0) / crate::model::GIB;
        let used_gib = f64::from(instance.allocated_gib) - free_gib;
        parts.push((
            tone_of(thresholds.db_storage_used_percent.level(used)),
            format!(
                " · {used_gib:.0}/{} GiB ({used:.0}%)",
                instance.allocated_gib
            ),
        ));
    }
    if let Some(at) = instance.latest_restorable_time {
        let age = format::duration(format::seconds_between(at, now));
        parts.push((Tone::Muted, format!(" · restorable {age} ago")));
    }
    parts
}

/// `  maint sun:05:00-sun:05:30 · pending system-update · modifying DBInstanceClass
/// db.r6g.2xlarge`, when anything is pending.
fn maintenance_line(instance: &RdsInstance) -> Option<Vec<Part>> {
    if instance.pending_maintenance.is_empty() && instance.pending_modified.is_empty() {
        return None;
    }
    let mut parts = vec![(
        Tone::Muted,
        format!(
            "  maint {}",
            instance
                .maintenance_window
                .as_deref()
                .unwrap_or("(no window)")
        ),
    )];
    for action in &instance.pending_maintenance {
        let when = match (action.forced_apply, action.auto_applied_after) {
            (Some(at), _) => format!(" (forced {})", format::clock(at)),
            (None, Some(at)) => format!(" (after {})", format::clock(at)),
            (None, None) => String::new(),
        };
        parts.push((Tone::Warn, format!(" · pending {}{when}", action.action)));
    }
    for change in &instance.pending_modified {
        parts.push((Tone::Warn, format!(" · modifying {change}")));
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ProxyTarget, StatusInfo};

    fn instance(id: &str) -> RdsInstance {
        RdsInstance {
            allocated_gib: 500,
            free_storage_bytes: Some(180.0 * crate::model::GIB),
            ..RdsInstance::example(id)
        }
    }

    fn words(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|(_, text)| text.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn the_summary_leads_with_the_primary_and_names_a_broken_replica() {
        let mut replica = instance("db-replica");
        replica.replica_of = Some("db".to_owned());
        replica.replica_lag_seconds = Some(4.0);
        let mut status = RdsStatus {
            instances: vec![instance("db"), replica.clone()],
            ..RdsStatus::default()
        };
        let thresholds = Thresholds::default();
        assert_eq!(
            words(&summary(&status, &thresholds)),
            "✓ available | storage 64% | lag 4 s"
        );
        replica.status_infos.push(StatusInfo {
            status_type: "read replication".to_owned(),
            normal: false,
            status: "error".to_owned(),
            message: Some("Replication has stopped".to_owned()),
        });
        status.instances[1] = replica;
        status.instances[0].status = "rebooting".to_owned();
        let parts = summary(&status, &thresholds);
        assert_eq!(
            words(&parts),
            "✗ db rebooting | storage 64% | ✗ replica error (Replication has stopped)"
        );
        assert_eq!(parts[0].0, Tone::Crit);
    }

    #[test]
    fn a_proxy_target_unavailable_is_named_with_its_reason() {
        let status = RdsStatus {
            instances: vec![instance("db")],
            proxy: Some(RdsProxy {
                name: "db-proxy".to_owned(),
                status: "available".to_owned(),
                targets: vec![ProxyTarget {
                    id: "db".to_owned(),
                    role: "READ_WRITE".to_owned(),
                    state: "UNAVAILABLE".to_owned(),
                    reason: Some("AUTH_FAILURE".to_owned()),
                    description: Some("Proxy does not have any registered credentials".to_owned()),
                }],
            }),
            snapshots: Vec::new(),
            gaps: vec!["pending maintenance: no permission".to_owned()],
        };
        let lines = detail_lines(&status, Timestamp::default(), &Thresholds::default());
        let proxy = words(&lines[1]);
        assert_eq!(
            proxy,
            "✗ proxy db-proxy available · 0/1 targets available |  · db READ_WRITE UNAVAILABLE AUTH_FAILURE: Proxy does not have any registered credentials"
        );
        assert_eq!(words(&lines[2]), "! pending maintenance: no permission");
    }
}
