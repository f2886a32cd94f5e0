//! `/_switchboard/webhooks`: a workspace's webhook subscriptions and their deliveries.
//!
//! Intercom sets subscriptions in its Developer Hub and has no REST API for them; these
//! endpoints stand in for it with the workspace's token. They are management, not test
//! controls: they stay served with `--controls off`.

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::AppState;
use super::extract::{Ctx, Id, Json, Path, Query, Reply};
use super::params::per_page;
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::pages::List;
use crate::domain::webhook::{self, Subscription};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_switchboard/webhooks", get(list).post(create))
        .route("/_switchboard/webhooks/{id}", get(retrieve).delete(delete))
        .route("/_switchboard/webhooks/{id}/deliveries", get(deliveries))
        .route("/_switchboard/webhooks/{id}/deliveries/{notification_id}/redeliver", post(redeliver))
}

/// `{"url", "topics": [...], "api_version"?}` (the request's version when absent): 201, and a
/// `ping` is queued for it.
async fn create(ctx: Ctx, Json(body): Json<Map<String, Value>>) -> ApiResult<Response> {
    let new = webhook::parse_subscription(&body, ctx.version)?;
    let created = ctx.store.create_webhook(ctx.workspace_id, &new).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn list(ctx: Ctx) -> Reply<List<Subscription>> {
    Ok(Json(List::new(ctx.store.list_webhooks(ctx.workspace_id).await?)))
}

async fn retrieve(ctx: Ctx, Id(id): Id) -> Reply<Subscription> {
    Ok(Json(ctx.store.get_webhook(ctx.workspace_id, id).await?))
}

async fn delete(ctx: Ctx, Id(id): Id) -> Reply<Value> {
    let deleted = ctx.store.delete_webhook(ctx.workspace_id, id).await?;
    Ok(Json(json!({"type": "webhook_subscription", "id": deleted.id, "deleted": true})))
}

#[derive(Deserialize)]
struct Paging {
    per_page: Option<String>,
    starting_after: Option<String>,
}

/// Newest first, `per_page` (default 50, at most 150) at a time; `pages.next.starting_after`
/// continues.
async fn deliveries(ctx: Ctx, Id(id): Id, Query(paging): Query<Paging>) -> Reply<Value> {
    let per_page = per_page(paging.per_page.as_deref(), 50, 150)?;
    let after = match paging.starting_after.as_deref() {
        None => None,
        Some(raw) => Some(raw.trim().parse::<i64>().map_err(|_| {
            ApiError::invalid("starting_after", "starting_after is not a cursor this list gave")
        })?),
    };
    let page = ctx.store.list_deliveries(ctx.workspace_id, id, after, per_page).await?;
    let next = match page.last() {
        Some(last) if page.len() as u64 == per_page => json!({"starting_after": last.id}),
        _ => Value::Null,
    };
    Ok(Json(json!({
        "type": "list",
        "data": page,
        "pages": {"type": "pages", "per_page": per_page, "next": next},
    })))
}

async fn redeliver(
    ctx: Ctx,
    Path((id, notification_id)): Path<(String, String)>,
) -> Reply<webhook::Delivery> {
    let id = ids::parse_numeric(&id).ok_or(Missing::Resource)?;
    Ok(Json(ctx.store.redeliver(ctx.workspace_id, id, &notification_id).await?))
}
