//! Messages: `POST /messages`, and the WhatsApp delivery statuses `GET /messages/status` and
//! `GET /messages/whatsapp/status`. No email, in-app or WhatsApp message leaves Switchboard:
//! a message is the conversation it starts, and a WhatsApp delivery stays `sent`.

use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Query, Reply};
use crate::domain::conversation::Message;
use crate::domain::error::{OrMissing, Rejection};
use crate::domain::ids;
use crate::domain::message::{MessageBody, NextPage, StatusList, StatusPages, WhatsappStatus};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/messages", post(create))
        .route("/messages/status", get(statuses))
        .route("/messages/whatsapp/status", get(whatsapp_status))
}

/// operationId: createMessage
async fn create(ctx: Ctx, Json(body): Json<MessageBody>) -> Reply<Message> {
    let new = body.check()?;
    Ok(Json(ctx.store.create_message(ctx.workspace_id, ctx.admin_id, &new).await?))
}

#[derive(Deserialize)]
struct StatusParams {
    ruleset_id: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
}

/// operationId: getWhatsAppMessageStatus
///
/// A ruleset is a message: its id lists the WhatsApp deliveries it made.
async fn statuses(ctx: Ctx, Query(params): Query<StatusParams>) -> Reply<StatusList> {
    let ruleset = params.ruleset_id.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let ruleset = ruleset.or_missing("ruleset_id")?;
    let per_page = super::params::per_page(params.per_page.as_deref(), 50, 100)?;
    let after = match params.starting_after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(ids::parse_numeric(raw).ok_or_else(|| {
            Rejection::invalid("starting_after", "starting_after is not a cursor this server made")
        })?),
    };
    // An id Switchboard never made names a ruleset without messages.
    let (mut events, total) = match ids::parse_numeric(&ruleset) {
        Some(id) => ctx.store.message_statuses(ctx.workspace_id, id, after, per_page + 1).await?,
        None => (Vec::new(), 0),
    };
    let more = events.len() as u64 > per_page;
    events.truncate(per_page as usize);
    let next = match events.last() {
        Some(last) if more => Some(NextPage { starting_after: last.id.clone() }),
        _ => None,
    };
    let total_pages = (total + per_page as i64 - 1) / per_page as i64;
    Ok(Json(StatusList {
        kind: "list",
        ruleset_id: ruleset,
        pages: StatusPages { kind: "pages", per_page, total_pages, next },
        total_count: total,
        events,
    }))
}

#[derive(Deserialize)]
struct WhatsappParams {
    message_id: Option<String>,
}

/// operationId: RetrieveWhatsAppMessageStatus
async fn whatsapp_status(ctx: Ctx, Query(params): Query<WhatsappParams>) -> Reply<WhatsappStatus> {
    let id = params.message_id.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
    let id = id.or_missing("message_id")?;
    Ok(Json(ctx.store.whatsapp_status(ctx.workspace_id, &id).await?))
}
