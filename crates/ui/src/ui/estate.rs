//! The estate screen: one row per environment (status, checks, worst check or why it could not
//! be read, alarms firing, open incident and its clock, read-only, account, Region, age),
//! worst first; a pure function of the estate state.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::checklist::style_of;
use crate::check::Status;
use crate::config::InputMode;
use crate::estate::{EstateEnvironment, EstateSort, EstateState};
use crate::format;
use crate::theme::Theme;

/// Columns of fixed width, in characters; the worst check takes what is left.
const STATUS: usize = 10;
const CHECKS: usize = 13;
const ALARMS: usize = 7;
const INCIDENT: usize = 14;
const READ_ONLY: usize = 3;
const ACCOUNT: usize = 13;
const REGION: usize = 15;
const AGE: usize = 8;
const CALLS: usize = 10;
const COST: usize = 8;
/// The worst check column is never narrower than this.
const MIN_WORST: usize = 24;

/// Draws the estate over `area`.
pub fn draw_estate(state: &EstateState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let [title, table, detail, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(area);
    title_line(state, theme).render(title, buf);
    draw_table(state, theme, table, buf);
    detail_lines(state, theme).render(detail, buf);
    footer_line(state, theme).render(footer, buf);
}

fn title_line<'a>(state: &EstateState, theme: &Theme) -> Line<'a> {
    let what = if state.demo {
        " opsdeck estate (simulated) "
    } else {
        " opsdeck estate "
    };
    let mut spans = vec![
        Span::styled(what, theme.title),
        Span::styled(
            format!("{} environments ", state.environments.len()),
            theme.text,
        ),
    ];
    for (status, count) in state.roll_up() {
        spans.push(Span::styled(
            format!(" {} {count} {} ", status.symbol(), status.as_str()),
            if count > 0 {
                style_of(status, theme)
            } else {
                theme.muted
            },
        ));
    }
    if let Some((calls, dollars)) = state.totals() {
        let budget = state
            .api_budget_per_minute
            .map_or(String::new(), |budget| format!(" of {budget} allowed"));
        let over = state
            .api_budget_per_minute
            .is_some_and(|budget| calls > budget as f64);
        spans.push(Span::styled(
            format!(
                "  API ≈ {} calls/min{budget} · ${dollars:.2}/h",
                per_minute(calls)
            ),
            if over { theme.warn } else { theme.muted },
        ));
    }
    spans.push(Span::styled(
        format!(
            "  each read every {}  {} UTC",
            format::duration(i64::try_from(state.interval_seconds).unwrap_or(i64::MAX)),
            state.now.format("%H:%M:%S")
        ),
        theme.muted,
    ));
    Line::from(spans)
}

fn draw_table(state: &EstateState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let sorted_on = format!(
        " sorted by {}{} ",
        state.sort.label(),
        if state.reversed { ", reversed" } else { "" }
    );
    let mut block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(" Environments ", theme.title))
        .title(Line::styled(sorted_on, theme.muted).right_aligned());
    if !state.filter.is_empty() || state.mode == InputMode::Filter {
        block = block.title(Line::styled(format!(" /{} ", state.filter), theme.focus));
    }
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let rows = state.visible();
    let widest = |customer: bool, least: usize, most: usize| {
        rows.iter()
            .map(|row| {
                let (name, environment) = row.customer_and_environment();
                if customer { name } else { environment }.chars().count()
            })
            .max()
            .unwrap_or(least)
            .clamp(least, most)
            + 1
    };
    let customer_width = widest(true, 8, 24);
    let environment_width = widest(false, 11, 14);
    let name_width = customer_width + environment_width;
    // Narrow terminals drop the account and Region before the worst check gets too short.
    let narrow_fixed = 2 + STATUS + name_width + 1 + CHECKS + ALARMS + INCIDENT + READ_ONLY + AGE;
    let wide = width >= narrow_fixed + ACCOUNT + REGION + CALLS + COST + MIN_WORST;
    let (account, region, calls, cost) = if wide {
        (ACCOUNT, REGION, CALLS, COST)
    } else {
        (0, 0, 0, 0)
    };
    let worst_width = width
        .saturating_sub(narrow_fixed + account + region + calls + cost)
        .max(12);
    let header = |text: &'static str, size: usize| if size == 0 { "" } else { text };
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "  {:<STATUS$}{:<customer_width$}{:<environment_width$} {:<CHECKS$}{:<worst_width$}{:<ALARMS$}{:<INCIDENT$}{:<READ_ONLY$}{:<account$}{:<region$}{:>calls$}{:>cost$}{:>AGE$}",
                "Status",
                "Customer",
                "Environment",
                "✓  !  ✗  ?",
                "Worst check",
                "Alarms",
                "Incident",
                "RO",
                header("Account", account),
                header("Region", region),
                header("Calls/min", calls),
                header("$/h", cost),
                "Age"
            ),
            width,
        ),
        theme.header,
    )];
    if rows.is_empty() {
        lines.push(Line::styled(
            if state.filter.is_empty() {
                "  no environments".to_owned()
            } else {
                format!("  no environment matches /{}", state.filter)
            },
            theme.muted,
        ));
    }
    // The rows are sorted once a frame; the selection is found among them.
    let selected = state
        .selected
        .as_deref()
        .and_then(|name| rows.iter().position(|row| row.name == name));
    let shown = usize::from(inner.height).saturating_sub(1);
    let first = selected.map_or(0, |index| index.saturating_sub(shown.saturating_sub(1)));
    for (index, row) in rows.iter().enumerate().skip(first).take(shown) {
        let columns = Columns {
            customer: customer_width,
            environment: environment_width,
            worst: worst_width,
            account,
            region,
            calls,
            cost,
            selected: Some(index) == selected,
        };
        let mut line = row_line(row, state, theme, columns, width);
        if Some(index) == selected {
            line = line.patch_style(theme.selection);
        }
        lines.push(line);
    }
    Paragraph::new(lines).render(inner, buf);
}

#[derive(Clone, Copy)]
struct Columns {
    customer: usize,
    environment: usize,
    worst: usize,
    /// 0 when the terminal is too narrow to show it.
    account: usize,
    region: usize,
    calls: usize,
    cost: usize,
    /// The selected row is marked with ▶ as well as its colour.
    selected: bool,
}

fn row_line<'a>(
    row: &EstateEnvironment,
    state: &EstateState,
    theme: &Theme,
    columns: Columns,
    width: usize,
) -> Line<'a> {
    let status = row.status();
    let (customer, environment) = row.customer_and_environment();
    let status_text = format!("{} {}", status.symbol(), status.as_str());
    let checks = row.counts().map_or_else(
        || "-".to_owned(),
        |[pass, warn, fail, unknown]| format!("{pass:<3}{warn:<3}{fail:<3}{unknown}"),
    );
    let (worst, worst_style) = worst_column(row, theme);
    let alarms = row
        .reading
        .as_ref()
        .filter(|reading| reading.outcome.is_ok())
        .map_or_else(
            || "-".to_owned(),
            |reading| reading.alarms_firing.to_string(),
        );
    let alarms_style = if alarms != "-" && alarms != "0" {
        theme.crit
    } else {
        theme.text
    };
    let incident = row.incident.as_ref().map_or_else(String::new, |incident| {
        format!(
            "{} {}",
            incident.severity.label(),
            format::duration(format::seconds_between(incident.declared_at, state.now))
        )
    });
    let age = age_column(row, state);
    let cell = |text: &str, size: usize| {
        if size == 0 {
            return String::new();
        }
        format!("{:<size$}", format::truncate(text, size - 1))
    };
    let spans = vec![
        Span::styled(
            format!(
                "{}{}",
                if columns.selected { "▶ " } else { "  " },
                cell(&status_text, STATUS)
            ),
            style_of(status, theme),
        ),
        Span::styled(cell(customer, columns.customer), theme.text),
        Span::styled(
            format!("{} ", cell(environment, columns.environment)),
            theme.text,
        ),
        Span::styled(cell(&checks, CHECKS), theme.text),
        Span::styled(cell(&worst, columns.worst), worst_style),
        Span::styled(cell(&alarms, ALARMS), alarms_style),
        Span::styled(cell(&incident, INCIDENT), theme.crit),
        Span::styled(
            cell(if row.read_only { "RO" } else { "" }, READ_ONLY),
            theme.badge,
        ),
        Span::styled(
            cell(row.account.as_deref().unwrap_or("-"), columns.account),
            theme.muted,
        ),
        Span::styled(cell(&row.region, columns.region), theme.muted),
        Span::styled(
            right(
                &row.calls_per_minute(state.interval_seconds)
                    .map_or_else(|| "-".to_owned(), per_minute),
                columns.calls,
            ),
            theme.muted,
        ),
        Span::styled(
            right(
                &row.dollars_per_hour(state.interval_seconds)
                    .map_or_else(|| "-".to_owned(), |dollars| format!("{dollars:.2}")),
                columns.cost,
            ),
            theme.muted,
        ),
        Span::styled(format!("{age:>AGE$}"), age_style(row, state, theme)),
    ];
    let line = Line::from(spans);
    if line.width() > width {
        // Narrow terminals: the row as plain text, cut to the width.
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        return Line::styled(fit(&text, width), style_of(status, theme));
    }
    line
}

/// The worst check's title and value, or why the environment could not be read.
fn worst_column(row: &EstateEnvironment, theme: &Theme) -> (String, Style) {
    if let Some(error) = row.error() {
        return (
            format!("not read: {}", format::one_line(error)),
            theme.unknown,
        );
    }
    match row.worst_check() {
        // An unknown check's value is "no data"; why it is unknown (credentials and the
        // command that fixes them, a source that did not answer) is what the row must say.
        Some(check) if check.status == Status::Unknown && !check.evidence.is_empty() => {
            (format::one_line(&check.evidence[0]), theme.unknown)
        }
        Some(check) => (
            format!("{}: {}", check.title, format::one_line(&check.observed)),
            style_of(check.status, theme),
        ),
        None if row.reading.is_none() => ("not read yet".to_owned(), theme.muted),
        None => ("all pass".to_owned(), theme.ok),
    }
}

fn age_column(row: &EstateEnvironment, state: &EstateState) -> String {
    match (row.age_seconds(state.now), row.reading_since) {
        (None, Some(_)) => "reading".to_owned(),
        (None, None) => "-".to_owned(),
        (Some(age), in_flight) => {
            let marker = if in_flight.is_some() { "…" } else { "" };
            format!("{}{marker}", format::duration(age))
        }
    }
}

/// Data older than two reading intervals is stale, as a pane's is.
fn age_style(row: &EstateEnvironment, state: &EstateState, theme: &Theme) -> Style {
    let stale_after = i64::try_from(state.interval_seconds.saturating_mul(2)).unwrap_or(i64::MAX);
    match row.age_seconds(state.now) {
        Some(age) if age > stale_after => theme.warn,
        _ => theme.muted,
    }
}

/// The selected environment's worst check or error in full (the table's column cuts it), so
/// the fix a credential error names is always readable.
fn detail_lines<'a>(state: &EstateState, theme: &Theme) -> Paragraph<'a> {
    let selected = state
        .selected
        .as_deref()
        .and_then(|name| state.environments.iter().find(|row| row.name == name));
    let Some(row) = selected else {
        return Paragraph::new("");
    };
    let (text, style) = worst_column(row, theme);
    Paragraph::new(Line::from(vec![
        Span::styled(format!(" {}: ", row.name), theme.title),
        Span::styled(text, style),
    ]))
    .wrap(ratatui::widgets::Wrap { trim: false })
}

fn footer_line<'a>(state: &EstateState, theme: &Theme) -> Line<'a> {
    if let Some(notice) = &state.notice {
        return Line::styled(format!(" {notice}"), theme.warn);
    }
    if state.mode == InputMode::Filter {
        return Line::styled(
            " type to filter by name, Region or account · Enter keep · Esc clear",
            theme.muted,
        );
    }
    let sort_next = match state.sort {
        EstateSort::Worst => "name",
        EstateSort::Name => "age",
        EstateSort::Age => "status",
    };
    Line::styled(
        format!(
            " Enter open · ↑↓ select · s sort by {sort_next} · S reverse · / filter · r read all now · q quit · in an environment, e returns here"
        ),
        theme.muted,
    )
}

/// Calls a minute: one decimal below ten, whole above.
fn per_minute(calls: f64) -> String {
    if calls < 10.0 {
        format!("{calls:.1}")
    } else {
        format!("{calls:.0}")
    }
}

/// `text` right-aligned in `size` (nothing when the column is hidden).
fn right(text: &str, size: usize) -> String {
    if size == 0 {
        return String::new();
    }
    format!("{:>size$}", format::truncate(text, size - 1))
}

fn fit(text: &str, width: usize) -> String {
    format::truncate(text, width)
}
