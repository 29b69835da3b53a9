//! The war room's triage row: the SEV-1 runbook's "assess what's down" reads at a glance
//! (the health URLs, the load balancer's targets, the database), each with its age, so a
//! stale or unread answer never passes for a good one.

use super::State;
use super::freshness;
use super::panes::{aws_health, cache, health, rds};
use super::table::Tone;
use crate::format;
use crate::model::{SourceErrorKind, SourceKind, healthy_of};

/// One read of the row.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageItem {
    pub label: &'static str,
    pub tone: Tone,
    pub text: String,
    /// "12s" since its data was read; None before the first answer.
    pub age: Option<String>,
}

/// The row's reads, in the runbook's order.
pub fn items(state: &State) -> Vec<TriageItem> {
    [
        (SourceKind::Health, "health"),
        (SourceKind::Targets, "targets"),
        (database_source(state), "database"),
        (SourceKind::Cache, "cache"),
        (SourceKind::AwsHealth, "AWS"),
    ]
    .into_iter()
    .map(|(source, label)| item(state, source, label))
    .collect()
}

fn item(state: &State, source: SourceKind, label: &'static str) -> TriageItem {
    let status = state.source(source);
    let age = status
        .updated_at
        .map(|at| format::duration(format::seconds_between(at, state.now)));
    let unread = |tone, text: &str| TriageItem {
        label,
        tone,
        text: text.to_owned(),
        age: age.clone(),
    };
    match &status.error {
        Some(error) if error.kind == SourceErrorKind::NotConfigured => {
            return unread(Tone::Muted, "not configured");
        }
        Some(_) if status.updated_at.is_none() => return unread(Tone::Unknown, "? unread"),
        _ if status.updated_at.is_none() => return unread(Tone::Unknown, "… waiting"),
        _ => {}
    }
    let stale =
        status.error.is_some() || freshness::stale_reason(state, source, state.now).is_some();
    if stale {
        return unread(Tone::Unknown, "? stale");
    }
    let (tone, text) = match source {
        SourceKind::Health => health::summary(&state.data.health),
        SourceKind::Targets => targets_summary(state),
        SourceKind::Rds => rds_summary(state),
        SourceKind::Cache => cache::summary(&state.data.cache),
        SourceKind::AwsHealth => match aws_health::summary(&state.data.aws_health) {
            (Tone::Ok, _) => (Tone::Ok, "✓ none open".to_owned()),
            verdict => verdict,
        },
        _ => database_summary(state),
    };
    TriageItem {
        label,
        tone,
        text,
        age,
    }
}

/// What the row's database read comes from: the RDS API when the environment names an
/// instance (the runbook's `describe-db-instances`), else PostgreSQL answering.
fn database_source(state: &State) -> SourceKind {
    let rds = state.source(SourceKind::Rds);
    match &rds.error {
        Some(error) if error.kind == SourceErrorKind::NotConfigured => SourceKind::Database,
        _ => SourceKind::Rds,
    }
}

/// "✓ available", then only what is wrong ("· lag 45 s"): the row is one line for five
/// reads. Toned by its worst part.
fn rds_summary(state: &State) -> (Tone, String) {
    let parts: Vec<rds::Part> = rds::summary(&state.data.rds, &state.thresholds)
        .into_iter()
        .enumerate()
        .filter(|(index, (tone, _))| *index == 0 || *tone != Tone::Ok)
        .map(|(_, part)| part)
        .collect();
    let tone = parts
        .iter()
        .map(|(tone, _)| *tone)
        .max_by_key(|tone| tone_rank(*tone))
        .unwrap_or(Tone::Unknown);
    let text = parts
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(" · ");
    (tone, text)
}

/// How worrying a tone is, for the worst of several.
fn tone_rank(tone: Tone) -> u8 {
    match tone {
        Tone::Plain | Tone::Muted => 0,
        Tone::Ok => 1,
        Tone::Unknown => 2,
        Tone::Warn => 3,
        Tone::Crit => 4,
    }
}

/// "✓ 12/12" or "✗ 9/12" healthy (the row is one line for five reads).
fn targets_summary(state: &State) -> (Tone, String) {
    let (healthy, total) = healthy_of(&state.data.targets);
    if healthy == total && healthy > 0 {
        (Tone::Ok, format!("✓ {healthy}/{total}"))
    } else {
        (Tone::Crit, format!("✗ {healthy}/{total}"))
    }
}

/// "✓ answering · 842/1000 conn": the database answered its last poll.
fn database_summary(state: &State) -> (Tone, String) {
    let totals = &state.data.database.totals;
    (
        Tone::Ok,
        format!(
            "✓ answering · {}/{} conn",
            totals.total(),
            totals.max_connections
        ),
    )
}
