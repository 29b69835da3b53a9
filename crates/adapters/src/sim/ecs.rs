//! The simulated ECS cluster: services whose tasks run out of memory under the spike, fail
//! health checks and get replaced.

use super::load::Load;
use super::rng::Rng;
use crate::model::{EcsDeployment, EcsEvent, EcsService, Timestamp};

/// Seconds from a task failing to its replacement running.
const REPLACEMENT_SECONDS: i64 = 30;
/// Memory above which a web task fails its health check now and then.
const MEMORY_FAILURE_PERCENT: f64 = 90.0;
const MAX_EVENTS: usize = 8;

#[derive(Debug, Clone)]
struct SimService {
    name: &'static str,
    task_definition: String,
    desired: u32,
    running: u32,
    /// Seconds at which pending tasks will be running.
    pending_until: Vec<i64>,
    /// Requests each task serves, per second, at 100 % of the load share.
    serves_traffic: bool,
    events: Vec<(i64, String, String)>,
    last_failure: i64,
    /// Deployments so far; a forced one replaces every task, one at a time.
    deployments: u32,
    /// Tasks of the previous deployment still to be replaced.
    to_replace: u32,
    /// When the primary deployment last changed (desired count, a new deployment).
    changed_at: i64,
}

/// The `prod` cluster.
#[derive(Debug, Clone)]
pub struct SimCluster {
    name: &'static str,
    services: Vec<SimService>,
    /// Memory of the busiest web task, in percent.
    pub web_memory_percent: f64,
    /// CPU of the web service, in percent.
    pub web_cpu_percent: f64,
}

impl SimCluster {
    /// A steady cluster: web 4, worker 2, scheduler 1.
    pub fn new(rng: &mut Rng, now: i64) -> Self {
        let services = [
            ("web", 42, 4, true),
            ("worker", 17, 2, false),
            ("scheduler", 9, 1, false),
        ]
        .into_iter()
        .map(|(name, revision, desired, serves_traffic)| SimService {
            name,
            task_definition: format!("basecoat-{name}:{revision}"),
            desired,
            running: desired,
            pending_until: Vec::new(),
            serves_traffic,
            events: vec![(
                now - 600,
                rng.hex(8),
                format!("(service {name}) has reached a steady state."),
            )],
            last_failure: i64::MIN / 2,
            deployments: 1,
            to_replace: 0,
            changed_at: now - 600,
        })
        .collect();
        Self {
            name: "prod",
            services,
            web_memory_percent: 50.0,
            web_cpu_percent: 30.0,
        }
    }

    /// Sets a service's desired count; false if there is no such service.
    pub fn set_desired(&mut self, name: &str, desired: u32, now: i64, rng: &mut Rng) -> bool {
        let Some(service) = self.services.iter_mut().find(|s| s.name == name) else {
            return false;
        };
        service.desired = desired;
        service.changed_at = now;
        let message = format!("(service {name}) desired count set to {desired}.");
        push_event(service, now, rng, message);
        true
    }

    /// Advances one second.
    pub fn step(&mut self, rng: &mut Rng, now: i64, load: &Load) {
        for service in &mut self.services {
            settle_pending(service, now, rng);
            replace_one_old_task(service);
            start_missing_tasks(service, now, rng);
            stop_surplus_tasks(service);
        }
        let web_tasks = self
            .services
            .iter()
            .find(|service| service.serves_traffic)
            .map_or(1, |service| service.running.max(1));
        self.web_memory_percent =
            (45.0 + 60.0 * load.requests_per_second / (f64::from(web_tasks) * 400.0) + rng.noise())
                .clamp(5.0, 99.5);
        self.web_cpu_percent = (load.requests_per_second / (f64::from(web_tasks) * 3.5)
            + 2.0 * rng.noise())
        .clamp(1.0, 100.0);
        if self.web_memory_percent > MEMORY_FAILURE_PERCENT {
            self.fail_a_web_task(rng, now);
        }
    }

    fn fail_a_web_task(&mut self, rng: &mut Rng, now: i64) {
        let Some(web) = self.services.iter_mut().find(|s| s.serves_traffic) else {
            return;
        };
        if now - web.last_failure < 60 || web.running == 0 {
            return;
        }
        web.last_failure = now;
        web.running -= 1;
        let task = rng.hex(32);
        let message = format!(
            "(service web) (task {task}) failed container health checks. OutOfMemoryError: Container killed due to memory usage"
        );
        push_event(web, now, rng, message);
    }

    /// Starts a new deployment of the same task definition that replaces every task, as
    /// UpdateService forceNewDeployment does; false if there is no such service.
    pub fn force_new_deployment(&mut self, name: &str, now: i64, rng: &mut Rng) -> bool {
        let Some(service) = self.services.iter_mut().find(|s| s.name == name) else {
            return false;
        };
        service.deployments += 1;
        service.to_replace = service.running;
        service.changed_at = now;
        let message = format!(
            "(service {name}) has started a new deployment of {}.",
            service.task_definition
        );
        push_event(service, now, rng, message);
        true
    }

    /// The services as `DescribeServices` reports them.
    pub fn snapshot(&self, to_time: &impl Fn(i64) -> Timestamp) -> Vec<EcsService> {
        self.services
            .iter()
            .map(|service| {
                let pending = service.pending_until.len() as u32;
                let settled =
                    service.running == service.desired && pending == 0 && service.to_replace == 0;
                let rollout_state = if settled { "COMPLETED" } else { "IN_PROGRESS" };
                EcsService {
                    cluster: self.name.to_owned(),
                    name: service.name.to_owned(),
                    desired_count: service.desired,
                    running_count: service.running,
                    pending_count: pending,
                    deployments: vec![EcsDeployment {
                        id: format!(
                            "ecs-svc/{}",
                            1_000_000 * service.deployments + service.task_definition.len() as u32
                        ),
                        status: "PRIMARY".to_owned(),
                        task_definition: service.task_definition.clone(),
                        desired_count: service.desired,
                        running_count: service.running,
                        rollout_state: rollout_state.to_owned(),
                        updated_at: Some(to_time(service.changed_at)),
                    }],
                    events: service
                        .events
                        .iter()
                        .map(|(at, id, message)| EcsEvent {
                            id: id.clone(),
                            created_at: to_time(*at),
                            message: message.clone(),
                        })
                        .collect(),
                }
            })
            .collect()
    }
}

fn push_event(service: &mut SimService, now: i64, rng: &mut Rng, message: String) {
    service.events.insert(0, (now, rng.hex(8), message));
    service.events.truncate(MAX_EVENTS);
}

fn settle_pending(service: &mut SimService, now: i64, rng: &mut Rng) {
    let ready = service
        .pending_until
        .iter()
        .filter(|at| **at <= now)
        .count() as u32;
    if ready == 0 {
        return;
    }
    service.pending_until.retain(|at| *at > now);
    service.running += ready;
    if service.running == service.desired && service.pending_until.is_empty() {
        let message = format!("(service {}) has reached a steady state.", service.name);
        push_event(service, now, rng, message);
    }
}

fn start_missing_tasks(service: &mut SimService, now: i64, rng: &mut Rng) {
    let planned = service.running + service.pending_until.len() as u32;
    if planned >= service.desired {
        return;
    }
    let missing = service.desired - planned;
    for _ in 0..missing {
        service.pending_until.push(now + REPLACEMENT_SECONDS);
    }
    let task = rng.hex(32);
    let message = format!(
        "(service {}) has started {missing} tasks: (task {task}).",
        service.name
    );
    push_event(service, now, rng, message);
}

fn stop_surplus_tasks(service: &mut SimService) {
    while service.running + service.pending_until.len() as u32 > service.desired {
        if service.pending_until.pop().is_none() {
            service.running -= 1;
        }
    }
}

/// A forced deployment stops one old task at a time, once no replacement is pending, so
/// the service never drops more than one task below desired.
fn replace_one_old_task(service: &mut SimService) {
    if service.to_replace > 0 && service.pending_until.is_empty() && service.running > 0 {
        service.running -= 1;
        service.to_replace -= 1;
    }
}
