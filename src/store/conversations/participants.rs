//! Conversation participants: attaching and detaching contacts, and moving a merged lead's
//! conversations to the user.

use sea_query::{Alias, Expr, ExprTrait, Order, Query};

use crate::domain::conversation::requests::ContactKey;
use crate::domain::conversation::{Customer, part_type};
use crate::store::conversations::{
    ConversationContacts, ConversationError, ConversationParts, ConversationResult, Conversations, NewPart,
    PartAuthor, add_participant, check_admin, col, find_contact, insert_lead, insert_part, is_participant,
    require_contact, row, save,
};
use crate::store::schema::contacts::Contacts;
use crate::store::{Exec, Store, StoreResult, now};

impl Store {
    /// Adds a contact to the conversation on behalf of an admin or another participant; an
    /// email nobody has becomes a new lead. Answers the participants.
    pub async fn attach_conversation_contact(
        &self,
        workspace_id: i64,
        id: i64,
        attach: &crate::domain::conversation::requests::Attach,
    ) -> ConversationResult<Vec<Customer>> {
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
                    return Err(ConversationError::NotParticipant);
                }
                PartAuthor::Contact(contact)
            }
        };
        let contact = match find_contact(&mut tx, workspace_id, &attach.contact).await? {
            Some(c) => c,
            None if matches!(attach.contact, ContactKey::Email(_)) => {
                insert_lead(&mut tx, workspace_id, &attach.contact).await?
            }
            None => return Err(ConversationError::ContactNotFound),
        };
        if !is_participant(&mut tx, id, contact.id).await? {
            let at = now();
            add_participant(&mut tx, id, contact.id, at).await?;
            insert_part(
                &mut tx,
                id,
                NewPart {
                    part_type: part_type::PARTICIPANT_ADDED,
                    body: None,
                    author,
                    assigned_to: None,
                    attachments: &[],
                    at,
                },
            )
            .await?;
            let mut core = row.core(at);
            core.stats.record(None, at, core.waiting_since);
            save(&mut tx, id, &core, at).await?;
        }
        let customers = customers(&mut tx, id).await?;
        tx.commit().await?;
        Ok(customers)
    }

    /// Removes a participant on behalf of an admin; the last one stays.
    pub async fn detach_conversation_contact(
        &self,
        workspace_id: i64,
        id: i64,
        contact_public_id: &str,
        admin_id: i64,
    ) -> ConversationResult<Vec<Customer>> {
        let mut tx = self.begin().await?;
        let row = row(&mut tx, workspace_id, id).await?;
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let contact =
            require_contact(&mut tx, workspace_id, &ContactKey::Id(contact_public_id.to_owned())).await?;
        if !is_participant(&mut tx, id, contact.id).await? {
            return Err(ConversationError::ContactNotFound);
        }
        if customers(&mut tx, id).await?.len() <= 1 {
            return Err(ConversationError::LastCustomer);
        }
        tx.execute(
            Query::delete()
                .from_table(ConversationContacts::Table)
                .and_where(Expr::col(ConversationContacts::ConversationId).eq(id))
                .and_where(Expr::col(ConversationContacts::ContactId).eq(contact.id)),
        )
        .await?;
        let at = now();
        insert_part(
            &mut tx,
            id,
            NewPart {
                part_type: part_type::PARTICIPANT_REMOVED,
                body: None,
                author: PartAuthor::Admin(admin_id),
                assigned_to: None,
                attachments: &[],
                at,
            },
        )
        .await?;
        let mut core = row.core(at);
        core.stats.record(None, at, core.waiting_since);
        save(&mut tx, id, &core, at).await?;
        let customers = customers(&mut tx, id).await?;
        tx.commit().await?;
        Ok(customers)
    }
}

async fn customers(db: &mut impl Exec, id: i64) -> StoreResult<Vec<Customer>> {
    let rows: Vec<(String, String)> = db
        .fetch_all(
            Query::select()
                .column((Contacts::Table, Contacts::Role))
                .column((Contacts::Table, Contacts::PublicId))
                .from(ConversationContacts::Table)
                .inner_join(
                    Contacts::Table,
                    Expr::col((Contacts::Table, Contacts::Id))
                        .equals((ConversationContacts::Table, ConversationContacts::ContactId)),
                )
                .and_where(
                    Expr::col((ConversationContacts::Table, ConversationContacts::ConversationId)).eq(id),
                )
                .order_by((ConversationContacts::Table, ConversationContacts::AddedAt), Order::Asc)
                .order_by((Contacts::Table, Contacts::Id), Order::Asc),
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
        Query::delete()
            .from_table(ConversationContacts::Table)
            .and_where(Expr::col(ConversationContacts::ContactId).eq(from))
            .and_where(Expr::col(ConversationContacts::ConversationId).in_subquery(both)),
    )
    .await?;
    db.execute(
        Query::update()
            .table(ConversationContacts::Table)
            .value(ConversationContacts::ContactId, into)
            .and_where(Expr::col(ConversationContacts::ContactId).eq(from)),
    )
    .await?;
    db.execute(
        Query::update()
            .table(ConversationParts::Table)
            .values([
                (ConversationParts::AuthorContactId, into.into()),
                (ConversationParts::AuthorType, "user".into()),
            ])
            .and_where(Expr::col(ConversationParts::AuthorContactId).eq(from)),
    )
    .await?;
    db.execute(
        Query::update()
            .table(Conversations::Table)
            .values([
                (Conversations::SourceAuthorContactId, into.into()),
                (Conversations::SourceAuthorType, "user".into()),
            ])
            .and_where(col(Conversations::SourceAuthorContactId).eq(from)),
    )
    .await?;
    Ok(())
}

/// Deleting a contact: the conversations only they were in go with them (nobody is left to
/// talk to); group conversations lose them as a participant (by the foreign key's cascade) and
/// keep their parts. Runs inside the delete's transaction, before the contact goes.
pub(crate) async fn forget_contact(db: &mut impl Exec, contact_id: i64) -> StoreResult<()> {
    let theirs = Query::select()
        .column(ConversationContacts::ConversationId)
        .from(ConversationContacts::Table)
        .and_where(Expr::col(ConversationContacts::ContactId).eq(contact_id))
        .take();
    let shared = Query::select()
        .column(ConversationContacts::ConversationId)
        .from(ConversationContacts::Table)
        .and_where(Expr::col(ConversationContacts::ContactId).ne(contact_id))
        .take();
    db.execute(
        Query::delete()
            .from_table(Conversations::Table)
            .and_where(col(Conversations::Id).in_subquery(theirs))
            .and_where(col(Conversations::Id).not_in_subquery(shared)),
    )
    .await?;
    Ok(())
}
