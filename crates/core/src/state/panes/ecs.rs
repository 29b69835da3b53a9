//! ECS pane rows: one per service, running against desired.

use crate::model::EcsService;
use crate::state::table::{Cell, Column, Row, Sort, Tone};

/// Service columns.
pub const COLUMNS: &[Column] = &[
    Column::new("Service", 10, 0),
    Column::new("Run/Des", 9, 0),
    Column::new("Pend", 5, 2),
    Column::new("Rollout", 11, 1),
    Column::new("Last event", 30, 3),
];

/// By name.
pub const DEFAULT_SORT: Sort = Sort {
    column: 0,
    descending: false,
};

/// One row per service.
pub fn rows(services: &[EcsService]) -> Vec<Row> {
    services
        .iter()
        .map(|service| {
            let (symbol, tone) = if service.running_count >= service.desired_count {
                ("✓", Tone::Ok)
            } else {
                ("✗", Tone::Crit)
            };
            let rollout = service
                .deployments
                .iter()
                .find(|deployment| deployment.status == "PRIMARY")
                .map_or("-", |deployment| deployment.rollout_state.as_str());
            let rollout_tone = match rollout {
                "COMPLETED" => Tone::Ok,
                "FAILED" => Tone::Crit,
                _ => Tone::Warn,
            };
            let last_event = service
                .events
                .first()
                .map_or(String::new(), |event| event.message.clone());
            Row {
                id: format!("{}/{}", service.cluster, service.name),
                cells: vec![
                    Cell::text(&service.name),
                    Cell::number(
                        format!(
                            "{symbol} {}/{}",
                            service.running_count, service.desired_count
                        ),
                        f64::from(service.running_count) - f64::from(service.desired_count),
                    )
                    .tone(tone),
                    Cell::number(
                        service.pending_count.to_string(),
                        f64::from(service.pending_count),
                    ),
                    Cell::text(rollout).tone(rollout_tone),
                    Cell::text(last_event).tone(Tone::Muted),
                ],
            }
        })
        .collect()
}
