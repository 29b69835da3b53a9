//! Runs one confirmed proposal: the intent line is written and fsynced first, then the change
//! (with a time limit; never retried), then the outcome line. If the intent cannot be written
//! nothing is sent: an unrecorded change is worse than no change.

use std::sync::Arc;
use std::time::Duration;

use crate::action::executor::ActionExecutor;
use crate::action::journal::{Actor, Entry, Journal};
use crate::action::{Outcome, Proposal, Report};
use crate::clock::Clock;
use crate::msg::Msg;

/// A change with no answer after this long is reported as unknown.
pub const ACTION_TIMEOUT: Duration = Duration::from_secs(30);

/// What running an action needs from the app.
#[derive(Clone)]
pub struct ActionRunner {
    pub executor: Arc<dyn ActionExecutor>,
    pub journal: Journal,
    /// Who AWS calls run as (the STS ARN; the OS user in the demo).
    pub actor: Actor,
    /// Who database actions run as (the DSN's role, host and database): their journal lines
    /// name it instead of the AWS caller.
    pub database_identity: Option<String>,
    pub clock: Clock,
    /// Distinguishes this run's proposal ids in the journal.
    pub run_id: String,
    /// An action unanswered by then is reported unknown ([`ACTION_TIMEOUT`] in the app).
    pub timeout: Duration,
}

impl ActionRunner {
    /// Journals, executes and journals `proposal`; the message tells the state how it ended.
    pub async fn run(&self, proposal: Proposal) -> Msg {
        let action_id = format!("{}-{}", self.run_id, proposal.id);
        let actor = self.actor_for(&proposal);
        let intent = Entry::intent(&proposal, &actor, &action_id, self.clock.now());
        if let Err(error) = self.append(intent.clone()).await {
            let report = Report {
                outcome: Outcome::Refused(format!(
                    "cannot write the audit journal {} ({error}); nothing was changed",
                    self.journal.path().display()
                )),
                request_id: None,
            };
            return self.finished(&proposal, report);
        }
        let execution = self.executor.execute(proposal.request.clone());
        let mut report = match tokio::time::timeout(self.timeout, execution).await {
            Ok(report) => report,
            Err(_) => Report {
                outcome: Outcome::Unknown(format!(
                    "no answer within {}; the next poll shows what happened; not retried",
                    crate::format::deadline(self.timeout)
                )),
                request_id: None,
            },
        };
        let outcome = Entry::outcome(&intent, &report, self.clock.now());
        if let Err(error) = self.append(outcome).await {
            tracing::error!(%error, "cannot write the outcome to the audit journal");
            let detail = format!(
                "{} (warning: the outcome could not be journaled: {error})",
                report.outcome.detail()
            );
            report.outcome = match report.outcome {
                Outcome::Succeeded(_) => Outcome::Succeeded(detail),
                Outcome::Aborted(_) => Outcome::Aborted(detail),
                Outcome::Refused(_) => Outcome::Refused(detail),
                Outcome::Failed(_) => Outcome::Failed(detail),
                Outcome::Unknown(_) => Outcome::Unknown(detail),
            };
        }
        self.finished(&proposal, report)
    }

    /// The identity the target system knows the change by: the database role for session
    /// actions (no AWS profile is involved there), the AWS caller for the rest.
    fn actor_for(&self, proposal: &Proposal) -> Actor {
        if !proposal.request.targets_database() {
            return self.actor.clone();
        }
        Actor {
            identity: self
                .database_identity
                .clone()
                .unwrap_or_else(|| "database role unknown".to_owned()),
            profile: None,
            ..self.actor.clone()
        }
    }

    fn finished(&self, proposal: &Proposal, report: Report) -> Msg {
        Msg::ActionFinished {
            proposal_id: proposal.id,
            report,
            at: self.clock.now(),
        }
    }

    /// Appends on a blocking thread: fsync must not stall the runtime.
    async fn append(&self, entry: Entry) -> std::io::Result<()> {
        let journal = self.journal.clone();
        tokio::task::spawn_blocking(move || journal.append(&entry))
            .await
            .map_err(std::io::Error::other)?
    }
}
