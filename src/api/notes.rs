//! Notes: `/contacts/{id}/notes` and `/notes/{id}`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonResponse, Router};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path, Query};
use super::params::{self, LooseId};
use crate::domain::ids;
use crate::domain::note::{self, Note};
use crate::domain::pages::{CursorList, CursorPages, List};
use crate::error::{ApiError, ApiResult, Missing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts/{contact_id}/notes", get(list).post(create))
        .route("/notes/{note_id}", get(retrieve))
}

fn not_found() -> ApiError {
    Missing::Resource.into()
}

#[derive(Deserialize)]
struct ListParams {
    page: Option<String>,
    per_page: Option<String>,
}

/// operationId: listNotes
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<JsonResponse<CursorList<Note>>> {
    let page = params::page(params.page.as_deref())?;
    let per_page = params::per_page(params.per_page.as_deref(), 50, 150)?;
    let (notes, total) = state.store.list_notes(ctx.workspace_id, &contact_id, page, per_page).await?;
    // Page-numbered: clients ask for page + 1 until a page comes back empty.
    let pages = CursorPages::new(page as i64, per_page as i64, total, None);
    Ok(JsonResponse(List::paged(notes, total, pages)))
}

#[derive(Deserialize)]
struct NoteRequest {
    body: String,
    admin_id: Option<LooseId>,
}

/// operationId: createNote
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Json(request): Json<NoteRequest>,
) -> ApiResult<JsonResponse<Note>> {
    if request.body.trim().is_empty() {
        return Err(ApiError::invalid("body", "body must not be empty"));
    }
    let admin_id = match request.admin_id {
        None => ctx.admin_id,
        Some(id) => ids::parse_numeric(id.into_string().trim()).ok_or_else(not_found)?,
    };
    let body = note::body_html(&request.body);
    let note = state.store.create_note(ctx.workspace_id, &contact_id, admin_id, &body).await;
    Ok(JsonResponse(note?))
}

/// operationId: retrieveNote
async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(note_id): Path<String>,
) -> ApiResult<JsonResponse<Note>> {
    let id = ids::parse_numeric(&note_id).ok_or_else(not_found)?;
    Ok(JsonResponse(state.store.get_note(ctx.workspace_id, id).await?))
}
