//! Switch: `POST /phone_call_redirects`. Intercom texts the caller a link to its Messenger;
//! Switchboard sends no SMS, and records the redirect and the conversation it opens.

use axum::Router;
use axum::routing::post;

use super::AppState;
use super::extract::{Ctx, Json, Reply};
use crate::domain::phone_call_redirect::{PhoneSwitch, RedirectBody};

pub fn router() -> Router<AppState> {
    Router::new().route("/phone_call_redirects", post(create))
}

/// operationId: createPhoneSwitch
async fn create(ctx: Ctx, Json(body): Json<RedirectBody>) -> Reply<PhoneSwitch> {
    let new = body.check()?;
    Ok(Json(ctx.store.redirect_phone_call(ctx.workspace_id, ctx.admin_id, &new).await?))
}
