//! The post-incident timeline in Markdown, written when the incident is resolved: the
//! post-mortem starts from it.

use super::Incident;
use super::messages::{clock_time, date_time};
use crate::format;

/// The Markdown document of a resolved (or still open) incident.
pub fn markdown(incident: &Incident) -> String {
    let mut out = format!(
        "# {} incident: {}\n\n",
        incident.severity.label(),
        incident.title
    );
    out.push_str(&format!("- **Service:** {}\n", incident.service));
    out.push_str(&format!("- **Environment:** {}\n", incident.environment));
    out.push_str(&format!(
        "- **Severity:** {} ({}; resolution target {})\n",
        incident.severity.label(),
        incident.severity.definition(),
        incident.severity.resolution_target()
    ));
    out.push_str(&format!(
        "- **Declared:** {}\n",
        date_time(incident.declared_at)
    ));
    match &incident.resolution {
        Some(resolution) => {
            out.push_str(&format!(
                "- **Resolved:** {} (duration {})\n",
                date_time(resolution.at),
                format::duration((resolution.at - incident.declared_at).num_seconds())
            ));
            out.push_str(&format!("- **Root cause:** {}\n", resolution.root_cause));
            out.push_str(&format!("- **Prevention:** {}\n", resolution.prevention));
        }
        None => out.push_str("- **Resolved:** not yet\n"),
    }
    out.push_str(&format!(
        "- **Status updates sent:** {}\n\n",
        incident.updates_sent.len()
    ));
    out.push_str("## Timeline\n\n| Time (UTC) | Kind | What happened |\n|---|---|---|\n");
    for entry in &incident.timeline {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            clock_time(entry.at).trim_end_matches(" UTC"),
            entry.kind.tag(),
            entry.text.replace('|', "\\|")
        ));
    }
    out
}
