//! Per-pane projections: how each source's data becomes table rows.

pub mod alarms;
pub mod auto_scaling;
pub mod aws_health;
pub mod cache;
pub mod certificates;
pub mod ecs;
pub mod health;
pub mod logs;
pub mod metrics;
pub mod postgres;
pub mod rds;
pub mod targets;

use super::table::{Column, Sort, Tone};
use super::{PaneId, Snapshot};
use crate::config::{Level, Thresholds};
use crate::model::Timestamp;

/// The tone of a threshold level.
pub fn tone_of(level: Level) -> Tone {
    match level {
        Level::Ok => Tone::Ok,
        Level::Warn => Tone::Warn,
        Level::Crit => Tone::Crit,
    }
}

/// The views of the panes that have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Views {
    pub postgres: postgres::PgView,
    pub alarms: alarms::AlarmView,
}

/// The columns of a pane's table (the PostgreSQL and Alarms panes' depend on their views).
pub fn columns(pane: PaneId, views: Views) -> &'static [Column] {
    match pane {
        PaneId::AutoScaling => auto_scaling::COLUMNS,
        PaneId::Targets => targets::COLUMNS,
        PaneId::Metrics => metrics::COLUMNS,
        PaneId::Alarms => views.alarms.columns(),
        PaneId::Logs => logs::COLUMNS,
        PaneId::Ecs => ecs::COLUMNS,
        PaneId::Postgres => views.postgres.columns(),
    }
}

/// The order a pane's table starts in.
pub fn default_sort(pane: PaneId) -> Sort {
    match pane {
        PaneId::AutoScaling => auto_scaling::DEFAULT_SORT,
        PaneId::Targets => targets::DEFAULT_SORT,
        PaneId::Metrics => metrics::DEFAULT_SORT,
        PaneId::Alarms => alarms::DEFAULT_SORT,
        PaneId::Logs => logs::DEFAULT_SORT,
        PaneId::Ecs => ecs::DEFAULT_SORT,
        PaneId::Postgres => postgres::DEFAULT_SORT,
    }
}

/// The rows of a pane's table from the latest data, observed at `at`.
pub fn rows(
    pane: PaneId,
    views: Views,
    data: &Snapshot,
    thresholds: &Thresholds,
    at: Timestamp,
) -> Vec<super::table::Row> {
    match pane {
        PaneId::AutoScaling => auto_scaling::rows(&data.auto_scaling),
        PaneId::Targets => targets::rows(&data.targets),
        PaneId::Metrics => metrics::rows(&data.metrics, &data.metric_range, thresholds),
        PaneId::Alarms => match views.alarms {
            alarms::AlarmView::Now => alarms::rows(&data.alarms, at),
            alarms::AlarmView::Overnight => {
                let mut rows = alarms::history_rows(data.alarm_history.as_ref(), at);
                rows.extend(alarms::incident_rows(data.overnight_incidents.as_ref(), at));
                rows
            }
        },
        PaneId::Logs => logs::rows(&data.logs),
        PaneId::Ecs => ecs::rows(&data.ecs),
        PaneId::Postgres => postgres::rows(views.postgres, data, thresholds, at),
    }
}
