//! The demo simulator's dynamics: deterministic per seed, the scripted incident plays out, and
//! the remediations the runbooks prescribe resolve it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{TimeZone, Utc};
use opsdeck::model::{AlarmState, LifecycleState, SessionState, TargetState, Timestamp};
use opsdeck::sim::{INCIDENT_START_SECONDS, World};

fn origin() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn latest(world: &World, id: &str) -> f64 {
    world
        .metric_series()
        .into_iter()
        .find(|series| series.id == id)
        .and_then(|series| series.latest())
        .unwrap_or(f64::NAN)
}

fn in_service(world: &World) -> usize {
    world.auto_scaling_groups()[0].in_service_count()
}

fn healthy_targets(world: &World) -> usize {
    world.target_health()[0].count_in(&TargetState::Healthy)
}

#[test]
fn same_seed_replays_the_same_estate() {
    let mut a = World::new(42, origin());
    let mut b = World::new(42, origin());
    a.advance_to_elapsed(400);
    b.advance_to_elapsed(400);
    assert_eq!(a.metric_series(), b.metric_series());
    assert_eq!(a.database_activity(), b.database_activity());
    assert_eq!(a.auto_scaling_groups(), b.auto_scaling_groups());
    let mut c = World::new(43, origin());
    c.advance_to_elapsed(400);
    assert_ne!(a.metric_series(), c.metric_series());
}

#[test]
fn opens_healthy_with_an_hour_of_history() {
    let world = World::new(1, origin());
    assert_eq!(in_service(&world), 5);
    assert_eq!(healthy_targets(&world), 5);
    assert!(
        latest(&world, "asg_cpu") < 60.0,
        "cpu {}",
        latest(&world, "asg_cpu")
    );
    assert!(latest(&world, "alb_response_p99") < 500.0);
    let p99 = world
        .metric_series()
        .into_iter()
        .find(|series| series.id == "alb_response_p99")
        .map(|series| series.values.len());
    assert_eq!(p99, Some(360));
    assert!(
        world
            .alarms()
            .iter()
            .all(|alarm| alarm.state != AlarmState::Alarm)
    );
}

#[test]
fn the_scripted_incident_plays_out() {
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 240);
    assert!(
        latest(&world, "asg_cpu") > 85.0,
        "cpu {}",
        latest(&world, "asg_cpu")
    );
    assert!(latest(&world, "alb_response_p99") > 1000.0);
    assert!(latest(&world, "alb_5xx_rate") > 5.0);
    let alarms = world.alarms();
    let firing: Vec<&str> = alarms
        .iter()
        .filter(|alarm| alarm.state == AlarmState::Alarm)
        .map(|alarm| alarm.name.as_str())
        .collect();
    assert!(firing.contains(&"basecoat-portal-cpu-high"), "{firing:?}");
    assert!(firing.contains(&"basecoat-portal-5xx-rate"), "{firing:?}");
    let activity = world.database_activity();
    assert!(activity.totals.total() > 600, "{}", activity.totals.total());
    assert!(
        activity
            .sessions
            .iter()
            .any(|s| s.application == "metabase" && s.state == SessionState::Active)
    );
    assert!(activity.sessions.iter().any(|s| !s.blocked_by.is_empty()));
}

#[test]
fn scaling_up_launches_warms_up_and_relieves_the_fleet() {
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 120);
    assert_eq!(world.set_desired_capacity(12), Ok(5));
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 122);
    let group = &world.auto_scaling_groups()[0];
    let pending = group
        .instances
        .iter()
        .filter(|instance| instance.lifecycle == LifecycleState::Pending)
        .count();
    assert_eq!(pending, 7);
    assert_eq!(group.instances.len(), 12);
    // After the warm-up the new instances are InService and their targets initial.
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 170);
    assert_eq!(in_service(&world), 12);
    assert!(world.target_health()[0].count_in(&TargetState::Initial) > 0);
    // After the health checks every target is healthy, and load falls under the runbook's bar.
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 400);
    assert_eq!(healthy_targets(&world), 12);
    assert!(
        latest(&world, "asg_cpu") < 60.0,
        "cpu {}",
        latest(&world, "asg_cpu")
    );
    assert!(latest(&world, "alb_response_p99") < 500.0);
    assert!(latest(&world, "alb_5xx_rate") < 0.5);
}

#[test]
fn scaling_in_drains_then_terminates() {
    let mut world = World::new(1, origin());
    assert_eq!(world.set_desired_capacity(3), Ok(5));
    world.advance_to_elapsed(2);
    assert_eq!(world.target_health()[0].count_in(&TargetState::Draining), 2);
    world.advance_to_elapsed(40);
    assert_eq!(world.auto_scaling_groups()[0].instances.len(), 3);
    assert_eq!(world.target_health()[0].targets.len(), 3);
}

#[test]
fn desired_capacity_outside_min_max_is_refused() {
    let mut world = World::new(1, origin());
    let error = world.set_desired_capacity(21).unwrap_err();
    assert!(
        error.contains("outside the bounds of the group's min size 3 and max size 20"),
        "{error}"
    );
    assert!(world.set_desired_capacity(2).is_err());
    assert_eq!(world.auto_scaling_groups()[0].desired_capacity, 5);
}

#[test]
fn a_terminated_backend_disappears_and_releases_its_waiters() {
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 60);
    let activity = world.database_activity();
    let holder = activity
        .sessions
        .iter()
        .find(|session| session.state == SessionState::IdleInTransaction)
        .map(|session| session.pid)
        .unwrap_or_default();
    assert!(activity.sessions.iter().any(|s| s.blocked_by == [holder]));
    assert!(world.terminate_backend(holder));
    let after = world.database_activity();
    assert!(after.sessions.iter().all(|session| session.pid != holder));
    assert!(
        after
            .sessions
            .iter()
            .all(|session| session.blocked_by.is_empty())
    );
    assert!(
        !world.terminate_backend(holder),
        "a gone pid cannot be terminated twice"
    );
}

#[test]
fn cancelling_a_query_leaves_the_session_idle() {
    let mut world = World::new(1, origin());
    let report = world
        .database_activity()
        .sessions
        .into_iter()
        .find(|session| session.application == "analytics-nightly")
        .map(|session| session.pid)
        .unwrap_or_default();
    assert!(world.cancel_query(report));
    let session = world
        .database_activity()
        .sessions
        .into_iter()
        .find(|session| session.pid == report);
    assert_eq!(session.map(|s| s.state), Some(SessionState::Idle));
}

#[test]
fn ecs_desired_count_converges() {
    let mut world = World::new(1, origin());
    assert!(world.set_ecs_desired_count("web", 8));
    assert!(!world.set_ecs_desired_count("nope", 1));
    world.advance_to_elapsed(40);
    let web = world
        .ecs_services()
        .into_iter()
        .find(|service| service.name == "web");
    assert_eq!(
        web.map(|s| (s.desired_count, s.running_count)),
        Some((8, 8))
    );
}

#[test]
fn the_incident_is_resolved_by_the_runbook_actions() {
    use opsdeck::action::{ActionRequest, Outcome, SessionRef};
    use opsdeck::sim::execute_in;

    let mut world = World::new(1, origin());
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 180);
    assert!(
        world
            .alarms()
            .iter()
            .any(|alarm| alarm.state == AlarmState::Alarm)
    );
    let as_seen = opsdeck::action::db_sessions::session_ref;

    // Scale up, as "Increase Application Capacity" says.
    let scale = ActionRequest::SetDesiredCapacity {
        group: "basecoat-portal-asg".to_owned(),
        expected_desired: 5,
        desired: 12,
        honor_cooldown: false,
    };
    assert!(matches!(
        execute_in(&mut world, &scale).outcome,
        Outcome::Succeeded(_)
    ));
    // The ECS web service runs out of memory: "manually increase desired task count".
    let ecs = ActionRequest::SetEcsDesiredCount {
        cluster: "prod".to_owned(),
        service: "web".to_owned(),
        expected_desired: 4,
        desired: 8,
    };
    assert!(matches!(
        execute_in(&mut world, &ecs).outcome,
        Outcome::Succeeded(_)
    ));
    // Kill the long report query and the lock holder, then the leaked idle connections.
    let activity = world.database_activity();
    let culprits: Vec<SessionRef> = activity
        .sessions
        .iter()
        .filter(|s| s.application == "metabase" || s.state == SessionState::IdleInTransaction)
        .map(as_seen)
        .collect();
    assert_eq!(culprits.len(), 2);
    let kill = ActionRequest::TerminateBackends {
        database: "basecoat_db".to_owned(),
        sessions: culprits,
    };
    assert_eq!(
        execute_in(&mut world, &kill).outcome,
        Outcome::Succeeded("2 of 2 terminated".to_owned())
    );
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 300);
    let leaked: Vec<SessionRef> = world
        .database_activity()
        .sessions
        .iter()
        .filter(|s| s.application == "portal-api" && s.state == SessionState::Idle)
        .map(as_seen)
        .collect();
    assert!(leaked.len() > 100, "{}", leaked.len());
    let kill_idle = ActionRequest::TerminateBackends {
        database: "basecoat_db".to_owned(),
        sessions: leaked,
    };
    assert!(matches!(
        execute_in(&mut world, &kill_idle).outcome,
        Outcome::Succeeded(_)
    ));

    // Some minutes later every alarm but the no-data one is OK again.
    world.advance_to_elapsed(INCIDENT_START_SECONDS + 900);
    let firing: Vec<String> = world
        .alarms()
        .into_iter()
        .filter(|alarm| alarm.state == AlarmState::Alarm)
        .map(|alarm| alarm.name)
        .collect();
    assert!(firing.is_empty(), "still firing: {firing:?}");
    assert!(world.database_activity().totals.total() < 400);
}

#[test]
fn preflight_refuses_a_recycled_pid_and_reports_a_gone_one() {
    use opsdeck::action::{ActionRequest, Outcome, SessionRef};
    use opsdeck::sim::execute_in;

    let mut world = World::new(1, origin());
    let session = world.database_activity().sessions.remove(0);
    let seen = SessionRef {
        backend_start: session.backend_start - chrono::Duration::seconds(5),
        ..opsdeck::action::db_sessions::session_ref(&session)
    };
    let gone = SessionRef {
        pid: 999_999,
        ..seen.clone()
    };
    let request = ActionRequest::TerminateBackends {
        database: "basecoat_db".to_owned(),
        sessions: vec![seen, gone],
    };
    let report = execute_in(&mut world, &request);
    assert_eq!(
        report.outcome,
        Outcome::Aborted(format!(
            "0 of 2 terminated; pid {} skipped: it is another backend now (pid recycled); pid 999999 already gone",
            session.pid
        ))
    );
    assert!(
        world
            .database_activity()
            .sessions
            .iter()
            .any(|s| s.pid == session.pid)
    );
}
