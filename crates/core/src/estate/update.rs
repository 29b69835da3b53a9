//! The estate screen's `update`: messages in, state changed, effects out. The keys are the
//! keymap's own actions, read as the estate means them: the zoom key (Enter) opens the
//! selected environment, the pane's movement, sort and filter keys work on the table.

use super::{EstateState, Reading};
use crate::config::{InputMode, KeyChord};
use crate::key::KeyEvent;
use crate::key_action::Action;
use crate::model::Timestamp;

/// What reaches the estate screen.
#[derive(Debug, Clone)]
pub enum EstateMsg {
    Key {
        key: KeyEvent,
        at: Timestamp,
    },
    Resize {
        width: u16,
        height: u16,
    },
    Tick(Timestamp),
    /// The reading interval in effect (the API budget stretches it).
    Interval {
        seconds: u64,
    },
    /// An environment's reading started.
    Reading {
        name: String,
        at: Timestamp,
    },
    /// An environment's reading arrived.
    Read {
        name: String,
        reading: Reading,
    },
    /// The account an environment's credentials reach.
    Account {
        name: String,
        account: String,
    },
}

/// What the estate asks of the world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EstateEffect {
    Quit,
    /// Open this environment's dashboard at full rate.
    Open(String),
    /// Read every environment now instead of at its next turn.
    ReadAllNow,
}

/// Applies `msg` to the estate.
pub fn update(state: &mut EstateState, msg: EstateMsg) -> Vec<EstateEffect> {
    match msg {
        EstateMsg::Key { key, at } => {
            state.now = at;
            on_key(state, &key)
        }
        EstateMsg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            Vec::new()
        }
        EstateMsg::Tick(at) => {
            state.now = at;
            Vec::new()
        }
        EstateMsg::Reading { name, at } => {
            if let Some(environment) = find(state, &name) {
                environment.reading_since = Some(at);
            }
            Vec::new()
        }
        EstateMsg::Read { name, reading } => {
            if let Some(environment) = find(state, &name) {
                environment.reading_since = None;
                environment.reading = Some(reading);
            }
            Vec::new()
        }
        EstateMsg::Interval { seconds } => {
            state.interval_seconds = seconds;
            Vec::new()
        }
        EstateMsg::Account { name, account } => {
            if let Some(environment) = find(state, &name) {
                environment.account = Some(account);
            }
            Vec::new()
        }
    }
}

fn find<'a>(state: &'a mut EstateState, name: &str) -> Option<&'a mut super::EstateEnvironment> {
    state.environments.iter_mut().find(|e| e.name == name)
}

fn on_key(state: &mut EstateState, key: &KeyEvent) -> Vec<EstateEffect> {
    let chord = KeyChord::from_event(key);
    let action = state.keymap.action_for(state.mode, chord);
    state.notice = None;
    if state.mode == InputMode::Filter {
        on_filter_key(state, key, action);
        return Vec::new();
    }
    let Some(action) = action else {
        state.notice = Some(format!("{chord} is not bound here; press ? for help"));
        return Vec::new();
    };
    match action {
        Action::Quit => return vec![EstateEffect::Quit],
        Action::ToggleZoom => {
            return match state.selected_index().and(state.selected.clone()) {
                Some(name) => vec![EstateEffect::Open(name)],
                None => {
                    state.notice = Some("no environment selected".to_owned());
                    Vec::new()
                }
            };
        }
        Action::RefreshNow => {
            state.notice = Some("reading every environment now".to_owned());
            return vec![EstateEffect::ReadAllNow];
        }
        Action::SelectUp => move_selection(state, -1),
        Action::SelectDown => move_selection(state, 1),
        Action::PageUp => move_selection(state, -page(state)),
        Action::PageDown => move_selection(state, page(state)),
        Action::SelectFirst => move_selection(state, isize::MIN / 2),
        Action::SelectLast => move_selection(state, isize::MAX / 2),
        Action::SortNextColumn => state.sort = state.sort.next(),
        Action::SortReverse => state.reversed = !state.reversed,
        Action::StartFilter => state.mode = InputMode::Filter,
        Action::ClearFilter => {
            state.filter.clear();
            keep_a_selection(state);
        }
        other => {
            state.notice = Some(format!(
                "{chord} ({}) works in an environment: Enter opens the selected one",
                other.name()
            ));
        }
    }
    Vec::new()
}

fn on_filter_key(state: &mut EstateState, key: &KeyEvent, action: Option<Action>) {
    match action {
        Some(Action::FilterApply) => state.mode = InputMode::Normal,
        Some(Action::FilterCancel) => {
            state.filter.clear();
            state.mode = InputMode::Normal;
        }
        Some(Action::FilterDeleteChar) => {
            state.filter.pop();
        }
        _ => {
            if let Some(typed) = key.typed_char() {
                state.filter.push(typed);
            }
        }
    }
    keep_a_selection(state);
}

/// Rows a page key moves: the table's height less its frame and header.
fn page(state: &EstateState) -> isize {
    (state.height as isize - 6).max(1)
}

fn move_selection(state: &mut EstateState, by: isize) {
    let rows = state.visible();
    if rows.is_empty() {
        return;
    }
    let current = state.selected_index().unwrap_or(0) as isize;
    let last = rows.len() as isize - 1;
    let next = current.saturating_add(by).clamp(0, last) as usize;
    state.selected = Some(rows[next].name.clone());
}

/// After the filter changed: the selection stays if still shown, else the first row shown.
fn keep_a_selection(state: &mut EstateState) {
    if state.selected_index().is_none() {
        state.selected = state.visible().first().map(|row| row.name.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckResult, Status};
    use crate::config::Keymap;
    use crate::estate::{EstateEnvironment, EstateSort};
    use crate::key::KeyCode;

    fn at(seconds: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(1_796_000_000 + seconds, 0).unwrap()
    }

    fn check(status: Status, title: &'static str) -> CheckResult {
        crate::check::result_for_test("cpu", title, status)
    }

    fn reading(seconds: i64, outcome: Result<Vec<CheckResult>, String>) -> Reading {
        Reading {
            at: at(seconds),
            outcome,
            alarms_firing: 0,
            calls: None,
            dollars: None,
        }
    }

    fn estate() -> EstateState {
        let names = ["acme-prod", "globex-prod", "initech-prod", "umbrella-prod"];
        let environments = names
            .iter()
            .map(|name| EstateEnvironment::new(name, "eu-west-1", false))
            .collect();
        let mut state =
            EstateState::new(environments, Keymap::builtin_default().unwrap(), 60, at(0));
        state.height = 30;
        let reads = [
            (
                "acme-prod",
                reading(-10, Ok(vec![check(Status::Pass, "CPU")])),
            ),
            (
                "globex-prod",
                reading(-20, Ok(vec![check(Status::Fail, "5XX error rate")])),
            ),
            (
                "initech-prod",
                reading(-300, Err("no credentials".to_owned())),
            ),
        ];
        for (name, reading) in reads {
            update(
                &mut state,
                EstateMsg::Read {
                    name: name.to_owned(),
                    reading,
                },
            );
        }
        state
    }

    fn press(state: &mut EstateState, code: KeyCode) -> Vec<EstateEffect> {
        update(
            state,
            EstateMsg::Key {
                key: KeyEvent::new(code, crate::key::KeyModifiers::NONE),
                at: at(0),
            },
        )
    }

    fn order(state: &EstateState) -> Vec<&str> {
        state.visible().iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn the_worst_come_first_and_an_environment_not_read_is_unknown() {
        let state = estate();
        assert_eq!(
            order(&state),
            ["globex-prod", "initech-prod", "umbrella-prod", "acme-prod"],
            "fail, then unknown (could not be read; not read yet), then pass"
        );
        let row = &state.environments[2];
        assert_eq!(row.status(), Status::Unknown);
        assert_eq!(row.error(), Some("no credentials"));
        assert_eq!(
            state.roll_up(),
            [
                (Status::Fail, 1),
                (Status::Unknown, 2),
                (Status::Warn, 0),
                (Status::Pass, 1)
            ]
        );
    }

    #[test]
    fn enter_opens_the_selected_environment_and_the_selection_follows_the_row() {
        let mut state = estate();
        assert_eq!(state.selected.as_deref(), Some("acme-prod"));
        press(&mut state, KeyCode::Home);
        assert_eq!(state.selected.as_deref(), Some("globex-prod"));
        press(&mut state, KeyCode::Char('j'));
        assert_eq!(
            press(&mut state, KeyCode::Enter),
            [EstateEffect::Open("initech-prod".to_owned())]
        );
        // initech recovers: its row moves down and stays selected.
        update(
            &mut state,
            EstateMsg::Read {
                name: "initech-prod".to_owned(),
                reading: reading(0, Ok(vec![check(Status::Pass, "CPU")])),
            },
        );
        assert_eq!(state.selected.as_deref(), Some("initech-prod"));
        assert_eq!(state.selected_index(), Some(3));
    }

    #[test]
    fn sort_and_filter_work_as_in_the_panes() {
        let mut state = estate();
        press(&mut state, KeyCode::Char('s'));
        assert_eq!(state.sort, EstateSort::Name);
        assert_eq!(
            order(&state),
            ["acme-prod", "globex-prod", "initech-prod", "umbrella-prod"]
        );
        press(&mut state, KeyCode::Char('s'));
        assert_eq!(state.sort, EstateSort::Age);
        assert_eq!(
            order(&state),
            ["umbrella-prod", "initech-prod", "globex-prod", "acme-prod"],
            "never read first, then the oldest"
        );
        press(&mut state, KeyCode::Char('/'));
        for c in "GLO".chars() {
            press(&mut state, KeyCode::Char(c));
        }
        assert_eq!(order(&state), ["globex-prod"], "case-insensitive");
        assert_eq!(
            state.selected.as_deref(),
            Some("globex-prod"),
            "the selection follows"
        );
        press(&mut state, KeyCode::Enter);
        assert_eq!(state.mode, InputMode::Normal);
        press(&mut state, KeyCode::Esc);
        assert_eq!(order(&state).len(), 4);
    }

    #[test]
    fn a_dashboard_key_says_where_it_works_and_q_quits() {
        let mut state = estate();
        assert!(press(&mut state, KeyCode::Char('d')).is_empty());
        assert_eq!(
            state.notice.as_deref(),
            Some("d (edit_desired) works in an environment: Enter opens the selected one")
        );
        assert_eq!(
            press(&mut state, KeyCode::Char('r')),
            [EstateEffect::ReadAllNow]
        );
        assert_eq!(press(&mut state, KeyCode::Char('q')), [EstateEffect::Quit]);
    }
}
