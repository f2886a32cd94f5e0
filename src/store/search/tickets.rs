//! Tickets in the search language (`POST /tickets/search`): where each field of the 2.16
//! field table lives. A ticket is a `tickets` row extending a conversation row, so the fields
//! the two share (`contact_ids`, `teammate_ids`, assignees, `open`, `snoozed_until`, `tag_ids`)
//! are the conversations' own lowering; the search joins `conversations` only when the query
//! names one of them, so that a query on ticket columns alone reads the `tickets` indexes only.
//!
//! * `category` takes the documented terms `request`, `task` and `tracker` for Customer,
//!   Back-office and Tracker (the category names themselves match too).
//! * `state` is the ticket state's category (`submitted`, `in_progress`, `waiting_on_customer`,
//!   `resolved`), which is the 2.11 model's `ticket_state`; `open` and `snoozed_until` are the
//!   conversation's.
//! * `ticket_attribute.{id}` (or `.{name}`) is the value in the ticket's `ticket_attributes`
//!   under the attribute's name, typed by its data type, read from the typed index of
//!   attributes (`custom_attribute_values`, model 4: migration 0026) as contacts' custom
//!   attributes are; `title` and `description` are `_default_title_` and
//!   `_default_description_`.
//! * `contact_ids` is the ids' conversations (`conversation_contacts_contact`), each looked
//!   up by the tickets' primary key: both planners start from the contact.
//! * Ids Intercom types as strings compare as numbers, as for conversations.

use std::cell::Cell;

use sea_query::{Alias, Condition, Expr, ExprTrait, Func, Order, Query, SelectStatement};

use crate::domain::conversation::Position;
use crate::domain::data_attribute::Model;
use crate::domain::search::{self, FieldType, Filter, Predicate, Scalar, SearchError, TicketAttributeField};
use crate::domain::ticket::Ticket;
use crate::store::schema::conversations::Conversations;
use crate::store::schema::tickets::{TicketStates, TicketTypeAttributes, Tickets};
use crate::store::search::attributes;
use crate::store::search::conversations::Resolver as ConversationResolver;
use crate::store::search::resolve::Owner;
use crate::store::search::{ColumnResolver, Target, has_selective_filter, lower, lower_target, workspace_is};
use crate::store::tickets;
use crate::store::{Backend, Exec, Store, StoreError, StoreResult, WhereEq, now};

fn col(c: Tickets) -> Expr {
    Expr::col((Tickets::Table, c))
}

/// The search type of a ticket type attribute's `data_type`.
fn field_type(data_type: &str) -> FieldType {
    match data_type {
        "integer" => FieldType::Integer,
        "decimal" => FieldType::Float,
        "boolean" => FieldType::Boolean,
        "datetime" => FieldType::Date,
        _ => FieldType::String,
    }
}

/// The attributes of the workspace's ticket types, for `ticket_attribute.{id}`.
pub(crate) async fn attributes(
    db: &mut impl Exec,
    workspace_id: i64,
) -> StoreResult<Vec<TicketAttributeField>> {
    let rows: Vec<(i64, String, String)> = db
        .fetch_all(
            TicketTypeAttributes::select([
                TicketTypeAttributes::Id,
                TicketTypeAttributes::Name,
                TicketTypeAttributes::DataType,
            ])
            .where_eq(TicketTypeAttributes::WorkspaceId, workspace_id)
            .order_by(TicketTypeAttributes::Id, Order::Asc),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, data_type)| TicketAttributeField {
            id: id.to_string(),
            name,
            ty: field_type(&data_type),
        })
        .collect())
}

/// The documented search terms of the categories.
fn category_term(s: &Scalar) -> Scalar {
    match s {
        Scalar::Str(t) => Scalar::Str(
            match t.to_ascii_lowercase().as_str() {
                "request" => "Customer",
                "task" => "Back-office",
                "tracker" => "Tracker",
                _ => t,
            }
            .to_owned(),
        ),
        other => other.clone(),
    }
}

pub(crate) struct Resolver {
    owner: Owner,
    conversations: ConversationResolver,
    /// Set when a field of the conversation row was lowered: the search must join it.
    joins_conversations: Cell<bool>,
}

impl Resolver {
    pub(crate) fn new(backend: Backend, workspace_id: i64, now: i64) -> Self {
        let owner = Owner::new(
            backend,
            workspace_id,
            Tickets::Table,
            Tickets::ConversationId,
            Tickets::WorkspaceId,
            Model::Conversation,
        )
        .indexed_as(attributes::TICKETS)
        .tagged_in("conversation_tags", "conversation_id");
        Resolver {
            owner,
            conversations: ConversationResolver::new(backend, workspace_id, now),
            joins_conversations: Cell::new(false),
        }
    }

    /// A ticket column holding an id that Intercom types as a string.
    fn numeric(&self, f: &Filter, c: Tickets) -> Result<Target, SearchError> {
        self.conversations.numeric(f, |as_text| {
            Target::Column(if as_text { Func::cast_as(col(c), Alias::new("TEXT")).into() } else { col(c) })
        })
    }

    fn category(&self, f: &Filter) -> Target {
        let predicate = match &f.predicate {
            Predicate::Eq(v) => Predicate::Eq(category_term(v)),
            Predicate::Ne(v) => Predicate::Ne(category_term(v)),
            Predicate::In(vs) => Predicate::In(vs.iter().map(category_term).collect()),
            Predicate::Nin(vs) => Predicate::Nin(vs.iter().map(category_term).collect()),
            _ => return Target::Column(col(Tickets::Category)),
        };
        let rewritten = Filter { predicate, ..f.clone() };
        Target::Condition(lower_target(
            self.owner.backend,
            &rewritten,
            Target::Column(col(Tickets::Category)),
        ))
    }

    /// The ticket state's category, by the states that have it (the `tickets_state` index).
    fn state(&self) -> Target {
        Target::Membership {
            owner: col(Tickets::TicketStateId),
            subquery: Box::new(
                Query::select()
                    .column((TicketStates::Table, TicketStates::Id))
                    .from(TicketStates::Table)
                    .take(),
            ),
            column: Expr::col((TicketStates::Table, TicketStates::Category)),
        }
    }
}

impl ColumnResolver for Resolver {
    fn owner(&self) -> &Owner {
        &self.owner
    }

    fn resolve(&self, name: &'static str, f: &Filter) -> Result<Target, SearchError> {
        match name {
            "id" => self.numeric(f, Tickets::ConversationId),
            "ticket_id" => self.numeric(f, Tickets::TicketNumber),
            "ticket_type_id" => self.numeric(f, Tickets::TicketTypeId),
            "ticket_state_id" => self.numeric(f, Tickets::TicketStateId),
            "previous_ticket_state_id" => self.numeric(f, Tickets::PreviousTicketStateId),
            "created_at" => Ok(Target::Column(col(Tickets::CreatedAt))),
            "updated_at" => Ok(Target::Column(col(Tickets::UpdatedAt))),
            "is_shared" => Ok(Target::Column(col(Tickets::IsShared))),
            "category" => Ok(self.category(f)),
            "state" => Ok(self.state()),
            "_default_title_" | "_default_description_" => {
                Ok(Target::Condition(attributes::condition(&self.owner, name, &[f], false)))
            }
            "tag_ids" | "contact_ids" | "teammate_ids" | "admin_assignee_id" | "team_assignee_id"
            | "open" | "snoozed_until" => {
                self.joins_conversations.set(true);
                self.conversations.resolve(name, f)
            }
            other => Err(SearchError::for_field(other, format!("'{other}' is not a searchable field"))),
        }
    }
}

/// A page of tickets, newest update first.
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    /// The search's `updated_at` of the last ticket on the page, for the next page's cursor.
    pub last_updated_at: i64,
    pub total: i64,
    pub has_more: bool,
}

/// The fields that name few tickets by an index: see [`has_selective_filter`].
const SELECTIVE: &[&str] = &["id", "contact_ids"];

fn from(workspace: Expr, filter: Condition, join: bool) -> SelectStatement {
    let mut q = Query::select();
    q.from(Tickets::Table).and_where(workspace).cond_where(filter);
    if join {
        q.inner_join(
            Conversations::Table,
            Expr::col((Conversations::Table, Conversations::Id))
                .equals((Tickets::Table, Tickets::ConversationId)),
        );
    }
    q
}

impl Store {
    /// One page of the tickets a checked `query` matches, newest update first, and how many
    /// match in all.
    pub async fn search_tickets(
        &self,
        workspace_id: i64,
        query: &search::Query,
        after: Option<Position>,
        limit: u64,
    ) -> StoreResult<TicketPage> {
        let mut conn = self.conn().await?;
        let resolver = Resolver::new(conn.backend(), workspace_id, now());
        let filter = lower(query, &resolver).map_err(|err| StoreError::Rejected(err.into()))?;
        let join = resolver.joins_conversations.get();
        let selective = has_selective_filter(query, SELECTIVE);
        let workspace = workspace_is(conn.backend(), col(Tickets::WorkspaceId), workspace_id, selective);
        // `COUNT(*)`: SQLite's indexes on `tickets` hold the rowid, not `conversation_id`, so
        // counting the column would read every matching row.
        let total: i64 = conn
            .fetch_scalar(from(workspace.clone(), filter.clone(), join).expr(Expr::cust("COUNT(*)")))
            .await?;
        let mut q = from(workspace, filter, join);
        q.column((Tickets::Table, Tickets::ConversationId)).column((Tickets::Table, Tickets::UpdatedAt));
        if let Some(p) = after {
            q.cond_where(
                Condition::any().add(col(Tickets::UpdatedAt).lt(p.updated_at)).add(
                    Condition::all()
                        .add(col(Tickets::UpdatedAt).eq(p.updated_at))
                        .add(col(Tickets::ConversationId).lt(p.id)),
                ),
            );
        }
        q.order_by((Tickets::Table, Tickets::UpdatedAt), Order::Desc)
            .order_by((Tickets::Table, Tickets::ConversationId), Order::Desc)
            .limit(limit + 1);
        let mut found: Vec<(i64, i64)> = conn.fetch_all(&q).await?;
        let has_more = found.len() as u64 > limit;
        found.truncate(limit as usize);
        // The page's tickets are read together: a fixed number of statements for any page.
        let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
        let tickets = tickets::reads::get_many(&mut conn, workspace_id, &ids).await?;
        Ok(TicketPage { tickets, last_updated_at: found.last().map_or(0, |(_, at)| *at), total, has_more })
    }
}
