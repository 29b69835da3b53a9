//! Criterion benchmarks: rendering the overview, the war room, a 50-environment estate and
//! the zoomed metrics chart over seven days at 200x50, one update with the incident's
//! ~850 database sessions, and the simulator's step rate.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use opsdeck::config::{Keymap, Theme, Thresholds};
use opsdeck::model::Timestamp;
use opsdeck::msg::Msg;
use opsdeck::sim::World;
use opsdeck::source::{SourceData, SourceKind};
use opsdeck::state::{EnvironmentInfo, State, update};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn origin() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn fed_state(world: &World) -> State {
    let environment = EnvironmentInfo::demo("basecoat-prod (simulated)");
    let keymap = Keymap::builtin_default().unwrap_or_else(|error| panic!("{error}"));
    let mut state = State::new(environment, keymap, Thresholds::default(), 2000, origin());
    let at = world.time_of(world.elapsed());
    for (source, data) in world.answers() {
        update(
            &mut state,
            Msg::SourceUpdate {
                source,
                result: Ok(data),
                at,
            },
        );
    }
    state
}

/// The Metrics pane zoomed on seven days of the demo at one minute (10,080 points a series)
/// with last week's overlay: every window the keys ask for answered from the simulator.
fn zoomed_week(state: &State, world: &World) -> State {
    use opsdeck::key::{KeyCode, KeyEvent, KeyModifiers};
    let mut state = state.clone();
    state.width = 200;
    state.height = 50;
    let mut effects = Vec::new();
    for key in "3z]]]]w".chars() {
        let at = state.now;
        effects.extend(update(
            &mut state,
            Msg::Key {
                key: KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE),
                at,
            },
        ));
    }
    for effect in effects {
        if let opsdeck::msg::Effect::LoadMetricWindow { which, window } = effect {
            update(
                &mut state,
                Msg::MetricWindow {
                    which,
                    window,
                    result: Ok(world.metric_window(window)),
                },
            );
        }
    }
    let held = state
        .data
        .metric_range
        .series("alb_response_p99")
        .map(|s| s.values.len());
    assert_eq!(held, Some(10_080), "a week of minutes");
    assert!(
        state
            .data
            .metric_range
            .last_week_of("alb_response_p99")
            .is_some()
    );
    state
}

/// An estate of 50 environments, each read with the checks of the demo's incident (every
/// seventh not read at all), sorted worst first on every draw as the screen does.
fn estate_of_50(state: &State) -> opsdeck::estate::EstateState {
    use opsdeck::estate::{EstateEnvironment, EstateMsg, EstateState, Reading};
    let input = opsdeck::check::CheckInput {
        snapshot: state.data.clone(),
        at: Some(state.now),
        ..opsdeck::check::CheckInput::default()
    };
    let results = opsdeck::check::evaluate(&input, &Thresholds::default());
    let rows = (0..50)
        .map(|i| EstateEnvironment::new(&format!("customer-{i:02}-prod"), "eu-west-1", i % 3 == 0))
        .collect();
    let keymap = Keymap::builtin_default().unwrap_or_else(|error| panic!("{error}"));
    let mut estate = EstateState::new(rows, keymap, 60, origin());
    estate.width = 200;
    estate.height = 50;
    for i in 0..50 {
        let outcome = if i % 7 == 0 {
            Err("sts:AssumeRole: access denied".to_owned())
        } else {
            Ok(results.clone())
        };
        let reading = Reading {
            at: origin(),
            outcome,
            alarms_firing: i % 5,
            calls: Some(40),
            dollars: Some(0.001),
        };
        opsdeck::estate::update(
            &mut estate,
            EstateMsg::Read {
                name: format!("customer-{i:02}-prod"),
                reading,
            },
        );
    }
    estate
}

fn benches(c: &mut Criterion) {
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(300);
    let state = fed_state(&world);
    let theme = Theme::builtin("default").unwrap_or_else(|error| panic!("{error}"));

    let area = Rect::new(0, 0, 200, 50);
    let mut buffer = Buffer::empty(area);
    c.bench_function("render overview 200x50 (incident)", |b| {
        b.iter(|| {
            buffer.reset();
            opsdeck::ui::draw(black_box(&state), &theme, area, &mut buffer);
        });
    });

    let mut war_room = state.clone();
    let now = war_room.now;
    opsdeck::state::incident_update::declare(
        &mut war_room,
        opsdeck::incident::Severity::Sev1,
        "checkout 5XX for all users",
        "basecoat-portal",
        now,
    );
    c.bench_function("render war room 200x50 (SEV-1 declared)", |b| {
        b.iter(|| {
            buffer.reset();
            opsdeck::ui::draw(black_box(&war_room), &theme, area, &mut buffer);
        });
    });

    let database = SourceData::Database(world.database_activity());
    let at = world.time_of(world.elapsed());
    let mut updated = state.clone();
    c.bench_function("update: database poll with ~850 sessions", |b| {
        b.iter(|| {
            update(
                &mut updated,
                Msg::SourceUpdate {
                    source: SourceKind::Database,
                    result: Ok(database.clone()),
                    at,
                },
            )
        });
    });

    let estate = estate_of_50(&state);
    c.bench_function("render estate 200x50 (50 environments)", |b| {
        b.iter(|| {
            buffer.reset();
            opsdeck::ui::draw_estate(black_box(&estate), &theme, area, &mut buffer);
        });
    });

    let week = zoomed_week(&state, &world);
    c.bench_function(
        "render zoomed metrics chart 200x50 (7d, 10,080 points, vs last week)",
        |b| {
            b.iter(|| {
                buffer.reset();
                opsdeck::ui::draw(black_box(&week), &theme, area, &mut buffer);
            });
        },
    );

    c.bench_function("simulator: one simulated minute", |b| {
        b.iter_batched(
            || world.clone(),
            |mut world| {
                let target = world.elapsed() + 60;
                world.advance_to_elapsed(target);
                world
            },
            criterion::BatchSize::SmallInput,
        );
    });
}

criterion_group!(render, benches);
criterion_main!(render);
