//! The update function: a pure state transition from one message, returning effects.

use crate::key::KeyEvent;

use super::checklist;
use super::freshness;
use super::guarded::{self, on_action_finished};
use super::incident_update;
use super::{INTERVAL_STEPS_MS, PaneId, State, panes};
use crate::config::{InputMode, KeyChord};
use crate::model::{RangeHistory, SourceData, SourceError, SourceKind, TimeRange, Timestamp};
use crate::msg::{Action, Effect, Msg};

/// Applies `msg` to `state` and says what must be done outside.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key { key, at } => {
            // The clock never runs backwards, whatever order messages were queued in.
            state.now = state.now.max(at);
            on_key(state, key)
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            on_clock(state, now)
        }
        Msg::SourceUpdate { source, result, at } => on_source_update(state, source, result, at),
        Msg::TableSizes { result, at } => {
            state.in_flight.table_sizes = None;
            on_table_sizes(state, result, at);
            Vec::new()
        }
        Msg::MetricWindow {
            which,
            window,
            result,
        } => {
            if let Err(error) = &result {
                state.notice = Some(format!("metrics over the range: {}", error.message));
            }
            let stored = state
                .data
                .metric_range
                .store(which, window, result.map_err(|_| ()));
            if stored {
                refresh_rows(state, PaneId::Metrics);
            }
            Vec::new()
        }
        Msg::AlarmHistory { since, result } => {
            state.in_flight.alarm_history = None;
            state.data.alarm_history = Some(crate::model::AlarmHistoryReading {
                since,
                changes: result.map_err(|error| error.message),
            });
            refresh_rows(state, PaneId::Alarms);
            Vec::new()
        }
        Msg::Statements { result } => {
            state.in_flight.statements = None;
            state
                .data
                .statements
                .store(result.map_err(|error| error.message));
            if state.pg_view == panes::postgres::PgView::TopSql {
                refresh_rows(state, PaneId::Postgres);
            }
            Vec::new()
        }
        Msg::OvernightIncidents { result } => {
            state.data.overnight_incidents = Some(result);
            refresh_rows(state, PaneId::Alarms);
            Vec::new()
        }
        Msg::Insights { result } => {
            state.in_flight.insights = None;
            state.data.insights.latest = Some(result.map_err(|error| error.message));
            if state.pg_view == panes::postgres::PgView::Insights {
                refresh_rows(state, PaneId::Postgres);
            }
            Vec::new()
        }
        Msg::LaunchTemplateVersions { group, result } => {
            if state
                .in_flight
                .versions
                .as_ref()
                .is_some_and(|(asked, _)| *asked == group)
            {
                state.in_flight.versions = None;
            }
            guarded::on_launch_template_versions(state, group, result);
            Vec::new()
        }
        Msg::ActionFinished {
            proposal_id,
            report,
            at,
        } => {
            let finished = on_action_finished(state, proposal_id, report, at);
            match finished {
                Some(entry) => incident_update::record(state, vec![entry]),
                None => Vec::new(),
            }
        }
        Msg::IncidentWritten { what, result } => {
            on_incident_written(state, what, result);
            Vec::new()
        }
    }
}

/// A failed write stays in the header until one succeeds; a written file is named.
fn on_incident_written(
    state: &mut State,
    what: String,
    result: Result<Option<std::path::PathBuf>, String>,
) {
    match result {
        Ok(path) => {
            state.war_room.write_problem = None;
            if let Some(path) = path {
                state.notice = Some(format!("{what} written to {}", path.display()));
            }
        }
        Err(error) => state.war_room.write_problem = Some(format!("{what}: {error}")),
    }
}

fn on_source_update(
    state: &mut State,
    source: SourceKind,
    result: Result<SourceData, SourceError>,
    at: Timestamp,
) -> Vec<Effect> {
    let pane = PaneId::for_source(source);
    let mut entries = Vec::new();
    match result {
        Ok(data) => {
            entries = timeline_changes(&state.data, &data, at);
            if let SourceData::Alarms(_) = &data
                && state.data.alarms.is_empty()
                && let Some(incident) = &state.war_room.incident
            {
                // The first reading after a reopen: alarms the timeline already has firing
                // are not news.
                entries.retain(|entry| !incident.already_firing(entry));
            }
            state.data.store(data);
            *state.source_mut(source) = super::SourceStatus {
                updated_at: Some(at),
                error: None,
                error_at: None,
            };
            if pane.source() == source {
                let rows = panes::rows(pane, state.views(), &state.data, &state.thresholds, at);
                state.pane_mut(pane).table.set_rows(rows);
            }
        }
        Err(error) => {
            let status = state.source_mut(source);
            status.error = Some(error);
            status.error_at = Some(at);
        }
    }
    state.freshness.stale = freshness::stale_now(state, at);
    entries.extend(judge(state, at));
    entries.extend(guarded::judge_follow_ups(state, at));
    let mut effects = incident_update::record(state, entries);
    match source {
        // The top SQL view reads the statistics at the database's own pace.
        SourceKind::Database => {
            effects.extend(ask_for_statements(state));
            effects.extend(ask_for_insights(state));
        }
        // Performance Insights is read at the RDS source's pace too (an environment may
        // watch RDS without a DSN).
        SourceKind::Rds => effects.extend(ask_for_insights(state)),
        // A time range is extended when the live poll finds periods closed.
        SourceKind::Metrics => effects.extend(ask_for_metric_windows(state)),
        _ => {}
    }
    effects
}

/// Asks for the metric windows the range and week-over-week need now: the whole range
/// once, then only the periods closed since.
fn ask_for_metric_windows(state: &mut State) -> Vec<Effect> {
    let due = state.data.metric_range.due(state.now);
    due.into_iter()
        .map(|(which, window)| {
            state.data.metric_range.ask(which, window);
            Effect::LoadMetricWindow { which, window }
        })
        .collect()
}

/// Switches the Metrics pane to `range` (keeping week-over-week) or toggles
/// week-over-week; what the new view needs is fetched at once.
fn set_metric_range(state: &mut State, range: TimeRange, week_over_week: bool) -> Vec<Effect> {
    if state.focus != PaneId::Metrics {
        state.notice = Some("time ranges are the Metrics pane's (3)".to_owned());
        return Vec::new();
    }
    let current = &state.data.metric_range;
    if current.range == range && current.week_over_week == week_over_week {
        return Vec::new();
    }
    state.data.metric_range = RangeHistory::new(range, week_over_week);
    refresh_rows(state, PaneId::Metrics);
    ask_for_metric_windows(state)
}

/// Rebuilds a pane's rows for its current view from the data held, observed when its source
/// last answered.
fn refresh_rows(state: &mut State, pane: PaneId) {
    let at = state.source(pane.source()).updated_at.unwrap_or(state.now);
    let rows = panes::rows(pane, state.views(), &state.data, &state.thresholds, at);
    state.pane_mut(pane).table.set_rows(rows);
}

/// Asks for a `pg_stat_statements` reading while the top SQL view is shown, unless one is
/// already on its way.
fn ask_for_statements(state: &mut State) -> Vec<Effect> {
    if state.pg_view != panes::postgres::PgView::TopSql {
        return Vec::new();
    }
    if !super::InFlight::claim(&mut state.in_flight.statements, state.now) {
        return Vec::new();
    }
    vec![Effect::LoadStatements]
}

/// Asks for a Performance Insights reading while its view is shown, unless one is on its way
/// or the last is under a minute old.
fn ask_for_insights(state: &mut State) -> Vec<Effect> {
    if state.pg_view != panes::postgres::PgView::Insights || state.data.insights.fresh_at(state.now)
    {
        return Vec::new();
    }
    if !super::InFlight::claim(&mut state.in_flight.insights, state.now) {
        return Vec::new();
    }
    vec![Effect::LoadInsights]
}

/// Data ages while no poll arrives: when a source's data crosses its staleness limit (or a
/// poll brings it back), the checks and vitals are judged again.
fn on_clock(state: &mut State, now: Timestamp) -> Vec<Effect> {
    // A change past its deadline times out even while no poll arrives.
    let mut entries = guarded::judge_follow_ups(state, now);
    let stale = freshness::stale_now(state, now);
    if stale != state.freshness.stale {
        state.freshness.stale = stale;
        entries.extend(judge(state, now));
    }
    incident_update::record(state, entries)
}

/// The checks and the war room's numbers, judged at `at` from one reading of which sources
/// can be trusted; returns the checks' verdict changes for the timeline.
fn judge(state: &mut State, at: Timestamp) -> Vec<crate::incident::TimelineEntry> {
    let (unread, unconfigured) = checklist::unread_sources(state, at);
    let changes = checklist::reevaluate(state, at, &unread, &unconfigured);
    record_vitals(state, at, &unread);
    changes
}

/// What the new data changed, as incident timeline entries.
fn timeline_changes(
    old: &super::Snapshot,
    new: &SourceData,
    at: Timestamp,
) -> Vec<crate::incident::TimelineEntry> {
    use crate::incident::observe;
    match new {
        SourceData::Alarms(alarms) => observe::alarm_changes(&old.alarms, alarms, at),
        SourceData::AutoScaling(groups) => observe::scaling_changes(&old.auto_scaling, groups, at),
        SourceData::Ecs(services) => observe::ecs_changes(&old.ecs, services, at),
        _ => Vec::new(),
    }
}

/// Reads the war room's numbers once per poll (the screen and the messages show these), and
/// keeps those of the last minutes for the trend arrows.
fn record_vitals(
    state: &mut State,
    at: Timestamp,
    unread: &std::collections::BTreeMap<SourceKind, String>,
) {
    let readings = crate::incident::vitals::read_all(
        &state.data,
        unread,
        &state.checklist.results,
        &state.thresholds,
    );
    let values = readings
        .each_ref()
        .map(|reading| reading.as_ref().map(|r| r.value));
    state.war_room.history.record(at, values);
    state.war_room.readings = readings;
}

fn on_table_sizes(
    state: &mut State,
    result: Result<Vec<crate::model::TableSize>, SourceError>,
    at: Timestamp,
) {
    match result {
        Ok(tables) => {
            state.data.table_sizes = Some((tables, at));
            refresh_rows(state, PaneId::Postgres);
        }
        Err(error) => state.notice = Some(format!("table sizes: {}", error.message)),
    }
}

/// Switches the Alarms pane between now and overnight; the history is read each time the
/// overnight view opens (it changes as alarms fire).
fn cycle_alarm_view(state: &mut State) -> Vec<Effect> {
    state.alarm_view = state.alarm_view.next();
    let filter = state.pane(PaneId::Alarms).table.filter.clone();
    let mut table = super::table::TableView::new(state.alarm_view.default_sort());
    table.set_filter(&filter);
    state.pane_mut(PaneId::Alarms).table = table;
    refresh_rows(state, PaneId::Alarms);
    if state.alarm_view != panes::alarms::AlarmView::Overnight {
        return Vec::new();
    }
    if !super::InFlight::claim(&mut state.in_flight.alarm_history, state.now) {
        return Vec::new();
    }
    let since = crate::format::window_start(&state.overnight_window, state.now)
        .unwrap_or(state.now - chrono::Duration::hours(12));
    vec![
        Effect::LoadAlarmHistory { since },
        Effect::LoadOvernightIncidents {
            environment: state.environment.name.clone(),
            since,
        },
    ]
}

/// Shows the focused pane's next view (PostgreSQL or Alarms); table sizes are read when
/// first shown.
fn cycle_view(state: &mut State) -> Vec<Effect> {
    if state.focus == PaneId::Alarms {
        return cycle_alarm_view(state);
    }
    if state.focus != PaneId::Postgres {
        state.notice = Some("views cycle in the PostgreSQL (7) and Alarms (4) panes".to_owned());
        return Vec::new();
    }
    state.pg_view = state.pg_view.next();
    let filter = state.pane(PaneId::Postgres).table.filter.clone();
    let mut table = super::table::TableView::new(state.pg_view.default_sort());
    table.set_filter(&filter);
    state.pane_mut(PaneId::Postgres).table = table;
    refresh_rows(state, PaneId::Postgres);
    if state.pg_view == panes::postgres::PgView::TopSql {
        return ask_for_statements(state);
    }
    if state.pg_view == panes::postgres::PgView::Insights {
        return ask_for_insights(state);
    }
    if state.pg_view == panes::postgres::PgView::Tables {
        if !super::InFlight::claim(&mut state.in_flight.table_sizes, state.now) {
            return Vec::new();
        }
        return vec![Effect::LoadTableSizes];
    }
    Vec::new()
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let chord = KeyChord::from_event(&key);
    let action = state.keymap.action_for(state.mode, chord);
    match state.mode {
        InputMode::Confirm => return guarded::on_dialog_key(state, &key, action),
        InputMode::Prompt => return guarded::on_prompt_key(state, &key, action),
        InputMode::Form => return incident_update::on_form_key(state, &key, action),
        InputMode::Messages => return incident_update::on_messages_action(state, action),
        _ => {}
    }
    state.notice = None;
    match (state.mode, action) {
        (_, Some(action)) => apply(state, action),
        (InputMode::Filter, None) => {
            if let Some(typed) = key.typed_char() {
                let table = &mut state.pane_mut(state.focus).table;
                let mut filter = table.filter.clone();
                filter.push(typed);
                table.set_filter(&filter);
            }
            Vec::new()
        }
        (InputMode::Normal, None) => {
            state.notice = Some(format!("{chord} is not bound; press ? for help"));
            Vec::new()
        }
        (
            InputMode::Help
            | InputMode::Prompt
            | InputMode::Confirm
            | InputMode::Checklist
            | InputMode::Form
            | InputMode::Messages,
            None,
        ) => Vec::new(),
    }
}

/// Rows a page key moves: about what the focused pane shows.
fn page_rows(state: &State) -> isize {
    let body = state.height as isize - 4;
    let visible = if state.zoomed { body - 4 } else { body / 3 - 4 };
    visible.max(1)
}

fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    let focus = state.focus;
    if state.war_room.showing && scroll_timeline(state, action) {
        return Vec::new();
    }
    match action {
        Action::Quit => {
            state.should_quit = true;
            return vec![Effect::Quit];
        }
        Action::ShowEstate if state.from_estate => return vec![Effect::ShowEstate],
        Action::ShowEstate => {
            state.notice = Some(
                "no estate: opsdeck opened one environment (--estate, or a config with several environments without --env, opens it)"
                    .to_owned(),
            );
        }
        Action::ToggleChecklist => state.mode = InputMode::Checklist,
        Action::CloseChecklist => state.mode = InputMode::Normal,
        Action::ChecklistUp => {
            state.checklist.selected = state.checklist.selected.saturating_sub(1);
        }
        Action::ChecklistDown => {
            let last = state.checklist.results.len().saturating_sub(1);
            state.checklist.selected = (state.checklist.selected + 1).min(last);
        }
        Action::ChecklistJump => checklist::jump_to_evidence(state),
        Action::ToggleHelp => {
            state.mode = InputMode::Help;
            state.help_scroll = 0;
        }
        Action::CloseHelp => state.mode = InputMode::Normal,
        Action::HelpScrollUp => state.help_scroll = state.help_scroll.saturating_sub(1),
        Action::HelpScrollDown => state.help_scroll = state.help_scroll.saturating_add(1),
        Action::ToggleWarRoom
        | Action::DeclareIncident
        | Action::AddNote
        | Action::ShowMessages
        | Action::ResolveIncident => return incident_update::on_action(state, action),
        Action::FocusNext => state.focus = focus.next(),
        Action::FocusPrevious => state.focus = focus.previous(),
        Action::FocusAutoScaling => state.focus = PaneId::AutoScaling,
        Action::FocusTargets => state.focus = PaneId::Targets,
        Action::FocusMetrics => state.focus = PaneId::Metrics,
        Action::FocusAlarms => state.focus = PaneId::Alarms,
        Action::FocusLogs => state.focus = PaneId::Logs,
        Action::FocusEcs => state.focus = PaneId::Ecs,
        Action::FocusPostgres => state.focus = PaneId::Postgres,
        Action::ToggleZoom => state.zoomed = !state.zoomed,
        Action::TogglePause => {
            state.polling.paused = !state.polling.paused;
            return vec![Effect::ControlPolling(state.polling)];
        }
        Action::RefreshNow => {
            state.polling.refresh_generation += 1;
            return vec![Effect::ControlPolling(state.polling)];
        }
        Action::IntervalLonger => return step_interval(state, 1),
        Action::IntervalShorter => return step_interval(state, -1),
        Action::StartFilter => {
            state.filter_before_edit = state.pane(focus).table.filter.clone();
            state.mode = InputMode::Filter;
        }
        Action::FilterApply => state.mode = InputMode::Normal,
        Action::FilterCancel => {
            let before = state.filter_before_edit.clone();
            state.pane_mut(focus).table.set_filter(&before);
            state.mode = InputMode::Normal;
        }
        Action::FilterDeleteChar => {
            let table = &mut state.pane_mut(focus).table;
            let mut filter = table.filter.clone();
            filter.pop();
            table.set_filter(&filter);
        }
        Action::ClearFilter => state.pane_mut(focus).table.set_filter(""),
        Action::SelectUp => state.pane_mut(focus).table.move_selection(-1),
        Action::SelectDown => state.pane_mut(focus).table.move_selection(1),
        Action::PageUp => {
            let rows = page_rows(state);
            state.pane_mut(focus).table.move_selection(-rows);
        }
        Action::PageDown => {
            let rows = page_rows(state);
            state.pane_mut(focus).table.move_selection(rows);
        }
        Action::SelectFirst => state.pane_mut(focus).table.select_first(),
        Action::SelectLast => state.pane_mut(focus).table.select_last(),
        Action::SortNextColumn => {
            let columns = panes::columns(focus, state.views()).len();
            state.pane_mut(focus).table.sort_next_column(columns);
        }
        Action::SortReverse => state.pane_mut(focus).table.reverse_sort(),
        Action::CycleView => return cycle_view(state),
        Action::RangeLonger => {
            let current = &state.data.metric_range;
            let (range, wow) = (current.range.longer(), current.week_over_week);
            return set_metric_range(state, range, wow);
        }
        Action::RangeShorter => {
            let current = &state.data.metric_range;
            let (range, wow) = (current.range.shorter(), current.week_over_week);
            return set_metric_range(state, range, wow);
        }
        Action::ToggleWeekOverWeek => {
            let current = &state.data.metric_range;
            let (range, wow) = (current.range, !current.week_over_week);
            return set_metric_range(state, range, wow);
        }
        Action::EditDesired
        | Action::CancelQuery
        | Action::TerminateBackend
        | Action::TerminateLongQueries
        | Action::TerminateIdleSessions
        | Action::Analyze
        | Action::CreateDbSnapshot
        | Action::StartInstanceRefresh
        | Action::CancelInstanceRefresh
        | Action::RollBack
        | Action::EditMax
        | Action::ForceDeployment
        | Action::UndoLastAction => return guarded::on_action_key(state, action),
        // Dialog and prompt keys are handled before actions reach here.
        Action::DialogConfirm
        | Action::DialogCancel
        | Action::DialogSwitchButton
        | Action::DialogPress
        | Action::DialogDeleteChar
        | Action::PromptSubmit
        | Action::PromptCancel
        | Action::PromptDeleteChar
        | Action::PromptToggle
        | Action::FormSubmit
        | Action::FormCancel
        | Action::FormNextField
        | Action::FormDeleteChar
        | Action::FormChoiceUp
        | Action::FormChoiceDown
        | Action::CloseMessages
        | Action::NextMessage
        | Action::CopyMessage => {}
    }
    Vec::new()
}

/// On the war-room screen the selection keys scroll the timeline (up = older); true when
/// the key was one of them.
fn scroll_timeline(state: &mut State, action: Action) -> bool {
    let length = state
        .war_room
        .incident
        .as_ref()
        .map_or(0, |incident| incident.timeline.len());
    let scroll = &mut state.war_room.timeline_scroll;
    let last = length.saturating_sub(1);
    match action {
        Action::SelectUp => *scroll = (*scroll + 1).min(last),
        Action::SelectDown => *scroll = scroll.saturating_sub(1),
        Action::PageUp => *scroll = (*scroll + 10).min(last),
        Action::PageDown => *scroll = scroll.saturating_sub(10),
        Action::SelectFirst => *scroll = last,
        Action::SelectLast => *scroll = 0,
        _ => return false,
    }
    true
}

/// Moves the refresh interval one step along [`INTERVAL_STEPS_MS`].
fn step_interval(state: &mut State, direction: isize) -> Vec<Effect> {
    let current = state.polling.interval_ms;
    let position = INTERVAL_STEPS_MS
        .iter()
        .position(|step| *step >= current)
        .unwrap_or(INTERVAL_STEPS_MS.len() - 1);
    let next = position
        .saturating_add_signed(direction)
        .min(INTERVAL_STEPS_MS.len() - 1);
    state.polling.interval_ms = INTERVAL_STEPS_MS[next];
    vec![Effect::ControlPolling(state.polling)]
}
