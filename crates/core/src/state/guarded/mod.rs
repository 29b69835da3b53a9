//! Update logic of guarded actions, one module per job: keys become proposals (`propose`),
//! through a value prompt where a number is needed (`prompt`); the confirm dialog's keys
//! confirm or cancel (`dialog`); finished actions start the follow-through and offer an undo
//! (`finish`), and each poll judges the follow-through (`follow`). What each acts on is found by `select`. Pure, like the rest of update.

mod dialog;
mod finish;
mod follow;
mod prompt;
mod propose;
mod select;

pub use dialog::on_dialog_key;
pub use finish::on_action_finished;
pub use follow::{judge_follow_ups, subject};
pub use prompt::on_prompt_key;
pub use propose::{on_action_key, on_launch_template_versions};
