//! The batches of `switchboard import`: contacts with the tags (by name) and companies (by
//! `company_id`) to attach, or companies, each batch in one transaction. A refused item
//! refuses its batch and names the item, with the error the API would answer for its line.

use std::collections::HashMap;

use sea_query::ExprTrait;

use super::{ImportError, contact_ids, insert_contacts, insert_new_links, widen_cache};
use crate::domain::company::{CompanyChanges, MAX_COMPANIES_PER_CONTACT, contact_company_limit};
use crate::domain::contact::ContactChanges;
use crate::domain::error::{ErrorCode, Missing, Rejection};
use crate::store::companies::writes::upsert;
use crate::store::schema::companies::{self, Companies, ContactCompanies};
use crate::store::schema::tags::ContactTags;
use crate::store::{Exec, Store, StoreError, now, tags};

/// Names per lookup statement, as for the rows of an INSERT.
const NAMES_PER_STATEMENT: usize = super::ROWS_PER_STATEMENT;

/// Contacts to create, one entry per line in each vector: the `POST /contacts` body, the
/// names of the tags to apply (created if missing) and the `company_id`s to attach.
#[derive(Default)]
pub struct ContactBatch {
    pub lines: Vec<u64>,
    pub changes: Vec<ContactChanges>,
    pub tags: Vec<Vec<String>>,
    pub companies: Vec<Vec<String>>,
}

impl ContactBatch {
    pub fn push(&mut self, line: u64, changes: ContactChanges, tags: Vec<String>, companies: Vec<String>) {
        self.lines.push(line);
        self.changes.push(changes);
        self.tags.push(tags);
        self.companies.push(companies);
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// A company to create or update as `POST /companies` would, from line `line`.
pub struct CompanyLine {
    pub line: u64,
    pub company_id: String,
    pub changes: CompanyChanges,
}

/// Why a batch was not written.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Item `index` of the batch is refused with what the API would answer for it.
    #[error("item {index}: {}", error.message)]
    Item { index: usize, error: Rejection },
    /// The database failed: not the batch's fault, and the next batch would fail too.
    #[error(transparent)]
    Store(StoreError),
}

impl BatchError {
    /// A store error of item `index`: a refusal is the item's; anything else is the database's.
    fn of_item(index: usize, err: StoreError) -> Self {
        match err {
            StoreError::Rejected(error) => BatchError::Item { index, error },
            StoreError::NotFound(missing) => BatchError::Item { index, error: missing.into() },
            // A concurrent writer took a unique value between the check and the insert.
            StoreError::Conflict { .. } => BatchError::Item {
                index,
                error: Rejection::new(ErrorCode::Conflict, "A conflicting object already exists"),
            },
            other => BatchError::Store(other),
        }
    }
}

impl From<StoreError> for BatchError {
    fn from(err: StoreError) -> Self {
        BatchError::Store(err)
    }
}

impl ContactBatch {
    /// The error of the API for what `insert_contacts` and the links refused.
    fn refusal(&self, err: ImportError, ids: &[String]) -> BatchError {
        match err {
            ImportError::Store(err) => BatchError::of_item(0, err),
            ImportError::Rejected { index, rejection } => BatchError::Item { index, error: rejection.into() },
            ImportError::DuplicateInBatch { index, first } => BatchError::Item {
                index,
                error: Rejection::new(
                    ErrorCode::Conflict,
                    format!("A contact matching those details is already on line {}", self.lines[first]),
                ),
            },
            ImportError::NotFound { missing, .. } => BatchError::Item { index: 0, error: missing.into() },
            ImportError::ContactCompanyLimit(id) => BatchError::Item {
                index: ids.iter().position(|i| *i == id).unwrap_or(0),
                error: contact_company_limit(),
            },
        }
    }
}

impl Store {
    /// Creates the batch's contacts with their tags and companies, all in one transaction, as
    /// `POST /contacts`, `POST /contacts/{id}/tags` (by `admin_id`) and
    /// `POST /contacts/{id}/companies` would; returns how many contacts were created.
    pub async fn import_contact_batch(
        &self,
        workspace_id: i64,
        admin_id: i64,
        batch: &ContactBatch,
    ) -> Result<usize, BatchError> {
        let mut tx = self.begin().await?;
        widen_cache(&mut tx).await?;
        let backend = self.backend();
        let ids = insert_contacts(&mut tx, backend, workspace_id, &batch.changes)
            .await
            .map_err(|e| batch.refusal(e, &[]))?;

        let mut tag_ids: HashMap<String, i64> = HashMap::new();
        let mut taggings: Vec<Vec<i64>> = Vec::with_capacity(ids.len());
        for names in &batch.tags {
            let mut tags = Vec::with_capacity(names.len());
            for name in names {
                // Names compare without case, as `find_or_create` finds them.
                let key = name.to_lowercase();
                let tag = match tag_ids.get(&key) {
                    Some(tag) => *tag,
                    None => {
                        let tag = tags::find_or_create(&mut tx, workspace_id, name).await?.id;
                        *tag_ids.entry(key).or_insert(tag)
                    }
                };
                // A tag named twice is applied once.
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            taggings.push(tags);
        }
        let company_ids = company_ids(&mut tx, workspace_id, batch).await?;
        let mut attachments: Vec<Vec<i64>> = Vec::with_capacity(ids.len());
        for (index, names) in batch.companies.iter().enumerate() {
            let mut companies: Vec<i64> = Vec::with_capacity(names.len());
            for name in names {
                let company = company_ids[name.as_str()];
                if !companies.contains(&company) {
                    companies.push(company);
                }
            }
            // The contacts are new: what the batch attaches is all they have.
            if companies.len() as i64 > MAX_COMPANIES_PER_CONTACT {
                return Err(BatchError::Item { index, error: contact_company_limit() });
            }
            attachments.push(companies);
        }
        if taggings.iter().chain(&attachments).any(|links| !links.is_empty()) {
            let contacts = contact_ids(&mut tx, workspace_id, ids.iter().map(String::as_str))
                .await
                .map_err(|e| batch.refusal(e, &ids))?;
            let contacts: Vec<i64> = ids.iter().map(|id| contacts[id.as_str()]).collect();
            // The links of new contacts are new too: none to skip, so PostgreSQL copies them.
            let at = now();
            let rows = contacts.iter().zip(&taggings).flat_map(|(contact, tags)| {
                tags.iter().map(move |tag| [(*contact).into(), (*tag).into(), at.into(), admin_id.into()])
            });
            let columns =
                [ContactTags::ContactId, ContactTags::TagId, ContactTags::AppliedAt, ContactTags::AppliedBy];
            insert_new_links(&mut tx, ContactTags::Table, columns, rows.collect()).await?;
            let at = now();
            let rows = contacts.iter().zip(&attachments).flat_map(|(contact, companies)| {
                companies.iter().map(move |company| [(*contact).into(), (*company).into(), at.into()])
            });
            let columns =
                [ContactCompanies::ContactId, ContactCompanies::CompanyId, ContactCompanies::CreatedAt];
            insert_new_links(&mut tx, ContactCompanies::Table, columns, rows.collect()).await?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }

    /// Creates or updates the companies of `lines` as `POST /companies` would, one after the
    /// other in one transaction; returns how many lines were written.
    pub async fn import_company_batch(
        &self,
        workspace_id: i64,
        lines: &[CompanyLine],
    ) -> Result<usize, BatchError> {
        let mut tx = self.begin().await?;
        widen_cache(&mut tx).await?;
        for (index, line) in lines.iter().enumerate() {
            match upsert(&mut tx, workspace_id, &line.company_id, &line.changes).await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(BatchError::of_item(
                        index,
                        StoreError::Conflict { constraint: "companies.company_id".into() },
                    ));
                }
                Err(err) => return Err(BatchError::of_item(index, err)),
            }
        }
        tx.commit().await?;
        Ok(lines.len())
    }
}

/// The internal ids of the live companies the batch names by `company_id`; the first line
/// naming one the workspace does not have refuses the batch as `company_not_found`.
async fn company_ids<'a>(
    db: &mut impl Exec,
    workspace_id: i64,
    batch: &'a ContactBatch,
) -> Result<HashMap<&'a str, i64>, BatchError> {
    let mut wanted: Vec<&str> = batch.companies.iter().flatten().map(String::as_str).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut ids = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(NAMES_PER_STATEMENT) {
        let found: Vec<(i64, String)> = db
            .fetch_all(
                Companies::select([Companies::Id, Companies::CompanyId])
                    .cond_where(companies::live(workspace_id))
                    .and_where(Companies::CompanyId.col().is_in(chunk.iter().copied())),
            )
            .await?;
        let found: HashMap<String, i64> = found.into_iter().map(|(id, name)| (name, id)).collect();
        for name in chunk {
            if let Some(id) = found.get(*name) {
                ids.insert(*name, *id);
            }
        }
    }
    let missing =
        batch.companies.iter().position(|names| names.iter().any(|n| !ids.contains_key(n.as_str())));
    match missing {
        Some(index) => Err(BatchError::Item { index, error: Missing::Company.into() }),
        None => Ok(ids),
    }
}
