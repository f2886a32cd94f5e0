//! Notes about contacts, written by admins.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use sea_query::Order;

use crate::domain::admin::Admin;
use crate::domain::error::Missing;
use crate::domain::note::{Note, NoteContact};
use crate::store::admins;
use crate::store::contacts;
use crate::store::schema::notes::{NoteRow, Notes};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

fn select(workspace_id: i64) -> sea_query::SelectStatement {
    Notes::select_rows().where_eq(Notes::WorkspaceId, workspace_id).take()
}

/// Notes with their contact's API id and their author.
async fn load(db: &mut impl Exec, workspace_id: i64, rows: Vec<NoteRow>) -> StoreResult<Vec<Note>> {
    let mut authors: HashMap<i64, Admin> = HashMap::new();
    let mut contact_ids: HashMap<i64, String> = HashMap::new();
    let mut notes = Vec::with_capacity(rows.len());
    for r in rows {
        if let Entry::Vacant(slot) = authors.entry(r.admin_id) {
            let mut admin = admins::get(db, workspace_id, r.admin_id).await?;
            admin.avatar = None;
            slot.insert(admin);
        }
        if let Entry::Vacant(slot) = contact_ids.entry(r.contact_id) {
            slot.insert(contacts::public_id(db, r.contact_id).await?);
        }
        notes.push(Note {
            kind: "note",
            id: r.id,
            created_at: r.created_at,
            contact: NoteContact { kind: "contact", id: contact_ids[&r.contact_id].clone() },
            company: None,
            author: authors[&r.admin_id].clone(),
            body: r.body,
        });
    }
    Ok(notes)
}

impl Store {
    /// Adds a note by `admin_id` (an admin of the workspace) to a contact.
    pub async fn create_note(
        &self,
        workspace_id: i64,
        contact: &str,
        admin_id: i64,
        body: &str,
    ) -> StoreResult<Note> {
        let mut tx = self.begin().await?;
        let contact_id = contacts::find_id(&mut tx, workspace_id, contact).await?;
        match admins::get(&mut tx, workspace_id, admin_id).await {
            // The notes endpoints name no unknown admin: it is a missing resource.
            Err(StoreError::NotFound(_)) => return Err(Missing::Resource.into()),
            other => other?,
        };
        let id: i64 = tx
            .fetch_scalar(
                Notes::insert([
                    (Notes::WorkspaceId, workspace_id.into()),
                    (Notes::ContactId, contact_id.into()),
                    (Notes::AdminId, admin_id.into()),
                    (Notes::Body, body.into()),
                    (Notes::CreatedAt, now().into()),
                ])
                .returning_col(Notes::Id),
            )
            .await?;
        let row: NoteRow = tx.fetch_one(select(workspace_id).where_eq(Notes::Id, id)).await?;
        let note = load(&mut tx, workspace_id, vec![row]).await?.remove(0);
        tx.commit().await?;
        Ok(note)
    }

    /// One page (1-based) of a contact's notes, newest first, and their total.
    pub async fn list_notes(
        &self,
        workspace_id: i64,
        contact: &str,
        page: u64,
        per_page: u64,
    ) -> StoreResult<(Vec<Note>, i64)> {
        let mut conn = self.conn().await?;
        let contact_id = contacts::find_id(&mut conn, workspace_id, contact).await?;
        let total: i64 =
            conn.fetch_scalar(Notes::count(Notes::Id).where_eq(Notes::ContactId, contact_id)).await?;
        let rows: Vec<NoteRow> = conn
            .fetch_all(
                select(workspace_id)
                    .where_eq(Notes::ContactId, contact_id)
                    .order_by(Notes::CreatedAt, Order::Desc)
                    .order_by(Notes::Id, Order::Desc)
                    .limit(per_page)
                    .offset((page - 1) * per_page),
            )
            .await?;
        Ok((load(&mut conn, workspace_id, rows).await?, total))
    }

    pub async fn get_note(&self, workspace_id: i64, id: i64) -> StoreResult<Note> {
        let mut conn = self.conn().await?;
        let row: NoteRow = conn.fetch_one(select(workspace_id).where_eq(Notes::Id, id)).await?;
        Ok(load(&mut conn, workspace_id, vec![row]).await?.remove(0))
    }
}
