//! The command line: `serve`, `migrate`, and the operator's tools for what Intercom does in
//! its UI (workspaces, admins, access tokens, segments, subscription types).
//!
//! `access` holds the commands for workspaces, admins, teams and tokens; `settings` those for
//! what a workspace is set up with (segments, assignment rules, conversation attributes,
//! subscription types); `brands` those for newsfeeds, brands and sender addresses; `visitors`
//! makes visitors (the Messenger's part); `fixtures` loads fixture documents; `import` bulk-loads
//! contacts and companies from NDJSON; `webhooks` manages webhook subscriptions (Intercom's
//! Developer Hub); `serve` runs the server.

mod access;
mod brands;
mod fixtures;
mod import;
mod serve;
mod settings;
mod side_conversations;
mod visitors;
mod webhooks;

use clap::{Args, Parser, Subcommand};

use crate::store::{SqliteDurability, Store, StoreError};

pub use access::{AdminCommand, TeamCommand, TokenCommand, WorkspaceCommand};
pub use brands::{BrandCommand, EmailCommand, NewsfeedCommand};
pub use fixtures::FixturesCommand;
pub use import::{ImportArgs, ImportCommand};
pub use serve::ServeArgs;
pub use settings::{
    AssignmentRulesCommand, AwayStatusReasonCommand, ConversationAttributeCommand, SegmentCommand,
    SubscriptionTypeCommand,
};
pub use side_conversations::SideConversationCommand;
pub use visitors::VisitorCommand;
pub use webhooks::WebhookCommand;

#[derive(Parser, Debug)]
#[command(name = "switchboard", version, about = "A self-hosted server that speaks the Intercom REST API")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created if missing) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "SWITCHBOARD_DATABASE_URL", default_value = "sqlite://switchboard.db", global = true)]
    pub database_url: String,
    /// What an answered write survives on SQLite: `process` (a crash or kill of the server) or
    /// `power` (power loss too, at the price of one disk sync per write).
    #[arg(long, env = "SWITCHBOARD_SQLITE_DURABILITY", value_enum, default_value = "process", global = true)]
    pub sqlite_durability: Durability,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum Durability {
    Process,
    Power,
}

impl DatabaseArgs {
    pub async fn connect(&self) -> Result<Store, StoreError> {
        let durability = match self.sqlite_durability {
            Durability::Process => SqliteDurability::ProcessCrash,
            Durability::Power => SqliteDurability::PowerLoss,
        };
        Store::connect_with(&self.database_url, durability).await
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API at the same paths as api.intercom.io.
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit.
    Migrate(DatabaseArgs),
    /// Manage workspaces (Intercom "apps").
    Workspace {
        #[command(subcommand)]
        command: WorkspaceCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage admins (teammates) of a workspace.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage teams (groups of admins) of a workspace.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage access tokens of a workspace.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage segments (saved contact or company searches; Intercom makes them in its UI).
    Segment {
        #[command(subcommand)]
        command: SegmentCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Set or show the assignment rules that `POST /conversations/{id}/run_assignment_rules`
    /// applies (the format is described in src/domain/assignment_rules.rs and the README).
    AssignmentRules {
        #[command(subcommand)]
        command: AssignmentRulesCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Create conversation attributes (as `POST /conversations/attributes` does; 2.16's API
    /// manages them, older versions only list them).
    ConversationAttribute {
        #[command(subcommand)]
        command: ConversationAttributeCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage away status reasons (Intercom makes them in its UI).
    AwayStatusReason {
        #[command(subcommand)]
        command: AwayStatusReasonCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Write side conversations (Intercom's teammates start them in its inbox; the API lists them).
    SideConversation {
        #[command(subcommand)]
        command: SideConversationCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage subscription types (Intercom makes them in its UI).
    SubscriptionType {
        #[command(subcommand)]
        command: SubscriptionTypeCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage newsfeeds, where news items are published (Intercom makes them in its UI).
    Newsfeed {
        #[command(subcommand)]
        command: NewsfeedCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage brands (Intercom makes them in its UI; `GET /brands` lists them).
    Brand {
        #[command(subcommand)]
        command: BrandCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage sender email addresses (Intercom makes them in its UI; `GET /emails` lists them).
    Email {
        #[command(subcommand)]
        command: EmailCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Load fixture documents (docs/fixtures.md): known data for tests and development.
    Fixtures {
        #[command(subcommand)]
        command: FixturesCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Bulk-load NDJSON: a `POST /contacts` (or `POST /companies`) body a line, a transaction a
    /// batch; refused lines and a summary are printed as JSON lines.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Create anonymous website visitors (Intercom's Messenger makes them; Switchboard has none).
    Visitor {
        #[command(subcommand)]
        command: VisitorCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manage webhook subscriptions (Intercom sets them in its Developer Hub).
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
}

fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(value).unwrap_or_default());
}

async fn workspace_id(store: &Store, id_code: &str) -> Result<i64, CliError> {
    match store.workspace_by_code(id_code).await {
        Ok(w) => Ok(w.id),
        Err(StoreError::NotFound(_)) => Err(CliError::Usage(format!("no workspace {id_code}"))),
        Err(e) => Err(e.into()),
    }
}

/// Runs an operator's command on the database, then closes it whatever the outcome.
async fn with_store(
    db: &DatabaseArgs,
    command: impl AsyncFnOnce(&Store) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let store = db.connect().await?;
    let result = command(&store).await;
    store.close().await;
    result
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Migrate(db) => {
            db.connect().await?.close().await;
            eprintln!("database is up to date");
            Ok(())
        }
        Command::Workspace { command, db } => {
            with_store(&db, async |s| access::workspace(s, command).await).await
        }
        Command::Admin { command, db } => with_store(&db, async |s| access::admin(s, command).await).await,
        Command::Team { command, db } => with_store(&db, async |s| access::team(s, command).await).await,
        Command::Token { command, db } => with_store(&db, async |s| access::token(s, command).await).await,
        Command::Segment { command, db } => {
            with_store(&db, async |s| settings::segment(s, command).await).await
        }
        Command::AssignmentRules { command, db } => {
            with_store(&db, async |s| settings::assignment_rules(s, command).await).await
        }
        Command::ConversationAttribute { command, db } => {
            with_store(&db, async |s| settings::conversation_attribute(s, command).await).await
        }
        Command::AwayStatusReason { command, db } => {
            with_store(&db, async |s| settings::away_status_reason(s, command).await).await
        }
        Command::SideConversation { command, db } => {
            with_store(&db, async |s| side_conversations::side_conversation(s, command).await).await
        }
        Command::SubscriptionType { command, db } => {
            with_store(&db, async |s| settings::subscription_type(s, command).await).await
        }
        Command::Newsfeed { command, db } => {
            with_store(&db, async |s| brands::newsfeed(s, command).await).await
        }
        Command::Brand { command, db } => with_store(&db, async |s| brands::brand(s, command).await).await,
        Command::Email { command, db } => with_store(&db, async |s| brands::email(s, command).await).await,
        Command::Fixtures { command, db } => {
            with_store(&db, async |s| fixtures::fixtures(s, command).await).await
        }
        Command::Import { command, db } => with_store(&db, async |s| import::import(s, command).await).await,
        Command::Visitor { command, db } => {
            with_store(&db, async |s| visitors::visitor(s, command).await).await
        }
        Command::Webhook { command, db } => {
            with_store(&db, async |s| webhooks::webhook(s, command).await).await
        }
    }
}
