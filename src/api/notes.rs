//! Notes: `/contacts/{id}/notes`, `/companies/{id}/notes` (2.16) and `/notes/{id}`.

use axum::Router;
use axum::routing::get;
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Id, Json, Path, Query, Reply};
use super::params::{LooseId, PageParams};
use crate::domain::note::{self, Note};
use crate::domain::pages::{CursorList, CursorPages, List};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts/{contact_id}/notes", get(list).post(create))
        .route("/companies/{company_id}/notes", get(list_for_company).post(create_for_company))
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

/// operationId: listCompanyNotes
async fn list_for_company(
    ctx: Ctx,
    Path(company_id): Path<String>,
    Query(paging): Query<PageParams>,
) -> Reply<CursorList<Note>> {
    let (page, per_page) = paging.numbers(50, 150)?;
    let (notes, total) = ctx.store.list_company_notes(ctx.workspace_id, &company_id, page, per_page).await?;
    let pages = CursorPages::new(page as i64, per_page as i64, total, None);
    Ok(Json(List::paged(notes, total, pages)))
}

#[derive(Deserialize)]
struct NoteRequest {
    body: String,
    admin_id: Option<LooseId>,
}

impl NoteRequest {
    /// The author (the token's admin unless named) and the stored body.
    fn checked(self, token_admin: i64) -> ApiResult<(i64, String)> {
        if self.body.trim().is_empty() {
            return Err(ApiError::invalid("body", "body must not be empty"));
        }
        let admin_id = self.admin_id.map(LooseId::numeric).transpose()?.unwrap_or(token_admin);
        Ok((admin_id, note::body_html(&self.body)))
    }
}

/// operationId: createNote
async fn create(ctx: Ctx, Path(contact_id): Path<String>, Json(request): Json<NoteRequest>) -> Reply<Note> {
    let (admin_id, body) = request.checked(ctx.admin_id)?;
    Ok(Json(ctx.store.create_note(ctx.workspace_id, &contact_id, admin_id, &body).await?))
}

/// operationId: createCompanyNote
async fn create_for_company(
    ctx: Ctx,
    Path(company_id): Path<String>,
    Json(request): Json<NoteRequest>,
) -> Reply<Note> {
    let (admin_id, body) = request.checked(ctx.admin_id)?;
    Ok(Json(ctx.store.create_company_note(ctx.workspace_id, &company_id, admin_id, &body).await?))
}

/// operationId: retrieveNote
async fn retrieve(ctx: Ctx, Id(id): Id) -> Reply<Note> {
    Ok(Json(ctx.store.get_note(ctx.workspace_id, id).await?))
}
