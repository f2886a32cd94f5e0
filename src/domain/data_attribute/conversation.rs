//! Conversation attributes as 2.16 manages them (`/conversations/attributes`): the same custom
//! data attributes of model `conversation` that `GET /data_attributes?model=conversation`
//! lists up to 2.15 and that conversations' `custom_attributes` are checked against, with
//! 2.16's types, list options that have ids, and the settings only conversation attributes have.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::DataType;
use crate::domain::error::{ErrorCode, Rejection};
use crate::domain::ids;
use crate::domain::str_enum::str_enum;

str_enum! {
    /// 2.16's `data_type`. Values are stored and checked as the [`DataType`] it maps to: a
    /// list's value is one of its live options' labels; a relationship's is the id of the
    /// related object and a files attribute's a file's URL, both strings.
    pub enum AttributeType {
        String => "string",
        Integer => "integer",
        List => "list",
        Decimal => "decimal",
        Boolean => "boolean",
        Datetime => "datetime",
        Relationship => "relationship",
        Files => "files",
    }
}

impl AttributeType {
    pub fn data_type(self) -> DataType {
        match self {
            AttributeType::String
            | AttributeType::List
            | AttributeType::Relationship
            | AttributeType::Files => DataType::String,
            AttributeType::Integer => DataType::Integer,
            AttributeType::Decimal => DataType::Float,
            AttributeType::Boolean => DataType::Boolean,
            AttributeType::Datetime => DataType::Date,
        }
    }

    /// The type of an attribute made before 2.16's types were stored (by the CLI).
    pub fn derived(data_type: DataType, has_options: bool) -> AttributeType {
        match data_type {
            DataType::String if has_options => AttributeType::List,
            DataType::String => AttributeType::String,
            DataType::Integer => AttributeType::Integer,
            DataType::Float => AttributeType::Decimal,
            DataType::Boolean => AttributeType::Boolean,
            DataType::Date => AttributeType::Datetime,
        }
    }
}

/// `conversation_attribute_option`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeOption {
    pub id: String,
    pub label: String,
    pub archived: bool,
}

/// A relationship's `reference`: `one` or `many` objects of a custom object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeReference {
    #[serde(rename = "type")]
    pub cardinality: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_type_id: Option<String>,
}

/// `conversation_attribute`: `multiline` for strings, `options` for lists and `reference` for
/// relationships only.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationAttribute {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: i64,
    pub name: String,
    pub description: String,
    pub data_type: AttributeType,
    pub required: bool,
    pub visible_to_team_ids: Vec<String>,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ids::shown")]
    pub admin_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<AttributeOption>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<AttributeReference>,
}

/// A refused attribute write: 422 `parameter_invalid`, as Intercom answers these.
pub fn refused(field: &str, message: impl Into<String>) -> Rejection {
    Rejection::new(ErrorCode::AttributeInvalid, message).with_field(field)
}

/// A checked `POST /conversations/attributes`.
#[derive(Debug, Clone)]
pub struct NewConversationAttribute {
    pub name: String,
    pub description: String,
    pub data_type: AttributeType,
    pub required: bool,
    pub visible_to_team_ids: Vec<i64>,
    pub multiline: bool,
    /// Labels, for a list.
    pub options: Vec<String>,
    pub reference: Option<AttributeReference>,
}

/// A checked `PUT /conversations/attributes/{id}`: `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct ConversationAttributeChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub multiline: Option<bool>,
    pub required: Option<bool>,
    pub visible_to_team_ids: Option<Vec<i64>>,
    pub reference: Option<AttributeReference>,
}

/// `visible_to_team_ids` as sent: team ids as strings (or numbers).
pub fn team_ids(raw: &Json) -> Result<Vec<i64>, Rejection> {
    let invalid = || refused("visible_to_team_ids", "visible_to_team_ids must be an array of team ids");
    let Json::Array(items) = raw else { return Err(invalid()) };
    items
        .iter()
        .map(|item| match item {
            Json::String(s) => ids::parse_numeric(s.trim()).ok_or_else(invalid),
            Json::Number(n) => n.as_i64().filter(|n| *n > 0).ok_or_else(invalid),
            _ => Err(invalid()),
        })
        .collect()
}

/// A relationship's `reference` as sent.
pub fn reference(raw: &Json) -> Result<AttributeReference, Rejection> {
    let reference: AttributeReference = serde_json::from_value(raw.clone()).map_err(|_| {
        refused("reference", "reference must be an object with a type (one or many) and an object_type_id")
    })?;
    if !matches!(reference.cardinality.as_str(), "one" | "many") {
        return Err(refused("reference", "reference.type must be one or many"));
    }
    Ok(reference)
}

/// The body of an option request: exactly `{"label": string}`.
pub fn option_label(body: &Json) -> Result<String, Rejection> {
    // Any JSON is read: a body that is not an object carries no label (422, as documented).
    let Some(body) = body.as_object() else {
        return Err(refused("label", "label is required"));
    };
    if body.keys().any(|k| k != "label") {
        return Err(refused("label", "only 'label' is accepted"));
    }
    match body.get("label") {
        None | Some(Json::Null) => Err(refused("label", "label is required")),
        Some(Json::String(label)) if !label.trim().is_empty() => Ok(label.trim().to_owned()),
        Some(Json::String(_)) => Err(refused("label", "label is required")),
        Some(_) => Err(refused("label", "label must be a string")),
    }
}

/// The error for an options request on an attribute that is not a list.
pub fn not_a_list() -> Rejection {
    refused("options", "Options can only be managed on list attributes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn option_bodies_are_checked() {
        assert_eq!(option_label(&json!({"label": " High "})).unwrap(), "High");
        assert_eq!(option_label(&json!({})).unwrap_err().message, "label is required");
        assert_eq!(option_label(&json!({"label": 3})).unwrap_err().message, "label must be a string");
        assert_eq!(
            option_label(&json!({"label": "a", "x": 1})).unwrap_err().message,
            "only 'label' is accepted"
        );
        assert_eq!(option_label(&json!("High")).unwrap_err().message, "label is required");
    }

    #[test]
    fn types_map_to_stored_types() {
        assert_eq!(AttributeType::List.data_type(), DataType::String);
        assert_eq!(AttributeType::derived(DataType::String, true), AttributeType::List);
        assert_eq!(AttributeType::derived(DataType::Float, false), AttributeType::Decimal);
        assert_eq!(team_ids(&json!(["1", 2])).unwrap(), vec![1, 2]);
        assert!(team_ids(&json!("1")).is_err());
        assert!(reference(&json!({"type": "some"})).is_err());
    }
}
