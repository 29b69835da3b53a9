//! The weekly capacity review (issue 16, item 4): its figures against a computation by hand
//! on the demo's week (sort, count, index), and `opsdeck report capacity` as a user runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;
use support::cli::opsdeck;

use opsdeck::check::capacity::{Verdict, review};
use opsdeck::model::{MetricWindow, closed_periods};

/// The demo's week at one minute, from a fixed origin.
fn demo_week() -> (MetricWindow, Vec<opsdeck::model::MetricSeries>) {
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    world.advance_to_elapsed(0);
    let now = world.time_of(world.elapsed());
    let (start, end) = closed_periods(now, 7 * 24 * 3600, 60);
    let window = MetricWindow {
        start,
        end,
        period_seconds: 60,
    };
    (window, world.metric_window(window))
}

#[test]
fn the_reviews_figures_match_a_hand_computation_on_the_demos_week() {
    let (window, series) = demo_week();
    let result = review(
        "basecoat-prod (simulated)",
        window.start,
        window.end,
        &series,
    );
    let cpu = series.iter().find(|s| s.id == "ecs_web_cpu").unwrap();
    assert_eq!(cpu.values.len(), 10_080, "a week of minutes");
    // By hand: sort, take the value at rank ceil(p x n), count those above 70.
    let mut sorted = cpu.values.clone();
    sorted.sort_by(f64::total_cmp);
    let p50 = sorted[5040 - 1];
    let p95 = sorted[9576 - 1];
    let max = sorted[10_079];
    let above = cpu.values.iter().filter(|v| **v > 70.0).count();
    let line = result
        .lines
        .iter()
        .find(|line| line.metric == "ECS web CPU")
        .unwrap();
    assert_eq!((line.p50, line.p95, line.max), (p50, p95, max));
    assert_eq!(
        line.share_above_70_percent,
        Some(100.0 * above as f64 / 10_080.0)
    );
    assert!(
        (9.0..20.0).contains(&line.share_above_70_percent.unwrap()),
        "working hours near 70 %: {line:?}"
    );
    assert_eq!(line.verdict, Verdict::Approaching);
    let asg = result
        .lines
        .iter()
        .find(|line| line.metric == "EC2 CPU (ASG)")
        .unwrap();
    assert_eq!(asg.verdict, Verdict::Fine, "{asg:?}");
    let p99 = result
        .lines
        .iter()
        .find(|line| line.metric == "ALB response p99")
        .unwrap();
    assert_eq!(p99.verdict, Verdict::NotUtilization);
    assert!(p99.max > 1000.0, "last night's event is the week's maximum");
}

#[test]
fn report_capacity_on_the_demo_flags_the_service_near_70_percent() {
    let output = opsdeck(&["report", "capacity", "--demo", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let lines = value["lines"].as_array().unwrap();
    let web = lines
        .iter()
        .find(|line| line["metric"] == "ECS web CPU")
        .unwrap();
    assert_eq!(web["verdict"], "approaching");
    assert_eq!(web["datapoints"], 10_080);
    assert_eq!(web["statistic"], "Average/1m");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("capacity.md");
    let output = opsdeck(&[
        "report",
        "capacity",
        "--demo",
        "--days",
        "3",
        "--format",
        "markdown",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.starts_with("**Capacity review basecoat-prod (simulated)**: 3 days"),
        "{written}"
    );
    assert!(
        written.contains("Approaching 70% sustained utilization:\n- ECS web CPU"),
        "{written}"
    );
}

#[test]
fn a_bad_days_value_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("capacity.txt");
    let output = opsdeck(&[
        "report",
        "capacity",
        "--demo",
        "--days",
        "90",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("90 is not in 1..=63"), "{stderr}");
    assert!(!file.exists());
}
