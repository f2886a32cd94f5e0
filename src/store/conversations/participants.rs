//! Conversation participants: finding the contact a request names (a visitor becomes a lead),
//! attaching and detaching contacts, the contact activity a conversation moves, and moving a
//! merged lead's conversations to the user.

use sea_query::{Alias, Expr, ExprTrait, Order, Query};

use crate::domain::conversation::requests::ContactKey;
use crate::domain::conversation::{Customer, WithCustomers, last_customer, not_participant, part_type};
use crate::domain::error::{Missing, Rejection};
use crate::domain::ids;
use crate::domain::webhook;
use crate::store::conversations::parts::{FoundContact, NewPart, PartAuthor, insert_part, save};
use crate::store::conversations::reads::{get, participants, row};
use crate::store::conversations::{check_admin, exists, hooks};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::conversations::{
    ConversationContacts, ConversationParts, ConversationRow, Conversations,
};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// The contact `key` names in the workspace. An email shared by several leads names the
/// user with it if there is one, else the oldest lead.
pub(crate) async fn find_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    key: &ContactKey,
) -> StoreResult<Option<FoundContact>> {
    let mut q = Contacts::select([Contacts::Id, Contacts::Role]);
    q.where_eq(Contacts::WorkspaceId, workspace_id);
    match key {
        ContactKey::Id(id) => q.where_eq(Contacts::PublicId, id.as_str()),
        ContactKey::UserId(id) => q.where_eq(Contacts::ExternalId, id.as_str()),
        ContactKey::Email(email) => {
            q.and_where(sea_query::Func::lower(Expr::col(Contacts::Email)).eq(email.trim().to_lowercase()))
        }
    };
    q.order_by_expr(Expr::col(Contacts::Role).eq("user"), Order::Desc)
        .order_by(Contacts::Id, Order::Asc)
        .limit(1);
    let found: Option<(i64, String)> = db.fetch_optional(&q).await?;
    Ok(found.map(|(id, role)| FoundContact { id, is_user: role == "user" }))
}

/// The contact `key` names, or "User Not Found".
pub(crate) async fn require_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    key: &ContactKey,
) -> StoreResult<FoundContact> {
    find_contact(db, workspace_id, key).await?.ok_or(StoreError::NotFound(Missing::Contact))
}

/// A new lead with an email or an external id (a visitor, or a participant added by an
/// email nobody has). Written here because contact creation runs its own transaction.
pub(crate) async fn insert_lead(
    db: &mut impl Exec,
    workspace_id: i64,
    key: &ContactKey,
) -> StoreResult<FoundContact> {
    let (email, external_id) = match key {
        ContactKey::Email(email) => {
            let email = crate::domain::contact::clean_email(Some(email.clone()))
                .map_err(|_| Rejection::invalid("email", format!("'{email}' is not an email address")))?;
            (email, None)
        }
        ContactKey::UserId(id) => (None, Some(id.clone())),
        ContactKey::Id(_) => return Err(Missing::Contact.into()),
    };
    let at = now();
    let domain = email.as_deref().and_then(crate::domain::contact::email_domain);
    let id: i64 = db
        .fetch_scalar(
            Contacts::insert([
                (Contacts::PublicId, ids::hex_id(at).into()),
                (Contacts::WorkspaceId, workspace_id.into()),
                (Contacts::Role, "lead".into()),
                (Contacts::Email, email.into()),
                (Contacts::EmailDomain, domain.into()),
                (Contacts::ExternalId, external_id.into()),
                (Contacts::CreatedAt, at.into()),
                (Contacts::UpdatedAt, at.into()),
            ])
            .returning_col(Contacts::Id),
        )
        .await?;
    Ok(FoundContact { id, is_user: false })
}

pub(crate) async fn is_participant(
    db: &mut impl Exec,
    conversation_id: i64,
    contact_id: i64,
) -> StoreResult<bool> {
    exists(
        db,
        ConversationContacts::select([ConversationContacts::ContactId])
            .where_eq(ConversationContacts::ConversationId, conversation_id)
            .where_eq(ConversationContacts::ContactId, contact_id),
    )
    .await
}

pub(crate) async fn add_participant(
    db: &mut impl Exec,
    conversation_id: i64,
    contact_id: i64,
    at: i64,
) -> StoreResult<()> {
    db.execute(&ConversationContacts::insert_or_ignore(
        [
            (ConversationContacts::ConversationId, conversation_id.into()),
            (ConversationContacts::ContactId, contact_id.into()),
            (ConversationContacts::AddedAt, at.into()),
        ],
        [ConversationContacts::ConversationId, ConversationContacts::ContactId],
    ))
    .await?;
    Ok(())
}

/// Contact activity Intercom keeps on the contact: `last_replied_at` when they write,
/// `last_contacted_at` when an admin writes to them.
pub(crate) async fn touch_contacts(
    db: &mut impl Exec,
    conversation_id: i64,
    column: Contacts,
    at: i64,
    only: Option<i64>,
) -> StoreResult<()> {
    let participants = ConversationContacts::select([ConversationContacts::ContactId])
        .where_eq(ConversationContacts::ConversationId, conversation_id)
        .take();
    let mut q = Contacts::update([(column, at.into())]);
    q.and_where(Expr::col(Contacts::Id).in_subquery(participants));
    if let Some(id) = only {
        q.where_eq(Contacts::Id, id);
    }
    db.execute(&q).await?;
    Ok(())
}

impl Store {
    /// Adds a contact to the conversation on behalf of an admin or another participant; an
    /// email nobody has becomes a new lead. Answers the conversation and its participants.
    pub async fn attach_conversation_contact(
        &self,
        workspace_id: i64,
        id: i64,
        attach: &crate::domain::conversation::requests::Attach,
    ) -> StoreResult<WithCustomers> {
        use crate::domain::conversation::requests::Actor;
        let mut tx = self.begin().await?;
        let row = row(&mut tx, workspace_id, id).await?;
        let author = match &attach.by {
            Actor::Admin(admin) => {
                check_admin(&mut tx, workspace_id, *admin).await?;
                PartAuthor::Admin(*admin)
            }
            Actor::Contact(key) => {
                let contact = require_contact(&mut tx, workspace_id, key).await?;
                if !is_participant(&mut tx, id, contact.id).await? {
                    return Err(not_participant().into());
                }
                PartAuthor::Contact(contact)
            }
        };
        let contact = match find_contact(&mut tx, workspace_id, &attach.contact).await? {
            Some(c) => c,
            None if matches!(attach.contact, ContactKey::Email(_)) => {
                insert_lead(&mut tx, workspace_id, &attach.contact).await?
            }
            None => return Err(Missing::Contact.into()),
        };
        if !is_participant(&mut tx, id, contact.id).await? {
            let at = now();
            add_participant(&mut tx, id, contact.id, at).await?;
            record_change(
                &mut tx,
                &row,
                NewPart::event(part_type::PARTICIPANT_ADDED, author, row.core(at).state, at),
            )
            .await?;
            let topics = [webhook::TICKET_CONTACT_ATTACHED];
            hooks::notify(&mut tx, workspace_id, id, &[], &topics, None).await?;
        }
        let answer = WithCustomers {
            conversation: get(&mut tx, workspace_id, id).await?,
            customers: customers(&mut tx, id).await?,
        };
        tx.commit().await?;
        Ok(answer)
    }

    /// Removes a participant on behalf of an admin; the last one stays.
    pub async fn detach_conversation_contact(
        &self,
        workspace_id: i64,
        id: i64,
        contact_public_id: &str,
        admin_id: i64,
    ) -> StoreResult<WithCustomers> {
        let mut tx = self.begin().await?;
        let row = row(&mut tx, workspace_id, id).await?;
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let contact =
            require_contact(&mut tx, workspace_id, &ContactKey::Id(contact_public_id.to_owned())).await?;
        if !is_participant(&mut tx, id, contact.id).await? {
            return Err(Missing::Contact.into());
        }
        if customers(&mut tx, id).await?.len() <= 1 {
            return Err(last_customer().into());
        }
        tx.execute(
            ConversationContacts::delete()
                .where_eq(ConversationContacts::ConversationId, id)
                .where_eq(ConversationContacts::ContactId, contact.id),
        )
        .await?;
        let at = now();
        let removed = NewPart::event(
            part_type::PARTICIPANT_REMOVED,
            PartAuthor::Admin(admin_id),
            row.core(at).state,
            at,
        );
        record_change(&mut tx, &row, removed).await?;
        hooks::notify(&mut tx, workspace_id, id, &[], &[webhook::TICKET_CONTACT_DETACHED], None).await?;
        let answer = WithCustomers {
            conversation: get(&mut tx, workspace_id, id).await?,
            customers: customers(&mut tx, id).await?,
        };
        tx.commit().await?;
        Ok(answer)
    }
}

/// A change of participants: its part, counted in the conversation's statistics.
async fn record_change(db: &mut impl Exec, row: &ConversationRow, part: NewPart<'_>) -> StoreResult<()> {
    let at = part.at;
    insert_part(db, row.id, part).await?;
    let mut core = row.core(at);
    core.stats.record(None, at, core.waiting_since);
    save(db, row.id, &core, at).await
}

async fn customers(db: &mut impl Exec, id: i64) -> StoreResult<Vec<Customer>> {
    let rows: Vec<(String, String)> = db
        .fetch_all(
            participants([Contacts::Role.col(), Contacts::PublicId.col()])
                .and_where(ConversationContacts::ConversationId.col().eq(id)),
        )
        .await?;
    Ok(rows.into_iter().map(|(kind, id)| Customer { kind, id }).collect())
}

/// Merging a lead into a user: the lead's conversations become the user's, with the parts and
/// source messages the lead wrote. Runs inside the merge's transaction, before the lead goes.
pub(crate) async fn move_to_contact(db: &mut impl Exec, from: i64, into: i64) -> StoreResult<()> {
    // Conversations both were in keep one participant row: the user's.
    let both = Query::select()
        .column(ConversationContacts::ConversationId)
        .from_as(ConversationContacts::Table, Alias::new("mine"))
        .and_where(Expr::col((Alias::new("mine"), ConversationContacts::ContactId)).eq(into))
        .take();
    db.execute(
        ConversationContacts::delete()
            .where_eq(ConversationContacts::ContactId, from)
            .and_where(Expr::col(ConversationContacts::ConversationId).in_subquery(both)),
    )
    .await?;
    db.execute(
        ConversationContacts::update([(ConversationContacts::ContactId, into.into())])
            .where_eq(ConversationContacts::ContactId, from),
    )
    .await?;
    db.execute(
        ConversationParts::update([
            (ConversationParts::AuthorContactId, into.into()),
            (ConversationParts::AuthorType, "user".into()),
        ])
        .where_eq(ConversationParts::AuthorContactId, from),
    )
    .await?;
    db.execute(
        Conversations::update([
            (Conversations::SourceAuthorContactId, into.into()),
            (Conversations::SourceAuthorType, "user".into()),
        ])
        .where_eq(Conversations::SourceAuthorContactId, from),
    )
    .await?;
    Ok(())
}

/// Deleting a contact: the conversations only they were in go with them (nobody is left to
/// talk to); group conversations lose them as a participant (by the foreign key's cascade) and
/// keep their parts. Runs inside the delete's transaction, before the contact goes.
pub(crate) async fn forget_contact(db: &mut impl Exec, contact_id: i64) -> StoreResult<()> {
    let theirs = ConversationContacts::select([ConversationContacts::ConversationId])
        .where_eq(ConversationContacts::ContactId, contact_id)
        .take();
    let shared = ConversationContacts::select([ConversationContacts::ConversationId])
        .and_where(Expr::col(ConversationContacts::ContactId).ne(contact_id))
        .take();
    db.execute(
        Conversations::delete()
            .and_where(Conversations::Id.col().in_subquery(theirs))
            .and_where(Conversations::Id.col().not_in_subquery(shared)),
    )
    .await?;
    Ok(())
}
