//! The terminal guard: raw mode and the alternate screen on entry, restored on drop, on panic
//! and on signals, so the shell is always left as it was found.

use std::io::{self, Stdout};

use crossterm::cursor::{Hide, Show};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::{Frame, Terminal};

/// The terminal in TUI mode; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen.
    pub fn enter() -> io::Result<Self> {
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(error) = execute!(stdout, EnterAlternateScreen, Hide) {
            restore();
            return Err(error);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(error) => {
                restore();
                Err(error)
            }
        }
    }
}

/// Draws one frame inside the terminal's synchronized update (DEC private mode 2026): a
/// terminal or multiplexer that knows it (tmux 3.4, kitty, WezTerm, iTerm2, ...) shows the
/// frame whole, never half-drawn over a slow SSH link; others ignore the two sequences.
pub fn draw_synchronized<W: io::Write>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    render: impl FnOnce(&mut Frame<'_>),
) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(render).map(drop);
    // Ended even when drawing failed, so the terminal is not left holding its output.
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    drawn
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

/// Installs color-eyre with a panic hook that restores the terminal before the report is
/// printed, then ends the process: a panic in any task must not leave a half-dead UI behind.
pub fn install_error_hooks() -> color_eyre::Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    eyre_hook.install()?;
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        panic_hook(info);
        std::process::exit(101);
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::Paragraph;

    /// What the backend wrote, readable after the terminal took the writer.
    #[derive(Clone, Default)]
    struct Written(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl io::Write for Written {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_frame_is_drawn_inside_a_synchronized_update() {
        let written = Written::default();
        let mut terminal = Terminal::with_options(
            CrosstermBackend::new(written.clone()),
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 20, 2)),
            },
        )
        .expect("terminal");
        draw_synchronized(&mut terminal, |frame| {
            frame.render_widget(Paragraph::new("opsdeck"), frame.area());
        })
        .expect("drawn");
        let output = String::from_utf8_lossy(&written.0.borrow()).into_owned();
        let begin = output.find("\x1b[?2026h").expect("begins the update");
        let text = output.find("opsdeck").expect("draws the frame");
        let end = output.rfind("\x1b[?2026l").expect("ends the update");
        assert!(begin < text && text < end, "{output:?}");
    }
}
