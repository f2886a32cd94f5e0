//! Conversation attributes (2.16): `GET|POST /conversations/attributes`,
//! `GET|PUT|DELETE /conversations/attributes/{id}` and a list's options,
//! `POST /conversations/attributes/{id}/options`, `PUT|DELETE .../options/{option_id}`.

use axum::Router;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::Value;

use super::AppState;
use super::extract::{AnyJson, Ctx, Json, Path, Query, Reply};
use super::params;
use crate::domain::data_attribute::conversation::{
    self as attribute, AttributeType, ConversationAttribute, ConversationAttributeChanges,
    NewConversationAttribute, refused,
};
use crate::domain::data_attribute::{MIN_OPTIONS, Model, name_problem};
use crate::domain::ids;
use crate::domain::pages::List;
use crate::error::{ApiResult, Missing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations/attributes", get(list).post(create))
        .route("/conversations/attributes/{id}", get(retrieve).put(update).delete(archive))
        .route("/conversations/attributes/{id}/options", post(add_option))
        .route(
            "/conversations/attributes/{id}/options/{option_id}",
            put(update_option).delete(archive_option),
        )
}

/// An attribute id from the path; anything else names no attribute.
fn attribute_id(raw: &str) -> ApiResult<i64> {
    Ok(ids::parse_numeric(raw.trim()).ok_or(Missing::ConversationAttribute)?)
}

#[derive(Deserialize)]
struct ListParams {
    include_archived: Option<String>,
}

/// operationId: listConversationAttributes
async fn list(ctx: Ctx, Query(params): Query<ListParams>) -> Reply<List<ConversationAttribute>> {
    let include_archived = params::flag("include_archived", params.include_archived.as_deref())?;
    Ok(Json(List::new(ctx.store.list_conversation_attributes(ctx.workspace_id, include_archived).await?)))
}

/// The body of a create; every field checked in [`CreateRequest::check`].
#[derive(Deserialize)]
struct CreateRequest {
    name: Option<Value>,
    description: Option<Value>,
    data_type: Option<Value>,
    required: Option<Value>,
    visible_to_team_ids: Option<Value>,
    multiline: Option<Value>,
    options: Option<Value>,
    reference: Option<Value>,
}

fn text(field: &str, value: Option<Value>) -> ApiResult<Option<String>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(refused(field, format!("{field} must be a string"))),
    }
}

fn boolean(field: &str, value: Option<Value>) -> ApiResult<Option<bool>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(_) => Err(refused(field, format!("{field} must be true or false"))),
    }
}

/// A name as the workspace may use it.
fn name(raw: String) -> ApiResult<String> {
    let name = raw.trim().to_owned();
    if let Some(problem) = name_problem(&name, Model::Conversation) {
        return Err(refused("name", problem));
    }
    Ok(name)
}

/// A list's initial options: `[{"label": ...}]` (or plain strings), at least [`MIN_OPTIONS`].
fn initial_options(raw: &Value) -> ApiResult<Vec<String>> {
    let Value::Array(items) = raw else {
        return Err(refused("options", "options must be an array of objects with a label"));
    };
    let mut labels: Vec<String> = Vec::new();
    for item in items {
        let label = match item {
            Value::Object(_) => attribute::option_label(item)?,
            Value::String(label) if !label.trim().is_empty() => label.trim().to_owned(),
            _ => return Err(refused("options", "options must be an array of objects with a label")),
        };
        if labels.contains(&label) {
            return Err(refused("options", format!("The option '{label}' is listed twice")));
        }
        labels.push(label);
    }
    if labels.len() < MIN_OPTIONS {
        return Err(refused("options", "A list attribute must have at least 2 active options"));
    }
    Ok(labels)
}

impl CreateRequest {
    fn check(self) -> ApiResult<NewConversationAttribute> {
        const ALLOWED: &str = "string, integer, list, decimal, boolean, datetime, relationship, files";
        let data_type = match self.data_type {
            None | Some(Value::Null) => return Err(refused("data_type", "data_type is required")),
            Some(Value::String(raw)) => AttributeType::parse(raw.trim()).ok_or_else(|| {
                refused("data_type", format!("data_type '{raw}' is not valid. Allowed types: {ALLOWED}"))
            })?,
            Some(other) => {
                return Err(refused(
                    "data_type",
                    format!("data_type '{other}' is not valid. Allowed types: {ALLOWED}"),
                ));
            }
        };
        let name = name(text("name", self.name)?.ok_or_else(|| refused("name", "name is required"))?)?;
        let multiline = boolean("multiline", self.multiline)?;
        if multiline.is_some() && data_type != AttributeType::String {
            return Err(refused("multiline", "multiline can only be set on string attributes"));
        }
        let options = match (&self.options, data_type) {
            (None | Some(Value::Null), AttributeType::List) => {
                return Err(refused("options", "A list attribute must have at least 2 active options"));
            }
            (Some(raw), AttributeType::List) => initial_options(raw)?,
            (None | Some(Value::Null), _) => Vec::new(),
            (Some(_), _) => return Err(refused("options", "Options can only be managed on list attributes")),
        };
        let reference = match (&self.reference, data_type) {
            (None | Some(Value::Null), AttributeType::Relationship) => {
                return Err(refused("reference", "reference is required for relationship attributes"));
            }
            (Some(raw), AttributeType::Relationship) => Some(attribute::reference(raw)?),
            (None | Some(Value::Null), _) => None,
            (Some(_), _) => {
                return Err(refused("reference", "reference can only be set on relationship attributes"));
            }
        };
        Ok(NewConversationAttribute {
            name,
            description: text("description", self.description)?.unwrap_or_default(),
            data_type,
            required: boolean("required", self.required)?.unwrap_or(false),
            visible_to_team_ids: match self.visible_to_team_ids {
                None | Some(Value::Null) => Vec::new(),
                Some(raw) => attribute::team_ids(&raw)?,
            },
            multiline: multiline.unwrap_or(false),
            options,
            reference,
        })
    }
}

/// operationId: createConversationAttribute
async fn create(ctx: Ctx, Json(body): Json<CreateRequest>) -> Reply<ConversationAttribute> {
    let new = body.check()?;
    Ok(Json(ctx.store.create_conversation_attribute(ctx.workspace_id, ctx.admin_id, &new).await?))
}

/// operationId: getConversationAttribute
async fn retrieve(ctx: Ctx, Path(id): Path<String>) -> Reply<ConversationAttribute> {
    Ok(Json(ctx.store.get_conversation_attribute(ctx.workspace_id, attribute_id(&id)?).await?))
}

#[derive(Deserialize)]
struct UpdateRequest {
    name: Option<Value>,
    description: Option<Value>,
    multiline: Option<Value>,
    required: Option<Value>,
    visible_to_team_ids: Option<Value>,
    reference: Option<Value>,
    /// Not changeable; present only to refuse it.
    data_type: Option<Value>,
    options: Option<Value>,
}

/// operationId: updateConversationAttribute
async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<UpdateRequest>,
) -> Reply<ConversationAttribute> {
    let id = attribute_id(&id)?;
    if body.data_type.is_some() {
        return Err(refused("data_type", "The data_type of a conversation attribute cannot be changed"));
    }
    if body.options.is_some() {
        return Err(refused("options", "Options are managed at /conversations/attributes/{id}/options"));
    }
    let changes = ConversationAttributeChanges {
        name: text("name", body.name)?.map(name).transpose()?,
        description: text("description", body.description)?,
        multiline: boolean("multiline", body.multiline)?,
        required: boolean("required", body.required)?,
        visible_to_team_ids: match body.visible_to_team_ids {
            None | Some(Value::Null) => None,
            Some(raw) => Some(attribute::team_ids(&raw)?),
        },
        reference: match body.reference {
            None | Some(Value::Null) => None,
            Some(raw) => Some(attribute::reference(&raw)?),
        },
    };
    Ok(Json(ctx.store.update_conversation_attribute(ctx.workspace_id, id, &changes).await?))
}

/// operationId: deleteConversationAttribute
async fn archive(ctx: Ctx, Path(id): Path<String>) -> Reply<ConversationAttribute> {
    Ok(Json(ctx.store.archive_conversation_attribute(ctx.workspace_id, attribute_id(&id)?).await?))
}

/// operationId: createConversationAttributeOption
async fn add_option(
    ctx: Ctx,
    Path(id): Path<String>,
    AnyJson(body): AnyJson,
) -> Reply<ConversationAttribute> {
    let id = attribute_id(&id)?;
    let label = attribute::option_label(&body)?;
    Ok(Json(ctx.store.write_attribute_option(ctx.workspace_id, id, None, &label).await?))
}

/// operationId: updateConversationAttributeOption
async fn update_option(
    ctx: Ctx,
    Path((id, option_id)): Path<(String, String)>,
    AnyJson(body): AnyJson,
) -> Reply<ConversationAttribute> {
    let id = attribute_id(&id)?;
    let label = attribute::option_label(&body)?;
    Ok(Json(ctx.store.write_attribute_option(ctx.workspace_id, id, Some(option_id.trim()), &label).await?))
}

/// operationId: deleteConversationAttributeOption
async fn archive_option(
    ctx: Ctx,
    Path((id, option_id)): Path<(String, String)>,
) -> Reply<ConversationAttribute> {
    let id = attribute_id(&id)?;
    Ok(Json(ctx.store.archive_attribute_option(ctx.workspace_id, id, option_id.trim()).await?))
}
