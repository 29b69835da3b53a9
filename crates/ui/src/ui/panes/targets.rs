//! Targets pane: counts per state and every target with its reason.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_table, line_then_rest};
use crate::format;
use crate::model::{SourceKind, TargetState, healthy_of};
use crate::state::panes::targets::state_badge;
use crate::state::panes::{certificates, health};
use crate::state::{PaneId, State};
use crate::theme::Theme;
use crate::ui::{pane_frame, tone};

/// Draws the pane: the health URLs first (the SEV-1 runbook's first read), then the targets.
pub fn render(state: &State, theme: &Theme, area: Rect, zoomed: bool, buf: &mut Buffer) {
    let mut inner = pane_frame::render(state, theme, PaneId::Targets, area, None, buf);
    for line in health_lines(state, theme) {
        inner = line_then_rest(line, inner, buf);
    }
    for line in certificate_lines(state, theme, zoomed) {
        inner = line_then_rest(line, inner, buf);
    }
    let inner = if super::has_data(state, PaneId::Targets) {
        line_then_rest(counts(state, theme), inner, buf)
    } else {
        inner
    };
    draw_table(
        state,
        theme,
        PaneId::Targets,
        "no targets registered",
        inner,
        buf,
    );
}

/// One line per health URL with its own age (its source is polled apart from the targets),
/// or the reason none could be read; nothing when the environment names no health URL.
fn health_lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(line) = super::side_failure(state, theme, SourceKind::Health, "health URLs") {
        return vec![line];
    }
    let Some(age_text) = super::side_age(state, theme, SourceKind::Health) else {
        return Vec::new();
    };
    state
        .data
        .health
        .iter()
        .map(|probe| {
            let line = health::probe_line(probe, state.now, &state.thresholds);
            let mut spans = vec![
                Span::styled(line.verdict, tone::style(theme, line.tone)),
                Span::styled(format!(" {} ", format::printable(&line.url)), theme.text),
                Span::styled(line.details, theme.muted),
            ];
            if let Some((certificate_tone, text)) = line.certificate {
                spans.push(Span::styled(" · ", theme.muted));
                spans.push(Span::styled(text, tone::style(theme, certificate_tone)));
            }
            spans.push(age_text.clone());
            Line::from(spans)
        })
        .collect()
}

/// The certificates' verdict with its own age (polled every few minutes), and zoomed one
/// line each; the reason when they could not be read; nothing when none is configured.
fn certificate_lines(state: &State, theme: &Theme, zoomed: bool) -> Vec<Line<'static>> {
    if let Some(line) = super::side_failure(state, theme, SourceKind::Certificates, "certificates")
    {
        return vec![line];
    }
    let Some(age) = super::side_age(state, theme, SourceKind::Certificates) else {
        return Vec::new();
    };
    let certificates = &state.data.certificates;
    let (summary_tone, text) = certificates::summary(certificates, state.now, &state.thresholds);
    let mut lines = vec![Line::from(vec![
        Span::styled(text, tone::style(theme, summary_tone)),
        age,
    ])];
    if zoomed {
        lines.extend(certificates.iter().map(|certificate| {
            let (line_tone, text) = certificates::line(certificate, state.now, &state.thresholds);
            Line::styled(format!("  {text}"), tone::style(theme, line_tone))
        }));
    }
    lines
}

/// `✓ 5/5 healthy · … 2 initial · ↓ 1 draining`
fn counts(state: &State, theme: &Theme) -> Line<'static> {
    let targets: Vec<_> = state
        .data
        .targets
        .iter()
        .flat_map(|group| &group.targets)
        .collect();
    let (healthy, total) = healthy_of(&state.data.targets);
    let all_healthy = healthy == total && total > 0;
    let mut spans = vec![Span::styled(
        format!(
            "{} {healthy}/{} healthy",
            if all_healthy { "✓" } else { "✗" },
            total
        ),
        if all_healthy { theme.ok } else { theme.warn },
    )];
    let others = [
        TargetState::Initial,
        TargetState::Draining,
        TargetState::Unhealthy,
        TargetState::Unused,
        TargetState::Unavailable,
    ];
    for state_kind in others {
        let count = targets.iter().filter(|t| t.state == state_kind).count();
        if count > 0 {
            let (tone_kind, symbol) = state_badge(&state_kind);
            spans.push(Span::styled(" · ", theme.muted));
            spans.push(Span::styled(
                format!("{symbol} {count} {}", state_kind.as_str()),
                tone::style(theme, tone_kind),
            ));
        }
    }
    Line::from(spans)
}
