//! `switchboard visitor create`: a visitor as Intercom's Messenger would make one (Switchboard
//! has no Messenger), to be read, updated and converted through the API.

use clap::Subcommand;

use super::{CliError, print_json, workspace_id};
use crate::domain::visitor::NewVisitor;
use crate::store::{Store, StoreError};

#[derive(Subcommand, Debug)]
pub enum VisitorCommand {
    /// Create a visitor; prints it as `GET /visitors` answers it.
    Create {
        #[arg(long)]
        workspace: String,
        /// The visitor's `user_id` (a UUID is made when absent).
        #[arg(long)]
        user_id: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// The page the visitor came from.
        #[arg(long)]
        referrer: Option<String>,
        #[arg(long)]
        utm_campaign: Option<String>,
        #[arg(long)]
        utm_content: Option<String>,
        #[arg(long)]
        utm_medium: Option<String>,
        #[arg(long)]
        utm_source: Option<String>,
        #[arg(long)]
        utm_term: Option<String>,
        /// A JSON object of contact custom attributes, e.g. '{"plan": "pro"}'.
        #[arg(long)]
        custom_attributes: Option<String>,
    },
}

pub(super) async fn visitor(store: &Store, command: VisitorCommand) -> Result<(), CliError> {
    let VisitorCommand::Create {
        workspace,
        user_id,
        email,
        phone,
        name,
        referrer,
        utm_campaign,
        utm_content,
        utm_medium,
        utm_source,
        utm_term,
        custom_attributes,
    } = command;
    let ws = workspace_id(store, &workspace).await?;
    let custom_attributes = match custom_attributes {
        None => None,
        Some(text) => match serde_json::from_str(&text) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => return Err(CliError::Usage("--custom-attributes must be a JSON object".into())),
        },
    };
    let new = NewVisitor {
        user_id,
        email,
        phone,
        name,
        referrer,
        utm_campaign,
        utm_content,
        utm_medium,
        utm_source,
        utm_term,
        custom_attributes,
    };
    let new = new.check().map_err(|r| CliError::Usage(r.message))?;
    match store.create_visitor(ws, &new).await {
        Ok(visitor) => {
            print_json(&visitor);
            Ok(())
        }
        Err(StoreError::Rejected(rejection)) => Err(CliError::Usage(rejection.message)),
        Err(err) => Err(err.into()),
    }
}
