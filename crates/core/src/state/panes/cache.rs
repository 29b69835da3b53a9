//! The ElastiCache lines of the PostgreSQL pane (the data tier's pane) and the triage row's
//! cache verdict.

use super::super::table::Tone;
use crate::model::CacheGroup;

/// One group: `✓ cache basecoat-portal-cache available · cache.r6g.large · failover enabled
/// · redis 7.1.0 · 2 members`, naming any member that is not available.
pub fn line(group: &CacheGroup) -> (Tone, String) {
    let tone = if group.available() {
        Tone::Ok
    } else {
        Tone::Crit
    };
    let symbol = if tone == Tone::Ok { "✓" } else { "✗" };
    let mut text = format!(
        "{symbol} cache {} {} · {} · failover {} · {} {} · {} members",
        group.id,
        group.status,
        group.node_type,
        group.automatic_failover,
        group.engine,
        group.engine_versions(),
        group.members.len()
    );
    for member in group.members.iter().filter(|m| m.status != "available") {
        text.push_str(&format!(" · {} {}", member.id, member.status));
    }
    (tone, text)
}

/// The triage row's word: "✓ available", or the first group that is not.
pub fn summary(groups: &[CacheGroup]) -> (Tone, String) {
    match groups.iter().find(|group| !group.available()) {
        None if groups.is_empty() => (Tone::Muted, "none".to_owned()),
        None => (Tone::Ok, "✓ available".to_owned()),
        Some(group) => (Tone::Crit, format!("✗ {} {}", group.id, group.status)),
    }
}
