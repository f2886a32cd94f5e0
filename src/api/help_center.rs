//! Help centers and collections: `/help_center/help_centers[/{id}]`,
//! `/help_center/collections[/{id}]`.

use axum::Router;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::AppState;
use super::extract::{Ctx, Id, Json, Query, Reply};
use super::params::{NumericId, PageParams, translations};
use crate::domain::help_center::{Collection, CollectionInput, Deleted, GroupInput, HelpCenter};
use crate::domain::nullable::present;
use crate::domain::pages::{CursorList, List};
use crate::error::ApiResult;

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
async fn list_help_centers(ctx: Ctx, Query(params): Query<PageParams>) -> Reply<List<HelpCenter>> {
    let page = params.parse(15)?;
    let data = ctx.store.list_help_centers(ctx.workspace_id, page).await?;
    Ok(Json(List::new(data)))
}

/// operationId: retrieveHelpCenter
async fn retrieve_help_center(ctx: Ctx, Id(id): Id) -> Reply<HelpCenter> {
    Ok(Json(ctx.store.get_help_center(ctx.workspace_id, id).await?))
}

/// operationId: listAllCollections
async fn list_collections(ctx: Ctx, Query(params): Query<PageParams>) -> Reply<CursorList<Collection>> {
    let page = params.parse(15)?;
    let (data, total_count) = ctx.store.list_collections(ctx.workspace_id, page).await?;
    Ok(Json(List::paged(data, total_count, page.pages(total_count))))
}

/// operationId: createCollection
async fn create_collection(ctx: Ctx, Json(body): Json<CollectionBody>) -> Reply<Collection> {
    let input = body.into_input()?;
    Ok(Json(ctx.store.create_collection(ctx.workspace_id, input).await?))
}

/// operationId: retrieveCollection
async fn retrieve_collection(ctx: Ctx, Id(id): Id) -> Reply<Collection> {
    Ok(Json(ctx.store.get_collection(ctx.workspace_id, id).await?))
}

/// operationId: updateCollection
async fn update_collection(ctx: Ctx, Id(id): Id, Json(body): Json<CollectionBody>) -> Reply<Collection> {
    let input = body.into_input()?;
    Ok(Json(ctx.store.update_collection(ctx.workspace_id, id, input).await?))
}

/// operationId: deleteCollection
async fn delete_collection(ctx: Ctx, Id(id): Id) -> Reply<Deleted> {
    ctx.store.delete_collection(ctx.workspace_id, id).await?;
    Ok(Json(Deleted { id: id.to_string(), object: "collection", deleted: true }))
}
