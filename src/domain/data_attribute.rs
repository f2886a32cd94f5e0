//! Data attributes: the built-in attributes of contacts, companies and conversations, and
//! the custom ones a workspace creates, which `custom_attributes` writes are checked against.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::error::{ErrorCode, Rejection};
use super::ids;
use super::search::FieldType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    Contact,
    Company,
    Conversation,
}

impl Model {
    pub const ALL: [Model; 3] = [Model::Contact, Model::Company, Model::Conversation];

    pub fn parse(raw: &str) -> Option<Model> {
        match raw {
            "contact" => Some(Model::Contact),
            "company" => Some(Model::Company),
            "conversation" => Some(Model::Conversation),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Model::Contact => "contact",
            Model::Company => "company",
            Model::Conversation => "conversation",
        }
    }

    /// How Intercom's messages name the model's data ("people data", "company data").
    pub fn data_name(self) -> &'static str {
        match self {
            Model::Contact => "people",
            Model::Company => "company",
            Model::Conversation => "conversation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataType {
    String,
    Integer,
    Float,
    Boolean,
    Date,
}

impl DataType {
    /// The create request's `data_type`; `datetime` is stored (and shown) as `date`, and
    /// `options` (what the official SDKs send for a list attribute) as `string`.
    pub fn parse(raw: &str) -> Option<DataType> {
        Some(match raw {
            "string" | "options" => DataType::String,
            "integer" => DataType::Integer,
            "float" => DataType::Float,
            "boolean" => DataType::Boolean,
            "date" | "datetime" => DataType::Date,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DataType::String => "string",
            DataType::Integer => "integer",
            DataType::Float => "float",
            DataType::Boolean => "boolean",
            DataType::Date => "date",
        }
    }

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
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "admin_id")]
    pub admin_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    pub model: Model,
}

fn admin_id<S: serde::Serializer>(id: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => ids::as_string(id, serializer),
        None => serializer.serialize_none(),
    }
}

#[derive(Debug, Serialize)]
pub struct DataAttributeList {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub data: Vec<DataAttribute>,
}

impl DataAttribute {
    /// The key a custom attribute has in search and in `full_name`.
    pub fn custom_full_name(name: &str) -> String {
        format!("custom_attributes.{name}")
    }
}

/// A built-in attribute: (full name, label, description, type, writable through the API).
type Builtin = (&'static str, &'static str, &'static str, DataType, bool);

const CONTACT_BUILTINS: &[Builtin] = {
    use DataType::*;
    &[
        ("id", "ID", "The Intercom defined id representing the contact", String, false),
        (
            "external_id",
            "External ID",
            "A unique identifier for the contact which is given to Intercom",
            String,
            true,
        ),
        ("role", "Role", "The role of the contact: user or lead", String, true),
        ("name", "Name", "The contact's name", String, true),
        ("email", "Email", "The contact's email", String, true),
        ("email_domain", "Email domain", "The domain of the contact's email", String, false),
        ("phone", "Phone", "The contact's phone number", String, true),
        ("formatted_phone", "Formatted phone", "The contact's phone number in E.164 format", String, false),
        ("avatar", "Avatar", "An image URL containing the avatar of the contact", String, true),
        ("owner_id", "Owner", "The admin assigned account ownership of the contact", Integer, true),
        ("created_at", "Created at", "The time the contact was added to Intercom", Date, false),
        ("updated_at", "Updated at", "The last time the contact was updated", Date, false),
        ("signed_up_at", "Signed up", "The time the contact signed up", Date, true),
        ("last_seen_at", "Last seen", "The last time the contact was seen", Date, true),
        ("last_replied_at", "Last replied", "The last time the contact messaged in", Date, false),
        ("last_contacted_at", "Last contacted", "The last time the contact was messaged", Date, false),
        (
            "last_email_opened_at",
            "Last opened email",
            "The last time the contact opened an email",
            Date,
            false,
        ),
        (
            "last_email_clicked_at",
            "Last clicked on link in email",
            "The last time the contact clicked a link in an email",
            Date,
            false,
        ),
        (
            "unsubscribed_from_emails",
            "Unsubscribed from emails",
            "Whether the contact is unsubscribed from emails",
            Boolean,
            true,
        ),
        (
            "marked_email_as_spam",
            "Marked email as spam",
            "Whether the contact marked an email as spam",
            Boolean,
            false,
        ),
        (
            "has_hard_bounced",
            "Has hard bounced",
            "Whether an email sent to the contact hard bounced",
            Boolean,
            false,
        ),
        (
            "language_override",
            "Language override",
            "The language the Messenger uses for the contact",
            String,
            false,
        ),
        ("browser", "Browser", "The browser the contact uses", String, false),
        ("browser_version", "Browser version", "The version of the browser the contact uses", String, false),
        ("browser_language", "Browser language", "The language of the contact's browser", String, false),
        ("os", "OS", "The operating system the contact uses", String, false),
        ("location.country", "Country", "The country the contact is in", String, false),
        ("location.region", "Region", "The region the contact is in", String, false),
        ("location.city", "City", "The city the contact is in", String, false),
        ("android_app_name", "Android app name", "The Android app the contact uses", String, false),
        (
            "android_app_version",
            "Android app version",
            "The version of the Android app the contact uses",
            String,
            false,
        ),
        ("android_device", "Android device", "The Android device the contact uses", String, false),
        ("android_os_version", "Android OS version", "The Android version the contact uses", String, false),
        (
            "android_sdk_version",
            "Android SDK version",
            "The Android SDK version the contact uses",
            String,
            false,
        ),
        (
            "android_last_seen_at",
            "Android last seen",
            "The last time the contact used the Android app",
            Date,
            false,
        ),
        ("ios_app_name", "iOS app name", "The iOS app the contact uses", String, false),
        ("ios_app_version", "iOS app version", "The version of the iOS app the contact uses", String, false),
        ("ios_device", "iOS device", "The iOS device the contact uses", String, false),
        ("ios_os_version", "iOS version", "The iOS version the contact uses", String, false),
        ("ios_sdk_version", "iOS SDK version", "The iOS SDK version the contact uses", String, false),
        ("ios_last_seen_at", "iOS last seen", "The last time the contact used the iOS app", Date, false),
    ]
};

/// The spec's example list for `model=company`.
const COMPANY_BUILTINS: &[Builtin] = {
    use DataType::*;
    &[
        ("name", "Company name", "The name of a company", String, true),
        ("company_id", "Company ID", "A number identifying a company", String, false),
        (
            "last_request_at",
            "Company last seen",
            "The last day anyone from a company visited your site or app",
            Date,
            false,
        ),
        ("remote_created_at", "Company created at", "The day a company was added to Intercom", Date, true),
        ("user_count", "People", "The number of people in a company", Integer, false),
        (
            "session_count",
            "Company web sessions",
            "All visits from anyone in a company to your product's site or app",
            Integer,
            false,
        ),
        (
            "plan.name",
            "Plan",
            "A specific plan or level within your product that companies have signed up to",
            String,
            false,
        ),
        ("monthly_spend", "Monthly Spend", "The monthly revenue you receive from a company", Float, true),
        (
            "size",
            "Company size",
            "The number of people employed in this company, expressed as a single number",
            Integer,
            true,
        ),
        (
            "industry",
            "Company industry",
            "The category or domain this company belongs to e.g. 'ecommerce' or 'SaaS'",
            String,
            true,
        ),
        (
            "website",
            "Company website",
            "The web address for the company's primary marketing site",
            String,
            true,
        ),
        ("id", "ID", "The Intercom defined id representing the company", String, false),
        ("created_at", "Created at", "The time the company was added to Intercom", Date, false),
        ("updated_at", "Updated at", "The last time the company was updated", Date, false),
        ("plan.id", "Plan ID", "The Intercom defined id representing the plan", String, false),
        ("app_id", "App ID", "The Intercom defined id representing the app", String, false),
    ]
};

const CONVERSATION_BUILTINS: &[Builtin] = {
    use DataType::*;
    &[
        ("id", "ID", "The id representing the conversation", String, false),
        ("title", "Title", "The title given to the conversation", String, false),
        ("created_at", "Created at", "The time the conversation was created", Date, false),
        ("updated_at", "Updated at", "The last time the conversation was updated", Date, false),
        ("state", "State", "Whether the conversation is open, closed or snoozed", String, false),
        ("open", "Open", "Whether the conversation is open", Boolean, false),
        ("read", "Read", "Whether the last part of the conversation was read", Boolean, false),
        ("priority", "Priority", "Whether the conversation is priority or not_priority", String, false),
        (
            "waiting_since",
            "Waiting since",
            "Since when the contact has been waiting for a reply",
            Date,
            false,
        ),
        ("snoozed_until", "Snoozed until", "When a snoozed conversation reopens", Date, false),
        ("admin_assignee_id", "Admin assignee", "The admin the conversation is assigned to", Integer, false),
        ("team_assignee_id", "Team assignee", "The team the conversation is assigned to", Integer, false),
        ("source.type", "Source type", "The type of the conversation's first message", String, false),
        ("source.delivered_as", "Source delivered as", "How the first message was delivered", String, false),
        ("source.subject", "Source subject", "The subject of the first message", String, false),
        ("source.body", "Source body", "The body of the first message", String, false),
        ("source.author.id", "Source author ID", "The id of the first message's author", String, false),
        ("source.author.type", "Source author type", "The type of the first message's author", String, false),
        ("source.url", "Source URL", "The URL where the conversation was started", String, false),
    ]
};

/// The built-in attributes of `model`.
pub fn builtins(model: Model) -> Vec<DataAttribute> {
    let table = match model {
        Model::Contact => CONTACT_BUILTINS,
        Model::Company => COMPANY_BUILTINS,
        Model::Conversation => CONVERSATION_BUILTINS,
    };
    table
        .iter()
        .map(|&(full_name, label, description, data_type, api_writable)| DataAttribute {
            id: None,
            kind: "data_attribute",
            name: full_name.rsplit('.').next().unwrap_or(full_name).to_owned(),
            full_name: full_name.to_owned(),
            label: label.to_owned(),
            description: description.to_owned(),
            data_type,
            options: None,
            api_writable,
            ui_writable: false,
            messenger_writable: true,
            custom: false,
            archived: false,
            admin_id: None,
            created_at: None,
            updated_at: None,
            model,
        })
        .collect()
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
