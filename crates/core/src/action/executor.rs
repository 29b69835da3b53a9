//! Where confirmed actions are carried out: one trait, implemented by the demo simulator now
//! and by the AWS and PostgreSQL adapters later. Every implementation re-reads the state first
//! (preflight) and aborts, changing nothing, if what the operator saw has changed.

use std::future::Future;
use std::pin::Pin;

use super::{ActionRequest, Report};

/// The future an execution returns.
pub type ReportFuture<'a> = Pin<Box<dyn Future<Output = Report> + Send + 'a>>;

/// Carries out confirmed requests.
pub trait ActionExecutor: Send + Sync {
    /// Preflight, then the change. Never retries on its own.
    fn execute(&self, request: ActionRequest) -> ReportFuture<'_>;
}
