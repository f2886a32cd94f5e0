//! What a workspace is set up with, which Intercom makes in its UI: segments, assignment rules,
//! conversation attributes, subscription types and away status reasons.

use clap::Subcommand;
use serde_json::json;

use super::{CliError, print_json, workspace_id};
use crate::domain::segment::{PersonType, SegmentModel};
use crate::domain::subscription::NewSubscriptionType;
use crate::domain::subscription::{self, ConsentType};
use crate::store::{Store, StoreError};

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
    /// Create a custom conversation attribute, as `POST /conversations/attributes` does;
    /// prints it as JSON.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        name: String,
        /// string, integer, list, decimal (or float), boolean, datetime (or date) or files;
        /// string with --option is a list.
        #[arg(long)]
        data_type: String,
        #[arg(long, default_value = "")]
        description: String,
        /// An option of a list attribute (repeat; at least two).
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

#[derive(Subcommand, Debug)]
pub enum AwayStatusReasonCommand {
    /// Add a reason after the workspace's others; prints it as JSON.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        label: String,
        #[arg(long, default_value = "")]
        emoji: String,
    },
    /// Mark a reason deleted (it stays listed, and can no longer be chosen); prints it as JSON.
    Delete {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        id: i64,
    },
    /// List a workspace's reasons (the defaults are there from the start).
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Require a reason to go away (`PUT /admins/{id}/away` without one is then
    /// `away_status_reason_mandatory`), or with --off, no longer.
    Require {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        off: bool,
    },
}

pub(super) async fn away_status_reason(
    store: &Store,
    command: AwayStatusReasonCommand,
) -> Result<(), CliError> {
    match command {
        AwayStatusReasonCommand::Create { workspace, label, emoji } => {
            let ws = workspace_id(store, &workspace).await?;
            print_json(&store.create_away_status_reason(ws, &label, &emoji).await?);
        }
        AwayStatusReasonCommand::Delete { workspace, id } => {
            let ws = workspace_id(store, &workspace).await?;
            match store.delete_away_status_reason(ws, id).await {
                Ok(reason) => print_json(&reason),
                Err(StoreError::NotFound(_)) => {
                    return Err(CliError::Usage(format!("no away status reason {id}")));
                }
                Err(other) => return Err(other.into()),
            }
        }
        AwayStatusReasonCommand::List { workspace } => {
            let ws = workspace_id(store, &workspace).await?;
            print_json(&store.list_away_status_reasons(ws).await?);
        }
        AwayStatusReasonCommand::Require { workspace, off } => {
            let ws = workspace_id(store, &workspace).await?;
            store.set_away_status_reason_required(ws, !off).await?;
            print_json(&json!({ "reason_required": !off }));
        }
    }
    Ok(())
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

pub(super) async fn assignment_rules(store: &Store, command: AssignmentRulesCommand) -> Result<(), CliError> {
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

pub(super) async fn conversation_attribute(
    store: &Store,
    command: ConversationAttributeCommand,
) -> Result<(), CliError> {
    use crate::domain::data_attribute::conversation::{AttributeType, NewConversationAttribute};
    let ConversationAttributeCommand::Create { workspace, name, data_type, description, options } = command;
    let ws = workspace_id(store, &workspace).await?;
    // The types `GET /data_attributes` shows (float, date) name 2.16's decimal and datetime.
    let data_type = match data_type.as_str() {
        "float" => Some(AttributeType::Decimal),
        "date" => Some(AttributeType::Datetime),
        "string" if !options.is_empty() => Some(AttributeType::List),
        other => AttributeType::parse(other),
    }
    .filter(|t| !matches!(t, AttributeType::Relationship))
    .ok_or_else(|| {
        CliError::Usage(
            "--data-type must be string, integer, list, decimal (float), boolean, datetime (date) or files"
                .into(),
        )
    })?;
    let list = data_type == AttributeType::List;
    if (list && options.len() < crate::domain::data_attribute::MIN_OPTIONS) || (!list && !options.is_empty())
    {
        return Err(CliError::Usage("--option is for list attributes, which need at least two".into()));
    }
    let owner = store.list_admins(ws).await?.first().map(|a| a.id).unwrap_or_default();
    let new = NewConversationAttribute {
        name,
        description,
        data_type,
        required: false,
        visible_to_team_ids: Vec::new(),
        multiline: false,
        options,
        reference: None,
    };
    // The same store code as `POST /conversations/attributes`, so the same rules.
    match store.create_conversation_attribute(ws, owner, &new).await {
        Ok(attribute) => {
            print_json(&attribute);
            Ok(())
        }
        Err(StoreError::Rejected(rejection)) => Err(CliError::Usage(rejection.message)),
        Err(err) => Err(err.into()),
    }
}

pub(super) async fn segment(store: &Store, command: SegmentCommand) -> Result<(), CliError> {
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

pub(super) async fn subscription_type(
    store: &Store,
    command: SubscriptionTypeCommand,
) -> Result<(), CliError> {
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
