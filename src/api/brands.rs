//! Brands and sender addresses (2.15+): `/brands[/{id}]` and `/emails[/{id}]`. The operator sets
//! them up with `switchboard brand` and `switchboard email`; the API only reads them.

use axum::Router;
use axum::routing::get;

use super::AppState;
use super::extract::{Ctx, Json, Path, Reply};
use crate::domain::brand::{Brand, EmailSetting};
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::pages::List;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/brands", get(list_brands))
        .route("/brands/{id}", get(retrieve_brand))
        .route("/emails", get(list_emails))
        .route("/emails/{id}", get(retrieve_email))
}

/// operationId: listBrands
async fn list_brands(ctx: Ctx) -> Reply<List<Brand>> {
    Ok(Json(List::new(ctx.store.list_brands(ctx.workspace_id).await?)))
}

/// operationId: retrieveBrand
async fn retrieve_brand(ctx: Ctx, Path(id): Path<String>) -> Reply<Brand> {
    Ok(Json(ctx.store.get_brand(ctx.workspace_id, &id).await?))
}

/// operationId: listEmails
async fn list_emails(ctx: Ctx) -> Reply<List<EmailSetting>> {
    Ok(Json(List::new(ctx.store.list_emails(ctx.workspace_id).await?)))
}

/// operationId: retrieveEmail
async fn retrieve_email(ctx: Ctx, Path(id): Path<String>) -> Reply<EmailSetting> {
    let id = ids::parse_numeric(&id).ok_or(Missing::EmailSetting)?;
    Ok(Json(ctx.store.get_email(ctx.workspace_id, id).await?))
}
