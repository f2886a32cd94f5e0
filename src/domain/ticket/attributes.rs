//! Ticket type attributes: their data types and input options, and the check of a ticket's
//! `ticket_attributes` against its type's attributes (a pure function: nothing is written
//! unless every value passes).

use serde_json::{Map, Value as Json, json};

use crate::domain::error::{ErrorCode, Rejection};
use crate::domain::str_enum::str_enum;

str_enum! {
    /// The data types the descriptions list for a ticket type attribute.
    pub enum DataType {
        String => "string",
        List => "list",
        Integer => "integer",
        Decimal => "decimal",
        Boolean => "boolean",
        Datetime => "datetime",
        Files => "files",
    }
}

/// The built-in attributes every type is made with: name, multiline.
pub const DEFAULT_ATTRIBUTES: [(&str, bool); 2] =
    [("_default_title_", false), ("_default_description_", true)];

/// An attribute as the check of values needs it.
#[derive(Debug, Clone)]
pub struct AttributeDef {
    pub name: String,
    pub data_type: DataType,
    pub input_options: Map<String, Json>,
    pub required_to_create: bool,
    pub archived: bool,
}

/// The options a request may set on an attribute.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptionsChange {
    pub multiline: Option<bool>,
    /// `list_items`: a comma separated list of the list's items.
    pub list_items: Option<String>,
    pub allow_multiple_values: Option<bool>,
}

fn options_invalid(field: &str, data_type: DataType) -> Rejection {
    Rejection::invalid(field, format!("{field} does not apply to a {} attribute", data_type.as_str()))
}

/// The input options of an attribute of `data_type`, from `current` (empty for a new one) and
/// what the request changes. A list keeps the ids of the items it keeps; an item left out is
/// archived, not removed, so tickets that have it still show it.
pub fn input_options(
    data_type: DataType,
    current: &Map<String, Json>,
    change: &OptionsChange,
    creating: bool,
) -> Result<Map<String, Json>, Rejection> {
    if change.multiline.is_some() && data_type != DataType::String {
        return Err(options_invalid("multiline", data_type));
    }
    if change.list_items.is_some() && data_type != DataType::List {
        return Err(options_invalid("list_items", data_type));
    }
    if change.allow_multiple_values.is_some() && data_type != DataType::Files {
        return Err(options_invalid("allow_multiple_values", data_type));
    }
    let mut options = current.clone();
    match data_type {
        DataType::String => {
            let multiline = change.multiline.or_else(|| current.get("multiline").and_then(Json::as_bool));
            options.insert("multiline".into(), Json::Bool(multiline.unwrap_or(false)));
        }
        DataType::Files => {
            let multiple = change
                .allow_multiple_values
                .or_else(|| current.get("allow_multiple_values").and_then(Json::as_bool));
            options.insert("allow_multiple_values".into(), Json::Bool(multiple.unwrap_or(false)));
        }
        DataType::List => {
            let Some(items) = &change.list_items else {
                if creating {
                    return Err(Rejection::missing("list_items"));
                }
                return Ok(options);
            };
            let labels: Vec<&str> = items.split(',').map(str::trim).filter(|item| !item.is_empty()).collect();
            if labels.is_empty() {
                return Err(Rejection::invalid("list_items", "list_items must name at least one item"));
            }
            if let Some(twice) = labels.iter().enumerate().find(|(i, l)| labels[..*i].contains(l)) {
                return Err(Rejection::invalid(
                    "list_items",
                    format!("list item '{}' is listed twice", twice.1),
                ));
            }
            let mut list: Vec<Json> = list_options(current).to_vec();
            for option in &mut list {
                let kept = option["label"].as_str().is_some_and(|label| labels.contains(&label));
                option["archived"] = Json::Bool(!kept);
            }
            for label in labels {
                if !list.iter().any(|o| o["label"] == label) {
                    list.push(
                        json!({"id": uuid::Uuid::new_v4().to_string(), "label": label, "archived": false}),
                    );
                }
            }
            options.insert("list_options".into(), Json::Array(list));
        }
        DataType::Integer | DataType::Decimal | DataType::Boolean | DataType::Datetime => {}
    }
    Ok(options)
}

fn list_options(options: &Map<String, Json>) -> &[Json] {
    options.get("list_options").and_then(Json::as_array).map_or(&[], Vec::as_slice)
}

fn wrong_type(name: &str, data_type: DataType) -> Rejection {
    let expected = match data_type {
        DataType::String => "a string",
        DataType::List => "the id or label of one of its list items",
        DataType::Integer => "an integer",
        DataType::Decimal => "a number",
        DataType::Boolean => "a boolean",
        DataType::Datetime => "a UNIX timestamp",
        DataType::Files => "a list of files",
    };
    Rejection::invalid("ticket_attributes", format!("Ticket attribute '{name}' must be {expected}"))
}

/// The value stored for `value` of the attribute `def`, or why it does not fit.
fn checked_value(def: &AttributeDef, value: &Json) -> Result<Json, Rejection> {
    let wrong = || wrong_type(&def.name, def.data_type);
    match (def.data_type, value) {
        (DataType::String, Json::String(_)) => Ok(value.clone()),
        (DataType::Integer, Json::Number(n)) if n.is_i64() || n.is_u64() => Ok(value.clone()),
        (DataType::Decimal, Json::Number(_)) => Ok(value.clone()),
        (DataType::Boolean, Json::Bool(_)) => Ok(value.clone()),
        (DataType::Datetime, Json::Number(n)) if n.as_i64().is_some_and(|at| at >= 0) => Ok(value.clone()),
        // A list item named by its id (as the description says) or its label; stored as its label.
        (DataType::List, Json::String(picked)) => list_options(&def.input_options)
            .iter()
            .filter(|o| o["archived"] != Json::Bool(true))
            .find(|o| o["id"] == picked.as_str() || o["label"] == picked.as_str())
            .map(|o| o["label"].clone())
            .ok_or_else(wrong),
        (DataType::Files, Json::Array(files)) => {
            let multiple =
                def.input_options.get("allow_multiple_values").and_then(Json::as_bool) == Some(true);
            if files.len() > 1 && !multiple {
                return Err(Rejection::invalid(
                    "ticket_attributes",
                    format!("Ticket attribute '{}' takes one file", def.name),
                ));
            }
            files
                .iter()
                .map(|file| file_value(file).ok_or_else(wrong))
                .collect::<Result<_, _>>()
                .map(Json::Array)
        }
        _ => Err(wrong()),
    }
}

/// A file as `file_attribute` shows it, from its URL or an object with one.
fn file_value(file: &Json) -> Option<Json> {
    let (url, given) = match file {
        Json::String(url) => (url.as_str(), None),
        Json::Object(object) => (object.get("url")?.as_str()?, Some(object)),
        _ => return None,
    };
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    let text = |key: &str, fallback: &str| {
        given.and_then(|o| o.get(key)).and_then(Json::as_str).unwrap_or(fallback).to_owned()
    };
    let number = |key: &str| given.and_then(|o| o.get(key)).and_then(Json::as_i64).unwrap_or(0);
    let name = url.rsplit('/').next().unwrap_or(url).split('?').next().unwrap_or_default();
    Some(json!({
        "type": "upload",
        "name": text("name", name),
        "url": url,
        "content_type": text("content_type", "application/octet-stream"),
        "filesize": number("filesize"),
        "width": number("width"),
        "height": number("height"),
    }))
}

fn blank(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::String(s) => s.trim().is_empty(),
        Json::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The documented message for a new ticket without one of its type's required attributes.
pub const MISSING_REQUIRED: &str = "Missing required ticket attributes";

/// Checks `values` against a type's attributes and answers the attributes a ticket then has:
/// `current` (empty for a new ticket) with `values` applied, a `null` clearing one. Every name
/// must be an attribute of the type that is not archived, every value of its type; a new
/// ticket must have every attribute `required_to_create`.
pub fn apply(
    defs: &[AttributeDef],
    current: &Map<String, Json>,
    values: &Map<String, Json>,
    creating: bool,
) -> Result<Map<String, Json>, Rejection> {
    let mut out = current.clone();
    for (name, value) in values {
        let def = defs.iter().find(|d| &d.name == name && !d.archived).ok_or_else(|| {
            Rejection::invalid(
                "ticket_attributes",
                format!("Ticket attribute '{name}' does not exist on this ticket type"),
            )
        })?;
        if value.is_null() {
            out.shift_remove(name);
        } else {
            out.insert(name.clone(), checked_value(def, value)?);
        }
    }
    // The enqueue operation documents the answer: `parameter_invalid`, "Missing required
    // ticket attributes" (the same check as creating).
    if creating
        && defs.iter().any(|d| d.required_to_create && !d.archived && out.get(&d.name).is_none_or(blank))
    {
        return Err(
            Rejection::new(ErrorCode::ParameterInvalid, MISSING_REQUIRED).with_field("ticket_attributes")
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, data_type: DataType, required: bool) -> AttributeDef {
        AttributeDef {
            name: name.into(),
            data_type,
            input_options: Map::new(),
            required_to_create: required,
            archived: false,
        }
    }

    fn object(value: Json) -> Map<String, Json> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn values_of_every_type_are_checked() {
        let mut list = def("priority", DataType::List, false);
        let change = OptionsChange { list_items: Some("Low, High".into()), ..OptionsChange::default() };
        list.input_options = input_options(DataType::List, &Map::new(), &change, true).unwrap();
        let high_id = list.input_options["list_options"][1]["id"].clone();
        let defs = vec![
            def("_default_title_", DataType::String, true),
            def("count", DataType::Integer, false),
            def("ratio", DataType::Decimal, false),
            def("urgent", DataType::Boolean, false),
            def("due", DataType::Datetime, false),
            def("photos", DataType::Files, false),
            list,
        ];
        let values = object(json!({
            "_default_title_": "Broken", "count": 3, "ratio": 0.5, "urgent": true, "due": 1700000000,
            "photos": ["https://x.io/a.png"], "priority": high_id,
        }));
        let out = apply(&defs, &Map::new(), &values, true).unwrap();
        assert_eq!(out["priority"], "High");
        assert_eq!(out["photos"][0]["name"], "a.png");
        for (name, bad) in [
            ("count", json!("3")),
            ("count", json!(1.5)),
            ("ratio", json!("x")),
            ("urgent", json!(1)),
            ("due", json!("tomorrow")),
            ("photos", json!(["https://x.io/a", "https://x.io/b"])),
            ("priority", json!("Medium")),
            ("_default_title_", json!(5)),
        ] {
            let err = apply(&defs, &Map::new(), &object(json!({"_default_title_": "t", name: bad})), true)
                .unwrap_err();
            assert_eq!(
                (err.code, err.field.as_deref()),
                (ErrorCode::ParameterInvalid, Some("ticket_attributes"))
            );
        }
    }

    #[test]
    fn unknown_archived_and_missing_required_attributes_are_refused() {
        let mut archived = def("old", DataType::String, false);
        archived.archived = true;
        let defs = vec![def("_default_title_", DataType::String, true), archived];
        let err =
            apply(&defs, &Map::new(), &object(json!({"_default_title_": "t", "nope": 1})), true).unwrap_err();
        assert!(err.message.contains("'nope' does not exist"), "{err}");
        let err = apply(&defs, &Map::new(), &object(json!({"_default_title_": "t", "old": "x"})), true)
            .unwrap_err();
        assert!(err.message.contains("'old'"), "{err}");
        let err = apply(&defs, &Map::new(), &object(json!({})), true).unwrap_err();
        assert_eq!((err.code, err.message.as_str()), (ErrorCode::ParameterInvalid, MISSING_REQUIRED));
        // An update need not repeat required attributes, and null clears a value.
        let current = object(json!({"_default_title_": "t"}));
        assert_eq!(
            apply(&defs, &current, &object(json!({"_default_title_": null})), false).unwrap(),
            Map::new()
        );
    }

    #[test]
    fn options_follow_the_data_type() {
        let string = input_options(DataType::String, &Map::new(), &OptionsChange::default(), true).unwrap();
        assert_eq!(Json::Object(string), json!({"multiline": false}));
        let change = OptionsChange { multiline: Some(true), ..OptionsChange::default() };
        assert!(input_options(DataType::Integer, &Map::new(), &change, true).is_err());
        assert_eq!(
            input_options(DataType::List, &Map::new(), &OptionsChange::default(), true).unwrap_err().code,
            ErrorCode::ParameterNotFound
        );
        let first = OptionsChange { list_items: Some("a,b".into()), ..OptionsChange::default() };
        let created = input_options(DataType::List, &Map::new(), &first, true).unwrap();
        let second = OptionsChange { list_items: Some("b,c".into()), ..OptionsChange::default() };
        let updated = input_options(DataType::List, &created, &second, false).unwrap();
        let list = updated["list_options"].as_array().unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!((list[0]["label"].clone(), list[0]["archived"].clone()), (json!("a"), json!(true)));
        assert_eq!(list[1]["id"], created["list_options"][1]["id"], "a kept item keeps its id");
        let twice = OptionsChange { list_items: Some("a,a".into()), ..OptionsChange::default() };
        assert!(input_options(DataType::List, &Map::new(), &twice, true).is_err());
    }
}
