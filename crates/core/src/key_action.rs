//! What a key can do: the one vocabulary of user actions, named in keymap files, the help
//! overlay and the README's key table. Below the configuration (which binds keys to these)
//! and the messages (which carry them).

/// A named thing a key can do. Keymap files use the snake_case names from [`Action::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    ToggleHelp,
    FocusNext,
    FocusPrevious,
    FocusAutoScaling,
    FocusTargets,
    FocusMetrics,
    FocusAlarms,
    FocusLogs,
    FocusEcs,
    FocusPostgres,
    ToggleZoom,
    TogglePause,
    RefreshNow,
    IntervalLonger,
    IntervalShorter,
    StartFilter,
    ClearFilter,
    SelectUp,
    SelectDown,
    PageUp,
    PageDown,
    SelectFirst,
    SelectLast,
    SortNextColumn,
    SortReverse,
    FilterApply,
    FilterCancel,
    FilterDeleteChar,
    CloseHelp,
    HelpScrollUp,
    HelpScrollDown,
    EditDesired,
    CycleView,
    CancelQuery,
    TerminateBackend,
    TerminateLongQueries,
    TerminateIdleSessions,
    StartInstanceRefresh,
    CancelInstanceRefresh,
    RollBack,
    EditMax,
    ForceDeployment,
    UndoLastAction,
    DialogConfirm,
    DialogCancel,
    DialogSwitchButton,
    DialogPress,
    DialogDeleteChar,
    PromptSubmit,
    PromptCancel,
    PromptDeleteChar,
    PromptToggle,
    ToggleChecklist,
    CloseChecklist,
    ChecklistUp,
    ChecklistDown,
    ChecklistJump,
    ToggleWarRoom,
    DeclareIncident,
    AddNote,
    ShowMessages,
    ResolveIncident,
    FormSubmit,
    FormCancel,
    FormNextField,
    FormDeleteChar,
    FormChoiceUp,
    FormChoiceDown,
    CloseMessages,
    NextMessage,
    CopyMessage,
}

/// Each action's name in keymap files and its help text: the one place both are written (the
/// shipped keymaps bind keys only; the help overlay and the README's key table read these).
const ACTION_NAMES: [(Action, &str, &str); 72] = [
    (Action::Quit, "quit", "Quit opsdeck"),
    (Action::ToggleHelp, "toggle_help", "Show or hide the help"),
    (Action::FocusNext, "focus_next", "Focus the next pane"),
    (
        Action::FocusPrevious,
        "focus_previous",
        "Focus the previous pane",
    ),
    (
        Action::FocusAutoScaling,
        "focus_auto_scaling",
        "Focus Auto Scaling",
    ),
    (Action::FocusTargets, "focus_targets", "Focus Targets"),
    (Action::FocusMetrics, "focus_metrics", "Focus Metrics"),
    (Action::FocusAlarms, "focus_alarms", "Focus Alarms"),
    (Action::FocusLogs, "focus_logs", "Focus Logs"),
    (Action::FocusEcs, "focus_ecs", "Focus ECS"),
    (Action::FocusPostgres, "focus_postgres", "Focus PostgreSQL"),
    (
        Action::ToggleZoom,
        "toggle_zoom",
        "Zoom the focused pane / back",
    ),
    (
        Action::TogglePause,
        "toggle_pause",
        "Pause or resume polling",
    ),
    (Action::RefreshNow, "refresh_now", "Refresh every pane now"),
    (Action::IntervalLonger, "interval_longer", "Poll less often"),
    (
        Action::IntervalShorter,
        "interval_shorter",
        "Poll more often",
    ),
    (
        Action::StartFilter,
        "start_filter",
        "Filter the focused pane",
    ),
    (Action::ClearFilter, "clear_filter", "Clear the filter"),
    (
        Action::CycleView,
        "cycle_view",
        "Next PostgreSQL view: sessions, active, idle, hogs, blocking, table sizes",
    ),
    (Action::SelectUp, "select_up", "Select the row above"),
    (Action::SelectDown, "select_down", "Select the row below"),
    (Action::PageUp, "page_up", "Page up"),
    (Action::PageDown, "page_down", "Page down"),
    (Action::SelectFirst, "select_first", "First row"),
    (Action::SelectLast, "select_last", "Last row"),
    (
        Action::SortNextColumn,
        "sort_next_column",
        "Sort by the next column",
    ),
    (
        Action::SortReverse,
        "sort_reverse",
        "Reverse the sort order",
    ),
    (Action::FilterApply, "filter_apply", "Keep the filter"),
    (
        Action::FilterCancel,
        "filter_cancel",
        "Drop the filter being typed",
    ),
    (
        Action::FilterDeleteChar,
        "filter_delete_char",
        "Delete a character",
    ),
    (Action::CloseHelp, "close_help", "Close the help"),
    (Action::HelpScrollUp, "help_scroll_up", "Scroll up"),
    (Action::HelpScrollDown, "help_scroll_down", "Scroll down"),
    (
        Action::EditDesired,
        "edit_desired",
        "Set desired capacity (Auto Scaling) or count (ECS)",
    ),
    (
        Action::CancelQuery,
        "cancel_query",
        "Cancel the selected session's query",
    ),
    (
        Action::TerminateBackend,
        "terminate_backend",
        "Terminate the selected backend",
    ),
    (
        Action::TerminateLongQueries,
        "terminate_long_queries",
        "Terminate queries running longer than the limit",
    ),
    (
        Action::TerminateIdleSessions,
        "terminate_idle_sessions",
        "Terminate sessions idle longer than the limit",
    ),
    (
        Action::StartInstanceRefresh,
        "start_instance_refresh",
        "Start an instance refresh",
    ),
    (
        Action::CancelInstanceRefresh,
        "cancel_instance_refresh",
        "Cancel the instance refresh",
    ),
    (
        Action::RollBack,
        "roll_back",
        "Roll back to an earlier launch template version",
    ),
    (
        Action::EditMax,
        "edit_max",
        "Set the group's max size (raising max is its own change)",
    ),
    (
        Action::ForceDeployment,
        "force_deployment",
        "Force a new deployment of the ECS service",
    ),
    (
        Action::UndoLastAction,
        "undo_last_action",
        "Propose undoing the last change",
    ),
    (
        Action::DialogConfirm,
        "dialog_confirm",
        "Confirm the change",
    ),
    (
        Action::DialogCancel,
        "dialog_cancel",
        "Cancel: change nothing",
    ),
    (
        Action::DialogSwitchButton,
        "dialog_switch_button",
        "Move between Cancel and Confirm",
    ),
    (
        Action::DialogPress,
        "dialog_press",
        "Press the focused button",
    ),
    (
        Action::DialogDeleteChar,
        "dialog_delete_char",
        "Delete a typed character",
    ),
    (
        Action::PromptSubmit,
        "prompt_submit",
        "Propose the value typed",
    ),
    (Action::PromptCancel, "prompt_cancel", "Cancel"),
    (
        Action::PromptDeleteChar,
        "prompt_delete_char",
        "Delete a character",
    ),
    (
        Action::PromptToggle,
        "prompt_toggle",
        "Switch the option shown (honor cooldown)",
    ),
    (
        Action::ToggleChecklist,
        "toggle_checklist",
        "Show the health checklist (the 9 AM check)",
    ),
    (
        Action::CloseChecklist,
        "close_checklist",
        "Close the checklist",
    ),
    (Action::ChecklistUp, "checklist_up", "Previous check"),
    (Action::ChecklistDown, "checklist_down", "Next check"),
    (
        Action::ChecklistJump,
        "checklist_jump",
        "Go to the pane that holds the check's evidence",
    ),
    (
        Action::ToggleWarRoom,
        "toggle_war_room",
        "War room: big numbers, incident clock, timeline / back to the panes",
    ),
    (
        Action::DeclareIncident,
        "declare_incident",
        "Declare an incident (SEV-1/2/3, title)",
    ),
    (
        Action::AddNote,
        "add_note",
        "Add a note to the incident timeline",
    ),
    (
        Action::ShowMessages,
        "show_messages",
        "The incident's messages: notification, status update, resolution",
    ),
    (
        Action::ResolveIncident,
        "resolve_incident",
        "Resolve the incident (root cause, prevention)",
    ),
    (Action::FormSubmit, "form_submit", "Submit"),
    (Action::FormCancel, "form_cancel", "Cancel: record nothing"),
    (Action::FormNextField, "form_next_field", "Next field"),
    (
        Action::FormDeleteChar,
        "form_delete_char",
        "Delete a character",
    ),
    (Action::FormChoiceUp, "form_choice_up", "Previous severity"),
    (Action::FormChoiceDown, "form_choice_down", "Next severity"),
    (
        Action::CloseMessages,
        "close_messages",
        "Close the messages",
    ),
    (Action::NextMessage, "next_message", "Next message"),
    (
        Action::CopyMessage,
        "copy_message",
        "Copy (OSC 52) and save beside the incident",
    ),
];

impl Action {
    /// The snake_case name used in keymap files.
    pub fn name(self) -> &'static str {
        ACTION_NAMES
            .iter()
            .find(|(action, _, _)| *action == self)
            .map_or("unknown", |(_, name, _)| name)
    }

    /// The default help text.
    pub fn description(self) -> &'static str {
        ACTION_NAMES
            .iter()
            .find(|(action, _, _)| *action == self)
            .map_or("", |(_, _, description)| description)
    }

    /// The action a keymap name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        ACTION_NAMES
            .iter()
            .find(|(_, known, _)| *known == name)
            .map(|(action, _, _)| *action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (action, name, _) in ACTION_NAMES {
            assert_eq!(Action::from_name(name), Some(action));
            assert_eq!(action.name(), name);
            assert!(seen.insert(name), "{name} listed twice");
        }
    }
}
