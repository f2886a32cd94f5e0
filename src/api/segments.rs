//! Segments: `/segments`, `/segments/{id}` and the segments of a contact.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonResponse, Router};
use serde::Deserialize;

use super::AppState;
use super::contacts::contact_not_found;
use super::extract::{Ctx, Path, Query};
use super::params;
use crate::domain::pages::{List, NamedList};
use crate::domain::segment::Segment;
use crate::error::{ApiError, ApiResult};
use crate::store::StoreError;
use crate::store::contacts::ContactError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/segments", get(list))
        .route("/segments/{segment_id}", get(retrieve))
        .route("/contacts/{contact_id}/segments", get(list_for_contact))
}

/// A segment whose saved query no longer compiles is a server fault, not the client's.
fn segment_error(not_found: fn() -> ApiError) -> impl Fn(ContactError) -> ApiError {
    move |err| match err {
        ContactError::Store(StoreError::NotFound(_)) => not_found(),
        ContactError::Store(err) => err.into(),
        ContactError::Search(err) => {
            tracing::error!(error = %err, "a saved segment query does not compile");
            ApiError::internal()
        }
        ContactError::Rejected(_) => ApiError::internal(),
    }
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
    let segments = state
        .store
        .list_segments(ctx.workspace_id, include_count)
        .await
        .map_err(segment_error(|| ApiError::not_found("Resource Not Found")))?;
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
    let segment = state
        .store
        .get_segment(ctx.workspace_id, &segment_id, include_count)
        .await
        .map_err(segment_error(|| ApiError::not_found("Resource Not Found")))?;
    Ok(JsonResponse(segment))
}

/// operationId: listSegmentsForAContact
async fn list_for_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
) -> ApiResult<JsonResponse<List<Segment>>> {
    let segments = state
        .store
        .contact_segments(ctx.workspace_id, &contact_id)
        .await
        .map_err(segment_error(contact_not_found))?;
    Ok(JsonResponse(List::new(segments)))
}
