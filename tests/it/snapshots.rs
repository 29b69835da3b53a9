//! Whole-screen snapshots on ratatui's TestBackend: the overview, each pane zoomed, the help
//! overlay and the too-small screen, at 120x40 and 80x24.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use insta::assert_snapshot;
use opsdeck::config::Theme;
use opsdeck::key::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::msg::Msg;
use opsdeck::source::{SourceError, SourceErrorKind, SourceKind};
use opsdeck::state::{PaneId, State, update};
use ratatui::style::{Color, Modifier};
use support::screen::{buffer_text, demo_state, render_buffer, render_text};

/// Seconds into the demo when the incident is in full swing.
const INCIDENT: i64 = 300;

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

#[test]
fn overview_calm_120x40() {
    assert_snapshot!(render_text(&demo_state(0), 120, 40));
}

#[test]
fn overview_incident_120x40() {
    assert_snapshot!(render_text(&demo_state(INCIDENT), 120, 40));
}

#[test]
fn overview_incident_80x24() {
    assert_snapshot!(render_text(&demo_state(INCIDENT), 80, 24));
}

#[test]
fn each_pane_zoomed_120x40() {
    for pane in PaneId::ALL {
        let mut state = demo_state(INCIDENT);
        press(&mut state, char::from(b'0' + pane.number() as u8));
        press(&mut state, 'z');
        let name = format!("zoomed_{}", pane.title().to_lowercase().replace(' ', "_"));
        assert_snapshot!(name, render_text(&state, 120, 40));
    }
}

#[test]
fn each_pane_zoomed_80x24() {
    for pane in PaneId::ALL {
        let mut state = demo_state(INCIDENT);
        press(&mut state, char::from(b'0' + pane.number() as u8));
        press(&mut state, 'z');
        let name = format!(
            "zoomed_80x24_{}",
            pane.title().to_lowercase().replace(' ', "_")
        );
        assert_snapshot!(name, render_text(&state, 80, 24));
    }
}

#[test]
fn help_overlay_120x40() {
    let mut state = demo_state(0);
    press(&mut state, '?');
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn help_overlay_80x24() {
    let mut state = demo_state(0);
    press(&mut state, '?');
    assert_snapshot!(render_text(&state, 80, 24));
}

#[test]
fn too_small() {
    assert_snapshot!(render_text(&demo_state(0), 60, 20));
}

#[test]
fn no_panic_at_any_size() {
    let mut state = demo_state(INCIDENT);
    for zoom in [false, true] {
        if zoom {
            press(&mut state, 'z');
        }
        for width in [0, 1, 2, 10, 79, 80, 81, 100, 250] {
            for height in [0, 1, 3, 23, 24, 25, 60] {
                let text = render_text(&state, width, height);
                assert!(text.len() <= usize::from(width) * usize::from(height) * 4 + 64);
            }
        }
    }
}

#[test]
fn waiting_for_the_first_poll() {
    let state = support::screen::empty_state();
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn expired_credentials_put_the_fix_in_the_header() {
    let mut state = demo_state(0);
    let at = state.now + chrono::Duration::seconds(5);
    for source in [SourceKind::AutoScaling, SourceKind::Alarms] {
        update(
            &mut state,
            Msg::SourceUpdate {
                source,
                result: Err(SourceError::new(
                    SourceErrorKind::Credentials,
                    "AWS credentials missing or expired; run: aws sso login --profile prod (the SSO session has expired)",
                )),
                at,
            },
        );
    }
    update(&mut state, Msg::Tick(at));
    let text = render_text(&state, 120, 40);
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("⚠ AWS credentials: run: aws sso login --profile prod"),
        "{header}"
    );
    assert!(
        !header.contains("SSO session"),
        "the SDK detail stays in the pane: {header}"
    );
    assert_snapshot!(text);
}

#[test]
fn a_failed_poll_shows_a_stale_badge_and_keeps_the_data() {
    let mut state = demo_state(0);
    let at = state.now + chrono::Duration::seconds(40);
    update(
        &mut state,
        Msg::SourceUpdate {
            source: SourceKind::Alarms,
            result: Err(SourceError::new(
                SourceErrorKind::Permission,
                "no permission: cloudwatch:DescribeAlarms",
            )),
            at,
        },
    );
    update(&mut state, Msg::Tick(at));
    let text = render_text(&state, 120, 40);
    assert!(
        text.contains("┌ 4 Alarms ─────────── ⚠ stale, 40s old ┐"),
        "{text}"
    );
    assert!(
        text.contains("│⚠ no permission: cloudwatch:DescribeAl…│"),
        "{text}"
    );
    press(&mut state, '4');
    press(&mut state, 'z');
    let zoomed = render_text(&state, 120, 40);
    assert!(
        zoomed.contains("┃⚠ no permission: cloudwatch:DescribeAlarms "),
        "{zoomed}"
    );
    assert!(
        text.contains("basecoat-portal-cpu-high"),
        "old rows stay shown"
    );
}

#[test]
fn status_colours_come_from_the_theme_and_carry_a_symbol() {
    let state = demo_state(INCIDENT);
    for theme_name in ["default", "light", "high-contrast"] {
        let theme = Theme::builtin(theme_name).unwrap();
        let buffer = render_buffer(&state, &theme, 120, 40);
        let cell = cell_where(&buffer, "✗ ALARM ");
        assert_eq!(cell.symbol(), "✗");
        assert_eq!(Some(cell.fg), theme.crit.fg, "theme {theme_name}");
        assert_ne!(cell.fg, Color::Reset);
    }
}

/// The cell where `needle` starts, on the first line that shows it.
fn cell_where<'a>(buffer: &'a ratatui::buffer::Buffer, needle: &str) -> &'a ratatui::buffer::Cell {
    let text = buffer_text(buffer);
    let (row, line) = text
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not on the screen:\n{text}"));
    let column = line[..line.find(needle).unwrap()].chars().count();
    &buffer[(column as u16, row as u16)]
}

/// The style of the cell where `needle` starts.
fn style_where(buffer: &ratatui::buffer::Buffer, needle: &str) -> ratatui::style::Style {
    cell_where(buffer, needle).style()
}

/// Issue 13, item 6: where colour carries meaning it comes from the theme's style of that
/// meaning, and a symbol or word says the same without colour: check verdicts, the confirm
/// dialog's focused button, the read-only badge.
#[test]
fn check_verdicts_are_coloured_by_meaning_beside_their_symbol() {
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    let mut state = support::screen::empty_state();
    world.advance_to_elapsed(INCIDENT);
    support::screen::feed(&mut state, &world);
    keys(&mut state, "H");
    for theme_name in ["default", "light", "high-contrast"] {
        let theme = Theme::builtin(theme_name).unwrap();
        let buffer = render_buffer(&state, &theme, 120, 40);
        for (needle, style) in [
            ("✓ pass", theme.ok),
            ("✗ fail", theme.crit),
            ("! warn", theme.warn),
            ("✗ FAIL", theme.crit),
        ] {
            let seen = style_where(&buffer, needle);
            assert_eq!(seen.fg, style.fg, "{needle} in theme {theme_name}");
            assert_ne!(
                seen.fg,
                Some(Color::Reset),
                "{needle} in theme {theme_name}"
            );
        }
        assert_ne!(theme.ok.fg, theme.crit.fg, "theme {theme_name}");
    }
}

#[test]
fn the_focused_button_is_styled_and_marked() {
    let mut state = demo_state(0);
    state.environment.production = false;
    keys(&mut state, "1d7");
    enter(&mut state);
    for theme_name in ["default", "light", "high-contrast"] {
        let theme = Theme::builtin(theme_name).unwrap();
        let buffer = render_buffer(&state, &theme, 80, 24);
        // Cancel has the focus first: the marker and the selection style say so.
        let focused = style_where(&buffer, ">[ Cancel ]");
        let other = style_where(&buffer, "[ Confirm ]");
        // The selection style: a background, or reversed video where the theme says so.
        match theme.selection.bg {
            Some(bg) => assert_eq!(focused.bg, Some(bg), "theme {theme_name}"),
            None => assert!(
                focused.add_modifier.contains(Modifier::REVERSED),
                "theme {theme_name}"
            ),
        }
        assert!(focused.add_modifier.contains(Modifier::BOLD));
        assert!(!other.add_modifier.contains(Modifier::BOLD));
        assert_ne!(
            other.bg,
            focused.bg.filter(|_| theme.selection.bg.is_some())
        );
        assert!(!other.add_modifier.contains(Modifier::REVERSED));
    }
    let at = state.now;
    update(
        &mut state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
            at,
        },
    );
    let buffer = render_buffer(&state, &Theme::builtin("default").unwrap(), 80, 24);
    assert!(buffer_text(&buffer).contains(">[ Confirm ]"));
}

#[test]
fn the_read_only_badge_has_the_badge_style_and_its_word() {
    let mut state = demo_state(0);
    state.environment.read_only = true;
    for theme_name in ["default", "light", "high-contrast"] {
        let theme = Theme::builtin(theme_name).unwrap();
        let buffer = render_buffer(&state, &theme, 120, 40);
        let badge = style_where(&buffer, " RO ");
        assert_eq!(badge.fg, theme.badge.fg, "theme {theme_name}");
        assert_eq!(badge.bg, theme.badge.bg, "theme {theme_name}");
        assert_ne!(badge.bg, theme.text.bg, "theme {theme_name}");
    }
}

/// Issue 13, item 4: the error query runs at most once a period while the tail is read every
/// poll; when the counts lag the read, the Logs pane says how far they reach.
#[test]
fn counts_older_than_the_tail_say_how_far_they_reach() {
    let mut state = demo_state(INCIDENT);
    let read_at = state.source(SourceKind::Logs).updated_at.unwrap();
    assert!(!render_text(&state, 120, 40).contains("counts to"));
    state.data.logs.counted_until = Some(read_at - chrono::Duration::seconds(50));
    let screen = render_text(&state, 120, 40);
    let expected = format!(
        "counts to {}",
        opsdeck::format::clock(read_at - chrono::Duration::seconds(50))
    );
    assert!(screen.contains(&expected), "{screen}");
}

#[test]
fn the_focused_pane_is_marked_without_colour_too() {
    let mut state = demo_state(0);
    press(&mut state, '3');
    let text = render_text(&state, 120, 40);
    // Thick borders mark focus, so it shows on a monochrome terminal.
    let metrics_title = text
        .lines()
        .find(|line| line.contains("3 Metrics"))
        .unwrap();
    assert!(metrics_title.contains("┏ 3 Metrics"), "{metrics_title}");
    assert!(!text.contains("┏ 1 Auto Scaling"));
}

fn keys(state: &mut State, text: &str) {
    for c in text.chars() {
        press(state, c);
    }
}

fn enter(state: &mut State) {
    let at = state.now;
    update(
        state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            at,
        },
    );
}

#[test]
fn dialog_scale_typed_confirmation_120x40() {
    let mut state = demo_state(INCIDENT);
    keys(&mut state, "1d12");
    enter(&mut state);
    keys(&mut state, "basecoat");
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn dialog_scale_buttons_80x24() {
    let mut state = demo_state(0);
    state.environment.production = false;
    keys(&mut state, "1d7");
    enter(&mut state);
    assert_snapshot!(render_text(&state, 80, 24));
}

#[test]
fn dialog_bulk_idle_terminate_120x40() {
    let mut state = demo_state(0);
    keys(&mut state, "7I");
    enter(&mut state);
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn dialog_terminate_backend_80x24() {
    let mut state = demo_state(INCIDENT);
    keys(&mut state, "7x");
    assert_snapshot!(render_text(&state, 80, 24));
}

#[test]
fn dialog_instance_refresh_120x40() {
    let mut state = demo_state(0);
    keys(&mut state, "1R");
    enter(&mut state);
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn dialog_ecs_desired_count_120x40() {
    let mut state = demo_state(INCIDENT);
    keys(&mut state, "6jd8");
    enter(&mut state);
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn prompt_with_an_error_120x40() {
    let mut state = demo_state(0);
    keys(&mut state, "1d25");
    enter(&mut state);
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn follow_through_while_scaling_up_120x40() {
    use opsdeck::action::{ActionRequest, Outcome, Report};
    use opsdeck::sim::{World, execute_in};
    let mut world = World::new(1, support::screen::origin());
    world.advance_to_elapsed(INCIDENT);
    let mut state = support::screen::empty_state();
    support::screen::feed(&mut state, &world);
    keys(&mut state, "1d12");
    enter(&mut state);
    keys(&mut state, "basecoat-portal-asg");
    let at = state.now;
    let effects = update(
        &mut state,
        Msg::Key {
            key: KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            at,
        },
    );
    let Some(opsdeck::msg::Effect::Execute(proposal)) = effects.first() else {
        panic!("not confirmed");
    };
    let report: Report = execute_in(&mut world, &proposal.request);
    assert!(matches!(report.outcome, Outcome::Succeeded(_)));
    assert!(matches!(
        proposal.request,
        ActionRequest::SetDesiredCapacity { desired: 12, .. }
    ));
    let at = world.time_of(world.elapsed());
    update(
        &mut state,
        Msg::ActionFinished {
            proposal_id: proposal.id,
            report,
            at,
        },
    );
    world.advance_to_elapsed(INCIDENT + 55);
    support::screen::feed(&mut state, &world);
    press(&mut state, 'z');
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn rollback_version_picker_120x40() {
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    world.advance_to_elapsed(INCIDENT);
    let mut state = demo_state(INCIDENT);
    keys(&mut state, "1B");
    update(
        &mut state,
        Msg::LaunchTemplateVersions {
            group: "basecoat-portal-asg".to_owned(),
            result: Ok(world
                .launch_template_versions("basecoat-portal-asg")
                .unwrap()),
        },
    );
    assert_snapshot!(render_text(&state, 120, 40));
}

#[test]
fn health_checklist_mid_incident_120x40() {
    let mut world = opsdeck::sim::World::new(1, support::screen::origin());
    let mut state = support::screen::empty_state();
    world.advance_to_elapsed(30);
    support::screen::feed(&mut state, &world);
    world.advance_to_elapsed(INCIDENT);
    support::screen::feed(&mut state, &world);
    keys(&mut state, "H");
    assert_snapshot!(render_text(&state, 120, 40));
}

/// Issue 12, item 7: when the tail skipped lines (more matched than a poll reads), the Logs
/// pane says which span of which group it did not show, rather than looking complete.
#[test]
fn a_skipped_span_of_the_tail_is_named_in_the_logs_pane() {
    let mut state = demo_state(INCIDENT);
    let mut logs = state.data.logs.clone();
    let from = state.now - chrono::Duration::minutes(12);
    logs.tail_gap = Some(opsdeck::model::TailGap {
        log_group: "/aws/basecoat-portal/application".to_owned(),
        from,
        to: from + chrono::Duration::minutes(11),
    });
    let at = state.now;
    update(
        &mut state,
        Msg::SourceUpdate {
            source: SourceKind::Logs,
            result: Ok(opsdeck::source::SourceData::Logs(logs)),
            at,
        },
    );
    press(&mut state, '5');
    press(&mut state, 'z');
    let text = render_text(&state, 120, 40);
    let expected = format!(
        "⚠ more ERROR lines than a poll reads in /aws/basecoat-portal/application: {}–{} not shown, the newest are",
        opsdeck::format::clock(from),
        opsdeck::format::clock(from + chrono::Duration::minutes(11))
    );
    assert!(text.contains(&expected), "{text}");
}

/// Issue 15, item 2: the PostgreSQL pane works with either source alone. With RDS alone (no
/// `postgres_url_env`) it shows what the RDS API says and why there are no sessions; with
/// PostgreSQL alone it shows the sessions and no RDS line.
#[test]
fn the_postgres_pane_works_with_rds_or_postgresql_alone() {
    let not_configured = |state: &mut State, source: SourceKind, message: &str| {
        let at = state.now;
        update(
            state,
            Msg::SourceUpdate {
                source,
                result: Err(SourceError::new(SourceErrorKind::NotConfigured, message)),
                at,
            },
        );
    };
    let mut rds_alone = support::screen::empty_state();
    let world = opsdeck::sim::World::new(1, support::screen::origin());
    let at = world.time_of(world.elapsed());
    update(
        &mut rds_alone,
        Msg::SourceUpdate {
            source: SourceKind::Rds,
            result: Ok(opsdeck::source::SourceData::Rds(world.rds_status())),
            at,
        },
    );
    not_configured(
        &mut rds_alone,
        SourceKind::Database,
        "no PostgreSQL configured for prod: set postgres_url_env",
    );
    press(&mut rds_alone, '7');
    press(&mut rds_alone, 'z');
    let screen = render_text(&rds_alone, 120, 40);
    assert!(screen.contains("RDS ✓ available · storage 64%"), "{screen}");
    assert!(
        screen.contains("no PostgreSQL configured for prod: set postgres_url_env"),
        "{screen}"
    );

    let mut fresh = support::screen::empty_state();
    let world = opsdeck::sim::World::new(1, support::screen::origin());
    for (source, data) in world.answers() {
        if source != SourceKind::Rds {
            update(
                &mut fresh,
                Msg::SourceUpdate {
                    source,
                    result: Ok(data),
                    at,
                },
            );
        }
    }
    not_configured(
        &mut fresh,
        SourceKind::Rds,
        "no RDS instances configured for prod: set rds_instances",
    );
    press(&mut fresh, '7');
    press(&mut fresh, 'z');
    let screen = render_text(&fresh, 120, 40);
    assert!(!screen.contains("RDS "), "{screen}");
    assert!(screen.contains("connections 134/1000"), "{screen}");
    assert!(screen.contains("SELECT * FROM monthly_revenue"), "{screen}");
}
