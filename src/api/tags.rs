//! Tags: `/tags`, `/tags/{id}`, and the tags of a contact (`/contacts/{id}/tags`).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path, Reply};
use super::params::LooseId;
use crate::domain::company::CompanyRef;
use crate::domain::ids;
use crate::domain::pages::List;
use crate::domain::tag::{self, Tag};
use crate::error::{ApiError, ApiResult, Missing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tags", get(list).post(create))
        .route("/tags/{tag_id}", get(find).delete(remove))
        .route("/contacts/{contact_id}/tags", get(list_for_contact).post(attach_to_contact))
        .route("/contacts/{contact_id}/tags/{tag_id}", delete(detach_from_contact))
}

/// A tag id from a path; anything but a positive number names no tag.
fn tag_id(raw: &str) -> ApiResult<i64> {
    Ok(ids::parse_numeric(raw.trim()).ok_or(Missing::Resource)?)
}

/// operationId: listTags
async fn list(ctx: Ctx) -> Reply<List<Tag>> {
    Ok(Json(List::new(ctx.store.list_tags(ctx.workspace_id).await?)))
}

/// The body of `POST /tags`, one of: `{name, id?}` (create or rename), `{name, users}` (tag
/// contacts), `{name, companies}` (tag companies; with `untag: true`, untag them).
#[derive(Deserialize)]
struct TagRequest {
    name: Option<String>,
    id: Option<LooseId>,
    users: Option<Vec<UserRef>>,
    companies: Option<Vec<CompanyItem>>,
}

#[derive(Deserialize)]
struct UserRef {
    id: LooseId,
}

#[derive(Deserialize)]
struct CompanyItem {
    id: Option<LooseId>,
    company_id: Option<LooseId>,
    #[serde(default)]
    untag: bool,
}

/// operationId: createTag
async fn create(ctx: Ctx, Json(body): Json<TagRequest>) -> Reply<Tag> {
    let invalid = || ApiError::invalid("name", "invalid tag parameters");
    let name = body.name.as_deref().and_then(tag::clean_name).ok_or_else(invalid)?;
    let store = &ctx.store;
    let tag = match (body.users, body.companies) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("users", "invalid tag parameters: users and companies together"));
        }
        (Some(users), None) => {
            let contacts: Vec<String> = users.into_iter().map(|u| u.id.into_string()).collect();
            store.tag_contacts(ctx.workspace_id, ctx.admin_id, &name, &contacts).await
        }
        (None, Some(companies)) => {
            let untag = companies.iter().any(|c| c.untag);
            if companies.iter().any(|c| c.untag != untag) {
                return Err(ApiError::invalid(
                    "companies",
                    "invalid tag parameters: untag must be the same for every company",
                ));
            }
            let refs: Vec<CompanyRef> = companies
                .into_iter()
                .map(|c| CompanyRef {
                    id: c.id.map(LooseId::into_string),
                    company_id: c.company_id.map(LooseId::into_string),
                })
                .collect();
            if refs.iter().any(|r| r.id.is_none() && r.company_id.is_none()) {
                return Err(ApiError::invalid(
                    "companies",
                    "invalid tag parameters: each company needs an id or a company_id",
                ));
            }
            store.tag_companies(ctx.workspace_id, ctx.admin_id, &name, &refs, untag).await
        }
        (None, None) => {
            let id = body.id.map(LooseId::numeric).transpose()?;
            store.create_or_update_tag(ctx.workspace_id, &name, id).await
        }
    };
    Ok(Json(tag?))
}

/// operationId: findTag
async fn find(ctx: Ctx, Path(id): Path<String>) -> Reply<Tag> {
    Ok(Json(ctx.store.get_tag(ctx.workspace_id, tag_id(&id)?).await?))
}

/// operationId: deleteTag
async fn remove(ctx: Ctx, Path(id): Path<String>) -> ApiResult<StatusCode> {
    ctx.store.delete_tag(ctx.workspace_id, tag_id(&id)?).await?;
    Ok(StatusCode::OK)
}

/// operationId: listTagsForAContact
async fn list_for_contact(ctx: Ctx, Path(contact_id): Path<String>) -> Reply<List<Tag>> {
    Ok(Json(List::new(ctx.store.contact_tags(ctx.workspace_id, &contact_id).await?)))
}

#[derive(Deserialize)]
struct TagRef {
    id: LooseId,
}

/// operationId: attachTagToContact
async fn attach_to_contact(ctx: Ctx, Path(contact_id): Path<String>, Json(body): Json<TagRef>) -> Reply<Tag> {
    let tag = body.id.numeric()?;
    Ok(Json(ctx.store.tag_contact(ctx.workspace_id, ctx.admin_id, &contact_id, tag).await?))
}

/// operationId: detachTagFromContact
async fn detach_from_contact(ctx: Ctx, Path((contact_id, tag)): Path<(String, String)>) -> Reply<Tag> {
    Ok(Json(ctx.store.untag_contact(ctx.workspace_id, &contact_id, tag_id(&tag)?).await?))
}
