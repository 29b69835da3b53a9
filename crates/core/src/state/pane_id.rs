//! The seven panes of the overview and the source each one shows.

use crate::model::SourceKind;

/// A pane of the overview screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaneId {
    AutoScaling,
    Targets,
    Metrics,
    Alarms,
    Logs,
    Ecs,
    Postgres,
}

impl PaneId {
    /// Every pane, in focus order (and numbered 1-7 in this order).
    pub const ALL: [PaneId; 7] = [
        Self::AutoScaling,
        Self::Targets,
        Self::Metrics,
        Self::Alarms,
        Self::Logs,
        Self::Ecs,
        Self::Postgres,
    ];

    /// The pane's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::AutoScaling => "Auto Scaling",
            Self::Targets => "Targets",
            Self::Metrics => "Metrics",
            Self::Alarms => "Alarms",
            Self::Logs => "Logs",
            Self::Ecs => "ECS",
            Self::Postgres => "PostgreSQL",
        }
    }

    /// 1-based number shown in the title and used by the focus keys.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|pane| *pane == self).unwrap_or(0) + 1
    }

    /// Position in [`PaneId::ALL`].
    pub fn index(self) -> usize {
        self.number() - 1
    }

    /// The source whose data the pane shows.
    pub fn source(self) -> SourceKind {
        match self {
            Self::AutoScaling => SourceKind::AutoScaling,
            Self::Targets => SourceKind::Targets,
            Self::Metrics => SourceKind::Metrics,
            Self::Alarms => SourceKind::Alarms,
            Self::Logs => SourceKind::Logs,
            Self::Ecs => SourceKind::Ecs,
            Self::Postgres => SourceKind::Database,
        }
    }

    /// The pane showing `source`.
    pub fn for_source(source: SourceKind) -> Self {
        match source {
            SourceKind::AutoScaling => Self::AutoScaling,
            // The health URLs answer the same question as the targets: is the site up.
            SourceKind::Targets | SourceKind::Health | SourceKind::Certificates => Self::Targets,
            SourceKind::Metrics => Self::Metrics,
            SourceKind::Alarms | SourceKind::AwsHealth => Self::Alarms,
            SourceKind::Logs => Self::Logs,
            SourceKind::Ecs => Self::Ecs,
            // What PostgreSQL says and what RDS says of the same database, side by side.
            SourceKind::Database | SourceKind::Rds | SourceKind::Cache => Self::Postgres,
        }
    }

    /// The next pane in focus order, wrapping.
    pub fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    /// The previous pane in focus order, wrapping.
    pub fn previous(self) -> Self {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}
