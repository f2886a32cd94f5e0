//! `POST /tickets/{id}/change_type` and `POST /conversations/{id}/convert`: their bodies and
//! the rule that decides which of a ticket's attributes a new type keeps.

use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::conversation::requests::IdValue;
use super::error::{OrMissing, Rejection};
use super::ticket::attributes::AttributeDef;

/// A numeric id, or 0 (found by no lookup) for one Switchboard never made.
fn id_or_zero(value: &IdValue) -> i64 {
    value.numeric().unwrap_or(0)
}

/// `change_ticket_type_request`.
#[derive(Debug, Deserialize)]
pub struct ChangeTypeBody {
    ticket_type_id: Option<IdValue>,
    ticket_state_id: Option<IdValue>,
    ticket_attributes: Option<Map<String, Json>>,
}

/// A checked change of type.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeType {
    pub ticket_type_id: i64,
    pub ticket_state_id: i64,
    /// Values that override the ones carried over from the old type.
    pub attributes: Map<String, Json>,
}

impl ChangeTypeBody {
    pub fn check(self) -> Result<ChangeType, Rejection> {
        Ok(ChangeType {
            ticket_type_id: id_or_zero(&self.ticket_type_id.or_missing("ticket_type_id")?),
            ticket_state_id: id_or_zero(&self.ticket_state_id.or_missing("ticket_state_id")?),
            attributes: self.ticket_attributes.unwrap_or_default(),
        })
    }
}

/// `convert_conversation_to_ticket_request`.
#[derive(Debug, Deserialize)]
pub struct ConvertBody {
    ticket_type_id: Option<IdValue>,
    ticket_state_id: Option<IdValue>,
    attributes: Option<Map<String, Json>>,
}

/// A checked conversion of a conversation to a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Convert {
    pub ticket_type_id: i64,
    /// The type's submitted state unless given.
    pub ticket_state_id: Option<i64>,
    pub attributes: Map<String, Json>,
}

impl ConvertBody {
    pub fn check(self) -> Result<Convert, Rejection> {
        Ok(Convert {
            ticket_type_id: id_or_zero(&self.ticket_type_id.or_missing("ticket_type_id")?),
            ticket_state_id: self.ticket_state_id.as_ref().map(id_or_zero),
            attributes: self.attributes.unwrap_or_default(),
        })
    }
}

/// What a ticket keeps when its type changes: "Attributes matching by name and type are
/// automatically transferred from the old type".
pub fn carried_over(
    old: &[AttributeDef],
    new: &[AttributeDef],
    values: &Map<String, Json>,
) -> Map<String, Json> {
    values
        .iter()
        .filter(|(name, _)| {
            let before = old.iter().find(|d| &d.name == *name);
            let after = new.iter().find(|d| &d.name == *name && !d.archived);
            matches!((before, after), (Some(b), Some(a)) if a.data_type == b.data_type)
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// The names in `values` that the new type lacks: "Extra attributes provided that are not
/// found on ticket type: Priority".
pub fn extra_attributes(new: &[AttributeDef], values: &Map<String, Json>) -> Result<(), Rejection> {
    let extra: Vec<&str> = values
        .keys()
        .filter(|name| !new.iter().any(|d| &d.name == *name && !d.archived))
        .map(String::as_str)
        .collect();
    if extra.is_empty() {
        return Ok(());
    }
    Err(Rejection::invalid(
        "ticket_attributes",
        format!("Extra attributes provided that are not found on ticket type: {}", extra.join(", ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::attributes::DataType;
    use serde_json::json;

    fn def(name: &str, data_type: DataType) -> AttributeDef {
        AttributeDef {
            name: name.into(),
            data_type,
            input_options: Map::new(),
            required_to_create: false,
            archived: false,
        }
    }

    #[test]
    fn attributes_matching_by_name_and_type_are_kept() {
        let old = [
            def("_default_title_", DataType::String),
            def("size", DataType::Integer),
            def("note", DataType::String),
        ];
        let new = [def("_default_title_", DataType::String), def("size", DataType::String)];
        let values =
            json!({"_default_title_": "Broken", "size": 3, "note": "x"}).as_object().cloned().unwrap();
        assert_eq!(Json::Object(carried_over(&old, &new, &values)), json!({"_default_title_": "Broken"}));
    }

    #[test]
    fn extra_attributes_are_named() {
        let new = [def("_default_title_", DataType::String)];
        let values = json!({"Priority": "high", "_default_title_": "t"}).as_object().cloned().unwrap();
        let err = extra_attributes(&new, &values).unwrap_err();
        assert_eq!(err.message, "Extra attributes provided that are not found on ticket type: Priority");
    }

    #[test]
    fn both_ids_are_required_to_change_type() {
        let body: ChangeTypeBody = serde_json::from_value(json!({"ticket_type_id": "3"})).unwrap();
        assert_eq!(body.check().unwrap_err().message, "ticket_state_id is a required parameter");
        let body: ConvertBody = serde_json::from_value(json!({"ticket_type_id": 4})).unwrap();
        assert_eq!(body.check().unwrap().ticket_type_id, 4);
    }
}
