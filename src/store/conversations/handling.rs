//! Reads derived from a conversation's history: its handling events, and its side
//! conversations (internal threads teammates start from it) with their messages.

use sea_query::{ExprTrait, Order};

use crate::domain::conversation::lifecycle::{
    HandlingEvent, HandlingStep, SideConversation, Teammate, handling, iso8601,
};
use crate::domain::conversation::{Author, Part, Reference, State, part_type};
use crate::store::conversations::check_admin;
use crate::store::conversations::reads::{People, row};
use crate::store::schema::conversations::{
    ConversationParts, SideConversationPartRow, SideConversationParts, SideConversations,
};
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

/// The parts that start, stop or move the handling of a conversation.
const HANDLING_PARTS: [&str; 6] = [
    part_type::ASSIGNMENT,
    part_type::ASSIGN_AND_REOPEN,
    part_type::DEFAULT_ASSIGNMENT,
    part_type::CLOSE,
    part_type::SNOOZED,
    part_type::OPEN,
];

/// A page of side conversations and how many the conversation has.
pub struct SidePage {
    pub side_conversations: Vec<SideConversation>,
    pub total: i64,
}

fn reference(kind: Option<String>, id: Option<i64>) -> Option<Reference> {
    Some(match kind?.as_str() {
        "admin" => Reference::admin(id.unwrap_or_default()),
        "team" => Reference::team(id.unwrap_or_default()),
        _ => Reference::nobody(),
    })
}

impl Store {
    /// When admins paused and resumed handling the conversation, derived from its parts.
    pub async fn conversation_handling_events(
        &self,
        workspace_id: i64,
        id: i64,
    ) -> StoreResult<Vec<HandlingEvent>> {
        let mut conn = self.conn().await?;
        row(&mut conn, workspace_id, id).await?;
        let rows: Vec<(String, Option<String>, Option<i64>, i64)> = conn
            .fetch_all(
                ConversationParts::select([
                    ConversationParts::PartType,
                    ConversationParts::AssignedToType,
                    ConversationParts::AssignedToId,
                    ConversationParts::CreatedAt,
                ])
                .where_eq(ConversationParts::ConversationId, id)
                .and_where(ConversationParts::PartType.col().is_in(HANDLING_PARTS))
                .order_by(ConversationParts::Id, Order::Asc),
            )
            .await?;
        let steps: Vec<HandlingStep> = rows
            .into_iter()
            .map(|(part_type, kind, assigned_id, at)| HandlingStep {
                part_type,
                assigned_to: reference(kind, assigned_id),
                at,
            })
            .collect();
        let events = handling(&steps);
        let people = People::load(&mut conn, events.iter().map(|e| e.admin_id).collect(), Vec::new()).await?;
        Ok(events
            .into_iter()
            .map(|e| {
                let (name, email) = people.admins.get(&e.admin_id).cloned().unwrap_or_default();
                HandlingEvent {
                    teammate: Teammate { kind: "admin", id: e.admin_id, name, email: Some(email) },
                    kind: if e.resumed { "resumed" } else { "paused" },
                    timestamp: iso8601(e.at),
                    reason: e.reason,
                }
            })
            .collect())
    }

    /// A page (1-based) of the conversation's side conversations, oldest first, each with
    /// its messages.
    pub async fn list_side_conversations(
        &self,
        workspace_id: i64,
        id: i64,
        page: u64,
        per_page: u64,
    ) -> StoreResult<SidePage> {
        let mut conn = self.conn().await?;
        row(&mut conn, workspace_id, id).await?;
        let total: i64 = conn
            .fetch_scalar(
                SideConversations::count(SideConversations::Id)
                    .where_eq(SideConversations::ConversationId, id),
            )
            .await?;
        let sides: Vec<(i64,)> = conn
            .fetch_all(
                SideConversations::select([SideConversations::Id])
                    .where_eq(SideConversations::ConversationId, id)
                    .order_by(SideConversations::Id, Order::Asc)
                    .offset((page - 1) * per_page)
                    .limit(per_page),
            )
            .await?;
        let side_ids: Vec<i64> = sides.into_iter().map(|(id,)| id).collect();
        let parts: Vec<SideConversationPartRow> = if side_ids.is_empty() {
            Vec::new()
        } else {
            conn.fetch_all(
                SideConversationParts::select_rows()
                    .and_where(
                        SideConversationParts::SideConversationId.col().is_in(side_ids.iter().copied()),
                    )
                    .order_by(SideConversationParts::Id, Order::Asc),
            )
            .await?
        };
        let people = People::load(&mut conn, parts.iter().map(|p| p.admin_id).collect(), Vec::new()).await?;
        let side_conversations = side_ids
            .into_iter()
            .map(|side| {
                let conversation_parts: Vec<Part> = parts
                    .iter()
                    .filter(|p| p.side_conversation_id == side)
                    .map(|p| side_part(p, people.author("admin", Some(p.admin_id), None)))
                    .collect();
                SideConversation {
                    side_conversation_id: side,
                    total_count: conversation_parts.len() as i64,
                    conversation_parts,
                }
            })
            .collect();
        Ok(SidePage { side_conversations, total })
    }

    /// Starts a side conversation from conversation `id` with the admin's first message, or
    /// adds the message to the side conversation `side` of it. Returns the side conversation's id.
    pub async fn write_side_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        side: Option<i64>,
        admin_id: i64,
        body: &str,
    ) -> StoreResult<i64> {
        let mut tx = self.begin().await?;
        row(&mut tx, workspace_id, id).await?;
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let at = now();
        let side = match side {
            Some(side) => {
                let found: Option<(i64,)> = tx
                    .fetch_optional(
                        SideConversations::select([SideConversations::Id])
                            .where_eq(SideConversations::Id, side)
                            .where_eq(SideConversations::ConversationId, id),
                    )
                    .await?;
                found.ok_or(crate::domain::error::Missing::Resource)?.0
            }
            None => {
                tx.fetch_scalar(
                    SideConversations::insert([
                        (SideConversations::ConversationId, id.into()),
                        (SideConversations::CreatedAt, at.into()),
                    ])
                    .returning_col(SideConversations::Id),
                )
                .await?
            }
        };
        tx.execute(&SideConversationParts::insert([
            (SideConversationParts::SideConversationId, side.into()),
            (SideConversationParts::AdminId, admin_id.into()),
            (SideConversationParts::Body, body.into()),
            (SideConversationParts::CreatedAt, at.into()),
        ]))
        .await?;
        tx.commit().await?;
        Ok(side)
    }
}

/// A side conversation's message as a `conversation_part`: an admin's comment.
fn side_part(p: &SideConversationPartRow, author: Author) -> Part {
    Part {
        kind: "conversation_part",
        id: p.id,
        part_type: part_type::COMMENT.into(),
        body: Some(p.body.clone()),
        created_at: p.created_at,
        updated_at: p.created_at,
        notified_at: p.created_at,
        assigned_to: None,
        author,
        attachments: Vec::new(),
        external_id: None,
        redacted: false,
        state: State::Open,
        tags: Vec::new(),
        metadata: Default::default(),
        app_package_code: None,
        email_message_metadata: None,
        event_details: None,
    }
}
