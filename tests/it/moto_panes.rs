//! Each AWS pane filled from moto through the real SDK, rendered with ratatui's TestBackend.
//! moto makes up instance ids and ARNs and stamps events with the wall clock, so those are
//! masked (same width, so the layout is what a user sees) before the snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use insta::assert_snapshot;
use opsdeck::config::{Keymap, Thresholds};
use opsdeck::key::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::msg::Msg;
use opsdeck::source::aws::AwsSource;
use opsdeck::source::{
    AlarmSource, AutoScalingSource, EcsSource, ErrorQuery, LogSource, MetricsSource, SourceData,
    SourceKind, TargetHealthSource,
};
use opsdeck::state::{EnvironmentInfo, PaneId, State, update};
use support::aws::{clients, scope, seed};
use support::moto::MotoServer;
use support::screen::render_text;

fn press(state: &mut State, c: char) {
    let at = state.now;
    update(
        state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            at,
        },
    );
}

/// Replaces what moto makes up on each run with same-width placeholders: hex runs of 8 or
/// more (instance ids, ARN suffixes, UUIDs), clock times, and counts of seconds/minutes in ages.
fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < chars.len() {
        let run = chars[index..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        let starts_word = index == 0 || !chars[index - 1].is_ascii_alphanumeric();
        if run >= 8 && starts_word && chars[index..index + run].iter().any(char::is_ascii_digit) {
            out.extend(std::iter::repeat_n('x', run));
            index += run;
            continue;
        }
        let is_clock = chars.len() >= index + 8
            && chars[index..index + 8].iter().enumerate().all(|(i, c)| {
                if i == 2 || i == 5 {
                    *c == ':'
                } else {
                    c.is_ascii_digit()
                }
            });
        if is_clock {
            out.push_str("hh:mm:ss");
            index += 8;
            continue;
        }
        out.push(chars[index]);
        index += 1;
    }
    out.lines()
        .map(|line| mask_ips(&mask_uptime(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An instance's uptime in seconds (`up 0s`, `up 12s`) depends on when the test drew: it
/// becomes `up Ns`, the line's padding before its right border taking up the difference.
fn mask_uptime(line: &str) -> String {
    let Some(at) = line.find(" up ") else {
        return line.to_owned();
    };
    let digits = line[at + 4..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    if digits == 0 || !line[at + 4 + digits..].starts_with("s ") {
        return line.to_owned();
    }
    let masked = format!("{} up N{}", &line[..at], &line[at + 4 + digits..]);
    match masked.rfind('┃') {
        Some(border) if digits > 1 => format!(
            "{}{}{}",
            &masked[..border],
            " ".repeat(digits - 1),
            &masked[border..]
        ),
        _ => masked,
    }
}

/// moto hands out private IPs in order across the tests sharing it: each IPv4 address becomes
/// `<ip>`, the line's padding before its right border taking up the difference so the frame
/// stays where it was.
fn mask_ips(line: &str) -> String {
    let mut out = String::new();
    let mut removed = 0;
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let candidate: String = rest[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let octets: Vec<&str> = candidate.split('.').collect();
        let is_ip = octets.len() == 4 && octets.iter().all(|o| !o.is_empty() && o.len() <= 3);
        out.push_str(&rest[..start]);
        if is_ip {
            out.push_str("<ip>");
            removed += candidate.len() - "<ip>".len();
        } else {
            out.push_str(&candidate);
        }
        rest = &rest[start + candidate.len()..];
    }
    out.push_str(rest);
    match out.rfind('┃') {
        Some(border) if removed > 0 => {
            format!(
                "{}{}{}",
                &out[..border],
                " ".repeat(removed),
                &out[border..]
            )
        }
        _ => out,
    }
}

#[tokio::test]
async fn each_aws_pane_filled_from_moto() {
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let clients = clients(&moto).await;
    seed(&moto, &clients).await;
    let source = AwsSource::new(clients, scope());
    let answers = vec![
        (
            SourceKind::AutoScaling,
            SourceData::AutoScaling(source.auto_scaling_groups().await.unwrap()),
        ),
        (
            SourceKind::Targets,
            SourceData::Targets(source.target_health().await.unwrap()),
        ),
        (
            SourceKind::Metrics,
            SourceData::Metrics(source.metric_series().await.unwrap()),
        ),
        (
            SourceKind::Alarms,
            SourceData::Alarms(source.alarms().await.unwrap()),
        ),
        (
            SourceKind::Logs,
            SourceData::Logs(source.log_errors(ErrorQuery::Run).await.unwrap()),
        ),
        (
            SourceKind::Ecs,
            SourceData::Ecs(source.ecs_services().await.unwrap()),
        ),
    ];
    // The screen's clock is the alarm's last change, so its age reads the same each run.
    let now = answers
        .iter()
        .find_map(|(_, data)| match data {
            SourceData::Alarms(alarms) => alarms.first().map(|alarm| alarm.state_updated_at),
            _ => None,
        })
        .unwrap();
    let environment = EnvironmentInfo {
        name: "local-moto".to_owned(),
        region: "us-east-1".to_owned(),
        identity: Some("123456789012 moto".to_owned()),
        metrics_requested_per_refresh: Some(1),
        ..EnvironmentInfo::demo("local-moto")
    };
    let mut state = State::new(
        EnvironmentInfo {
            demo: false,
            ..environment
        },
        Keymap::builtin_default().unwrap(),
        Thresholds::default(),
        5000,
        now,
    );
    for (source, data) in answers {
        update(
            &mut state,
            Msg::SourceUpdate {
                source,
                result: Ok(data),
                at: now,
            },
        );
    }
    update(&mut state, Msg::Tick(now));
    for pane in [
        PaneId::AutoScaling,
        PaneId::Targets,
        PaneId::Metrics,
        PaneId::Alarms,
        PaneId::Logs,
        PaneId::Ecs,
    ] {
        let mut zoomed = state.clone();
        press(&mut zoomed, char::from(b'0' + pane.number() as u8));
        press(&mut zoomed, 'z');
        let name = format!("moto_{}", pane.title().to_lowercase().replace(' ', "_"));
        assert_snapshot!(name, mask(&render_text(&zoomed, 120, 30)));
    }
}
