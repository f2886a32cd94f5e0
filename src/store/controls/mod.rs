//! Storage of the development controls: resetting a workspace's data, and snapshots of it.
//!
//! [`WORKSPACE_DATA`] is the one list of the tables that hold a workspace's data, parents
//! before children. Reset deletes from them (children first), a snapshot copies them, a
//! restore deletes and then reinserts them (parents first). A table added by a migration goes
//! in this list, or in [`KEPT`] or [`DERIVED`]; `every_table_is_listed` (tests/api/snapshots.rs)
//! fails until it is.

mod copy;
mod snapshots;

pub use copy::set_chunk_rows;

use serde_json::{Map, Value};

use crate::store::{Backend, Exec, Store, StoreResult};

/// How a table's rows belong to a workspace.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// By its own `workspace_id`.
    Workspace,
    /// Through a parent listed before it: `column` holds the parent's `id`. Also for a table
    /// with a `workspace_id` whose indexes lead with the parent's id instead.
    Through { column: &'static str, parent: &'static str },
}

#[derive(Debug, Clone, Copy)]
pub struct Owned {
    pub table: &'static str,
    pub scope: Scope,
}

const fn ws(table: &'static str) -> Owned {
    Owned { table, scope: Scope::Workspace }
}

const fn through(table: &'static str, column: &'static str, parent: &'static str) -> Owned {
    Owned { table, scope: Scope::Through { column, parent } }
}

/// The workspace's data, each table after every table it references.
pub const WORKSPACE_DATA: &[Owned] = &[
    ws("help_centers"),
    ws("brands"),
    ws("email_settings"),
    ws("collections"),
    ws("articles"),
    through("article_contents", "article_id", "articles"),
    ws("tags"),
    ws("segments"),
    ws("subscription_types"),
    ws("data_attributes"),
    ws("plans"),
    ws("companies"),
    ws("company_scrolls"),
    through("company_tags", "company_id", "companies"),
    ws("contacts"),
    through("contact_tags", "contact_id", "contacts"),
    through("contact_companies", "contact_id", "contacts"),
    through("contact_subscriptions", "contact_id", "contacts"),
    through("contact_merges", "contact_id", "contacts"),
    ws("notes"),
    ws("events"),
    ws("event_summaries"),
    ws("ticket_types"),
    ws("ticket_type_attributes"),
    ws("ticket_states"),
    ws("conversations"),
    through("conversation_contacts", "conversation_id", "conversations"),
    through("conversation_parts", "conversation_id", "conversations"),
    through("conversation_tags", "conversation_id", "conversations"),
    through("conversation_words", "conversation_id", "conversations"),
    through("conversation_merges", "primary_id", "conversations"),
    through("side_conversations", "conversation_id", "conversations"),
    through("side_conversation_parts", "side_conversation_id", "side_conversations"),
    through("part_uploads", "part_id", "conversation_parts"),
    through("messages", "conversation_id", "conversations"),
    ws("tickets"),
    ws("ticket_links"),
    ws("ticket_jobs"),
    ws("whatsapp_messages"),
    ws("phone_call_redirects"),
    ws("deleted_conversations"),
    ws("visitors"),
    ws("newsfeeds"),
    ws("news_items"),
    through("newsfeed_assignments", "news_item_id", "news_items"),
    ws("content_exports"),
    ws("away_status_reasons"),
    ws("away_status_settings"),
    ws("assignment_rules"),
    ws("assignment_turns"),
    ws("activity_logs"),
    // The outbox: a reset drops undelivered notifications with the data that caused them.
    ws("notifications"),
    ws("webhook_deliveries"),
    // Faults are test state: a reset removes them; a snapshot keeps the ones set when it was taken.
    ws("faults"),
];

/// Workspace-scoped tables that reset and restore leave alone: the workspace, its people and
/// credentials, its webhook subscriptions (set up like its token), the rate limiter's windows,
/// the workspace's clock (a test's setting, like its token: a reset or restore does not move
/// time), the snapshots themselves, and the versions of contacts that remembered search counts
/// are checked against (`search::counts`: a version must never come back).
pub const KEPT: &[&str] = &[
    "contact_search_versions",
    "workspaces",
    "admins",
    "teams",
    "team_admins",
    "access_tokens",
    "rate_limit_windows",
    "workspace_clocks",
    "webhook_subscriptions",
    "snapshots",
    "snapshot_tables",
];

/// Tables that triggers keep from the tables above (SQLite's full-text index of contacts, the
/// typed index of custom attributes).
pub const DERIVED: &[&str] = &[
    "contacts_fts",
    "contacts_fts_config",
    "contacts_fts_data",
    "contacts_fts_docsize",
    "contacts_fts_idx",
    "custom_attribute_values",
];

/// The SQL condition selecting a table's rows of the workspace bound at `param` (`$1`, `?1`).
fn scope(owned: &Owned, param: &str) -> String {
    match owned.scope {
        Scope::Workspace => format!("workspace_id = {param}"),
        Scope::Through { column, parent } => {
            let parent = WORKSPACE_DATA
                .iter()
                .find(|o| o.table == parent)
                .expect("a table's parent is in WORKSPACE_DATA");
            format!("{column} IN (SELECT id FROM {} WHERE {})", parent.table, scope(parent, param))
        }
    }
}

fn param(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "?1",
        Backend::Postgres => "$1",
    }
}

/// Rows per table, in the registry's order.
pub type Counts = Map<String, Value>;

/// Deletes the workspace's data, children first; returns what each table lost.
async fn delete_data(db: &mut impl Exec, workspace_id: i64) -> StoreResult<Counts> {
    let p = param(db.backend());
    let mut deleted = Vec::with_capacity(WORKSPACE_DATA.len());
    for owned in WORKSPACE_DATA.iter().rev() {
        let sql = format!("DELETE FROM {} WHERE {}", owned.table, scope(owned, p));
        deleted.push((owned.table, copy::execute(db, &sql, workspace_id).await?));
    }
    Ok(deleted.into_iter().rev().map(|(table, n)| (table.to_owned(), Value::from(n))).collect())
}

impl Store {
    /// `POST /_switchboard/reset`: every row of [`WORKSPACE_DATA`] of the workspace, in one
    /// transaction.
    pub async fn reset_workspace(&self, workspace_id: i64) -> StoreResult<Counts> {
        let mut tx = self.begin().await?;
        let deleted = delete_data(&mut tx, workspace_id).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Every table of the database (not the migrator's or the engine's own), for the test
    /// that each is in [`WORKSPACE_DATA`], [`KEPT`] or [`DERIVED`].
    pub async fn table_names(&self) -> StoreResult<Vec<String>> {
        let mut conn = self.conn().await?;
        copy::table_names(&mut conn).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_is_listed_once_and_after_its_parent() {
        for (i, owned) in WORKSPACE_DATA.iter().enumerate() {
            assert!(
                !WORKSPACE_DATA[..i].iter().any(|o| o.table == owned.table),
                "{} is listed twice",
                owned.table
            );
            assert!(!KEPT.contains(&owned.table) && !DERIVED.contains(&owned.table), "{}", owned.table);
            if let Scope::Through { parent, .. } = owned.scope {
                assert!(
                    WORKSPACE_DATA[..i].iter().any(|o| o.table == parent),
                    "{} before {parent}",
                    owned.table
                );
            }
        }
    }

    #[test]
    fn rows_owned_through_a_parent_are_selected_through_its_workspace() {
        let parts = WORKSPACE_DATA.iter().find(|o| o.table == "side_conversation_parts").unwrap();
        assert_eq!(
            scope(parts, "$1"),
            "side_conversation_id IN (SELECT id FROM side_conversations WHERE \
             conversation_id IN (SELECT id FROM conversations WHERE workspace_id = $1))"
        );
    }
}
