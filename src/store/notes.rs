//! Notes about contacts and companies, written by admins.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use sea_query::Order;

use crate::domain::admin::Admin;
use crate::domain::error::Missing;
use crate::domain::ids::TypedRef;
use crate::domain::note::Note;
use crate::store::schema::companies::Companies;
use crate::store::schema::notes::{NoteRow, Notes};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};
use crate::store::{admins, companies, contacts};

/// What a note is about.
#[derive(Debug, Clone, Copy)]
enum Subject {
    Contact(i64),
    Company(i64),
}

fn select(workspace_id: i64) -> sea_query::SelectStatement {
    Notes::select_rows().where_eq(Notes::WorkspaceId, workspace_id).take()
}

async fn company_public_id(db: &mut impl Exec, id: i64) -> StoreResult<String> {
    let (public_id,): (String,) =
        db.fetch_one(&Companies::select([Companies::PublicId]).where_eq(Companies::Id, id).take()).await?;
    Ok(public_id)
}

/// Notes with their contact's or company's API id and their author.
async fn load(db: &mut impl Exec, workspace_id: i64, rows: Vec<NoteRow>) -> StoreResult<Vec<Note>> {
    let mut authors: HashMap<i64, Admin> = HashMap::new();
    let mut contact_ids: HashMap<i64, String> = HashMap::new();
    let mut company_ids: HashMap<i64, String> = HashMap::new();
    let mut notes = Vec::with_capacity(rows.len());
    for r in rows {
        if let Entry::Vacant(slot) = authors.entry(r.admin_id) {
            let mut admin = admins::get(db, workspace_id, r.admin_id).await?;
            admin.avatar = None;
            slot.insert(admin);
        }
        let mut contact = None;
        if let Some(id) = r.contact_id {
            if let Entry::Vacant(slot) = contact_ids.entry(id) {
                slot.insert(contacts::public_id(db, id).await?);
            }
            contact = Some(TypedRef { kind: "contact", id: contact_ids[&id].clone() });
        }
        let mut company = None;
        if let Some(id) = r.company_id {
            if let Entry::Vacant(slot) = company_ids.entry(id) {
                slot.insert(company_public_id(db, id).await?);
            }
            company = Some(TypedRef { kind: "company", id: company_ids[&id].clone() });
        }
        notes.push(Note {
            kind: "note",
            id: r.id,
            created_at: r.created_at,
            contact,
            company,
            author: authors[&r.admin_id].clone(),
            body: r.body,
        });
    }
    Ok(notes)
}

async fn insert(
    db: &mut impl Exec,
    workspace_id: i64,
    about: Subject,
    admin_id: i64,
    body: &str,
) -> StoreResult<Note> {
    match admins::get(db, workspace_id, admin_id).await {
        // The notes endpoints name no unknown admin: it is a missing resource.
        Err(StoreError::NotFound(_)) => return Err(Missing::Resource.into()),
        other => other?,
    };
    let (contact_id, company_id) = match about {
        Subject::Contact(id) => (Some(id), None),
        Subject::Company(id) => (None, Some(id)),
    };
    let id: i64 = db
        .fetch_scalar(
            Notes::insert([
                (Notes::WorkspaceId, workspace_id.into()),
                (Notes::ContactId, contact_id.into()),
                (Notes::CompanyId, company_id.into()),
                (Notes::AdminId, admin_id.into()),
                (Notes::Body, body.into()),
                (Notes::CreatedAt, now().into()),
            ])
            .returning_col(Notes::Id),
        )
        .await?;
    let row: NoteRow = db.fetch_one(select(workspace_id).where_eq(Notes::Id, id)).await?;
    Ok(load(db, workspace_id, vec![row]).await?.remove(0))
}

/// One page (1-based) of the notes about a contact or company, newest first, and their total.
async fn page(
    db: &mut impl Exec,
    workspace_id: i64,
    about: Subject,
    page: u64,
    per_page: u64,
) -> StoreResult<(Vec<Note>, i64)> {
    let (column, id) = match about {
        Subject::Contact(id) => (Notes::ContactId, id),
        Subject::Company(id) => (Notes::CompanyId, id),
    };
    let total: i64 = db.fetch_scalar(Notes::count(Notes::Id).where_eq(column, id)).await?;
    let rows: Vec<NoteRow> = db
        .fetch_all(
            select(workspace_id)
                .where_eq(column, id)
                .order_by(Notes::CreatedAt, Order::Desc)
                .order_by(Notes::Id, Order::Desc)
                .limit(per_page)
                .offset((page - 1) * per_page),
        )
        .await?;
    Ok((load(db, workspace_id, rows).await?, total))
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
        let note = insert(&mut tx, workspace_id, Subject::Contact(contact_id), admin_id, body).await?;
        tx.commit().await?;
        Ok(note)
    }

    /// Adds a note by `admin_id` to a company (by its API id).
    pub async fn create_company_note(
        &self,
        workspace_id: i64,
        company: &str,
        admin_id: i64,
        body: &str,
    ) -> StoreResult<Note> {
        let mut tx = self.begin().await?;
        let company_id = companies::find_public(&mut tx, workspace_id, company).await?;
        let note = insert(&mut tx, workspace_id, Subject::Company(company_id), admin_id, body).await?;
        tx.commit().await?;
        Ok(note)
    }

    /// One page (1-based) of a contact's notes, newest first, and their total.
    pub async fn list_notes(
        &self,
        workspace_id: i64,
        contact: &str,
        page_number: u64,
        per_page: u64,
    ) -> StoreResult<(Vec<Note>, i64)> {
        let mut conn = self.conn().await?;
        let contact_id = contacts::find_id(&mut conn, workspace_id, contact).await?;
        page(&mut conn, workspace_id, Subject::Contact(contact_id), page_number, per_page).await
    }

    /// One page (1-based) of a company's notes, newest first, and their total.
    pub async fn list_company_notes(
        &self,
        workspace_id: i64,
        company: &str,
        page_number: u64,
        per_page: u64,
    ) -> StoreResult<(Vec<Note>, i64)> {
        let mut conn = self.conn().await?;
        let company_id = companies::find_public(&mut conn, workspace_id, company).await?;
        page(&mut conn, workspace_id, Subject::Company(company_id), page_number, per_page).await
    }

    pub async fn get_note(&self, workspace_id: i64, id: i64) -> StoreResult<Note> {
        let mut conn = self.conn().await?;
        let row: NoteRow = conn.fetch_one(select(workspace_id).where_eq(Notes::Id, id)).await?;
        Ok(load(&mut conn, workspace_id, vec![row]).await?.remove(0))
    }
}
