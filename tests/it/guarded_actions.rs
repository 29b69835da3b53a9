//! The proposal / confirm state machine, without a terminal: every key in the dialog, typed
//! confirmation by exact match only, read-only refusals, follow-through and undo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use opsdeck::action::{ActionRequest, Outcome, Report, Risk};
use opsdeck::config::InputMode;
use opsdeck::key::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::msg::{Effect, Msg};
use opsdeck::state::guard::{Button, FollowTarget, Undo};
use opsdeck::state::{PaneId, State, update};
use support::screen::demo_state;

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

fn typed(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(state, KeyCode::Char(c)))
        .collect()
}

/// The demo estate, but not marked production, so low-risk proposals use the buttons.
fn staging_state(elapsed: i64) -> State {
    let mut state = demo_state(elapsed);
    state.environment.production = false;
    state
}

fn propose_desired(state: &mut State, value: &str) {
    typed(state, "1d");
    assert_eq!(state.mode, InputMode::Prompt, "d opens the value prompt");
    typed(state, value);
    key(state, KeyCode::Enter);
}

fn dialog_open(state: &State) -> bool {
    state.mode == InputMode::Confirm && state.guarded.dialog.is_some()
}

fn executed_request(effects: &[Effect]) -> Option<&ActionRequest> {
    effects.iter().find_map(|effect| match effect {
        Effect::Execute(proposal) => Some(&proposal.request),
        _ => None,
    })
}

#[test]
fn read_only_blocks_every_action_key_and_says_why() {
    let mut state = demo_state(120);
    state.environment.read_only = true;
    state.environment.read_only_reason = Some("--read-only was given".to_owned());
    for (pane, keys) in [('1', "dRCBMu"), ('6', "dF"), ('7', "cxLI")] {
        typed(&mut state, &pane.to_string());
        for action_key in keys.chars() {
            let effects = typed(&mut state, &action_key.to_string());
            assert!(effects.is_empty());
            assert_eq!(state.mode, InputMode::Normal);
            assert!(state.guarded.dialog.is_none() && state.guarded.prompt.is_none());
            let notice = state.notice.clone().unwrap_or_default();
            assert!(
                notice.starts_with("read-only (--read-only was given): ")
                    && notice.ends_with("is blocked; nothing was changed"),
                "{notice}"
            );
        }
    }
}

#[test]
fn production_asks_for_the_group_name_typed_exactly() {
    let mut state = demo_state(0);
    propose_desired(&mut state, "12");
    assert!(dialog_open(&state));
    let dialog = state.guarded.dialog.clone().unwrap();
    assert_eq!(dialog.proposal.risk, Risk::High);
    assert_eq!(
        dialog.proposal.typed_confirmation.as_deref(),
        Some("basecoat-portal-asg")
    );
    assert_eq!(dialog.proposal.permission, "autoscaling:SetDesiredCapacity");
    assert_eq!(dialog.proposal.changes[0].before, "5");
    assert_eq!(dialog.proposal.changes[0].after, "12");
    // y and n are typed, not obeyed; Enter with a partial name does nothing.
    assert!(typed(&mut state, "yn").is_empty());
    assert!(dialog_open(&state));
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    assert!(dialog_open(&state));
    assert!(
        state
            .guarded
            .dialog
            .as_ref()
            .unwrap()
            .hint
            .as_deref()
            .unwrap()
            .contains("type basecoat-portal-asg exactly")
    );
    key(&mut state, KeyCode::Backspace);
    key(&mut state, KeyCode::Backspace);
    // A near miss (case, extra space) never confirms.
    typed(&mut state, "Basecoat-portal-asg");
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    for _ in 0.."Basecoat-portal-asg".len() {
        key(&mut state, KeyCode::Backspace);
    }
    typed(&mut state, "basecoat-portal-asg ");
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    key(&mut state, KeyCode::Backspace);
    assert!(key(&mut state, KeyCode::Delete).is_empty());
    let effects = key(&mut state, KeyCode::Enter);
    assert_eq!(
        executed_request(&effects),
        Some(&ActionRequest::SetDesiredCapacity {
            group: "basecoat-portal-asg".to_owned(),
            expected_desired: 5,
            desired: 12,
            honor_cooldown: false,
        })
    );
    assert_eq!(state.mode, InputMode::Normal);
}

#[test]
fn escape_cancels_a_typed_confirmation_and_sends_nothing() {
    let mut state = demo_state(0);
    propose_desired(&mut state, "12");
    typed(&mut state, "basecoat-portal-asg");
    let effects = key(&mut state, KeyCode::Esc);
    assert!(effects.is_empty());
    assert!(!dialog_open(&state));
    assert_eq!(
        state.notice.as_deref(),
        Some("cancelled: nothing was changed")
    );
    assert!(state.guarded.history.is_empty());
}

#[test]
fn focus_starts_on_cancel_so_enter_by_habit_changes_nothing() {
    let mut state = staging_state(0);
    propose_desired(&mut state, "7");
    let dialog = state.guarded.dialog.clone().unwrap();
    assert_eq!(dialog.focus, Button::Cancel);
    assert_eq!(dialog.proposal.typed_confirmation, None);
    assert!(key(&mut state, KeyCode::Enter).is_empty());
    assert!(!dialog_open(&state), "Enter pressed Cancel");
    assert!(state.guarded.history.is_empty());
}

#[test]
fn no_other_key_confirms() {
    let mut state = staging_state(0);
    propose_desired(&mut state, "7");
    let strays = [
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Char('x'),
        KeyCode::Char('Y'),
        KeyCode::Char(' '),
        KeyCode::Up,
        KeyCode::Home,
        KeyCode::F(1),
        KeyCode::Char('q'),
    ];
    for stray in strays {
        assert!(key(&mut state, stray).is_empty(), "{stray:?} acted");
        assert!(dialog_open(&state), "{stray:?} closed the dialog");
    }
    assert!(state.guarded.dialog.as_ref().unwrap().hint.is_some());
    assert!(!state.should_quit, "q in the dialog does not quit");
}

#[test]
fn tab_moves_focus_and_enter_presses_confirm() {
    let mut state = staging_state(0);
    propose_desired(&mut state, "7");
    key(&mut state, KeyCode::Tab);
    assert_eq!(
        state.guarded.dialog.as_ref().unwrap().focus,
        Button::Confirm
    );
    key(&mut state, KeyCode::Left);
    assert_eq!(state.guarded.dialog.as_ref().unwrap().focus, Button::Cancel);
    key(&mut state, KeyCode::Right);
    let effects = key(&mut state, KeyCode::Enter);
    assert!(matches!(
        executed_request(&effects),
        Some(ActionRequest::SetDesiredCapacity { desired: 7, .. })
    ));
}

#[test]
fn y_confirms_n_and_escape_cancel() {
    let mut state = staging_state(0);
    propose_desired(&mut state, "7");
    assert!(typed(&mut state, "n").is_empty());
    assert!(!dialog_open(&state));
    propose_desired(&mut state, "7");
    assert!(key(&mut state, KeyCode::Esc).is_empty());
    assert!(!dialog_open(&state));
    propose_desired(&mut state, "7");
    assert!(executed_request(&typed(&mut state, "y")).is_some());
}

#[test]
fn halving_the_fleet_is_high_risk_even_outside_production() {
    let mut state = staging_state(0);
    propose_desired(&mut state, "3");
    let dialog = state.guarded.dialog.clone().unwrap();
    assert_eq!(
        dialog.proposal.risk,
        Risk::Medium,
        "5 -> 3 is not more than half"
    );
    key(&mut state, KeyCode::Esc);
    state.data.auto_scaling[0].desired_capacity = 12;
    propose_desired(&mut state, "4");
    let dialog = state.guarded.dialog.clone().unwrap();
    assert_eq!(dialog.proposal.risk, Risk::High);
    assert_eq!(
        dialog.proposal.typed_confirmation.as_deref(),
        Some("basecoat-portal-asg")
    );
    assert!(dialog.proposal.risk_reasons[0].contains("scale-in by more than half (12 -> 4)"));
}

#[test]
fn the_prompt_names_every_bad_value() {
    let mut state = demo_state(0);
    let cases = [
        ("abc", "\"abc\" is not a whole number"),
        ("", "\"\" is not a whole number"),
        ("-3", "\"-3\" is not a whole number"),
        (
            "21",
            "21 is above the group's max size 20: raising max is a separate change (M)",
        ),
        (
            "2",
            "2 is below the group's min size 3: lowering min is a separate change",
        ),
        (
            "5",
            "basecoat-portal-asg is already at desired capacity 5; nothing to change",
        ),
    ];
    for (input, message) in cases {
        typed(&mut state, "1d");
        typed(&mut state, input);
        key(&mut state, KeyCode::Enter);
        assert_eq!(state.mode, InputMode::Prompt, "{input}");
        assert_eq!(
            state.guarded.prompt.as_ref().unwrap().error.as_deref(),
            Some(message)
        );
        assert!(key(&mut state, KeyCode::Esc).is_empty());
        assert_eq!(state.mode, InputMode::Normal);
    }
}

#[test]
fn a_finished_scale_is_followed_and_offers_its_undo() {
    let mut state = staging_state(0);
    propose_desired(&mut state, "12");
    let effects = typed(&mut state, "y");
    let Some(Effect::Execute(proposal)) = effects.first() else {
        panic!("no execute effect");
    };
    let report = Report {
        outcome: Outcome::Succeeded("desired capacity 5 -> 12".to_owned()),
        request_id: Some("req-1".to_owned()),
    };
    let at = state.now;
    update(
        &mut state,
        Msg::ActionFinished {
            proposal_id: proposal.id,
            report,
            at,
        },
    );
    assert_eq!(
        state.notice.as_deref(),
        Some("✓ Set desired capacity basecoat-portal-asg: succeeded — desired capacity 5 -> 12")
    );
    assert!(matches!(
        &state.guarded.follow[0].target,
        FollowTarget::GroupCapacity {
            from: 5,
            to: 12,
            ..
        }
    ));
    assert_eq!(
        state.guarded.undo,
        Some(Undo::RestoreDesiredCapacity {
            group: "basecoat-portal-asg".to_owned(),
            desired: 5
        })
    );
    // The undo is a proposal like any other, through the same dialog. The data still says 5
    // (the next poll will say 12), so restoring 5 is "nothing to change" until then.
    state.data.auto_scaling[0].desired_capacity = 12;
    typed(&mut state, "u");
    let dialog = state.guarded.dialog.clone().unwrap();
    assert_eq!(dialog.proposal.changes[0].before, "12");
    assert_eq!(dialog.proposal.changes[0].after, "5");
}

#[test]
fn a_failed_action_offers_no_undo() {
    let mut state = staging_state(0);
    propose_desired(&mut state, "12");
    let effects = typed(&mut state, "y");
    let Some(Effect::Execute(proposal)) = effects.first() else {
        panic!("no execute effect");
    };
    let report = Report {
        outcome: Outcome::Aborted("desired capacity of basecoat-portal-asg is now 6, not the 5 you saw; nothing was changed".to_owned()),
        request_id: None,
    };
    let at = state.now;
    update(
        &mut state,
        Msg::ActionFinished {
            proposal_id: proposal.id,
            report,
            at,
        },
    );
    assert!(
        state
            .notice
            .as_deref()
            .unwrap()
            .starts_with("✗ Set desired capacity basecoat-portal-asg: aborted")
    );
    assert!(state.guarded.follow.is_empty());
    assert_eq!(state.guarded.undo, None);
    typed(&mut state, "u");
    assert_eq!(state.notice.as_deref(), Some("nothing to undo"));
}

#[test]
fn bulk_idle_terminate_lists_every_session_and_wants_the_database_name() {
    let mut state = staging_state(0);
    typed(&mut state, "7I");
    // The prompt offers the runbook's 30 minutes.
    assert_eq!(state.guarded.prompt.as_ref().unwrap().input, "30m");
    key(&mut state, KeyCode::Enter);
    let dialog = state.guarded.dialog.clone().expect("a dialog");
    let proposal = dialog.proposal;
    assert_eq!(proposal.risk, Risk::High, "bulk is always high risk");
    assert_eq!(proposal.typed_confirmation.as_deref(), Some("basecoat_db"));
    let ActionRequest::TerminateBackends { sessions, database } = &proposal.request else {
        panic!("not a terminate");
    };
    assert_eq!(database, "basecoat_db");
    // The reporting sessions idle for over an hour, nothing else.
    assert_eq!(sessions.len(), 12);
    assert!(sessions.iter().all(|s| s.application == "reporting"));
    assert_eq!(proposal.affected.len(), 12);
    assert!(proposal.affected[0].starts_with("pid "));
}

#[test]
fn bulk_long_queries_hits_only_queries_over_the_limit() {
    let mut state = staging_state(0);
    typed(&mut state, "7L");
    assert_eq!(state.guarded.prompt.as_ref().unwrap().input, "1h");
    key(&mut state, KeyCode::Enter);
    let proposal = state.guarded.dialog.clone().expect("a dialog").proposal;
    let ActionRequest::TerminateBackends { sessions, .. } = &proposal.request else {
        panic!("not a terminate");
    };
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].application, "analytics-nightly");
}

#[test]
fn session_actions_need_the_postgres_pane_and_an_active_query_to_cancel() {
    let mut state = staging_state(0);
    typed(&mut state, "1x");
    assert_eq!(
        state.notice.as_deref(),
        Some("focus PostgreSQL (7) and select a session first")
    );
    typed(&mut state, "7");
    // The top row (longest in its state) is an idle reporting session: nothing to cancel.
    typed(&mut state, "c");
    let notice = state.notice.clone().unwrap_or_default();
    assert!(
        notice.ends_with("is idle, not running a query; terminate the backend instead"),
        "{notice}"
    );
    typed(&mut state, "x");
    let proposal = state.guarded.dialog.clone().expect("a dialog").proposal;
    assert_eq!(proposal.title, "Terminate backend");
    assert_eq!(
        proposal.target,
        format!(
            "pid {}",
            state.pane(PaneId::Postgres).table.selected().unwrap().id
        )
    );
}

#[test]
fn ecs_desired_count_from_the_ecs_pane() {
    let mut state = staging_state(0);
    typed(&mut state, "6");
    // The services sort by name: scheduler, web, worker.
    typed(&mut state, "jd");
    assert_eq!(state.mode, InputMode::Prompt);
    typed(&mut state, "8");
    key(&mut state, KeyCode::Enter);
    let proposal = state.guarded.dialog.clone().expect("a dialog").proposal;
    assert_eq!(
        proposal.request,
        ActionRequest::SetEcsDesiredCount {
            cluster: "prod".to_owned(),
            service: "web".to_owned(),
            expected_desired: 4,
            desired: 8
        }
    );
    assert_eq!(proposal.permission, "ecs:UpdateService");
}

#[test]
fn instance_refresh_start_and_cancel_proposals() {
    let mut state = staging_state(0);
    typed(&mut state, "1C");
    assert_eq!(
        state.notice.as_deref(),
        Some("basecoat-portal-asg has no instance refresh in progress")
    );
    typed(&mut state, "R");
    assert_eq!(
        state.guarded.prompt.as_ref().unwrap().input,
        "50 300",
        "prefilled with the runbook's preferences"
    );
    key(&mut state, KeyCode::Enter);
    let proposal = state.guarded.dialog.clone().expect("a dialog").proposal;
    assert_eq!(
        proposal.request,
        ActionRequest::StartInstanceRefresh {
            group: "basecoat-portal-asg".to_owned(),
            min_healthy_percentage: 50,
            instance_warmup_seconds: 300
        }
    );
    key(&mut state, KeyCode::Esc);

    typed(&mut state, "R");
    for _ in 0..6 {
        key(&mut state, KeyCode::Backspace);
    }
    for (input, error) in [
        (
            "90",
            "\"90\": type two whole numbers, min healthy % and warm-up seconds, e.g. 50 300",
        ),
        ("120 300", "min healthy 120% is above 100%"),
        ("90 9000", "warm-up 9000 s is over 3600 s"),
        ("ninety 60", "\"ninety\" is not a whole percentage"),
    ] {
        typed(&mut state, input);
        key(&mut state, KeyCode::Enter);
        assert_eq!(
            state.guarded.prompt.as_ref().unwrap().error.as_deref(),
            Some(error),
            "{input}"
        );
        for _ in 0..input.len() {
            key(&mut state, KeyCode::Backspace);
        }
    }
    typed(&mut state, "90 60");
    key(&mut state, KeyCode::Enter);
    let proposal = state.guarded.dialog.clone().expect("a dialog").proposal;
    assert_eq!(
        proposal.request,
        ActionRequest::StartInstanceRefresh {
            group: "basecoat-portal-asg".to_owned(),
            min_healthy_percentage: 90,
            instance_warmup_seconds: 60
        }
    );
    assert!(
        proposal
            .call
            .ends_with("MinHealthyPercentage=90,InstanceWarmup=60}")
    );
}

#[test]
fn desired_keys_elsewhere_explain_where_they_work() {
    let mut state = staging_state(0);
    typed(&mut state, "3d");
    assert_eq!(
        state.notice.as_deref(),
        Some("desired capacity is set from Auto Scaling (1) or ECS (6)")
    );
    assert_eq!(state.mode, InputMode::Normal);
}

#[test]
fn the_bulk_age_can_be_changed_and_bad_ages_are_named() {
    let mut state = staging_state(240);
    typed(&mut state, "7I");
    for _ in 0..3 {
        key(&mut state, KeyCode::Backspace);
    }
    typed(&mut state, "soon");
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.guarded.prompt.as_ref().unwrap().error.as_deref(),
        Some("\"soon\" is not an age; expected e.g. 90s, 30m, 2h or 1d")
    );
    for _ in 0..4 {
        key(&mut state, KeyCode::Backspace);
    }
    // During the incident the leaked connections are minutes old: 1m catches them.
    typed(&mut state, "1m");
    key(&mut state, KeyCode::Enter);
    let proposal = state.guarded.dialog.clone().expect("a dialog").proposal;
    let ActionRequest::TerminateBackends { sessions, .. } = &proposal.request else {
        panic!("not a terminate");
    };
    assert!(sessions.len() > 100, "{}", sessions.len());
    assert!(
        proposal.title.ends_with("idle longer than 1m00s"),
        "{}",
        proposal.title
    );
    key(&mut state, KeyCode::Esc);
    assert_eq!(state.mode, InputMode::Normal);
    assert!(state.guarded.history.is_empty(), "nothing ran");
}

#[test]
fn a_rollback_lists_the_versions_and_runs_update_and_refresh_as_one_guarded_change() {
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    world.advance_to_elapsed(120);
    let mut state = demo_state(120);
    let effects = typed(&mut state, "1B");
    assert_eq!(
        effects,
        [Effect::LoadLaunchTemplateVersions {
            group: "basecoat-portal-asg".to_owned()
        }]
    );
    let versions = world.launch_template_versions("basecoat-portal-asg");
    update(
        &mut state,
        Msg::LaunchTemplateVersions {
            group: "basecoat-portal-asg".to_owned(),
            result: Ok(versions.unwrap()),
        },
    );
    assert_eq!(state.mode, InputMode::Prompt);
    let prompt = state.guarded.prompt.as_ref().unwrap();
    assert_eq!(
        prompt.input, "6",
        "the newest version older than the one in use"
    );
    assert!(
        prompt.choices[0].contains("← in use"),
        "{:?}",
        prompt.choices
    );
    assert!(prompt.choices[0].trim_start().starts_with('7'));

    // The version in use, and one that does not exist, are named.
    key(&mut state, KeyCode::Backspace);
    typed(&mut state, "7");
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.guarded.prompt.as_ref().unwrap().error.as_deref(),
        Some("basecoat-portal-asg already launches version 7; nothing to roll back")
    );
    key(&mut state, KeyCode::Backspace);
    typed(&mut state, "9");
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.guarded.prompt.as_ref().unwrap().error.as_deref(),
        Some("launch template basecoat-lt has no version 9 among those listed")
    );
    key(&mut state, KeyCode::Backspace);
    typed(&mut state, "6");
    key(&mut state, KeyCode::Enter);
    assert!(dialog_open(&state));
    let proposal = &state.guarded.dialog.as_ref().unwrap().proposal;
    assert_eq!(proposal.risk, Risk::High);
    assert_eq!(
        (
            proposal.changes[0].before.as_str(),
            proposal.changes[0].after.as_str()
        ),
        ("version 7", "version 6")
    );
    typed(&mut state, "basecoat-portal-asg");
    let effects = key(&mut state, KeyCode::Enter);
    let request = executed_request(&effects).unwrap().clone();
    assert_eq!(
        request,
        ActionRequest::RollBack {
            group: "basecoat-portal-asg".to_owned(),
            template_id: "lt-0b5e6f1c2d3a4b5c6".to_owned(),
            from_version: 7,
            to_version: 6,
            min_healthy_percentage: 50,
            instance_warmup_seconds: 300,
        }
    );

    // The simulator carries it out: new instances launch from version 6.
    let report = opsdeck::sim::execute_in(&mut world, &request);
    assert!(
        matches!(&report.outcome, Outcome::Succeeded(text) if text.starts_with("basecoat-portal-asg launches version 6 (was 7); instance refresh ")),
        "{report:?}"
    );
    let again = opsdeck::sim::execute_in(&mut world, &request);
    assert!(
        matches!(again.outcome, Outcome::Refused(_) | Outcome::Aborted(_)),
        "{again:?}"
    );
    world.advance_to_elapsed(1500);
    let group = world.auto_scaling_groups().remove(0);
    assert!(
        group
            .instances
            .iter()
            .all(|i| i.launch_template_version == "6"),
        "{:?}",
        group.instances
    );
}

#[test]
fn tab_in_the_scale_prompt_switches_honor_cooldown() {
    let mut state = staging_state(120);
    typed(&mut state, "1d");
    key(&mut state, KeyCode::Tab);
    typed(&mut state, "8");
    key(&mut state, KeyCode::Enter);
    let proposal = &state.guarded.dialog.as_ref().unwrap().proposal;
    assert!(
        proposal.call.ends_with("HonorCooldown=true"),
        "{}",
        proposal.call
    );
    assert!(matches!(
        proposal.request,
        ActionRequest::SetDesiredCapacity {
            honor_cooldown: true,
            ..
        }
    ));
    key(&mut state, KeyCode::Esc);

    propose_desired(&mut state, "8");
    let proposal = &state.guarded.dialog.as_ref().unwrap().proposal;
    assert!(
        proposal.call.ends_with("HonorCooldown=false"),
        "off unless switched: {}",
        proposal.call
    );
}

#[test]
fn raising_max_is_its_own_proposal_and_then_the_scale_fits() {
    let mut state = staging_state(120);
    propose_desired(&mut state, "25");
    assert!(
        state
            .guarded
            .prompt
            .as_ref()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .ends_with("raising max is a separate change (M)")
    );
    key(&mut state, KeyCode::Esc);
    typed(&mut state, "M");
    typed(&mut state, "4");
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.guarded.prompt.as_ref().unwrap().error.as_deref(),
        Some("4 is below the desired capacity 5: scale in first")
    );
    key(&mut state, KeyCode::Backspace);
    typed(&mut state, "30");
    key(&mut state, KeyCode::Enter);
    assert!(dialog_open(&state));
    let effects = typed(&mut state, "y");
    let request = executed_request(&effects).unwrap().clone();
    assert_eq!(
        request,
        ActionRequest::SetMaxSize {
            group: "basecoat-portal-asg".to_owned(),
            expected_max: 20,
            max: 30
        }
    );
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    world.advance_to_elapsed(120);
    let report = opsdeck::sim::execute_in(&mut world, &request);
    assert_eq!(
        report.outcome,
        Outcome::Succeeded("max size 20 -> 30".to_owned())
    );
    assert_eq!(world.auto_scaling_groups()[0].max_size, 30);
    assert!(world.set_desired_capacity(25).is_ok(), "25 now fits");
}

#[test]
fn forcing_a_deployment_replaces_every_task_one_at_a_time() {
    let mut state = staging_state(0);
    typed(&mut state, "6jF");
    assert!(dialog_open(&state));
    let effects = typed(&mut state, "y");
    let request = executed_request(&effects).unwrap().clone();
    assert_eq!(
        request,
        ActionRequest::ForceNewDeployment {
            cluster: "prod".to_owned(),
            service: "web".to_owned()
        }
    );
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    let web = |world: &opsdeck::sim::World| {
        world
            .ecs_services()
            .into_iter()
            .find(|s| s.name == "web")
            .unwrap()
    };
    let before = web(&world).deployments[0].id.clone();
    let report = opsdeck::sim::execute_in(&mut world, &request);
    assert_eq!(
        report.outcome,
        Outcome::Succeeded("new deployment of web started".to_owned())
    );
    world.advance_to_elapsed(10);
    let rolling = web(&world);
    assert_eq!(rolling.deployments[0].rollout_state, "IN_PROGRESS");
    assert_ne!(rolling.deployments[0].id, before, "a new deployment");
    assert!(rolling.running_count >= 3, "never more than one task down");
    // The scripted incident (from 60 s) also kills web tasks, so the end state is checked as
    // tasks accounted for, not as a settled rollout.
    world.advance_to_elapsed(200);
    let later = web(&world);
    assert_eq!(later.running_count + later.pending_count, 4, "{later:?}");
    assert!(
        rolling
            .events
            .iter()
            .any(|e| e.message == "(service web) has started a new deployment of basecoat-web:42."),
        "{:?}",
        rolling.events
    );
}

/// Issue 13, item 4: an on-demand read is asked once while it is in flight (a second `B` would
/// race the first and pay for it twice); its answer frees the next, and one unanswered for a
/// minute may be asked again.
#[test]
fn an_on_demand_read_in_flight_is_not_asked_twice() {
    let mut state = demo_state(120);
    let asked = Effect::LoadLaunchTemplateVersions {
        group: "basecoat-portal-asg".to_owned(),
    };
    assert_eq!(typed(&mut state, "1B"), std::slice::from_ref(&asked));
    assert_eq!(typed(&mut state, "B"), [], "still in flight");
    update(
        &mut state,
        Msg::LaunchTemplateVersions {
            group: "basecoat-portal-asg".to_owned(),
            result: Err(opsdeck::source::SourceError::new(
                opsdeck::source::SourceErrorKind::Unavailable,
                "cannot reach AWS",
            )),
        },
    );
    assert_eq!(
        typed(&mut state, "B"),
        std::slice::from_ref(&asked),
        "answered: asked again"
    );
    let later = state.now + chrono::Duration::seconds(61);
    update(&mut state, Msg::Tick(later));
    assert_eq!(typed(&mut state, "B"), [asked], "unanswered for a minute");
}

fn prompt_input(state: &State) -> String {
    state
        .guarded
        .prompt
        .as_ref()
        .map(|prompt| prompt.input.to_string())
        .unwrap_or_default()
}

fn clear_prompt(state: &mut State) {
    for _ in 0..prompt_input(state).chars().count() {
        key(state, KeyCode::Backspace);
    }
}

/// Issue 15, item 8: `P` in the PostgreSQL pane proposes a manual snapshot of the RDS instance
/// named as the runbook names it, refuses a name CreateDBSnapshot would refuse (Amazon RDS API
/// Reference, `DBSnapshotIdentifier`), and once confirmed and started follows the snapshot's
/// PercentProgress, read from the RDS source, until it is available.
#[test]
fn a_db_snapshot_is_named_as_the_runbook_checked_and_followed_to_available() {
    use opsdeck::msg::Msg;
    use opsdeck::sim::{World, execute_in};
    use opsdeck::source::{SourceData, SourceKind};
    use opsdeck::state::guard::FollowVerdict;

    let mut state = staging_state(0);
    typed(&mut state, "1P");
    assert_eq!(
        state.notice.as_deref(),
        Some("focus PostgreSQL (7): P snapshots its RDS instance")
    );
    typed(&mut state, "7P");
    assert_eq!(state.mode, InputMode::Prompt);
    assert_eq!(prompt_input(&state), "basecoat-backup-20261123-090000");

    clear_prompt(&mut state);
    typed(&mut state, "backup_1");
    key(&mut state, KeyCode::Enter);
    let error = state
        .guarded
        .prompt
        .as_ref()
        .unwrap()
        .error
        .clone()
        .unwrap();
    assert!(
        error.contains("may hold only letters, digits and hyphens"),
        "{error}"
    );
    assert!(!dialog_open(&state), "nothing proposed");

    clear_prompt(&mut state);
    typed(&mut state, "basecoat-before-migration");
    key(&mut state, KeyCode::Enter);
    assert!(dialog_open(&state));
    let effects = typed(&mut state, "y");
    let Some(Effect::Execute(proposal)) = effects.first() else {
        panic!("no execute effect: {effects:?}");
    };
    assert_eq!(
        proposal.request,
        ActionRequest::CreateDbSnapshot {
            instance: "basecoat-portal-db".to_owned(),
            snapshot: "basecoat-before-migration".to_owned(),
        }
    );

    // The simulated RDS takes it; the state hears of it as the executor and the poller would.
    let mut world = World::new(1, support::screen::origin());
    let report = execute_in(&mut world, &proposal.request);
    assert!(
        matches!(report.outcome, Outcome::Succeeded(_)),
        "{report:?}"
    );
    let at = state.now;
    update(
        &mut state,
        Msg::ActionFinished {
            proposal_id: proposal.id,
            report,
            at,
        },
    );
    let poll = |state: &mut State, world: &mut World, elapsed: i64| {
        world.advance_to_elapsed(elapsed);
        let at = world.time_of(elapsed);
        update(
            state,
            Msg::SourceUpdate {
                source: SourceKind::Rds,
                result: Ok(SourceData::Rds(world.rds_status())),
                at,
            },
        );
    };
    poll(&mut state, &mut world, 60);
    let follow = &state.guarded.follow[0];
    assert_eq!(follow.progress.as_deref(), Some("creating 50%"));
    assert_eq!(follow.verdict, FollowVerdict::Converging);
    poll(&mut state, &mut world, 130);
    assert!(matches!(
        state.guarded.follow[0].verdict,
        FollowVerdict::Done { .. }
    ));
    assert_eq!(
        state.guarded.undo, None,
        "a snapshot is not undone from here"
    );

    // The same name again is refused by the simulated RDS as RDS refuses it.
    let again = execute_in(&mut world, &proposal.request);
    assert!(
        matches!(&again.outcome, Outcome::Refused(detail) if detail.starts_with("DBSnapshotAlreadyExists")),
        "{again:?}"
    );
}

/// During an incident the prompt offers the SEV-2 runbook's forensics name.
#[test]
fn a_snapshot_during_an_incident_is_named_for_forensics() {
    let mut state = staging_state(0);
    typed(&mut state, "D1");
    key(&mut state, KeyCode::Tab);
    typed(&mut state, "data inconsistency");
    key(&mut state, KeyCode::Enter);
    assert!(state.war_room.incident.is_some(), "declared");
    typed(&mut state, "W7P");
    assert_eq!(
        prompt_input(&state),
        format!("forensics-{}", state.now.timestamp())
    );
}
