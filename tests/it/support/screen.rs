//! A dashboard state fed from the simulator at a fixed time, and rendering it to text.

use chrono::{TimeZone, Utc};
use opsdeck::config::{Keymap, Theme, Thresholds};
use opsdeck::model::Timestamp;
use opsdeck::msg::Msg;
use opsdeck::sim::World;
use opsdeck::state::{EnvironmentInfo, State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// The fixed moment every snapshot is taken at.
pub fn origin() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// A fresh state with the default keymap, as the demo starts it.
pub fn empty_state() -> State {
    let environment = EnvironmentInfo::demo("basecoat-prod (simulated)");
    let keymap = Keymap::builtin_default().expect("default keymap");
    State::new(environment, keymap, Thresholds::default(), 2000, origin())
}

/// Every source's data from `world`, delivered as the pollers would.
pub fn feed(state: &mut State, world: &World) {
    let at = world.time_of(world.elapsed());
    for (source, data) in world.answers() {
        update(
            state,
            Msg::SourceUpdate {
                source,
                result: Ok(data),
                at,
            },
        );
    }
    update(state, Msg::Tick(at));
}

/// The demo state `elapsed` seconds after it opened (seed 1).
pub fn demo_state(elapsed: i64) -> State {
    let mut world = World::new(1, origin());
    world.advance_to_elapsed(elapsed);
    let mut state = empty_state();
    feed(&mut state, &world);
    state
}

/// Renders `state` at `width` x `height` with `theme`.
pub fn render_buffer(state: &State, theme: &Theme, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| opsdeck::ui::render(state, theme, frame))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing spaces kept off.
pub fn render_text(state: &State, width: u16, height: u16) -> String {
    let theme = Theme::builtin("default").expect("default theme");
    buffer_text(&render_buffer(state, &theme, width, height))
}

/// A buffer's symbols as lines of text.
pub fn buffer_text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    if width == 0 {
        return String::new();
    }
    buffer
        .content
        .chunks(width)
        .map(|row| {
            let line: String = row.iter().map(|cell| cell.symbol()).collect();
            line.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Presses `c` (no modifiers) at the state's own time, as the event loop would.
pub fn press(state: &mut State, c: char) -> Vec<opsdeck::msg::Effect> {
    let at = state.now;
    opsdeck::state::update(
        state,
        opsdeck::msg::Msg::Key {
            key: opsdeck::key::KeyEvent::new(
                opsdeck::key::KeyCode::Char(c),
                opsdeck::key::KeyModifiers::NONE,
            ),
            at,
        },
    )
}
