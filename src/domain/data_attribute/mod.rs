//! Data attributes: the built-in attributes of contacts, companies and conversations, and
//! the custom ones a workspace creates, which `custom_attributes` writes are checked against.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::error::{ErrorCode, Rejection};
use super::ids;
use super::search::FieldType;
use super::str_enum::str_enum;

mod builtins;
pub mod conversation;
pub use builtins::builtins;

str_enum! {
    pub enum Model {
        Contact => "contact",
        Company => "company",
        Conversation => "conversation",
    }
}

impl Model {
    /// How Intercom's messages name the model's data ("people data", "company data").
    pub fn data_name(self) -> &'static str {
        match self {
            Model::Contact => "people",
            Model::Company => "company",
            Model::Conversation => "conversation",
        }
    }
}

str_enum! {
    /// A create request's `datetime` is stored (and shown) as `date`, and `options` (what the
    /// official SDKs send for a list attribute) as `string`.
    pub enum DataType {
        String => "string" | "options",
        Integer => "integer",
        Float => "float",
        Boolean => "boolean",
        Date => "date" | "datetime",
    }
}

impl DataType {
    /// The search language's type for `custom_attributes.<name>`.
    pub fn field_type(self) -> FieldType {
        match self {
            DataType::String => FieldType::String,
            DataType::Integer => FieldType::Integer,
            DataType::Float => FieldType::Float,
            DataType::Boolean => FieldType::Boolean,
            DataType::Date => FieldType::Date,
        }
    }
}

/// The `data_attribute` object: built-in ones have no id, no admin and no timestamps.
#[derive(Debug, Clone, Serialize)]
pub struct DataAttribute {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub full_name: String,
    pub label: String,
    pub description: String,
    pub data_type: DataType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    pub api_writable: bool,
    pub ui_writable: bool,
    pub messenger_writable: bool,
    pub custom: bool,
    pub archived: bool,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ids::shown")]
    pub admin_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    pub model: Model,
}

impl DataAttribute {
    /// The key a custom attribute has in search and in `full_name`.
    pub fn custom_full_name(name: &str) -> String {
        format!("custom_attributes.{name}")
    }
}

/// Why a new attribute's name is refused, as Intercom words it; `None` if it is fine.
pub fn name_problem(name: &str, model: Model) -> Option<String> {
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-') || "$€£¥¢₹₩₽₺₪₫฿".contains(c);
    if name.trim().is_empty() || !name.chars().all(allowed) {
        return Some(
            "Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens"
                .to_owned(),
        );
    }
    let standard = builtins(model)
        .into_iter()
        .find(|b| b.name.eq_ignore_ascii_case(name) || b.label.eq_ignore_ascii_case(name));
    standard.map(|b| {
        format!(
            "'{}' is one of our standard attributes for your {} data. To save this as new {} data, use a different name.",
            b.label,
            model.data_name(),
            model.data_name()
        )
    })
}

/// A list attribute needs at least two options.
pub const MIN_OPTIONS: usize = 2;

/// Why a `custom_attributes` write is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeRejection {
    /// No live custom attribute of that name.
    Unknown(String),
    WrongType {
        name: String,
        expected: DataType,
    },
    NotAnOption {
        name: String,
        options: Vec<String>,
    },
}

impl AttributeRejection {
    pub fn message(&self) -> String {
        match self {
            AttributeRejection::Unknown(name) => format!("Custom attribute '{name}' does not exist"),
            AttributeRejection::WrongType { name, expected } => {
                let what = match expected {
                    DataType::String => "a string",
                    DataType::Integer => "an integer",
                    DataType::Float => "a number",
                    DataType::Boolean => "true or false",
                    DataType::Date => "a UNIX timestamp in seconds",
                };
                format!("Custom attribute '{name}' is of type {} and must be {what}", expected.as_str())
            }
            AttributeRejection::NotAnOption { name, options } => {
                format!("Custom attribute '{name}' must be one of: {}", options.join(", "))
            }
        }
    }
}

impl From<AttributeRejection> for Rejection {
    fn from(rejection: AttributeRejection) -> Self {
        Rejection::invalid("custom_attributes", rejection.message())
    }
}

/// Why a data attribute cannot be created or changed as asked.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeWriteRejection {
    /// The name is taken, by an attribute of `existing` model; `asked` is the new one's.
    Taken { name: String, existing: Model, asked: Model },
    /// Archiving it would break a segment's query.
    HasDependants,
    /// Options are only for string (list) attributes.
    NotAList,
}

impl From<AttributeWriteRejection> for Rejection {
    fn from(rejection: AttributeWriteRejection) -> Self {
        match rejection {
            AttributeWriteRejection::Taken { name, existing, asked } => Rejection::invalid(
                "name",
                format!(
                    "You already have '{name}' in your {} data. To save this as new {} data, use a different name.",
                    existing.data_name(),
                    asked.data_name()
                ),
            ),
            AttributeWriteRejection::HasDependants => Rejection::new(
                ErrorCode::DataInvalid,
                "The Data Attribute you are trying to archive has a dependant object",
            ),
            AttributeWriteRejection::NotAList => {
                Rejection::invalid("options", "Options can only be set on string attributes")
            }
        }
    }
}

/// What `POST /data_attributes` (or the CLI, for conversation attributes) creates, already
/// checked for form.
#[derive(Debug, Clone)]
pub struct NewDataAttribute {
    pub name: String,
    pub model: Model,
    pub data_type: DataType,
    pub description: String,
    pub options: Option<Vec<String>>,
    pub messenger_writable: bool,
}

/// What `PUT /data_attributes/{id}` may change.
#[derive(Debug, Clone, Default)]
pub struct DataAttributeChanges {
    pub archived: Option<bool>,
    pub description: Option<String>,
    pub options: Option<Vec<String>>,
    pub messenger_writable: Option<bool>,
}

/// Checks a `custom_attributes` object against the model's custom attributes: each key must
/// name a live (not archived) attribute and each value be of its type. Returns the values to
/// store, `None` for the ones to remove (sent as `null`).
pub fn check_custom_attributes(
    values: &Map<String, Json>,
    attributes: &[DataAttribute],
) -> Result<Vec<(String, Option<Json>)>, AttributeRejection> {
    values
        .iter()
        .map(|(name, value)| {
            let attr = attributes
                .iter()
                .find(|a| a.custom && !a.archived && a.name == *name)
                .ok_or_else(|| AttributeRejection::Unknown(name.clone()))?;
            if value.is_null() {
                return Ok((name.clone(), None));
            }
            let expected = attr.data_type;
            let fits = match expected {
                DataType::String => value.is_string(),
                DataType::Integer | DataType::Date => value.is_i64(),
                DataType::Float => value.is_number(),
                DataType::Boolean => value.is_boolean(),
            };
            if !fits {
                return Err(AttributeRejection::WrongType { name: name.clone(), expected });
            }
            if let (Some(options), Some(text)) = (&attr.options, value.as_str())
                && !options.iter().any(|o| o == text)
            {
                return Err(AttributeRejection::NotAnOption { name: name.clone(), options: options.clone() });
            }
            Ok((name.clone(), Some(value.clone())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn custom(name: &str, data_type: DataType, options: Option<Vec<&str>>, archived: bool) -> DataAttribute {
        DataAttribute {
            id: Some(1),
            custom: true,
            archived,
            options: options.map(|o| o.into_iter().map(str::to_owned).collect()),
            name: name.to_owned(),
            full_name: DataAttribute::custom_full_name(name),
            label: name.to_owned(),
            data_type,
            ..builtins(Model::Contact).remove(0)
        }
    }

    #[test]
    fn values_are_checked_by_type() {
        let attrs = vec![
            custom("plan", DataType::String, Some(vec!["free", "pro"]), false),
            custom("seats", DataType::Integer, None, false),
            custom("spend", DataType::Float, None, false),
            custom("paid", DataType::Boolean, None, false),
            custom("renews_at", DataType::Date, None, false),
            custom("old", DataType::String, None, true),
        ];
        let ok = json!({"plan": "pro", "seats": 3, "spend": 1.5, "paid": true, "renews_at": 1700000000, "seats2": null});
        let mut ok = ok.as_object().unwrap().clone();
        ok.remove("seats2");
        ok.insert("spend".into(), json!(2));
        assert_eq!(check_custom_attributes(&ok, &attrs).unwrap().len(), 5);
        let cleared = json!({"plan": null});
        assert_eq!(
            check_custom_attributes(cleared.as_object().unwrap(), &attrs).unwrap(),
            vec![("plan".into(), None)]
        );

        let bad = |v: Json| check_custom_attributes(v.as_object().unwrap(), &attrs).unwrap_err();
        assert_eq!(bad(json!({"nope": 1})), AttributeRejection::Unknown("nope".into()));
        assert_eq!(bad(json!({"old": "x"})), AttributeRejection::Unknown("old".into()));
        assert!(matches!(bad(json!({"seats": "3"})), AttributeRejection::WrongType { .. }));
        assert!(matches!(bad(json!({"seats": 1.5})), AttributeRejection::WrongType { .. }));
        assert!(matches!(bad(json!({"paid": "true"})), AttributeRejection::WrongType { .. }));
        assert!(matches!(bad(json!({"renews_at": "2020-01-01"})), AttributeRejection::WrongType { .. }));
        assert!(matches!(bad(json!({"plan": 1})), AttributeRejection::WrongType { .. }));
        assert!(matches!(bad(json!({"plan": "gold"})), AttributeRejection::NotAnOption { .. }));
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(name_problem("The One Ring", Model::Company), None);
        assert_eq!(name_problem("paid_subscriber-2$", Model::Contact), None);
        assert!(name_problem("!nv@l!d n@me", Model::Company).unwrap().starts_with("Your name"));
        assert!(name_problem("a.b", Model::Contact).is_some());
        assert!(name_problem("  ", Model::Contact).is_some());
        let standard = name_problem("Name", Model::Contact).unwrap();
        assert_eq!(
            standard,
            "'Name' is one of our standard attributes for your people data. To save this as new people data, use a different name."
        );
    }

    #[test]
    fn builtins_name_the_last_path_segment() {
        let company = builtins(Model::Company);
        let plan = company.iter().find(|a| a.full_name == "plan.name").unwrap();
        assert_eq!(plan.name, "name");
        assert!(builtins(Model::Contact).iter().all(|a| !a.custom && a.id.is_none()));
    }
}
