//! Conversation parts and the state every write moves: adding a part, saving the
//! conversation's state and statistics, and touching its `updated_at`.

use sea_query::Expr;

use crate::domain::conversation::statistics::{Event, Statistics};
use crate::domain::conversation::{Attachment, PartMetadata, Reference, State};
use crate::store::schema::conversations::{ConversationParts, Conversations};
use crate::store::{Exec, StoreResult, WhereEq};

/// What every write may change besides adding parts.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub(crate) state: State,
    pub(crate) read: bool,
    pub(crate) waiting_since: Option<i64>,
    pub(crate) snoozed_until: Option<i64>,
    pub(crate) admin_assignee_id: Option<i64>,
    pub(crate) team_assignee_id: Option<i64>,
    pub(crate) stats: Statistics,
}

impl Core {
    pub(crate) fn values(&self, updated_at: i64) -> Vec<(Conversations, Expr)> {
        use Conversations::*;
        let s = &self.stats;
        vec![
            (UpdatedAt, updated_at.into()),
            (State, self.state.as_str().into()),
            (Read, self.read.into()),
            (WaitingSince, self.waiting_since.into()),
            (SnoozedUntil, self.snoozed_until.into()),
            (AdminAssigneeId, self.admin_assignee_id.into()),
            (TeamAssigneeId, self.team_assignee_id.into()),
            (TimeToAssignment, s.time_to_assignment.into()),
            (TimeToAdminReply, s.time_to_admin_reply.into()),
            (TimeToFirstClose, s.time_to_first_close.into()),
            (TimeToLastClose, s.time_to_last_close.into()),
            (MedianTimeToReply, s.median_time_to_reply.into()),
            (FirstContactReplyAt, s.first_contact_reply_at.into()),
            (FirstAssignmentAt, s.first_assignment_at.into()),
            (FirstAdminReplyAt, s.first_admin_reply_at.into()),
            (FirstCloseAt, s.first_close_at.into()),
            (LastAssignmentAt, s.last_assignment_at.into()),
            (LastAssignmentAdminReplyAt, s.last_assignment_admin_reply_at.into()),
            (LastContactReplyAt, s.last_contact_reply_at.into()),
            (LastAdminReplyAt, s.last_admin_reply_at.into()),
            (LastCloseAt, s.last_close_at.into()),
            (LastClosedById, s.last_closed_by_id.into()),
            (CountReopens, s.count_reopens.into()),
            (CountAssignments, s.count_assignments.into()),
            (CountConversationParts, s.count_conversation_parts.into()),
            (ReplyTimes, serde_json::to_string(&s.reply_times).unwrap_or_else(|_| "[]".into()).into()),
            (TeamResponses, serde_json::to_string(&s.team_responses).unwrap_or_else(|_| "[]".into()).into()),
        ]
    }
}

/// Who wrote a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartAuthor {
    Admin(i64),
    Contact(FoundContact),
    Bot,
}

/// A contact as the conversation store needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FoundContact {
    pub id: i64,
    pub is_user: bool,
}

impl FoundContact {
    pub(crate) fn role(self) -> &'static str {
        if self.is_user { "user" } else { "lead" }
    }
}

pub(crate) struct NewPart<'a> {
    pub(crate) part_type: &'a str,
    pub(crate) body: Option<&'a str>,
    pub(crate) author: PartAuthor,
    pub(crate) assigned_to: Option<Reference>,
    pub(crate) attachments: &'a [Attachment],
    /// The conversation's state once the part is written.
    pub(crate) state: State,
    pub(crate) metadata: PartMetadata,
    pub(crate) at: i64,
}

impl NewPart<'static> {
    /// A part that only records what happened: no body, assignee, attachments or metadata.
    pub(crate) fn event(part_type: &'static str, author: PartAuthor, state: State, at: i64) -> Self {
        NewPart {
            part_type,
            body: None,
            author,
            assigned_to: None,
            attachments: &[],
            state,
            metadata: PartMetadata::default(),
            at,
        }
    }
}

pub(crate) async fn insert_part(
    db: &mut impl Exec,
    conversation_id: i64,
    part: NewPart<'_>,
) -> StoreResult<i64> {
    use ConversationParts::*;
    let (kind, admin, contact) = match part.author {
        PartAuthor::Admin(id) => ("admin", Some(id), None),
        PartAuthor::Contact(c) => (c.role(), None, Some(c.id)),
        PartAuthor::Bot => ("bot", None, None),
    };
    let (assigned_type, assigned_id) = match &part.assigned_to {
        Some(r) => (Some(r.kind), r.id),
        None => (None, None),
    };
    db.fetch_scalar(
        ConversationParts::insert([
            (ConversationId, conversation_id.into()),
            (PartType, part.part_type.into()),
            (Body, part.body.map(str::to_owned).into()),
            (CreatedAt, part.at.into()),
            (UpdatedAt, part.at.into()),
            (NotifiedAt, part.at.into()),
            (AuthorType, kind.into()),
            (AuthorAdminId, admin.into()),
            (AuthorContactId, contact.into()),
            (AssignedToType, assigned_type.into()),
            (AssignedToId, assigned_id.into()),
            (Attachments, serde_json::to_string(part.attachments).unwrap_or_else(|_| "[]".into()).into()),
            (State, part.state.as_str().into()),
            (Metadata, serde_json::to_string(&part.metadata).unwrap_or_else(|_| "{}".into()).into()),
        ])
        .returning_col(Id),
    )
    .await
}

/// Sets `values` on the conversation `id`.
pub(crate) async fn set(db: &mut impl Exec, id: i64, values: Vec<(Conversations, Expr)>) -> StoreResult<()> {
    db.execute(Conversations::update(values).where_eq(Conversations::Id, id)).await?;
    Ok(())
}

pub(crate) async fn save(db: &mut impl Exec, id: i64, core: &Core, at: i64) -> StoreResult<()> {
    set(db, id, core.values(at)).await
}

pub(crate) async fn touch(db: &mut impl Exec, id: i64, at: i64) -> StoreResult<()> {
    set(db, id, vec![(Conversations::UpdatedAt, at.into())]).await
}

pub(crate) fn record_all(stats: &mut Statistics, events: &[Event], at: i64, waiting: Option<i64>) {
    // One part, however many things it did.
    stats.record(events.first().copied(), at, waiting);
    for event in events.iter().skip(1) {
        stats.record(Some(*event), at, waiting);
        stats.count_conversation_parts -= 1;
    }
}
