//! ANALYZE: the first runbook's remedy for a query slowed by a plan built on stale statistics
//! (Monitoring 2, step 5: `ANALYZE` the table, or the database). It changes no data: it
//! samples rows and rewrites the planner's statistics.
//!
//! PostgreSQL 15 documentation, "ANALYZE": it takes a SHARE UPDATE EXCLUSIVE lock (reads and
//! writes go on; VACUUM, DDL and another ANALYZE of the table wait), reads a random sample of
//! 300 × `default_statistics_target` rows per table, and without a table list analyzes every
//! table of the database the role may analyze, each in its own transaction. "To analyze a
//! table, one must ordinarily be the table's owner or a superuser. However, database owners
//! are allowed to analyze all tables in their databases, except shared catalogs"; other
//! tables are skipped with a WARNING, not an error (PostgreSQL 17 asks for the MAINTAIN
//! privilege instead). So the executor counts what was analyzed rather than trusting success.

use serde::{Deserialize, Serialize};

use super::{ActionContext, ActionRequest, Change, Proposal, Risk, apply_environment_risk};

/// A table by schema and name, as `pg_stat_user_tables` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableName {
    pub schema: String,
    pub name: String,
}

impl TableName {
    /// `"schema"."name"`, each part quoted as an identifier (PostgreSQL 15 documentation,
    /// "Lexical Structure", quoted identifiers: a double quote inside is written twice).
    pub fn quoted(&self) -> String {
        format!(
            "{}.{}",
            quote_identifier(&self.schema),
            quote_identifier(&self.name)
        )
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The statement for `table`, or for the whole database.
pub fn statement(table: Option<&TableName>) -> String {
    match table {
        Some(table) => format!("ANALYZE {}", table.quoted()),
        None => "ANALYZE".to_owned(),
    }
}

/// The role it needs, as the dialog names it.
pub const PERMISSION: &str = "owner of the table, owner of the database, or superuser \
(PostgreSQL 17 and later: the MAINTAIN privilege or pg_maintain); tables the role may not \
analyze are skipped, and the outcome says which";

/// Proposes `ANALYZE` of `table` (or of every table) in `database`.
pub fn propose(
    id: u64,
    database: &str,
    table: Option<TableName>,
    context: &ActionContext,
) -> Proposal {
    let (target, scope) = match &table {
        Some(table) => (table.to_string(), format!("table {table}")),
        None => (database.to_owned(), format!("every table of {database}")),
    };
    let proposal = Proposal {
        id,
        title: "ANALYZE".to_owned(),
        environment: context.environment.clone(),
        target: target.clone(),
        changes: vec![Change::new(
            format!("planner statistics of {scope}"),
            "as last analyzed",
            "sampled now",
        )],
        affected: Vec::new(),
        risk: Risk::Low,
        risk_reasons: vec![
            "reads a sample of each table's rows (I/O on a busy server)".to_owned(),
            "SHARE UPDATE EXCLUSIVE lock: reads and writes go on, VACUUM and DDL wait".to_owned(),
            "plans may change once the statistics do".to_owned(),
        ],
        permission: PERMISSION.to_owned(),
        call: statement(table.as_ref()),
        typed_confirmation: None,
        request: ActionRequest::Analyze {
            database: database.to_owned(),
            table,
        },
    };
    apply_environment_risk(proposal, context, &target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(production: bool) -> ActionContext {
        ActionContext {
            environment: "prod".to_owned(),
            production,
            allow_superuser_termination: false,
        }
    }

    #[test]
    fn identifiers_are_quoted_so_a_name_can_never_become_sql() {
        let table = TableName {
            schema: "public".to_owned(),
            name: "weird\"; DROP TABLE x; --".to_owned(),
        };
        assert_eq!(
            statement(Some(&table)),
            r#"ANALYZE "public"."weird""; DROP TABLE x; --""#
        );
        assert_eq!(statement(None), "ANALYZE");
    }

    #[test]
    fn a_table_or_the_database_is_proposed_low_risk_and_typed_in_production() {
        let orders = TableName {
            schema: "public".to_owned(),
            name: "orders".to_owned(),
        };
        let proposal = propose(1, "basecoat_db", Some(orders.clone()), &context(false));
        assert_eq!(proposal.target, "public.orders");
        assert_eq!(proposal.call, r#"ANALYZE "public"."orders""#);
        assert_eq!(proposal.risk, Risk::Low);
        assert_eq!(proposal.typed_confirmation, None);
        assert_eq!(
            proposal.request,
            ActionRequest::Analyze {
                database: "basecoat_db".to_owned(),
                table: Some(orders),
            }
        );
        let whole = propose(2, "basecoat_db", None, &context(true));
        assert_eq!(whole.call, "ANALYZE");
        assert_eq!(whole.risk, Risk::High);
        assert_eq!(whole.typed_confirmation.as_deref(), Some("basecoat_db"));
        assert!(whole.changes[0].what.contains("every table of basecoat_db"));
    }
}
