//! Screen state of guarded actions: the value prompt, the confirm dialog, what ran, what is
//! converging, and what can be undone.

use super::text_field::TextField;
use crate::action::{Proposal, Report};
use crate::model::Timestamp;

/// Which button of the confirm dialog has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Cancel,
    Confirm,
}

/// The confirm dialog of one proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmDialog {
    pub proposal: Proposal,
    /// Starts on Cancel.
    pub focus: Button,
    /// What the operator typed (high-risk proposals only).
    pub typed: String,
    /// Why the last key did nothing.
    pub hint: Option<String>,
}

impl ConfirmDialog {
    /// A dialog for `proposal`, focus on Cancel.
    pub fn new(proposal: Proposal) -> Self {
        Self {
            proposal,
            focus: Button::Cancel,
            typed: String::new(),
            hint: None,
        }
    }
}

/// What a value prompt will propose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptTarget {
    DesiredCapacity {
        group: String,
    },
    EcsDesiredCount {
        cluster: String,
        service: String,
    },
    /// Terminate active queries running longer than the age typed.
    LongQueries,
    /// Terminate idle sessions idle longer than the age typed.
    IdleSessions,
    /// Start an instance refresh with the preferences typed.
    RefreshPreferences {
        group: String,
    },
    /// Set the group's max size to the value typed.
    MaxSize {
        group: String,
    },
    /// A snapshot of the RDS instance, named as typed.
    DbSnapshot {
        instance: String,
    },
    /// Roll back to the launch template version typed.
    RollBack {
        group: String,
        versions: Vec<crate::model::LaunchTemplateVersion>,
    },
}

/// A one-line value prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub target: PromptTarget,
    pub label: String,
    pub input: TextField,
    pub error: Option<String>,
    /// Lines listed above the input (the versions to pick from).
    pub choices: Vec<String>,
    /// An on/off option the toggle key switches (HonorCooldown for a scale).
    pub option: Option<PromptOption>,
}

/// A named on/off option of a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptOption {
    pub label: String,
    pub on: bool,
}

/// The life of one confirmed action in this run.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionStatus {
    Running,
    Finished(Report),
}

/// One confirmed action.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRecord {
    pub proposal: Proposal,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub status: ActionStatus,
}

/// A change being watched until it converges or times out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowTarget {
    /// InService k/N and healthy targets k/N until N.
    GroupCapacity { group: String, from: u32, to: u32 },
    /// Running k/N tasks until N.
    ServiceCount { service: String, from: u32, to: u32 },
    /// A DB snapshot's PercentProgress until it is available.
    DbSnapshot { instance: String, snapshot: String },
}

/// What the panes show converging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub target: FollowTarget,
    pub started_at: Timestamp,
    pub deadline: Timestamp,
    /// The last progress judged from data read after the change ("InService 7/12 · healthy
    /// 5/12"); None until such data arrives.
    pub progress: Option<String>,
    pub verdict: FollowVerdict,
}

/// Where a followed change stands, judged by `update` on each poll. Done and timed out are
/// latched: a group that dips hours later does not turn a finished change into a stuck one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowVerdict {
    Converging,
    Done { at: Timestamp },
    TimedOut { at: Timestamp },
}

/// The one-key undo offered after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    RestoreDesiredCapacity { group: String, desired: u32 },
    RestoreEcsDesiredCount { service: String, desired: u32 },
    CancelInstanceRefresh { group: String },
}

impl Undo {
    /// Words for the footer: what `u` would propose.
    pub fn describe(&self) -> String {
        match self {
            Self::RestoreDesiredCapacity { group, desired } => {
                format!("restore {group} desired capacity to {desired}")
            }
            Self::RestoreEcsDesiredCount { service, desired } => {
                format!("restore {service} desired count to {desired}")
            }
            Self::CancelInstanceRefresh { group } => {
                format!("cancel the instance refresh of {group}")
            }
        }
    }
}

/// All guarded-action state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Guarded {
    pub prompt: Option<Prompt>,
    pub dialog: Option<ConfirmDialog>,
    pub next_proposal_id: u64,
    pub history: Vec<ActionRecord>,
    pub follow: Vec<FollowUp>,
    pub undo: Option<Undo>,
}
