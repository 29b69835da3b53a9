//! The estate screen from the binary's side: every environment of the config (or the demo's
//! simulated customers) read lightly in the background, the table, and one environment opened
//! at full rate in the same process and closed again (`e`), while the light reads go on.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use color_eyre::eyre::Result;
use tokio::sync::{Semaphore, mpsc, watch};

use crate::app::Ended;
use crate::check::evaluate;
use crate::cli::RunArgs;
use crate::clock::Clock;
use crate::config::{self, Resolved, Thresholds};
use crate::estate::{
    EstateEnvironment, EstateMsg, EstateState, OpenIncident, Reading, budgeted_interval,
};
use crate::estate_app::{EstateExit, run_estate};
use crate::incident::store::IncidentStore;
use crate::model::{AlarmState, DOLLARS_PER_BYTE_SCANNED, DOLLARS_PER_METRIC};
use crate::session::{self, EXIT_CONFIG};
use crate::sim::estate::{DEMO_CUSTOMERS, DemoCustomer};
use crate::source::Sources;
use crate::source::aws::CallCounter;
use crate::wiring;

/// The demo estate reads more often, so its rows visibly live.
const DEMO_READ_INTERVAL: Duration = Duration::from_secs(10);
/// Environments read at once: an account's API rate limits are shared by its environments.
const READS_AT_ONCE: usize = 4;

/// Whether the dashboard opens on the estate: `--estate`, or a config with several
/// environments and no `--env` (the demo asks with `--estate`).
pub fn wanted(args: &RunArgs, resolved: &Resolved) -> bool {
    args.estate
        || (args.environments.is_empty() && !args.demo && resolved.environment_names.len() > 1)
}

/// One environment of the estate and how to read it.
struct Member {
    name: String,
    region: String,
    read_only: bool,
    thresholds: Thresholds,
    /// The demo's customer, or None for a configured environment.
    customer: Option<&'static DemoCustomer>,
    /// Its sources once wired (the demo's at once; a live one's at its first read).
    wired: Mutex<Option<Wired>>,
    /// The demo customer's simulator, shared with its dashboard.
    simulator: Option<Arc<crate::sim::Simulator>>,
    /// The name incidents and the journal know it by.
    incident_name: String,
    /// A configured environment's settings, resolved as `--env NAME` would.
    resolved: Option<Resolved>,
}

/// What the light reads of one environment go through.
#[derive(Clone)]
struct Wired {
    sources: Sources,
    /// Its AWS clients' call counter (None for the simulator).
    calls: Option<CallCounter>,
    /// Metrics each GetMetricData read requests, for its cost.
    metrics_requested: Option<usize>,
}

/// Runs the estate screen until the user quits.
pub fn run(args: &RunArgs, resolved: &Resolved) -> Result<ExitCode> {
    if args.incident.is_some() {
        eprintln!(
            "error: --incident declares an incident in one environment; pass --env NAME with it (the estate shows every environment)"
        );
        return Ok(ExitCode::from(EXIT_CONFIG));
    }
    let runtime = crate::session::runtime()?;
    let store = session::incident_store(args)?;
    let journal = session::journal_of(args)?;
    let _log_guard = match session::start_logging(args, &journal) {
        Ok(guard) => guard,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    let clock = if args.demo {
        Clock::with_speed(chrono::Utc::now(), args.speed)
    } else {
        Clock::wall()
    };
    let members = match members(args, resolved, &clock) {
        Ok(members) if members.is_empty() => {
            eprintln!(
                "error: the estate has no environments: add [environments.NAME] tables (opsdeck discover writes one), or try opsdeck --demo --estate"
            );
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
        Ok(members) => Arc::new(members),
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_CONFIG));
        }
    };
    let pace = Pace {
        base: if args.demo {
            DEMO_READ_INTERVAL
        } else {
            Duration::from_secs(resolved.estate.read_interval_seconds())
        },
        budget_per_minute: resolved.estate.api_calls_per_minute,
    };
    tracing::info!(environments = members.len(), demo = args.demo, "estate");
    let (readings, received) = mpsc::unbounded_channel();
    let (wake, woken) = watch::channel(0u64);
    let (opening, opened) = watch::channel(None);
    runtime.spawn(read_estate(
        members.clone(),
        readings,
        woken,
        opened,
        pace,
        clock.clone(),
    ));
    let session = Session {
        args,
        resolved,
        members: &members,
        clock: &clock,
        store: &store,
        journal: &journal,
    };
    session.serve(&runtime, pace, received, (&wake, &opening))?;
    // Light reads may be mid-sleep or mid-call; do not wait for them.
    runtime.shutdown_background();
    Ok(ExitCode::SUCCESS)
}

/// What the estate screen and the dashboards it opens share.
struct Session<'a> {
    args: &'a RunArgs,
    resolved: &'a Resolved,
    members: &'a [Member],
    clock: &'a Clock,
    store: &'a IncidentStore,
    journal: &'a crate::action::journal::Journal,
}

impl Session<'_> {
    /// The estate screen, then each environment opened from it, until the user quits.
    fn serve(
        &self,
        runtime: &tokio::runtime::Runtime,
        pace: Pace,
        mut received: mpsc::UnboundedReceiver<EstateMsg>,
        (wake, opening): (&watch::Sender<u64>, &watch::Sender<Option<String>>),
    ) -> Result<()> {
        let mut state = estate_state(
            self.resolved,
            self.members,
            pace.base,
            self.clock,
            self.args.demo,
        );
        state.api_budget_per_minute = pace.budget_per_minute;
        refresh_incidents(&mut state, self.members, self.store);
        loop {
            let now = || self.clock.now();
            let exit = runtime.block_on(run_estate(
                &mut state,
                &self.resolved.theme,
                &mut received,
                &|| wake.send_modify(|generation| *generation += 1),
                &now,
            ))?;
            let EstateExit::Open(name) = exit else {
                return Ok(());
            };
            let Some(member) = self.members.iter().find(|m| m.name == name) else {
                continue;
            };
            opening.send_replace(Some(name.clone()));
            let ended = runtime.block_on(self.open(member));
            opening.send_replace(None);
            match ended {
                Ok(Ended::Quit) => return Ok(()),
                Ok(Ended::Estate) => state.notice = None,
                Err(message) => state.notice = Some(format!("cannot open {name}: {message}")),
            }
            refresh_incidents(&mut state, self.members, self.store);
        }
    }
}

/// The demo's customers, or every environment of the config with its own thresholds.
fn members(args: &RunArgs, resolved: &Resolved, clock: &Clock) -> Result<Vec<Member>, String> {
    if args.demo {
        return Ok(DEMO_CUSTOMERS
            .iter()
            .map(|customer| {
                let (simulator, sources) = customer.start(clock.clone());
                Member {
                    name: customer.name.to_owned(),
                    region: customer.region.to_owned(),
                    read_only: customer.read_only || resolved.read_only,
                    thresholds: resolved.thresholds.clone(),
                    customer: Some(customer),
                    wired: Mutex::new(Some(Wired {
                        sources,
                        calls: None,
                        metrics_requested: None,
                    })),
                    simulator: Some(simulator),
                    incident_name: format!("{} (simulated)", customer.name),
                    resolved: None,
                }
            })
            .collect());
    }
    resolved
        .environment_names
        .iter()
        .map(|name| {
            let one = resolve_one(args, name)?;
            let environment = one.environment.as_ref();
            Ok(Member {
                name: name.clone(),
                region: environment.map_or_else(String::new, |e| e.region.clone()),
                read_only: one.read_only,
                thresholds: one.thresholds.clone(),
                customer: None,
                wired: Mutex::new(None),
                simulator: None,
                incident_name: name.clone(),
                resolved: Some(one),
            })
        })
        .collect()
}

/// The config resolved as `--env NAME` would resolve it.
fn resolve_one(args: &RunArgs, name: &str) -> Result<Resolved, String> {
    let overrides = config::Overrides {
        environment: Some(name.to_owned()),
        ..args.overrides()
    };
    config::load(&overrides).map_err(|error| error.to_string())
}

fn estate_state(
    resolved: &Resolved,
    members: &[Member],
    interval: Duration,
    clock: &Clock,
    demo: bool,
) -> EstateState {
    let rows = members
        .iter()
        .map(|m| EstateEnvironment::new(&m.name, &m.region, m.read_only))
        .collect();
    let mut state = EstateState::new(
        rows,
        resolved.keymap.clone(),
        interval.as_secs(),
        clock.now(),
    );
    state.demo = demo;
    // The config's default environment is where the cursor starts.
    if members.iter().any(|m| m.name == resolved.environment_name) {
        state.selected = Some(resolved.environment_name.clone());
    }
    state
}

/// Each row's open incident, from the incident store.
fn refresh_incidents(state: &mut EstateState, members: &[Member], store: &IncidentStore) {
    for (row, member) in state.environments.iter_mut().zip(members) {
        row.incident = session::reopen(store, &member.incident_name)
            .ok()
            .and_then(|reopened| reopened.incident)
            .map(|incident| OpenIncident {
                severity: incident.severity,
                title: incident.title,
                declared_at: incident.declared_at,
            });
    }
}

/// How the light reads are paced.
#[derive(Debug, Clone, Copy)]
struct Pace {
    /// The configured interval, of the clock's time.
    base: Duration,
    /// Calls a minute the reads may make in all.
    budget_per_minute: Option<u64>,
}

/// Reads every environment on its own schedule, every interval of the clock's time (the
/// demo's runs at its speed) or at once when "read all now" bumps `wake`; at most
/// [`READS_AT_ONCE`] at a time, so one environment that hangs until its deadline holds one
/// slot and never delays the others' turns. The interval is stretched when the latest reads'
/// calls, made that often, would exceed the budget.
async fn read_estate(
    members: Arc<Vec<Member>>,
    readings: mpsc::UnboundedSender<EstateMsg>,
    wake: watch::Receiver<u64>,
    opened: watch::Receiver<Option<String>>,
    pace: Pace,
    clock: Clock,
) {
    let slots = Arc::new(Semaphore::new(READS_AT_ONCE));
    let calls_per_read = Arc::new(Mutex::new(vec![0u32; members.len()]));
    let interval = Arc::new(Mutex::new(pace.base));
    let tasks = (0..members.len()).map(|index| {
        let (members, readings, mut wake, mut opened, clock, slots) = (
            members.clone(),
            readings.clone(),
            wake.clone(),
            opened.clone(),
            clock.clone(),
            slots.clone(),
        );
        let (calls_per_read, interval) = (calls_per_read.clone(), interval.clone());
        async move {
            let name = members[index].name.clone();
            loop {
                // While its own dashboard reads it at full rate, the estate does not read it
                // too; it reads it again as soon as the dashboard closes.
                let closed = opened.wait_for(|open| open.as_deref() != Some(name.as_str()));
                if closed.await.is_err() {
                    return;
                }
                let calls = {
                    let Ok(_slot) = slots.acquire().await else {
                        return;
                    };
                    read_member(&members[index], &readings, &clock).await
                };
                if readings.is_closed() {
                    return;
                }
                let next = paced(&calls_per_read, &interval, index, calls, pace, &readings);
                let wall = next.div_f64(clock.speed().max(0.001));
                tokio::select! {
                    () = tokio::time::sleep(wall) => {}
                    changed = wake.changed() => if changed.is_err() { return },
                    _ = opened.wait_for(|open| open.as_deref() == Some(name.as_str())) => {}
                }
            }
        }
    });
    futures::future::join_all(tasks).await;
}

/// Records member `index`'s latest calls and returns the interval in effect, telling the
/// screen when the budget changed it.
fn paced(
    calls_per_read: &Mutex<Vec<u32>>,
    interval: &Mutex<Duration>,
    index: usize,
    calls: Option<u32>,
    pace: Pace,
    readings: &mpsc::UnboundedSender<EstateMsg>,
) -> Duration {
    let (Ok(mut table), Ok(mut current)) = (calls_per_read.lock(), interval.lock()) else {
        return pace.base;
    };
    if let Some(calls) = calls {
        table[index] = calls;
    }
    let next = budgeted_interval(pace.base, &table, pace.budget_per_minute);
    if next != *current {
        *current = next;
        let _ = readings.send(EstateMsg::Interval {
            seconds: next.as_secs(),
        });
    }
    next
}

/// One light read: the environment's checks, every source once within its deadline, as
/// `opsdeck check` reads them.
async fn read_member(
    member: &Member,
    readings: &mpsc::UnboundedSender<EstateMsg>,
    clock: &Clock,
) -> Option<u32> {
    let name = member.name.clone();
    let _ = readings.send(EstateMsg::Reading {
        name: name.clone(),
        at: clock.now(),
    });
    let wired = match wired(member, readings).await {
        Ok(wired) => wired,
        Err(message) => {
            let reading = Reading {
                at: clock.now(),
                outcome: Err(message),
                alarms_firing: 0,
                calls: None,
                dollars: None,
            };
            let _ = readings.send(EstateMsg::Read { name, reading });
            return None;
        }
    };
    let before = wired.calls.as_ref().map(CallCounter::total);
    let mut reading = read_checks(
        &wired.sources,
        &member.thresholds,
        clock,
        wired.metrics_requested,
    )
    .await;
    // The member's clients serve its light reads only, so the difference is this read's.
    reading.calls = wired
        .calls
        .as_ref()
        .zip(before)
        .map(|(counter, before)| u32::try_from(counter.total() - before).unwrap_or(u32::MAX));
    let calls = reading.calls;
    let _ = readings.send(EstateMsg::Read { name, reading });
    calls
}

/// One reading of an environment's checks: every source once within its deadline (as
/// `opsdeck check` reads them), evaluated against its thresholds, with its alarms firing and,
/// where CloudWatch bills it (`metrics_requested` each read), what it cost.
pub async fn read_checks(
    sources: &Sources,
    thresholds: &Thresholds,
    clock: &Clock,
    metrics_requested: Option<usize>,
) -> Reading {
    let input = crate::check_command::poll_once(sources).await;
    let alarms_firing = input
        .snapshot
        .alarms
        .iter()
        .filter(|alarm| alarm.state == AlarmState::Alarm)
        .count();
    Reading {
        at: clock.now(),
        outcome: Ok(evaluate(&input, thresholds)),
        alarms_firing,
        calls: None,
        dollars: metrics_requested.map(|metrics| {
            metrics as f64 * DOLLARS_PER_METRIC
                + input.snapshot.logs.bytes_scanned as f64 * DOLLARS_PER_BYTE_SCANNED
        }),
    }
}

/// The member's sources, wired at its first read (a live environment's clients, credentials
/// and account); a failure is the row's error and is tried again at the next read.
async fn wired(
    member: &Member,
    readings: &mpsc::UnboundedSender<EstateMsg>,
) -> Result<Wired, String> {
    if let Some(wired) = member.wired.lock().map_err(|_| "poisoned")?.clone() {
        return Ok(wired);
    }
    let resolved = member
        .resolved
        .as_ref()
        .ok_or("no settings for this environment")?;
    let wiring = wiring::live(resolved).await?;
    if let Some(account) = wiring
        .environment
        .identity
        .as_deref()
        .and_then(|identity| identity.split_whitespace().next())
    {
        let _ = readings.send(EstateMsg::Account {
            name: member.name.clone(),
            account: account.to_owned(),
        });
    }
    let wired = Wired {
        sources: wiring.sources,
        calls: wiring.api_calls,
        metrics_requested: wiring.environment.metrics_requested_per_refresh,
    };
    *member.wired.lock().map_err(|_| "poisoned")? = Some(wired.clone());
    Ok(wired)
}

impl Session<'_> {
    /// Opens one environment's dashboard at full rate until the user quits or goes back.
    async fn open(&self, member: &Member) -> Result<Ended, String> {
        let Session {
            args,
            resolved,
            clock,
            store,
            journal,
            ..
        } = *self;
        let reopened = session::reopen(store, &member.incident_name)?;
        let (wiring, one) = match (member.customer, &member.simulator) {
            (Some(customer), Some(simulator)) => {
                let sources = member
                    .wired
                    .lock()
                    .map_err(|_| "poisoned")?
                    .clone()
                    .ok_or("the simulator has no sources")?
                    .sources;
                let mut wiring = wiring::demo_with(
                    resolved,
                    &member.incident_name,
                    customer.region,
                    simulator.clone(),
                    sources,
                    clock.clone(),
                );
                if customer.read_only {
                    wiring.environment.read_only = true;
                    wiring.environment.read_only_reason =
                        Some(format!("the demo's {} is read-only", customer.name));
                }
                (wiring, resolved.clone())
            }
            _ => {
                let one = member
                    .resolved
                    .clone()
                    .ok_or("no settings for this environment")?;
                (wiring::live(&one).await?, one)
            }
        };
        let service = member.customer.map(|customer| customer.name.to_owned());
        let mut opened = session::open_environment(
            &one,
            wiring,
            crate::action::journal::Journal::new(journal.path().to_owned()),
            service,
            (store, reopened, None),
        )?;
        opened.state.from_estate = true;
        opened.state.overnight_window = args.overnight.clone();
        session::run_dashboard(
            opened,
            one.theme.clone(),
            store.clone(),
            session::run_options(args),
        )
        .await
        .map_err(|error| format!("{error:#}"))
    }
}
