//! Contacts: `/contacts`, `/contacts/{id}`, `/contacts/search`, `/contacts/merge`, archive and
//! unarchive, and the companies a contact belongs to.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json as JsonResponse, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as JsonValue};

use super::AppState;
use super::extract::{Ctx, Json, Path, Query};
use super::params::{self, LooseId, present};
use super::search::checked_query;
use crate::domain::company::{ContactCompanies, PagesLink};
use crate::domain::contact::{Contact, ContactArchived, ContactChanges, ContactDeleted, Rejection, Role};
use crate::domain::pages::{CursorPages, cursor};
use crate::domain::search::{Resource, SearchRequest};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::store::StoreError;
use crate::store::contacts::{ContactError, ContactPage, Page};

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

/// The error of a contact id that names no contact of the workspace.
pub fn contact_not_found() -> ApiError {
    ApiError::not_found("User Not Found")
}

fn store_error(err: StoreError) -> ApiError {
    match err {
        StoreError::NotFound(_) => contact_not_found(),
        other => other.into(),
    }
}

fn contact_error(err: ContactError) -> ApiError {
    match err {
        ContactError::Store(err) => store_error(err),
        ContactError::Search(err) => err.into(),
        ContactError::Rejected(rejection) => rejected(rejection),
    }
}

fn rejected(rejection: Rejection) -> ApiError {
    match rejection {
        Rejection::Duplicate { existing_id, archived } => ApiError::new(
            ErrorCode::Conflict,
            format!(
                "{} matching those details already exists with id={existing_id}",
                if archived { "An archived contact" } else { "A contact" }
            ),
        ),
        Rejection::UserWithoutIdentity => {
            ApiError::invalid("email", "A contact with role user requires an email or an external_id")
        }
        Rejection::UserToLead => ApiError::invalid("role", "A user cannot be converted to a lead"),
        Rejection::OwnerNotFound => {
            ApiError::invalid("owner_id", "The owner specified is not a member of the workspace")
        }
        Rejection::InvalidEmail => ApiError::invalid("email", "The email is not a valid email address"),
        Rejection::Attribute(r) => ApiError::invalid("custom_attributes", r.message()),
        Rejection::MergeFromNotLead => ApiError::invalid("from", "The contact to merge from must be a lead"),
        Rejection::MergeIntoNotUser => ApiError::invalid("into", "The contact to merge into must be a user"),
        Rejection::MergeIntoItself => ApiError::invalid("into", "A contact cannot be merged into itself"),
    }
}

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
            custom_attributes: self.custom_attributes.map(Option::unwrap_or_default),
        })
    }
}

/// Reads a `POST /contacts` body as the endpoint does: for writers that bypass HTTP (the
/// benchmark loader's bulk import) and must accept and refuse exactly what the API does.
pub fn contact_changes(body: &[u8]) -> ApiResult<ContactChanges> {
    super::extract::parse_json::<ContactRequest>(body)?.changes()
}

/// `contact_list`.
#[derive(Serialize)]
pub(crate) struct ContactList {
    #[serde(rename = "type")]
    kind: &'static str,
    data: Vec<Contact>,
    total_count: i64,
    pages: CursorPages,
}

impl ContactList {
    /// `page` is the number of this page; the cursor of the next one carries it.
    pub(crate) fn new(result: ContactPage, page: i64, per_page: u64) -> ContactList {
        let next = match result.last_id {
            Some(last) if result.has_more => Some(cursor::encode(page, &format!("{last}.{}", result.total))),
            _ => None,
        };
        ContactList {
            kind: "list",
            pages: CursorPages::new(page, per_page as i64, result.total, next),
            total_count: result.total,
            data: result.contacts,
        }
    }
}

/// Reads a `starting_after` cursor: the page it ends, and where the next page starts: after an
/// internal id, with the total counted for the walk's first page (later pages do not count
/// again: at a million contacts a count costs more than the page).
pub(crate) fn read_cursor(raw: &str, field: &str) -> ApiResult<(i64, Page)> {
    let parse = |position: &str| {
        let (last, total) = position.split_once('.')?;
        Some((last.parse().ok()?, total.parse().ok().filter(|t: &i64| *t >= 0)?))
    };
    cursor::decode(raw)
        .and_then(|(page, position)| Some((page, parse(&position)?)))
        .map(|(page, (last, total))| {
            (page, Page { after: Some(last), offset: 0, limit: 0, total: Some(total) })
        })
        .ok_or_else(|| ApiError::invalid(field, format!("{field} is not a valid cursor")))
}

/// Where a listing of `per_page` contacts resumes: at a `starting_after` cursor, else at a
/// `page` number. Returns the number of the page and its position.
pub(crate) fn list_position(
    page: Option<&str>,
    starting_after: Option<&str>,
    per_page: u64,
) -> ApiResult<(i64, Page)> {
    Ok(match starting_after.filter(|s| !s.is_empty()) {
        Some(raw) => {
            let (page, at) = read_cursor(raw, "starting_after")?;
            (page + 1, Page { limit: per_page, ..at })
        }
        None => {
            let page = params::page(page)?;
            (page as i64, Page { after: None, offset: (page - 1) * per_page, limit: per_page, total: None })
        }
    })
}

#[derive(Deserialize)]
struct ListParams {
    per_page: Option<String>,
    page: Option<String>,
    starting_after: Option<String>,
}

/// operationId: ListContacts
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> ApiResult<JsonResponse<ContactList>> {
    let per_page = params::per_page(params.per_page.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
    let (page, at) = list_position(params.page.as_deref(), params.starting_after.as_deref(), per_page)?;
    let result = state.store.list_contacts(ctx.workspace_id, at).await?;
    Ok(JsonResponse(ContactList::new(result, page, per_page)))
}

/// operationId: CreateContact
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<ContactRequest>,
) -> ApiResult<JsonResponse<Contact>> {
    let changes = body.changes()?;
    let contact = state.store.create_contact(ctx.workspace_id, &changes).await.map_err(contact_error)?;
    Ok(JsonResponse(contact))
}

/// operationId: ShowContact
async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
) -> ApiResult<JsonResponse<Contact>> {
    Ok(JsonResponse(state.store.get_contact(ctx.workspace_id, &contact_id).await.map_err(store_error)?))
}

/// operationId: UpdateContact
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Json(body): Json<ContactRequest>,
) -> ApiResult<JsonResponse<Contact>> {
    let changes = body.changes()?;
    let contact =
        state.store.update_contact(ctx.workspace_id, &contact_id, &changes).await.map_err(contact_error)?;
    Ok(JsonResponse(contact))
}

/// operationId: DeleteContact
async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
) -> ApiResult<JsonResponse<ContactDeleted>> {
    Ok(JsonResponse(state.store.delete_contact(ctx.workspace_id, &contact_id).await.map_err(store_error)?))
}

/// operationId: ArchiveContact
async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
) -> ApiResult<JsonResponse<ContactArchived>> {
    let archived = state.store.set_contact_archived(ctx.workspace_id, &contact_id, true).await;
    Ok(JsonResponse(archived.map_err(store_error)?))
}

/// operationId: UnarchiveContact
async fn unarchive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
) -> ApiResult<JsonResponse<ContactArchived>> {
    let unarchived = state.store.set_contact_archived(ctx.workspace_id, &contact_id, false).await;
    Ok(JsonResponse(unarchived.map_err(store_error)?))
}

#[derive(Deserialize)]
struct MergeRequest {
    from: String,
    into: String,
}

/// operationId: MergeContact
async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<MergeRequest>,
) -> ApiResult<JsonResponse<Contact>> {
    let merged = state.store.merge_contacts(ctx.workspace_id, &body.from, &body.into).await;
    Ok(JsonResponse(merged.map_err(contact_error)?))
}

/// operationId: SearchContacts
async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<SearchRequest>,
) -> ApiResult<JsonResponse<ContactList>> {
    let (per_page, starting_after) = params::search_paging(body.pagination, DEFAULT_PAGE, MAX_PAGE)?;
    let (page, at) = match starting_after {
        Some(raw) => {
            let (page, at) = read_cursor(&raw, "pagination.starting_after")?;
            (page + 1, at)
        }
        None => (1, Page { after: None, offset: 0, limit: 0, total: None }),
    };
    let query = checked_query(&state.store, ctx.workspace_id, Resource::Contacts, &body.query).await?;
    let result = state
        .store
        .search_contacts(ctx.workspace_id, &query, Page { limit: per_page, ..at })
        .await
        .map_err(contact_error)?;
    Ok(JsonResponse(ContactList::new(result, page, per_page)))
}

#[derive(Deserialize)]
struct CompaniesParams {
    page: Option<String>,
    per_page: Option<String>,
}

/// operationId: listCompaniesForAContact
async fn list_companies(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(params): Query<CompaniesParams>,
) -> ApiResult<JsonResponse<ContactCompanies>> {
    let page = params::page(params.page.as_deref())?;
    let per_page = params::per_page(params.per_page.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
    let (companies, total) = state
        .store
        .contact_companies(ctx.workspace_id, &contact_id, page, per_page)
        .await
        .map_err(store_error)?;
    let total_pages = (total + per_page as i64 - 1) / per_page as i64;
    let next = (page as i64) < total_pages;
    Ok(JsonResponse(ContactCompanies {
        kind: "list",
        data: companies.clone(),
        companies,
        total_count: total,
        pages: PagesLink {
            kind: "pages",
            page: page as i64,
            per_page: per_page as i64,
            total_pages,
            next: next
                .then(|| format!("/contacts/{contact_id}/companies?page={}&per_page={per_page}", page + 1)),
        },
    }))
}
