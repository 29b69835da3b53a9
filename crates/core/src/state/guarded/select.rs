//! What a guarded action acts on: the focused group, service or session, found in the
//! latest data, and the context and numbering every proposal shares.

use super::super::guard::ConfirmDialog;
use super::super::{PaneId, State};
use crate::action::{ActionContext, Proposal};
use crate::config::InputMode;
use crate::model::{AutoScalingGroup, EcsService, RdsInstance, SourceErrorKind, SourceKind};

pub(super) fn context(state: &State) -> ActionContext {
    ActionContext {
        environment: state.environment.name.clone(),
        production: state.environment.production,
        allow_superuser_termination: state.environment.allow_superuser_termination,
    }
}

pub(super) fn next_id(state: &mut State) -> u64 {
    state.guarded.next_proposal_id += 1;
    state.guarded.next_proposal_id
}

pub(super) fn open_dialog(state: &mut State, proposal: Result<Proposal, String>) {
    match proposal {
        Ok(proposal) => {
            state.guarded.dialog = Some(ConfirmDialog::new(proposal));
            state.mode = InputMode::Confirm;
        }
        Err(message) => state.notice = Some(message),
    }
}

/// The group the Auto Scaling pane's selection belongs to (the first group if none).
pub(super) fn focused_group(state: &State) -> Result<AutoScalingGroup, String> {
    if state.focus != PaneId::AutoScaling {
        return Err("focus Auto Scaling (1) for instance refresh actions".to_owned());
    }
    let selected = selected_id(state, PaneId::AutoScaling);
    let groups = &state.data.auto_scaling;
    selected
        .and_then(|id| {
            groups
                .iter()
                .find(|g| g.instances.iter().any(|i| i.id == id))
        })
        .or_else(|| groups.first())
        .cloned()
        .ok_or_else(|| "no Auto Scaling group has been read yet".to_owned())
}

/// The id of the selected row of `pane`.
fn selected_id(state: &State, pane: PaneId) -> Option<String> {
    state.pane(pane).table.selected().map(|row| row.id.clone())
}

/// The group named `name` in the latest data.
pub(super) fn group_named<'a>(
    state: &'a State,
    name: &str,
) -> Result<&'a AutoScalingGroup, String> {
    state
        .data
        .auto_scaling
        .iter()
        .find(|group| group.name == name)
        .ok_or_else(|| format!("group {name} is no longer in the data"))
}

/// The RDS instance named `name` in the latest data (cloned: a proposal outlives the read).
pub(super) fn rds_instance_named(state: &State, name: &str) -> Result<RdsInstance, String> {
    state
        .data
        .rds
        .instances
        .iter()
        .find(|instance| instance.identifier == name)
        .cloned()
        .ok_or_else(|| format!("RDS instance {name} is no longer in the data"))
}

/// The instance `P` snapshots: the first configured one (not a replica) the RDS API has
/// described, when the PostgreSQL pane has the focus.
pub(super) fn snapshot_target(state: &State) -> Result<RdsInstance, String> {
    if state.focus != PaneId::Postgres {
        return Err("focus PostgreSQL (7): P snapshots its RDS instance".to_owned());
    }
    let status = state.source(SourceKind::Rds);
    if let Some(error) = &status.error
        && error.kind == SourceErrorKind::NotConfigured
    {
        return Err(format!("no RDS instance to snapshot: {}", error.message));
    }
    state
        .data
        .rds
        .instances
        .iter()
        .find(|instance| instance.replica_of.is_none())
        .cloned()
        .ok_or_else(|| "the RDS instance has not been read yet; wait for its first poll".to_owned())
}

/// The ECS service named `name` in the latest data.
pub(super) fn service_named<'a>(state: &'a State, name: &str) -> Result<&'a EcsService, String> {
    state
        .data
        .ecs
        .iter()
        .find(|service| service.name == name)
        .ok_or_else(|| format!("service {name} is no longer in the data"))
}

pub(super) fn focused_service(state: &State) -> Result<EcsService, String> {
    let selected = selected_id(state, PaneId::Ecs);
    selected
        .and_then(|id| {
            state
                .data
                .ecs
                .iter()
                .find(|s| format!("{}/{}", s.cluster, s.name) == id)
        })
        .cloned()
        .ok_or_else(|| "select an ECS service first".to_owned())
}

pub(super) fn selected_session(state: &State) -> Result<crate::model::DbSession, String> {
    if state.focus != PaneId::Postgres {
        return Err("focus PostgreSQL (7) and select a session first".to_owned());
    }
    if !state.pg_view.rows_are_sessions() {
        return Err(format!(
            "the {} view lists no sessions: press v for sessions, active, idle or blocking",
            state.pg_view.label()
        ));
    }
    let selected = selected_id(state, PaneId::Postgres);
    selected
        .and_then(|id| {
            state
                .data
                .database
                .sessions
                .iter()
                .find(|s| s.pid.to_string() == id)
        })
        .cloned()
        .ok_or_else(|| "select a session first".to_owned())
}

/// What `A` analyzes: the table selected in the table sizes view, else the whole database
/// the monitoring connects to.
pub(super) fn analyze_target(
    state: &State,
) -> Result<(String, Option<crate::action::analyze::TableName>), String> {
    if state.focus != PaneId::Postgres {
        return Err("focus PostgreSQL (7): A analyzes the database, or in the table sizes view (v) the selected table".to_owned());
    }
    let database = state
        .environment
        .database
        .clone()
        .ok_or_else(|| "no PostgreSQL configured: set postgres_url_env".to_owned())?;
    if state.pg_view != crate::state::panes::postgres::PgView::Tables {
        return Ok((database, None));
    }
    let selected = selected_id(state, PaneId::Postgres).ok_or_else(|| {
        "select a table first (or leave the table sizes view to analyze the database)".to_owned()
    })?;
    let table = state
        .data
        .table_sizes
        .iter()
        .flat_map(|(tables, _)| tables)
        .find(|table| table.qualified_name() == selected)
        .ok_or_else(|| "select a table first".to_owned())?;
    Ok((
        database,
        Some(crate::action::analyze::TableName {
            schema: table.schema.clone(),
            name: table.name.clone(),
        }),
    ))
}
