//! The effects of `update` that reach the world outside the terminal: polling control,
//! on-demand loads, actions, incident files. The event loop hands them here (through the
//! core's `EffectRunner`); what they produce comes back on the message channel.

use tokio::sync::{mpsc, watch};

use crate::action_runner::ActionRunner;
use crate::clock::Clock;
use crate::incident::Incident;
use crate::incident::store::IncidentStore;
use crate::model::{PollControl, Timestamp};
use crate::msg::{Effect, EffectRunner, Msg};
use crate::poller::spawn_pollers;
use crate::source::Sources;

/// Capacity of the message channel: pollers wait when the UI falls behind, never pile up.
const CHANNEL_CAPACITY: usize = 256;

/// The pollers' control, the action runner, the sources for on-demand loads and the incident
/// writer of one run.
pub struct Runtime {
    polling: watch::Sender<PollControl>,
    runner: ActionRunner,
    messages: mpsc::Sender<Msg>,
    sources: Sources,
    clock: Clock,
    incidents: IncidentWriter,
}

impl Runtime {
    /// Starts one poller per source (paused or running as `polling` says) and the incident
    /// writer; every message they and the effects produce arrives on the returned receiver.
    /// Must be called inside a tokio runtime.
    pub fn start(
        polling: PollControl,
        sources: Sources,
        runner: ActionRunner,
        store: IncidentStore,
    ) -> (Self, mpsc::Receiver<Msg>) {
        let clock = runner.clock.clone();
        let (messages, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let (control, control_receiver) = watch::channel(polling);
        spawn_pollers(&sources, &clock, control_receiver, messages.clone());
        let incidents = IncidentWriter::spawn(store, messages.clone());
        let runtime = Self {
            polling: control,
            runner,
            messages,
            sources,
            clock,
            incidents,
        };
        (runtime, receiver)
    }
}

impl EffectRunner for Runtime {
    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn carry_out(&self, effect: Effect) {
        match effect {
            Effect::ControlPolling(polling) => {
                self.polling.send_replace(polling);
            }
            Effect::LoadTableSizes => {
                let database = self.sources.database.clone();
                let messages = self.messages.clone();
                let clock = self.clock.clone();
                tokio::spawn(async move {
                    let result = database.table_sizes().await;
                    let _ = messages
                        .send(Msg::TableSizes {
                            result,
                            at: clock.now(),
                        })
                        .await;
                });
            }
            Effect::LoadMetricWindow { which, window } => {
                let metrics = self.sources.metrics.clone();
                let messages = self.messages.clone();
                tokio::spawn(async move {
                    let result = metrics.metric_window(window).await;
                    let _ = messages
                        .send(Msg::MetricWindow {
                            which,
                            window,
                            result,
                        })
                        .await;
                });
            }
            Effect::LoadAlarmHistory { since } => {
                let alarms = self.sources.alarms.clone();
                let messages = self.messages.clone();
                tokio::spawn(async move {
                    let result = alarms.alarm_history(since).await;
                    let _ = messages.send(Msg::AlarmHistory { since, result }).await;
                });
            }
            Effect::LoadOvernightIncidents { environment, since } => {
                self.incidents
                    .send(IncidentJob::Overnight { environment, since });
            }
            Effect::LoadStatements => {
                let database = self.sources.database.clone();
                let messages = self.messages.clone();
                tokio::spawn(async move {
                    let result = database.statement_stats().await;
                    let _ = messages.send(Msg::Statements { result }).await;
                });
            }
            Effect::LoadInsights => {
                let rds = self.sources.rds.clone();
                let messages = self.messages.clone();
                tokio::spawn(async move {
                    let result = rds.performance_insights().await;
                    let _ = messages.send(Msg::Insights { result }).await;
                });
            }
            Effect::LoadLaunchTemplateVersions { group } => {
                let auto_scaling = self.sources.auto_scaling.clone();
                let messages = self.messages.clone();
                tokio::spawn(async move {
                    let result = auto_scaling.launch_template_versions(&group).await;
                    let _ = messages
                        .send(Msg::LaunchTemplateVersions { group, result })
                        .await;
                });
            }
            Effect::RecordIncident { id, event } => {
                self.incidents.send(IncidentJob::Event { id, event });
            }
            Effect::WriteIncidentFile { id, name, text } => {
                self.incidents.send(IncidentJob::File { id, name, text });
            }
            Effect::Execute(proposal) => {
                let runner = self.runner.clone();
                let messages = self.messages.clone();
                tokio::spawn(async move {
                    let finished = runner.run(*proposal).await;
                    let _ = messages.send(finished).await;
                });
            }
            // The terminal's own effects: the event loop keeps them.
            Effect::Quit | Effect::ShowEstate | Effect::CopyToClipboard(_) => {}
        }
    }
}

/// What the incident writer thread does.
enum IncidentJob {
    Event {
        id: String,
        event: crate::incident::IncidentEvent,
    },
    File {
        id: String,
        name: String,
        text: String,
    },
    /// Read after the writes before it, so a just-resolved incident shows resolved.
    Overnight {
        environment: String,
        since: Timestamp,
    },
}

/// Writes incident events and files on a thread of its own, in order: each fsync waits for
/// the disk, and the screen must not.
struct IncidentWriter {
    jobs: std::sync::mpsc::Sender<IncidentJob>,
}

impl IncidentWriter {
    fn spawn(store: IncidentStore, messages: mpsc::Sender<Msg>) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<IncidentJob>();
        std::thread::spawn(move || {
            for job in queue {
                let msg = match job {
                    IncidentJob::Event { id, event } => Msg::IncidentWritten {
                        what: "incident record".to_owned(),
                        result: store.append(&id, &event).map(|()| None).map_err(|error| {
                            format!("{}: {error}", store.events_path(&id).display())
                        }),
                    },
                    IncidentJob::File { id, name, text } => Msg::IncidentWritten {
                        what: name.clone(),
                        result: store.write_artifact(&id, &name, &text).map(Some).map_err(
                            |error| {
                                format!("{}: {error}", store.artifact_path(&id, &name).display())
                            },
                        ),
                    },
                    IncidentJob::Overnight { environment, since } => Msg::OvernightIncidents {
                        result: store
                            .open_or_resolved_since(&environment, since)
                            .map(|incidents| incidents.iter().map(Incident::note).collect())
                            .map_err(|error| {
                                format!("incident records in {}: {error}", store.dir().display())
                            }),
                    },
                };
                if messages.blocking_send(msg).is_err() {
                    break;
                }
            }
        });
        Self { jobs }
    }

    fn send(&self, job: IncidentJob) {
        // The thread only ends with the app.
        let _ = self.jobs.send(job);
    }
}
