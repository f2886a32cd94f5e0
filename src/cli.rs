//! The command line: `serve`, `migrate`, and the operator's tools for what Intercom does in
//! its UI (workspaces, admins, access tokens, segments, subscription types).

use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::api::ApiConfig;
use crate::domain::segment::{PersonType, SegmentModel};
use crate::domain::subscription::NewSubscriptionType;
use crate::domain::subscription::{self, ConsentType};
use crate::store::admins::NewAdmin;
use crate::store::{SqliteDurability, Store, StoreError};

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
    /// Create conversation data attributes (Intercom makes them in its UI; the API only
    /// creates contact and company ones).
    ConversationAttribute {
        #[command(subcommand)]
        command: ConversationAttributeCommand,
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
}

#[derive(Subcommand, Debug)]
pub enum SegmentCommand {
    /// Save a contact (or company) search as a segment; prints the segment as JSON.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        name: String,
        /// The search language's `query` object, e.g. '{"field":"email","operator":"$","value":"@acme.test"}'.
        #[arg(long)]
        query: String,
        /// `user` or `lead`: who the segment is about (contact segments).
        #[arg(long, default_value = "user")]
        person_type: String,
        /// `contact`, or `company` for a query over the company fields.
        #[arg(long, default_value = "contact")]
        model: String,
    },
    /// List a workspace's segments with their member counts.
    List {
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AssignmentRulesCommand {
    /// Replace the workspace's rules; prints them as JSON.
    Set {
        #[arg(long)]
        workspace: String,
        /// The rules document, or @PATH to read it from a file.
        #[arg(long)]
        rules: String,
    },
    /// Print the workspace's rules as JSON.
    Show {
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConversationAttributeCommand {
    /// Create a custom conversation attribute; prints it as JSON.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        name: String,
        /// string, integer, float, boolean or date.
        #[arg(long)]
        data_type: String,
        #[arg(long, default_value = "")]
        description: String,
        /// A value of a list attribute (repeat for several).
        #[arg(long = "option")]
        options: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SubscriptionTypeCommand {
    /// Create a subscription type; prints it as JSON.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// `opt_in` (contacts get messages only once they opt in) or `opt_out`.
        #[arg(long)]
        consent_type: String,
        /// Comma-separated: email, sms_message.
        #[arg(long, default_value = "email")]
        content_types: String,
        /// live, draft or archived.
        #[arg(long, default_value = "live")]
        state: String,
        #[arg(long, default_value = "en")]
        locale: String,
    },
    /// List a workspace's subscription types.
    List {
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SWITCHBOARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Requests per minute allowed per workspace, spread over 10-second windows.
    #[arg(long, env = "SWITCHBOARD_RATE_LIMIT", default_value_t = ApiConfig::default().rate_limit_per_minute)]
    pub rate_limit: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "SWITCHBOARD_MAX_BODY_BYTES", default_value_t = ApiConfig::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Seconds a checked access token is trusted before it is looked up again: the longest a
    /// token revoked by `switchboard token revoke` keeps working in a running server (0: none).
    #[arg(long, env = "SWITCHBOARD_TOKEN_CACHE_SECONDS", default_value_t = ApiConfig::default().token_cache.as_secs())]
    pub token_cache_seconds: u64,
}

#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Create a workspace with its first admin; prints {"workspace_id","admin_id","access_token"}.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: String,
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

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(db) => {
            db.connect().await?.close().await;
            eprintln!("database is up to date");
            Ok(())
        }
        Command::Workspace { command: WorkspaceCommand::Create { name, admin_email, admin_name }, db } => {
            let store = db.connect().await?;
            let created = store.create_workspace(&name, &admin_email, &admin_name).await?;
            print_json(&created);
            store.close().await;
            Ok(())
        }
        Command::Admin { command: AdminCommand::Create { workspace, email, name, job_title }, db } => {
            let store = db.connect().await?;
            let ws = workspace_id(&store, &workspace).await?;
            let admin = match store.create_admin(ws, &NewAdmin { email, name, job_title }).await {
                Err(StoreError::Conflict { .. }) => {
                    return Err(CliError::Usage("an admin with that email already exists".into()));
                }
                other => other?,
            };
            print_json(&json!({ "admin_id": admin.id.to_string(), "admin": admin }));
            store.close().await;
            Ok(())
        }
        Command::Team { command, db } => {
            let store = db.connect().await?;
            let team = match command {
                TeamCommand::Create { workspace, name, admins } => {
                    let ws = workspace_id(&store, &workspace).await?;
                    store.create_team(ws, &name, &admins).await
                }
                TeamCommand::AddAdmin { workspace, team, admin } => {
                    let ws = workspace_id(&store, &workspace).await?;
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
            store.close().await;
            Ok(())
        }
        Command::Token { command, db } => {
            let store = db.connect().await?;
            match command {
                TokenCommand::Create { workspace, admin, name } => {
                    let ws = workspace_id(&store, &workspace).await?;
                    let token = match store.create_token(ws, admin, &name).await {
                        Err(StoreError::NotFound(_)) => {
                            return Err(CliError::Usage(format!(
                                "no admin {admin} in workspace {workspace}"
                            )));
                        }
                        other => other?,
                    };
                    print_json(&json!({ "access_token": token, "admin_id": admin.to_string() }));
                }
                TokenCommand::List { workspace } => {
                    let ws = workspace_id(&store, &workspace).await?;
                    print_json(&store.list_tokens(ws).await?);
                }
                TokenCommand::Revoke { workspace, id } => {
                    let ws = workspace_id(&store, &workspace).await?;
                    match store.revoke_token(ws, id).await {
                        Err(StoreError::NotFound(_)) => {
                            return Err(CliError::Usage(format!(
                                "no live token {id} in workspace {workspace}"
                            )));
                        }
                        other => other?,
                    }
                    print_json(&json!({ "revoked": id }));
                }
            }
            store.close().await;
            Ok(())
        }
        Command::Segment { command, db } => {
            let store = db.connect().await?;
            let result = segment(&store, command).await;
            store.close().await;
            result
        }
        Command::AssignmentRules { command, db } => {
            let store = db.connect().await?;
            let result = assignment_rules(&store, command).await;
            store.close().await;
            result
        }
        Command::ConversationAttribute { command, db } => {
            let store = db.connect().await?;
            let result = conversation_attribute(&store, command).await;
            store.close().await;
            result
        }
        Command::SubscriptionType { command, db } => {
            let store = db.connect().await?;
            let result = subscription_type(&store, command).await;
            store.close().await;
            result
        }
    }
}

#[derive(serde::Serialize)]
struct RuleOut {
    name: String,
    #[serde(rename = "match")]
    when: Option<serde_json::Value>,
    admin_id: Option<String>,
    team_id: Option<String>,
    round_robin: bool,
}

async fn assignment_rules(store: &Store, command: AssignmentRulesCommand) -> Result<(), CliError> {
    let rules = match command {
        AssignmentRulesCommand::Set { workspace, rules } => {
            let ws = workspace_id(store, &workspace).await?;
            let text = match rules.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path)?,
                None => rules,
            };
            store.set_assignment_rules(ws, &text).await.map_err(CliError::Usage)?
        }
        AssignmentRulesCommand::Show { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            store.assignment_rules(ws).await?
        }
    };
    use crate::domain::assignment_rules::Assign;
    let out: Vec<RuleOut> = rules
        .into_iter()
        .map(|rule| {
            let (admin, team, round_robin) = match rule.assign {
                Assign::Admin { admin_id, team_id } => (Some(admin_id), team_id, false),
                Assign::Team { team_id } => (None, Some(team_id), false),
                Assign::RoundRobin { team_id } => (None, Some(team_id), true),
            };
            RuleOut {
                name: rule.name,
                when: rule.when,
                admin_id: admin.map(|id| id.to_string()),
                team_id: team.map(|id| id.to_string()),
                round_robin,
            }
        })
        .collect();
    print_json(&json!({ "rules": out }));
    Ok(())
}

async fn conversation_attribute(
    store: &Store,
    command: ConversationAttributeCommand,
) -> Result<(), CliError> {
    use crate::domain::data_attribute::NewDataAttribute;
    use crate::domain::data_attribute::{DataType, Model};
    let ConversationAttributeCommand::Create { workspace, name, data_type, description, options } = command;
    let ws = workspace_id(store, &workspace).await?;
    let data_type = DataType::parse(&data_type).ok_or_else(|| {
        CliError::Usage("--data-type must be string, integer, float, boolean or date".into())
    })?;
    let owner = store.list_admins(ws).await?.first().map(|a| a.id).unwrap_or_default();
    let new = NewDataAttribute {
        name: name.clone(),
        model: Model::Conversation,
        data_type,
        description,
        options: (!options.is_empty()).then_some(options),
        messenger_writable: false,
    };
    match store.create_data_attribute(ws, owner, &new).await {
        Ok(attribute) => {
            print_json(&attribute);
            Ok(())
        }
        // A new attribute is refused only for its name (taken) or its options (not a list).
        Err(StoreError::Rejected(rejection)) => Err(CliError::Usage(match rejection.field.as_deref() {
            Some("name") => format!("the workspace already has an attribute named {name}"),
            _ => "--option is only for string attributes".into(),
        })),
        Err(err) => Err(err.into()),
    }
}

async fn segment(store: &Store, command: SegmentCommand) -> Result<(), CliError> {
    match command {
        SegmentCommand::Create { workspace, name, query, person_type, model } => {
            let ws = workspace_id(store, &workspace).await?;
            let person_type = PersonType::parse(&person_type)
                .ok_or_else(|| CliError::Usage("--person-type must be user or lead".into()))?;
            let model = SegmentModel::parse(&model)
                .ok_or_else(|| CliError::Usage("--model must be contact or company".into()))?;
            let query: serde_json::Value = serde_json::from_str(&query)
                .map_err(|e| CliError::Usage(format!("--query is not JSON: {e}")))?;
            let created = match model {
                SegmentModel::Contact => store.create_segment(ws, &name, person_type, &query).await,
                SegmentModel::Company => store.create_company_segment(ws, &name, &query).await,
            };
            let segment = match created {
                Err(StoreError::Rejected(r)) => {
                    return Err(CliError::Usage(format!("--query: {}", r.message)));
                }
                Err(err) => return Err(err.into()),
                Ok(segment) => segment,
            };
            print_json(&segment);
        }
        SegmentCommand::List { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            match store.list_segments(ws, true).await {
                Ok(segments) => print_json(&segments),
                Err(StoreError::BrokenSegment(err)) => {
                    return Err(CliError::Usage(format!("a segment's query does not compile: {err:?}")));
                }
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(())
}

async fn subscription_type(store: &Store, command: SubscriptionTypeCommand) -> Result<(), CliError> {
    match command {
        SubscriptionTypeCommand::Create {
            workspace,
            name,
            description,
            consent_type,
            content_types,
            state,
            locale,
        } => {
            let ws = workspace_id(store, &workspace).await?;
            let consent_type = ConsentType::parse(&consent_type)
                .ok_or_else(|| CliError::Usage("--consent-type must be opt_in or opt_out".into()))?;
            let content_types: Vec<String> = content_types.split(',').map(|s| s.trim().to_owned()).collect();
            if content_types.iter().any(|c| !subscription::CONTENT_TYPES.contains(&c.as_str())) {
                return Err(CliError::Usage("--content-types must list email and/or sms_message".into()));
            }
            if !subscription::STATES.contains(&state.as_str()) {
                return Err(CliError::Usage("--state must be live, draft or archived".into()));
            }
            let new = NewSubscriptionType { name, description, locale, state, consent_type, content_types };
            print_json(&store.create_subscription_type(ws, &new).await?);
        }
        SubscriptionTypeCommand::List { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            print_json(&store.list_subscription_types(ws).await?);
        }
    }
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<(), CliError> {
    let store = args.db.connect().await?;
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    let address = listener.local_addr()?;
    if let Some(created) = store.create_first_workspace("My Workspace", "admin@example.com", "Admin").await? {
        println!("Created a first workspace ({}) with admin {}.", created.workspace_id, created.admin_id);
        println!("Its access token (shown once): {}", created.access_token);
        println!("Try: curl -s http://{address}/me -H 'Authorization: Bearer {}'", created.access_token);
    }
    tracing::info!(%address, database = %redact(&args.db.database_url), "switchboard is listening");
    let config = ApiConfig {
        rate_limit_per_minute: args.rate_limit,
        max_body_bytes: args.max_body_bytes,
        token_cache: std::time::Duration::from_secs(args.token_cache_seconds),
    };
    crate::serve(listener, store.clone(), config, shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The database URL without its password, for the logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
