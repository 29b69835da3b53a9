//! Pollers: one tokio task per source that owns its schedule, backoff and in-flight dedupe.
//!
//! Each poller awaits its own request before scheduling the next, so two identical requests
//! are never in flight at once, however slow the API is; and no request outlives its
//! source's deadline, so a hung peer is reported, never waited on.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::clock::Clock;
use crate::model::{PollControl, SourceData, SourceError, SourceErrorKind, SourceKind};
use crate::msg::Msg;
use crate::source::{Schedule, SourceFuture, Sources};

/// Backoff after consecutive failures never exceeds this many intervals.
const MAX_BACKOFF_FACTOR: u32 = 8;

/// Starts one poller per source. They stop when the message channel closes.
pub fn spawn_pollers(
    sources: &Sources,
    clock: &Clock,
    control: watch::Receiver<PollControl>,
    tx: mpsc::Sender<Msg>,
) {
    for kind in SourceKind::ALL {
        let sources = sources.clone();
        let poller = Poller {
            kind,
            schedule: sources.schedules.of(kind),
            clock: clock.clone(),
            control: control.clone(),
            tx: tx.clone(),
        };
        tokio::spawn(poller.run(move || fetch(&sources, kind)));
    }
}

/// Calls the source behind `kind` and wraps its answer.
fn fetch(sources: &Sources, kind: SourceKind) -> SourceFuture<'static, SourceData> {
    let sources = sources.clone();
    Box::pin(async move {
        Ok(match kind {
            SourceKind::AutoScaling => {
                SourceData::AutoScaling(sources.auto_scaling.auto_scaling_groups().await?)
            }
            SourceKind::Targets => SourceData::Targets(sources.targets.target_health().await?),
            SourceKind::Metrics => SourceData::Metrics(sources.metrics.metric_series().await?),
            SourceKind::Alarms => SourceData::Alarms(sources.alarms.alarms().await?),
            SourceKind::Logs => SourceData::Logs(sources.logs.log_errors().await?),
            SourceKind::Ecs => SourceData::Ecs(sources.ecs.ecs_services().await?),
            SourceKind::Database => {
                SourceData::Database(sources.database.database_activity().await?)
            }
        })
    })
}

struct Poller {
    kind: SourceKind,
    schedule: Schedule,
    clock: Clock,
    control: watch::Receiver<PollControl>,
    tx: mpsc::Sender<Msg>,
}

impl Poller {
    async fn run<F>(mut self, fetch: F)
    where
        F: Fn() -> SourceFuture<'static, SourceData>,
    {
        let mut consecutive_failures = 0u32;
        loop {
            let result = within_deadline(self.schedule.deadline, fetch()).await;
            consecutive_failures = match &result {
                Ok(_) => 0,
                Err(_) => consecutive_failures.saturating_add(1),
            };
            if !self.deliver(result).await {
                return;
            }
            if !self.wait_until_due(consecutive_failures).await {
                return;
            }
        }
    }

    /// Sends the result to the app; false when the app has gone.
    async fn deliver(&self, result: Result<SourceData, SourceError>) -> bool {
        let msg = Msg::SourceUpdate {
            source: self.kind,
            result,
            at: self.clock.now(),
        };
        self.tx.send(msg).await.is_ok()
    }

    /// Sleeps for the interval (longer after failures), waking early on "refresh now".
    /// Returns false when the control channel has closed.
    async fn wait_until_due(&mut self, consecutive_failures: u32) -> bool {
        let generation = self.control.borrow_and_update().refresh_generation;
        let started = tokio::time::Instant::now();
        loop {
            let control = *self.control.borrow();
            if control.refresh_generation != generation {
                return true;
            }
            let delay = backoff_delay(control.interval_ms, consecutive_failures)
                .max(self.schedule.min_interval);
            let sleep = tokio::time::sleep_until(started + delay);
            tokio::select! {
                () = sleep, if !control.paused => return true,
                changed = self.control.changed() => {
                    if changed.is_err() {
                        return false;
                    }
                }
            }
        }
    }
}

/// One poll of `kind` within its deadline, as the pollers make it (the health check reads
/// each source once this way).
pub async fn poll_within_deadline(
    sources: &Sources,
    kind: SourceKind,
) -> Result<SourceData, SourceError> {
    within_deadline(sources.schedules.of(kind).deadline, fetch(sources, kind)).await
}

/// The poll's answer, or a timeout once `deadline` has passed. Dropping the poll's future
/// abandons it: the adapters give up what it held (PostgreSQL drops the connection).
async fn within_deadline(
    deadline: Duration,
    poll: SourceFuture<'static, SourceData>,
) -> Result<SourceData, SourceError> {
    tokio::time::timeout(deadline, poll)
        .await
        .unwrap_or_else(|_| {
            Err(SourceError::new(
                SourceErrorKind::Timeout,
                format!(
                    "no answer within {}: the last data is kept, and the next poll tries again",
                    crate::format::deadline(deadline)
                ),
            ))
        })
}

/// The interval, doubled for each consecutive failure up to `MAX_BACKOFF_FACTOR`.
fn backoff_delay(interval_ms: u64, consecutive_failures: u32) -> Duration {
    let factor = 2u64
        .saturating_pow(consecutive_failures)
        .min(u64::from(MAX_BACKOFF_FACTOR));
    Duration::from_millis(interval_ms.saturating_mul(factor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_delay(1000, 0), Duration::from_millis(1000));
        assert_eq!(backoff_delay(1000, 1), Duration::from_millis(2000));
        assert_eq!(backoff_delay(1000, 2), Duration::from_millis(4000));
        assert_eq!(backoff_delay(1000, 3), Duration::from_millis(8000));
        assert_eq!(backoff_delay(1000, 30), Duration::from_millis(8000));
    }
}
