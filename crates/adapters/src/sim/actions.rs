//! The simulator carries out guarded actions: preflight against the current world, then the
//! change, answering as AWS and PostgreSQL would.

use super::{Simulator, World};
use crate::action::executor::{ActionExecutor, ReportFuture};
use crate::action::{ActionRequest, Outcome, Report, SessionRef};

impl ActionExecutor for Simulator {
    fn execute(&self, request: ActionRequest) -> ReportFuture<'_> {
        let report = {
            let mut world = self.world_now();
            execute_in(&mut world, &request)
        };
        Box::pin(async move { report })
    }
}

/// Preflight and change against `world`.
pub fn execute_in(world: &mut World, request: &ActionRequest) -> Report {
    let request_id = Some(world.next_request_id());
    let outcome = match request {
        ActionRequest::SetDesiredCapacity {
            group,
            expected_desired,
            desired,
            ..
        } => set_desired(world, group, *expected_desired, *desired),
        ActionRequest::StartInstanceRefresh {
            min_healthy_percentage,
            instance_warmup_seconds,
            ..
        } => {
            match world.start_instance_refresh(*min_healthy_percentage, *instance_warmup_seconds) {
                Ok(id) => Outcome::Succeeded(format!("instance refresh {id} started")),
                Err(error) => Outcome::Refused(error),
            }
        }
        ActionRequest::CancelInstanceRefresh { .. } => match world.cancel_instance_refresh() {
            Ok(id) => Outcome::Succeeded(format!("instance refresh {id} cancelled")),
            Err(error) => Outcome::Refused(error),
        },
        ActionRequest::RollBack {
            from_version,
            to_version,
            min_healthy_percentage,
            instance_warmup_seconds,
            group,
            ..
        } => match world.roll_back(
            *from_version,
            *to_version,
            *min_healthy_percentage,
            *instance_warmup_seconds,
        ) {
            Ok(id) => Outcome::Succeeded(format!(
                "{group} launches version {to_version} (was {from_version}); instance refresh {id} started"
            )),
            Err(error) if error.contains("not the") => {
                Outcome::Aborted(format!("{error}; nothing was changed"))
            }
            Err(error) => Outcome::Refused(format!("{error}; nothing was changed")),
        },
        ActionRequest::SetMaxSize {
            expected_max, max, ..
        } => match world.set_max_size(*expected_max, *max) {
            Ok(before) => Outcome::Succeeded(format!("max size {before} -> {max}")),
            Err(error) if error.contains("not the") => {
                Outcome::Aborted(format!("{error}; nothing was changed"))
            }
            Err(error) => Outcome::Refused(format!("{error}; nothing was changed")),
        },
        ActionRequest::ForceNewDeployment { service, .. } => {
            if world.force_new_deployment(service) {
                Outcome::Succeeded(format!("new deployment of {service} started"))
            } else {
                Outcome::Refused(format!(
                    "ServiceNotFoundException: service {service} not found; nothing was changed"
                ))
            }
        }
        ActionRequest::CancelQuery { session } => cancel_query(world, session),
        ActionRequest::TerminateBackends { sessions, .. } => terminate(world, sessions),
        ActionRequest::SetEcsDesiredCount {
            service,
            expected_desired,
            desired,
            ..
        } => set_ecs_desired(world, service, *expected_desired, *desired),
        ActionRequest::Analyze { table, .. } => analyze(table.as_ref()),
        // Refused as CreateDBSnapshot (Amazon RDS API Reference) refuses: DBInstanceNotFound,
        // DBSnapshotAlreadyExists.
        ActionRequest::CreateDbSnapshot { instance, snapshot } => {
            match world.create_db_snapshot(instance, snapshot) {
                Ok(()) => Outcome::Succeeded(format!(
                    "snapshot {snapshot} of {instance} started (creating); its progress follows"
                )),
                Err(error) => Outcome::Refused(format!("{error}; nothing was changed")),
            }
        }
    };
    Report {
        outcome,
        request_id,
    }
}

/// The simulated database analyzes what it holds: a table it lists, or all of them.
fn analyze(table: Option<&crate::action::analyze::TableName>) -> Outcome {
    let tables = super::demo_table_sizes();
    match table {
        Some(table)
            if tables
                .iter()
                .any(|t| t.schema == table.schema && t.name == table.name) =>
        {
            Outcome::Succeeded(format!("analyzed {table}"))
        }
        Some(table) => Outcome::Aborted(format!("table {table} no longer exists; nothing was run")),
        None => Outcome::Succeeded(format!(
            "analyzed {} of {} tables",
            tables.len(),
            tables.len()
        )),
    }
}

fn set_desired(world: &mut World, group: &str, expected: u32, desired: u32) -> Outcome {
    let current = world
        .auto_scaling_groups()
        .into_iter()
        .find(|g| g.name == group)
        .map(|g| g.desired_capacity);
    match current {
        None => Outcome::Refused(format!(
            "ValidationError: AutoScalingGroup name not found - {group}"
        )),
        Some(current) if current != expected => Outcome::Aborted(format!(
            "desired capacity of {group} is now {current}, not the {expected} you saw; nothing was changed"
        )),
        Some(_) => match world.set_desired_capacity(desired) {
            Ok(before) => Outcome::Succeeded(format!("desired capacity {before} -> {desired}")),
            Err(error) => Outcome::Refused(error),
        },
    }
}

fn set_ecs_desired(world: &mut World, service: &str, expected: u32, desired: u32) -> Outcome {
    let current = world
        .ecs_services()
        .into_iter()
        .find(|s| s.name == service)
        .map(|s| s.desired_count);
    match current {
        None => Outcome::Refused(format!(
            "ServiceNotFoundException: Service not found: {service}"
        )),
        Some(current) if current != expected => Outcome::Aborted(format!(
            "desired count of {service} is now {current}, not the {expected} you saw; nothing was changed"
        )),
        Some(_) => {
            world.set_ecs_desired_count(service, desired);
            Outcome::Succeeded(format!("desired count {expected} -> {desired}"))
        }
    }
}

/// What became of one backend.
fn check_session(world: &World, seen: &SessionRef, check_query: bool) -> Result<(), String> {
    let activity = world.database_activity();
    let Some(now) = activity.sessions.iter().find(|s| s.pid == seen.pid) else {
        return Err(format!("pid {} already gone", seen.pid));
    };
    if now.backend_start != seen.backend_start {
        return Err(format!(
            "pid {} skipped: it is another backend now (pid recycled)",
            seen.pid
        ));
    }
    if check_query && now.query_start != seen.query_start {
        return Err(format!(
            "pid {} skipped: it runs another query now",
            seen.pid
        ));
    }
    Ok(())
}

fn cancel_query(world: &mut World, session: &SessionRef) -> Outcome {
    match check_session(world, session, true) {
        Err(reason) => Outcome::Aborted(reason),
        Ok(()) => {
            world.cancel_query(session.pid);
            Outcome::Succeeded(format!("pid {} query cancelled", session.pid))
        }
    }
}

fn terminate(world: &mut World, sessions: &[SessionRef]) -> Outcome {
    let mut terminated = 0;
    let mut notes = Vec::new();
    for session in sessions {
        match check_session(world, session, false) {
            Err(reason) => notes.push(reason),
            Ok(()) => {
                world.terminate_backend(session.pid);
                terminated += 1;
            }
        }
    }
    let mut detail = format!("{terminated} of {} terminated", sessions.len());
    if !notes.is_empty() {
        detail.push_str("; ");
        detail.push_str(&notes.join("; "));
    }
    if terminated == 0 {
        Outcome::Aborted(detail)
    } else {
        Outcome::Succeeded(detail)
    }
}
