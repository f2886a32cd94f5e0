//! Writes to conversations: each adds a part and moves the conversation's state and
//! statistics in one transaction, the row locked first (`reads::row`).

use sea_query::{Expr, ExprTrait, Order, Query};
use serde_json::{Map, Value as Json};

use crate::domain::conversation::requests::{ContactKey, UpdateBody};
use crate::domain::conversation::statistics::{Event, Statistics};
use crate::domain::conversation::{
    Attachment, Conversation, PartMetadata, Reference, State, body, not_participant, part_type,
};
use crate::domain::error::{Missing, Rejection};
use crate::domain::webhook;
use crate::store::conversations::hooks;
use crate::store::conversations::participants::{
    add_participant, find_contact, insert_lead, is_participant, require_contact, touch_contacts,
};
use crate::store::conversations::parts::{
    Core, FoundContact, NewPart, PartAuthor, insert_part, record_all, save, set,
};
use crate::store::conversations::reads::{get, row};
use crate::store::conversations::{check_admin, check_team};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::conversations::{ConversationContacts, ConversationWords, Conversations};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now, uploads};

/// Replaces the words `source.body` searches match with the words of `html`.
pub(crate) async fn write_words(
    db: &mut impl Exec,
    conversation_id: i64,
    html: Option<&str>,
) -> StoreResult<()> {
    db.execute(ConversationWords::delete().where_eq(ConversationWords::ConversationId, conversation_id))
        .await?;
    let words = html.map(body::words).unwrap_or_default();
    if words.is_empty() {
        return Ok(());
    }
    let mut q = Query::insert();
    q.into_table(ConversationWords::Table)
        .columns([ConversationWords::ConversationId, ConversationWords::Word]);
    for word in words {
        q.values_panic([conversation_id.into(), word.into()]);
    }
    db.execute(&q).await?;
    Ok(())
}

/// Who starts a conversation.
pub(crate) enum Starter {
    Contact(FoundContact),
    /// An admin's message to contacts: open in the inbox at once, or closed until a contact
    /// replies (a contact's reply re-opens it).
    Admin {
        admin_id: i64,
        to: Vec<FoundContact>,
        open: bool,
    },
}

/// A new conversation and its source message.
pub(crate) struct Started<'a> {
    pub by: Starter,
    /// `source.type`: `conversation` (in-app), `email`, `whatsapp`, `phone_switch`.
    pub source_type: &'a str,
    pub body: &'a str,
    pub subject: Option<&'a str>,
    pub url: Option<&'a str>,
    pub attachments: &'a [Attachment],
    pub brand_id: Option<&'a str>,
    pub at: i64,
}

/// Writes a new conversation, its participants and its words; the caller's transaction.
pub(crate) async fn insert_conversation(
    db: &mut impl Exec,
    workspace_id: i64,
    s: &Started<'_>,
) -> StoreResult<i64> {
    use Conversations::*;
    let (core, delivered_as, participants) = match &s.by {
        Starter::Contact(contact) => {
            let core = Core {
                state: crate::domain::conversation::State::Open,
                read: false,
                waiting_since: Some(s.at),
                snoozed_until: None,
                admin_assignee_id: None,
                team_assignee_id: None,
                stats: Statistics::started_by_contact(s.at),
            };
            (core, "customer_initiated", vec![*contact])
        }
        Starter::Admin { to, open, .. } => {
            let core = Core {
                state: if *open {
                    crate::domain::conversation::State::Open
                } else {
                    crate::domain::conversation::State::Closed
                },
                read: true,
                waiting_since: None,
                snoozed_until: None,
                admin_assignee_id: None,
                team_assignee_id: None,
                stats: Statistics::started_by_admin(),
            };
            (core, "admin_initiated", to.clone())
        }
    };
    let (author_type, author_admin, author_contact) = match &s.by {
        Starter::Contact(contact) => (contact.role(), None, Some(contact.id)),
        Starter::Admin { admin_id, .. } => ("admin", Some(*admin_id), None),
    };
    let mut values = core.values(s.at);
    values.extend([
        (WorkspaceId, workspace_id.into()),
        (CreatedAt, s.at.into()),
        (SourceType, s.source_type.into()),
        (SourceDeliveredAs, delivered_as.into()),
        (SourceSubject, s.subject.unwrap_or_default().into()),
        (SourceBody, s.body.into()),
        (SourceUrl, s.url.into()),
        (SourceAttachments, serde_json::to_string(s.attachments).unwrap_or_else(|_| "[]".into()).into()),
        (SourceAuthorType, author_type.into()),
        (SourceAuthorAdminId, author_admin.into()),
        (SourceAuthorContactId, author_contact.into()),
        (CustomAttributes, Expr::val(Json::Object(Map::new()))),
        (BrandId, s.brand_id.into()),
    ]);
    let id: i64 = db.fetch_scalar(Conversations::insert(values).returning_col(Id)).await?;
    let mut added = Vec::with_capacity(participants.len());
    for contact in participants {
        if !added.contains(&contact.id) {
            add_participant(db, id, contact.id, s.at).await?;
            added.push(contact.id);
        }
    }
    write_words(db, id, Some(s.body)).await?;
    match s.by {
        Starter::Contact(_) => touch_contacts(db, id, Contacts::LastRepliedAt, s.at, None).await?,
        Starter::Admin { .. } => touch_contacts(db, id, Contacts::LastContactedAt, s.at, None).await?,
    }
    Ok(id)
}

/// Starts a conversation from the contact `new` names; a visitor (`from.type` `contact` with a
/// `user_id` nobody has) becomes a lead first. The caller's transaction; `(id, created_at)`.
pub(crate) async fn start_from_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    new: &crate::domain::conversation::requests::NewConversation,
    url: Option<&str>,
) -> StoreResult<(i64, i64)> {
    use crate::domain::conversation::requests::FromType;
    let contact = match (find_contact(db, workspace_id, &new.from).await?, new.from_type, &new.from) {
        (Some(c), FromType::User, _) if !c.is_user => return Err(Missing::Contact.into()),
        (Some(c), FromType::Lead, _) if c.is_user => return Err(Missing::Contact.into()),
        (Some(c), _, _) => c,
        (None, FromType::Contact, ContactKey::UserId(_)) => insert_lead(db, workspace_id, &new.from).await?,
        (None, _, _) => return Err(Missing::Contact.into()),
    };
    let at = new.created_at.unwrap_or_else(now);
    let started = Started {
        by: Starter::Contact(contact),
        source_type: "conversation",
        body: &new.body,
        subject: new.subject.as_deref(),
        url,
        attachments: &new.attachments,
        brand_id: new.brand_id.as_deref(),
        at,
    };
    Ok((insert_conversation(db, workspace_id, &started).await?, at))
}

/// The contact's most recently updated conversation.
async fn latest_of(db: &mut impl Exec, workspace_id: i64, contact_id: i64) -> StoreResult<Option<i64>> {
    let found: Option<(i64,)> = db
        .fetch_optional(
            Query::select()
                .column((Conversations::Table, Conversations::Id))
                .from(Conversations::Table)
                .inner_join(
                    ConversationContacts::Table,
                    Expr::col((ConversationContacts::Table, ConversationContacts::ConversationId))
                        .equals((Conversations::Table, Conversations::Id)),
                )
                .and_where(Conversations::WorkspaceId.col().eq(workspace_id))
                .and_where(
                    Expr::col((ConversationContacts::Table, ConversationContacts::ContactId)).eq(contact_id),
                )
                .order_by((Conversations::Table, Conversations::UpdatedAt), Order::Desc)
                .order_by((Conversations::Table, Conversations::Id), Order::Desc)
                .limit(1),
        )
        .await?;
    Ok(found.map(|(id,)| id))
}

/// A reply by an admin (comment or note) or a contact, in the caller's transaction; `id`
/// `None` is "last": the contact's most recently updated conversation. Answers the
/// conversation's id and the part's.
pub(crate) async fn reply_in(
    tx: &mut impl Exec,
    workspace_id: i64,
    id: Option<i64>,
    reply: &crate::domain::conversation::requests::Reply,
) -> StoreResult<(i64, i64)> {
    use crate::domain::conversation::requests::{AdminMessage, Replier};
    let author = match &reply.by {
        Replier::Admin { admin_id, .. } => {
            check_admin(tx, workspace_id, *admin_id).await?;
            PartAuthor::Admin(*admin_id)
        }
        Replier::Contact(key) => PartAuthor::Contact(require_contact(tx, workspace_id, key).await?),
    };
    let id = match (id, author) {
        (Some(id), _) => id,
        (None, PartAuthor::Contact(contact)) => {
            latest_of(tx, workspace_id, contact.id).await?.ok_or(StoreError::NotFound(Missing::Resource))?
        }
        (None, _) => return Err(Missing::Resource.into()),
    };
    let row = row(tx, workspace_id, id).await?;
    let at = reply.created_at.unwrap_or_else(now);
    let mut core = row.core(at);
    let waiting = core.waiting_since;
    let (kind, events) = match (&reply.by, author) {
        (Replier::Admin { message: AdminMessage::Note, .. }, _) => (part_type::NOTE, vec![]),
        (Replier::Admin { message, .. }, _) => {
            core.waiting_since = None;
            let kind = if *message == AdminMessage::QuickReply {
                part_type::QUICK_REPLY
            } else {
                part_type::COMMENT
            };
            (kind, vec![Event::AdminReply])
        }
        (_, PartAuthor::Contact(contact)) => {
            if !is_participant(tx, id, contact.id).await? {
                return Err(not_participant().into());
            }
            core.waiting_since.get_or_insert(at);
            core.read = false;
            if core.state == State::Open {
                (part_type::COMMENT, vec![Event::ContactReply])
            } else {
                // A contact writing re-opens the conversation; the part says so.
                let mut events = vec![Event::ContactReply];
                if core.state == State::Closed {
                    events.push(Event::Reopen);
                }
                core.state = State::Open;
                core.snoozed_until = None;
                (part_type::OPEN, events)
            }
        }
        (_, _) => unreachable!("a contact reply has a contact author"),
    };
    let part_id = insert_part(
        tx,
        id,
        NewPart {
            part_type: kind,
            body: reply.body.as_deref(),
            author,
            assigned_to: None,
            attachments: &reply.attachments,
            state: core.state,
            metadata: reply.metadata.clone(),
            at,
        },
    )
    .await?;
    uploads::insert(tx, workspace_id, part_id, &reply.uploads).await?;
    record_all(&mut core.stats, &events, at, waiting);
    match author {
        PartAuthor::Contact(c) => touch_contacts(tx, id, Contacts::LastRepliedAt, at, Some(c.id)).await?,
        _ if !events.is_empty() => touch_contacts(tx, id, Contacts::LastContactedAt, at, None).await?,
        _ => {}
    }
    save(tx, id, &core, std::cmp::max(at, row.updated_at)).await?;
    Ok((id, part_id))
}

impl Store {
    /// Starts a conversation from a contact (see [`start_from_contact`]).
    pub async fn create_conversation(
        &self,
        workspace_id: i64,
        new: &crate::domain::conversation::requests::NewConversation,
    ) -> StoreResult<(i64, i64)> {
        let mut tx = self.begin().await?;
        let started = start_from_contact(&mut tx, workspace_id, new, None).await?;
        let topics = [webhook::CONVERSATION_USER_CREATED];
        hooks::notify(&mut tx, workspace_id, started.0, &topics, &[], None).await?;
        tx.commit().await?;
        Ok(started)
    }

    /// Marks read, sets the title, the company and custom attributes, each changed attribute
    /// recorded as a part by the admin whose token made the request.
    pub async fn update_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        admin_id: i64,
        update: &UpdateBody,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let row = row(&mut tx, workspace_id, id).await?;
        let at = now();
        let mut core = row.core(at);
        if let Some(read) = update.read {
            core.read = read;
        }
        if let Some(title) = &update.title {
            set(&mut tx, id, vec![(Conversations::Title, title.trim().into())]).await?;
        }
        if let Some(company) = &update.company_id {
            let company_id = match company.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                Some(public_id) => {
                    Some(crate::store::companies::find_public(&mut tx, workspace_id, public_id).await?)
                }
                None => None,
            };
            set(&mut tx, id, vec![(Conversations::CompanyId, company_id.into())]).await?;
        }
        if let Some(values) = &update.custom_attributes {
            let attributes = crate::store::data_attributes::custom(
                &mut tx,
                workspace_id,
                crate::domain::data_attribute::Model::Conversation,
            )
            .await?;
            let checked = crate::domain::data_attribute::check_custom_attributes(values, &attributes)
                .map_err(|r| Rejection::invalid("custom_attributes", r.message()))?;
            let mut stored = row.custom_attributes.0.clone();
            for (name, value) in checked {
                let changed = stored.get(&name) != value.as_ref();
                match value {
                    Some(value) => stored.insert(name, value),
                    None => stored.remove(&name),
                };
                if changed {
                    let part = NewPart::event(
                        part_type::ATTRIBUTE_UPDATED,
                        PartAuthor::Admin(admin_id),
                        core.state,
                        at,
                    );
                    insert_part(&mut tx, id, part).await?;
                    core.stats.record(None, at, core.waiting_since);
                }
            }
            set(&mut tx, id, vec![(Conversations::CustomAttributes, Expr::val(Json::Object(stored)))])
                .await?;
        }
        save(&mut tx, id, &core, at).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    /// A reply by an admin (comment or note) or a contact; `id` `None` is "last": the
    /// contact's most recently updated conversation.
    pub async fn reply_to_conversation(
        &self,
        workspace_id: i64,
        id: Option<i64>,
        reply: &crate::domain::conversation::requests::Reply,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let (id, _) = reply_in(&mut tx, workspace_id, id, reply).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        let (topic, ticket_topic) = webhook::reply_topics(reply);
        hooks::notify(&mut tx, workspace_id, id, &[topic], &[ticket_topic], Some(&conversation)).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    /// Close, snooze, open or assign, as an admin.
    pub async fn manage_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        manage: &crate::domain::conversation::requests::Manage,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let before = add_manage(&mut tx, workspace_id, id, manage).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        let (topic, ticket_topic) = webhook::manage_topics(manage, before);
        let ticket_topics: &[&str] = ticket_topic.as_slice();
        hooks::notify(&mut tx, workspace_id, id, &[topic], ticket_topics, Some(&conversation)).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}

/// Closes, snoozes, opens or assigns (see [`Store::manage_conversation`]) in the caller's
/// transaction; answers the state the conversation was in.
pub(crate) async fn add_manage(
    tx: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    manage: &crate::domain::conversation::requests::Manage,
) -> StoreResult<State> {
    use crate::domain::conversation::requests::{Action, Assignee};
    let row = row(tx, workspace_id, id).await?;
    check_admin(tx, workspace_id, manage.admin_id).await?;
    let at = now();
    let mut core = row.core(at);
    let waiting = core.waiting_since;
    let before = core.state;
    let was_closed = core.state == State::Closed;
    let author = PartAuthor::Admin(manage.admin_id);
    let (kind, body, assigned_to, events): (&str, Option<&str>, Option<Reference>, Vec<Event>) = match &manage
        .action
    {
        Action::Close { body } => {
            crate::store::conversation_attributes::check_required(tx, workspace_id, &row.custom_attributes.0)
                .await?;
            core.state = State::Closed;
            core.snoozed_until = None;
            (part_type::CLOSE, body.as_deref(), None, vec![Event::Close { admin_id: manage.admin_id }])
        }
        Action::Snooze { until } => {
            core.state = State::Snoozed;
            core.snoozed_until = Some(*until);
            (part_type::SNOOZED, None, None, vec![])
        }
        Action::Open => {
            core.state = State::Open;
            core.snoozed_until = None;
            (part_type::OPEN, None, None, if was_closed { vec![Event::Reopen] } else { vec![] })
        }
        Action::Assign { to, body } => {
            let reference = match *to {
                Assignee::Admin(admin) => {
                    if let Some(admin) = admin {
                        check_admin(tx, workspace_id, admin).await?;
                    }
                    core.admin_assignee_id = admin;
                    admin.map(Reference::admin).unwrap_or_else(Reference::nobody)
                }
                Assignee::Team(team) => {
                    if let Some(team) = team {
                        check_team(tx, workspace_id, team).await?;
                        core.stats.assigned_to_team(team, at);
                    }
                    core.team_assignee_id = team;
                    team.map(Reference::team).unwrap_or_else(Reference::nobody)
                }
            };
            let mut events = vec![];
            if reference.id.is_some() {
                events.push(Event::Assignment);
            }
            let kind = if was_closed {
                core.state = State::Open;
                events.push(Event::Reopen);
                part_type::ASSIGN_AND_REOPEN
            } else {
                part_type::ASSIGNMENT
            };
            (kind, body.as_deref(), Some(reference), events)
        }
    };
    insert_part(
        tx,
        id,
        NewPart {
            part_type: kind,
            body,
            author,
            assigned_to,
            attachments: &[],
            state: core.state,
            metadata: PartMetadata::default(),
            at,
        },
    )
    .await?;
    record_all(&mut core.stats, &events, at, waiting);
    save(tx, id, &core, at).await?;
    Ok(before)
}
