//! The estate screen: every environment of the config in one table, each read lightly (its
//! health checks at a slow interval) while one may be opened at full rate. Pure: the binary's
//! light pollers send [`EstateMsg::Read`], keys arrive as messages, and what must happen
//! outside (quit, open an environment, read all now) comes back as [`EstateEffect`]s.

mod budget;
mod row;
mod update;

pub use budget::budgeted_interval;

pub use row::{EstateEnvironment, OpenIncident, Reading};
pub use update::{EstateEffect, EstateMsg, update};

use crate::check::Status;
use crate::config::{InputMode, Keymap};
use crate::model::Timestamp;

/// How the table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstateSort {
    /// Worst status first (fail, unknown, warn, pass), then by name: the default, so what
    /// needs someone is on top.
    Worst,
    Name,
    /// Oldest data first.
    Age,
}

impl EstateSort {
    fn next(self) -> Self {
        match self {
            Self::Worst => Self::Name,
            Self::Name => Self::Age,
            Self::Age => Self::Worst,
        }
    }

    /// The column header the order is shown on.
    pub fn label(self) -> &'static str {
        match self {
            Self::Worst => "status",
            Self::Name => "environment",
            Self::Age => "age",
        }
    }
}

/// The estate screen's state.
#[derive(Debug, Clone)]
pub struct EstateState {
    pub environments: Vec<EstateEnvironment>,
    /// The selected environment, by name, so it stays selected as the order changes.
    pub selected: Option<String>,
    pub sort: EstateSort,
    pub reversed: bool,
    pub filter: String,
    pub mode: InputMode,
    pub keymap: Keymap,
    pub now: Timestamp,
    pub width: u16,
    pub height: u16,
    /// How often each environment's checks are read here (the budget may stretch it).
    pub interval_seconds: u64,
    /// The API calls a minute the estate's reads may make, if the config sets a budget.
    pub api_budget_per_minute: Option<u64>,
    /// The simulated estate (`--demo`): said in the title.
    pub demo: bool,
    /// A one-line note for the footer (what a key did, why it did nothing).
    pub notice: Option<String>,
}

impl EstateState {
    /// The estate of `environments`, the first selected, worst first.
    pub fn new(
        environments: Vec<EstateEnvironment>,
        keymap: Keymap,
        interval_seconds: u64,
        now: Timestamp,
    ) -> Self {
        let selected = environments.first().map(|e| e.name.clone());
        Self {
            environments,
            selected,
            sort: EstateSort::Worst,
            reversed: false,
            filter: String::new(),
            mode: InputMode::Normal,
            keymap,
            now,
            width: 0,
            height: 0,
            interval_seconds,
            api_budget_per_minute: None,
            demo: false,
            notice: None,
        }
    }

    /// The rows shown: those the filter matches, in the chosen order.
    pub fn visible(&self) -> Vec<&EstateEnvironment> {
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<&EstateEnvironment> = self
            .environments
            .iter()
            .filter(|e| needle.is_empty() || e.matches(&needle))
            .collect();
        match self.sort {
            EstateSort::Worst => rows.sort_by(|a, b| {
                severity_rank(b.status())
                    .cmp(&severity_rank(a.status()))
                    .then_with(|| a.name.cmp(&b.name))
            }),
            EstateSort::Name => rows.sort_by(|a, b| a.name.cmp(&b.name)),
            EstateSort::Age => {
                rows.sort_by_key(|e| std::cmp::Reverse(e.age_seconds(self.now).unwrap_or(i64::MAX)))
            }
        }
        if self.reversed {
            rows.reverse();
        }
        rows
    }

    /// The selected row's index among the visible rows.
    pub fn selected_index(&self) -> Option<usize> {
        let rows = self.visible();
        let name = self.selected.as_deref()?;
        rows.iter().position(|row| row.name == name)
    }

    /// The estate's calls a minute and dollars an hour at the current interval, over the
    /// environments whose reads are counted (None when none is).
    pub fn totals(&self) -> Option<(f64, f64)> {
        let counted: Vec<&EstateEnvironment> = self
            .environments
            .iter()
            .filter(|e| e.calls_per_minute(self.interval_seconds).is_some())
            .collect();
        if counted.is_empty() {
            return None;
        }
        let calls = counted
            .iter()
            .filter_map(|e| e.calls_per_minute(self.interval_seconds))
            .sum();
        let dollars = counted
            .iter()
            .filter_map(|e| e.dollars_per_hour(self.interval_seconds))
            .sum();
        Some((calls, dollars))
    }

    /// Counts of environments by overall status, for the title: (fail, unknown, warn, pass).
    pub fn roll_up(&self) -> [(Status, usize); 4] {
        let count = |status| {
            self.environments
                .iter()
                .filter(|e| e.status() == status)
                .count()
        };
        [
            (Status::Fail, count(Status::Fail)),
            (Status::Unknown, count(Status::Unknown)),
            (Status::Warn, count(Status::Warn)),
            (Status::Pass, count(Status::Pass)),
        ]
    }
}

/// Worst first: fail above unknown (a check that failed is known trouble; unknown may be a
/// source that is slow), unknown above warn.
fn severity_rank(status: Status) -> u8 {
    match status {
        Status::Fail => 4,
        Status::Unknown => 3,
        Status::Warn => 2,
        Status::Pass => 1,
        Status::Skip => 0,
    }
}
