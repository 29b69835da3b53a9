//! Pollers: one tokio task per source that owns its schedule, backoff and in-flight dedupe.
//!
//! Each poller awaits its own request before scheduling the next, so two identical requests
//! are never in flight at once, however slow the API is; and no request outlives its
//! source's deadline, so a hung peer is reported, never waited on. The poller alone decides
//! when: the interval, the source's minimum, backoff, "refresh now", and when the part of a
//! poll billed per scan (the Logs Insights error query) is due.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::clock::Clock;
use crate::model::{PollControl, SourceData, SourceError, SourceErrorKind, SourceKind};
use crate::msg::Msg;
use crate::source::{ErrorQuery, Schedule, SourceFuture, Sources};

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
        tokio::spawn(poller.run(move |query| fetch(&sources, kind, query)));
    }
}

/// Calls the source behind `kind` and wraps its answer; `query` says whether a Logs poll
/// runs its billed error query.
fn fetch(
    sources: &Sources,
    kind: SourceKind,
    query: ErrorQuery,
) -> SourceFuture<'static, SourceData> {
    let sources = sources.clone();
    Box::pin(async move {
        Ok(match kind {
            SourceKind::AutoScaling => {
                SourceData::AutoScaling(sources.auto_scaling.auto_scaling_groups().await?)
            }
            SourceKind::Targets => SourceData::Targets(sources.targets.target_health().await?),
            SourceKind::Health => SourceData::Health(sources.health.health_probes().await?),
            SourceKind::Metrics => SourceData::Metrics(sources.metrics.metric_series().await?),
            SourceKind::Alarms => SourceData::Alarms(sources.alarms.alarms().await?),
            SourceKind::Logs => SourceData::Logs(sources.logs.log_errors(query).await?),
            SourceKind::Ecs => SourceData::Ecs(sources.ecs.ecs_services().await?),
            SourceKind::Database => {
                SourceData::Database(sources.database.database_activity().await?)
            }
            SourceKind::Rds => SourceData::Rds(sources.rds.rds_status().await?),
            SourceKind::Cache => SourceData::Cache(sources.cache.cache_groups().await?),
            SourceKind::AwsHealth => {
                SourceData::AwsHealth(sources.aws_health.aws_health_events().await?)
            }
            SourceKind::Certificates => {
                SourceData::Certificates(sources.certificates.certificates().await?)
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
        F: Fn(ErrorQuery) -> SourceFuture<'static, SourceData>,
    {
        let mut consecutive_failures = 0u32;
        let mut billed = BilledQuery::default();
        let mut woke = Wake::Scheduled;
        // The last "refresh now" this poller has answered. Kept across polls: one asked
        // while a poll is in flight is answered by the next poll, not swallowed.
        let mut answered = self.control.borrow_and_update().refresh_generation;
        loop {
            let now = tokio::time::Instant::now();
            let query = billed.due(woke, self.schedule.billed_query_interval, now);
            let result = within_deadline(self.schedule.deadline, fetch(query)).await;
            consecutive_failures = match &result {
                Ok(_) => 0,
                Err(_) => consecutive_failures.saturating_add(1),
            };
            if !self.deliver(result).await {
                return;
            }
            match self
                .wait_until_due(consecutive_failures, &mut answered)
                .await
            {
                Some(wake) => woke = wake,
                None => return,
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

    /// Sleeps for the interval (longer after failures), waking early on "refresh now" (at
    /// once when one was asked since `answered`, during the last poll too). Returns why it
    /// woke, or `None` when the control channel has closed.
    async fn wait_until_due(
        &mut self,
        consecutive_failures: u32,
        answered: &mut u64,
    ) -> Option<Wake> {
        let started = tokio::time::Instant::now();
        loop {
            let control = *self.control.borrow_and_update();
            if control.refresh_generation != *answered {
                *answered = control.refresh_generation;
                return Some(Wake::RefreshNow);
            }
            let delay = backoff_delay(control.interval_ms, consecutive_failures)
                .max(self.schedule.min_interval);
            let sleep = tokio::time::sleep_until(started + delay);
            tokio::select! {
                () = sleep, if !control.paused => return Some(Wake::Scheduled),
                changed = self.control.changed() => {
                    if changed.is_err() {
                        return None;
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
    let poll = fetch(sources, kind, ErrorQuery::Run);
    within_deadline(sources.schedules.of(kind).deadline, poll).await
}

/// Why a poller polls again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    /// Its interval has passed (or it is the first poll).
    Scheduled,
    /// "Refresh now": the user asked to see what the sources hold now.
    RefreshNow,
}

/// When the billed part of a poll last ran.
#[derive(Debug, Default)]
struct BilledQuery {
    last_run: Option<tokio::time::Instant>,
}

impl BilledQuery {
    /// Runs the billed query on the first poll, on "refresh now" (what the user then sees
    /// was fetched for them, not held), and once `interval` has passed since the last;
    /// otherwise the source answers with what it holds.
    fn due(&mut self, woke: Wake, interval: Duration, now: tokio::time::Instant) -> ErrorQuery {
        let due = woke == Wake::RefreshNow
            || self
                .last_run
                .is_none_or(|last| now.duration_since(last) >= interval);
        if !due {
            return ErrorQuery::Held;
        }
        self.last_run = Some(now);
        ErrorQuery::Run
    }
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
    fn the_billed_query_runs_first_then_once_an_interval_or_when_refreshed() {
        let interval = Duration::from_secs(60);
        let t0 = tokio::time::Instant::now();
        let at = |seconds| t0 + Duration::from_secs(seconds);
        let mut billed = BilledQuery::default();
        assert_eq!(
            billed.due(Wake::Scheduled, interval, at(0)),
            ErrorQuery::Run
        );
        assert_eq!(
            billed.due(Wake::Scheduled, interval, at(5)),
            ErrorQuery::Held
        );
        assert_eq!(
            billed.due(Wake::RefreshNow, interval, at(5)),
            ErrorQuery::Run
        );
        assert_eq!(
            billed.due(Wake::Scheduled, interval, at(64)),
            ErrorQuery::Held
        );
        assert_eq!(
            billed.due(Wake::Scheduled, interval, at(65)),
            ErrorQuery::Run
        );
        // With no interval (the simulator, whose counts cost nothing) every poll counts.
        let no_interval = Duration::ZERO;
        assert_eq!(
            billed.due(Wake::Scheduled, no_interval, at(65)),
            ErrorQuery::Run
        );
    }

    /// "Refresh now" pressed while a poll is in flight is answered by the very next poll (with
    /// the billed query), not swallowed until the interval passes.
    #[tokio::test]
    async fn a_refresh_asked_during_a_poll_is_answered_by_the_next() {
        let (control, receiver) = watch::channel(PollControl {
            paused: false,
            interval_ms: 60_000,
            refresh_generation: 0,
        });
        let (tx, mut rx) = mpsc::channel(8);
        let poller = Poller {
            kind: SourceKind::Logs,
            schedule: Schedule {
                billed_query_interval: Duration::from_secs(3600),
                ..Schedule::default_for(SourceKind::Logs)
            },
            clock: Clock::wall(),
            control: receiver,
            tx,
        };
        let (queries_tx, mut queries) = mpsc::unbounded_channel();
        tokio::spawn(poller.run(move |query| {
            let queries_tx = queries_tx.clone();
            Box::pin(async move {
                let _ = queries_tx.send(query);
                // Each poll takes 300 ms.
                tokio::time::sleep(Duration::from_millis(300)).await;
                Ok(SourceData::Logs(crate::model::LogErrors::default()))
            })
        }));
        assert_eq!(
            queries.recv().await,
            Some(ErrorQuery::Run),
            "the first poll"
        );
        // Mid-poll, the user asks for a refresh.
        tokio::time::sleep(Duration::from_millis(100)).await;
        control.send_modify(|polling| polling.refresh_generation += 1);
        assert!(rx.recv().await.is_some(), "the first poll's answer");
        // Without the fix the next poll came after the 60 s interval, and Held.
        let next = tokio::time::timeout(Duration::from_secs(30), queries.recv()).await;
        assert_eq!(
            next,
            Ok(Some(ErrorQuery::Run)),
            "answered at once with the billed query"
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_delay(1000, 0), Duration::from_millis(1000));
        assert_eq!(backoff_delay(1000, 1), Duration::from_millis(2000));
        assert_eq!(backoff_delay(1000, 2), Duration::from_millis(4000));
        assert_eq!(backoff_delay(1000, 3), Duration::from_millis(8000));
        assert_eq!(backoff_delay(1000, 30), Duration::from_millis(8000));
    }
}
