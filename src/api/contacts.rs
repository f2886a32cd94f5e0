//! Contacts: `/contacts`, `/contacts/{id}`, `/contacts/search`, `/contacts/merge`, archive and
//! unarchive, and the companies a contact belongs to.

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value as JsonValue};

use super::AppState;
use super::extract::{Ctx, Json, Path, Query, Reply};
use super::params::{self, LooseId, PageParams};
use super::search::checked_query;
use crate::domain::company::{AlsoCompanies, Company};
use crate::domain::contact::{Contact, ContactArchived, ContactChanges, ContactDeleted, Page, Role};
use crate::domain::nullable::present;
use crate::domain::pages::{CursorList, CursorPages, List, Paged, PagesLink, cursor};
use crate::domain::search::{Resource, SearchRequest};
use crate::error::{ApiError, ApiResult};
use crate::store::contacts::ContactPage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list).post(create))
        .route("/contacts/search", post(search))
        .route("/contacts/merge", post(merge))
        .route("/contacts/{contact_id}", get(retrieve).put(update).delete(delete))
        .route("/contacts/{contact_id}/archive", post(archive))
        .route("/contacts/{contact_id}/unarchive", post(unarchive))
        .route("/contacts/{contact_id}/companies", get(list_companies))
}

/// Listings and search: 50 a page unless asked, at most 150.
const DEFAULT_PAGE: u64 = 50;
const MAX_PAGE: u64 = 150;

/// The body of `POST /contacts` and `PUT /contacts/{id}`: absent fields are left alone,
/// `null` clears a field.
#[derive(Deserialize)]
struct ContactRequest {
    #[serde(default)]
    role: Option<String>,
    #[serde(default, deserialize_with = "present")]
    external_id: Option<Option<LooseId>>,
    #[serde(default, deserialize_with = "present")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    avatar: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    signed_up_at: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    last_seen_at: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    owner_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    unsubscribed_from_emails: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    email_verified: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    custom_attributes: Option<Option<Map<String, JsonValue>>>,
}

impl ContactRequest {
    fn changes(self) -> ApiResult<ContactChanges> {
        let role = match self.role.as_deref() {
            None => None,
            Some(raw) => {
                Some(Role::parse(raw).ok_or_else(|| ApiError::invalid("role", "role must be user or lead"))?)
            }
        };
        // "Must be supplied together with an email in the same request".
        if self.email_verified.is_some() && self.email.is_none() {
            return Err(ApiError::invalid("email_verified", "email_verified must be sent with an email"));
        }
        Ok(ContactChanges {
            role,
            external_id: self.external_id.map(|v| v.map(LooseId::into_string)),
            email: self.email,
            phone: self.phone,
            name: self.name,
            avatar: self.avatar,
            signed_up_at: self.signed_up_at,
            last_seen_at: self.last_seen_at,
            owner_id: self.owner_id,
            unsubscribed_from_emails: self.unsubscribed_from_emails.map(|v| v.unwrap_or(false)),
            email_verified: self.email_verified,
            custom_attributes: self.custom_attributes.map(Option::unwrap_or_default),
        })
    }
}

/// Reads a `POST /contacts` body as the endpoint does: for writers that bypass HTTP (the
/// benchmark loader's bulk import) and must accept and refuse exactly what the API does.
pub fn contact_changes(body: &[u8]) -> ApiResult<ContactChanges> {
    super::extract::parse_json::<ContactRequest>(body)?.changes()
}

/// `contact_list`. `page` is the number of this page; the cursor of the next one carries it.
pub(crate) fn contact_list(result: ContactPage, page: i64, per_page: u64) -> CursorList<Contact> {
    let next = match result.last_id {
        Some(after) if result.has_more => Some(cursor::encode(page, &Walk { after, total: result.total })),
        _ => None,
    };
    let pages = CursorPages::new(page, per_page as i64, result.total, next);
    List::paged(result.contacts, result.total, pages)
}

/// Where a cursor resumes a walk: after an internal id, with the total counted for the walk's
/// first page (later pages do not count again: at a million contacts a count costs more than
/// the page).
struct Walk {
    after: i64,
    total: i64,
}

impl cursor::Position for Walk {
    const SEPARATOR: char = '.';
    fn to_pair(&self) -> (i64, i64) {
        (self.after, self.total)
    }
    fn from_pair(after: i64, total: i64) -> Option<Self> {
        (total >= 0).then_some(Walk { after, total })
    }
}

/// Reads a `starting_after` cursor: the page it ends, and where the next page starts.
fn read_cursor(raw: &str, field: &str) -> ApiResult<(i64, Page)> {
    cursor::decode(raw)
        .map(|(page, Walk { after, total })| {
            (page, Page { after: Some(after), offset: 0, limit: 0, total: Some(total) })
        })
        .ok_or_else(|| ApiError::invalid(field, format!("{field} is not a valid cursor")))
}

/// `?per_page=&page=&starting_after=` of a contact listing.
#[derive(Deserialize)]
pub(crate) struct WalkParams {
    per_page: Option<String>,
    page: Option<String>,
    starting_after: Option<String>,
}

impl WalkParams {
    /// The number of the page asked for, its size and where it starts: at a `starting_after`
    /// cursor, else at a `page` number.
    pub(crate) fn position(&self) -> ApiResult<(i64, u64, Page)> {
        let per_page = params::per_page(self.per_page.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
        let (page, at) = match self.starting_after.as_deref().filter(|s| !s.is_empty()) {
            Some(raw) => {
                let (page, at) = read_cursor(raw, "starting_after")?;
                (page + 1, Page { limit: per_page, ..at })
            }
            None => {
                let page = params::page(self.page.as_deref())?;
                (
                    page as i64,
                    Page { after: None, offset: (page - 1) * per_page, limit: per_page, total: None },
                )
            }
        };
        Ok((page, per_page, at))
    }
}

/// `?include_merge_history=true` (2.16): each user's `merge_history`.
#[derive(Deserialize)]
struct HistoryParams {
    include_merge_history: Option<String>,
}

impl HistoryParams {
    async fn add(&self, ctx: &Ctx, contacts: &mut [Contact]) -> ApiResult<()> {
        if params::flag("include_merge_history", self.include_merge_history.as_deref())? {
            ctx.store.add_merge_history(ctx.workspace_id, contacts).await?;
        }
        Ok(())
    }

    async fn add_one(&self, ctx: &Ctx, mut contact: Contact) -> Reply<Contact> {
        self.add(ctx, std::slice::from_mut(&mut contact)).await?;
        Ok(Json(contact))
    }
}

/// operationId: ListContacts
async fn list(
    ctx: Ctx,
    Query(walk): Query<WalkParams>,
    Query(history): Query<HistoryParams>,
) -> Reply<CursorList<Contact>> {
    let (page, per_page, at) = walk.position()?;
    let mut list = contact_list(ctx.store.list_contacts(ctx.workspace_id, at).await?, page, per_page);
    history.add(&ctx, &mut list.data).await?;
    Ok(Json(list))
}

/// operationId: CreateContact
async fn create(ctx: Ctx, Json(body): Json<ContactRequest>) -> Reply<Contact> {
    let changes = body.changes()?;
    Ok(Json(ctx.store.create_contact(ctx.workspace_id, &changes).await?))
}

/// operationId: ShowContact
async fn retrieve(
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(history): Query<HistoryParams>,
) -> Reply<Contact> {
    history.add_one(&ctx, ctx.store.get_contact(ctx.workspace_id, &contact_id).await?).await
}

/// operationId: UpdateContact
async fn update(
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(history): Query<HistoryParams>,
    Json(body): Json<ContactRequest>,
) -> Reply<Contact> {
    let changes = body.changes()?;
    history.add_one(&ctx, ctx.store.update_contact(ctx.workspace_id, &contact_id, &changes).await?).await
}

/// operationId: DeleteContact
async fn delete(ctx: Ctx, Path(contact_id): Path<String>) -> Reply<ContactDeleted> {
    Ok(Json(ctx.store.delete_contact(ctx.workspace_id, &contact_id).await?))
}

/// operationId: ArchiveContact
async fn archive(ctx: Ctx, Path(contact_id): Path<String>) -> Reply<ContactArchived> {
    Ok(Json(ctx.store.set_contact_archived(ctx.workspace_id, &contact_id, true).await?))
}

/// operationId: UnarchiveContact
async fn unarchive(ctx: Ctx, Path(contact_id): Path<String>) -> Reply<ContactArchived> {
    Ok(Json(ctx.store.set_contact_archived(ctx.workspace_id, &contact_id, false).await?))
}

#[derive(Deserialize)]
struct MergeRequest {
    from: String,
    into: String,
    /// Switchboard merges any lead into any user, duplicates or not, so there is no
    /// duplicate check to skip; the flag is checked.
    #[serde(rename = "skip_duplicate_validation")]
    _skip_duplicate_validation: Option<bool>,
}

/// operationId: MergeContact
async fn merge(
    ctx: Ctx,
    Query(history): Query<HistoryParams>,
    Json(body): Json<MergeRequest>,
) -> Reply<Contact> {
    history.add_one(&ctx, ctx.store.merge_contacts(ctx.workspace_id, &body.from, &body.into).await?).await
}

/// operationId: SearchContacts
async fn search(
    ctx: Ctx,
    Query(history): Query<HistoryParams>,
    Json(body): Json<SearchRequest>,
) -> Reply<CursorList<Contact>> {
    let (per_page, starting_after) = params::search_paging(body.pagination, DEFAULT_PAGE, MAX_PAGE)?;
    let (page, at) = match starting_after {
        Some(raw) => {
            let (page, at) = read_cursor(&raw, "pagination.starting_after")?;
            (page + 1, at)
        }
        None => (1, Page { after: None, offset: 0, limit: 0, total: None }),
    };
    let query = checked_query(&ctx, Resource::Contacts, &body.query).await?;
    let result = ctx.store.search_contacts(ctx.workspace_id, &query, Page { limit: per_page, ..at }).await?;
    let mut list = contact_list(result, page, per_page);
    history.add(&ctx, &mut list.data).await?;
    Ok(Json(list))
}

/// operationId: listCompaniesForAContact
async fn list_companies(
    ctx: Ctx,
    headers: HeaderMap,
    Path(contact_id): Path<String>,
    Query(paging): Query<PageParams>,
) -> Reply<List<Company, AlsoCompanies>> {
    let (page, per_page) = paging.numbers(DEFAULT_PAGE, MAX_PAGE)?;
    let (companies, total) =
        ctx.store.contact_companies(ctx.workspace_id, &contact_id, page, per_page).await?;
    let pages = PagesLink::new(page, per_page, total, |next| {
        format!("{}/contacts/{contact_id}/companies?page={next}&per_page={per_page}", super::origin(&headers))
    });
    let paged = Paged { total_count: total, pages };
    Ok(Json(List::with(companies.clone(), AlsoCompanies { companies, paged })))
}
