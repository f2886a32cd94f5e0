//! Conversations in the search language: where each field of the seed's field table lives in
//! SQL, for `POST /conversations/search` and for the `match` of assignment rules. The language
//! and its compiler are the contacts' ones (`domain::search`, `store::search`).
//!
//! * `state`, `open`, `snoozed_until` are read as every other read derives them: a snooze whose
//!   time has passed is open (a CASE on the stored state and `snoozed_until`).
//! * Ids Intercom types as strings but Switchboard keeps as numbers (`id`, `source.id`,
//!   `teammate_ids`, `tag_ids`, `statistics.last_closed_by_id`) compare as numbers; a value that
//!   is no id matches nothing (`=`) or everything (`!=`). `~ !~ ^ $` on them compare the text.
//! * `source.body`: `= != IN NIN` match one word of the body (`conversation_words`), as the
//!   spec describes; `~ !~ ^ $` match the body's text.
//! * Switchboard has no messenger ratings and no AI agent: `conversation_rating.*` and
//!   `ai_agent.*` are always empty and `ai_agent_participated` is false.

use sea_query::{Alias, Condition, Expr, ExprTrait, Func, IntoIden, Query, SelectStatement};
use serde_json::Value as Json;

use crate::domain::conversation::part_type;
use crate::domain::data_attribute::Model;
use crate::domain::ids;
use crate::domain::search::{
    self, Catalog, FieldDef, FieldType, Filter, Needs, Predicate, Resource, Scalar, SearchError,
};
use crate::store::schema::admins::Admins;
use crate::store::schema::contacts::Contacts;
use crate::store::schema::conversations::{
    ConversationContacts, ConversationParts, ConversationTags, ConversationWords, Conversations,
};
use crate::store::search::resolve::{Owner, catalog};
use crate::store::search::{ColumnResolver, Target, lower, lower_target};
use crate::store::{Backend, Exec, StoreResult};

fn col(c: Conversations) -> Expr {
    c.col()
}

/// What compiling a conversations query needs from the workspace (assignment rules).
pub(crate) struct ConversationSearch {
    resolver: Resolver,
    catalog: Catalog,
}

impl ConversationSearch {
    pub(crate) async fn load(
        db: &mut impl Exec,
        workspace_id: i64,
        now: i64,
    ) -> StoreResult<ConversationSearch> {
        Ok(ConversationSearch {
            resolver: Resolver::new(db.backend(), workspace_id, now),
            catalog: catalog(db, workspace_id, Resource::Conversations, Needs::ALL).await?,
        })
    }

    pub(crate) fn validate(&self, query: &Json) -> Result<search::Query, SearchError> {
        self.catalog.parse_and_validate(query)
    }

    pub(crate) fn condition(&self, query: &Json) -> Result<Condition, SearchError> {
        lower(&self.validate(query)?, &self.resolver)
    }
}

pub(crate) struct Resolver {
    owner: Owner,
    /// Reads derive the state at this time (an expired snooze is open).
    now: i64,
}

fn text(e: Expr) -> Expr {
    Func::cast_as(e, Alias::new("TEXT")).into()
}

/// An empty value of the field's type (a bare parameter would leave PostgreSQL without one).
fn null(ty: FieldType) -> Expr {
    Expr::cust(match ty {
        FieldType::String => "CAST(NULL AS TEXT)",
        FieldType::Integer | FieldType::Date => "CAST(NULL AS BIGINT)",
        FieldType::Float => "CAST(NULL AS DOUBLE PRECISION)",
        FieldType::Boolean => "CAST(NULL AS BOOLEAN)",
    })
}

/// `SELECT table.conversation_id FROM table`, for a membership of `conversations.id`.
fn related(table: impl sea_query::IntoIden + Copy, owner: impl sea_query::IntoIden) -> SelectStatement {
    Query::select().column((table, owner)).from(table).take()
}

/// `(SELECT table.column FROM table WHERE table.id = conversations.<author>)`: a column of the
/// source's author.
fn of_author<T: IntoIden + Copy>(table: T, column: T, id: T, author: Conversations) -> Expr {
    let q = Query::select()
        .column((table, column))
        .from(table)
        .and_where(Expr::col((table, id)).equals((Conversations::Table, author)))
        .take();
    Expr::SubQuery(None, Box::new(q.into()))
}

impl Resolver {
    pub(crate) fn new(backend: Backend, workspace_id: i64, now: i64) -> Self {
        let owner = Owner::new(
            backend,
            workspace_id,
            Conversations::Table,
            Conversations::Id,
            Conversations::WorkspaceId,
            Model::Conversation,
        );
        Resolver { owner, now }
    }

    /// A string-typed id kept as a number: the filter compared as numbers (see the module notes).
    pub(crate) fn numeric(&self, f: &Filter, target: impl Fn(bool) -> Target) -> Result<Target, SearchError> {
        let as_int = |s: &Scalar| match s {
            Scalar::Str(t) => Scalar::Int(ids::parse_numeric(t).unwrap_or(-1)),
            other => other.clone(),
        };
        let predicate = match &f.predicate {
            Predicate::Eq(v) => Predicate::Eq(as_int(v)),
            Predicate::Ne(v) => Predicate::Ne(as_int(v)),
            Predicate::In(vs) => Predicate::In(vs.iter().map(as_int).collect()),
            Predicate::Nin(vs) => Predicate::Nin(vs.iter().map(as_int).collect()),
            Predicate::IsNull | Predicate::IsNotNull => f.predicate.clone(),
            _ => return Ok(target(true)),
        };
        let rewritten = Filter { predicate, def: FieldDef { ty: FieldType::Integer, ..f.def }, ..f.clone() };
        Ok(Target::Condition(lower_target(self.owner.backend, &rewritten, target(false))))
    }

    /// `source.body` `= != IN NIN`: one of the body's (lower-cased) words.
    fn words(&self, f: &Filter) -> Result<Target, SearchError> {
        let lowered = |s: &Scalar| match s {
            Scalar::Str(t) => Scalar::Str(t.to_lowercase()),
            other => other.clone(),
        };
        let predicate = match &f.predicate {
            Predicate::Eq(v) => Predicate::Eq(lowered(v)),
            Predicate::Ne(v) => Predicate::Ne(lowered(v)),
            Predicate::In(vs) => Predicate::In(vs.iter().map(lowered).collect()),
            Predicate::Nin(vs) => Predicate::Nin(vs.iter().map(lowered).collect()),
            _ => return Ok(Target::Column(col(Conversations::SourceBody))),
        };
        let words = Target::Membership {
            owner: col(Conversations::Id),
            subquery: Box::new(related(ConversationWords::Table, ConversationWords::ConversationId)),
            column: Expr::col((ConversationWords::Table, ConversationWords::Word)),
        };
        let rewritten = Filter { predicate, ..f.clone() };
        Ok(Target::Condition(lower_target(self.owner.backend, &rewritten, words)))
    }

    /// `state` as read now: an expired snooze is open.
    pub(crate) fn state(&self) -> Expr {
        let expired =
            col(Conversations::State).eq("snoozed").and(col(Conversations::SnoozedUntil).lte(self.now));
        Expr::case(expired, "open").finally(col(Conversations::State)).into()
    }

    fn source_author(&self, contact: Contacts, admin: Admins) -> Expr {
        Func::coalesce([
            of_author(Contacts::Table, contact, Contacts::Id, Conversations::SourceAuthorContactId),
            of_author(Admins::Table, admin, Admins::Id, Conversations::SourceAuthorAdminId),
        ])
        .into()
    }
}

impl ColumnResolver for Resolver {
    fn owner(&self) -> &Owner {
        &self.owner
    }

    fn resolve(&self, name: &'static str, f: &Filter) -> Result<Target, SearchError> {
        use Conversations as C;
        let column = |c: C| Ok(Target::Column(col(c)));
        let numeric_column =
            |c: C| self.numeric(f, |as_text| Target::Column(if as_text { text(col(c)) } else { col(c) }));
        match name {
            "id" | "source.id" => numeric_column(C::Id),
            "created_at" => column(C::CreatedAt),
            "updated_at" => column(C::UpdatedAt),
            "waiting_since" => column(C::WaitingSince),
            "snoozed_until" => {
                let pending = col(C::State).eq("snoozed").and(col(C::SnoozedUntil).gt(self.now));
                Ok(Target::Column(
                    Expr::case(pending, col(C::SnoozedUntil)).finally(null(FieldType::Date)).into(),
                ))
            }
            "state" => Ok(Target::Column(self.state())),
            "open" => Ok(Target::Column(col(C::State).ne("closed"))),
            "read" => column(C::Read),
            "priority" => column(C::Priority),
            "admin_assignee_id" => column(C::AdminAssigneeId),
            "team_assignee_id" => column(C::TeamAssigneeId),
            "source.type" | "channel_initiated" => column(C::SourceType),
            "source.delivered_as" => column(C::SourceDeliveredAs),
            "source.subject" => column(C::SourceSubject),
            "source.url" => column(C::SourceUrl),
            "source.author.type" => column(C::SourceAuthorType),
            "source.author.id" => Ok(Target::Column(
                Func::coalesce([
                    of_author(Contacts::Table, Contacts::PublicId, Contacts::Id, C::SourceAuthorContactId),
                    text(col(C::SourceAuthorAdminId)),
                ])
                .into(),
            )),
            "source.author.name" => Ok(Target::Column(self.source_author(Contacts::Name, Admins::Name))),
            "source.author.email" => Ok(Target::Column(self.source_author(Contacts::Email, Admins::Email))),
            "source.body" => self.words(f),
            "contact_ids" => Ok(Target::Membership {
                owner: col(Conversations::Id),
                subquery: Box::new(
                    related(ConversationContacts::Table, ConversationContacts::ConversationId)
                        .inner_join(
                            Contacts::Table,
                            Expr::col((Contacts::Table, Contacts::Id))
                                .equals((ConversationContacts::Table, ConversationContacts::ContactId)),
                        )
                        .take(),
                ),
                column: Expr::col((Contacts::Table, Contacts::PublicId)),
            }),
            "teammate_ids" => self.numeric(f, |as_text| {
                let admin = Expr::col((ConversationParts::Table, ConversationParts::AuthorAdminId));
                Target::Membership {
                    owner: col(Conversations::Id),
                    subquery: Box::new(
                        related(ConversationParts::Table, ConversationParts::ConversationId)
                            .and_where(
                                Expr::col((ConversationParts::Table, ConversationParts::AuthorType))
                                    .eq("admin"),
                            )
                            .and_where(
                                Expr::col((ConversationParts::Table, ConversationParts::PartType))
                                    .ne(part_type::ATTRIBUTE_UPDATED),
                            )
                            .take(),
                    ),
                    column: if as_text { text(admin) } else { admin },
                }
            }),
            "tag_ids" => self.numeric(f, |as_text| {
                let tag = Expr::col((ConversationTags::Table, ConversationTags::TagId));
                Target::Membership {
                    owner: col(Conversations::Id),
                    subquery: Box::new(related(ConversationTags::Table, ConversationTags::ConversationId)),
                    column: if as_text { text(tag) } else { tag },
                }
            }),
            "statistics.time_to_assignment" => column(C::TimeToAssignment),
            "statistics.time_to_admin_reply" => column(C::TimeToAdminReply),
            "statistics.time_to_first_close" => column(C::TimeToFirstClose),
            "statistics.time_to_last_close" => column(C::TimeToLastClose),
            "statistics.median_time_to_reply" => column(C::MedianTimeToReply),
            "statistics.first_contact_reply_at" => column(C::FirstContactReplyAt),
            "statistics.first_assignment_at" => column(C::FirstAssignmentAt),
            "statistics.first_admin_reply_at" => column(C::FirstAdminReplyAt),
            "statistics.first_close_at" => column(C::FirstCloseAt),
            "statistics.last_assignment_at" => column(C::LastAssignmentAt),
            "statistics.last_assignment_admin_reply_at" => column(C::LastAssignmentAdminReplyAt),
            "statistics.last_contact_reply_at" => column(C::LastContactReplyAt),
            "statistics.last_admin_reply_at" => column(C::LastAdminReplyAt),
            "statistics.last_close_at" => column(C::LastCloseAt),
            "statistics.last_closed_by_id" => numeric_column(C::LastClosedById),
            "statistics.count_reopens" => column(C::CountReopens),
            "statistics.count_assignments" => column(C::CountAssignments),
            "statistics.count_conversation_parts" => column(C::CountConversationParts),
            "ai_agent_participated" => Ok(Target::Column(Expr::val(false))),
            other if other.starts_with("conversation_rating.") || other.starts_with("ai_agent.") => {
                Ok(Target::Column(null(f.def.ty)))
            }
            other => Err(SearchError::for_field(other, format!("'{other}' is not a searchable field"))),
        }
    }
}
