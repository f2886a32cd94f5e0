//! Contacts: `/contacts`, `/contacts/{id}`, `/contacts/search`, `/contacts/merge`, archive and
//! unarchive, the companies a contact belongs to, and (2.14–2.16) lookup by external id,
//! blocking and merge history.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value as JsonValue};

use super::AppState;
use super::extract::{Ctx, Json, Path, Query, Reply, ShapedJson};
use super::params::{self, LooseId, PageParams};
use super::search::checked_query;
use crate::domain::company::{AlsoCompanies, Company};
use crate::domain::contact::{
    ByExternalId, Contact, ContactArchived, ContactBlocked, ContactChanges, ContactDeleted, MergeHistoryList,
    Page, Role,
};
use crate::domain::nullable::present;
use crate::domain::pages::{CursorList, CursorPages, List, Paged, PagesLink, cursor};
use crate::domain::search::{Resource, SearchRequest};
use crate::domain::version::Version;
use crate::error::{ApiError, ApiResult, ErrorCode, Missing};
use crate::store::StoreError;
use crate::store::contacts::ContactPage;
use crate::store::contacts::history::HistoryOrder;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list).post(create))
        .route("/contacts/search", post(search))
        .route("/contacts/merge", post(merge))
        .route("/contacts/{contact_id}", get(retrieve).put(update).delete(delete))
        .route("/contacts/{contact_id}/archive", post(archive))
        .route("/contacts/{contact_id}/unarchive", post(unarchive))
        .route("/contacts/{contact_id}/companies", get(list_companies))
        .route("/contacts/find_by_external_id/{external_id}", get(find_by_external_id))
        .route("/contacts/{contact_id}/block", post(block))
        .route("/contacts/{contact_id}/merge_history", get(merge_history))
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

    async fn add_one(&self, ctx: &Ctx, mut contact: Contact) -> ApiResult<ShapedJson<Contact>> {
        self.add(ctx, std::slice::from_mut(&mut contact)).await?;
        Ok(ShapedJson(contact))
    }
}

/// operationId: ListContacts
async fn list(
    ctx: Ctx,
    Query(walk): Query<WalkParams>,
    Query(history): Query<HistoryParams>,
) -> ApiResult<ShapedJson<CursorList<Contact>>> {
    let (page, per_page, at) = walk.position()?;
    let mut list = contact_list(ctx.store.list_contacts(ctx.workspace_id, at).await?, page, per_page);
    history.add(&ctx, &mut list.data).await?;
    Ok(ShapedJson(list))
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
) -> ApiResult<Response> {
    match ctx.store.get_contact(ctx.workspace_id, &contact_id).await {
        Ok(contact) => Ok(history.add_one(&ctx, contact).await?.into_response()),
        Err(StoreError::NotFound(missing)) if gone_is_answered(&ctx) => {
            match ctx.store.contact_merged_into(ctx.workspace_id, &contact_id).await? {
                Some(into) => Ok(merged_into(&into)),
                None => Err(missing.into()),
            }
        }
        Err(other) => Err(other.into()),
    }
}

/// 410 Gone for a merged contact is documented from 2.16; earlier versions answer 404, as they
/// always did, so that their clients see the error they know.
fn gone_is_answered(ctx: &Ctx) -> bool {
    ctx.version >= Version::V2_16
}

/// 410 Gone for a merged contact, with a `Link` to the contact it was merged into.
fn merged_into(id: &str) -> Response {
    let gone = ApiError::new(
        ErrorCode::ContactMerged,
        "This contact has been merged. See the 'Link' header for the canonical contact.",
    );
    let mut response = gone.into_response();
    if let Ok(link) = HeaderValue::from_str(&format!("</contacts/{id}>; rel=\"canonical\"")) {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

/// operationId: UpdateContact
async fn update(
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(history): Query<HistoryParams>,
    Json(body): Json<ContactRequest>,
) -> ApiResult<ShapedJson<Contact>> {
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
) -> ApiResult<ShapedJson<Contact>> {
    history.add_one(&ctx, ctx.store.merge_contacts(ctx.workspace_id, &body.from, &body.into).await?).await
}

/// operationId: SearchContacts
async fn search(
    ctx: Ctx,
    Query(history): Query<HistoryParams>,
    Json(body): Json<SearchRequest>,
) -> ApiResult<ShapedJson<CursorList<Contact>>> {
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
    Ok(ShapedJson(list))
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

/// operationId: ShowContactByExternalId
async fn find_by_external_id(
    ctx: Ctx,
    Path(external_id): Path<String>,
    Query(history): Query<HistoryParams>,
) -> ApiResult<Response> {
    match ctx.store.find_contact_by_external_id(ctx.workspace_id, &external_id).await? {
        ByExternalId::Found(contact) => Ok(history.add_one(&ctx, *contact).await?.into_response()),
        ByExternalId::MergedInto(id) if gone_is_answered(&ctx) => Ok(merged_into(&id)),
        ByExternalId::MergedInto(_) => Err(Missing::Contact.into()),
    }
}

/// operationId: BlockContact
async fn block(ctx: Ctx, Path(contact_id): Path<String>) -> Reply<ContactBlocked> {
    Ok(Json(ctx.store.block_contact(ctx.workspace_id, &contact_id, ctx.admin_id).await?))
}

#[derive(Deserialize)]
struct MergeHistoryParams {
    cursor: Option<String>,
    per_page: Option<String>,
    order: Option<String>,
}

/// Where a merge history page starts: the number of entries served before it.
struct Served(u64);

impl cursor::Position for Served {
    const SEPARATOR: char = '+';
    fn to_pair(&self) -> (i64, i64) {
        (self.0 as i64, 0)
    }
    fn from_pair(served: i64, zero: i64) -> Option<Self> {
        (served >= 0 && zero == 0).then_some(Served(served as u64))
    }
}

/// operationId: ListContactMergeHistory
async fn merge_history(
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(params): Query<MergeHistoryParams>,
) -> Reply<MergeHistoryList> {
    let per_page = params::per_page(params.per_page.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
    let order = match params.order.as_deref().map(str::trim) {
        None | Some("") | Some("desc") => HistoryOrder::NewestFirst,
        Some("asc") => HistoryOrder::OldestFirst,
        Some(other) => {
            return Err(ApiError::invalid("order", format!("order must be asc or desc, not '{other}'")));
        }
    };
    let (page, at) = cursor::resume::<Served>(params.cursor.as_deref().filter(|c| !c.trim().is_empty()))
        .map_err(|_| ApiError::invalid("cursor", "cursor is not a cursor this server made"))?;
    let served = at.map_or(0, |s| s.0);
    let (data, has_more) =
        ctx.store.contact_merge_history(ctx.workspace_id, &contact_id, order, served, per_page).await?;
    let next_cursor = has_more.then(|| cursor::encode(page, &Served(served + data.len() as u64)));
    Ok(Json(MergeHistoryList { kind: "list", data, next_cursor, has_more }))
}
