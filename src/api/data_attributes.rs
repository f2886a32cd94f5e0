//! Data attributes: `GET|POST /data_attributes`, `PUT /data_attributes/{id}`.

use axum::Router;
use axum::routing::{get, put};
use serde::Deserialize;
use serde_json::Value;

use super::AppState;
use super::extract::{Ctx, Json, Path, Query, Reply};
use super::params;
use crate::domain::data_attribute::{
    self, DataAttribute, DataAttributeChanges, DataType, MIN_OPTIONS, Model, NewDataAttribute,
};
use crate::domain::ids;
use crate::domain::pages::List;
use crate::error::{ApiError, ApiResult, Missing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/data_attributes", get(list).post(create))
        .route("/data_attributes/{data_attribute_id}", put(update))
}

fn too_few_options() -> ApiError {
    ApiError::invalid("options", "You must have at least two options on a list type data attribute")
}

/// `options` as sent: strings or `{"value": string}` objects, at least [`MIN_OPTIONS`].
fn options(raw: &Value) -> ApiResult<Vec<String>> {
    let Value::Array(items) = raw else {
        return Err(ApiError::invalid("options", "Options isn't an array"));
    };
    let options = items
        .iter()
        .map(|item| match item {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        })
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| {
            ApiError::invalid("options", "Each option must be a string or an object with a string value")
        })?;
    if options.len() < MIN_OPTIONS {
        return Err(too_few_options());
    }
    Ok(options)
}

#[derive(Deserialize)]
struct ListParams {
    model: Option<String>,
    include_archived: Option<String>,
}

/// operationId: listDataAttributes
async fn list(ctx: Ctx, Query(params): Query<ListParams>) -> Reply<List<DataAttribute>> {
    let model = match params.model.as_deref() {
        None => None,
        Some(raw) => Some(Model::parse(raw).ok_or_else(|| {
            ApiError::invalid("model", "model must be one of contact, company or conversation")
        })?),
    };
    let include_archived = params::flag("include_archived", params.include_archived.as_deref())?;
    let data = ctx.store.list_data_attributes(ctx.workspace_id, model, include_archived).await?;
    Ok(Json(List::new(data)))
}

#[derive(Deserialize)]
struct CreateRequest {
    name: Option<String>,
    model: Option<String>,
    data_type: Option<String>,
    description: Option<String>,
    options: Option<Value>,
    messenger_writable: Option<bool>,
}

/// operationId: createDataAttribute
async fn create(ctx: Ctx, Json(body): Json<CreateRequest>) -> Reply<DataAttribute> {
    let new = body.check()?;
    Ok(Json(ctx.store.create_data_attribute(ctx.workspace_id, ctx.admin_id, &new).await?))
}

/// Reads a `POST /data_attributes` body as the endpoint does, for writers that bypass HTTP
/// (fixtures).
pub(crate) fn new_data_attribute(body: &[u8]) -> ApiResult<NewDataAttribute> {
    super::extract::parse_json::<CreateRequest>(body)?.check()
}

impl CreateRequest {
    fn check(self) -> ApiResult<NewDataAttribute> {
        // Conversation attributes are Intercom's own: the API creates contact and company ones.
        let model = self
            .model
            .as_deref()
            .and_then(Model::parse)
            .filter(|m| *m != Model::Conversation)
            .ok_or_else(|| {
                ApiError::invalid("model", "The Data Attribute model field must be either contact or company")
            })?;
        let name = self.name.ok_or_else(|| ApiError::missing("name"))?.trim().to_owned();
        if let Some(problem) = data_attribute::name_problem(&name, model) {
            return Err(ApiError::invalid("name", problem));
        }
        let data_type = self
            .data_type
            .as_deref()
            .and_then(DataType::parse)
            .ok_or_else(|| ApiError::invalid("data_type", "Data Type isn't an option"))?;
        let options = match (&self.options, self.data_type.as_deref()) {
            (Some(raw), _) => Some(options(raw)?),
            (None, Some("options")) => return Err(too_few_options()),
            (None, _) => None,
        };
        if options.is_some() && data_type != DataType::String {
            return Err(ApiError::invalid("options", "Options can only be set on string attributes"));
        }
        Ok(NewDataAttribute {
            name,
            model,
            data_type,
            description: self.description.unwrap_or_default(),
            options,
            messenger_writable: self.messenger_writable.unwrap_or(false),
        })
    }
}

#[derive(Deserialize)]
struct UpdateRequest {
    archived: Option<bool>,
    description: Option<String>,
    options: Option<Value>,
    messenger_writable: Option<bool>,
    /// Not changeable through the API; present only to refuse it.
    data_type: Option<Value>,
    name: Option<Value>,
    model: Option<Value>,
}

/// operationId: updateDataAttribute
async fn update(ctx: Ctx, Path(id): Path<String>, Json(body): Json<UpdateRequest>) -> Reply<DataAttribute> {
    let id = ids::parse_numeric(&id).ok_or(Missing::DataAttribute)?;
    if body.data_type.is_some() {
        return Err(ApiError::invalid(
            "data_type",
            "Updating the data type of a data attribute is not possible",
        ));
    }
    for (field, value) in [("name", &body.name), ("model", &body.model)] {
        if value.is_some() {
            return Err(ApiError::invalid(
                field,
                format!("The {field} of a data attribute cannot be changed"),
            ));
        }
    }
    let changes = DataAttributeChanges {
        archived: body.archived,
        description: body.description,
        options: body.options.as_ref().map(options).transpose()?,
        messenger_writable: body.messenger_writable,
    };
    Ok(Json(ctx.store.update_data_attribute(ctx.workspace_id, id, &changes).await?))
}
