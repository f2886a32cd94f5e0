//! Webhook subscriptions: Intercom sets them in its Developer Hub; here the operator does.

use clap::Subcommand;
use serde_json::json;

use super::{CliError, print_json};
use crate::domain::pages::List;
use crate::domain::webhook;
use crate::store::{Store, StoreError};

#[derive(Subcommand, Debug)]
pub enum WebhookCommand {
    /// Subscribe a URL to topics; prints the subscription. It is sent a `ping` at once.
    Create {
        /// The workspace's id (as printed by `workspace create`).
        #[arg(long)]
        workspace: String,
        /// Where notifications are POSTed (http or https).
        #[arg(long)]
        url: String,
        /// Topics, comma-separated (docs/webhooks.md lists them).
        #[arg(long, value_delimiter = ',', required = true)]
        topics: Vec<String>,
        /// The version the items are shaped for (default: the workspace's).
        #[arg(long)]
        api_version: Option<String>,
    },
    /// List a workspace's subscriptions.
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Delete a subscription and its deliveries.
    Delete {
        #[arg(long)]
        workspace: String,
        /// The subscription's id.
        #[arg(long)]
        id: i64,
    },
}

pub(super) async fn webhook(store: &Store, command: WebhookCommand) -> Result<(), CliError> {
    let workspace = match command {
        WebhookCommand::Create { ref workspace, .. }
        | WebhookCommand::List { ref workspace }
        | WebhookCommand::Delete { ref workspace, .. } => workspace.clone(),
    };
    let ws = match store.workspace_by_code(&workspace).await {
        Err(StoreError::NotFound(_)) => return Err(CliError::Usage(format!("no workspace {workspace}"))),
        other => other?,
    };
    match command {
        WebhookCommand::Create { url, topics, api_version, .. } => {
            let new = webhook::new_subscription(&url, &topics, api_version.as_deref(), ws.default_version)
                .map_err(|rejection| CliError::Usage(rejection.message))?;
            print_json(&store.create_webhook(ws.id, &new).await?);
        }
        WebhookCommand::List { .. } => print_json(&List::new(store.list_webhooks(ws.id).await?)),
        WebhookCommand::Delete { id, .. } => match store.delete_webhook(ws.id, id).await {
            Err(StoreError::NotFound(_)) => {
                return Err(CliError::Usage(format!("no webhook subscription {id}")));
            }
            deleted => {
                print_json(&json!({"type": "webhook_subscription", "id": deleted?.id, "deleted": true}))
            }
        },
    }
    Ok(())
}
