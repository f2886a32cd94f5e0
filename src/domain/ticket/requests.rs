//! The request bodies of the ticket type and ticket endpoints, read loosely by serde and then
//! checked here into typed commands. Ids travel as strings or numbers.

use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::attributes::{DataType, OptionsChange};
use super::{Category, StateCategory};
use crate::domain::conversation::requests::{AdminMessage, ContactKey, IdValue, Replier, Reply, ReplyBody};
use crate::domain::error::{OrMissing, Rejection};

type Checked<T> = Result<T, Rejection>;

/// The icon a type gets when none is sent (the descriptions' default).
pub const DEFAULT_ICON: &str = "\u{1F39F}\u{FE0F}";

fn text(field: &str, value: Option<String>, required: bool) -> Checked<Option<String>> {
    match value {
        None if required => Err(Rejection::missing(field)),
        Some(s) if s.trim().is_empty() => {
            Err(Rejection::invalid(field, format!("{field} must not be blank")))
        }
        other => Ok(other.map(|s| s.trim().to_owned())),
    }
}

fn category(value: Option<String>) -> Checked<Option<Category>> {
    value
        .map(|raw| {
            Category::parse(raw.trim()).ok_or_else(|| {
                Rejection::invalid(
                    "category",
                    format!("category must be Customer, Back-office or Tracker, not '{raw}'"),
                )
            })
        })
        .transpose()
}

// ---------------------------------------------------------------------------------------------
// POST /ticket_types, PUT /ticket_types/{id}
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct TypeBody {
    name: Option<String>,
    description: Option<String>,
    category: Option<String>,
    icon: Option<String>,
    is_internal: Option<bool>,
    archived: Option<bool>,
}

/// A new type (every field set) or the fields an update changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: Option<Category>,
    pub icon: Option<String>,
    pub is_internal: Option<bool>,
    pub archived: Option<bool>,
}

impl TypeBody {
    /// A new type: `name` is required; the category is Customer and the icon 🎟️ unless sent.
    pub fn new_type(self) -> Checked<TypeChange> {
        let mut change = self.change(true)?;
        change.category.get_or_insert(Category::Customer);
        change.icon.get_or_insert_with(|| DEFAULT_ICON.to_owned());
        change.description.get_or_insert_with(String::new);
        change.is_internal.get_or_insert(false);
        change.archived.get_or_insert(false);
        Ok(change)
    }

    pub fn change(self, creating: bool) -> Checked<TypeChange> {
        Ok(TypeChange {
            name: text("name", self.name, creating)?,
            description: self.description,
            category: category(self.category)?,
            icon: text("icon", self.icon, false)?,
            is_internal: self.is_internal,
            archived: self.archived,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// POST /ticket_types/{id}/attributes, PUT /ticket_types/{id}/attributes/{attribute_id}
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct AttributeBody {
    name: Option<String>,
    description: Option<String>,
    data_type: Option<String>,
    required_to_create: Option<bool>,
    required_to_create_for_contacts: Option<bool>,
    visible_on_create: Option<bool>,
    visible_to_contacts: Option<bool>,
    multiline: Option<bool>,
    list_items: Option<String>,
    allow_multiple_values: Option<bool>,
    archived: Option<bool>,
}

/// A new attribute (name, description and data type set) or what an update changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttributeChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub data_type: Option<DataType>,
    pub required_to_create: Option<bool>,
    pub required_to_create_for_contacts: Option<bool>,
    pub visible_on_create: Option<bool>,
    pub visible_to_contacts: Option<bool>,
    pub options: OptionsChange,
    pub archived: Option<bool>,
}

impl AttributeBody {
    /// `name`, `description` and `data_type` are required to create; an update cannot change
    /// the data type, and archives rather than deletes.
    pub fn check(self, creating: bool) -> Checked<AttributeChange> {
        let data_type = match self.data_type {
            None if creating => return Err(Rejection::missing("data_type")),
            None => None,
            Some(raw) => Some(DataType::parse(raw.trim()).ok_or_else(|| {
                Rejection::invalid(
                    "data_type",
                    format!("data_type must be string, list, integer, decimal, boolean, datetime or files, not '{raw}'"),
                )
            })?),
        };
        if creating && self.archived.is_some() {
            return Err(Rejection::invalid("archived", "a new attribute cannot be archived"));
        }
        if creating && self.description.is_none() {
            return Err(Rejection::missing("description"));
        }
        Ok(AttributeChange {
            name: text("name", self.name, creating)?,
            description: self.description,
            data_type,
            required_to_create: self.required_to_create,
            required_to_create_for_contacts: self.required_to_create_for_contacts,
            visible_on_create: self.visible_on_create,
            visible_to_contacts: self.visible_to_contacts,
            options: OptionsChange {
                multiline: self.multiline,
                list_items: self.list_items,
                allow_multiple_values: self.allow_multiple_values,
            },
            archived: self.archived,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// POST /tickets
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct ContactBody {
    id: Option<String>,
    external_id: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AssignmentBody {
    admin_assignee_id: Option<IdValue>,
    team_assignee_id: Option<IdValue>,
}

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    ticket_type_id: Option<IdValue>,
    contacts: Option<Vec<ContactBody>>,
    company_id: Option<String>,
    created_at: Option<i64>,
    ticket_attributes: Option<Map<String, Json>>,
    assignment: Option<AssignmentBody>,
    conversation_to_link_id: Option<IdValue>,
    /// Switchboard sends no notifications, so there are none to skip.
    #[serde(rename = "skip_notifications")]
    _skip_notifications: Option<bool>,
}

/// A checked `POST /tickets`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    /// 0 when the request named no id Switchboard could have made.
    pub ticket_type_id: i64,
    pub contact: ContactKey,
    pub company_id: Option<String>,
    pub created_at: Option<i64>,
    pub attributes: Map<String, Json>,
    pub admin_assignee_id: Option<i64>,
    pub team_assignee_id: Option<i64>,
    pub conversation_to_link_id: Option<i64>,
}

/// A numeric id, or 0 (found by no lookup) for one Switchboard never made; `0` itself is none.
fn id_or_zero(value: &IdValue) -> i64 {
    value.numeric().unwrap_or(0)
}

impl CreateBody {
    pub fn check(self) -> Checked<NewTicket> {
        let ticket_type_id = id_or_zero(&self.ticket_type_id.or_missing("ticket_type_id")?);
        let contacts = self.contacts.or_missing("contacts")?;
        let contact = match contacts.as_slice() {
            [] => return Err(Rejection::missing("contacts")),
            [one] => ContactKey::pick(one.id.clone(), one.external_id.clone(), one.email.clone())
                .ok_or_else(|| {
                    Rejection::invalid("contacts", "a contact needs an id, external_id or email")
                })?,
            _ => return Err(Rejection::invalid("contacts", "Only one contact is allowed on a ticket")),
        };
        if self.created_at.is_some_and(|at| at <= 0) {
            return Err(Rejection::invalid("created_at", "created_at must be a UNIX timestamp in seconds"));
        }
        let assignee = |value: Option<IdValue>| value.map(|v| id_or_zero(&v)).filter(|id| *id != 0);
        let assigned_admin = self.assignment.as_ref().and_then(|a| a.admin_assignee_id.clone());
        let assigned_team = self.assignment.and_then(|a| a.team_assignee_id);
        Ok(NewTicket {
            ticket_type_id,
            contact,
            company_id: self.company_id.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
            created_at: self.created_at,
            attributes: self.ticket_attributes.unwrap_or_default(),
            admin_assignee_id: assignee(assigned_admin),
            team_assignee_id: assignee(assigned_team),
            conversation_to_link_id: self.conversation_to_link_id.map(|v| id_or_zero(&v)),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// POST /tickets/{id}/reply
// ---------------------------------------------------------------------------------------------

/// A ticket reply: a conversation reply's body, and `cross_post` (2.16): "If set to true, the
/// note will be cross-posted to all linked conversations. Only applicable to note message
/// types on back-office tickets."
#[derive(Debug, Deserialize)]
pub struct TicketReplyBody {
    #[serde(flatten)]
    reply: ReplyBody,
    cross_post: Option<bool>,
}

/// A checked ticket reply: the reply, and whether an admin's note is cross-posted.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketReply {
    pub reply: Reply,
    pub cross_post: bool,
}

impl TicketReplyBody {
    /// `cross_post: true` is refused on anything but an admin's note (the ticket's category is
    /// the store's to check); `false` is what a reply does anyway.
    pub fn check(self) -> Checked<TicketReply> {
        let reply = self.reply.check()?;
        let cross_post = self.cross_post.unwrap_or(false);
        let note = matches!(reply.by, Replier::Admin { message: AdminMessage::Note, .. });
        if cross_post && !note {
            return Err(Rejection::invalid("cross_post", CROSS_POST_NOTES_ONLY));
        }
        Ok(TicketReply { reply, cross_post })
    }
}

/// Why `cross_post` was refused: the description's terms.
pub const CROSS_POST_NOTES_ONLY: &str =
    "cross_post is only applicable to note message types on back-office tickets";

// ---------------------------------------------------------------------------------------------
// PUT /tickets/{id}
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Assignment211 {
    admin_id: Option<IdValue>,
    assignee_id: Option<IdValue>,
}

/// 2.16's fields (`ticket_state_id`, `admin_id`, `assignee_id`) and 2.11's (`state`,
/// `assignment`) are both read, whatever the version.
#[derive(Debug, Deserialize)]
pub struct UpdateBody {
    ticket_attributes: Option<Map<String, Json>>,
    ticket_state_id: Option<IdValue>,
    state: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable::present")]
    company_id: Option<Option<String>>,
    open: Option<bool>,
    is_shared: Option<bool>,
    snoozed_until: Option<i64>,
    admin_id: Option<IdValue>,
    assignee_id: Option<IdValue>,
    assignment: Option<Assignment211>,
    #[serde(rename = "skip_notifications")]
    _skip_notifications: Option<bool>,
}

/// The state an update moves a ticket to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChoice {
    /// 2.12 on: a state's id (0 for one Switchboard never made).
    Id(i64),
    /// 2.11: the state's category.
    Category(StateCategory),
}

/// A checked `PUT /tickets/{id}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketUpdate {
    pub attributes: Option<Map<String, Json>>,
    pub state: Option<StateChoice>,
    /// `Some(None)` removes the company.
    pub company_id: Option<Option<String>>,
    pub open: Option<bool>,
    pub is_shared: Option<bool>,
    pub snoozed_until: Option<i64>,
    /// The admin making the change (0 for an id Switchboard never made); the token's unless sent.
    pub admin_id: Option<i64>,
    /// The admin or team assigned; `Some(0)` unassigns.
    pub assignee_id: Option<i64>,
}

impl UpdateBody {
    pub fn check(self) -> Checked<TicketUpdate> {
        let state = match (self.ticket_state_id, self.state) {
            (Some(id), _) => Some(StateChoice::Id(id_or_zero(&id))),
            (None, Some(raw)) => match StateCategory::parse(raw.trim()) {
                Some(category) if category != StateCategory::Submitted => {
                    Some(StateChoice::Category(category))
                }
                _ => {
                    return Err(Rejection::invalid(
                        "state",
                        format!("state must be in_progress, waiting_on_customer or resolved, not '{raw}'"),
                    ));
                }
            },
            (None, None) => None,
        };
        let (admin, assignee) = match self.assignment {
            Some(a) => (a.admin_id.or(self.admin_id), a.assignee_id.or(self.assignee_id)),
            None => (self.admin_id, self.assignee_id),
        };
        let assignee_id = match assignee {
            Some(IdValue::Text(t)) if t.trim() == "0" => Some(0),
            Some(IdValue::Number(0)) => Some(0),
            // An id Switchboard never made names nobody: the store answers "Assignee not found".
            Some(other) => Some(other.numeric().unwrap_or(-1)),
            None => None,
        };
        if self.snoozed_until.is_some_and(|at| at <= 0) {
            return Err(Rejection::invalid(
                "snoozed_until",
                "snoozed_until must be a UNIX timestamp in seconds",
            ));
        }
        if self.snoozed_until.is_some() && self.open == Some(false) {
            return Err(Rejection::invalid("snoozed_until", "a closed ticket cannot be snoozed"));
        }
        Ok(TicketUpdate {
            attributes: self.ticket_attributes,
            state,
            company_id: self.company_id.map(|c| c.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty())),
            open: self.open,
            is_shared: self.is_shared,
            snoozed_until: self.snoozed_until,
            admin_id: admin.map(|a| a.numeric().unwrap_or(0)),
            assignee_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn update(body: Json) -> Checked<TicketUpdate> {
        serde_json::from_value::<UpdateBody>(body).unwrap().check()
    }

    #[test]
    fn updates_read_both_versions_fields() {
        let new = update(json!({"ticket_state_id": "12", "admin_id": 3, "assignee_id": "0"})).unwrap();
        assert_eq!((new.state, new.admin_id, new.assignee_id), (Some(StateChoice::Id(12)), Some(3), Some(0)));
        let old = update(json!({"state": "resolved", "assignment": {"admin_id": "3", "assignee_id": "9"}}))
            .unwrap();
        assert_eq!(
            (old.state, old.admin_id, old.assignee_id),
            (Some(StateChoice::Category(StateCategory::Resolved)), Some(3), Some(9))
        );
        assert_eq!(update(json!({"state": "submitted"})).unwrap_err().field.as_deref(), Some("state"));
        assert_eq!(update(json!({"company_id": null})).unwrap().company_id, Some(None));
    }

    #[test]
    fn a_new_ticket_has_one_contact() {
        let check = |body: Json| serde_json::from_value::<CreateBody>(body).unwrap().check();
        assert_eq!(
            check(json!({"contacts": [{"id": "a"}]})).unwrap_err().field.as_deref(),
            Some("ticket_type_id")
        );
        assert_eq!(check(json!({"ticket_type_id": 1})).unwrap_err().field.as_deref(), Some("contacts"));
        let two = json!({"ticket_type_id": 1, "contacts": [{"id": "a"}, {"id": "b"}]});
        assert_eq!(check(two).unwrap_err().field.as_deref(), Some("contacts"));
        let ok = check(json!({"ticket_type_id": "7", "contacts": [{"external_id": "u1"}]})).unwrap();
        assert_eq!((ok.ticket_type_id, ok.contact), (7, ContactKey::UserId("u1".into())));
    }
}
