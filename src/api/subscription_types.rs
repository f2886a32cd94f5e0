//! Subscription types (`/subscription_types`) and contacts' choices about them
//! (`/contacts/{id}/subscriptions`).

use axum::Router;
use axum::routing::{delete, get};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path, Reply};
use super::params::LooseId;
use crate::domain::ids;
use crate::domain::pages::List;
use crate::domain::subscription::{ConsentType, SubscriptionType};
use crate::error::{ApiError, Missing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subscription_types", get(list))
        .route("/contacts/{contact_id}/subscriptions", get(list_for_contact).post(attach))
        .route("/contacts/{contact_id}/subscriptions/{subscription_id}", delete(detach))
}

/// operationId: listSubscriptionTypes
async fn list(ctx: Ctx) -> Reply<List<SubscriptionType>> {
    Ok(Json(List::new(ctx.store.list_subscription_types(ctx.workspace_id).await?)))
}

/// operationId: listSubscriptionsForAContact
async fn list_for_contact(ctx: Ctx, Path(contact_id): Path<String>) -> Reply<List<SubscriptionType>> {
    Ok(Json(List::new(ctx.store.contact_subscriptions(ctx.workspace_id, &contact_id).await?)))
}

#[derive(Deserialize)]
struct AttachRequest {
    id: LooseId,
    consent_type: String,
}

/// operationId: attachSubscriptionTypeToContact
async fn attach(
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Json(body): Json<AttachRequest>,
) -> Reply<SubscriptionType> {
    let consent = ConsentType::parse(&body.consent_type)
        .ok_or_else(|| ApiError::invalid("consent_type", "consent_type must be opt_in or opt_out"))?;
    let id = body.id.numeric()?;
    Ok(Json(ctx.store.attach_subscription(ctx.workspace_id, &contact_id, id, consent).await?))
}

/// operationId: detachSubscriptionTypeToContact
async fn detach(
    ctx: Ctx,
    Path((contact_id, subscription_id)): Path<(String, String)>,
) -> Reply<SubscriptionType> {
    let id = ids::parse_numeric(&subscription_id).ok_or(Missing::Resource)?;
    Ok(Json(ctx.store.detach_subscription(ctx.workspace_id, &contact_id, id).await?))
}
