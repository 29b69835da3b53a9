//! What a key can do: the one vocabulary of user actions. Each action's keymap name, help
//! text and keymap section are one exhaustive match (`Action::spec`); the keymap sections,
//! the help overlay and the README's key table are derived from it, and the shipped keymaps
//! bind keys only. Below the configuration (which binds keys to these) and the messages
//! (which carry them).

/// A named thing a key can do. Keymap files use the snake_case names from [`Action::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    // [global]
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
    ToggleChecklist,
    ToggleWarRoom,
    DeclareIncident,
    AddNote,
    ShowMessages,
    ResolveIncident,
    ShowEstate,
    // [pane]
    SelectUp,
    SelectDown,
    PageUp,
    PageDown,
    SelectFirst,
    SelectLast,
    SortNextColumn,
    SortReverse,
    ClearFilter,
    CycleView,
    RangeLonger,
    RangeShorter,
    ToggleWeekOverWeek,
    EditDesired,
    CancelQuery,
    TerminateBackend,
    TerminateLongQueries,
    TerminateIdleSessions,
    Analyze,
    CreateDbSnapshot,
    StartInstanceRefresh,
    CancelInstanceRefresh,
    RollBack,
    EditMax,
    ForceDeployment,
    UndoLastAction,
    // [filter]
    FilterApply,
    FilterCancel,
    FilterDeleteChar,
    // [help]
    CloseHelp,
    HelpScrollUp,
    HelpScrollDown,
    // [dialog]
    DialogConfirm,
    DialogCancel,
    DialogSwitchButton,
    DialogPress,
    DialogDeleteChar,
    // [prompt]
    PromptSubmit,
    PromptCancel,
    PromptDeleteChar,
    PromptToggle,
    // [checklist]
    CloseChecklist,
    ChecklistUp,
    ChecklistDown,
    ChecklistJump,
    // [form]
    FormSubmit,
    FormCancel,
    FormNextField,
    FormDeleteChar,
    FormChoiceUp,
    FormChoiceDown,
    // [messages]
    CloseMessages,
    NextMessage,
    CopyMessage,
}

/// The keymap sections; each holds a fixed set of actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Global,
    Pane,
    Filter,
    Help,
    Dialog,
    Prompt,
    Checklist,
    Form,
    Messages,
}

impl Section {
    /// Every section, in file order.
    pub const ALL: [Section; 9] = [
        Self::Global,
        Self::Pane,
        Self::Filter,
        Self::Help,
        Self::Dialog,
        Self::Prompt,
        Self::Checklist,
        Self::Form,
        Self::Messages,
    ];

    /// The `[section]` name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Pane => "pane",
            Self::Filter => "filter",
            Self::Help => "help",
            Self::Dialog => "dialog",
            Self::Prompt => "prompt",
            Self::Checklist => "checklist",
            Self::Form => "form",
            Self::Messages => "messages",
        }
    }

    /// The actions this section may bind, in help order.
    pub fn actions(self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|action| action.section() == self)
            .collect()
    }

    /// Sections whose keys are live at the same time: a key may be bound once across them.
    pub fn layer(self) -> u8 {
        match self {
            Self::Global | Self::Pane => 0,
            Self::Filter => 1,
            Self::Help => 2,
            Self::Dialog => 3,
            Self::Prompt => 4,
            Self::Checklist => 5,
            Self::Form => 6,
            Self::Messages => 7,
        }
    }
}

impl Action {
    /// Every action, in the order the keymap sections and the help list them.
    pub const ALL: [Self; 78] = [
        Self::Quit,
        Self::ToggleHelp,
        Self::FocusNext,
        Self::FocusPrevious,
        Self::FocusAutoScaling,
        Self::FocusTargets,
        Self::FocusMetrics,
        Self::FocusAlarms,
        Self::FocusLogs,
        Self::FocusEcs,
        Self::FocusPostgres,
        Self::ToggleZoom,
        Self::TogglePause,
        Self::RefreshNow,
        Self::IntervalLonger,
        Self::IntervalShorter,
        Self::StartFilter,
        Self::ToggleChecklist,
        Self::ToggleWarRoom,
        Self::DeclareIncident,
        Self::AddNote,
        Self::ShowMessages,
        Self::ResolveIncident,
        Self::ShowEstate,
        Self::SelectUp,
        Self::SelectDown,
        Self::PageUp,
        Self::PageDown,
        Self::SelectFirst,
        Self::SelectLast,
        Self::SortNextColumn,
        Self::SortReverse,
        Self::ClearFilter,
        Self::CycleView,
        Self::RangeLonger,
        Self::RangeShorter,
        Self::ToggleWeekOverWeek,
        Self::EditDesired,
        Self::CancelQuery,
        Self::TerminateBackend,
        Self::TerminateLongQueries,
        Self::TerminateIdleSessions,
        Self::Analyze,
        Self::CreateDbSnapshot,
        Self::StartInstanceRefresh,
        Self::CancelInstanceRefresh,
        Self::RollBack,
        Self::EditMax,
        Self::ForceDeployment,
        Self::UndoLastAction,
        Self::FilterApply,
        Self::FilterCancel,
        Self::FilterDeleteChar,
        Self::CloseHelp,
        Self::HelpScrollUp,
        Self::HelpScrollDown,
        Self::DialogConfirm,
        Self::DialogCancel,
        Self::DialogSwitchButton,
        Self::DialogPress,
        Self::DialogDeleteChar,
        Self::PromptSubmit,
        Self::PromptCancel,
        Self::PromptDeleteChar,
        Self::PromptToggle,
        Self::CloseChecklist,
        Self::ChecklistUp,
        Self::ChecklistDown,
        Self::ChecklistJump,
        Self::FormSubmit,
        Self::FormCancel,
        Self::FormNextField,
        Self::FormDeleteChar,
        Self::FormChoiceUp,
        Self::FormChoiceDown,
        Self::CloseMessages,
        Self::NextMessage,
        Self::CopyMessage,
    ];

    /// The keymap name, the default help text and the section of this action: one
    /// exhaustive match, so an action without any of them does not compile.
    const fn spec(self) -> (&'static str, &'static str, Section) {
        match self {
            Self::Quit => ("quit", "Quit opsdeck", Section::Global),
            Self::ToggleHelp => ("toggle_help", "Show or hide the help", Section::Global),
            Self::FocusNext => ("focus_next", "Focus the next pane", Section::Global),
            Self::FocusPrevious => ("focus_previous", "Focus the previous pane", Section::Global),
            Self::FocusAutoScaling => ("focus_auto_scaling", "Focus Auto Scaling", Section::Global),
            Self::FocusTargets => ("focus_targets", "Focus Targets", Section::Global),
            Self::FocusMetrics => ("focus_metrics", "Focus Metrics", Section::Global),
            Self::FocusAlarms => ("focus_alarms", "Focus Alarms", Section::Global),
            Self::FocusLogs => ("focus_logs", "Focus Logs", Section::Global),
            Self::FocusEcs => ("focus_ecs", "Focus ECS", Section::Global),
            Self::FocusPostgres => ("focus_postgres", "Focus PostgreSQL", Section::Global),
            Self::ToggleZoom => (
                "toggle_zoom",
                "Zoom the focused pane / back",
                Section::Global,
            ),
            Self::TogglePause => ("toggle_pause", "Pause or resume polling", Section::Global),
            Self::RefreshNow => ("refresh_now", "Refresh every pane now", Section::Global),
            Self::IntervalLonger => ("interval_longer", "Poll less often", Section::Global),
            Self::IntervalShorter => ("interval_shorter", "Poll more often", Section::Global),
            Self::StartFilter => ("start_filter", "Filter the focused pane", Section::Global),
            Self::ToggleChecklist => (
                "toggle_checklist",
                "Show the health checklist (the 9 AM check)",
                Section::Global,
            ),
            Self::ToggleWarRoom => (
                "toggle_war_room",
                "War room: big numbers, incident clock, timeline / back to the panes",
                Section::Global,
            ),
            Self::DeclareIncident => (
                "declare_incident",
                "Declare an incident (SEV-1/2/3, title)",
                Section::Global,
            ),
            Self::AddNote => (
                "add_note",
                "Add a note to the incident timeline",
                Section::Global,
            ),
            Self::ShowMessages => (
                "show_messages",
                "The incident's messages: notification, status update, resolution",
                Section::Global,
            ),
            Self::ResolveIncident => (
                "resolve_incident",
                "Resolve the incident (root cause, prevention)",
                Section::Global,
            ),
            Self::ShowEstate => (
                "show_estate",
                "Back to the estate it was opened from",
                Section::Global,
            ),
            Self::SelectUp => ("select_up", "Select the row above", Section::Pane),
            Self::SelectDown => ("select_down", "Select the row below", Section::Pane),
            Self::PageUp => ("page_up", "Page up", Section::Pane),
            Self::PageDown => ("page_down", "Page down", Section::Pane),
            Self::SelectFirst => ("select_first", "First row", Section::Pane),
            Self::SelectLast => ("select_last", "Last row", Section::Pane),
            Self::SortNextColumn => ("sort_next_column", "Sort by the next column", Section::Pane),
            Self::SortReverse => ("sort_reverse", "Reverse the sort order", Section::Pane),
            Self::ClearFilter => ("clear_filter", "Clear the filter", Section::Pane),
            Self::CycleView => (
                "cycle_view",
                "Next view: PostgreSQL (sessions, active, idle, hogs, blocking, table sizes, top SQL, wait events, Performance Insights) or Alarms (now, overnight)",
                Section::Pane,
            ),
            Self::RangeLonger => (
                "range_longer",
                "Metrics: a longer time range (1h, 3h, 12h, 24h, 7d)",
                Section::Pane,
            ),
            Self::RangeShorter => (
                "range_shorter",
                "Metrics: a shorter time range",
                Section::Pane,
            ),
            Self::ToggleWeekOverWeek => (
                "toggle_week_over_week",
                "Metrics: compare with the same window a week earlier",
                Section::Pane,
            ),
            Self::EditDesired => (
                "edit_desired",
                "Set desired capacity (Auto Scaling) or count (ECS)",
                Section::Pane,
            ),
            Self::CancelQuery => (
                "cancel_query",
                "Cancel the selected session's query",
                Section::Pane,
            ),
            Self::TerminateBackend => (
                "terminate_backend",
                "Terminate the selected backend",
                Section::Pane,
            ),
            Self::TerminateLongQueries => (
                "terminate_long_queries",
                "Terminate queries running longer than the limit",
                Section::Pane,
            ),
            Self::TerminateIdleSessions => (
                "terminate_idle_sessions",
                "Terminate sessions idle longer than the limit",
                Section::Pane,
            ),
            Self::Analyze => (
                "analyze",
                "ANALYZE the selected table (table sizes view) or the whole database",
                Section::Pane,
            ),
            Self::CreateDbSnapshot => (
                "create_db_snapshot",
                "Create a manual snapshot of the RDS instance (named as the runbook does)",
                Section::Pane,
            ),
            Self::StartInstanceRefresh => (
                "start_instance_refresh",
                "Start an instance refresh",
                Section::Pane,
            ),
            Self::CancelInstanceRefresh => (
                "cancel_instance_refresh",
                "Cancel the instance refresh",
                Section::Pane,
            ),
            Self::RollBack => (
                "roll_back",
                "Roll back to an earlier launch template version",
                Section::Pane,
            ),
            Self::EditMax => (
                "edit_max",
                "Set the group's max size (raising max is its own change)",
                Section::Pane,
            ),
            Self::ForceDeployment => (
                "force_deployment",
                "Force a new deployment of the ECS service",
                Section::Pane,
            ),
            Self::UndoLastAction => (
                "undo_last_action",
                "Propose undoing the last change",
                Section::Pane,
            ),
            Self::FilterApply => ("filter_apply", "Keep the filter", Section::Filter),
            Self::FilterCancel => (
                "filter_cancel",
                "Drop the filter being typed",
                Section::Filter,
            ),
            Self::FilterDeleteChar => ("filter_delete_char", "Delete a character", Section::Filter),
            Self::CloseHelp => ("close_help", "Close the help", Section::Help),
            Self::HelpScrollUp => ("help_scroll_up", "Scroll up", Section::Help),
            Self::HelpScrollDown => ("help_scroll_down", "Scroll down", Section::Help),
            Self::DialogConfirm => ("dialog_confirm", "Confirm the change", Section::Dialog),
            Self::DialogCancel => ("dialog_cancel", "Cancel: change nothing", Section::Dialog),
            Self::DialogSwitchButton => (
                "dialog_switch_button",
                "Move between Cancel and Confirm",
                Section::Dialog,
            ),
            Self::DialogPress => ("dialog_press", "Press the focused button", Section::Dialog),
            Self::DialogDeleteChar => (
                "dialog_delete_char",
                "Delete a typed character",
                Section::Dialog,
            ),
            Self::PromptSubmit => ("prompt_submit", "Propose the value typed", Section::Prompt),
            Self::PromptCancel => ("prompt_cancel", "Cancel", Section::Prompt),
            Self::PromptDeleteChar => ("prompt_delete_char", "Delete a character", Section::Prompt),
            Self::PromptToggle => (
                "prompt_toggle",
                "Switch the option shown (honor cooldown)",
                Section::Prompt,
            ),
            Self::CloseChecklist => ("close_checklist", "Close the checklist", Section::Checklist),
            Self::ChecklistUp => ("checklist_up", "Previous check", Section::Checklist),
            Self::ChecklistDown => ("checklist_down", "Next check", Section::Checklist),
            Self::ChecklistJump => (
                "checklist_jump",
                "Go to the pane that holds the check's evidence",
                Section::Checklist,
            ),
            Self::FormSubmit => ("form_submit", "Submit", Section::Form),
            Self::FormCancel => ("form_cancel", "Cancel: record nothing", Section::Form),
            Self::FormNextField => ("form_next_field", "Next field", Section::Form),
            Self::FormDeleteChar => ("form_delete_char", "Delete a character", Section::Form),
            Self::FormChoiceUp => ("form_choice_up", "Previous severity", Section::Form),
            Self::FormChoiceDown => ("form_choice_down", "Next severity", Section::Form),
            Self::CloseMessages => ("close_messages", "Close the messages", Section::Messages),
            Self::NextMessage => ("next_message", "Next message", Section::Messages),
            Self::CopyMessage => (
                "copy_message",
                "Copy (OSC 52) and save beside the incident",
                Section::Messages,
            ),
        }
    }

    /// The snake_case name used in keymap files.
    pub const fn name(self) -> &'static str {
        self.spec().0
    }

    /// The default help text.
    pub const fn description(self) -> &'static str {
        self.spec().1
    }

    /// The keymap section that binds this action.
    pub const fn section(self) -> Section {
        self.spec().2
    }

    /// The action a keymap name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(action));
            assert!(seen.insert(action.name()), "{} listed twice", action.name());
            assert!(
                !action.description().is_empty(),
                "{action:?} has no help text"
            );
        }
    }

    #[test]
    fn every_section_binds_its_own_actions_in_declaration_order() {
        let listed: Vec<Action> = Section::ALL.iter().flat_map(|s| s.actions()).collect();
        assert_eq!(listed, Action::ALL);
    }
}
