//! Help centers and collections: `/help_center/help_centers[/{id}]`,
//! `/help_center/collections[/{id}]`. Also the request-reading helpers articles share.

use std::fmt;

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonResponse, Router};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::{Map, Value};

use super::AppState;
use super::extract::{Ctx, Json, Path, Query};
use crate::domain::help_center::{Collection, Deleted, GroupInput, HelpCenter, PageRequest, is_locale};
use crate::domain::ids;
use crate::domain::pages::{CursorList, List};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::store::help_centers::{CollectionInput, WriteError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/help_center/help_centers", get(list_help_centers))
        .route("/help_center/help_centers/{help_center_id}", get(retrieve_help_center))
        .route("/help_center/collections", get(list_collections).post(create_collection))
        .route(
            "/help_center/collections/{collection_id}",
            get(retrieve_collection).put(update_collection).delete(delete_collection),
        )
}

impl From<WriteError> for ApiError {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::Rejected(r) if r.missing => {
                ApiError::new(ErrorCode::ParameterNotFound, r.message).with_field(r.field)
            }
            WriteError::Rejected(r) => ApiError::invalid(&r.field, r.message),
            WriteError::Store(err) => err.into(),
        }
    }
}

/// An id in a path: anything but a positive number names no object.
pub(super) fn path_id(raw: &str) -> ApiResult<i64> {
    ids::parse_numeric(raw).ok_or_else(|| ApiError::not_found("Resource Not Found"))
}

/// `?page=&per_page=` of the page-numbered lists.
#[derive(Deserialize)]
pub(super) struct PageParams {
    page: Option<String>,
    per_page: Option<String>,
}

impl PageParams {
    pub(super) fn parse(&self, default_per_page: i64) -> ApiResult<PageRequest> {
        let number = |name: &str, raw: Option<&str>, default: i64, max: i64| match raw {
            None => Ok(default),
            Some(raw) => raw.trim().parse::<i64>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
                ApiError::invalid(name, format!("{name} must be an integer between 1 and {max}"))
            }),
        };
        Ok(PageRequest {
            page: number("page", self.page.as_deref(), 1, i64::from(i32::MAX))?,
            per_page: number(
                "per_page",
                self.per_page.as_deref(),
                default_per_page,
                PageRequest::MAX_PER_PAGE,
            )?,
        })
    }
}

/// A numeric id in a body: Intercom's SDKs send some as numbers and others as strings.
#[derive(Debug, Clone, Copy)]
pub(super) struct NumericId(pub i64);

impl<'de> Deserialize<'de> for NumericId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = NumericId;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a numeric id")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericId, E> {
                (v > 0).then_some(NumericId(v)).ok_or_else(|| E::custom("expected a positive numeric id"))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericId, E> {
                i64::try_from(v).map_err(|_| E::custom("id out of range")).and_then(|v| self.visit_i64(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumericId, E> {
                ids::parse_numeric(v.trim()).map(NumericId).ok_or_else(|| E::custom("expected a numeric id"))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// For `Option<Option<T>>` fields (with `#[serde(default)]`): absent is `None`, `null` is
/// `Some(None)`.
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Reads `translated_content`: `type` (if sent) must be `kind`, every other key a supported
/// locale whose value is read as `T`; a `null` locale is as good as absent.
pub(super) fn translations<T: DeserializeOwned>(
    map: Option<Map<String, Value>>,
    kind: &str,
) -> ApiResult<Vec<(String, T)>> {
    let mut out = Vec::new();
    for (key, value) in map.unwrap_or_default() {
        let field = format!("translated_content.{key}");
        if key == "type" {
            if !(value.is_null() || value == kind) {
                return Err(ApiError::invalid(&field, format!("{field} must be {kind}")));
            }
            continue;
        }
        if !is_locale(&key) {
            return Err(ApiError::invalid(&field, format!("{key} is not a supported locale")));
        }
        if value.is_null() {
            continue;
        }
        if !value.is_object() {
            return Err(ApiError::invalid(&field, format!("{field} must be an object")));
        }
        let content = serde_path_to_error::deserialize(value).map_err(|err| {
            let field = format!("{field}.{}", err.path());
            ApiError::invalid(&field, format!("{field}: {}", err.inner()))
        })?;
        out.push((key, content));
    }
    Ok(out)
}

/// `group_content` in a request.
#[derive(Deserialize)]
struct GroupBody {
    name: Option<String>,
    description: Option<String>,
}

impl From<GroupBody> for GroupInput {
    fn from(b: GroupBody) -> Self {
        GroupInput { name: b.name, description: b.description }
    }
}

/// `create_collection_request` and `update_collection_request`.
#[derive(Deserialize)]
struct CollectionBody {
    name: Option<String>,
    description: Option<String>,
    translated_content: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    parent_id: Option<Option<NumericId>>,
    help_center_id: Option<NumericId>,
}

impl CollectionBody {
    fn into_input(self) -> ApiResult<CollectionInput> {
        let translations = translations::<GroupBody>(self.translated_content, "group_translated_content")?;
        Ok(CollectionInput {
            main: GroupInput { name: self.name, description: self.description },
            translations: translations.into_iter().map(|(l, b)| (l, b.into())).collect(),
            parent_id: self.parent_id.map(|p| p.map(|id| id.0)),
            help_center_id: self.help_center_id.map(|id| id.0),
        })
    }
}

/// operationId: listHelpCenters
async fn list_help_centers(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<PageParams>,
) -> ApiResult<JsonResponse<List<HelpCenter>>> {
    let page = params.parse(15)?;
    let data = state.store.list_help_centers(ctx.workspace_id, page).await?;
    Ok(JsonResponse(List::new(data)))
}

/// operationId: retrieveHelpCenter
async fn retrieve_help_center(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<JsonResponse<HelpCenter>> {
    Ok(JsonResponse(state.store.get_help_center(ctx.workspace_id, path_id(&id)?).await?))
}

/// operationId: listAllCollections
async fn list_collections(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<PageParams>,
) -> ApiResult<JsonResponse<CursorList<Collection>>> {
    let page = params.parse(15)?;
    let (data, total_count) = state.store.list_collections(ctx.workspace_id, page).await?;
    Ok(JsonResponse(List::paged(data, total_count, page.pages(total_count))))
}

/// operationId: createCollection
async fn create_collection(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<CollectionBody>,
) -> ApiResult<JsonResponse<Collection>> {
    let input = body.into_input()?;
    Ok(JsonResponse(state.store.create_collection(ctx.workspace_id, input).await?))
}

/// operationId: retrieveCollection
async fn retrieve_collection(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<JsonResponse<Collection>> {
    Ok(JsonResponse(state.store.get_collection(ctx.workspace_id, path_id(&id)?).await?))
}

/// operationId: updateCollection
async fn update_collection(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<CollectionBody>,
) -> ApiResult<JsonResponse<Collection>> {
    let id = path_id(&id)?;
    let input = body.into_input()?;
    Ok(JsonResponse(state.store.update_collection(ctx.workspace_id, id, input).await?))
}

/// operationId: deleteCollection
async fn delete_collection(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<JsonResponse<Deleted>> {
    let id = path_id(&id)?;
    state.store.delete_collection(ctx.workspace_id, id).await?;
    Ok(JsonResponse(Deleted { id: id.to_string(), object: "collection", deleted: true }))
}
