//! Writes of contacts: create, update, delete and archive, checked against the workspace's
//! rules (uniqueness, owners, data attributes), and the rows a bulk import inserts the same way.

use sea_query::{Condition, Expr, ExprTrait, Func, InsertStatement, LockType, Query, SelectStatement, Value};
use serde_json::{Map, Value as Json, json};

use super::is_user;
use super::reads::{self, ContactWithCode, assemble, select_in};
use super::summaries::SummaryColumns;
use crate::domain::contact::{
    self, Contact, ContactArchived, ContactChanges, ContactDeleted, Rejection, Role,
};
use crate::domain::data_attribute::Model;
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::webhook;
use crate::store::schema::admins::Admins;
use crate::store::schema::contacts::{ContactRow, Contacts};
use crate::store::{Exec, Store, StoreError, StoreResult, Tx, WhereEq, now};
use crate::store::{data_attributes, webhooks};

/// Every column of a contact of the workspace, without joins (for a lock or a write).
fn select(workspace_id: i64) -> SelectStatement {
    Contacts::select_all(&mut Query::select())
        .from(Contacts::Table)
        .and_where(Contacts::WorkspaceId.col().eq(workspace_id))
        .take()
}

/// A contact's row by its API id, or `NotFound(Contact)`.
async fn get_row(db: &mut impl Exec, workspace_id: i64, public_id: &str) -> StoreResult<ContactRow> {
    let row =
        db.fetch_optional(select(workspace_id).and_where(Contacts::PublicId.col().eq(public_id))).await?;
    Ok(row.ok_or(Missing::Contact)?)
}

/// A contact that already holds `external_id`, or (for a user) `email`, other than `except`.
async fn duplicate(
    db: &mut impl Exec,
    workspace_id: i64,
    role: Role,
    email: Option<&str>,
    external_id: Option<&str>,
    except: Option<i64>,
) -> StoreResult<Option<Rejection>> {
    let mut same = Condition::any();
    if let Some(external_id) = external_id {
        same = same.add(Contacts::ExternalId.col().eq(external_id));
    }
    let user_email = if role == Role::User { email } else { None };
    if let Some(email) = user_email {
        // Folded by the database, as the unique index folds it.
        same = same.add(
            Condition::all()
                .add(is_user())
                .add(Expr::from(Func::lower(Contacts::Email.col())).eq(Func::lower(Expr::val(email)))),
        );
    }
    if external_id.is_none() && user_email.is_none() {
        return Ok(None);
    }
    let mut q = Contacts::select([Contacts::PublicId, Contacts::Archived]);
    q.and_where(Contacts::WorkspaceId.col().eq(workspace_id)).cond_where(same).limit(1);
    if let Some(except) = except {
        q.and_where(Contacts::Id.col().ne(except));
    }
    let found: Option<(String, bool)> = db.fetch_optional(&q).await?;
    Ok(found.map(|(existing_id, archived)| Rejection::Duplicate { existing_id, archived }))
}

async fn check_owner(db: &mut impl Exec, workspace_id: i64, owner: Option<i64>) -> StoreResult<()> {
    let Some(owner) = owner else { return Ok(()) };
    let found: Option<(i64,)> = db
        .fetch_optional(
            Admins::select([Admins::Id])
                .where_eq(Admins::WorkspaceId, workspace_id)
                .where_eq(Admins::Id, owner),
        )
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(Rejection::OwnerNotFound.into()),
    }
}

pub(crate) fn trimmed(value: Option<Option<String>>) -> Option<Option<String>> {
    value.map(|v| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
}

/// The values of a contact after `changes`: what is written and checked.
pub(crate) struct Written {
    pub(crate) role: Role,
    pub(crate) email: Option<String>,
    pub(crate) external_id: Option<String>,
}

/// An INSERT of new contacts, to be given rows with [`add_new_row`].
pub(crate) fn new_rows() -> InsertStatement {
    Query::insert().into_table(Contacts::Table).take()
}

/// One new contact's row: the checked identity in `written`, the rest from `changes` (trimmed,
/// with the derived email domain and formatted phone), `custom` already checked and merged.
pub(crate) fn add_new_row(
    insert: &mut InsertStatement,
    public_id: String,
    workspace_id: i64,
    at: i64,
    written: &Written,
    changes: &ContactChanges,
    custom: Map<String, Json>,
) {
    let row = new_row(public_id, workspace_id, at, written, changes, custom);
    // Every row names the same columns, in the same order.
    insert.columns(row.iter().map(|(column, _)| *column));
    insert.values_panic(row.into_iter().map(|(_, value)| Expr::val(value)));
}

/// The columns and values of a new contact's row, as [`add_new_row`] inserts it (the bulk
/// import's `COPY` writes the same values).
pub(crate) fn new_row(
    public_id: String,
    workspace_id: i64,
    at: i64,
    written: &Written,
    changes: &ContactChanges,
    custom: Map<String, Json>,
) -> [(Contacts, Value); 18] {
    let phone = trimmed(changes.phone.clone()).flatten();
    [
        (Contacts::PublicId, public_id.into()),
        (Contacts::WorkspaceId, workspace_id.into()),
        (Contacts::Role, written.role.as_str().into()),
        (Contacts::ExternalId, written.external_id.clone().into()),
        (Contacts::Email, written.email.clone().into()),
        (Contacts::EmailDomain, written.email.as_deref().and_then(contact::email_domain).into()),
        (Contacts::Phone, phone.clone().into()),
        (Contacts::FormattedPhone, phone.as_deref().and_then(contact::formatted_phone).into()),
        (Contacts::Name, trimmed(changes.name.clone()).flatten().into()),
        (Contacts::Avatar, trimmed(changes.avatar.clone()).flatten().into()),
        (Contacts::OwnerId, changes.owner_id.flatten().into()),
        (Contacts::UnsubscribedFromEmails, changes.unsubscribed_from_emails.unwrap_or(false).into()),
        (Contacts::EmailVerified, changes.email_verified.flatten().into()),
        (Contacts::CreatedAt, at.into()),
        (Contacts::UpdatedAt, at.into()),
        (Contacts::SignedUpAt, changes.signed_up_at.flatten().into()),
        (Contacts::LastSeenAt, changes.last_seen_at.flatten().into()),
        (Contacts::CustomAttributes, Json::Object(custom).into()),
    ]
}

/// The identity a new contact is written with: users need an email or an external_id.
fn identity(changes: &ContactChanges) -> StoreResult<Written> {
    let role = changes.role.unwrap_or(Role::User);
    let email = contact::clean_email(changes.email.clone().flatten())?;
    let external_id = trimmed(changes.external_id.clone()).flatten();
    if role == Role::User && email.is_none() && external_id.is_none() {
        return Err(Rejection::UserWithoutIdentity.into());
    }
    Ok(Written { role, email, external_id })
}

/// Checks a new contact's owner and custom attributes; the custom attributes to write.
async fn checked_custom(
    db: &mut impl Exec,
    workspace_id: i64,
    changes: &ContactChanges,
) -> StoreResult<Map<String, Json>> {
    check_owner(db, workspace_id, changes.owner_id.flatten()).await?;
    let mut custom = Map::new();
    if let Some(values) = &changes.custom_attributes {
        let attributes = data_attributes::custom(db, workspace_id, Model::Contact).await?;
        contact::merge_custom_attributes(&mut custom, values, &attributes)?;
    }
    Ok(custom)
}

/// Creates a contact as [`Store::create_contact`] does, in the caller's transaction: the
/// duplicate is looked up first (a failed INSERT would abort a PostgreSQL transaction).
/// Returns its internal and API ids.
pub(crate) async fn insert_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    changes: &ContactChanges,
) -> StoreResult<(i64, String)> {
    let written = identity(changes)?;
    let custom = checked_custom(db, workspace_id, changes).await?;
    let (email, external_id) = (written.email.as_deref(), written.external_id.as_deref());
    if let Some(dup) = duplicate(db, workspace_id, written.role, email, external_id, None).await? {
        return Err(dup.into());
    }
    let at = now();
    let public_id = ids::hex_id(at);
    let mut insert = new_rows();
    add_new_row(&mut insert, public_id.clone(), workspace_id, at, &written, changes, custom);
    insert.returning_col(Contacts::Id);
    Ok((db.fetch_scalar(&insert).await?, public_id))
}

impl Store {
    /// Creates a user or lead. Users need an email or an external_id; an email held by
    /// another user, or an external_id held by any contact, is a duplicate.
    pub async fn create_contact(&self, workspace_id: i64, changes: &ContactChanges) -> StoreResult<Contact> {
        let written = identity(changes)?;
        // One INSERT is the only write, so no transaction (unless a webhook is to be recorded
        // with it): a duplicate is caught by the unique indexes (and explained by `conflict`)
        // rather than looked up first.
        let topic = match written.role {
            Role::User => webhook::CONTACT_USER_CREATED,
            Role::Lead => webhook::CONTACT_LEAD_CREATED,
        };
        let (custom, subscribers) = {
            let mut conn = self.conn().await?;
            let custom = checked_custom(&mut conn, workspace_id, changes).await?;
            (custom, webhooks::subscribers(&mut conn, workspace_id, topic).await?)
        };
        let at = now();
        let mut insert = new_rows();
        add_new_row(&mut insert, ids::hex_id(at), workspace_id, at, &written, changes, custom);
        insert.returning_col(Contacts::Id);
        let mut tx = if subscribers.is_empty() { self.begin_single().await? } else { self.begin().await? };
        let id: i64 = match tx.fetch_scalar(&insert).await {
            Err(StoreError::Conflict { .. }) => {
                return Err(self.conflict(tx, workspace_id, &written, None).await);
            }
            other => other?,
        };
        let scope =
            Condition::all().add(Contacts::WorkspaceId.col().eq(workspace_id)).add(Contacts::Id.col().eq(id));
        // A new contact has no tags, notes, companies or subscriptions to summarise yet.
        if !subscribers.is_empty() {
            let row: ContactWithCode = tx.fetch_one(&select_in(scope)).await?;
            let created = assemble(row.contact, row.workspace_code, SummaryColumns::default());
            webhooks::record(&mut tx, workspace_id, topic, &created, &subscribers).await?;
            tx.commit().await?;
            return Ok(created);
        }
        tx.commit().await?;
        let row: ContactWithCode = self.conn().await?.fetch_one(&select_in(scope)).await?;
        Ok(assemble(row.contact, row.workspace_code, SummaryColumns::default()))
    }

    /// A uniqueness conflict that `tx`'s statement ran into, reported like any duplicate.
    ///
    /// On SQLite the failed statement leaves the transaction usable, and the contact it collided
    /// with may be a write of the same batch that readers do not see yet: it is looked up on the
    /// writer. PostgreSQL has aborted the transaction; a fresh connection sees the winner.
    async fn conflict(
        &self,
        mut tx: Tx,
        workspace_id: i64,
        written: &Written,
        except: Option<i64>,
    ) -> StoreError {
        let (email, external_id) = (written.email.as_deref(), written.external_id.as_deref());
        let found = async {
            if let Tx::Sqlite(_) = tx {
                return duplicate(&mut tx, workspace_id, written.role, email, external_id, except).await;
            }
            drop(tx);
            duplicate(&mut self.conn().await?, workspace_id, written.role, email, external_id, except).await
        };
        match found.await {
            Ok(Some(dup)) => dup.into(),
            Ok(None) => StoreError::Conflict { constraint: "contacts".into() },
            Err(err) => err,
        }
    }

    /// Applies `changes` to a contact. A lead may become a user, never the reverse.
    pub async fn update_contact(
        &self,
        workspace_id: i64,
        public_id: &str,
        changes: &ContactChanges,
    ) -> StoreResult<Contact> {
        let mut tx = self.begin().await?;
        let row: Option<ContactRow> = tx
            .fetch_optional(
                select(workspace_id)
                    .and_where(Contacts::PublicId.col().eq(public_id))
                    .lock_with_tables(LockType::Update, [Contacts::Table]),
            )
            .await?;
        let row = row.ok_or(Missing::Contact)?;
        let id = row.id;
        let current = Role::parse(&row.role).unwrap_or(Role::User);
        let role = changes.role.unwrap_or(current);
        if current == Role::User && role == Role::Lead {
            return Err(Rejection::UserToLead.into());
        }
        let email = match &changes.email {
            Some(email) => contact::clean_email(email.clone())?,
            None => row.email.clone(),
        };
        let external_id = trimmed(changes.external_id.clone()).unwrap_or(row.external_id.clone());
        let written = Written { role, email, external_id };
        if role == Role::User && written.email.is_none() && written.external_id.is_none() {
            return Err(Rejection::UserWithoutIdentity.into());
        }
        check_owner(&mut tx, workspace_id, changes.owner_id.flatten()).await?;

        let mut values: Vec<(Contacts, Expr)> = vec![
            (Contacts::Role, role.as_str().into()),
            (Contacts::Email, written.email.clone().into()),
            (Contacts::EmailDomain, written.email.as_deref().and_then(contact::email_domain).into()),
            (Contacts::ExternalId, written.external_id.clone().into()),
            (Contacts::UpdatedAt, now().into()),
        ];
        if let Some(phone) = trimmed(changes.phone.clone()) {
            values
                .push((Contacts::FormattedPhone, phone.as_deref().and_then(contact::formatted_phone).into()));
            values.push((Contacts::Phone, phone.into()));
        }
        for (column, value) in [
            (Contacts::Name, trimmed(changes.name.clone())),
            (Contacts::Avatar, trimmed(changes.avatar.clone())),
        ] {
            if let Some(value) = value {
                values.push((column, value.into()));
            }
        }
        for (column, value) in [
            (Contacts::SignedUpAt, changes.signed_up_at),
            (Contacts::LastSeenAt, changes.last_seen_at),
            (Contacts::OwnerId, changes.owner_id),
        ] {
            if let Some(value) = value {
                values.push((column, value.into()));
            }
        }
        if let Some(unsubscribed) = changes.unsubscribed_from_emails {
            values.push((Contacts::UnsubscribedFromEmails, unsubscribed.into()));
        }
        if let Some(verified) = changes.email_verified {
            values.push((Contacts::EmailVerified, verified.into()));
        }
        if let Some(changed) = &changes.custom_attributes {
            let attributes = data_attributes::custom(&mut tx, workspace_id, Model::Contact).await?;
            let mut custom = row.custom_attributes.0.clone();
            contact::merge_custom_attributes(&mut custom, changed, &attributes)?;
            values.push((Contacts::CustomAttributes, Expr::val(Json::Object(custom))));
        }
        match tx.execute(Contacts::update(values).and_where(Contacts::Id.col().eq(id))).await {
            Err(StoreError::Conflict { .. }) => {
                return Err(self.conflict(tx, workspace_id, &written, Some(id)).await);
            }
            other => other?,
        };
        let mut topics = vec![match role {
            Role::User => webhook::CONTACT_USER_UPDATED,
            Role::Lead => webhook::CONTACT_LEAD_UPDATED,
        }];
        if current == Role::Lead && role == Role::User {
            topics.push(webhook::CONTACT_LEAD_SIGNED_UP);
        }
        if written.email != row.email {
            topics.push(webhook::CONTACT_EMAIL_UPDATED);
        }
        let mut notices = Vec::new();
        for topic in topics {
            let to = webhooks::subscribers(&mut tx, workspace_id, topic).await?;
            if !to.is_empty() {
                notices.push((topic, to));
            }
        }
        if notices.is_empty() {
            tx.commit().await?;
            // Read after the commit, so SQLite's write lock is not held for it.
            return reads::get(&mut self.conn().await?, workspace_id, id).await;
        }
        let updated = reads::get(&mut tx, workspace_id, id).await?;
        for (topic, to) in notices {
            webhooks::record(&mut tx, workspace_id, topic, &updated, &to).await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a contact and everything that hangs off it (tags, notes, companies, subscriptions).
    pub async fn delete_contact(&self, workspace_id: i64, public_id: &str) -> StoreResult<ContactDeleted> {
        let mut tx = self.begin().await?;
        let row = get_row(&mut tx, workspace_id, public_id).await?;
        crate::store::conversations::participants::forget_contact(&mut tx, row.id).await?;
        tx.execute(Contacts::delete().and_where(Contacts::Id.col().eq(row.id))).await?;
        let identity = json!({"type": "contact", "id": row.public_id, "external_id": row.external_id});
        webhooks::notify(&mut tx, workspace_id, webhook::CONTACT_DELETED, &identity).await?;
        tx.commit().await?;
        Ok(ContactDeleted { id: row.public_id, external_id: row.external_id, kind: "contact", deleted: true })
    }

    /// Archives (hides from listings and search, keeping its data) or unarchives a contact.
    pub async fn set_contact_archived(
        &self,
        workspace_id: i64,
        public_id: &str,
        archived: bool,
    ) -> StoreResult<ContactArchived> {
        let mut tx = self.begin().await?;
        let row = get_row(&mut tx, workspace_id, public_id).await?;
        tx.execute(
            Contacts::update([(Contacts::Archived, archived.into()), (Contacts::UpdatedAt, now().into())])
                .and_where(Contacts::Id.col().eq(row.id)),
        )
        .await?;
        let topic = if archived { webhook::CONTACT_ARCHIVED } else { webhook::CONTACT_UNARCHIVED };
        let to = webhooks::subscribers(&mut tx, workspace_id, topic).await?;
        if !to.is_empty() {
            let contact = reads::get(&mut tx, workspace_id, row.id).await?;
            webhooks::record(&mut tx, workspace_id, topic, &contact, &to).await?;
        }
        tx.commit().await?;
        Ok(ContactArchived { id: row.public_id, external_id: row.external_id, kind: "contact", archived })
    }
}
