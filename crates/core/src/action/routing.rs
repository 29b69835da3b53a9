//! Sends each confirmed request to the executor that owns it (no AWS call of its own; the
//! AWS executor cites the API Reference pages it follows): database actions (as
//! [`ActionRequest::targets_database`] says) to PostgreSQL, the rest to AWS. What an environment lacks is refused in words, before anything is sent.

use std::sync::Arc;

use super::executor::{ActionExecutor, ReportFuture};
use super::{ActionRequest, Outcome, Report};

/// Routes requests by kind.
pub struct RoutingExecutor {
    pub database: Option<Arc<dyn ActionExecutor>>,
    pub aws: Option<Arc<dyn ActionExecutor>>,
    /// Why there is no AWS executor, in words for the refusal.
    pub aws_missing: String,
}

impl ActionExecutor for RoutingExecutor {
    fn execute(&self, request: ActionRequest) -> ReportFuture<'_> {
        let (executor, missing) = if request.targets_database() {
            (
                self.database.as_ref(),
                "no PostgreSQL is configured for this environment (postgres_url_env)".to_owned(),
            )
        } else {
            (self.aws.as_ref(), self.aws_missing.clone())
        };
        match executor {
            Some(executor) => executor.execute(request),
            None => Box::pin(async move {
                Report {
                    outcome: Outcome::Refused(format!("{missing}; nothing was sent")),
                    request_id: None,
                }
            }),
        }
    }
}
