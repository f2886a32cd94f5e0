//! The 2.14–2.16 reads and writes of one contact: by external id (410 Gone once merged), its
//! merge history a page at a time, and blocking it.

use sea_query::{Expr, ExprTrait, Order, Query};

use super::{find_id, reads};
use crate::domain::contact::{ByExternalId, Contact, ContactBlocked, MergeHistoryItem, Role};
use crate::domain::error::Missing;
use crate::store::schema::contacts::{ContactMerges, Contacts};
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

/// Which way a merge history is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOrder {
    NewestFirst,
    OldestFirst,
}

/// The id of the contact that a merged contact whose `column` (its id or external id) was
/// `value` now lives on.
async fn merged_into(
    db: &mut impl Exec,
    workspace_id: i64,
    column: ContactMerges,
    value: &str,
) -> StoreResult<Option<String>> {
    let found: Option<(String,)> = db
        .fetch_optional(
            Query::select()
                .expr(Contacts::PublicId.col())
                .from(ContactMerges::Table)
                .inner_join(
                    Contacts::Table,
                    Contacts::Id.col().equals((ContactMerges::Table, ContactMerges::ContactId)),
                )
                .and_where(column.col().eq(value))
                .and_where(Contacts::WorkspaceId.col().eq(workspace_id))
                .order_by((ContactMerges::Table, ContactMerges::MergedAt), Order::Desc)
                .limit(1),
        )
        .await?;
    Ok(found.map(|(id,)| id))
}

impl Store {
    /// The user with this external id (leads are not looked up), or, when a merged contact had
    /// it, the contact it was merged into.
    pub async fn find_contact_by_external_id(
        &self,
        workspace_id: i64,
        external_id: &str,
    ) -> StoreResult<ByExternalId> {
        let mut conn = self.conn().await?;
        let found: Option<(i64, String)> = conn
            .fetch_optional(
                Contacts::select([Contacts::Id, Contacts::Role])
                    .where_eq(Contacts::WorkspaceId, workspace_id)
                    .where_eq(Contacts::ExternalId, external_id),
            )
            .await?;
        match found {
            Some((id, role)) if role == Role::User.as_str() => {
                let contact = reads::get(&mut conn, workspace_id, id).await?;
                return Ok(ByExternalId::Found(Box::new(contact)));
            }
            Some(_) => return Err(Missing::Contact.into()),
            None => {}
        }
        let merged =
            merged_into(&mut conn, workspace_id, ContactMerges::SourceExternalId, external_id).await?;
        Ok(ByExternalId::MergedInto(merged.ok_or(Missing::Contact)?))
    }

    /// The id of the contact that the merged contact `public_id` was merged into, if it was.
    pub async fn contact_merged_into(
        &self,
        workspace_id: i64,
        public_id: &str,
    ) -> StoreResult<Option<String>> {
        merged_into(&mut self.conn().await?, workspace_id, ContactMerges::SourceContactId, public_id).await
    }

    /// Up to `limit` of the contacts merged into the user `public_id`, after skipping `offset`,
    /// and whether there are more. A lead (or no contact) is not found.
    pub async fn contact_merge_history(
        &self,
        workspace_id: i64,
        public_id: &str,
        order: HistoryOrder,
        offset: u64,
        limit: u64,
    ) -> StoreResult<(Vec<MergeHistoryItem>, bool)> {
        let mut conn = self.conn().await?;
        let contact = find_id(&mut conn, workspace_id, public_id).await?;
        let role: String =
            conn.fetch_scalar(Contacts::select([Contacts::Role]).where_eq(Contacts::Id, contact)).await?;
        if role != Role::User.as_str() {
            return Err(Missing::Contact.into());
        }
        let direction = match order {
            HistoryOrder::NewestFirst => Order::Desc,
            HistoryOrder::OldestFirst => Order::Asc,
        };
        let rows: Vec<(String, String, i64)> = conn
            .fetch_all(
                ContactMerges::select([
                    ContactMerges::SourceContactId,
                    ContactMerges::SourceRole,
                    ContactMerges::MergedAt,
                ])
                .where_eq(ContactMerges::ContactId, contact)
                .order_by(ContactMerges::MergedAt, direction.clone())
                .order_by(ContactMerges::SourceContactId, direction)
                .offset(offset)
                .limit(limit + 1),
            )
            .await?;
        let has_more = rows.len() as u64 > limit;
        let items = rows
            .into_iter()
            .take(limit as usize)
            .map(|(source, role, at)| MergeHistoryItem {
                kind: "merge_history",
                source_contact_id: source,
                source_contact_role: Role::parse(&role).unwrap_or(Role::Lead),
                merged_at: Some(at),
            })
            .collect();
        Ok((items, has_more))
    }

    /// Blocks a contact and closes its open and snoozed conversations (Intercom archives
    /// them), as `admin_id`, in one transaction.
    pub async fn block_contact(
        &self,
        workspace_id: i64,
        public_id: &str,
        admin_id: i64,
    ) -> StoreResult<ContactBlocked> {
        let mut tx = self.begin().await?;
        let id = find_id(&mut tx, workspace_id, public_id).await?;
        super::lock(&mut tx, id).await?;
        let contact: Contact = reads::get(&mut tx, workspace_id, id).await?;
        tx.execute(
            Contacts::update([(Contacts::Blocked, Expr::val(true)), (Contacts::UpdatedAt, now().into())])
                .where_eq(Contacts::Id, id),
        )
        .await?;
        crate::store::conversations::lifecycle::close_for_blocked(&mut tx, workspace_id, id, admin_id)
            .await?;
        tx.commit().await?;
        Ok(ContactBlocked {
            kind: "contact",
            id: contact.id,
            external_id: contact.external_id,
            blocked: true,
        })
    }
}
