//! Segments: `/segments`, `/segments/{id}` and the segments of a contact.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonResponse, Router};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Path, Query};
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

/// operationId: listSegments
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<CountParams>,
) -> ApiResult<JsonResponse<NamedList<Segment>>> {
    let include_count = params::flag("include_count", params.include_count.as_deref())?;
    let segments = state.store.list_segments(ctx.workspace_id, include_count).await?;
    Ok(JsonResponse(NamedList::new(segments)))
}

/// operationId: retrieveSegment
async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(segment_id): Path<String>,
    Query(params): Query<CountParams>,
) -> ApiResult<JsonResponse<Segment>> {
    let include_count = params::flag("include_count", params.include_count.as_deref())?;
    let segment = state.store.get_segment(ctx.workspace_id, &segment_id, include_count).await?;
    Ok(JsonResponse(segment))
}

/// operationId: listSegmentsForAContact
async fn list_for_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
) -> ApiResult<JsonResponse<List<Segment>>> {
    let segments = state.store.contact_segments(ctx.workspace_id, &contact_id).await?;
    Ok(JsonResponse(List::new(segments)))
}
