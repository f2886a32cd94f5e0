//! Messages: each starts a conversation (through the conversations' own create path) and keeps
//! what only the message has; a WhatsApp message also records its delivery.

use sea_query::{Expr, ExprTrait, Order, Query};

use crate::domain::conversation::Message;
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::message::{
    Addressee, AdminMessage, BROADCAST_OUTBOUND, DeliveryError, Field, MessageType, NewMessage, StatusEvent,
    StoredRecipient, WhatsappStatus, whatsapp_message_id,
};
use crate::domain::webhook;
use crate::store::conversations::check_admin;
use crate::store::conversations::hooks;
use crate::store::conversations::participants::find_contact;
use crate::store::conversations::parts::FoundContact;
use crate::store::conversations::writes::{Started, Starter, insert_conversation, start_from_contact};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::messages::{Messages, WhatsappMessageRow, WhatsappMessages};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// The contact with this phone (E.164), a user before a lead, else a new lead with it.
pub(crate) async fn contact_by_phone(
    db: &mut impl Exec,
    workspace_id: i64,
    phone: &str,
    name: Option<&str>,
) -> StoreResult<FoundContact> {
    let found: Option<(i64, String)> = db
        .fetch_optional(
            Contacts::select([Contacts::Id, Contacts::Role])
                .where_eq(Contacts::WorkspaceId, workspace_id)
                .where_eq(Contacts::FormattedPhone, phone)
                .where_eq(Contacts::Archived, false)
                .order_by_expr(Expr::col(Contacts::Role).eq("user"), Order::Desc)
                .order_by(Contacts::Id, Order::Asc)
                .limit(1),
        )
        .await?;
    if let Some((id, role)) = found {
        return Ok(FoundContact { id, is_user: role == "user" });
    }
    let at = now();
    let id: i64 = db
        .fetch_scalar(
            Contacts::insert([
                (Contacts::PublicId, ids::hex_id(at).into()),
                (Contacts::WorkspaceId, workspace_id.into()),
                (Contacts::Role, "lead".into()),
                (Contacts::Phone, phone.into()),
                (Contacts::FormattedPhone, phone.into()),
                (Contacts::Name, name.into()),
                (Contacts::CreatedAt, at.into()),
                (Contacts::UpdatedAt, at.into()),
            ])
            .returning_col(Contacts::Id),
        )
        .await?;
    Ok(FoundContact { id, is_user: false })
}

/// The contact an admin's message goes to.
async fn recipient(db: &mut impl Exec, workspace_id: i64, to: &Addressee) -> StoreResult<FoundContact> {
    match to {
        Addressee::Contact { is_user, key } => match find_contact(db, workspace_id, key).await? {
            Some(c) if is_user.is_none_or(|user| user == c.is_user) => Ok(c),
            _ => Err(Missing::Contact.into()),
        },
        Addressee::Phone { phone, name } => contact_by_phone(db, workspace_id, phone, name.as_deref()).await,
    }
}

async fn insert_message(
    db: &mut impl Exec,
    workspace_id: i64,
    conversation_id: i64,
    kind: &str,
    message: Option<&AdminMessage>,
    recipients: &[StoredRecipient],
    at: i64,
) -> StoreResult<()> {
    let components = message.and_then(|m| m.components.as_ref()).map(|c| serde_json::Value::from(c.clone()));
    db.execute(&Messages::insert([
        (Messages::ConversationId, conversation_id.into()),
        (Messages::WorkspaceId, workspace_id.into()),
        (Messages::Kind, kind.into()),
        (Messages::MessageType, message.map_or("inapp", |m| m.message_type.as_str()).into()),
        (Messages::Template, message.and_then(|m| m.template.clone()).into()),
        (Messages::Locale, message.and_then(|m| m.locale.clone()).into()),
        (Messages::Components, components.map(|c| c.to_string()).into()),
        (Messages::Recipients, serde_json::to_string(recipients).unwrap_or_else(|_| "[]".into()).into()),
        (Messages::OpenWithoutReply, message.is_some_and(|m| m.open).into()),
        (Messages::CreatedAt, at.into()),
    ]))
    .await?;
    Ok(())
}

impl Store {
    /// Sends `new` (nothing leaves Switchboard): the conversation it starts, the message row
    /// and, for WhatsApp, the delivery, in one transaction. `admin_id` is the default sender.
    pub async fn create_message(
        &self,
        workspace_id: i64,
        admin_id: i64,
        new: &NewMessage,
    ) -> StoreResult<Message> {
        let mut tx = self.begin().await?;
        let message = match new {
            NewMessage::FromContact { conversation, referer } => {
                let (id, at) =
                    start_from_contact(&mut tx, workspace_id, conversation, referer.as_deref()).await?;
                insert_message(&mut tx, workspace_id, id, "user_message", None, &[], at).await?;
                Message {
                    kind: "user_message",
                    id,
                    created_at: at,
                    subject: conversation.subject.clone(),
                    body: conversation.text.clone(),
                    message_type: MessageType::InApp.as_str(),
                    conversation_id: id,
                }
            }
            NewMessage::FromAdmin(m) => self::admin_message(&mut tx, workspace_id, admin_id, m).await?,
        };
        let topic = match new {
            NewMessage::FromContact { .. } => webhook::CONVERSATION_USER_CREATED,
            NewMessage::FromAdmin(_) => webhook::CONVERSATION_ADMIN_SINGLE_CREATED,
        };
        hooks::notify(&mut tx, workspace_id, message.conversation_id, &[topic], &[], None).await?;
        tx.commit().await?;
        Ok(message)
    }

    /// One WhatsApp message's delivery, by the id Switchboard gave it.
    pub async fn whatsapp_status(&self, workspace_id: i64, message_id: &str) -> StoreResult<WhatsappStatus> {
        let row: WhatsappMessageRow = self
            .conn()
            .await?
            .fetch_optional(
                WhatsappMessages::select_rows()
                    .where_eq(WhatsappMessages::WorkspaceId, workspace_id)
                    .where_eq(WhatsappMessages::WhatsappMessageId, message_id),
            )
            .await?
            .ok_or(StoreError::NotFound(Missing::WhatsappMessage))?;
        Ok(WhatsappStatus {
            conversation_id: row.conversation_id.to_string(),
            error: row.error_message.map(|message| DeliveryError { message, details: row.error_details }),
            status: row.status,
            kind: BROADCAST_OUTBOUND,
            created_at: row.created_at,
            updated_at: row.updated_at,
            template_name: row.template_name,
            message_id: row.whatsapp_message_id,
        })
    }

    /// The deliveries of a message (its ruleset), in order, after the delivery `after`; and
    /// their total.
    pub async fn message_statuses(
        &self,
        workspace_id: i64,
        ruleset_id: i64,
        after: Option<i64>,
        per_page: u64,
    ) -> StoreResult<(Vec<StatusEvent>, i64)> {
        let mut conn = self.conn().await?;
        let total: i64 = conn
            .fetch_scalar(
                WhatsappMessages::count(WhatsappMessages::Id)
                    .where_eq(WhatsappMessages::WorkspaceId, workspace_id)
                    .where_eq(WhatsappMessages::ConversationId, ruleset_id),
            )
            .await?;
        let mut q = Query::select();
        WhatsappMessages::select_all(&mut q)
            .expr_as(Expr::col((Contacts::Table, Contacts::ExternalId)), "external_id")
            .from(WhatsappMessages::Table)
            .left_join(
                Contacts::Table,
                Expr::col((Contacts::Table, Contacts::Id))
                    .equals((WhatsappMessages::Table, WhatsappMessages::ContactId)),
            )
            .and_where(WhatsappMessages::col(WhatsappMessages::WorkspaceId).eq(workspace_id))
            .and_where(WhatsappMessages::col(WhatsappMessages::ConversationId).eq(ruleset_id))
            .order_by((WhatsappMessages::Table, WhatsappMessages::Id), Order::Asc)
            .limit(per_page);
        if let Some(after) = after {
            q.and_where(WhatsappMessages::col(WhatsappMessages::Id).gt(after));
        }
        let rows: Vec<EventRow> = conn.fetch_all(&q).await?;
        let events = rows
            .into_iter()
            .map(|r| StatusEvent {
                id: r.delivery.id.to_string(),
                conversation_id: r.delivery.conversation_id.to_string(),
                user_id: r.external_id,
                status: r.delivery.status,
                kind: BROADCAST_OUTBOUND,
                created_at: r.delivery.created_at,
                updated_at: r.delivery.updated_at,
                whatsapp_message_id: r.delivery.whatsapp_message_id,
                template_name: r.delivery.template_name,
            })
            .collect();
        Ok((events, total))
    }
}

crate::store::backend::rows::row_struct! {
    /// A delivery and its contact's `external_id` (the event's `user_id`).
    struct EventRow {
        delivery: WhatsappMessageRow,
        external_id: Option<String>,
    }
}

async fn admin_message(
    db: &mut impl Exec,
    workspace_id: i64,
    default_admin: i64,
    m: &AdminMessage,
) -> StoreResult<Message> {
    let admin_id = m.admin_id.unwrap_or(default_admin);
    check_admin(db, workspace_id, admin_id).await?;
    let mut participants = Vec::new();
    let mut stored = Vec::new();
    let mut first = None;
    for (field, to) in &m.recipients {
        let contact = recipient(db, workspace_id, to).await?;
        first.get_or_insert(contact);
        // A blind copy is no participant: the others would see it.
        if *field != Field::Bcc {
            participants.push(contact);
        }
        let field = field.as_str().to_owned();
        let (id, email): (String, Option<String>) = db
            .fetch_one(
                Contacts::select([Contacts::PublicId, Contacts::Email]).where_eq(Contacts::Id, contact.id),
            )
            .await?;
        stored.push(StoredRecipient { field, kind: contact.role().to_owned(), id, email });
    }
    let at = m.created_at.unwrap_or_else(now);
    let started = Started {
        by: Starter::Admin { admin_id, to: participants, open: m.open },
        source_type: m.message_type.source_type(),
        body: &m.body,
        subject: m.subject.as_deref(),
        url: None,
        attachments: &[],
        brand_id: None,
        at,
    };
    let id = insert_conversation(db, workspace_id, &started).await?;
    insert_message(db, workspace_id, id, "admin_message", Some(m), &stored, at).await?;
    if m.message_type == MessageType::Whatsapp {
        db.execute(&WhatsappMessages::insert([
            (WhatsappMessages::WorkspaceId, workspace_id.into()),
            (WhatsappMessages::ConversationId, id.into()),
            (WhatsappMessages::ContactId, first.map(|c| c.id).into()),
            (WhatsappMessages::WhatsappMessageId, whatsapp_message_id(at).into()),
            (WhatsappMessages::TemplateName, m.template.clone().unwrap_or_default().into()),
            (WhatsappMessages::Status, "sent".into()),
            (WhatsappMessages::CreatedAt, at.into()),
            (WhatsappMessages::UpdatedAt, at.into()),
        ]))
        .await?;
    }
    Ok(Message {
        kind: "admin_message",
        id,
        created_at: at,
        subject: m.subject.clone(),
        body: m.text.clone(),
        message_type: m.message_type.as_str(),
        conversation_id: id,
    })
}
