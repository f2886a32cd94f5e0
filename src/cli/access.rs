//! Workspaces, their admins, teams and access tokens.

use clap::Subcommand;
use serde_json::json;

use super::{CliError, print_json, workspace_id};
use crate::domain::admin::NewAdmin;
use crate::domain::version::Version;
use crate::store::{Store, StoreError};

#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Create a workspace with its first admin; prints {"workspace_id","admin_id","access_token","client_secret"}.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: String,
        /// The `Intercom-Version` a request without that header gets (1.0 … 2.16, Preview).
        #[arg(long, default_value = "2.11")]
        api_version: Version,
    },
    /// Change a workspace's settings; prints the workspace as JSON. A running server applies
    /// the change once the tokens it has checked expire from its cache (`serve --token-cache-seconds`,
    /// 5 seconds by default).
    Update {
        /// The workspace's id (as printed by `workspace create`).
        #[arg(long)]
        workspace: String,
        /// The `Intercom-Version` a request without that header gets (1.0 … 2.16, Preview).
        #[arg(long)]
        api_version: Version,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Add an admin to a workspace; prints the admin as JSON.
    Create {
        /// The workspace's id (as printed by `workspace create`).
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        job_title: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Create a team; prints the team as JSON.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        name: String,
        /// An admin to put in the team (repeat for several).
        #[arg(long = "admin")]
        admins: Vec<i64>,
    },
    /// Put an admin in a team; prints the team as JSON.
    AddAdmin {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        team: i64,
        #[arg(long)]
        admin: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an access token for an admin; prints {"access_token", "admin_id"}.
    Create {
        #[arg(long)]
        workspace: String,
        /// The admin the token acts as.
        #[arg(long)]
        admin: i64,
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List a workspace's tokens (never the tokens themselves).
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Revoke a token by its id (from `token list`).
    Revoke {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        id: i64,
    },
}

pub(super) async fn workspace(store: &Store, command: WorkspaceCommand) -> Result<(), CliError> {
    match command {
        WorkspaceCommand::Create { name, admin_email, admin_name, api_version } => {
            print_json(&store.create_workspace_at(&name, &admin_email, &admin_name, api_version).await?);
        }
        WorkspaceCommand::Update { workspace, api_version } => {
            match store.set_default_version(&workspace, api_version).await {
                Err(StoreError::NotFound(_)) => {
                    return Err(CliError::Usage(format!("no workspace {workspace}")));
                }
                updated => print_json(&updated?),
            }
        }
    }
    Ok(())
}

pub(super) async fn admin(store: &Store, command: AdminCommand) -> Result<(), CliError> {
    let AdminCommand::Create { workspace, email, name, job_title } = command;
    let ws = workspace_id(store, &workspace).await?;
    let admin = match store.create_admin(ws, &NewAdmin { email, name, job_title }).await {
        Err(StoreError::Conflict { .. }) => {
            return Err(CliError::Usage("an admin with that email already exists".into()));
        }
        other => other?,
    };
    print_json(&json!({ "admin_id": admin.id.to_string(), "admin": admin }));
    Ok(())
}

pub(super) async fn team(store: &Store, command: TeamCommand) -> Result<(), CliError> {
    let team = match command {
        TeamCommand::Create { workspace, name, admins } => {
            let ws = workspace_id(store, &workspace).await?;
            store.create_team(ws, &name, &admins).await
        }
        TeamCommand::AddAdmin { workspace, team, admin } => {
            let ws = workspace_id(store, &workspace).await?;
            store.add_team_admin(ws, team, admin).await
        }
    };
    let team = match team {
        Err(StoreError::NotFound(_)) => {
            return Err(CliError::Usage("no such team or admin in that workspace".into()));
        }
        other => other?,
    };
    print_json(&team);
    Ok(())
}

pub(super) async fn token(store: &Store, command: TokenCommand) -> Result<(), CliError> {
    match command {
        TokenCommand::Create { workspace, admin, name } => {
            let ws = workspace_id(store, &workspace).await?;
            let token = match store.create_token(ws, admin, &name).await {
                Err(StoreError::NotFound(_)) => {
                    return Err(CliError::Usage(format!("no admin {admin} in workspace {workspace}")));
                }
                other => other?,
            };
            print_json(&json!({ "access_token": token, "admin_id": admin.to_string() }));
        }
        TokenCommand::List { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            print_json(&store.list_tokens(ws).await?);
        }
        TokenCommand::Revoke { workspace, id } => {
            let ws = workspace_id(store, &workspace).await?;
            match store.revoke_token(ws, id).await {
                Err(StoreError::NotFound(_)) => {
                    return Err(CliError::Usage(format!("no live token {id} in workspace {workspace}")));
                }
                other => other?,
            }
            print_json(&json!({ "revoked": id }));
        }
    }
    Ok(())
}
