//! Load balancer target groups and the health of their targets.

/// `DescribeTargetHealth` for one target group.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroupHealth {
    pub target_group_name: String,
    pub target_group_arn: String,
    pub targets: Vec<TargetHealth>,
}

impl TargetGroupHealth {
    /// How many targets are in `state`.
    pub fn count_in(&self, state: &TargetState) -> usize {
        self.targets
            .iter()
            .filter(|target| &target.state == state)
            .count()
    }
}

/// Healthy targets and all targets, across `groups`: the Targets pane's count, the war
/// room's vital and its triage row read the same figure.
pub fn healthy_of(groups: &[TargetGroupHealth]) -> (usize, usize) {
    groups.iter().fold((0, 0), |(healthy, total), group| {
        (
            healthy + group.count_in(&TargetState::Healthy),
            total + group.targets.len(),
        )
    })
}

/// One registered target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetHealth {
    pub id: String,
    pub port: u16,
    pub availability_zone: String,
    pub state: TargetState,
    /// AWS reason code, e.g. `Elb.InitialHealthChecking`.
    pub reason: Option<String>,
    pub description: Option<String>,
}

/// Target health states as ELBv2 names them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetState {
    Healthy,
    Initial,
    Draining,
    Unhealthy,
    Unused,
    Unavailable,
    Other(String),
}

impl TargetState {
    /// Parses the ELBv2 spelling (`healthy`, `unhealthy.draining`, ...).
    pub fn from_aws(value: &str) -> Self {
        match value {
            "healthy" => Self::Healthy,
            "initial" => Self::Initial,
            "draining" => Self::Draining,
            "unhealthy" | "unhealthy.draining" => Self::Unhealthy,
            "unused" => Self::Unused,
            "unavailable" => Self::Unavailable,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The ELBv2 spelling, for display.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Healthy => "healthy",
            Self::Initial => "initial",
            Self::Draining => "draining",
            Self::Unhealthy => "unhealthy",
            Self::Unused => "unused",
            Self::Unavailable => "unavailable",
            Self::Other(name) => name,
        }
    }
}
