//! Bulk import: many contacts, taggings and company attachments per transaction, written with
//! multi-row INSERTs on SQLite and `COPY` on PostgreSQL (`copy`). Every item is checked by the
//! same rules as its single-item API write (`create_contact`, `tag_contact`,
//! `attach_company`); one refused item refuses the batch, and nothing of it is written. The
//! triggers of the schema (SQLite's trigram FTS table, companies' `last_request_at`, the typed
//! custom-attribute index) fire as they do for single writes: per row on SQLite, once per
//! statement over its rows on PostgreSQL where migration 0023 made them statement triggers.
//!
//! `lines` is what `switchboard import` writes with: NDJSON bodies of `POST /contacts` or
//! `POST /companies`, a transaction a batch.

mod copy;
mod lines;

pub use lines::{BatchError, CompanyLine, ContactBatch};

use copy::CopyRows;

use std::collections::{HashMap, HashSet};

use sea_query::{
    Condition, Expr, ExprTrait, Func, Iden, IntoIden, OnConflict, Query, SelectStatement, Value,
};
use serde_json::{Map, Value as Json};

use crate::domain::company::MAX_COMPANIES_PER_CONTACT;
use crate::domain::contact::{self, ContactChanges, Rejection, Role};
use crate::domain::data_attribute::Model;
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::store::contacts::is_user;
use crate::store::contacts::writes::{self, Written};
use crate::store::data_attributes;
use crate::store::schema::admins::Admins;
use crate::store::schema::companies::{Companies, ContactCompanies};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::tags::{ContactTags, Tags};
use crate::store::{Backend, ConnRef, Exec, Session, Store, StoreError, StoreResult, WhereEq, now};

/// Rows per INSERT: 17 contact columns x 1000 rows stays under SQLite's 32766 bound
/// parameters (PostgreSQL allows 65535).
const ROWS_PER_STATEMENT: usize = 1000;

/// Why a batch was refused; nothing of it was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Item `index` of the batch is refused as its single write would be.
    #[error("item {index}: {rejection:?}")]
    Rejected { index: usize, rejection: Rejection },
    /// Item `index` repeats the email (users) or external_id of item `first` of the same batch.
    #[error("item {index}: duplicate of item {first} of the same batch")]
    DuplicateInBatch { index: usize, first: usize },
    /// A link names a contact, tag or company the workspace does not have.
    #[error("{} {name} not found", noun(*.missing))]
    NotFound { missing: Missing, name: String },
    /// The contact would have more than `MAX_COMPANIES_PER_CONTACT` companies.
    #[error("contact {0}: too many companies")]
    ContactCompanyLimit(String),
}

pub type ImportResult<T> = Result<T, ImportError>;

/// What a link names, as the loader's messages say it.
fn noun(missing: Missing) -> &'static str {
    match missing {
        Missing::Contact => "contact",
        Missing::Tag => "tag",
        Missing::Company => "company",
        _ => "object",
    }
}

/// One contact, checked: what `create_contact` would insert.
struct Row {
    written: Written,
    custom: Map<String, Json>,
}

/// How the unique index of users' emails folds case: SQLite's `lower()` folds ASCII only.
fn fold(backend: Backend, email: &str) -> String {
    match backend {
        Backend::Sqlite => email.to_ascii_lowercase(),
        Backend::Postgres => email.to_lowercase(),
    }
}

/// A batch writes all over the contacts' indexes and the trigram table: with SQLite's default
/// 2 MB page cache most of those pages are reread from the OS at every statement, and ever more
/// of them as the tables grow. The connection that imports keeps 256 MB of them and reads the
/// file through a memory map.
async fn widen_cache(db: &mut impl Exec) -> StoreResult<()> {
    if let Session::Sqlite(conn) = db.session() {
        conn.pragma_update(None, "cache_size", -262144)?;
        conn.pragma_update_and_check(None, "mmap_size", 17179869184i64, |_| Ok(()))?;
    }
    Ok(())
}

fn rejected(index: usize) -> impl Fn(Rejection) -> ImportError {
    move |rejection| ImportError::Rejected { index, rejection }
}

impl Store {
    /// Creates `items` as `POST /contacts` would, in one transaction, and returns their API ids
    /// in input order.
    pub async fn import_contacts(
        &self,
        workspace_id: i64,
        items: &[ContactChanges],
    ) -> ImportResult<Vec<String>> {
        let mut tx = self.begin().await?;
        widen_cache(&mut tx).await?;
        let ids = insert_contacts(&mut tx, self.backend(), workspace_id, items).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// PostgreSQL: refreshes the planner's statistics of the tables an import grows. Without
    /// autovacuum, a table loaded from empty keeps the statistics of an empty table, and the
    /// import's own lookups (a thousand emails or ids an `= ANY`) are then planned as a filter
    /// over every row of the workspace instead of index descents: seconds per lookup by 50,000
    /// rows. `ANALYZE` samples a bounded number of rows, and makes prepared statements replan.
    pub async fn refresh_import_statistics(&self) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        if let ConnRef::Postgres(conn) = tx.conn() {
            sqlx::raw_sql("ANALYZE contacts, contact_tags, contact_companies").execute(&mut *conn).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Applies tags to contacts as `POST /contacts/{id}/tags` would (by `admin_id`, now; a tag
    /// already applied stays as it was), in one transaction. `links` are (contact API id, tag id).
    pub async fn import_contact_tags(
        &self,
        workspace_id: i64,
        admin_id: i64,
        links: &[(&str, i64)],
    ) -> ImportResult<()> {
        let mut tx = self.begin().await?;
        widen_cache(&mut tx).await?;
        let mut tags: Vec<i64> = links.iter().map(|(_, t)| *t).collect();
        tags.sort_unstable();
        tags.dedup();
        let found: Vec<(i64,)> = tx
            .fetch_all(
                Tags::select([Tags::Id])
                    .where_eq(Tags::WorkspaceId, workspace_id)
                    .and_where(Expr::col(Tags::Id).is_in(tags.iter().copied())),
            )
            .await?;
        let found: HashSet<i64> = found.into_iter().map(|(id,)| id).collect();
        if let Some(missing) = tags.iter().find(|t| !found.contains(t)) {
            return Err(ImportError::NotFound { missing: Missing::Tag, name: missing.to_string() });
        }
        insert_taggings(&mut tx, workspace_id, admin_id, links).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Attaches companies to contacts as `POST /contacts/{id}/companies` would (an attachment
    /// already there stays as it was), in one transaction. `links` are (contact API id,
    /// company API id).
    pub async fn import_contact_companies(
        &self,
        workspace_id: i64,
        links: &[(&str, &str)],
    ) -> ImportResult<()> {
        let mut tx = self.begin().await?;
        widen_cache(&mut tx).await?;
        let backend = self.backend();
        let company_ids = ids_by_public(&mut tx, links.iter().map(|(_, c)| *c), Missing::Company, |chunk| {
            // By their keys: the workspace is a guard (`where_guard`), not the index to read.
            Companies::select([Companies::Id, Companies::PublicId])
                .where_guard(backend, Companies::WorkspaceId, workspace_id)
                .and_where(Companies::ArchivedAt.col().is_null())
                .and_where(Expr::col(Companies::PublicId).is_in(chunk.iter().copied()))
                .take()
        })
        .await?;
        let links: Vec<(&str, i64)> =
            links.iter().map(|(contact, company)| (*contact, company_ids[*company])).collect();
        attach_companies(&mut tx, workspace_id, &links).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Creates `items` as `POST /contacts` would, in the caller's transaction, and returns their
/// API ids in input order.
pub(crate) async fn insert_contacts(
    tx: &mut impl Exec,
    backend: Backend,
    workspace_id: i64,
    items: &[ContactChanges],
) -> ImportResult<Vec<String>> {
    let mut rows = Vec::with_capacity(items.len());
    let mut by_external: HashMap<String, usize> = HashMap::new();
    let mut by_email: HashMap<String, usize> = HashMap::new();
    for (index, changes) in items.iter().enumerate() {
        let role = changes.role.unwrap_or(Role::User);
        let email = contact::clean_email(changes.email.clone().flatten()).map_err(rejected(index))?;
        let external_id = writes::trimmed(changes.external_id.clone()).flatten();
        if role == Role::User && email.is_none() && external_id.is_none() {
            return Err(ImportError::Rejected { index, rejection: Rejection::UserWithoutIdentity });
        }
        rows.push(Row { written: Written { role, email, external_id }, custom: Map::new() });
    }
    for (index, row) in rows.iter().enumerate() {
        if let Some(external_id) = &row.written.external_id
            && let Some(first) = by_external.insert(external_id.clone(), index)
        {
            return Err(ImportError::DuplicateInBatch { index, first });
        }
        if let (Role::User, Some(email)) = (row.written.role, &row.written.email)
            && let Some(first) = by_email.insert(fold(backend, email), index)
        {
            return Err(ImportError::DuplicateInBatch { index, first });
        }
    }

    let mut owners: Vec<i64> = items.iter().filter_map(|c| c.owner_id.flatten()).collect();
    owners.sort_unstable();
    owners.dedup();
    if !owners.is_empty() {
        let found: Vec<(i64,)> = tx
            .fetch_all(
                Admins::select([Admins::Id])
                    .where_eq(Admins::WorkspaceId, workspace_id)
                    .and_where(Expr::col(Admins::Id).is_in(owners.iter().copied())),
            )
            .await?;
        if let Some(index) =
            items.iter().position(|c| c.owner_id.flatten().is_some_and(|o| !found.contains(&(o,))))
        {
            return Err(ImportError::Rejected { index, rejection: Rejection::OwnerNotFound });
        }
    }
    if items.iter().any(|c| c.custom_attributes.is_some()) {
        let attributes = data_attributes::custom(tx, workspace_id, Model::Contact).await?;
        for (index, (changes, row)) in items.iter().zip(rows.iter_mut()).enumerate() {
            if let Some(values) = &changes.custom_attributes {
                contact::merge_custom_attributes(&mut row.custom, values, &attributes)
                    .map_err(rejected(index))?;
            }
        }
    }
    check_existing(tx, backend, workspace_id, &rows, &by_external, &by_email).await?;

    let at = now();
    let public_ids: Vec<String> = rows.iter().map(|_| ids::hex_id(at)).collect();
    if let ConnRef::Postgres(conn) = tx.conn() {
        let mut copy = CopyRows::new(Contacts::Table);
        for ((changes, row), public_id) in items.iter().zip(rows).zip(&public_ids) {
            let values =
                writes::new_row(public_id.clone(), workspace_id, at, &row.written, changes, row.custom);
            copy.push(values)?;
        }
        copy.send(conn).await?;
        return Ok(public_ids);
    }
    let mut index = 0;
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let mut insert = writes::new_rows();
        for changes in chunk {
            let row = &mut rows[index];
            let custom = std::mem::take(&mut row.custom);
            let public_id = public_ids[index].clone();
            writes::add_new_row(&mut insert, public_id, workspace_id, at, &row.written, changes, custom);
            index += 1;
        }
        tx.execute(&insert).await?;
    }
    Ok(public_ids)
}

/// Applies tags (ids of the workspace's tags) to contacts in the caller's transaction, as
/// `POST /contacts/{id}/tags` would. `links` are (contact API id, tag id).
pub(crate) async fn insert_taggings(
    tx: &mut impl Exec,
    workspace_id: i64,
    admin_id: i64,
    links: &[(&str, i64)],
) -> ImportResult<()> {
    let contact_ids = contact_ids(tx, workspace_id, links.iter().map(|(c, _)| *c)).await?;
    let at = now();
    let rows = links
        .iter()
        .map(|(contact, tag)| [contact_ids[*contact].into(), (*tag).into(), at.into(), admin_id.into()]);
    let columns =
        [ContactTags::ContactId, ContactTags::TagId, ContactTags::AppliedAt, ContactTags::AppliedBy];
    insert_links(tx, ContactTags::Table, columns, rows.collect()).await?;
    Ok(())
}

/// Attaches companies (internal ids of the workspace's live companies) to contacts in the
/// caller's transaction, as `POST /contacts/{id}/companies` would. `links` are (contact API
/// id, company id).
pub(crate) async fn attach_companies(
    tx: &mut impl Exec,
    workspace_id: i64,
    links: &[(&str, i64)],
) -> ImportResult<()> {
    let contact_ids = contact_ids(tx, workspace_id, links.iter().map(|(c, _)| *c)).await?;
    // The per-contact limit, counted over what the contact has plus what the batch adds.
    let mut attached: HashMap<i64, HashSet<i64>> = HashMap::new();
    let contacts: Vec<i64> = contact_ids.values().copied().collect();
    for chunk in contacts.chunks(ROWS_PER_STATEMENT) {
        let existing: Vec<(i64, i64)> = tx
            .fetch_all(
                ContactCompanies::select([ContactCompanies::ContactId, ContactCompanies::CompanyId])
                    .and_where(Expr::col(ContactCompanies::ContactId).is_in(chunk.iter().copied())),
            )
            .await?;
        for (contact, company) in existing {
            attached.entry(contact).or_default().insert(company);
        }
    }
    for (contact, company) in links {
        let set = attached.entry(contact_ids[*contact]).or_default();
        set.insert(*company);
        if set.len() as i64 > MAX_COMPANIES_PER_CONTACT {
            return Err(ImportError::ContactCompanyLimit((*contact).to_owned()));
        }
    }
    let at = now();
    let rows =
        links.iter().map(|(contact, company)| [contact_ids[*contact].into(), (*company).into(), at.into()]);
    let columns = [ContactCompanies::ContactId, ContactCompanies::CompanyId, ContactCompanies::CreatedAt];
    insert_links(tx, ContactCompanies::Table, columns, rows.collect()).await?;
    Ok(())
}

/// Inserts `rows` into a table of links, keyed by its first two columns, in statements of
/// [`ROWS_PER_STATEMENT`] rows; a link already there stays as it was.
async fn insert_links<C: IntoIden + Copy, const N: usize>(
    db: &mut impl Exec,
    table: C,
    columns: [C; N],
    rows: Vec<[Expr; N]>,
) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut insert = Query::insert();
        insert
            .into_table(table)
            .columns(columns)
            .on_conflict(OnConflict::columns([columns[0], columns[1]]).do_nothing().to_owned());
        for row in chunk {
            insert.values_panic(row.clone());
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Inserts links that cannot be there yet (those of contacts the transaction created, each
/// once): COPY on PostgreSQL, [`insert_links`] on SQLite.
async fn insert_new_links<C: IntoIden + Iden + Copy, const N: usize>(
    db: &mut impl Exec,
    table: C,
    columns: [C; N],
    rows: Vec<[Value; N]>,
) -> StoreResult<()> {
    if let ConnRef::Postgres(conn) = db.conn() {
        let mut copy = CopyRows::new(table);
        for row in rows {
            copy.push(columns.into_iter().zip(row))?;
        }
        return copy.send(conn).await;
    }
    insert_links(db, table, columns, rows.into_iter().map(|row| row.map(Expr::val)).collect()).await
}

/// A contact that may collide: public_id, archived, role, external_id, email.
type Existing = (String, bool, String, Option<String>, Option<String>);

/// Refuses the batch if a contact of the workspace already holds one of its external_ids, or
/// (users) emails: the duplicate `create_contact` reports, found for the whole batch at once.
async fn check_existing(
    db: &mut impl Exec,
    backend: Backend,
    workspace_id: i64,
    rows: &[Row],
    by_external: &HashMap<String, usize>,
    by_email: &HashMap<String, usize>,
) -> ImportResult<()> {
    let external: Vec<&str> = by_external.keys().map(String::as_str).collect();
    let emails: Vec<&str> = rows
        .iter()
        .filter(|r| r.written.role == Role::User)
        .filter_map(|r| r.written.email.as_deref())
        .collect();
    // Two lookups rather than one OR, so that each is sure to be served by its index.
    let mut conditions = Vec::new();
    for chunk in external.chunks(ROWS_PER_STATEMENT) {
        conditions.push(Condition::all().add(Expr::col(Contacts::ExternalId).is_in(chunk.iter().copied())));
    }
    for chunk in emails.chunks(ROWS_PER_STATEMENT) {
        // Folded by the database, as the unique index folds it.
        conditions.push(
            Condition::all().add(is_user()).add(
                Expr::expr(Func::lower(Expr::col(Contacts::Email)))
                    .is_in(chunk.iter().map(|e| Func::lower(Expr::val(*e)))),
            ),
        );
    }
    let mut first: Option<(usize, Rejection)> = None;
    for same in conditions {
        let found: Vec<Existing> = db
            .fetch_all(
                Contacts::select([
                    Contacts::PublicId,
                    Contacts::Archived,
                    Contacts::Role,
                    Contacts::ExternalId,
                    Contacts::Email,
                ])
                .where_eq(Contacts::WorkspaceId, workspace_id)
                .cond_where(same),
            )
            .await?;
        for (existing_id, archived, role, external_id, email) in found {
            let by_id = external_id.as_deref().and_then(|e| by_external.get(e));
            let by_mail =
                email.filter(|_| role == Role::User.as_str()).and_then(|e| by_email.get(&fold(backend, &e)));
            // A match the database folds differently still refuses the batch, at item 0.
            let index = by_id.or(by_mail).copied().unwrap_or(0);
            if first.as_ref().is_none_or(|(i, _)| index < *i) {
                first = Some((index, Rejection::Duplicate { existing_id, archived }));
            }
        }
    }
    match first {
        Some((index, rejection)) => Err(ImportError::Rejected { index, rejection }),
        None => Ok(()),
    }
}

/// The internal ids of the workspace's contacts named by API id; any unknown one refuses.
async fn contact_ids<'a>(
    db: &mut impl Exec,
    workspace_id: i64,
    names: impl Iterator<Item = &'a str>,
) -> ImportResult<HashMap<&'a str, i64>> {
    let backend = db.backend();
    ids_by_public(db, names, Missing::Contact, |chunk| {
        // By their keys: the workspace is a guard (`where_guard`), not the index to read; SQLite
        // would otherwise read the whole workspace for each chunk, the import's cost growing
        // with the square of its size.
        Contacts::select([Contacts::Id, Contacts::PublicId])
            .where_guard(backend, Contacts::WorkspaceId, workspace_id)
            .and_where(Expr::col(Contacts::PublicId).is_in(chunk.iter().copied()))
            .take()
    })
    .await
}

/// The internal ids of rows named by API id, `lookup` selecting `(id, public_id)` for a chunk
/// of the names; the first unknown one (in sorted order) refuses the batch as `missing`.
async fn ids_by_public<'a>(
    db: &mut impl Exec,
    names: impl Iterator<Item = &'a str>,
    missing: Missing,
    lookup: impl Fn(&[&str]) -> SelectStatement,
) -> ImportResult<HashMap<&'a str, i64>> {
    let mut wanted: Vec<&str> = names.collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut ids = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
        let found: Vec<(i64, String)> = db.fetch_all(&lookup(chunk)).await?;
        let found: HashMap<String, i64> = found.into_iter().map(|(id, public)| (public, id)).collect();
        for name in chunk {
            match found.get(*name) {
                Some(id) => ids.insert(*name, *id),
                None => return Err(ImportError::NotFound { missing, name: (*name).to_owned() }),
            };
        }
    }
    Ok(ids)
}
