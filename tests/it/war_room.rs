//! War room: declaring, the update cadence on a paused clock, the timeline from polls,
//! actions and notes, resolving, the runbook's templates filled exactly, the incident files
//! (append-only, torn lines, reopening) and snapshots of the layout at 200x50 and 120x40.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use chrono::Duration;
use insta::assert_snapshot;
use opsdeck::action::{Outcome, Report};
use opsdeck::incident::cadence::{Urgency, next_update};
use opsdeck::incident::messages::{MessageKind, fill};
use opsdeck::incident::store::IncidentStore;
use opsdeck::incident::{
    EntryKind, Incident, IncidentEvent, Resolution, Severity, TimelineEntry, postmortem,
};
use opsdeck::key::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::model::Timestamp;
use opsdeck::msg::{Effect, Msg};
use opsdeck::sim::World;
use opsdeck::state::{State, update};
use support::screen::{demo_state, empty_state, feed, origin, render_text};

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    let at = state.now;
    update(
        state,
        Msg::Key {
            key: KeyEvent::new(code, KeyModifiers::NONE),
            at,
        },
    )
}

fn press(state: &mut State, c: char) -> Vec<Effect> {
    key(state, KeyCode::Char(c))
}

fn typed(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| press(state, c)).collect()
}

fn tick(state: &mut State, at: Timestamp) {
    update(state, Msg::Tick(at));
}

/// Declares `severity` (by its digit) with `title` from the keys; returns the effects of the
/// submit.
fn declare(state: &mut State, severity: char, title: &str) -> Vec<Effect> {
    press(state, 'D');
    press(state, severity);
    key(state, KeyCode::Tab);
    typed(state, title);
    key(state, KeyCode::Enter)
}

fn recorded(effects: &[Effect]) -> Vec<&IncidentEvent> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::RecordIncident { event, .. } => Some(event),
            _ => None,
        })
        .collect()
}

fn incident(state: &State) -> &Incident {
    state.war_room.incident.as_ref().expect("an incident")
}

fn timeline_texts(state: &State, kind: EntryKind) -> Vec<String> {
    incident(state)
        .timeline
        .iter()
        .filter(|entry| entry.kind == kind)
        .map(|entry| entry.text.clone())
        .collect()
}

#[test]
fn declaring_from_the_keys_opens_the_war_room_with_the_standing_problems() {
    let mut state = demo_state(300);
    let effects = declare(&mut state, '1', "checkout 5XX for all users");
    let incident = incident(&state);
    assert_eq!(incident.severity, Severity::Sev1);
    assert_eq!(incident.title, "checkout 5XX for all users");
    assert_eq!(incident.service, "basecoat-portal");
    assert_eq!(incident.declared_at, state.now);
    assert!(state.war_room.showing);
    // The declaration is written first, then where things stand.
    let events = recorded(&effects);
    assert!(matches!(events[0], IncidentEvent::Declared { .. }));
    assert_eq!(events.len(), incident.timeline.len());
    let alarms = timeline_texts(&state, EntryKind::Alarm);
    assert!(
        alarms.contains(&"basecoat-portal-5xx-rate: in ALARM".to_owned()),
        "{alarms:?}"
    );
    let checks = timeline_texts(&state, EntryKind::Check);
    assert!(
        checks
            .iter()
            .any(|c| c.starts_with("Response time p99 failing")),
        "{checks:?}"
    );
}

#[test]
fn an_empty_title_is_refused_and_escape_records_nothing() {
    let mut state = demo_state(300);
    press(&mut state, 'D');
    let effects = key(&mut state, KeyCode::Enter);
    assert!(effects.is_empty());
    let form = state.war_room.form.as_ref().expect("form still open");
    assert_eq!(
        form.error.as_deref(),
        Some("Title (the impact) is required")
    );
    // Blank is empty too.
    typed(&mut state, "   ");
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    let effects = key(&mut state, KeyCode::Esc);
    assert!(effects.is_empty());
    assert!(state.war_room.incident.is_none());
    assert!(state.war_room.form.is_none());
    assert_eq!(state.notice.as_deref(), Some("nothing recorded"));
}

#[test]
fn severity_is_picked_by_its_digit_or_the_arrows() {
    let mut state = demo_state(0);
    press(&mut state, 'D');
    press(&mut state, '2');
    assert_eq!(
        state.war_room.form.as_ref().unwrap().severity,
        Severity::Sev2
    );
    key(&mut state, KeyCode::Down);
    assert_eq!(
        state.war_room.form.as_ref().unwrap().severity,
        Severity::Sev3
    );
    key(&mut state, KeyCode::Down);
    assert_eq!(
        state.war_room.form.as_ref().unwrap().severity,
        Severity::Sev3
    );
    key(&mut state, KeyCode::Up);
    key(&mut state, KeyCode::Up);
    assert_eq!(
        state.war_room.form.as_ref().unwrap().severity,
        Severity::Sev1
    );
    // A letter on the severity field types nothing anywhere.
    press(&mut state, 'x');
    assert_eq!(
        state
            .war_room
            .form
            .as_ref()
            .unwrap()
            .text(opsdeck::state::war_room::Field::Title),
        ""
    );
}

#[test]
fn a_second_declaration_is_refused_while_one_is_open() {
    let mut state = demo_state(300);
    declare(&mut state, '1', "checkout down");
    let effects = press(&mut state, 'D');
    assert!(effects.is_empty());
    assert!(state.war_room.form.is_none());
    let notice = state.notice.clone().unwrap();
    assert!(
        notice.contains("\"checkout down\" is open since"),
        "{notice}"
    );
}

#[test]
fn notes_messages_and_resolve_need_an_open_incident() {
    let mut state = demo_state(0);
    for c in ['n', 'E'] {
        assert!(press(&mut state, c).is_empty());
        assert_eq!(
            state.notice.as_deref(),
            Some("no incident is open; D declares one"),
            "{c}"
        );
        assert!(state.war_room.form.is_none() && state.war_room.message.is_none());
    }
    assert!(press(&mut state, 'm').is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("no incident is declared; D declares one")
    );
    assert!(state.war_room.message.is_none());
}

#[test]
fn sev1_update_cadence_turns_due_then_overdue_and_a_sent_update_restarts_it() {
    let mut state = demo_state(300);
    let declared = state.now;
    declare(&mut state, '1', "checkout down");
    let at = |minutes: i64, seconds: i64| {
        declared + Duration::minutes(minutes) + Duration::seconds(seconds)
    };
    let urgency_at = |state: &mut State, at: Timestamp| {
        tick(state, at);
        next_update(incident(state), state.now).unwrap()
    };
    let on_time = urgency_at(&mut state, at(11, 59));
    assert_eq!(on_time.urgency, Urgency::OnTime);
    assert_eq!(on_time.seconds_left, 181);
    assert_eq!(on_time.due_at, at(15, 0));
    assert_eq!(urgency_at(&mut state, at(12, 0)).urgency, Urgency::DueSoon);
    assert_eq!(urgency_at(&mut state, at(15, 0)).urgency, Urgency::DueSoon);
    let overdue = urgency_at(&mut state, at(15, 1));
    assert_eq!(overdue.urgency, Urgency::Overdue);
    assert_eq!(overdue.seconds_left, -1);
    assert_eq!(urgency_at(&mut state, at(40, 0)).urgency, Urgency::Overdue);

    // The initial notification goes out at 40 min: copied, saved, and the clock restarts.
    press(&mut state, 'm');
    assert_eq!(state.war_room.message, Some(MessageKind::Initial));
    let effects = press(&mut state, 'y');
    assert!(effects.iter().any(|e| matches!(e, Effect::CopyToClipboard(text) if text.starts_with("🚨 INCIDENT ALERT - Severity 1\n"))));
    assert!(effects.iter().any(|e| matches!(e, Effect::WriteIncidentFile { name, .. } if name == "initial-notification.txt")));
    assert!(matches!(
        recorded(&effects)[..],
        [IncidentEvent::UpdateSent { .. }]
    ));
    let restarted = next_update(incident(&state), state.now).unwrap();
    assert_eq!(restarted.urgency, Urgency::OnTime);
    assert_eq!(restarted.due_at, at(55, 0));
    // The next one is the status update.
    key(&mut state, KeyCode::Esc);
    press(&mut state, 'm');
    assert_eq!(state.war_room.message, Some(MessageKind::StatusUpdate));
}

#[test]
fn sev2_updates_every_30_minutes_and_sev3_has_no_cadence() {
    let mut state = demo_state(300);
    let declared = state.now;
    declare(&mut state, '2', "search slow for some users");
    tick(
        &mut state,
        declared + Duration::minutes(23) + Duration::seconds(59),
    );
    let next = next_update(incident(&state), state.now).unwrap();
    assert_eq!(next.urgency, Urgency::OnTime);
    assert_eq!(next.due_at, declared + Duration::minutes(30));
    tick(&mut state, declared + Duration::minutes(24));
    assert_eq!(
        next_update(incident(&state), state.now).unwrap().urgency,
        Urgency::DueSoon
    );
    tick(&mut state, declared + Duration::minutes(31));
    assert_eq!(
        next_update(incident(&state), state.now).unwrap().urgency,
        Urgency::Overdue
    );

    let mut state = demo_state(300);
    declare(&mut state, '3', "reports slow, retry works");
    let later = state.now + Duration::hours(5);
    tick(&mut state, later);
    assert_eq!(next_update(incident(&state), state.now), None);
}

#[test]
fn polls_after_the_declaration_land_in_the_timeline() {
    // Declared while calm; the incident then starts in the simulated estate.
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(30);
    let mut state = empty_state();
    feed(&mut state, &world);
    declare(&mut state, '2', "pre-emptive: deploy in progress");
    assert!(timeline_texts(&state, EntryKind::Alarm).is_empty());
    world.advance_to_elapsed(300);
    feed(&mut state, &world);
    let alarms = timeline_texts(&state, EntryKind::Alarm);
    assert!(
        alarms.contains(&"basecoat-portal-5xx-rate: OK → ALARM".to_owned()),
        "{alarms:?}"
    );
    let checks = timeline_texts(&state, EntryKind::Check);
    assert!(
        checks
            .iter()
            .any(|c| c.starts_with("Response time p99: pass → fail")),
        "{checks:?}"
    );
}

#[test]
fn a_note_is_typed_inline_and_an_empty_one_refused() {
    let mut state = demo_state(300);
    declare(&mut state, '1', "checkout down");
    press(&mut state, 'n');
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    assert_eq!(
        state.war_room.form.as_ref().unwrap().error.as_deref(),
        Some("Note is required")
    );
    typed(&mut state, "paged the DB team");
    let effects = key(&mut state, KeyCode::Enter);
    assert_eq!(recorded(&effects).len(), 1);
    assert_eq!(
        timeline_texts(&state, EntryKind::Note),
        vec!["paged the DB team".to_owned()]
    );
}

/// Issue 13, item 3: key messages carry the time they arrived, so a note is stamped when its
/// Enter was pressed, not at the last tick or frame before it.
#[test]
fn a_note_is_stamped_when_its_key_arrived_not_at_the_last_tick() {
    let mut state = demo_state(300);
    declare(&mut state, '1', "checkout down");
    press(&mut state, 'n');
    typed(&mut state, "failover started");
    let last_tick = state.now;
    let pressed = last_tick + chrono::Duration::seconds(40);
    update(
        &mut state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            at: pressed,
        },
    );
    let note = incident(&state)
        .timeline
        .iter()
        .find(|entry| entry.kind == EntryKind::Note)
        .unwrap();
    assert_eq!(note.text, "failover started");
    assert_eq!(note.at, pressed);
    // A key queued before a later tick never moves the clock back.
    update(
        &mut state,
        Msg::Tick(pressed + chrono::Duration::seconds(5)),
    );
    press_at(&mut state, 'W', last_tick);
    assert_eq!(state.now, pressed + chrono::Duration::seconds(5));
}

fn press_at(state: &mut State, c: char, at: Timestamp) -> Vec<Effect> {
    update(
        state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            at,
        },
    )
}

#[test]
fn a_finished_action_lands_in_the_timeline_with_its_outcome() {
    let mut state = demo_state(300);
    declare(&mut state, '1', "checkout down");
    press(&mut state, 'W'); // back to the panes
    press(&mut state, '1');
    press(&mut state, 'd');
    for _ in 0..3 {
        key(&mut state, KeyCode::Backspace);
    }
    typed(&mut state, "12");
    key(&mut state, KeyCode::Enter);
    typed(&mut state, "basecoat-portal-asg");
    let effects = key(&mut state, KeyCode::Enter);
    let Some(Effect::Execute(proposal)) = effects.first() else {
        panic!("no execute: {effects:?}");
    };
    let finished = Msg::ActionFinished {
        proposal_id: proposal.id,
        report: Report {
            outcome: Outcome::Succeeded("desired capacity is 12".to_owned()),
            request_id: None,
        },
        at: state.now,
    };
    let effects = update(&mut state, finished);
    assert_eq!(recorded(&effects).len(), 1);
    assert_eq!(
        timeline_texts(&state, EntryKind::Action),
        vec!["Set desired capacity basecoat-portal-asg: desired capacity 5 → 12 — succeeded"]
    );
}

/// Scales basecoat-portal-asg to 12 from the keys in an open SEV-1; returns the proposal.
fn scale_to_twelve(state: &mut State) -> opsdeck::action::Proposal {
    declare(state, '1', "checkout down");
    press(state, 'W'); // back to the panes
    press(state, '1');
    press(state, 'd');
    for _ in 0..3 {
        key(state, KeyCode::Backspace);
    }
    typed(state, "12");
    key(state, KeyCode::Enter);
    typed(state, "basecoat-portal-asg");
    let effects = key(state, KeyCode::Enter);
    let Some(Effect::Execute(proposal)) = effects.into_iter().next() else {
        panic!("no execute");
    };
    *proposal
}

fn follow_entries(state: &State) -> Vec<String> {
    timeline_texts(state, EntryKind::Scaling)
        .into_iter()
        .filter(|text| text.contains("converged"))
        .collect()
}

/// Issue 13, item 3: follow-through is judged in update on each poll, latched when done and
/// written to the timeline; a group that shrinks hours later leaves the verdict alone.
#[test]
fn a_change_is_judged_on_each_poll_latched_when_done_and_written_to_the_timeline() {
    use opsdeck::state::guard::FollowVerdict;
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(300);
    let mut state = empty_state();
    feed(&mut state, &world);
    let proposal = scale_to_twelve(&mut state);
    let report = opsdeck::sim::execute_in(&mut world, &proposal.request);
    let finished_at = world.time_of(world.elapsed());
    update(
        &mut state,
        Msg::ActionFinished {
            proposal_id: proposal.id,
            report,
            at: finished_at,
        },
    );
    assert_eq!(state.guarded.follow[0].verdict, FollowVerdict::Converging);
    assert_eq!(state.guarded.follow[0].progress, None);
    let mut elapsed = 300;
    while state.guarded.follow[0].verdict == FollowVerdict::Converging && elapsed < 1200 {
        elapsed += 15;
        world.advance_to_elapsed(elapsed);
        feed(&mut state, &world);
    }
    let FollowVerdict::Done { at } = state.guarded.follow[0].verdict else {
        panic!("not done after 15 minutes: {:?}", state.guarded.follow[0]);
    };
    assert_eq!(
        state.guarded.follow[0].progress.as_deref(),
        Some("InService 12/12 · healthy 12/12")
    );
    let entries = follow_entries(&state);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0].starts_with("basecoat-portal-asg 5→12 converged after ")
            && entries[0].ends_with("(InService 12/12 · healthy 12/12)"),
        "{entries:?}"
    );

    // Three hours later the group is back at 5: the change was done, and stays so.
    let mut groups = state.data.auto_scaling.clone();
    groups[0].instances.truncate(5);
    update(
        &mut state,
        Msg::SourceUpdate {
            source: opsdeck::model::SourceKind::AutoScaling,
            result: Ok(opsdeck::model::SourceData::AutoScaling(groups)),
            at: at + Duration::hours(3),
        },
    );
    tick(&mut state, at + Duration::hours(3));
    assert_eq!(state.guarded.follow[0].verdict, FollowVerdict::Done { at });
    assert_eq!(follow_entries(&state).len(), 1);
    press(&mut state, '1');
    let screen = render_text(&state, 140, 45);
    assert!(
        screen.contains("✓ 5→12: InService 12/12 · healthy 12/12 · done"),
        "{screen}"
    );
    assert!(!screen.contains("not converged"), "{screen}");
}

/// Issue 13, item 3: a change that never converges times out on the clock, with no poll
/// needed, and the timeline says so.
#[test]
fn a_change_that_never_converges_times_out_on_the_clock_and_the_timeline_says_so() {
    use opsdeck::state::guard::FollowVerdict;
    let mut state = demo_state(300);
    let proposal = scale_to_twelve(&mut state);
    let started = state.now;
    update(
        &mut state,
        Msg::ActionFinished {
            proposal_id: proposal.id,
            report: Report {
                outcome: Outcome::Succeeded("desired capacity is 12".to_owned()),
                request_id: None,
            },
            at: started,
        },
    );
    tick(&mut state, started + Duration::minutes(14));
    assert_eq!(state.guarded.follow[0].verdict, FollowVerdict::Converging);
    let late = started + Duration::minutes(16);
    let effects = update(&mut state, Msg::Tick(late));
    assert_eq!(
        state.guarded.follow[0].verdict,
        FollowVerdict::TimedOut { at: late }
    );
    assert!(recorded(&effects).iter().any(|event| matches!(
        event,
        IncidentEvent::Entry(entry) if entry.text.contains("not converged")
    )));
    assert_eq!(
        follow_entries(&state),
        vec!["basecoat-portal-asg 5→12 not converged after 16m00s".to_owned()]
    );
}

#[test]
fn resolving_needs_root_cause_and_prevention_then_writes_the_postmortem() {
    let mut state = demo_state(300);
    declare(&mut state, '1', "checkout down");
    let later = state.now + Duration::minutes(42);
    tick(&mut state, later);
    press(&mut state, 'E');
    typed(&mut state, "connection leak in portal-api");
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    assert_eq!(
        state.war_room.form.as_ref().unwrap().error.as_deref(),
        Some("Prevention is required")
    );
    typed(&mut state, "pool timeouts + alarm on idle connections");
    let effects = key(&mut state, KeyCode::Enter);
    assert!(!incident(&state).is_open());
    assert!(matches!(
        recorded(&effects)[..],
        [IncidentEvent::Resolved(_)]
    ));
    let Some(Effect::WriteIncidentFile { name, text, .. }) = effects.last() else {
        panic!("no post-mortem file: {effects:?}");
    };
    assert_eq!(name, "postmortem.md");
    assert!(
        text.starts_with("# SEV-1 incident: checkout down\n"),
        "{text}"
    );
    assert!(text.contains("- **Root cause:** connection leak in portal-api\n"));
    assert!(text.contains("| resolved | resolved; root cause: connection leak in portal-api |"));
    // Resolved: no cadence, no more notes, the resolution message is ready.
    assert_eq!(next_update(incident(&state), state.now), None);
    press(&mut state, 'n');
    assert_eq!(
        state.notice.as_deref(),
        Some("no incident is open; D declares one")
    );
    press(&mut state, 'm');
    assert_eq!(state.war_room.message, Some(MessageKind::Resolution));
    let effects = press(&mut state, 'y');
    assert!(effects.iter().any(|e| matches!(e, Effect::CopyToClipboard(text) if text.starts_with("✅ INCIDENT RESOLVED - Severity 1\n"))));
    // Sending the resolution is not a status update of an open incident.
    assert!(recorded(&effects).is_empty());
}

fn at(hour: u32, minute: u32) -> Timestamp {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, hour, minute, 0)
        .single()
        .unwrap()
}

fn sample_incident() -> Incident {
    let declared = IncidentEvent::Declared {
        id: "20261123T030500Z-sev1".to_owned(),
        severity: Severity::Sev1,
        title: "checkout returns 5XX for all users".to_owned(),
        service: "basecoat-portal".to_owned(),
        environment: "prod".to_owned(),
        at: at(3, 5),
    };
    let mut incident = Incident::from_declared(&declared).unwrap();
    incident.apply(&IncidentEvent::UpdateSent {
        at: at(3, 10),
        message: "Initial Incident Notification".to_owned(),
    });
    incident.apply(&IncidentEvent::Entry(TimelineEntry {
        at: at(3, 12),
        kind: EntryKind::Action,
        text: "Set desired capacity basecoat-portal-asg: desired capacity 5 → 12 — succeeded"
            .to_owned(),
    }));
    incident.apply(&IncidentEvent::Entry(TimelineEntry {
        at: at(3, 14),
        kind: EntryKind::Note,
        text: "DB team paged".to_owned(),
    }));
    incident
}

#[test]
fn the_initial_notification_is_the_runbook_template_filled() {
    let text = fill(MessageKind::Initial, &sample_incident(), "", at(3, 6)).unwrap();
    assert_eq!(
        text,
        "🚨 INCIDENT ALERT - Severity 1\n\
         Service: basecoat-portal\n\
         Impact: checkout returns 5XX for all users\n\
         Status: Investigating\n\
         ETA for Update: 03:21 UTC (15 min)\n"
    );
}

#[test]
fn the_status_update_lists_what_changed_since_the_last_one() {
    let text = fill(
        MessageKind::StatusUpdate,
        &sample_incident(),
        "5XX rate % 0.40, p99 ms 820",
        at(3, 20),
    )
    .unwrap();
    assert_eq!(
        text,
        "🔄 INCIDENT UPDATE - Severity 1\n\
         Service: basecoat-portal\n\
         Impact: checkout returns 5XX for all users\n\
         Status: Mitigating\n\
         Duration so far: 15m00s\n\
         Now: 5XX rate % 0.40, p99 ms 820\n\
         Since 03:10 UTC:\n\
         - 03:12 action: Set desired capacity basecoat-portal-asg: desired capacity 5 → 12 — succeeded\n\
         - 03:14 note: DB team paged\n\
         ETA for Update: 03:35 UTC (15 min)\n"
    );
}

#[test]
fn the_resolution_notification_is_the_runbook_template_filled() {
    let mut incident = sample_incident();
    assert_eq!(
        fill(MessageKind::Resolution, &incident, "", at(3, 30)),
        Err(
            "written once the incident is resolved (E: resolve, with root cause and prevention)"
                .to_owned()
        )
    );
    incident.apply(&IncidentEvent::Resolved(Resolution {
        at: at(3, 52),
        root_cause: "connection leak in portal-api".to_owned(),
        prevention: "pool idle timeout; alarm on idle connections".to_owned(),
    }));
    assert_eq!(
        fill(MessageKind::Resolution, &incident, "", at(4, 0)).unwrap(),
        "✅ INCIDENT RESOLVED - Severity 1\n\
         Service: basecoat-portal\n\
         Duration: 2026-11-23 03:05 UTC - 2026-11-23 03:52 UTC (47m00s)\n\
         Root Cause: connection leak in portal-api\n\
         Prevention: pool idle timeout; alarm on idle connections\n"
    );
}

#[test]
fn the_postmortem_is_a_markdown_timeline() {
    let mut incident = sample_incident();
    incident.apply(&IncidentEvent::Resolved(Resolution {
        at: at(3, 52),
        root_cause: "leak | in pool".to_owned(),
        prevention: "timeouts".to_owned(),
    }));
    assert_snapshot!(postmortem::markdown(&incident));
}

#[test]
fn incident_files_reopen_the_newest_open_incident_of_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let store = IncidentStore::new(dir.path());
    let declared = |id: &str, environment: &str, at: Timestamp| IncidentEvent::Declared {
        id: id.to_owned(),
        severity: Severity::Sev2,
        title: id.to_owned(),
        service: "svc".to_owned(),
        environment: environment.to_owned(),
        at,
    };
    // A resolved one, an open one, a newer open one elsewhere.
    store.append("a", &declared("a", "prod", at(1, 0))).unwrap();
    store
        .append(
            "a",
            &IncidentEvent::Resolved(Resolution {
                at: at(1, 30),
                root_cause: "x".to_owned(),
                prevention: "y".to_owned(),
            }),
        )
        .unwrap();
    store.append("b", &declared("b", "prod", at(2, 0))).unwrap();
    store
        .append(
            "b",
            &IncidentEvent::Entry(TimelineEntry {
                at: at(2, 5),
                kind: EntryKind::Note,
                text: "kept".to_owned(),
            }),
        )
        .unwrap();
    store
        .append("c", &declared("c", "staging", at(3, 0)))
        .unwrap();

    let reopened = store.reopen("prod").unwrap();
    let incident = reopened.incident.unwrap();
    assert_eq!(incident.id, "b");
    assert_eq!(incident.timeline.last().unwrap().text, "kept");
    assert!(reopened.warnings.is_empty());
    assert!(store.reopen("dev").unwrap().incident.is_none());
    // 0600: the file says who did what.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(store.events_path("b"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_torn_last_line_is_reported_and_the_next_event_starts_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = IncidentStore::new(dir.path());
    store
        .append(
            "b",
            &IncidentEvent::Declared {
                id: "b".to_owned(),
                severity: Severity::Sev1,
                title: "t".to_owned(),
                service: "s".to_owned(),
                environment: "prod".to_owned(),
                at: at(2, 0),
            },
        )
        .unwrap();
    // A crash mid-write.
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(store.events_path("b"))
        .unwrap();
    file.write_all(b"{\"event\":\"entry\",\"at\":\"2026-")
        .unwrap();
    let reopened = store.reopen("prod").unwrap();
    assert_eq!(reopened.incident.unwrap().timeline.len(), 1);
    assert_eq!(reopened.warnings.len(), 1);
    assert!(
        reopened.warnings[0].contains("torn last line"),
        "{:?}",
        reopened.warnings
    );
    // The next event is kept whole.
    store
        .append(
            "b",
            &IncidentEvent::Entry(TimelineEntry {
                at: at(2, 10),
                kind: EntryKind::Note,
                text: "after the crash".to_owned(),
            }),
        )
        .unwrap();
    let reopened = store.reopen("prod").unwrap();
    assert_eq!(
        reopened.incident.unwrap().timeline.last().unwrap().text,
        "after the crash"
    );
    assert!(reopened.warnings[0].contains("unreadable line"));
}

#[test]
fn a_file_that_does_not_start_with_a_declaration_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.jsonl"), "{\"not\":\"an event\"}\n").unwrap();
    let reopened = IncidentStore::new(dir.path()).reopen("prod").unwrap();
    assert!(reopened.incident.is_none());
    assert_eq!(reopened.warnings.len(), 2, "{:?}", reopened.warnings);
}

/// The demo at the height of its incident, a SEV-1 declared at 2 min, a note, 3 more
/// minutes of polls.
fn war_room_state() -> State {
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(120);
    let mut state = empty_state();
    feed(&mut state, &world);
    declare(&mut state, '1', "checkout 5XX for all users");
    press(&mut state, 'n');
    typed(&mut state, "paged the DB team");
    key(&mut state, KeyCode::Enter);
    for elapsed in [180, 240, 300] {
        world.advance_to_elapsed(elapsed);
        feed(&mut state, &world);
    }
    state
}

#[test]
fn war_room_200x50() {
    assert_snapshot!(render_text(&war_room_state(), 200, 50));
}

#[test]
fn war_room_120x40() {
    assert_snapshot!(render_text(&war_room_state(), 120, 40));
}

#[test]
fn war_room_without_an_incident_120x40() {
    let mut state = demo_state(300);
    press(&mut state, 'W');
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn declare_form_and_messages_120x40() {
    let mut state = demo_state(300);
    press(&mut state, 'D');
    assert_snapshot!("declare_form_120x40", render_text(&state, 120, 40));
    key(&mut state, KeyCode::Esc);
    declare(&mut state, '1', "checkout 5XX for all users");
    press(&mut state, 'm');
    assert_snapshot!("messages_120x40", render_text(&state, 120, 40));
}

#[test]
fn update_overdue_shows_in_the_countdown() {
    let mut state = war_room_state();
    let declared = incident(&state).declared_at;
    tick(&mut state, declared + Duration::minutes(16));
    let screen = render_text(&state, 120, 40);
    assert!(screen.contains("UPDATE OVERDUE since"), "{screen}");
}

#[test]
fn a_failed_incident_write_stays_in_the_header_until_one_succeeds() {
    let mut state = demo_state(300);
    declare(&mut state, '1', "checkout down");
    update(
        &mut state,
        Msg::IncidentWritten {
            what: "incident record".to_owned(),
            result: Err("/ro/incidents/x.jsonl: Read-only file system (os error 30)".to_owned()),
        },
    );
    let screen = render_text(&state, 200, 50);
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains(
            "⚠ incident not saved: incident record: /ro/incidents/x.jsonl: Read-only file system"
        ),
        "{header}"
    );
    update(
        &mut state,
        Msg::IncidentWritten {
            what: "incident record".to_owned(),
            result: Ok(None),
        },
    );
    assert!(state.war_room.write_problem.is_none());
    assert!(
        !render_text(&state, 200, 50)
            .lines()
            .next()
            .unwrap()
            .contains("not saved")
    );
}

#[test]
fn reopening_does_not_record_the_same_firing_alarms_again() {
    let mut state = demo_state(300);
    declare(&mut state, '1', "checkout down");
    let incident = state.war_room.incident.clone().unwrap();
    let firing = timeline_texts(&state, EntryKind::Alarm).len();
    assert!(firing > 0);
    // A new dashboard on the same incident, fed the same estate.
    let mut reopened = empty_state();
    reopened.war_room.incident = Some(incident);
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(300);
    feed(&mut reopened, &world);
    assert_eq!(timeline_texts(&reopened, EntryKind::Alarm).len(), firing);
}
