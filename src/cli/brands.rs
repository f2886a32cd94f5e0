//! Newsfeeds, brands and sender email addresses: what Intercom makes in its UI and the API only
//! reads. Each command prints what it made or lists as JSON, as the API shows it.

use clap::{ArgAction, Subcommand};

use super::{CliError, print_json, workspace_id};
use crate::domain::brand::{NewBrand, NewEmailSetting};
use crate::store::news::Page;
use crate::store::{Store, StoreError};

#[derive(Subcommand, Debug)]
pub enum NewsfeedCommand {
    /// Add a newsfeed (every workspace also has the defaults, "User Feed" and "Visitor Feed").
    Create {
        #[arg(long)]
        workspace: String,
        /// Never shown to users; unique in the workspace.
        #[arg(long)]
        name: String,
    },
    /// List a workspace's newsfeeds.
    List {
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BrandCommand {
    /// Add a brand (every workspace also has its default brand).
    Create {
        #[arg(long)]
        workspace: String,
        /// Unique in the workspace.
        #[arg(long)]
        name: String,
        /// The id of the workspace's help center the brand uses.
        #[arg(long)]
        help_center_id: Option<i64>,
    },
    /// List a workspace's brands, the default first.
    List {
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum EmailCommand {
    /// Add a sender email address to a brand.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        email: String,
        /// The brand's id as the API shows it (the workspace id for the default brand, which
        /// is the one used when this is absent).
        #[arg(long)]
        brand: Option<String>,
        /// Whether the address is verified (`--verified false` for one that is not yet).
        #[arg(long, default_value_t = true, action = ArgAction::Set)]
        verified: bool,
        /// Whether email forwarded to this address is turned on.
        #[arg(long)]
        forwarding_enabled: bool,
        /// Make it the brand's default sender address (a brand's first address is anyway).
        #[arg(long)]
        brand_default: bool,
    },
    /// List a workspace's sender email addresses.
    List {
        #[arg(long)]
        workspace: String,
    },
}

/// A rule's refusal as a usage error naming the option.
fn usage(err: StoreError) -> CliError {
    match err {
        StoreError::Rejected(r) => CliError::Usage(match r.field {
            Some(field) => format!("--{}: {}", field.replace('_', "-"), r.message),
            None => r.message,
        }),
        StoreError::NotFound(missing) => CliError::Usage(missing.message().to_owned()),
        other => other.into(),
    }
}

pub(super) async fn newsfeed(store: &Store, command: NewsfeedCommand) -> Result<(), CliError> {
    match command {
        NewsfeedCommand::Create { workspace, name } => {
            let ws = workspace_id(store, &workspace).await?;
            let feed = match store.create_newsfeed(ws, &name).await {
                Err(StoreError::Conflict { .. }) => {
                    return Err(CliError::Usage(format!("a newsfeed named {name} already exists")));
                }
                other => other.map_err(usage)?,
            };
            print_json(&feed);
        }
        NewsfeedCommand::List { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            let everything = Page { page: 1, per_page: 1_000_000 };
            print_json(&store.list_newsfeeds(ws, everything).await?.0);
        }
    }
    Ok(())
}

pub(super) async fn brand(store: &Store, command: BrandCommand) -> Result<(), CliError> {
    match command {
        BrandCommand::Create { workspace, name, help_center_id } => {
            let ws = workspace_id(store, &workspace).await?;
            let new = NewBrand { name, help_center_id };
            print_json(&store.create_brand(ws, &new).await.map_err(usage)?);
        }
        BrandCommand::List { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            print_json(&store.list_brands(ws).await?);
        }
    }
    Ok(())
}

pub(super) async fn email(store: &Store, command: EmailCommand) -> Result<(), CliError> {
    match command {
        EmailCommand::Create { workspace, email, brand, verified, forwarding_enabled, brand_default } => {
            let ws = workspace_id(store, &workspace).await?;
            let new = NewEmailSetting { email, brand, verified, forwarding_enabled, brand_default };
            print_json(&store.create_email(ws, &new).await.map_err(usage)?);
        }
        EmailCommand::List { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            print_json(&store.list_emails(ws).await?);
        }
    }
    Ok(())
}
