//! Side conversations: internal threads a teammate starts from a conversation in Intercom's
//! inbox. The API only lists them (`GET /conversations/{id}/side_conversations`), so an
//! operator (or a test) writes them here.

use clap::Subcommand;
use serde_json::json;

use super::{CliError, print_json, workspace_id};
use crate::store::{Store, StoreError};

#[derive(Subcommand, Debug)]
pub enum SideConversationCommand {
    /// Start a side conversation from a conversation with an admin's message, or (with
    /// --side) add the message to one; prints the side conversation's id as JSON.
    Write {
        #[arg(long)]
        workspace: String,
        /// The conversation's id.
        #[arg(long)]
        conversation: i64,
        /// The side conversation to add to (by default a new one is started).
        #[arg(long)]
        side: Option<i64>,
        /// The admin who writes.
        #[arg(long)]
        admin: i64,
        /// The message, as HTML.
        #[arg(long)]
        body: String,
    },
}

pub(super) async fn side_conversation(
    store: &Store,
    command: SideConversationCommand,
) -> Result<(), CliError> {
    let SideConversationCommand::Write { workspace, conversation, side, admin, body } = command;
    let ws = workspace_id(store, &workspace).await?;
    if body.trim().is_empty() {
        return Err(CliError::Usage("--body must not be empty".into()));
    }
    match store.write_side_conversation(ws, conversation, side, admin, &body).await {
        Ok(id) => {
            print_json(&json!({"side_conversation_id": id.to_string()}));
            Ok(())
        }
        Err(StoreError::NotFound(missing)) => Err(CliError::Usage(missing.message().to_owned())),
        Err(err) => Err(err.into()),
    }
}
