//! Auto Scaling pane rows: one per instance, across every group.

use crate::model::{AutoScalingGroup, LifecycleState};
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Instance columns.
pub const COLUMNS: &[Column] = &[
    Column::new("Instance", 19, 0),
    Column::new("AZ", 10, 1),
    Column::new("Lifecycle", 11, 0),
    Column::new("Health", 11, 2),
    Column::new("LT ver", 6, 3),
    Column::new("Group", 20, 4),
];

/// Sorted by lifecycle so Pending and Terminating stand out.
pub const DEFAULT_SORT: Sort = Sort {
    column: 2,
    descending: false,
};

/// One row per instance.
pub fn rows(groups: &[AutoScalingGroup]) -> Vec<Row> {
    groups
        .iter()
        .flat_map(|group| {
            group.instances.iter().map(move |instance| {
                let lifecycle_tone = match instance.lifecycle {
                    LifecycleState::InService => Tone::Ok,
                    LifecycleState::Pending => Tone::Warn,
                    LifecycleState::Terminating | LifecycleState::Terminated => Tone::Muted,
                    _ => Tone::Unknown,
                };
                let (health, health_tone) = if instance.healthy {
                    ("✓ Healthy", Tone::Ok)
                } else {
                    ("✗ Unhealthy", Tone::Crit)
                };
                Row {
                    id: instance.id.clone(),
                    cells: vec![
                        Cell::text(&instance.id),
                        Cell::text(&instance.availability_zone),
                        Cell::text(instance.lifecycle.as_str()).tone(lifecycle_tone),
                        Cell::text(health).tone(health_tone),
                        Cell::number(
                            &instance.launch_template_version,
                            instance.launch_template_version.parse().unwrap_or(0.0),
                        ),
                        Cell::text(&group.name).tone(Tone::Muted),
                    ],
                }
            })
        })
        .collect()
}
