//! Time ranges and week-over-week (issue 16, items 1 and 2): the windows GetMetricData is
//! asked for (GetMetricData, Amazon CloudWatch API Reference: periods by the start's age,
//! `EndTime` exclusive), fetched once and then extended, against moto with metric data
//! seeded over days; the keys, the state and the chart on the demo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use opsdeck::model::{
    MetricKind, MetricWindow, RangeHistory, TimeRange, WEEK_SECONDS, Which, closed_periods,
};
use opsdeck::msg::{Effect, Msg};
use opsdeck::source::MetricsSource;
use opsdeck::source::aws::AwsSource;
use opsdeck::state::{PaneId, State, update};
use support::aws::{clients, put_portal_cpu, scope};
use support::moto::MotoServer;
use support::screen::{demo_state, press, render_text};

/// The range's whole window ending at the last closed minute, as the state would ask.
fn first_window(range: TimeRange, week_over_week: bool) -> (Which, MetricWindow) {
    let history = RangeHistory::new(range, week_over_week);
    let due = history.due(chrono::Utc::now());
    *due.iter()
        .find(|(which, _)| *which == Which::ThisWeek)
        .or(due.first())
        .expect("a window is due")
}

#[tokio::test]
async fn a_24_hour_range_reads_a_days_data_at_one_minute_and_a_week_earlier() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    // Every 30 minutes over the last 26 hours, and the same a week earlier, in batches (a
    // PutMetricData call takes at most 1,000 datums).
    let day: Vec<(i64, f64)> = (1..=52).map(|n| (n * 30, n as f64)).collect();
    put_portal_cpu(&clients, &day).await;
    let week_minutes = WEEK_SECONDS / 60;
    let last_week: Vec<(i64, f64)> = (1..=52)
        .map(|n| (week_minutes + n * 30, 100.0 + n as f64))
        .collect();
    put_portal_cpu(&clients, &last_week).await;
    let source = AwsSource::new(clients, scope());

    let (_, window) = first_window(TimeRange::Day, true);
    assert_eq!(window.period_seconds, 60, "1-minute data is kept 15 days");
    let series = source.metric_window(window).await.unwrap();
    let cpu = series.iter().find(|s| s.kind == MetricKind::Cpu).unwrap();
    assert_eq!(cpu.period_seconds, 60);
    // 24 hours hold the points 30, 60, ... 1,440 minutes ago: 48 of them (the one exactly
    // 24 h ago may fall either side of the aligned start).
    assert!(
        (47..=48).contains(&cpu.values.len()),
        "{} points: {:?}",
        cpu.values.len(),
        cpu.values
    );
    assert!(cpu.values.iter().all(|v| *v <= 48.0), "{:?}", cpu.values);
    assert!(
        cpu.timestamps
            .iter()
            .all(|at| *at >= window.start && *at < window.end),
        "inside [StartTime, EndTime)"
    );

    let earlier = window.earlier(WEEK_SECONDS);
    let series = source.metric_window(earlier).await.unwrap();
    let cpu = series.iter().find(|s| s.kind == MetricKind::Cpu).unwrap();
    assert!((47..=48).contains(&cpu.values.len()), "{:?}", cpu.values);
    assert!(
        cpu.values.iter().all(|v| *v > 100.0),
        "only last week's points: {:?}",
        cpu.values
    );
}

/// Issue 16, item 1: "long ranges are fetched once and extended incrementally": the
/// extension asks only for the minutes closed since, and the held series grows by them.
#[tokio::test]
async fn a_range_is_extended_by_the_minutes_closed_since_not_fetched_again() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    put_portal_cpu(&clients, &[(300, 10.0), (200, 20.0), (100, 30.0)]).await;
    let source = AwsSource::new(clients.clone(), scope());
    let mut history = RangeHistory::new(TimeRange::TwelveHours, false);
    let now = chrono::Utc::now();
    let (which, window) = history.due(now)[0];
    history.ask(which, window);
    let answer = source.metric_window(window).await.unwrap();
    assert!(history.store(which, window, Ok(answer)));
    let held = |history: &RangeHistory| {
        history
            .this_week
            .iter()
            .find(|s| s.kind == MetricKind::Cpu)
            .map(|s| s.values.clone())
            .unwrap_or_default()
    };
    assert_eq!(held(&history), [10.0, 20.0, 30.0]);

    // Three minutes after the write (measured after it, so a minute turning between the
    // first read and the write cannot leave a point in a period still open), two new
    // datapoints have closed.
    put_portal_cpu(&clients, &[(-1, 40.0), (-2, 50.0)]).await;
    let later = chrono::Utc::now() + chrono::Duration::minutes(3);
    let (which, extension) = history.due(later)[0];
    assert_eq!(extension.start, window.end, "from where the data held ends");
    assert_eq!(extension.end, closed_periods(later, 60, 60).1);
    assert!(
        (extension.end - extension.start).num_minutes() <= 4,
        "the few minutes closed since, not the 12 hours again"
    );
    history.ask(which, extension);
    let answer = source.metric_window(extension).await.unwrap();
    history.store(which, extension, Ok(answer));
    assert_eq!(held(&history), [10.0, 20.0, 30.0, 40.0, 50.0]);
}

/// The demo at 09:05 with the Metrics pane focused and zoomed.
fn zoomed_metrics() -> State {
    let mut state = demo_state(300);
    press(&mut state, '3');
    press(&mut state, 'z');
    state
}

/// Answers every LoadMetricWindow effect from the simulator, as the runtime would.
fn answer(state: &mut State, effects: Vec<Effect>, world: &opsdeck::sim::World) {
    for effect in effects {
        if let Effect::LoadMetricWindow { which, window } = effect {
            update(
                state,
                Msg::MetricWindow {
                    which,
                    window,
                    result: Ok(world.metric_window(window)),
                },
            );
        }
    }
}

fn demo_world() -> opsdeck::sim::World {
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    world.advance_to_elapsed(300);
    world
}

#[test]
fn range_keys_ask_for_the_range_once_and_title_it() {
    let mut state = zoomed_metrics();
    let effects = press(&mut state, ']');
    assert_eq!(state.data.metric_range.range, TimeRange::ThreeHours);
    let windows: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::LoadMetricWindow { .. }))
        .collect();
    assert_eq!(windows.len(), 1, "{effects:?}");
    let at = state.now;
    let live = state.data.metrics.clone();
    let poll = update(
        &mut state,
        Msg::SourceUpdate {
            source: opsdeck::model::SourceKind::Metrics,
            result: Ok(opsdeck::model::SourceData::Metrics(live)),
            at,
        },
    );
    assert!(
        !poll
            .iter()
            .any(|e| matches!(e, Effect::LoadMetricWindow { .. })),
        "not asked again while the first fetch is out"
    );
    for _ in 0..5 {
        press(&mut state, ']');
    }
    assert_eq!(
        state.data.metric_range.range,
        TimeRange::Week,
        "stops at 7d"
    );
    let effects = press(&mut state, '[');
    assert_eq!(state.data.metric_range.range, TimeRange::Day);
    answer(&mut state, effects, &demo_world());
    let screen = render_text(&state, 160, 40);
    assert!(
        screen.contains("24h of 1m periods"),
        "the range in the title:\n{screen}"
    );
    let cpu = state
        .data
        .metric_range
        .series("asg_cpu")
        .expect("the range's series");
    assert_eq!(cpu.values.len(), 24 * 60, "a day of minutes");
}

#[test]
fn range_keys_elsewhere_say_where_they_work() {
    let mut state = demo_state(300);
    press(&mut state, '1');
    assert!(press(&mut state, ']').is_empty());
    assert_eq!(state.data.metric_range.range, TimeRange::Hour);
    assert_eq!(
        state.notice.as_deref(),
        Some("time ranges are the Metrics pane's (3)")
    );
}

/// A week at one minute is 10,080 points per series; last night's response-time event is
/// in it, and the chart draws it.
#[test]
fn seven_days_of_the_demo_show_last_nights_event() {
    let mut state = zoomed_metrics();
    let mut effects = Vec::new();
    for _ in 0..4 {
        effects = press(&mut state, ']');
    }
    assert_eq!(state.data.metric_range.range, TimeRange::Week);
    answer(&mut state, effects, &demo_world());
    let p99 = state
        .data
        .metric_range
        .series("alb_response_p99")
        .expect("held");
    assert_eq!(p99.values.len(), 10_080);
    let over = p99.values.iter().filter(|v| **v > 1000.0).count();
    assert!(
        (20..=60).contains(&over),
        "last night's 25 minutes over the alarm, and the incident's: {over}"
    );
}

/// Week-over-week: `w` asks for the same hour a week earlier; the list shows each metric's
/// change and the zoomed chart names the overlay.
#[test]
fn week_over_week_shows_the_change_and_the_overlay() {
    let mut state = zoomed_metrics();
    let effects = press(&mut state, 'w');
    assert!(state.data.metric_range.week_over_week);
    let asked: Vec<(Which, MetricWindow)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadMetricWindow { which, window } => Some((*which, *window)),
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 1, "the live poll holds this week's hour");
    assert_eq!(asked[0].0, Which::LastWeek);
    let now_end = closed_periods(state.now, 3600, 60).1;
    assert_eq!(
        asked[0].1.end,
        now_end - chrono::Duration::seconds(WEEK_SECONDS)
    );
    answer(&mut state, effects, &demo_world());
    let rows = state.pane(PaneId::Metrics).table.rows();
    let requests = rows.iter().find(|r| r.id == "alb_requests").unwrap();
    let change = &requests.cells[5].text;
    assert!(
        change.ends_with('%') && (change.starts_with('+') || change.starts_with('-')),
        "{change}"
    );
    let screen = render_text(&state, 160, 40);
    assert!(screen.contains("vs last week"), "{screen}");
    assert!(
        screen.contains("same window a week earlier (-7d)"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
