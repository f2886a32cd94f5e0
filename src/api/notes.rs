//! Notes: `/contacts/{id}/notes` and `/notes/{id}`.

use axum::Router;
use axum::routing::get;
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Id, Json, Path, Query, Reply};
use super::params::{LooseId, PageParams};
use crate::domain::note::{self, Note};
use crate::domain::pages::{CursorList, CursorPages, List};
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts/{contact_id}/notes", get(list).post(create))
        .route("/notes/{note_id}", get(retrieve))
}

/// operationId: listNotes
async fn list(
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(paging): Query<PageParams>,
) -> Reply<CursorList<Note>> {
    let (page, per_page) = paging.numbers(50, 150)?;
    let (notes, total) = ctx.store.list_notes(ctx.workspace_id, &contact_id, page, per_page).await?;
    // Page-numbered: clients ask for page + 1 until a page comes back empty.
    let pages = CursorPages::new(page as i64, per_page as i64, total, None);
    Ok(Json(List::paged(notes, total, pages)))
}

#[derive(Deserialize)]
struct NoteRequest {
    body: String,
    admin_id: Option<LooseId>,
}

/// operationId: createNote
async fn create(ctx: Ctx, Path(contact_id): Path<String>, Json(request): Json<NoteRequest>) -> Reply<Note> {
    if request.body.trim().is_empty() {
        return Err(ApiError::invalid("body", "body must not be empty"));
    }
    let admin_id = request.admin_id.map(LooseId::numeric).transpose()?.unwrap_or(ctx.admin_id);
    let body = note::body_html(&request.body);
    Ok(Json(ctx.store.create_note(ctx.workspace_id, &contact_id, admin_id, &body).await?))
}

/// operationId: retrieveNote
async fn retrieve(ctx: Ctx, Id(id): Id) -> Reply<Note> {
    Ok(Json(ctx.store.get_note(ctx.workspace_id, id).await?))
}
