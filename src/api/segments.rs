//! Segments: `/segments`, `/segments/{id}` and the segments of a contact.

use axum::Router;
use axum::routing::get;
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path, Query, Reply};
use super::params;
use crate::domain::pages::{List, NamedList};
use crate::domain::segment::Segment;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/segments", get(list))
        .route("/segments/{segment_id}", get(retrieve))
        .route("/contacts/{contact_id}/segments", get(list_for_contact))
}

#[derive(Deserialize)]
struct CountParams {
    include_count: Option<String>,
}

impl CountParams {
    fn include_count(&self) -> ApiResult<bool> {
        params::flag("include_count", self.include_count.as_deref())
    }
}

/// operationId: listSegments
async fn list(ctx: Ctx, Query(params): Query<CountParams>) -> Reply<NamedList<Segment>> {
    let segments = ctx.store.list_segments(ctx.workspace_id, params.include_count()?).await?;
    Ok(Json(NamedList::new(segments)))
}

/// operationId: retrieveSegment
async fn retrieve(
    ctx: Ctx,
    Path(segment_id): Path<String>,
    Query(params): Query<CountParams>,
) -> Reply<Segment> {
    Ok(Json(ctx.store.get_segment(ctx.workspace_id, &segment_id, params.include_count()?).await?))
}

/// operationId: listSegmentsForAContact
async fn list_for_contact(ctx: Ctx, Path(contact_id): Path<String>) -> Reply<List<Segment>> {
    Ok(Json(List::new(ctx.store.contact_segments(ctx.workspace_id, &contact_id).await?)))
}
