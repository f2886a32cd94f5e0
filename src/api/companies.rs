//! Companies: `/companies`, `/companies/list`, `/companies/scroll`, `/companies/{id}` and its
//! contacts and segments, and attaching companies to contacts (`/contacts/{id}/companies`).

use axum::Router;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as JsonValue};

use super::AppState;
use super::contacts::{WalkParams, contact_list};
use super::extract::{Ctx, Json, Path, Query, Reply};
use super::params::{LooseId, PageParams};
use crate::domain::company::{self, Company, CompanyChanges, CompanyDeleted, CompanyFilter, Order, Scroll};
use crate::domain::contact::Contact;
use crate::domain::nullable::present;
use crate::domain::pages::{CursorList, List, NumberedList, NumberedPages, TotalCount};
use crate::domain::segment::Segment;
use crate::error::{ApiError, ApiResult, ErrorCode};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/companies", get(retrieve_or_list).post(create_or_update))
        .route("/companies/list", post(list))
        .route("/companies/scroll", get(scroll))
        .route("/companies/{company_id}", get(retrieve).put(update).delete(remove))
        .route("/companies/{company_id}/contacts", get(list_contacts))
        .route("/companies/{company_id}/segments", get(list_segments))
        .route("/contacts/{contact_id}/companies", post(attach))
        .route("/contacts/{contact_id}/companies/{company_id}", delete(detach))
}

/// Company lists: 15 a page unless asked, at most 60.
const DEFAULT_PAGE: u64 = 15;
const MAX_PAGE: u64 = 60;

/// An integer sent as a number or as a string of digits (`"size": "100"` in Intercom's examples).
#[derive(Deserialize)]
#[serde(untagged)]
enum LooseInt {
    Number(i64),
    Text(String),
}

impl LooseInt {
    fn value(self, field: &str) -> ApiResult<i64> {
        match self {
            LooseInt::Number(n) => Ok(n),
            LooseInt::Text(s) => {
                s.trim().parse().map_err(|_| ApiError::invalid(field, format!("{field} must be an integer")))
            }
        }
    }
}

/// The body of `POST /companies` and `PUT /companies/{id}`: absent fields are left alone,
/// `null` clears a field. Any other key is refused, as Intercom refuses `{"test": ...}`.
#[derive(Deserialize)]
struct CompanyRequest {
    #[serde(default)]
    company_id: Option<LooseId>,
    #[serde(default, deserialize_with = "present")]
    name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    plan: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    size: Option<Option<LooseInt>>,
    #[serde(default, deserialize_with = "present")]
    website: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    monthly_spend: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    remote_created_at: Option<Option<LooseInt>>,
    #[serde(default, deserialize_with = "present")]
    custom_attributes: Option<Option<Map<String, JsonValue>>>,
    #[serde(default)]
    update_last_request_at: Option<bool>,
    #[serde(flatten)]
    unknown: Map<String, JsonValue>,
}

impl CompanyRequest {
    /// The `company_id` sent (trimmed, if not empty) and the changes.
    fn changes(self) -> ApiResult<(Option<String>, CompanyChanges)> {
        if let Some(key) = self.unknown.keys().next() {
            return Err(ApiError::new(ErrorCode::BadRequest, format!("bad '{key}' parameter")));
        }
        let int = |value: Option<Option<LooseInt>>, field: &str| -> ApiResult<Option<Option<i64>>> {
            value.map(|v| v.map(|v| v.value(field)).transpose()).transpose()
        };
        let size = int(self.size, "size")?;
        if size.flatten().is_some_and(|s| s < 0) {
            return Err(ApiError::invalid("size", "size must not be negative"));
        }
        let monthly_spend = match self.monthly_spend {
            None => None,
            Some(spend) => Some(company::monthly_spend(spend.unwrap_or(0.0)).ok_or_else(|| {
                ApiError::invalid(
                    "monthly_spend",
                    format!("monthly_spend must be at most {}", company::MAX_MONTHLY_SPEND),
                )
            })?),
        };
        let trimmed =
            |v: Option<Option<String>>| v.map(|v| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()));
        let company_id =
            self.company_id.map(LooseId::into_string).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok((
            company_id,
            CompanyChanges {
                name: self.name,
                plan: trimmed(self.plan),
                size,
                website: self.website,
                industry: self.industry,
                monthly_spend,
                remote_created_at: int(self.remote_created_at, "remote_created_at")?,
                custom_attributes: self.custom_attributes.map(Option::unwrap_or_default),
                update_last_request_at: self.update_last_request_at.unwrap_or(false),
            },
        ))
    }
}

impl CompanyRequest {
    /// `POST /companies` needs the `company_id`.
    fn created(self) -> ApiResult<(String, CompanyChanges)> {
        let (company_id, changes) = self.changes()?;
        Ok((company_id.ok_or_else(|| ApiError::missing("company_id"))?, changes))
    }
}

/// operationId: createOrUpdateCompany
async fn create_or_update(ctx: Ctx, Json(body): Json<CompanyRequest>) -> Reply<Company> {
    let (company_id, changes) = body.created()?;
    Ok(Json(ctx.store.create_or_update_company(ctx.workspace_id, &company_id, &changes).await?))
}

/// Reads a `POST /companies` body as the endpoint does, for writers that bypass HTTP
/// (fixtures): the `company_id` and the changes.
pub(crate) fn company_created(body: &[u8]) -> ApiResult<(String, CompanyChanges)> {
    super::extract::parse_json::<CompanyRequest>(body)?.created()
}

/// operationId: UpdateCompany
async fn update(ctx: Ctx, Path(id): Path<String>, Json(body): Json<CompanyRequest>) -> Reply<Company> {
    let (company_id, changes) = body.changes()?;
    Ok(Json(ctx.store.update_company(ctx.workspace_id, &id, company_id.as_deref(), &changes).await?))
}

/// operationId: RetrieveACompanyById
async fn retrieve(ctx: Ctx, Path(id): Path<String>) -> Reply<Company> {
    Ok(Json(ctx.store.get_company(ctx.workspace_id, &id).await?))
}

/// operationId: deleteCompany
async fn remove(ctx: Ctx, Path(id): Path<String>) -> Reply<CompanyDeleted> {
    Ok(Json(ctx.store.delete_company(ctx.workspace_id, &id).await?))
}

#[derive(Deserialize)]
struct RetrieveParams {
    name: Option<String>,
    company_id: Option<String>,
    tag_id: Option<String>,
    segment_id: Option<String>,
}

/// `GET /companies`: one company when looked up by `company_id` or `name`, else a list.
#[derive(Serialize)]
#[serde(untagged)]
enum CompaniesResponse {
    One(Box<Company>),
    List(NumberedList<Company>),
}

/// A page-numbered company list.
fn company_list((data, total): (Vec<Company>, i64), page: u64, per_page: u64) -> NumberedList<Company> {
    List::paged(data, total, NumberedPages::new(page, per_page, total))
}

/// operationId: retrieveCompany
async fn retrieve_or_list(
    ctx: Ctx,
    Query(params): Query<RetrieveParams>,
    Query(paging): Query<PageParams>,
) -> Reply<CompaniesResponse> {
    let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let filter = CompanyFilter {
        company_id: given(params.company_id),
        name: given(params.name),
        tag_id: given(params.tag_id),
        segment_id: given(params.segment_id),
    };
    if filter.company_id.is_some() || filter.name.is_some() {
        let company = ctx.store.find_company(ctx.workspace_id, &filter).await?;
        return Ok(Json(CompaniesResponse::One(Box::new(company))));
    }
    let (page, per_page) = paging.numbers(DEFAULT_PAGE, MAX_PAGE)?;
    let result = ctx.store.list_companies(ctx.workspace_id, &filter, Order::Desc, page, per_page).await?;
    Ok(Json(CompaniesResponse::List(company_list(result, page, per_page))))
}

#[derive(Deserialize)]
struct OrderParams {
    order: Option<String>,
}

/// operationId: listAllCompanies
async fn list(
    ctx: Ctx,
    Query(paging): Query<PageParams>,
    Query(params): Query<OrderParams>,
) -> Reply<NumberedList<Company>> {
    let (page, per_page) = paging.numbers(DEFAULT_PAGE, MAX_PAGE)?;
    let order = match params.order.as_deref().filter(|s| !s.is_empty()) {
        None => Order::Desc,
        Some(raw) => {
            Order::parse(raw).ok_or_else(|| ApiError::invalid("order", "order must be asc or desc"))?
        }
    };
    let all = CompanyFilter::default();
    let result = ctx.store.list_companies(ctx.workspace_id, &all, order, page, per_page).await?;
    Ok(Json(company_list(result, page, per_page)))
}

#[derive(Deserialize)]
struct ScrollParams {
    scroll_param: Option<String>,
}

/// operationId: scrollOverAllCompanies
async fn scroll(ctx: Ctx, Query(params): Query<ScrollParams>) -> Reply<List<Company, Scroll>> {
    let param = params.scroll_param.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let page = ctx.store.scroll_companies(ctx.workspace_id, param, crate::store::now()).await?;
    Ok(Json(List::with(page.companies, Scroll::new(page.param))))
}

/// operationId: ListAttachedContacts
async fn list_contacts(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(walk): Query<WalkParams>,
) -> Reply<CursorList<Contact>> {
    let (page, per_page, at) = walk.position()?;
    Ok(Json(contact_list(ctx.store.company_contacts(ctx.workspace_id, &id, at).await?, page, per_page)))
}

/// operationId: ListAttachedSegmentsForCompanies
async fn list_segments(ctx: Ctx, Path(id): Path<String>) -> Reply<List<Segment, TotalCount>> {
    let segments = ctx.store.company_segments(ctx.workspace_id, &id).await?;
    let total_count = segments.len() as i64;
    Ok(Json(List::with(segments, TotalCount { total_count })))
}

#[derive(Deserialize)]
struct AttachRequest {
    id: Option<LooseId>,
}

/// operationId: attachContactToACompany
async fn attach(ctx: Ctx, Path(contact_id): Path<String>, Json(body): Json<AttachRequest>) -> Reply<Company> {
    let company = body.id.map(LooseId::into_string).filter(|id| !id.trim().is_empty()).ok_or_else(|| {
        ApiError::new(ErrorCode::ParameterNotFound, "company not specified").with_field("id")
    })?;
    Ok(Json(ctx.store.attach_company(ctx.workspace_id, &contact_id, company.trim()).await?))
}

/// operationId: detachContactFromACompany
async fn detach(ctx: Ctx, Path((contact_id, company_id)): Path<(String, String)>) -> Reply<Company> {
    Ok(Json(ctx.store.detach_company(ctx.workspace_id, &contact_id, &company_id).await?))
}
