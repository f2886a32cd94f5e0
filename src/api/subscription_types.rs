//! Subscription types (`/subscription_types`) and contacts' choices about them
//! (`/contacts/{id}/subscriptions`).

use axum::extract::State;
use axum::routing::{delete, get};
use axum::{Json as JsonResponse, Router};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path};
use super::params::LooseId;
use crate::domain::ids;
use crate::domain::pages::List;
use crate::domain::subscription::{ConsentType, SubscriptionType};
use crate::error::{ApiError, ApiResult, Missing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subscription_types", get(list))
        .route("/contacts/{contact_id}/subscriptions", get(list_for_contact).post(attach))
        .route("/contacts/{contact_id}/subscriptions/{subscription_id}", delete(detach))
}

fn not_found() -> ApiError {
    Missing::Resource.into()
}

/// operationId: listSubscriptionTypes
async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<JsonResponse<List<SubscriptionType>>> {
    Ok(JsonResponse(List::new(state.store.list_subscription_types(ctx.workspace_id).await?)))
}

/// operationId: listSubscriptionsForAContact
async fn list_for_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
) -> ApiResult<JsonResponse<List<SubscriptionType>>> {
    let types = state.store.contact_subscriptions(ctx.workspace_id, &contact_id).await?;
    Ok(JsonResponse(List::new(types)))
}

#[derive(Deserialize)]
struct AttachRequest {
    id: LooseId,
    consent_type: String,
}

/// operationId: attachSubscriptionTypeToContact
async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Json(body): Json<AttachRequest>,
) -> ApiResult<JsonResponse<SubscriptionType>> {
    let consent = ConsentType::parse(&body.consent_type)
        .ok_or_else(|| ApiError::invalid("consent_type", "consent_type must be opt_in or opt_out"))?;
    let id = ids::parse_numeric(body.id.into_string().trim()).ok_or_else(not_found)?;
    let attached = state.store.attach_subscription(ctx.workspace_id, &contact_id, id, consent).await;
    Ok(JsonResponse(attached?))
}

/// operationId: detachSubscriptionTypeToContact
async fn detach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((contact_id, subscription_id)): Path<(String, String)>,
) -> ApiResult<JsonResponse<SubscriptionType>> {
    let id = ids::parse_numeric(&subscription_id).ok_or_else(not_found)?;
    let detached = state.store.detach_subscription(ctx.workspace_id, &contact_id, id).await;
    Ok(JsonResponse(detached?))
}
